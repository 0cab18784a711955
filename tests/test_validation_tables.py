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
TABLE_IDENTITIES = ("asset-held",)


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
