"""Column meanings read from real headers (kg/extract/columns.py, the family's COLUMN_RULES)."""

from __future__ import annotations

from kg.extract.columns import column_meaning, header_paths
from kg.parse import parse_source
from kg.tables import find_tables

from conftest import seed
from mutation import changed, report, source, validate

# 004's 上年结转结余情况明细表 (line 437): 财政拨款 and 非财政拨款 column groups, each with its 合计.
CARRYOVER_HEADER = 437
CARRYOVER_ROW = 440


def test_non_fiscal_is_not_fiscal_appropriation_in_the_seed_header() -> None:
    table = next(t for t in find_tables(source(seed("004"))) if t.header and t.header[0].line == CARRYOVER_HEADER)
    width = max(len(row.cells) for row in table.header + table.body)
    meanings = {"/".join(path): column_meaning(path) for path in header_paths(table.header, width)}
    assert meanings["财政拨款/合计"] == "fiscal_appropriation"
    assert meanings["非财政拨款/合计"] == "non_fiscal"
    # The groups' leaves keep their own meaning under either group.
    assert meanings["非财政拨款/项目支出"] == meanings["财政拨款/项目支出"] == "project"


def test_a_printed_non_fiscal_total_is_read_as_non_fiscal_and_agrees() -> None:
    """The seed's row with its blank 非财政拨款 group filled in: 总计 0.10 = 财政拨款 0.05 + 非财政拨款 0.05."""
    text = changed(seed("004"), CARRYOVER_ROW, "\t0.05\t0.05\t\t\t0.05\t\t\t\t", "\t0.10\t0.05\t\t\t0.05\t0.05\t\t\t0.05")
    row = [line for line in parse_source(text, "mutant").budget_lines if line.lines.first == CARRYOVER_ROW]
    columns = {line.column_label: line.column for line in row}
    assert columns["非财政拨款/合计"] == "non_fiscal"
    assert [line.column_label for line in row if line.column == "fiscal_appropriation"] == ["财政拨款/合计"]
    before = {(r.constraint, tuple(r.lines)) for r in report(seed("004")).results if r.severity == "Violation"}
    after = {(r.constraint, tuple(r.lines)) for r in validate(text).results if r.severity == "Violation"}
    assert after == before
