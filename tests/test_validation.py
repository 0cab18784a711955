"""SHACL validation and OWL RL reasoning on the seeds, and mutation tests.

Each finding is asserted by identity and line; the unmutated copy must not show
what the mutation introduces.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import seed
from kg.ingest import ingest_file
from kg.settings import Settings
from kg.store import OxigraphStore
from kg.validation import report_as_html, report_as_json, report_as_turtle, validation_report

SHAPES = "https://w3id.org/budgetkg/shapes#"


def _report(path: Path):
    store = OxigraphStore()
    report = ingest_file(path, store, Settings())
    return store, validation_report(store, report.document_id, Settings())


def _found(report, identity: str, line: int, severity: str = "Violation") -> bool:
    return any(r.identity == SHAPES + identity and line in r.lines and r.severity == severity for r in report.results)


@pytest.fixture(scope="module")
def reports():
    return {prefix: _report(seed(prefix))[1] for prefix in ("000", "001", "002", "003", "004")}


def test_000_narrative_government_fund_printed_in_yuan(reports):
    report = reports["000"]
    assert _found(report, "narrative-sum", 41)
    message = next(r for r in report.results if r.identity == SHAPES + "narrative-sum")
    assert "1868.8元" in message.message_zh and "4054.45 万元" in message.message_en  # read as 万元 it adds up


def test_004_weights_add_to_90(reports):
    weights = [r for r in reports["004"].results if r.identity == SHAPES + "weights"]
    assert weights and all(r.value == "90" and r.expected == "100" for r in weights)
    assert _found(reports["004"], "weights", 800)


def test_001_spending_plans_stop_at_october(reports):
    ends = [r for r in reports["001"].results if r.identity == SHAPES + "spending-plan-end"]
    assert len(ends) >= 5 and all("10月底" in r.figures for r in ends)
    assert _found(reports["001"], "spending-plan-end", 658)


def test_002_current_year_imbalance_is_info_and_balance_holds(reports):
    report = reports["002"]
    assert _found(report, "current-year-balance", 101, "Info")
    assert not any(r.identity in (SHAPES + "balance", SHAPES + "balance-carryover") for r in report.results)


def test_002_three_public_total_includes_training(reports):
    assert _found(reports["002"], "three-public-scope", 587, "Warning")
    assert _found(reports["002"], "narrative-table", 634)


def test_001_class_sums_within_rounding_are_warnings(reports):
    rounding = [r for r in reports["001"].results if r.is_rounding]
    assert rounding and all(r.severity == "Warning" and abs(int(r.difference)) <= int(r.tolerance) for r in rounding)


def test_agreeing_figures_raise_no_violation(reports):
    for prefix in ("002", "004"):
        report = reports[prefix]
        assert not any(r.identity == SHAPES + "tables-agree" for r in report.results)
        assert not any(r.identity == SHAPES + "row-total" for r in report.results)
    assert reports["003"].conforms


def _mutate(tmp_path: Path, line: int, old: str, new: str | None) -> Path:
    lines = seed("002").read_text(encoding="utf-8").split("\n")
    if new is None:
        lines[line - 1] = ""  # remove the row, keep the line numbers
    else:
        assert old in lines[line - 1]
        lines[line - 1] = lines[line - 1].replace(old, new, 1)
    path = tmp_path / "mutant.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_mutation_changed_figure(tmp_path: Path, reports):
    _, report = _report(_mutate(tmp_path, 216, "3376.32\t3376.32", "3376.32\t3370.32"))
    assert _found(report, "row-total", 216)
    assert not _found(reports["002"], "row-total", 216)


def test_mutation_removed_row(tmp_path: Path, reports):
    _, report = _report(_mutate(tmp_path, 164, "", None))
    assert _found(report, "hierarchy", 150)
    assert not _found(reports["002"], "hierarchy", 150)


def test_mutation_altered_code(tmp_path: Path, reports):
    _, report = _report(_mutate(tmp_path, 163, "2080 505", "2081 005"))
    assert _found(report, "hierarchy", 150)


def test_renderers(reports):
    report = reports["002"]
    data = report_as_json(report)
    assert data["conforms"] is False and data["violations"] == report.count("Violation")
    assert b"sh:ValidationReport" in report_as_turtle(report) or b"ValidationReport" in report_as_turtle(report)
    page = report_as_html(report)
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page


def test_report_graph_is_queryable():
    store, _ = _report(seed("004"))
    from conftest import select

    rows = select(store, "SELECT ?line WHERE { GRAPH ?g { ?r sh:resultSeverity sh:Violation ; <https://w3id.org/budgetkg/report#sourceLine> ?line } } ")
    assert {"800", "372"} <= {r["line"] for r in rows}
