"""Placing figures whose columns were lost, by the identities a budget satisfies.

A row printed without its blank cells (``210 卫生健康支出 1,203,400 1,203,400``
under 合计 / 基本支出 / 项目支出) keeps its figures in column order but not their
columns. Three kinds of constraint narrow the choice (domain.md §7):

- within the row: 合计 = 基本支出 + 项目支出, 小计 = Σ sources … (``Identity``);
- down the code hierarchy, in every column: a 类 = Σ its 款, a 款 = Σ its 项,
  and the 合计 row = Σ the 类 rows;
- evidence from elsewhere in the document (``extract.evidence``): a column
  known to be empty, a row known to hold a figure in a column.

The row identities alone leave ``X X`` ambiguous (基本 or 项目?); the hierarchy
often settles it. Each family (a parent and its children) is solved as a small
constraint problem: a depth-first search over the children's placements with
per-column bounds (figures are not negative, so a child cannot put a figure in
a column its parent leaves blank), keeping the placements some solution uses.
Families are revisited until nothing changes, so what one family settles
propagates up and down the tree.

Printed figures are rounded to their last decimal, so a sum may be off by half
a unit per addend (domain.md §7.9): seed 001's 301 row prints 1514.82 over
款 rows adding to 1514.81, and exact comparison made that family (and with it
every 人员经费/公用经费 split under it) say nothing. A tolerance only keeps
more placements open, never fewer, so it cannot place a figure the exact
comparison would not have; a figure goes where every surviving placement puts
it, otherwise it is left out and reported, never guessed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from itertools import combinations
from math import comb

from kg.extract.numbers import parse_decimal

# Beyond these counts the alternatives are not explored; the figures stay unplaced.
_MAX_ROW_PLACEMENTS = 200_000
_MAX_FAMILY_STEPS = 200_000
_MAX_ROUNDS = 20


@dataclass(frozen=True)
class Identity:
    """``total`` (a column) = Σ ``parts`` (each part: the columns summed for it)."""

    total: int
    parts: tuple[tuple[int, ...], ...]


Option = tuple[int, ...]  # the column of each figure, in printed order


def _value(text: str | None) -> Decimal:
    value = parse_decimal(text) if text is not None else None
    return value if value is not None else Decimal(0)


def half_unit(figures: list[str]) -> Decimal:
    """Half a unit of the last printed decimal: the rounding each printed figure may carry."""
    places = 0
    for figure in figures:
        value = parse_decimal(figure)
        if value is not None:
            places = max(places, -int(value.as_tuple().exponent))
    return Decimal(5).scaleb(-places - 1)


def _holds(placement: dict[int, str], rules: list[Identity], half: Decimal) -> bool:
    for rule in rules:
        values = [_value(placement.get(c)) for group in rule.parts for c in group]
        total = _value(placement.get(rule.total))
        # Each printed (non-blank) figure may be off by half a unit; a blank is exactly nothing.
        rounded = sum(1 for v in (*values, total) if v)
        if abs(total - sum(values, Decimal(0))) > half * rounded:
            return False
    return True


def row_options(figures: tuple[str, ...], columns: list[int], rules: list[Identity], half: Decimal) -> list[Option] | None:
    """Every order-keeping placement of the figures the row identities allow; None when too many to try."""
    if len(figures) == len(columns):
        return [tuple(columns)]
    if len(figures) > len(columns):
        return []
    if comb(len(columns), len(figures)) > _MAX_ROW_PLACEMENTS:
        return None
    return [chosen for chosen in combinations(columns, len(figures)) if _holds(dict(zip(chosen, figures)), rules, half)]


@dataclass(frozen=True)
class RowChoice:
    """One row's figures and the placements still open for them."""

    figures: tuple[str, ...]
    options: tuple[Option, ...]

    def values(self, option: Option) -> dict[int, Decimal]:
        return {column: _value(figure) for column, figure in zip(option, self.figures)}

    def narrowed(self, keep: Callable[[dict[int, Decimal]], bool]) -> RowChoice:
        """The options ``keep`` accepts; all of them when it accepts none (the evidence does not fit this row)."""
        kept = tuple(option for option in self.options if keep(self.values(option)))
        return RowChoice(self.figures, kept) if kept else self


Vector = tuple[int, ...]  # a row's figures per column, in units of the table's last printed decimal


