"""Reading 部门决算: every table of the three Shanghai 决算 and the national template, figures to the cent.

Mirrors kg/families/final_accounts.py (with kg.tables, kg.extract.budget_tables and
kg.extract.execution as it uses them). Figures are asserted with their code, column,
stage, amount and page, as printed: the 财政局's 收入支出决算总表 prints 326.71 for
社会保障和就业支出 where its code tables print 326.72, and that stays.
"""

from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import pytest

from kg.families import Stage
from kg.parse import parse_file, parse_source
from kg.readers import read_document
from kg.readers.text import source_from_bytes
from kg.records import BudgetLine, ParsedDocument, TableKind

from conftest import SHARED

CORPUS = SHARED / "corpus" / "final-accounts"
FINANCE = CORPUS / "上海市普陀区财政局2024年度部门决算.pdf"
PLANNING = CORPUS / "上海市普陀区规划和自然资源局2024年度部门决算.pdf"
SOCIAL = CORPUS / "中共上海市普陀区委社会工作部2024年度部门决算.pdf"
TEMPLATE = CORPUS / "部门决算模板-2024.pdf"
NINE_TABLES = [
    TableKind.revenue_expenditure_summary,
    TableKind.revenue,
    TableKind.expenditure,
    TableKind.appropriation_summary,
    TableKind.general_budget_expenditure,
    TableKind.basic_expenditure,
    TableKind.three_public,
    TableKind.government_fund_expenditure,
    TableKind.state_capital_expenditure,
]


@lru_cache(maxsize=None)
def parsed(path: Path) -> ParsedDocument:
    return parse_file(path)


def figure(document: ParsedDocument, kind: TableKind, key: str, column: str, stage: str = Stage.final_accounts) -> tuple[str, int]:
    """(printed amount, page) of the one figure of a table row (code or label), column and stage."""
    tables = {t.index for t in document.tables if t.kind is kind}
    found = [line for line in document.budget_lines if line.table in tables and (line.code.notation if line.code else line.row_label) == key and line.column == column and line.stage == stage]
    assert len(found) == 1, (key, column, stage, found)
    line: BudgetLine = found[0]
    assert document.pages is not None
    return line.amount.printed, document.pages[line.lines.first - 1]


@pytest.mark.parametrize("path", [FINANCE, PLANNING, SOCIAL], ids=lambda p: p.stem)
def test_every_table_of_a_real_final_accounts_is_recognised(path: Path) -> None:
    document = parsed(path)
    assert document.family == "final-accounts"
    kinds = [t.kind for t in document.tables]
    assert kinds == [TableKind.organisation, *NINE_TABLES]
    unread = [w.message for w in document.warnings if "not recognised" in w.message]
    assert unread == []
    assert document.info.fiscal_year == 2024 and document.info.scope == "department"


def test_finance_bureau_figures() -> None:
    document = parsed(FINANCE)
    assert document.info.issuing_unit == "上海市普陀区财政局"
    assert figure(document, TableKind.general_budget_expenditure, "2010601", "total") == ("1,511.89", 15)
    assert figure(document, TableKind.general_budget_expenditure, "2010601", "project") == ("8.37", 15)
    assert figure(document, TableKind.expenditure, "合计", "basic") == ("2,336.91", 10)
    # 收入决算表: 类/款/项 printed on the 合计 line; 其他收入 of 一般行政管理事务.
    assert figure(document, TableKind.revenue, "2010602", "other_income") == ("6.19", 8)
    assert figure(document, TableKind.revenue, "合计", "total") == ("2,946.25", 8)
    # 基本支出决算表: two economic code lists side by side (类 | 款 columns).
    assert figure(document, TableKind.basic_expenditure, "30101", "total") == ("262.33", 16)
    assert figure(document, TableKind.basic_expenditure, "30201", "total") == ("21.21", 16)
    assert figure(document, TableKind.basic_expenditure, "31002", "total") == ("13.58", 17)
    assert figure(document, TableKind.basic_expenditure, "公用经费合计", "total") == ("184.65", 17)
    # The summary's real discrepancy stays as printed (326.71 against 326.72 in the code tables).
    assert figure(document, TableKind.revenue_expenditure_summary, "208", "total") == ("326.71", 6)
    assert figure(document, TableKind.revenue_expenditure_summary, "年初结转和结余", "total") == ("49.14", 7)
    # 三公: 预算数 is the year's budget; only 合计 and 公务接待费 print one.
    assert figure(document, TableKind.three_public, "", "total", Stage.initial_budget) == ("0.95", 18)
    assert figure(document, TableKind.three_public, "", "reception", Stage.initial_budget) == ("0.95", 18)
    empty = [t for t in document.tables if t.kind is TableKind.government_fund_expenditure][0]
    assert empty.note and "无政府性基金" in empty.note
    assert not [line for line in document.budget_lines if line.table == empty.index]


