"""Standard money tables -> ``BudgetLine`` records, one per printed figure.

The table's layout (each column's role, its parts, rows merged into records, a record's
code and label) is ``kg.extract.table_layout``'s; here each amount column gets a meaning
(``columns.column_meaning``) and each figure of a record becomes a line.
"""

from __future__ import annotations

import re
from dataclasses import replace

from kg.classification import clean_name
from kg.extract.columns import NON_MONEY_COLUMNS, column_meaning, column_stage, header_paths
from kg.extract.numbers import NOT_APPLICABLE, money_unit_of, parse_amount
from kg.extract.spaced import rebuild
from kg.extract.table_layout import TablePart, TableRecord, row_code, table_parts, table_records
from kg.families import Family
from kg.families.budget import BUDGET
from kg.records import BudgetLine, CodeScheme, Lines, MoneyUnit, ParseWarning, TableKind
from kg.tables import RawTable, Row

_TOTAL_LABEL = re.compile(r"^(?:合计|总计|本年(?:收入|支出)合计|(?:收入|支出)(?:总计|合计)|总合计|本年合计)$")

# The layout's names as blank_rows and revenue_outline import them; the public names are
# kg.extract.table_layout's.
_Part = TablePart
_Record = TableRecord
_parts = table_parts
_records = table_records
_row_code = row_code


def extract_budget_lines(table: RawTable, index: int, family: Family = BUDGET) -> tuple[list[BudgetLine], list[ParseWarning]]:
    warnings: list[ParseWarning] = []
    if table.spaced:
        # Words, not columns: rebuild the columns first (figures placed by the identities).
        rebuilt = rebuild(table.header, table.body, table.lines)
        table = replace(table, header=rebuilt.header, body=rebuilt.body, spaced=False)
        warnings.extend(rebuilt.warnings)
    width = max([len(row.cells) for row in table.header + table.body] or [0])
    paths = header_paths(table.header, width)
    unit = table.money_unit or _unit_from_header(table.header) or MoneyUnit.wan_yuan
    parts = table_parts(table, paths, width)
    default_scheme = CodeScheme.economic if table.kind is TableKind.basic_expenditure else CodeScheme.functional
    lines: list[BudgetLine] = []
    for record in table_records(table.body, parts, width):
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


def _part_lines(
    table: RawTable,
    index: int,
    part: TablePart,
    record: TableRecord,
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
    code, label, problem = row_code(part, cells, default_scheme)
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
