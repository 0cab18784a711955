"""Fuzzing ingest: seeded mutations of real documents, and what ingest made of each.

Documents arrive damaged in the ways files are damaged: lines lost in a copy,
cells shifted, bytes flipped, files cut short, blocks pasted twice, text saved
with old-Mac line endings or as UTF-16. Whatever arrives, ingest must answer
within bounded time with the document ingested or refused in one line, and the
store must hold the document completely or not at all (issue 14: 600 fuzzed
documents found no crash, but nothing kept it that way).

``mutations`` writes a reproducible corpus (the same seed writes the same
files); ``fuzz`` ingests it one document at a time and checks the store after
each. ``tests/test_fuzz.py`` runs a few hundred; ``budgetkg bench --fuzz N``
runs any number and prints the counts.
"""

from __future__ import annotations

import random
import re
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import pyoxigraph as ox

from kg.ingest import ingest_many
from kg.iris import Iris
from kg.parse import document_id_for
from kg.settings import Settings
from kg.store import GraphStore

Mutation = Callable[[bytes, random.Random], bytes]
_CELL_SEPARATOR = re.compile(rb"\t|\||  +")


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def cut_lines(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    start = rng.randrange(len(lines))
    del lines[start : start + rng.randint(1, 40)]
    return b"\n".join(lines)


def swap_cells(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    rows = [i for i, line in enumerate(lines) if len(_CELL_SEPARATOR.findall(line)) >= 2]
    for _ in range(rng.randint(1, 5)):
        if not rows:
            break
        i = rng.choice(rows)
        separators = _CELL_SEPARATOR.findall(lines[i])
        cells = _CELL_SEPARATOR.split(lines[i])
        a, b = rng.randrange(len(cells)), rng.randrange(len(cells))
        cells[a], cells[b] = cells[b], cells[a]
        lines[i] = b"".join(cell + sep for cell, sep in zip(cells, separators + [b""]))
    return b"\n".join(lines)


def random_bytes(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 64)):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(len(data))]


def duplicate_block(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    start = rng.randrange(len(lines))
    block = lines[start : start + rng.randint(1, 200)]
    at = rng.randrange(len(lines) + 1)
    return b"\n".join(lines[:at] + block * rng.randint(1, 3) + lines[at:])


def cr_only(data: bytes, rng: random.Random) -> bytes:
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r")


def utf16(data: bytes, rng: random.Random) -> bytes:
    """Re-encoded as UTF-16 with a byte-order mark, as Windows tools save text."""
    text = data.decode("utf-8", errors="replace")
    if rng.random() < 0.5:
        return b"\xff\xfe" + text.encode("utf-16-le")
    return b"\xfe\xff" + text.encode("utf-16-be")


TEXT_MUTATIONS: dict[str, Mutation] = {
    "cut-lines": cut_lines,
    "swap-cells": swap_cells,
    "random-bytes": random_bytes,
    "truncate": truncate,
    "duplicate-block": duplicate_block,
    "cr-only": cr_only,
    "utf-16": utf16,
}
# A PDF's structure is binary: line edits mean nothing there, damage does.
PDF_MUTATIONS: dict[str, Mutation] = {"random-bytes": random_bytes, "truncate": truncate}


def mutations(seeds: list[Path], count: int, out: Path, *, seed: int = 0) -> list[tuple[Path, str]]:
    """Write ``count`` mutated copies of ``seeds`` into ``out``: (path, mutation) pairs."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    contents = {path: path.read_bytes() for path in seeds}
    written: list[tuple[Path, str]] = []
    for number in range(count):
        source = seeds[number % len(seeds)]
        table = PDF_MUTATIONS if source.suffix.lower() == ".pdf" else TEXT_MUTATIONS
        kind = rng.choice(sorted(table))
        data = table[kind](contents[source], rng) if contents[source] else b""
        # The stem keeps the source's name so fuzzed documents read like real ones (the
        # year and unit in a file name are evidence); the number keeps them apart.
        target = out / f"{number:04d}-{kind}-{source.stem}{source.suffix}"
        target.write_bytes(data)
        written.append((target, kind))
    return written


@dataclass(frozen=True)
class FuzzResult:
    path: Path
    mutation: str
    outcome: str  # ingested | refused (bad input) | failed (a bug, memory, disk)
    seconds: float
    message: str | None
    consistent: bool  # the store holds the document completely, or not at all


def _graph_size(store: GraphStore, graph: str) -> int:
    rows = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    assert isinstance(rows, ox.QuerySolutions)  # a SELECT
    return int(next(iter(rows))["n"].value)


def _consistent(store: GraphStore, path: Path, ingested: bool, settings: Settings) -> bool:
    """Ingested: the document graph holds its document node. Refused: none of its graphs exists."""
    try:
        document_id = document_id_for(path)
    except Exception:  # noqa: BLE001 - a name that makes no id cannot have a graph
        return not ingested
    iris = Iris(settings.base_iri)
    graphs = [iris.graph(document_id).value, iris.inferred_graph(document_id).value, iris.validation_graph(document_id).value]
    if not ingested:
        return all(_graph_size(store, g) == 0 for g in graphs)
    document = iris.document(document_id)
    return bool(store.query(f"ASK {{ GRAPH <{graphs[0]}> {{ {document} ?p ?o }} }}"))


def fuzz(corpus: list[tuple[Path, str]], store: GraphStore, settings: Settings) -> Iterator[FuzzResult]:
    """Ingest each mutated document on its own (so each is timed) and check the store after it."""
    for path, kind in corpus:
        started = time.perf_counter()
        (result,) = ingest_many([path], store, settings, skip_unchanged=False)
        seconds = time.perf_counter() - started
        outcome = "ingested" if result.report is not None else "failed" if result.failure is not None else "refused"
        yield FuzzResult(path, kind, outcome, seconds, result.message, _consistent(store, path, outcome == "ingested", settings))


def summary(results: list[FuzzResult]) -> str:
    """Counts per mutation and outcome, the slowest document, and any inconsistency or failure."""
    by_kind: dict[str, Counter[str]] = {}
    for r in results:
        by_kind.setdefault(r.mutation, Counter())[r.outcome] += 1
    lines = [f"{'mutation':16} {'documents':>9} {'ingested':>8} {'refused':>7} {'failed':>6}"]
    for kind, counts in sorted(by_kind.items()):
        lines.append(f"{kind:16} {sum(counts.values()):9} {counts['ingested']:8} {counts['refused']:7} {counts['failed']:6}")
    total = Counter(r.outcome for r in results)
    lines.append(f"{'all':16} {len(results):9} {total['ingested']:8} {total['refused']:7} {total['failed']:6}")
    if results:
        slowest = max(results, key=lambda r: r.seconds)
        lines.append(f"slowest: {slowest.seconds:.2f} s ({slowest.path.name})")
    inconsistent = [r for r in results if not r.consistent]
    lines.append(f"store inconsistent after {len(inconsistent)} documents")
    lines.extend(f"  failed: {r.message}" for r in results if r.outcome == "failed")
    lines.extend(f"  inconsistent: {r.path.name}" for r in inconsistent)
    return "\n".join(lines)
