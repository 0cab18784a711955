"""The sums a summary table's revenue half states by its outline (收入 / 项目 rows of 收支总表, 财政拨款收支总表).

The revenue half of a summary lists sources as an outline, not by codes, so no
hierarchy identity reads it, and the bench changed its figures unnoticed (issue 11):
seed 004 prints "一、本年收入 2,103.50 / 1. 一般公共预算拨款 2,103.50 / 其中:一般财力 341.25 /
上级一般公共预算安排转移支付 1,762.25" (lines 95-98) and "一、财政拨款（补助） 2103.50 /
一般公共预算 2103.50 / 政府性基金预算 / 国有资本经营预算" (232-235); seed 002 prints
"年初财政拨款结转和结余 7.00 / 一、一般公共预算拨款 7.00 / 二、… / 三、…" (377-394). A careful
reader adds them up. Each printed row that sums others by the layout is kept with the
lines of its parts (``SubtotalRow``); ``shapes/tables.ttl`` (``revenue-outline``) compares the
figures. The layout, read on rows with a label and no code, in order:

- a numbered row (一、 (一) 1. (1) ①) over rows numbered one level deeper: the sum of those,
  up to the next row numbered at its level or above, or a total (一、本年收入 = 1. + … + 5.);
- a row followed by 其中 rows: the 其中 row and the unnumbered rows after it, included in the
  row (≤), however many: "其中" ("of which") may name some parts of several, and a template
  that lists every part (004: 一般公共预算拨款 = 一般财力 + 上级转移支付) does not say so;
- a numbered row followed by unnumbered rows that name its sources (财政拨款 over
  一般公共预算, 政府性基金预算, 国有资本经营预算: ``columns.SOURCE_PARTS``);
- an unnumbered row followed by numbered rows: the sum of that run
  (年初财政拨款结转和结余 = 一、 + 二、 + 三、); a total sums what is above it, never what follows;
- a total (合计 / 总计) after a run of numbered rows that no row heads: the sum of the
  run's top level (本年收入合计 = 一、 + 二、 + …, 收入总计 = 一、本年收入 + 二、上年结转结余).

Only rows that print a figure are kept (a blank one is ``blank_rows``' business);
single-space tables lose blank cells and are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from kg.extract.columns import SOURCE_PARTS, column_meaning, header_paths
from kg.extract.numbers import NOT_APPLICABLE
from kg.extract.table_layout import TablePart, TableRecord, row_code, table_parts, table_records
from kg.records import CodeScheme, Lines, Side, SubtotalRow, TableKind
from kg.tables import RawTable

_SUMMARIES = (TableKind.revenue_expenditure_summary, TableKind.appropriation_summary)
_TOTAL = re.compile(r"合计|总计")
_OF_WHICH = re.compile(r"^其中")
# Outline levels, outermost first: 一、  (一)  1.  (1)  ①
_LEVELS = (
    re.compile(r"^[一二三四五六七八九十]+[、.．]"),
    re.compile(r"^[（(][一二三四五六七八九十]+[)）]"),
    re.compile(r"^\d{1,2}[、.．](?!\d)"),
    re.compile(r"^[（(]\d{1,2}[)）]"),
    re.compile(r"^[①-⑳]"),
)


@dataclass(frozen=True)
class _Row:
    label: str
    lines: Lines
    printed: bool
    level: int | None  # outline level of a numbered row
    total: bool
    of_which: bool
    continued: bool  # an unnumbered row that goes on a 其中 list

    @property
    def plain(self) -> bool:
        return self.level is None and not self.total and not self.of_which


def revenue_subtotals(table: RawTable, index: int) -> list[SubtotalRow]:
    """The printed rows of a summary table's revenue half that sum other rows, with those rows' lines."""
    if table.spaced or table.kind not in _SUMMARIES:
        return []
    width = max([len(row.cells) for row in table.header + table.body] or [0])
    parts = table_parts(table, header_paths(table.header, width), width)
    records = table_records(table.body, parts, width)
    found: list[SubtotalRow] = []
    for part in parts:
        if part.side is not Side.revenue:
            continue
        rows = _outline(part, records)
        for position, row in enumerate(rows):
            if not row.printed:
                continue
            summed = _summed(rows, position)
            if summed is not None:
                lines, whole = summed
                found.append(SubtotalRow(index, row.label, row.lines, lines, part.side, whole))
    return found


def _outline(part: TablePart, records: list[TableRecord]) -> list[_Row]:
    rows: list[_Row] = []
    for record in records:
        cells = record.cells
        code, label, _ = row_code(part, cells, CodeScheme.functional)
        label = label.replace(" ", "")
        if not label or code is not None:
            continue
        level = next((n for n, pattern in enumerate(_LEVELS) if pattern.match(label)), None)
        total = level is None and bool(_TOTAL.search(label))
        of_which = level is None and bool(_OF_WHICH.match(label))
        previous = rows[-1] if rows else None
        continued = level is None and not total and not of_which and previous is not None and (previous.of_which or previous.continued)
        printed = any(cells[c] and cells[c].strip() not in NOT_APPLICABLE for c in part.amounts)
        rows.append(_Row(label, Lines(record.first_line, record.last_line), printed, level, total, of_which, continued))
    return rows


def _summed(rows: list[_Row], position: int) -> tuple[tuple[int, ...], bool] | None:
    """(first lines of the parts, whether they make up the row) of the row at ``position``, by the layout."""
    row, after = rows[position], rows[position + 1 :]
    following = after[0] if after else None
    if following is None:
        return _run_before(rows, position) if row.total else None
    if row.level is not None and following.level is not None and following.level > row.level:
        return _numbered_run(after, following.level, stop_at=row.level), True
    if row.level is not None and following.of_which:
        listed = [following.lines.first] + [r.lines.first for r in _take_while(after[1:], lambda r: r.continued)]
        return tuple(listed), False
    if row.level is not None and following.plain:
        sources = SOURCE_PARTS.get(column_meaning([row.label]), ())
        named = _take_while(after, lambda r: r.plain and not r.continued)
        if sources and named and all(column_meaning([r.label]) in sources for r in named):
            return tuple(r.lines.first for r in named), True
        return None
    if row.plain and not row.continued and following.level is not None:
        return _numbered_run(after, following.level, stop_at=following.level - 1), True
    return _run_before(rows, position) if row.total else None


def _take_while(rows: list[_Row], keep: Callable[[_Row], bool]) -> list[_Row]:
    taken: list[_Row] = []
    for row in rows:
        if not keep(row):
            break
        taken.append(row)
    return taken


def _numbered_run(after: list[_Row], level: int, stop_at: int) -> tuple[int, ...]:
    """Rows numbered at ``level`` up to a total or a row numbered at ``stop_at`` or above."""
    lines: list[int] = []
    for row in after:
        if row.total or (row.level is not None and row.level <= stop_at) or (row.plain and not row.continued):
            break
        if row.level == level:
            lines.append(row.lines.first)
    return tuple(lines)


def _run_before(rows: list[_Row], position: int) -> tuple[tuple[int, ...], bool] | None:
    """A total's parts: the top level of the numbered rows since the last total, unless a row heads them."""
    run: list[_Row] = []
    for row in reversed(rows[:position]):
        if row.total:
            break
        if row.plain and not row.continued:
            return None  # 年初财政拨款结转和结余 heads the 一、二、三 before 收入总计: they are its parts
        run.append(row)
    levels = [row.level for row in run if row.level is not None]
    if not levels:
        return None
    top = min(levels)
    return tuple(row.lines.first for row in reversed(run) if row.level == top), True
