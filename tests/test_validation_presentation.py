"""Presentation checks (shapes/presentation.ttl, sh:Warning) and narrative-restated (shapes/narrative.ttl).

Mutation style: one word or figure of a real document is changed, the document ingested and
validated, and the new result asserted at the mutated line (with its page for a PDF); the
unmutated document has no such result there. PDFs are mutated on their read lines, pages kept.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import mutation
from conftest import SHARED, seed
from kg.validation import ValidationReport

SHAPES = "https://w3id.org/budgetkg/shapes#"
CORPUS = SHARED / "corpus" / "final-accounts"
TEMPLATE = CORPUS / "部门决算模板-2024.pdf"
FINANCE = CORPUS / "上海市普陀区财政局2024年度部门决算.pdf"
REAL_PDFS = sorted(p for p in CORPUS.glob("*.pdf") if p != TEMPLATE)


def _at(report: ValidationReport, identity: str, line: int) -> list:
    return [r for r in report.results if r.identity == SHAPES + identity and line in r.lines]


def _presentation(report: ValidationReport) -> list:
    return [r for r in report.results if r.identity and r.identity.startswith(SHAPES + "presentation-")]


def test_every_placeholder_of_the_template_is_a_warning_with_its_page() -> None:
    source = mutation.source(TEMPLATE)
    report = mutation.report(TEMPLATE)
    found = {line for r in report.results if r.identity == SHAPES + "presentation-placeholder" for line in r.lines}
    printed = {n for n, text in enumerate(source.lines, start=1) if re.search(r"XX|××|。。。", text)}
    assert len(printed) > 100 and printed == found
    for r in report.results:
        if r.identity == SHAPES + "presentation-placeholder":
            assert r.severity == "Warning"
            assert f"第 {source.pages[r.lines[0] - 1]} 页" in r.message_zh and "page" in r.message_en


@pytest.mark.parametrize("path", REAL_PDFS, ids=lambda p: p.stem)
def test_real_final_accounts_have_no_presentation_warnings(path: Path) -> None:
    assert _presentation(mutation.report(path)) == []


# (identity, line, old, new): one word changed in the 财政局 决算 (PDF, pages kept).
FINANCE_MUTATIONS = [
    ("presentation-placeholder", 406, "上海市普陀区财政局共有车辆", "上海市XX局共有车辆"),
    ("presentation-doubled-punctuation", 395, "增长1.40%。", "增长1.40%。。"),
    ("presentation-cut-off", 395, "主要原因是", "主要原因是。"),
    ("presentation-comparison-year", 297, "与2023年度相比", "与2021年度相比"),
    ("presentation-heading-year", 294, "财政局2024年度", "财政局2023年度"),
    ("presentation-date-year", 406, "截至2024年12月31日", "截至2020年12月31日"),
    ("presentation-scope-wording", 400, "本部门", "本单位"),
]


@pytest.mark.parametrize("identity, line, old, new", FINANCE_MUTATIONS, ids=[m[0] for m in FINANCE_MUTATIONS])
def test_finance_mutation_is_a_warning_at_its_line_and_page(identity: str, line: int, old: str, new: str) -> None:
    assert _at(mutation.report(FINANCE), identity, line) == []
    found = _at(mutation.validate(mutation.changed(FINANCE, line, old, new)), identity, line)
    assert found and all(r.severity == "Warning" for r in found)
    assert f"第 {mutation.source(FINANCE).pages[line - 1]} 页" in found[0].message_zh


def test_unit_document_with_department_wording_is_a_warning() -> None:
    path = seed("001")
    assert _at(mutation.report(path), "presentation-scope-wording", 599) == []
    found = _at(mutation.validate(mutation.changed(path, 599, "本单位", "本部门")), "presentation-scope-wording", 599)
    assert [r.severity for r in found] == ["Warning"]


def test_004_real_presentation_findings() -> None:
    """Seed 004 prints "矛盾。。" (line 765) and 本单位 in a 部门预算 (line 839): both real."""
    report = mutation.report(seed("004"))
    assert _at(report, "presentation-doubled-punctuation", 765)
    assert _at(report, "presentation-scope-wording", 839)


def test_redaction_marks_are_not_doubled_punctuation() -> None:
    # Seed 002 line 648 prints ";**;": a redaction between two clauses, not ";;".
    assert _at(mutation.report(seed("002")), "presentation-doubled-punctuation", 648) == []


def test_figure_stated_twice_in_a_paragraph_with_two_values() -> None:
    path = seed("002")
    assert _at(mutation.report(path), "narrative-restated", 626) == []
    report = mutation.validate(mutation.changed(path, 626, "2024年基本支出预算3764.22万元", "2024年基本支出预算3765.22万元"))
    found = _at(report, "narrative-restated", 626)
    assert [r.severity for r in found] == ["Violation"] and abs(float(found[0].difference)) == 10000


def test_figure_restated_one_cent_off_is_a_violation() -> None:
    # A restatement is the same figure: a difference in its last printed digit is no rounding.
    path = seed("002")
    report = mutation.validate(mutation.changed(path, 626, "2024年基本支出预算3764.22万元", "2024年基本支出预算3764.23万元"))
    found = _at(report, "narrative-restated", 626)
    assert found and {r.severity for r in found} == {"Violation"}, [r.message_en for r in found]


def test_figure_restated_with_fewer_decimals_that_round_it_is_a_warning() -> None:
    path = seed("002")
    report = mutation.validate(mutation.changed(path, 626, "2024年基本支出预算3764.22万元", "2024年基本支出预算3764.2万元"))
    found = _at(report, "narrative-restated", 626)
    assert found and {r.severity for r in found} == {"Warning"}, [r.message_en for r in found]
