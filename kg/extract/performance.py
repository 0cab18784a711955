"""Project and department performance tables -> ``PerformanceTarget``.

A performance table (domain.md §5) is two things stacked in one grid: a key/value
preamble (``kg.extract.performance_preamble``) and the indicator grid introduced by a
row naming 一级指标 / 二级指标 / 三级指标 (``kg.extract.performance_grid``). This
module cuts the table at that row and joins what the two readers find.

Nothing is dropped silently: a row that cannot be read becomes a ParseWarning
with its line.
"""

from __future__ import annotations

import re

from kg.extract.performance_grid import is_grid_header, read_grid
from kg.extract.performance_preamble import read_preamble
from kg.records import Indicator, MoneyUnit, ParseWarning, PerformanceTarget, TableKind
from kg.tables import RawTable, Row

_TITLE_NUMBER = re.compile(r"^\s*(?:\d+|[一二三四五六七八九十]+)\s*[、.．]\s*")
_TITLE_TAIL = re.compile(r"\s*(?:项目支出|项目)?绩效目标(?:申报)?表\s*$")


def _name_from_title(title: str) -> str:
    return _TITLE_TAIL.sub("", _TITLE_NUMBER.sub("", title)).strip()


def extract_performance(table: RawTable, index: int) -> tuple[PerformanceTarget | None, list[ParseWarning]]:
    """The performance target a project (or department) table states."""
    warnings: list[ParseWarning] = []
    kind = table.kind if table.kind in (TableKind.project_performance, TableKind.department_performance) else None
    if kind is None:
        return None, [ParseWarning(table.lines, f"not a performance table: {table.kind}")]
    rows = [*table.header, *table.body]
    preamble_rows: list[Row]
    grid_rows: list[Row]
    grid_header: tuple[str, ...]
    grid_at = next((i for i, row in enumerate(rows) if is_grid_header(row.cells)), None)
    if grid_at is None:
        warnings.append(ParseWarning(table.lines, "performance table has no 一级/二级/三级指标 grid"))
        preamble_rows, grid_rows, grid_header = rows, [], ()
    else:
        preamble_rows, grid_rows, grid_header = rows[:grid_at], rows[grid_at + 1 :], rows[grid_at].cells
    pre = read_preamble(preamble_rows, table, warnings)
    indicators: list[Indicator] = read_grid(grid_rows, grid_header, table.lines, warnings) if grid_header else []
    unit = pre.unit or table.money_unit or MoneyUnit.wan_yuan
    total = pre.money["total"].amount(unit)
    fiscal = pre.money["fiscal"].amount(unit)
    other = pre.money["other"].amount(unit)
    # A department table may print its sources only (上级安排, 本级安排, 其他); its
    # total then stays unknown rather than derived: the graph holds what is printed.
    name = pre.name or _name_from_title(table.title)
    if not name:
        warnings.append(ParseWarning(table.lines, "performance table has no name"))
        return None, warnings
    return (
        PerformanceTarget(
            table=index,
            kind=kind,
            name=name,
            lines=table.lines,
            code=pre.code,
            budget_total=total,
            budget_fiscal=fiscal,
            budget_other=other,
            purpose=" ".join(pre.purpose) or None,
            goals="\n".join(pre.goals) or None,
            spending_plan=tuple(pre.plan),
            indicators=tuple(indicators),
            responsible_person=pre.person,
        ),
        warnings,
    )
