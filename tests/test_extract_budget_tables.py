"""Standard money tables -> BudgetLine records, on seeds and on small excerpts."""

from decimal import Decimal

from kg.extract.budget_tables import extract_budget_lines
from kg.readers.text import read_source, source_from_bytes
from kg.records import MoneyUnit, Side, TableKind
from kg.tables import find_tables

from conftest import seed
from test_tables import PAGE_BREAK


def lines_of(text: str):
    (table,) = find_tables(source_from_bytes(text.encode("utf-8"), "excerpt.txt"))
    return extract_budget_lines(table, 1)


def seed_lines(prefix: str, kind: TableKind):
    tables = find_tables(read_source(seed(prefix)))
    index, table = next((i, t) for i, t in enumerate(tables, 1) if t.kind is kind)
    lines, warnings = extract_budget_lines(table, index)
    assert warnings == []
    return lines


def find(lines, notation=None, column=None, label=None, side=None):
    return [
        l
        for l in lines
        if (notation is None or (l.code and l.code.notation == notation))
        and (column is None or l.column == column)
        and (label is None or l.row_label == label)
        and (side is None or l.side is side)
    ]


def test_seed_001_expenditure_table_pension_contribution():
    lines = seed_lines("001", TableKind.expenditure)
    (total,) = find(lines, "2080505", "total")
    (basic,) = find(lines, "2080505", "basic")
    assert total.amount.value == Decimal("132.72") and total.amount.unit is MoneyUnit.wan_yuan
    assert total.amount.yuan == Decimal("1327200")
    assert basic.amount.value == Decimal("132.72")
    assert total.lines.first == 206
    assert total.code.name == "机关事业单位基本养老保险缴费支出"
    assert find(lines, "2080505", "project") == []  # blank is not zero


def test_seed_001_summary_has_two_sides_and_ordinal_categories():
    lines = seed_lines("001", TableKind.revenue_expenditure_summary)
    (general,) = find(lines, label="一、一般公共预算拨款收入")
    assert general.side is Side.revenue and general.amount.value == Decimal("9383.02")
    (social,) = find(lines, notation="208", side=Side.expenditure)
    assert social.row_label == "八、社会保障和就业支出" and social.amount.value == Decimal("1170.68")
    totals = [l for l in lines if l.is_total]
    assert {(l.row_label, l.side) for l in totals} >= {("收入总计", Side.revenue), ("支出总计", Side.expenditure)}


def test_seed_004_split_code_columns_join_into_one_code():
    lines = seed_lines("004", TableKind.revenue)
    (transfer,) = find(lines, "2080704", "general_budget_transfer")
    assert transfer.amount.value == Decimal("1600.00")
    (carry,) = find(lines, "20801", "fiscal_carryover")
    assert carry.amount.printed == "19.6"


def test_seed_004_basic_expenditure_uses_economic_codes():
    lines = seed_lines("004", TableKind.basic_expenditure)
    schemes = {l.code.scheme.value for l in lines if l.code}
    assert schemes == {"economic"}
    assert find(lines, "30108", "personnel")


def test_seed_002_wrapped_names_are_joined():
    lines = seed_lines("002", TableKind.revenue_expenditure_summary)
    assert find(lines, label="一、一般公共预算拨款收入")  # printed as "一般公共预算 拨款收入"


def test_page_break_cell_continues_in_the_next_row():
    lines, warnings = lines_of(PAGE_BREAK)
    assert warnings == []
    (cut,) = find(lines, "201", "total")
    assert cut.amount.printed == "103.30"
    assert (cut.lines.first, cut.lines.last) == (8, 14)
    (project,) = find(lines, "201", "project")
    assert project.amount.value == Decimal("3.30")


def test_thousands_separators_ocr_spaces_and_not_applicable():
    text = """支出总表
单位：元
科目编码\t科目名称\t合计\t基本支出\t项目支出
2080 505\t机关事业单位基本养老保险缴费支出\t2,140.09\t4409 .55\t—
"""
    lines, warnings = lines_of(text)
    assert warnings == []
    (total,) = find(lines, "2080505", "total")
    assert total.amount.value == Decimal("2140.09") and total.amount.unit is MoneyUnit.yuan
    (basic,) = find(lines, "2080505", "basic")
    assert basic.amount.value == Decimal("4409.55")
    assert find(lines, "2080505", "project") == []


def test_code_in_the_name_cell_is_split_off():
    text = """部门收支总体情况表
单位：万元
收入项目\t预算数\t功能分类\t预算数
一、本年收入\t2,103.50\t205 教育支出\t0.82
"""
    lines, _ = lines_of(text)
    (education,) = find(lines, "205")
    assert education.row_label == "教育支出" and education.side is Side.expenditure


def test_a_malformed_code_is_reported_not_dropped():
    text = """支出总表
单位：万元
科目编码\t科目名称\t合计
20805051\t某支出\t1.00
"""
    lines, warnings = lines_of(text)
    assert len(lines) == 1 and lines[0].code is None
    assert warnings and "3, 5 or 7 digits" in warnings[0].message and warnings[0].lines.first == 4
