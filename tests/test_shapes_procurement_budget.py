"""procurement-budget-total (shapes/tables.ttl): the procurement table's 合计 预算资金 = Σ its projects' 预算资金."""

from __future__ import annotations

import pytest

from conftest import REPO, SEEDS, seed
from mutation import changed, report, validate

ERROR = "procurement-budget-total-error"


def _at(results, line: int, severity: str) -> set[str]:
    return {str(r.constraint).rsplit("#", 1)[-1] for r in results if r.severity == severity and line in r.lines}


# 003's table prints each row's own share as 预算资金 (443-445) and their 合计 888.2 (442).
@pytest.mark.parametrize(
    ("line", "old", "new"),
    [(445, "\t885.2\t", "\t8852.0\t"), (443, "\t1.924\t", "\t1.294\t"), (442, "\t888.2\t", "\t888.3\t")],
)
def test_a_changed_budget_figure_is_reported_at_its_line(line: int, old: str, new: str) -> None:
    assert ERROR not in _at(report(seed("003")).results, line, "Violation")
    assert ERROR in _at(validate(changed(seed("003"), line, old, new)).results, line, "Violation")


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")) + sorted((REPO / "examples").glob("*.txt")), ids=lambda p: p.stem)
def test_the_unchanged_documents_agree(path) -> None:
    assert not [r for r in report(path).results if "procurement-budget-total" in str(r.constraint)]