@dataclass(frozen=True)
class _Family:
    parent: int
    kids: tuple[int, ...]


def _support(targets: list[Vector], kids: list[list[Vector]]) -> tuple[set[int], list[set[int]]] | None:
    """Which parent and child options some solution of Σ kids ≈ parent uses; None past the step budget.

    Vectors are in half units of the last printed decimal, so each printed
    figure in a column allows one unit of difference there.
    """
    width = len(targets[0])
    order = sorted(range(len(kids)), key=lambda k: len(kids[k]))
    # Suffix bounds: what the children from position i on can add at least and at most, per column.
    low = [[0] * width for _ in range(len(order) + 1)]
    high = [[0] * width for _ in range(len(order) + 1)]
    for position in range(len(order) - 1, -1, -1):
        options = kids[order[position]]
        for column in range(width):
            low[position][column] = low[position + 1][column] + min(o[column] for o in options)
            high[position][column] = high[position + 1][column] + max(o[column] for o in options)
    most = len(kids) + 1  # the largest slack a column can have: every addend and the total printed
    parents: set[int] = set()
    used: list[set[int]] = [set() for _ in kids]
    wanted = sum(len(options) for options in kids)
    steps = 0
    chosen: list[int] = [0] * len(order)

    def search(position: int, partial: list[int], printed: list[int], target: Vector) -> bool:
        """True once a solution is found below; records every solution's options."""
        nonlocal steps
        steps += 1
        if steps > _MAX_FAMILY_STEPS:
            raise _Budget
        if position == len(order):
            if any(abs(p - t) > n + (t != 0) for p, t, n in zip(partial, target, printed)):
                return False
            for slot, kid in enumerate(order):
                used[kid].add(chosen[slot])
            return True
        found = False
        for index, option in enumerate(kids[order[position]]):
            after = [p + o for p, o in zip(partial, option)]
            if any(after[c] + low[position + 1][c] > target[c] + most or after[c] + high[position + 1][c] < target[c] - most for c in range(width)):
                continue
            chosen[position] = index
            if search(position + 1, after, [n + (o != 0) for n, o in zip(printed, option)], target):
                found = True
                if sum(len(u) for u in used) == wanted:
                    return True  # every option is used by some solution: nothing left to learn
        return found

    try:
        for index, target in enumerate(targets):
            if search(0, [0] * width, [0] * width, target):
                parents.add(index)
    except _Budget:
        return None
    return parents, used


class _Budget(Exception):
    """The search took more steps than a family is worth; the family constrains nothing."""


def resolve(rows: list[RowChoice], parent_of: dict[int, int], columns: list[int], half: Decimal) -> list[set[Option]]:
    """The placements of each row that some placement of its families satisfies, to a fixpoint.

    ``parent_of`` maps a row to the row its code (or 合计) sums into. A family
    too large to search, or whose printed figures do not add up under any
    placement, constrains nothing.
    """
    children: dict[int, list[int]] = {}
    for child, parent in parent_of.items():
        children.setdefault(parent, []).append(child)
    families = [_Family(parent, tuple(kids)) for parent, kids in children.items()]
    open_: list[list[Option]] = [sorted(set(row.options)) for row in rows]
    scale = 1 / half  # figures in whole half units of their last decimal
    cache: dict[tuple[int, Option], Vector] = {}

    def vector(index: int, option: Option) -> Vector:
        key = (index, option)
        if key not in cache:
            placed = rows[index].values(option)
            cache[key] = tuple(int(placed.get(c, Decimal(0)) * scale) for c in columns)
        return cache[key]

    settled: set[_Family] = set()  # families whose search gave up or did not add up
    for _ in range(_MAX_ROUNDS):
        changed = False
        for family in families:
            if family in settled:
                continue
            result = _support(
                [vector(family.parent, o) for o in open_[family.parent]],
                [[vector(k, o) for o in open_[k]] for k in family.kids],
            )
            if result is None or not result[0]:
                settled.add(family)
                continue
            parents, used = result
            for member, keep in zip((family.parent, *family.kids), (parents, *used)):
                if len(keep) < len(open_[member]):
                    open_[member] = [o for i, o in enumerate(open_[member]) if i in keep]
                    changed = True
        if not changed:
            break
    return [set(options) for options in open_]


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
