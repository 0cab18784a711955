"""A document shipped as bytes is prepared as its file would be, and named as it was given."""

from __future__ import annotations

from pathlib import Path

from conftest import seed
from kg.ingest import prepare_document
from kg.runners.shipped import ShippedDocument, prepare_shipped, ship
from kg.settings import Settings


def test_a_shipped_document_gives_the_quads_and_report_of_its_file():
    settings = Settings(validate=False)
    here = prepare_document(seed("004"), settings)
    outcome = prepare_shipped(prepare_document, ship(seed("004")), settings)
    assert outcome.value is not None
    assert outcome.value.report.path == str(seed("004")) == here.report.path
    for graph, quads in here.graphs.items():
        assert sorted(map(str, outcome.value.graphs[graph])) == sorted(map(str, quads)), graph
    assert sorted(map(str, outcome.value.reference_quads)) == sorted(map(str, here.reference_quads))


def test_bad_input_and_failures_name_the_path_as_sent_never_the_workers_copy():
    bad = prepare_shipped(prepare_document, ShippedDocument("/far/away/bad.pdf", b"plain text"), Settings())
    assert bad.error is not None and str(bad.error).startswith("/far/away/bad.pdf: expected a PDF")

    def fails(path: Path, settings: Settings):
        raise OSError(5, "Input/output error", str(path))

    failed = prepare_shipped(fails, ShippedDocument("/far/away/doc.txt", b""), Settings())
    assert failed.failure is not None
    assert failed.failure.message == "system error: Input/output error (/far/away/doc.txt)"
