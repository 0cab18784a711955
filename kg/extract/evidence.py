"""What the rest of a document says about the cells of its single-space tables.

A single-space row keeps its figures' order but not their columns, and one
table's identities often leave a figure two or seven columns to choose from
(seed 001 rewritten: 经营支出/上解上级/对附属单位补助 are blank in every row of
支出总表, so ``X X`` after 合计 could be any pair; the third figure of a
收入总表 row could be any of seven sources). Other tables settle much of it,
by identities that hold between tables (domain.md §4, §7.4):

- 收支总表 and 财政拨款收支总表 state each revenue source once: a source whose
  lines are all blank holds nothing in any row of 收入总表 (nor do its parts:
  a blank 单位资金 means no 事业收入, no 经营收入 …), and a source stated once
  is the 收入总表 合计 row's figure in that column;
- 支出总表 covers all funds, the 一般公共预算 / 政府性基金 / 国有资本经营
  支出表 one fund each: per code, each column of 支出总表 is at least the sum
  of the fund tables' figures, and where the fund tables' totals add up to
  支出总表's total the code has no other money, so its 基本/项目 split is
  theirs (and, from one fund table, the reverse).

Each fact is a ``Bound`` on a cell (a code's row, the 合计 row, or every row)
by column meaning, in yuan; ``extract.spaced`` keeps a row's placements that
satisfy the bounds that apply to it, and all of them when none does (evidence
that does not fit a row says nothing about it). ``place_spaced_tables`` reads
the document's tables, derives the bounds from the figures placed so far,
places again, and repeats while that places more.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from decimal import Decimal

from kg.extract.budget_tables import extract_budget_lines
from kg.extract.columns import SOURCE_PARTS, column_meaning
from kg.extract.numbers import parse_decimal
from kg.extract.spaced import EVERY_ROW, TOTAL_ROW, Bound, rebuild
from kg.families import Family
from kg.records import BudgetLine, MoneyUnit, ParseWarning, TableKind
from kg.tables import RawTable

_ROUNDS = 4
_SUMMARIES = (TableKind.revenue_expenditure_summary, TableKind.appropriation_summary)
_FUND_TABLES = (
    TableKind.general_budget_expenditure,
    TableKind.government_fund_expenditure,
    TableKind.state_capital_expenditure,
)
_SPLIT = ("basic", "project")
_SOURCES = set(SOURCE_PARTS) | {part for parts in SOURCE_PARTS.values() for part in parts} | {"special_account"}


def _reads_budget_lines(table: RawTable) -> bool:
    # The kinds kg.parse hands to extract_budget_lines.
    return table.kind is not None and table.kind.is_money_table and table.kind is not TableKind.staffing


def _yuan_per_unit(table: RawTable) -> Decimal:
    return Decimal(1) if table.money_unit is MoneyUnit.yuan else Decimal(10000)


def place_spaced_tables(tables: list[RawTable], family: Family) -> tuple[list[RawTable], list[ParseWarning]]:
    """The tables with each single-space money table rebuilt as positional rows, and the warnings of doing so.

    Tables that are not single-spaced come back as they are, so a document
    without such tables parses exactly as before.
    """
    spaced = [i for i, table in enumerate(tables) if table.spaced and _reads_budget_lines(table)]
    if not spaced:
        return tables, []
    bounds: frozenset[Bound] = frozenset()
    result = list(tables)
    warnings: list[ParseWarning] = []
    for _ in range(_ROUNDS):
        result = list(tables)
        warnings = []
        for index in spaced:
            table = tables[index]
            kind_bounds = [b for b in bounds if b.kind is table.kind]
            rebuilt = rebuild(table.header, table.body, table.lines, kind_bounds, _yuan_per_unit(table))
            result[index] = replace(table, header=rebuilt.header, body=rebuilt.body, spaced=False)
            warnings.extend(rebuilt.warnings)
        found = frozenset(document_bounds(result, family))
        if found == bounds:
            break
        bounds = found
    return result, warnings


def document_bounds(tables: list[RawTable], family: Family) -> Iterable[Bound]:
    """Bounds on money-table cells from the figures the (positional) tables hold."""
    lines: list[BudgetLine] = []
    kinds: dict[int, TableKind] = {}
    for index, table in enumerate(tables, start=1):
        kind = table.kind  # _reads_budget_lines checks it too; this names it for mypy
        if kind is not None and _reads_budget_lines(table) and not table.spaced:
            found, _ = extract_budget_lines(table, index, family)
            lines.extend(found)
            kinds[index] = kind
    yield from _revenue_bounds([t for t in tables if t.kind in _SUMMARIES and not t.spaced], family)
    yield from _fund_bounds(lines, kinds)


# --- revenue sources from the summary tables ----------------------------------------


def _revenue_side(table: RawTable) -> list[tuple[str, Decimal | None]]:
    """(label, figure or None for blank) of the revenue side: the first text column and the cell after it."""
    width = max((len(row.cells) for row in table.body), default=0)
    label_column = next(
        (c for c in range(width) if sum(bool(row.cell(c)) and parse_decimal(row.cell(c)) is None for row in table.body) * 2 >= len(table.body)),
        None,
    )
    if label_column is None:
        return []
    side = []
    for row in table.body:
        label = row.cell(label_column).replace(" ", "")
        if label and "支出" not in label:
            side.append((label, parse_decimal(row.cell(label_column + 1))))
    return side


def _revenue_bounds(summaries: list[RawTable], family: Family) -> Iterable[Bound]:
    values: dict[str, set[Decimal | None]] = defaultdict(set)
    for table in summaries:
        scale = _yuan_per_unit(table)
        for label, value in _revenue_side(table):
            meaning = column_meaning([label], family)
            if meaning in _SOURCES:
                values[meaning].add(value * scale if value is not None else None)
    empty = {meaning for meaning, found in values.items() if found <= {None, Decimal(0)}}
    # A blank source has blank parts.
    for meaning in list(empty):
        empty.update(_parts_of(meaning))
    for meaning in empty:
        yield Bound(TableKind.revenue, EVERY_ROW, meaning, Decimal(0), Decimal(0))
    stated = {m: value for m, found in values.items() if len(found) == 1 for value in found if value is not None}
    for meaning, parts in SOURCE_PARTS.items():
        # A source whose parts are each stated or blank is their sum (财政拨款 = 一般公共预算 + 政府性基金 + 国有资本经营).
        if meaning not in values and parts and all(p in stated or p in empty for p in parts) and any(p in stated for p in parts):
            stated[meaning] = sum((stated.get(p, Decimal(0)) for p in parts), Decimal(0))
    for meaning, value in stated.items():
        if meaning not in empty:
            yield Bound(TableKind.revenue, TOTAL_ROW, meaning, value, value)


def _parts_of(meaning: str) -> set[str]:
    found: set[str] = set()
    for part in SOURCE_PARTS.get(meaning, ()):
        found |= {part} | _parts_of(part)
    return found


# --- all funds and one fund: 支出总表 against the fund tables --------------------------


def _row_key(line: BudgetLine) -> str | None:
    if line.code is not None:
        return line.code.notation
    return TOTAL_ROW if line.is_total else None


def _fund_bounds(lines: list[BudgetLine], kinds: dict[int, TableKind]) -> Iterable[Bound]:
    cells: dict[tuple[TableKind, str], dict[str, Decimal]] = defaultdict(dict)
    for line in lines:
        key = _row_key(line)
        kind = kinds[line.table]
        if key is None or line.column not in ("total", *_SPLIT) or line.amount.yuan is None:
            continue
        cells[(kind, key)].setdefault(line.column, line.amount.yuan)
    rows = {key for kind, key in cells if kind is TableKind.expenditure or kind in _FUND_TABLES}
    for key in rows:
        whole = cells.get((TableKind.expenditure, key))
        funds = {kind: cells[(kind, key)] for kind in _FUND_TABLES if (kind, key) in cells}
        for column in ("total", *_SPLIT):
            floor = sum((fund.get(column, Decimal(0)) for fund in funds.values()), Decimal(0))
            if floor:
                yield Bound(TableKind.expenditure, key, column, floor, None)
        if whole is None or "total" not in whole:
            continue
        if funds and all(_complete(fund) for fund in funds.values()):
            if sum((fund["total"] for fund in funds.values()), Decimal(0)) == whole["total"]:
                for column in _SPLIT:  # no other money under this code: the split is the funds'
                    value = sum((fund.get(column, Decimal(0)) for fund in funds.values()), Decimal(0))
                    yield Bound(TableKind.expenditure, key, column, value, value)
        if _complete(whole):
            for kind, fund in funds.items():
                for column in _SPLIT:
                    yield Bound(kind, key, column, Decimal(0), whole.get(column, Decimal(0)))
                if fund.get("total") == whole["total"]:
                    for column in _SPLIT:
                        value = whole.get(column, Decimal(0))
                        yield Bound(kind, key, column, value, value)


def _complete(row: dict[str, Decimal]) -> bool:
    """A row whose 基本 and 项目 figures (blank counted as none) make up its total: nothing of it unplaced."""
    return "total" in row and sum((row.get(c, Decimal(0)) for c in _SPLIT), Decimal(0)) == row["total"]
