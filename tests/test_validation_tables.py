"""shapes/tables.ttl: table figures no sum reads, shown on one-figure changes of the real seeds.

Each case changes one figure on one line and expects a new result of that identity at that
line; the unchanged seed has none of it (the mutation bench's misses, ``python -m
kg.mutation_bench --show-all``).
"""

from __future__ import annotations

import pytest

import mutation
from conftest import seed

SHAPES = "https://w3id.org/budgetkg/shapes#"
TABLE_IDENTITIES = ("asset-held", "procurement-project-budget", "procurement-share", "group-total")


def _nth(line: str, old: str, new: str, n: int) -> str:
    """``line`` with the n-th cell (tab-separated) that reads ``old`` changed to ``new``."""
    cells = line.split("\t")
    where = [i for i, cell in enumerate(cells) if cell == old][n]
    return "\t".join(new if i == where else cell for i, cell in enumerate(cells))


def _cell_changed(prefix: str, line: int, old: str, new: str, n: int):
    path = seed(prefix)
    text = mutation.source(path)
    return mutation.changed(path, line, text.line(line), _nth(text.line(line), old, new, n))


def _at(report, identity: str, line: int, severity: str = "Violation") -> list:
    return [r for r in report.results if r.identity == SHAPES + identity and line in r.lines and r.severity == severity]


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_unchanged_seeds_have_no_table_identity_results(prefix):
    report = mutation.report(seed(prefix))
    assert [r for r in report.results if r.identity.rsplit("#", 1)[-1] in TABLE_IDENTITIES] == []


@pytest.mark.parametrize(
    ("prefix", "line", "old", "new"),
    [
        # 000:447 "1、房屋（平方米） | 0 | 0": an area with no value (the bench's 0 -> 1 went unnoticed).
        ("000", 447, "| 0 | 0 |", "| 1 | 0 |"),
        # 001:1374 "2、车辆（台、辆）\t6\t112.69": vehicles worth 112.69 万元, none held.
        ("001", 1374, "\t6\t", "\t0\t"),
    ],
)
def test_asset_quantity_and_value_are_both_zero_or_neither(prefix, line, old, new):
    path = seed(prefix)
    assert not _at(mutation.report(path), "asset-held", line)
    found = _at(mutation.validate(mutation.changed(path, line, old, new)), "asset-held", line)
    assert found and all(r.lines == [line] for r in found)


@pytest.mark.parametrize(
    ("prefix", "line", "old", "new", "n"),
    [
        # 001:1339-1346 repeat the project's 预算资金 10.00 on its 8 item rows: one of them 10.01.
        ("001", 1345, "10.00", "10.01", 0),
        ("001", 1344, "10.00", "100.00", 0),
        # 003:443-444 print each item's own 预算资金 (= its 采购金额): 1.924 -> 1.925 matches neither way.
        ("003", 443, "1.924", "1.925", 0),
    ],
)
def test_a_procurement_project_prints_one_budget(prefix, line, old, new, n):
    assert not _at(mutation.report(seed(prefix)), "procurement-project-budget", line)
    assert _at(mutation.validate(_cell_changed(prefix, line, old, new, n)), "procurement-project-budget", line)


def test_a_procurement_project_whose_items_print_their_own_budget_is_consistent():
    # 003's 日常公用 prints 1.924 and 1.076 on two rows, each its row's 采购金额: not one figure twice.
    report = mutation.report(seed("003"))
    assert not [r for r in report.results if r.identity == SHAPES + "procurement-project-budget"]


@pytest.mark.parametrize(("line", "n"), [(1339, 2), (1337, 2)])
def test_the_share_for_small_enterprises_is_no_more_than_the_amount(line, n):
    # 001's 2024年预留中小微企业份额 is the third cell printing the row's amount (合计, 一般公共预算拨款, 份额).
    text = mutation.source(seed("001"))
    old = [c for c in text.line(line).split("\t") if c][-1]
    new = f"{float(old) + 0.01:.2f}"
    assert not _at(mutation.report(seed("001")), "procurement-share", line)
    found = _at(mutation.validate(_cell_changed("001", line, old, new, n)), "procurement-share", line)
    assert found and found[0].lines == [line]


@pytest.mark.parametrize(("line", "old", "new"), [(441, "0.06", "0.60"), (446, "4.54", "4.45")])
def test_a_column_group_total_is_the_sum_of_its_columns(line, old, new):
    # 004's 上年结转结余情况明细表 prints 总计, 财政拨款/合计 and 财政拨款/项目支出 on each row (441-446); row-total
    # reads 总计 against the 项目支出 cell, so only the group's 合计 (the second cell) was left unread.
    assert not _at(mutation.report(seed("004")), "group-total", line)
    found = _at(mutation.validate(_cell_changed("004", line, old, new, 1)), "group-total", line)
    assert found and found[0].lines == [line]
