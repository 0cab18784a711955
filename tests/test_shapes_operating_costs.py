"""narrative-operating-costs-table (shapes/narrative.ttl): 机关运行经费 in prose ≤ the 基本支出 table's 公用经费."""

from __future__ import annotations

import pytest

from conftest import REPO, SEEDS, seed
from mutation import changed, report, validate

ERROR = "narrative-operating-costs-table-error"
ROUNDING = "narrative-operating-costs-table-rounding"
LINE = 630  # 002: "机关运行经费预算安排 431.36 万元"; its 一般公共预算基本支出表 合计 公用经费 431.36 (line 459)


def _at(results, severity: str) -> set[str]:
    return {str(r.constraint).rsplit("#", 1)[-1] for r in results if r.severity == severity and LINE in r.lines}


@pytest.mark.parametrize("new", ["431.37", "4313.60"])
def test_more_than_the_tables_public_expenses_is_a_violation(new: str) -> None:
    assert ERROR not in _at(report(seed("002")).results, "Violation")
    assert ERROR in _at(validate(changed(seed("002"), LINE, "431.36", new)).results, "Violation")


def test_fewer_decimals_rounding_up_is_a_warning() -> None:
    results = validate(changed(seed("002"), LINE, "431.36", "431.4")).results
    assert ROUNDING in _at(results, "Warning") and ERROR not in _at(results, "Violation")


def test_less_is_not_an_error() -> None:
    """Only 行政单位 spend 机关运行经费: a 事业 unit's 公用经费 is in the table too."""
    assert not _at(validate(changed(seed("002"), LINE, "431.36", "413.36")).results, "Violation")


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")) + sorted((REPO / "examples").glob("*.txt")), ids=lambda p: p.stem)
def test_the_unchanged_documents_agree(path) -> None:
    assert not [r for r in report(path).results if "operating-costs-table" in str(r.constraint)]
