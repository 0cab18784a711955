"""`budgetkg validate` on every core: worker processes, each with its own view of the store,
give the reports one process gives, in the same order, and store the same report graphs."""

from pathlib import Path

from kg.cli import main
from kg.settings import Settings
from kg.store import OxigraphStore
from kg.validation import document_ids, validate_stored_document
from kg.validation.parallel import validate_stored_documents

from conftest import seed


def _store_of(directory: Path, *seeds: str) -> str:
    store = str(directory)
    assert main(["ingest", *(str(seed(s)) for s in seeds), "--store", store, "--no-validate"]) == 0
    return store


def test_workers_give_each_documents_report_in_order(tmp_path: Path):
    path = _store_of(tmp_path / "kg", "000", "003", "004")
    store = OxigraphStore(Path(path))
    documents = document_ids(store, Settings())
    assert len(documents) == 3
    one_by_one = [validate_stored_document(store, d, Settings()) for d in documents]
    del store  # the workers open their own views; this process no longer needs the store
    parallel = list(validate_stored_documents(Path(path), documents, Settings(), engine="oxigraph", workers=2))
    assert [r.document_id for r in parallel] == documents
    assert [(r.document_id, r.count("Violation"), r.count("Warning"), r.count("Info")) for r in parallel] == [
        (r.document_id, r.count("Violation"), r.count("Warning"), r.count("Info")) for r in one_by_one
    ]
    assert sum(r.count("Violation") for r in parallel) > 0  # the seeds 000, 003 and 004 have real ones


def test_the_command_prints_and_stores_the_same_with_one_or_two_workers(tmp_path: Path, capsys):
    outputs, exports = [], []
    for workers in ("1", "2"):
        store = _store_of(tmp_path / workers, "000", "004")
        capsys.readouterr()
        assert main(["validate", "--store", store, "--workers", workers]) == 1  # both have violations
        outputs.append(capsys.readouterr().out)
        assert main(["export", "--store", store]) == 0
        # The report graphs (IRIs only: the ontology's blank nodes are labelled anew in each store).
        exports.append(sorted(line for line in capsys.readouterr().out.splitlines() if line.endswith("/validation> .")))
    assert outputs[0] == outputs[1] and "violation" in outputs[0]
    assert exports[0] == exports[1] and len(exports[0]) > 100
