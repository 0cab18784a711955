"""Placing figures whose columns were lost, by the identities a budget satisfies.

A row printed without its blank cells (``210 卫生健康支出 1,203,400 1,203,400``
under 合计 / 基本支出 / 项目支出) keeps its figures in column order but not their
columns. Two kinds of identity narrow the choice (domain.md §7):

- within the row: 合计 = 基本支出 + 项目支出, 小计 = Σ sources … (``Identity``);
- down the code hierarchy, in every column: a 类 = Σ its 款, a 款 = Σ its 项,
  and the 合计 row = Σ the 类 rows.

The row identities alone leave ``X X`` ambiguous (基本 or 项目?); the hierarchy
often settles it: on the seeds rewritten with single spaces, the 208 row's
``1170.68 215.39 955.29`` is unique and fixes which of its 款 hold basic
expenditure. A figure is placed only where every placement consistent with all
identities puts it; otherwise it is left out and reported, never guessed.
Printed figures are compared exactly: a row that does not add up is not
"repaired" into some placement that does.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from itertools import combinations, product
from math import comb, prod

from kg.extract.numbers import parse_decimal

# Beyond these counts the alternatives are not enumerated; the figures stay unplaced.
_MAX_ROW_PLACEMENTS = 200_000
_MAX_FAMILY_COMBINATIONS = 20_000


@dataclass(frozen=True)
class Identity:
    """``total`` (a column) = Σ ``parts`` (each part: the columns summed for it)."""

    total: int
    parts: tuple[tuple[int, ...], ...]


Option = tuple[int, ...]  # the column of each figure, in printed order


def _value(text: str | None) -> Decimal:
    value = parse_decimal(text) if text is not None else None
    return value if value is not None else Decimal(0)


def _holds(placement: dict[int, str], rules: list[Identity]) -> bool:
    for rule in rules:
        parts = sum((_value(placement.get(c)) for group in rule.parts for c in group), Decimal(0))
        if _value(placement.get(rule.total)) != parts:
            return False
    return True


def row_options(figures: tuple[str, ...], columns: list[int], rules: list[Identity]) -> list[Option] | None:
    """Every order-keeping placement of the figures the row identities allow; None when too many to try."""
    if len(figures) == len(columns):
        return [tuple(columns)]
    if len(figures) > len(columns):
        return []
    if comb(len(columns), len(figures)) > _MAX_ROW_PLACEMENTS:
        return None
    return [chosen for chosen in combinations(columns, len(figures)) if _holds(dict(zip(chosen, figures)), rules)]


@dataclass(frozen=True)
class RowChoice:
    """One row's figures and the placements still open for them."""

    figures: tuple[str, ...]
    options: tuple[Option, ...]

    def values(self, option: Option) -> dict[int, Decimal]:
        return {column: _value(figure) for column, figure in zip(option, self.figures)}


def _child_combinations(children: list[int], open_: dict[int, set[Option]]) -> list[tuple[Option, ...]] | None:
    choices = [sorted(open_[child]) for child in children]
    if prod(len(c) for c in choices) > _MAX_FAMILY_COMBINATIONS:
        return None
    return list(product(*choices))


def resolve(rows: list[RowChoice], parent_of: dict[int, int], columns: list[int]) -> list[set[Option]]:
    """The placements of each row that some placement of the whole hierarchy satisfies.

    ``parent_of`` maps a row to the row its code (or 合计) sums into. Families are
    solved bottom-up (which placements of a parent its children can add up to)
    and then top-down (which placements of the children a surviving parent
    placement needs). A family too large to enumerate, or one whose printed
    figures do not add up under any placement, constrains nothing.
    """
    children: dict[int, list[int]] = {}
    for child, parent in parent_of.items():
        children.setdefault(parent, []).append(child)
    open_: dict[int, set[Option]] = {index: set(row.options) for index, row in enumerate(rows)}
    witnesses: dict[int, dict[Option, list[tuple[Option, ...]]]] = {}

    def depth(index: int) -> int:
        steps = 0
        while index in parent_of:
            index = parent_of[index]
            steps += 1
        return steps

    values: dict[tuple[int, Option], tuple[Decimal, ...]] = {}

    def vector(index: int, option: Option) -> tuple[Decimal, ...]:
        key = (index, option)
        if key not in values:
            placed = rows[index].values(option)
            values[key] = tuple(placed.get(c, Decimal(0)) for c in columns)
        return values[key]

    for parent in sorted(children, key=depth, reverse=True):  # deepest families first
        kids = children[parent]
        combos = _child_combinations(kids, open_)
        if combos is None:
            continue
        sums: dict[tuple[Decimal, ...], list[tuple[Option, ...]]] = {}
        for combo in combos:
            total = tuple(sum(column, Decimal(0)) for column in zip(*(vector(k, o) for k, o in zip(kids, combo))))
            sums.setdefault(total, []).append(combo)
        found: dict[Option, list[tuple[Option, ...]]] = {}
        for option in open_[parent]:
            matching = sums.get(vector(parent, option))
            if matching:
                found[option] = matching
        if not found:
            continue  # the printed figures do not add up: this family tells nothing
        open_[parent] = set(found)
        witnesses[parent] = found

    for parent in sorted(witnesses, key=depth):  # top-down
        kids = children[parent]
        needed: list[set[Option]] = [set() for _ in kids]
        for option in open_[parent]:
            for combo in witnesses[parent].get(option, []):
                if all(o in open_[k] for k, o in zip(kids, combo)):
                    for slot, o in zip(needed, combo):
                        slot.add(o)
        for kid, slot in zip(kids, needed):
            if slot:
                open_[kid] = slot
    return [open_[index] for index in range(len(rows))]


@dataclass(frozen=True)
class Placement:
    columns: dict[int, str]  # column -> printed figure
    unplaced: tuple[tuple[str, tuple[int, ...]], ...]  # figures left out, with their possible columns


def settle(figures: tuple[str, ...], options: set[Option]) -> Placement:
    """Each figure where every open placement puts it; the others left out with their columns."""
    placed: dict[int, str] = {}
    unplaced: list[tuple[str, tuple[int, ...]]] = []
    for position, figure in enumerate(figures):
        columns = tuple(sorted({option[position] for option in options}))
        if len(columns) == 1:
            placed[columns[0]] = figure
        else:
            unplaced.append((figure, columns))
    return Placement(placed, tuple(unplaced))
