"""Project and department performance tables -> ``PerformanceTarget``.

A performance table (domain.md §5) is two things stacked in one grid:

- a key/value preamble: 项目编码, 项目名称, 预算数 / 其中:财政资金 / 其他资金,
  资金用途, 资金支出计划 (milestones with cumulative %), 绩效目标, 负责人;
  labels and values sit in whatever cells the template put them, a label may
  wrap into the next cell (``其中:财政 | 资金 | 135.29``) and a section may run
  on over rows whose first cell is empty;
- the indicator grid, introduced by a row naming 一级指标 / 二级指标 / 三级指标.
  Its columns are found by their header names, never by position, because
  every template orders and pads them differently. Levels are filled down,
  the grid header repeats after a page break and a cell cut there continues in
  the next row (whose key columns are empty).

Nothing is dropped silently: a row that cannot be read becomes a ParseWarning
with its line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from kg.extract.headers import columns_by_label, compact
from kg.extract.numbers import parse_decimal
from kg.extract.targets import indicator_direction, parse_target
from kg.records import (
    Amount,
    Indicator,
    Lines,
    MoneyUnit,
    ParseWarning,
    PerformanceTarget,
    TableKind,
)
from kg.tables import RawTable, Row

# --- preamble labels ----------------------------------------------------------

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
_TITLE_NUMBER = re.compile(r"^\s*(?:\d+|[一二三四五六七八九十]+)\s*[、.．]\s*")
_TITLE_TAIL = re.compile(r"\s*(?:项目支出|项目)?绩效目标(?:申报)?表\s*$")
_SHORT_WORDS = 8  # a wrapped label or a source name (上级安排) between a budget label and its figure
_MAX_ROW_GAP = 2  # consecutive rows, or one blank line between them
_HTML = re.compile(r"(?:\s*</?p\b[^>]*>\s*)+")

# --- grid columns, most specific first: 指标值确定依据 is basis, not target ---

_GRID_COLUMNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), key)
    for pattern, key in (
        (r"依据", "basis"),  # 指标值确定依据 / 指标设定依据
        (r"权重|分值", "weight"),  # 分值权重 / 指标分值权重
        (r"上年", "last_year"),  # 上年完成值
        (r"赋分|评分", "scoring_rule"),  # 指标赋分规则
        (r"佐证|证明材料", "evidence"),  # 佐证资料
        (r"描述|指标内容|解释", "description"),  # 绩效指标描述
        (r"^三级", "name"),  # 三级指标
        (r"^二级", "level2"),  # 二级指标
        (r"^一级", "level1"),  # 一级指标
        (r"指标值|目标值", "target"),  # 指标值
    )
)


def _clean(text: str) -> str:
    """Cell text as printed, less HTML paragraph tags (the words stay)."""
    return _HTML.sub(" ", text).strip() if "<" in text else text.strip()


def _is_grid_header(cells: tuple[str, ...]) -> bool:
    labels = {compact(c) for c in cells}
    return any(c.startswith("三级指标") for c in labels) and any(
        c.startswith(("一级指标", "二级指标")) for c in labels
    )


# --- preamble -----------------------------------------------------------------


@dataclass
class _Money:
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
class _Preamble:
    code: str | None = None
    name: str | None = None
    person: str | None = None
    purpose: list[str] = field(default_factory=list)
    goals: list[str] = field(default_factory=list)
    money: dict[str, _Money] = field(default_factory=lambda: {"total": _Money(), "fiscal": _Money(), "other": _Money()})
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


def _read_preamble(rows: list[Row], table: RawTable, warnings: list[ParseWarning]) -> _Preamble:
    pre = _Preamble()
    section: str | None = None  # the labelled block a row with an empty first cell continues
    slot: str | None = None  # the budget slot the next figure fills
    pending_milestones: list[tuple[int, str]] = []  # (column, label) awaiting their percentages
    for row in rows:
        cells = tuple(_clean(c) for c in row.cells)
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
            elif (value := parse_decimal(cell)) is not None and slot is not None:
                pre.money[slot].add(cell, value)
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
            warnings.append(ParseWarning(Lines(row.line, row.line), f"performance table: cannot read row {_preview(cells)}"))
    if pending_milestones:
        labels = "、".join(label for _, label in pending_milestones)
        warnings.append(
            ParseWarning(table.lines, f"spending plan: no percentage printed for {labels}")
        )
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


def _next_value(cells: tuple[str, ...], index: int, convert) -> tuple[str | None, int]:
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
    pre: _Preamble,
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
            warnings.append(
                ParseWarning(Lines(row.line, row.line), f"spending plan: {len(labels)} milestones but {len(percents)} percentages")
            )
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
                warnings.append(
                    ParseWarning(Lines(row.line, row.line), f"spending plan: percentage {value}% has no milestone")
                )
                continue
            remaining.remove(match)
            pre.plan.append((match[1], value))
        return []  # milestones left without a percentage are blank, not missing
    return pending


def _preview(cells: tuple[str, ...]) -> str:
    text = " | ".join(c for c in cells if c)
    return text if len(text) <= 60 else text[:57] + "…"


# --- indicator grid -----------------------------------------------------------

_FIELDS = ("level1", "level2", "name", "description", "target", "basis", "weight", "last_year", "scoring_rule", "evidence")


@dataclass
class _Draft:
    values: dict[str, str]
    first: int
    last: int


def _row_values(cells: tuple[str, ...], columns: dict[str, int], width: int) -> tuple[dict[str, str], bool]:
    """Cells by field; and whether a short row had to be realigned.

    A row with fewer cells than its header lost a cell to a merge (三级指标 and
    its description printed as one). When its description cell then holds a
    value and its target cell does not, the cells right of the name are
    aligned from the right.
    """
    values = {key: _clean(cells[i]) if i < len(cells) else "" for key, i in columns.items()}
    short = len([c for c in cells]) < width
    if short and "target" in columns and "description" in columns:
        shift = width - len(cells)
        description, target = values.get("description", ""), values.get("target", "")
        if parse_target(description).comparator and not parse_target(target).comparator:
            name_column = columns.get("name", -1)
            realigned = dict(values)
            for key, column in columns.items():
                if column > name_column:
                    source = column - shift
                    realigned[key] = _clean(cells[source]) if name_column < source < len(cells) else ""
            return realigned, True
    return values, False


def _read_grid(
    rows: list[Row], header: tuple[str, ...], table_lines: Lines, warnings: list[ParseWarning]
) -> list[Indicator]:
    columns = columns_by_label(header, _GRID_COLUMNS)
    if "name" not in columns:
        warnings.append(ParseWarning(table_lines, "performance grid: no 三级指标 column in its header"))
        return []
    width = len(header)
    header_signature = compact("".join(header))
    drafts: list[_Draft] = []
    level1 = level2 = ""
    at_page_start = False
    previous_line: int | None = None
    for row in rows:
        if compact("".join(row.cells)) == header_signature or _is_grid_header(row.cells):
            at_page_start = True  # the grid header repeats after a page break
            continue
        if not any(row.cells):
            continue
        values, realigned = _row_values(row.cells, columns, width)
        if realigned:
            warnings.append(
                ParseWarning(Lines(row.line, row.line), "performance grid: row has fewer cells than its header; read from the right")
            )
        # Lines skipped between two rows (a header repeated without a preamble
        # and dropped by the segmenter) mark a page break too.
        skipped = previous_line is not None and row.line - previous_line > _MAX_ROW_GAP
        starts_page = at_page_start or row.starts_page or skipped
        at_page_start = False
        previous_line = row.line
        keys_blank = not values.get("name") and not values.get("level1") and not values.get("level2")
        if keys_blank and drafts:
            # A cell cut at a page break (or wrapped) continues in this row.
            draft = drafts[-1]
            for key, text in values.items():
                if text:
                    draft.values[key] = draft.values.get(key, "") + text
            draft.last = row.line
            continue
        if not values.get("name"):
            where = "after a page break" if starts_page else "in the grid"
            warnings.append(
                ParseWarning(Lines(row.line, row.line), f"performance grid: row {where} has no 三级指标 name: {_preview(row.cells)}")
            )
            continue
        level1 = values.get("level1") or level1  # filled down: merged cells print once
        level2 = values.get("level2") or level2
        values["level1"], values["level2"] = level1, level2
        drafts.append(_Draft(values, row.line, row.line))
    return [_indicator(draft, warnings) for draft in drafts]


def _indicator(draft: _Draft, warnings: list[ParseWarning]) -> Indicator:
    values = draft.values
    lines = Lines(draft.first, draft.last)
    target = parse_target(values["target"]) if values.get("target") else None
    weight = None
    if values.get("weight"):
        weight = parse_decimal(values["weight"])
        if weight is None:
            warnings.append(ParseWarning(lines, f"performance grid: weight {values['weight']!r} is not a number"))
    name = values["name"]
    return Indicator(
        level1=values.get("level1") or None,
        level2=values.get("level2") or None,
        name=name,
        target=target,
        lines=lines,
        description=values.get("description") or None,
        basis=values.get("basis") or None,
        weight=weight,
        last_year_value=values.get("last_year") or None,
        scoring_rule=values.get("scoring_rule") or None,
        evidence=values.get("evidence") or None,
        direction=indicator_direction(name, [target] if target else []),
    )


# --- the table ----------------------------------------------------------------


def _name_from_title(title: str) -> str:
    return _TITLE_TAIL.sub("", _TITLE_NUMBER.sub("", title)).strip()


def extract_performance(table: RawTable, index: int) -> tuple[PerformanceTarget | None, list[ParseWarning]]:
    """The performance target a project (or department) table states."""
    warnings: list[ParseWarning] = []
    kind = table.kind if table.kind in (TableKind.project_performance, TableKind.department_performance) else None
    if kind is None:
        return None, [ParseWarning(table.lines, f"not a performance table: {table.kind}")]
    rows = [*table.header, *table.body]
    grid_at = next((i for i, row in enumerate(rows) if _is_grid_header(row.cells)), None)
    if grid_at is None:
        warnings.append(ParseWarning(table.lines, "performance table has no 一级/二级/三级指标 grid"))
        preamble_rows, grid_rows, grid_header = rows, [], ()
    else:
        preamble_rows, grid_rows, grid_header = rows[:grid_at], rows[grid_at + 1 :], rows[grid_at].cells
    pre = _read_preamble(preamble_rows, table, warnings)
    indicators = _read_grid(grid_rows, grid_header, table.lines, warnings) if grid_header else []
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