def test_planning_bureau_figures() -> None:
    document = parsed(PLANNING)
    assert figure(document, TableKind.general_budget_expenditure, "2120201", "total") == ("2739.56", 14)
    assert figure(document, TableKind.expenditure, "2120101", "basic") == ("1096.91", 11)
    assert figure(document, TableKind.basic_expenditure, "30107", "total") == ("1594.02", 16)
    assert figure(document, TableKind.three_public, "", "reception", Stage.initial_budget) == ("2.85", 17)
    assert figure(document, TableKind.three_public, "", "reception") == ("0.39", 17)
    assert figure(document, TableKind.three_public, "", "vehicles") == ("0.00", 17)
    assert figure(document, TableKind.three_public, "", "vehicle_operation", Stage.initial_budget) == ("0.00", 17)
    assert figure(document, TableKind.appropriation_summary, "212", "general_budget") == ("3832.36", 12)


def test_social_work_department_figures() -> None:
    document = parsed(SOCIAL)
    assert document.info.issuing_unit == "中共上海市普陀区委社会工作部"
    assert figure(document, TableKind.general_budget_expenditure, "2013999", "project") == ("202.24", 12)
    assert figure(document, TableKind.revenue, "2101102", "fiscal_appropriation") == ("0.49", 7)
    three_public = [t for t in document.tables if t.kind is TableKind.three_public][0]
    assert "没有财政拨款“三公”经费支出" in (three_public.note or "")
    assert not [line for line in document.budget_lines if line.table == three_public.index]


def test_the_template_reads_with_its_tables_empty() -> None:
    document = parsed(TEMPLATE)
    assert [t.kind for t in document.tables] == [TableKind.organisation, *NINE_TABLES]
    assert document.budget_lines == []
    assert all(t.note for t in document.tables[1:])
    # "上海市 XX 局" is a placeholder, not a unit: the document has none, with a warning.
    assert document.info.issuing_unit == "" and document.info.fiscal_year == 2024
    assert any("no issuing unit" in w.message for w in document.warnings)


def test_a_final_accounts_read_from_text_gives_the_figures_of_its_pdf(tmp_path: Path) -> None:
    source = read_document(FINANCE)
    text = parse_source(source_from_bytes("\n".join(source.lines).encode("utf-8"), str(tmp_path / "f.txt")), "f")
    pdf = parsed(FINANCE)

    def facts(document: ParsedDocument) -> list[tuple]:
        return sorted((line.table, line.code.notation if line.code else line.row_label, line.column, line.stage, line.amount.value) for line in document.budget_lines)

    assert text.family == "final-accounts" and len(text.budget_lines) == 195
    assert facts(text) == facts(pdf)
    assert [(n.kind, n.stage, n.amount) for n in text.narrative] == [(n.kind, n.stage, n.amount) for n in pdf.narrative]


def test_stages_by_column() -> None:
    document = parsed(PLANNING)
    stages = {(line.column, line.stage) for line in document.budget_lines if line.table == 8}
    assert (("total", Stage.initial_budget) in stages) and (("total", Stage.final_accounts) in stages)
    assert {line.stage for line in document.budget_lines if line.table != 8} == {Stage.final_accounts}
    assert Decimal("27395600") in {line.amount.yuan for line in document.budget_lines if line.code and line.code.notation == "2120201"}
