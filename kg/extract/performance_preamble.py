"""The key/value preamble of a performance table (domain.md §5) -> a ``Preamble``.

项目编码, 项目名称, 预算数 / 其中:财政资金 / 其他资金, 资金用途, 资金支出计划
(milestones with cumulative %), 绩效目标, 负责人: labels and values sit in whatever
cells the template put them, a label may wrap into the next cell
(``其中:财政 | 资金 | 135.29``) and a section may run on over rows whose first cell is
empty. A row that cannot be read becomes a ParseWarning with its line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from kg.extract.headers import compact
from kg.extract.numbers import parse_decimal
from kg.extract.performance_cells import clean_cell, preview
from kg.records import Amount, Lines, MoneyUnit, ParseWarning
from kg.tables import RawTable, Row

_CODE = re.compile(r"^项目(?:编码|代码|编号)")  # 项目编码
_NAME = re.compile(r"^(?:项目名称|部门名称|单位名称|预算单位|部门\(单位\)名称)")  # 项目名称 / 部门名称(盖章)
_PERSON = re.compile(r"(?:项目)?负责人|联系人")  # 项目负责人 / 部门联系人
_IGNORED = re.compile(r"^(?:联系电话|电话|主管部门|实施单位|项目类型|项目期限)")
_TOTAL = re.compile(r"^(?:预算数|年度预算总额|资金总额|项目资金总额|预算总额|年度资金总额|合计|总计)")
_FISCAL = re.compile(r"^(?:其中\s*[:：]?\s*)?财政(?:资金|拨款)?")  # 其中:财政资金 / 财政拨款
_OTHER = re.compile(r"^(?:其中\s*[:：]?\s*)?其他资金")  # 其他资金
_PURPOSE = re.compile(r"资金用途")  # 预算规模及资金用途
_PLAN = re.compile(r"资金支出计划|支出进度|执行进度")  # 资金支出计划(%)
_GOALS = re.compile(r"^(?:年度)?(?:绩效目标|总体目标|项目总体目标|年度绩效目标|年度目标|项目目标)")
_BUDGET_SECTION = re.compile(r"^(?:年度预算|项目资金|预算规模|资金来源)")
_UNIT_IN_LABEL = re.compile(r"[(（]\s*(万元|元)\s*[)）]")
_MILESTONE = re.compile(r"^(?:\d{1,2}\s*月(?:底|末|份)?|第?[一二三四1-4]\s*季度(?:末)?|全年|年底|上半年|下半年)$")
_PERCENT = re.compile(r"^(\d+(?:\.\d+)?)\s*%$")
_SHORT_WORDS = 8  # a wrapped label or a source name (上级安排) between a budget label and its figure


@dataclass
class MoneySlot:
    """A budget slot filled from one or more printed figures (上级安排 + 本级安排)."""

    printed: list[str] = field(default_factory=list)
    values: list[Decimal] = field(default_factory=list)

    def add(self, printed: str, value: Decimal) -> None:
        self.printed.append(printed)
        self.values.append(value)

    def amount(self, unit: MoneyUnit) -> Amount | None:
        if not self.values:
            return None
        # Several parts are shown as the sum that was printed: "1798.84+341.25".
        return Amount("+".join(self.printed), sum(self.values, Decimal(0)), unit)


@dataclass
class Preamble:
    """What the preamble states, filled row by row (a label's value may come rows later)."""

    code: str | None = None
    name: str | None = None
    person: str | None = None
    purpose: list[str] = field(default_factory=list)
    goals: list[str] = field(default_factory=list)
    money: dict[str, MoneySlot] = field(default_factory=lambda: {"total": MoneySlot(), "fiscal": MoneySlot(), "other": MoneySlot()})
    plan: list[tuple[str, Decimal]] = field(default_factory=list)
    unit: MoneyUnit | None = None


def _money_slot(label: str) -> str | None:
    if _OTHER.match(label):
        return "other"
    if _FISCAL.match(label):
        return "fiscal"
    if _TOTAL.match(label):
        return "total"
    return None


def _is_label(text: str) -> bool:
    label = compact(text)
    return bool(
        _CODE.match(label)
        or _NAME.match(label)
        or _PERSON.search(label)
        or _IGNORED.match(label)
        or _money_slot(label)
        or _PURPOSE.search(label)
        or _PLAN.search(label)
        or _GOALS.match(label)
        or _BUDGET_SECTION.match(label)
    )


def read_preamble(rows: list[Row], table: RawTable, warnings: list[ParseWarning]) -> Preamble:
    """The preamble's rows read (the rows above the grid); a row that cannot be read and a
    milestone without its percentage are added to ``warnings``."""
    pre = Preamble()
    section: str | None = None  # the labelled block a row with an empty first cell continues
    slot: str | None = None  # the budget slot the next figure fills
    pending_milestones: list[tuple[int, str]] = []  # (column, label) awaiting their percentages
    for row in rows:
        cells = tuple(clean_cell(c) for c in row.cells)
        first = compact(cells[0]) if cells else ""
        if first and _MILESTONE.match(first):
            section = "plan"  # "12 月底 | | 100%": the plan wrapped onto a row of its own
        elif first:
            section = slot = None  # a new labelled row
        consumed = False
        index = 0
        while index < len(cells):
            cell = cells[index]
            label = compact(cell)
            index += 1
            if not label:
                continue
            unit = _UNIT_IN_LABEL.search(label)
            if unit and pre.unit is None:
                pre.unit = MoneyUnit.wan_yuan if unit.group(1) == "万元" else MoneyUnit.yuan
            if _PLAN.search(label):
                section, slot = "plan", None
                consumed = True
                continue
            if section == "plan":
                consumed = True
                continue  # milestones are read below, by column
            if _CODE.match(label):
                pre.code, index = _next_value(cells, index, lambda v: v.replace(" ", "") or None)
                section = slot = None
                consumed = True
            elif _NAME.match(label):
                value, index = _next_value(cells, index, lambda v: v or None)
                if value and (pre.name is None or label.startswith("项目名称")):
                    pre.name = value
                section = slot = None
                consumed = True
            elif _PERSON.search(label) and not _money_slot(label):
                value, index = _next_value(cells, index, lambda v: v or None)
                pre.person = pre.person or value
                consumed = True
            elif _IGNORED.match(label):
                _, index = _next_value(cells, index, lambda v: v)
                consumed = True
            elif _money_slot(label):
                slot = _money_slot(label)
                section = section or "budget"
                consumed = True
            elif _PURPOSE.search(label) or _BUDGET_SECTION.match(label):
                section = "purpose" if _PURPOSE.search(label) else "budget"
                consumed = True
            elif _GOALS.match(label):
                section, slot = "goals", None
                consumed = True
            elif (figure := parse_decimal(cell)) is not None and slot is not None:
                pre.money[slot].add(cell, figure)
                consumed = True
            elif slot is not None and len(label) <= _SHORT_WORDS and _figure_follows(cells, index):
                consumed = True  # 上级安排 / a wrapped label such as "资金": words between a label and its figure
            elif section in ("purpose", "budget") and parse_decimal(cell) is None:
                pre.purpose.append(cell)
                consumed = True
            elif section == "goals":
                pre.goals.append(cell)
                consumed = True
        if section == "plan":
            pending_milestones = _read_plan_row(cells, row, pending_milestones, pre, warnings)
        elif not consumed and any(cells):
            warnings.append(ParseWarning(Lines(row.line, row.line), f"performance table: cannot read row {preview(cells)}"))
    if pending_milestones:
        labels = "、".join(label for _, label in pending_milestones)
        warnings.append(ParseWarning(table.lines, f"spending plan: no percentage printed for {labels}"))
    return pre


def _figure_follows(cells: tuple[str, ...], index: int) -> bool:
    """Whether a figure comes after ``index`` in the row before any other label."""
    for cell in cells[index:]:
        if not cell:
            continue
        if parse_decimal(cell) is not None:
            return True
        if _is_label(cell):
            return False
    return False


def _next_value(cells: tuple[str, ...], index: int, convert: Callable[[str], str | None]) -> tuple[str | None, int]:
    """The first non-empty cell after a label, unless it is another label."""
    while index < len(cells):
        value = cells[index]
        if value:
            if _is_label(value):
                return None, index
            return convert(value), index + 1
        index += 1
    return None, index


def _read_plan_row(
    cells: tuple[str, ...],
    row: Row,
    pending: list[tuple[int, str]],
    pre: Preamble,
    warnings: list[ParseWarning],
) -> list[tuple[int, str]]:
    """Pair milestone labels with their cumulative percentages.

    A label row is followed by a row of percentages in the same columns; a
    percentage may be blank (not yet due), so pairing is by column. A row that
    holds both labels and percentages (the plan wrapped: ``12 月底 | | 100%``)
    pairs them in order.
    """
    labels = [(i, compact(c)) for i, c in enumerate(cells) if _MILESTONE.match(compact(c))]
    percents = [(i, Decimal(m.group(1))) for i, c in enumerate(cells) if (m := _PERCENT.match(compact(c)))]
    if labels and percents:
        for (_, label), (_, value) in zip(labels, percents):
            pre.plan.append((label, value))
        if len(labels) != len(percents):
            warnings.append(ParseWarning(Lines(row.line, row.line), f"spending plan: {len(labels)} milestones but {len(percents)} percentages"))
        return pending
    if labels:
        return pending + labels
    if percents:
        remaining = list(pending)
        for column, value in percents:
            match = next((item for item in remaining if item[0] == column), None)
            if match is None:
                # Not in the label's column: take the nearest unpaired label to its left.
                left = [item for item in remaining if item[0] <= column]
                match = left[-1] if left else (remaining[0] if remaining else None)
            if match is None:
                warnings.append(ParseWarning(Lines(row.line, row.line), f"spending plan: percentage {value}% has no milestone"))
                continue
            remaining.remove(match)
            pre.plan.append((match[1], value))
        return []  # milestones left without a percentage are blank, not missing
    return pending
