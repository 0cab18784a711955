"""Ingest benchmark: parse + map + load, per document and in total.

``budgetkg bench PATH...`` prints, for each document (text or PDF), its pages
(``-`` for text), tables, records,
triples, warnings and the best ingest time of ``--repeat`` runs (each into a
fresh in-memory store), then documents/s, triples/s and the process's peak
memory. Reasoning and validation are not part of this figure.
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

from kg.ingest import find_documents
from kg.limits import record_count
from kg.mapping import map_document
from kg.parse import parse_file
from kg.settings import Settings
from kg.store import OxigraphStore


def _ingest_once(path: Path, settings: Settings) -> tuple[float, int, int, int, int, float, float, str]:
    from kg.reasoning import infer
    from kg.validation import validate_quads
    from kg.iris import Iris

    store = OxigraphStore()
    started = time.perf_counter()
    document = parse_file(path)
    mapped = map_document(document, settings)
    store.replace_graph(mapped.graph.value, mapped.quads, also_insert=mapped.reference_quads)
    seconds = time.perf_counter() - started
    # Reasoning and validation are timed apart, so the ingest column stays comparable.
    t = time.perf_counter()
    inferred = infer(mapped.quads + mapped.reference_quads, Iris(settings.base_iri).inferred_graph(document.document_id)).quads
    reasoning = time.perf_counter() - t
    t = time.perf_counter()
    validate_quads(mapped.quads + mapped.reference_quads + inferred, document.document_id, settings)
    validation = time.perf_counter() - t
    pages = str(document.pages[-1]) if document.pages else "-"
    return (seconds, len(document.tables), record_count(document), len(mapped.quads) + len(mapped.reference_quads), len(document.warnings), reasoning, validation, pages)


def run_ingest_benchmark(paths: list[str], settings: Settings, *, repeat: int = 3) -> None:
    documents = find_documents(paths)
    out = sys.stdout
    out.write(f"{'document':40} {'pages':>5} {'tables':>6} {'records':>7} {'triples':>7} {'warnings':>8} {'best ms':>8} {'reason ms':>9} {'valid ms':>8}\n")
    total_seconds = 0.0
    total_triples = 0
    for path in documents:
        runs = [_ingest_once(path, settings) for _ in range(max(1, repeat))]
        best = min(run[0] for run in runs)
        _, tables, records, triples, warnings, _, _, pages = runs[0]
        reason_ms = min(run[5] for run in runs) * 1000
        valid_ms = min(run[6] for run in runs) * 1000
        total_seconds += best
        total_triples += triples
        out.write(f"{path.stem:40} {pages:>5} {tables:6} {records:7} {triples:7} {warnings:8} {best * 1000:8.1f} {reason_ms:9.1f} {valid_ms:8.1f}\n")
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if total_seconds > 0:
        out.write(
            f"\n{len(documents)} documents in {total_seconds:.3f} s: {len(documents) / total_seconds:.1f} documents/s, {total_triples / total_seconds:,.0f} triples/s, peak memory {peak_mib:.0f} MiB\n"
        )
