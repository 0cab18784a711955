"""revenue-outline (shapes/tables.ttl): a summary table's revenue half adds up by its outline.

The rows a printed row sums are read by kg/extract/revenue_outline.py; these tests change one
figure of a real seed and expect the identity at that line.
"""

from __future__ import annotations

import pytest

from kg.parse import parse_source

from conftest import REPO, SEEDS, seed
from mutation import changed, report, source, validate

ERROR = "revenue-outline-error"
ROUNDING = "revenue-outline-rounding"


def _sums(prefix: str) -> dict[int, tuple[tuple[int, ...], bool]]:
    document = parse_source(source(seed(prefix)), prefix)
    return {row.lines.first: (row.parts, row.whole) for row in document.subtotal_rows}


def test_the_outline_of_the_seeds_revenue_halves() -> None:
    sums = _sums("004")
    assert sums[95] == ((96, 99, 102, 105, 106), True)  # 一、本年收入 = 1. … 5.
    assert sums[96] == ((97, 98), False)  # 1. 一般公共预算拨款 ≥ 其中:一般财力 + 上级…转移支付
    assert sums[113] == ((114, 115, 116), False)  # 1. 财政拨款结转 ≥ its three 其中 rows
    assert sums[125] == ((95, 112), True)  # 收入总计 = 一、本年收入 + 二、上年结转结余
    assert sums[232] == ((233, 234, 235), True)  # 一、财政拨款(补助) over the sources it names
    assert _sums("002")[377] == ((378, 379, 394), True)  # 年初财政拨款结转和结余 over 一、二、三 (across a page)


def _constraints(results, line: int, severity: str) -> set[str]:
    return {str(r.constraint).rsplit("#", 1)[-1] for r in results if r.severity == severity and line in r.lines}


@pytest.mark.parametrize(
    ("prefix", "line", "old", "new"),
    [
        ("004", 98, "1,762.25", "1,762.52"),  # a 其中 part swapped higher: the list passes its row
        ("004", 115, "0.43", "4.30"),
        ("004", 232, "2103.50", "21035.00"),  # 财政拨款收支总表: 财政拨款 over 一般公共预算
        ("002", 378, "7.00", "70.00"),  # a carry-over's part, printed after 本年收入合计
    ],
)
def test_a_changed_revenue_figure_is_reported_at_its_line(prefix: str, line: int, old: str, new: str) -> None:
    before = _constraints(report(seed(prefix)).results, line, "Violation")
    after = _constraints(validate(changed(seed(prefix), line, old, new)).results, line, "Violation")
    assert ERROR not in before and ERROR in after


def test_an_of_which_list_short_of_its_row_is_not_an_error() -> None:
    """其中 may name some parts of several: 004's list lowered (1,762.25 -> 1,726.25) adds to less than its row."""
    results = validate(changed(seed("004"), 98, "1,762.25", "1,726.25")).results
    assert ERROR not in _constraints(results, 98, "Violation")


def test_a_cent_in_one_part_is_rounding() -> None:
    results = validate(changed(seed("004"), 97, "341.25", "341.26")).results
    assert ROUNDING in _constraints(results, 97, "Warning") and ERROR not in _constraints(results, 97, "Violation")


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")) + sorted((REPO / "examples").glob("*.txt")), ids=lambda p: p.stem)
def test_the_unchanged_documents_add_up(path) -> None:
    assert not [r for r in report(path).results if "revenue-outline" in str(r.constraint)]
