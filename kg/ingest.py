"""Ingest: files -> parsed documents -> quads -> one named graph each, atomically.

A document is parsed and mapped completely before the store is touched, and
its graph is replaced in one transaction, so a bad document never leaves a
partial graph behind and a re-ingested one never shows old and new together.
"""

from __future__ import annotations

import time
from importlib import resources
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pyoxigraph as ox

from kg.mapping import map_document
from kg.parse import parse_file
from kg.reading import InputError
from kg.records import ParsedDocument
from kg.settings import Settings
from kg.store import GraphStore
from kg.vocabulary import ONTOLOGY_IRI

DOCUMENT_SUFFIXES = (".txt", ".md", ".markdown")


@dataclass(frozen=True)
class IngestReport:
    document_id: str
    path: str
    graph: str
    tables: int
    records: int
    triples: int
    warnings: int
    seconds: float


def find_documents(paths: list[str]) -> list[Path]:
    """Files as given; folders searched recursively for documents, in a stable order."""
    found: list[Path] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in DOCUMENT_SUFFIXES))
        elif path.is_file():
            found.append(path)
        else:
            raise InputError(given, None, "expected a document file or a folder of documents; nothing is there")
    return found


def record_count(document: ParsedDocument) -> int:
    indicators = sum(len(t.indicators) for t in document.performance) + sum(
        len(a.indicators) for a in document.activities
    )
    return (
        len(document.budget_lines)
        + len(document.performance)
        + len(document.activities)
        + indicators
        + len(document.bodies)
        + len(document.narrative)
        + len(document.glossary)
    )


def ingest_file(path: Path | str, store: GraphStore, settings: Settings) -> IngestReport:
    started = time.perf_counter()
    document = parse_file(path)
    mapped = map_document(document, settings)
    store.replace_graph(mapped.graph.value, mapped.quads, also_insert=mapped.reference_quads)
    return IngestReport(
        document_id=document.document_id,
        path=str(path),
        graph=mapped.graph.value,
        tables=len(document.tables),
        records=record_count(document),
        triples=len(mapped.quads) + len(mapped.reference_quads),
        warnings=len(document.warnings),
        seconds=time.perf_counter() - started,
    )


def ontology_turtle() -> bytes:
    return resources.files("ontology").joinpath("budgetkg.ttl").read_bytes()


def load_ontology(store: GraphStore) -> None:
    """Keep the ontology in its own graph, so labels of classes, column meanings
    and grades can be queried beside the data."""
    store.load(ontology_turtle(), ox.RdfFormat.TURTLE, ONTOLOGY_IRI)


def ingest_paths(paths: list[str], store: GraphStore, settings: Settings) -> Iterator[IngestReport]:
    load_ontology(store)
    for path in find_documents(paths):
        yield ingest_file(path, store, settings)
