"""The family seam: which family a document is, and that the budget vocabulary passes through unchanged."""

from pathlib import Path

import pytest

from kg.extract.document import read_document_info
from kg.families import family_by_key, heading_counts, recognise_family
from kg.families.budget import BUDGET
from kg.families.final_accounts import FINAL_ACCOUNTS
from kg.parse import parse_source
from kg.readers import read_document
from kg.readers.text import source_from_bytes
from kg.tables import find_tables

from conftest import REPO, SEEDS, SHARED

CORPUS = SHARED / "corpus" / "final-accounts"
BUDGETS = sorted(SEEDS.glob("*.txt")) + sorted((REPO / "examples").glob("*.txt"))


@pytest.mark.parametrize("path", BUDGETS, ids=lambda p: p.stem)
def test_budgets_are_budgets_and_read_as_without_the_seam(path: Path) -> None:
    source = read_document(path)
    assert recognise_family(source.lines) is BUDGET
    assert heading_counts(source.lines)["final-accounts"] == 0
    # The pipeline with the recognised family reads what the family-less defaults read.
    document = parse_source(source, "doc")
    assert document.family == "budget"
    assert [(t.kind, t.lines) for t in find_tables(source)] == [(t.kind, t.lines) for t in find_tables(source, BUDGET)]
    assert document.info == read_document_info(source)[0]


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.pdf")), ids=lambda p: p.stem)
def test_final_accounts_are_recognised_by_their_headings(path: Path) -> None:
    lines = read_document(path).lines
    assert recognise_family(lines) is FINAL_ACCOUNTS
    counts = heading_counts(lines)
    assert counts["final-accounts"] >= 39 and counts["budget"] <= 1


def test_the_file_name_does_not_decide_the_family() -> None:
    budget = "某某局2024年部门预算公开\n一、部门收支总表\n单位：万元\n"
    final = "某某局\n2024年度部门决算\n收入支出决算总表\n支出决算表\n"
    assert recognise_family(source_from_bytes(budget.encode(), "某某局2024年度部门决算.txt").lines) is BUDGET
    assert recognise_family(source_from_bytes(final.encode(), "某某局2024年部门预算.txt").lines) is FINAL_ACCOUNTS


def test_a_document_that_names_no_family_is_read_as_a_budget() -> None:
    assert recognise_family(("科目编码\t科目名称\t合计", "201\t一般公共服务支出\t10.00")) is BUDGET


def test_families_by_key() -> None:
    assert family_by_key("final-accounts") is FINAL_ACCOUNTS and family_by_key("budget") is BUDGET
    with pytest.raises(KeyError):
        family_by_key("government-report")


def test_a_cover_title_over_three_lines() -> None:
    text = "中共上海市普陀区委\n社会工作部 2024 年度\n部门决算\n目录\n"
    info, _ = read_document_info(source_from_bytes(text.encode(), "x.txt"), FINAL_ACCOUNTS)
    assert (info.issuing_unit, info.fiscal_year, info.scope) == ("中共上海市普陀区委社会工作部", 2024, "department")
    # The budget family reads one line at a time, as before the seam.
    assert read_document_info(source_from_bytes(text.encode(), "x.txt"))[0].fiscal_year is None
