"""Validate a document: from its quads (ingest), from a store (the CLI), or read its
stored report (the API), with the fast engine or pyshacl."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from kg.iris import Iris
from kg.settings import Settings
from kg.validation.dataset import ReadableStore, build_dataset, graph_store, has_graph, stored_document_quads
from kg.validation.engine import validate_dataset
from kg.validation.report_graph import read_report
from kg.validation.results import ValidationReport

ENGINES = ("oxigraph", "pyshacl")


def validate_quads(quads: Iterable[ox.Quad | ox.Triple], document_id: str, settings: Settings, engine: str = "oxigraph") -> ValidationReport:
    """Validate a document from its quads (document, inferred and reference graphs), with the
    ontology and the official 类 names (shapes/classification-categories.ttl)."""
    data = build_dataset(quads)
    if engine == "pyshacl":
        from kg.validation.pyshacl_engine import validate_dataset_pyshacl

        return validate_dataset_pyshacl(data, document_id, settings)
    if engine != "oxigraph":
        raise ValueError(f"unknown validation engine {engine!r}: use one of {', '.join(ENGINES)}")
    return validate_dataset(data, document_id, settings)


def validate_stored_document(store: ReadableStore | ox.Store, document_id: str, settings: Settings, engine: str = "oxigraph") -> ValidationReport:
    return validate_quads(stored_document_quads(store, document_id, settings), document_id, settings, engine)


def validation_report(store: ReadableStore | ox.Store, document_id: str, settings: Settings) -> ValidationReport:
    """The report for one document: read from its stored report graph if there is one,
    otherwise computed now from the store (not stored). For the API's GET /validate.
    ``store`` is a kg.store.GraphStore or a pyoxigraph Store; LookupError if the store
    does not hold the document."""
    readable = graph_store(store)
    graph = Iris(settings.base_iri).validation_graph(document_id).value
    if has_graph(readable, graph):
        return read_report(readable, document_id, graph, settings)
    return validate_stored_document(readable, document_id, settings)
