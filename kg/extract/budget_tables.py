"""Standard money tables -> ``BudgetLine`` records, one per printed figure.

Works from the header, not from fixed positions: each column gets a role
(sequence number, code, name, text, or amount) from its header path and its
content, and each amount column a meaning (``columns.column_meaning``).
Two-sided summary tables (收支总表, 财政拨款收支总表) hold a revenue part and
an expenditure part side by side; each part has its own key and amount
columns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from kg.classification import (
    category_by_name,
    clean_name,
    join_code_parts,
    make_code,
    split_leading_code,
    strip_ordinal,
)
from kg.extract.columns import (
    NON_MONEY_COLUMNS,
    column_meaning,
    column_stage,
    header_paths,
    side_hint,
)
from kg.extract.spaced import rebuild
from kg.families import Family
from kg.families.budget import BUDGET
from kg.extract.numbers import NOT_APPLICABLE, is_figure, looks_like_number, money_unit_of, parse_amount
from kg.records import (
    BudgetLine,
    ClassificationCode,
    CodeScheme,
    Lines,
    MoneyUnit,
    ParseWarning,
    Side,
    TableKind,
)
from kg.tables import RawTable, Row

_TWO_SIDED = {TableKind.revenue_expenditure_summary, TableKind.appropriation_summary}
_SIDE_BY_KIND = {TableKind.revenue: Side.revenue, TableKind.assets: None, TableKind.staffing: None}
_TOTAL_LABEL = re.compile(r"^(?:合计|总计|本年(?:收入|支出)合计|(?:收入|支出)(?:总计|合计)|总合计|本年合计)$")
_SEQ_LABEL = re.compile(r"^(?:序号|栏次|行次)$")
_CODE_LABEL = re.compile(r"编码|代码|^[类款项]$|编号")
_NAME_LABEL = re.compile(r"名称|^项目$|内容$|^科目$|功能分类$|经济分类$|^支出项目|^收入项目|明细$")


@dataclass
class _Part:
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
class _Record:
    cells: list[str]
    first_line: int
    last_line: int


def extract_budget_lines(
    table: RawTable, index: int, family: Family = BUDGET
) -> tuple[list[BudgetLine], list[ParseWarning]]:
    warnings: list[ParseWarning] = []
    if table.spaced:
        # Words, not columns: rebuild the columns first (figures placed by the identities).
        rebuilt = rebuild(table.header, table.body, table.lines)
        table = replace(table, header=rebuilt.header, body=rebuilt.body, spaced=False)
        warnings.extend(rebuilt.warnings)
    width = max([len(row.cells) for row in table.header + table.body] or [0])
    paths = header_paths(table.header, width)
    unit = table.money_unit or _unit_from_header(table.header) or MoneyUnit.wan_yuan
    parts = _parts(table, paths, width)
    default_scheme = CodeScheme.economic if table.kind is TableKind.basic_expenditure else CodeScheme.functional
    lines: list[BudgetLine] = []
    for record in _records(table.body, parts, width):
        for part in parts:
            lines.extend(_part_lines(table, index, part, record, paths, unit, default_scheme, family, warnings))
    return lines, warnings


def _unit_from_header(header: list[Row]) -> MoneyUnit | None:
    for row in header:
        for cell in row.cells:
            unit = money_unit_of(cell)
            if unit is not None:
                return unit
    return None


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


def _parts(table: RawTable, paths: list[list[str]], width: int) -> list[_Part]:
    roles = _column_roles(table, paths, width)
    default_side = _SIDE_BY_KIND.get(table.kind, Side.expenditure) if table.kind else Side.expenditure
    parts: list[_Part] = [_Part(side=default_side)]
    seq: int | None = None
    for column, role in enumerate(roles):
        part = parts[-1]
        if role == "seq":
            seq = column
        elif role in ("code", "name"):
            # Two-sided summaries start their second part at its key columns; any table
            # starts a new part at a code column after figures (the 决算 基本支出 table
            # prints two lists of economic codes side by side).
            starts_new = bool(part.amounts) and (
                (table.kind in _TWO_SIDED and (part.name is not None or bool(part.codes)))
                or (role == "code" and bool(part.codes))
            )
            if starts_new:
                part = _Part(side=Side.expenditure if table.kind in _TWO_SIDED else default_side)
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


def _records(body: list[Row], parts: list[_Part], width: int) -> list[_Record]:
    """Rows -> records, merging continuation rows (a cell cut by a page or a wrap)."""
    seq = parts[0].seq
    key_columns = [c for part in parts for c in part.keys]
    records: list[_Record] = []
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
            records.append(_Record(cells, row.line, row.line))
    return records


def _row_code(
    part: _Part, cells: list[str], default_scheme: CodeScheme
) -> tuple[ClassificationCode | None, str, str | None]:
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


def _part_lines(
    table: RawTable,
    index: int,
    part: _Part,
    record: _Record,
    paths: list[list[str]],
    unit: MoneyUnit,
    default_scheme: CodeScheme,
    family: Family,
    warnings: list[ParseWarning],
) -> list[BudgetLine]:
    cells = record.cells
    # "—" prints "not applicable"; like a blank it states no figure.
    figures = [(c, cells[c]) for c in part.amounts if cells[c] and cells[c].strip() not in NOT_APPLICABLE]
    if not figures and not any(cells[c] for c in part.keys):
        return []
    lines = Lines(record.first_line, record.last_line)
    code, label, problem = _row_code(part, cells, default_scheme)
    extra = [clean_name(cells[c]) for c in part.texts if cells[c]]
    if extra:
        label = " / ".join([label, *extra]) if label else " / ".join(extra)
    if problem:
        warnings.append(ParseWarning(lines, problem))
    if figures and not label and code is None:
        warnings.append(ParseWarning(lines, "expected a row label or code before the figures; row kept unlabelled"))
    is_total = bool(_TOTAL_LABEL.match(label.replace(" ", "")))
    result: list[BudgetLine] = []
    for column, text in figures:
        meaning = column_meaning(paths[column], family)
        stage = column_stage(paths[column], family)
        amount = parse_amount(text, None if meaning in NON_MONEY_COLUMNS else unit)
        if amount is None:
            warnings.append(ParseWarning(lines, f"expected a figure in column {'/'.join(paths[column]) or column + 1}, found {text!r}"))
            continue
        result.append(
            BudgetLine(
                table=index,
                side=part.side,
                row_label=label,
                code=code,
                column=meaning,
                column_label="/".join(paths[column]),
                amount=amount,
                lines=lines,
                is_total=is_total,
                stage=stage,
            )
        )
    return result
