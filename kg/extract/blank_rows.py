"""Subtotal rows a money table leaves blank (小计 / 合计 / a parent code / a row over 其中 rows).

A blank cell is unknown, not zero, so a blank row makes no figure and no identity can
see it. Yet a subtotal left blank above parts that print figures is a slip worth a
warning (issue 11): seed 002's “三公” table prints "“三公”经费 小计" and
"二、公务用车购置及运维费" empty over "其中:公务用车购置费 90.00" (lines 567, 571, 572).
Each blank labelled row is kept with the lines of the rows it sums by the table's layout:

- a parent code (类 or 款): the rows whose codes extend it;
- a 合计 / 总计 / 小计 row: the rows after it, up to the next such row (a “三公” 小计 also up
  to 会议费 / 培训费, which are not “三公”);
- a row whose next row starts with 其中: that row and the rows after it, up to a row
  numbered at a higher level (一、 (一) 1、 1. ①) or a total.

Whether any of those parts prints a figure is the shape's business (identities.ttl,
``blank-subtotal``). Space-separated tables drop blank cells, so their blanks are not
known and they are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.extract.columns import header_paths
from kg.extract.numbers import NOT_APPLICABLE
from kg.extract.table_layout import row_code, table_parts, table_records
from kg.records import BlankRow, CodeScheme, Lines, TableKind
from kg.tables import RawTable

_SUBTOTAL = re.compile(r"合计|总计|小计")
_OF_WHICH = re.compile(r"^其中")
# "三公"经费 = 因公出国(境) + 公务用车 + 公务接待 (domain.md §4): the 会议费 and 培训费 rows some
# templates print after them are not parts of its 小计.
_THREE_PUBLIC = re.compile(r"三公")
_NOT_THREE_PUBLIC = re.compile(r"会议费|培训费")
_NUMBERED = re.compile(r"^(?:[一二三四五六七八九十]+[、.]|\(\s*[一二三四五六七八九十\d]+\s*\)|\d{1,2}[、.](?!\d)|[①-⑳])")


@dataclass(frozen=True)
class _Row:
    label: str
    notation: str | None
    scheme: CodeScheme | None
    lines: Lines
    blank: bool


def blank_subtotals(table: RawTable, index: int) -> list[BlankRow]:
    """The blank rows of one money table that sum other rows, with those rows' lines."""
    if table.spaced or table.kind is None or not table.kind.is_money_table or table.kind is TableKind.procurement:
        # A procurement table's items are not its 合计's parts in every template (quantities, prices).
        return []
    width = max([len(row.cells) for row in table.header + table.body] or [0])
    parts = table_parts(table, header_paths(table.header, width), width)
    default_scheme = CodeScheme.economic if table.kind is TableKind.basic_expenditure else CodeScheme.functional
    found: list[BlankRow] = []
    records = table_records(table.body, parts, width)
    for part in parts:
        rows: list[_Row] = []
        for record in records:
            cells = record.cells
            if not any(cells[c] for c in part.keys):
                continue
            code, label, _ = row_code(part, cells, default_scheme)
            blank = not any(cells[c] and cells[c].strip() not in NOT_APPLICABLE for c in part.amounts)
            rows.append(_Row(label.replace(" ", ""), code.notation if code else None, code.scheme if code else None, Lines(record.first_line, record.last_line), blank))
        for position, row in enumerate(rows):
            if not row.blank or (not row.label and row.notation is None):
                continue
            summed = _summed(rows, position)
            if summed:
                found.append(BlankRow(index, row.label or (row.notation or ""), row.lines, summed, row.notation, row.scheme, part.side))
    return found


def _summed(rows: list[_Row], position: int) -> tuple[int, ...]:
    """The first lines of the rows the row at ``position`` sums, by the table's layout."""
    row = rows[position]
    if row.notation is not None and len(row.notation) < 7:
        return tuple(other.lines.first for other in rows if other.notation and other.scheme is row.scheme and len(other.notation) > len(row.notation) and other.notation.startswith(row.notation))
    after = rows[position + 1 :]
    if _SUBTOTAL.search(row.label):
        parts: list[int] = []
        for other in after:
            if _SUBTOTAL.search(other.label) or (_THREE_PUBLIC.search(row.label) and _NOT_THREE_PUBLIC.search(other.label)):
                break
            parts.append(other.lines.first)
        return tuple(parts)
    if after and _OF_WHICH.match(after[0].label):
        parts = [after[0].lines.first]
        for other in after[1:]:
            if _NUMBERED.match(other.label) or _SUBTOTAL.search(other.label):
                break
            parts.append(other.lines.first)
        return tuple(parts)
    return ()
