"""The layout of a money table: which column is what, its parts, its records.

Works from the header, not from fixed positions: each column gets a role (sequence
number, code, name, text, or amount) from its header path and its content. Two-sided
summary tables (收支总表, 财政拨款收支总表) hold a revenue part and an expenditure part
side by side; each part has its own key and amount columns. Rows are merged into
records where a cell was cut by a page or a wrap, and a record's key (its code and
label) is read per part. The figures are read by ``kg.extract.budget_tables``; the blank
and subtotal rows (``kg.extract.blank_rows``, ``kg.extract.revenue_outline``) read the
same layout.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.classification import category_by_name, clean_name, join_code_parts, make_code, split_leading_code, strip_ordinal
from kg.extract.columns import side_hint
from kg.extract.numbers import NOT_APPLICABLE, is_figure, looks_like_number
from kg.records import ClassificationCode, CodeScheme, Side, TableKind
from kg.tables import RawTable, Row

_TWO_SIDED = {TableKind.revenue_expenditure_summary, TableKind.appropriation_summary}
_SIDE_BY_KIND = {TableKind.revenue: Side.revenue, TableKind.assets: None, TableKind.staffing: None}
_SEQ_LABEL = re.compile(r"^(?:序号|栏次|行次)$")
_CODE_LABEL = re.compile(r"编码|代码|^[类款项]$|编号")
_NAME_LABEL = re.compile(r"名称|^项目$|内容$|^科目$|功能分类$|经济分类$|^支出项目|^收入项目|明细$")


@dataclass
class TablePart:
    """One side of a table (a two-sided summary has two): its columns by role. Built column
    by column as the header is read, so not frozen."""

    side: Side | None
    seq: int | None = None
    codes: list[int] = field(default_factory=list)
    name: int | None = None
    texts: list[int] = field(default_factory=list)
    amounts: list[int] = field(default_factory=list)

    @property
    def keys(self) -> list[int]:
        return self.codes + ([self.name] if self.name is not None else [])


@dataclass
class TableRecord:
    """A row as printed, with the rows that continue it (a cell cut by a page or a wrap)
    appended to its cells: not frozen, since a continuation arrives after it."""

    cells: list[str]
    first_line: int
    last_line: int


def _figure_share(body: list[Row], column: int) -> float | None:
    # "—" marks a figure as not applicable; it says nothing about the column's content.
    values = [row.cell(column) for row in body if row.cell(column) and row.cell(column).strip() not in NOT_APPLICABLE]
    if not values:
        return None
    return sum(is_figure(v) for v in values) / len(values)


def _number_like_share(body: list[Row], column: int) -> float:
    values = [row.cell(column) for row in body if row.cell(column) and row.cell(column).strip() not in NOT_APPLICABLE]
    return sum(looks_like_number(v) for v in values) / len(values) if values else 0.0


def _column_roles(table: RawTable, paths: list[list[str]], width: int) -> list[str]:
    roles: list[str] = []
    for column in range(width):
        label = paths[column][-1] if paths[column] else ""
        share = _figure_share(table.body, column)
        if _SEQ_LABEL.search(label) or (column == 0 and not label and share == 1.0):
            roles.append("seq")
        elif _CODE_LABEL.search(label) and not _NAME_LABEL.search(label):
            roles.append("code")
        elif share is not None and share >= 0.5 and not _NAME_LABEL.search(label):
            roles.append("amount")
        elif share is None and label and not _NAME_LABEL.search(label):
            roles.append("amount")  # an empty money column (经营支出 with no figures)
        elif _number_like_share(table.body, column) >= 0.5 and not _NAME_LABEL.search(label):
            # A money column whose cells do not read as figures (1e308): each is reported, not taken as text.
            roles.append("amount")
        else:
            roles.append("name")
    return roles


def table_parts(table: RawTable, paths: list[list[str]], width: int) -> list[TablePart]:
    """The table's parts from its columns' roles: a new part starts at key columns after
    figures; a two-sided summary's two parts get their sides from their headers."""
    roles = _column_roles(table, paths, width)
    default_side = _SIDE_BY_KIND.get(table.kind, Side.expenditure) if table.kind else Side.expenditure
    parts: list[TablePart] = [TablePart(side=default_side)]
    seq: int | None = None
    for column, role in enumerate(roles):
        part = parts[-1]
        if role == "seq":
            seq = column
        elif role in ("code", "name"):
            # Two-sided summaries start their second part at its key columns; any table
            # starts a new part at a code column after figures (the 决算 基本支出 table
            # prints two lists of economic codes side by side).
            starts_new = bool(part.amounts) and ((table.kind in _TWO_SIDED and (part.name is not None or bool(part.codes))) or (role == "code" and bool(part.codes)))
            if starts_new:
                part = TablePart(side=Side.expenditure if table.kind in _TWO_SIDED else default_side)
                parts.append(part)
            if role == "code":
                part.codes.append(column)
            elif part.name is None:
                part.name = column
            else:
                part.texts.append(column)
        else:
            part.amounts.append(column)
    for part in parts:
        part.seq = seq
    if table.kind in _TWO_SIDED and len(parts) == 2:
        for part, fallback in zip(parts, (Side.revenue, Side.expenditure)):
            hints = {side_hint(paths[c]) for c in part.keys + part.amounts} - {None}
            part.side = Side(hints.pop()) if len(hints) == 1 else fallback
    return parts


def table_records(body: list[Row], parts: list[TablePart], width: int) -> list[TableRecord]:
    """Rows -> records, merging continuation rows (a cell cut by a page or a wrap)."""
    seq = parts[0].seq
    key_columns = [c for part in parts for c in part.keys]
    records: list[TableRecord] = []
    for row in body:
        cells = [row.cell(c) for c in range(width)]
        if not any(cells):
            continue
        keys_empty = not any(cells[c] for c in key_columns)
        seq_missing = seq is not None and not cells[seq] and any(cells[c] for c in range(width) if c != seq)
        is_continuation = records and (seq_missing or (keys_empty and seq is None) or (keys_empty and row.starts_page))
        if is_continuation:
            previous = records[-1]
            previous.cells = [p + c if c else p for p, c in zip(previous.cells, cells)]
            previous.last_line = row.line
        else:
            records.append(TableRecord(cells, row.line, row.line))
    return records


def row_code(part: TablePart, cells: list[str], default_scheme: CodeScheme) -> tuple[ClassificationCode | None, str, str | None]:
    """(code, row label, problem) for one part of a record."""
    name = clean_name(cells[part.name]) if part.name is not None else ""
    notation = join_code_parts([cells[c] for c in part.codes if cells[c].strip() not in NOT_APPLICABLE])
    if notation and not any(ch.isdigit() for ch in notation) and not name:
        # A label printed in the code column (合计, 人员经费合计 in a 决算's code tables) labels the row.
        notation, name = "", clean_name(notation)
    if not notation:
        leading, rest = split_leading_code(name)
        if leading:
            notation, name = leading, clean_name(rest)
    if notation:
        code = make_code(notation, name, default_scheme)
        if code is None:
            return None, name or notation, f"expected a classification code of 3, 5 or 7 digits, found {notation!r}"
        return code, name, None
    stripped, had_ordinal = strip_ordinal(name)
    if had_ordinal and stripped.endswith("支出") or stripped == "预备费":
        category = category_by_name(stripped)
        if category is not None:
            return ClassificationCode(CodeScheme.functional, category, stripped), name, None
    return None, name, None
