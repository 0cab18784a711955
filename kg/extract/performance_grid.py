"""The indicator grid of a performance table (domain.md §5) -> ``Indicator`` records.

The grid is introduced by a row naming 一级指标 / 二级指标 / 三级指标. Its columns are
found by their header names, never by position, because every template orders and pads
them differently. Levels are filled down, the grid header repeats after a page break
and a cell cut there continues in the next row (whose key columns are empty). A row
that cannot be read becomes a ParseWarning with its line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.extract.headers import columns_by_label, compact
from kg.extract.numbers import parse_decimal
from kg.extract.performance_cells import clean_cell, preview
from kg.extract.targets import indicator_direction, parse_target
from kg.records import Indicator, Lines, ParseWarning
from kg.tables import Row

_MAX_ROW_GAP = 2  # consecutive rows, or one blank line between them
# Grid columns, most specific first: 指标值确定依据 is basis, not target.
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


def is_grid_header(cells: tuple[str, ...]) -> bool:
    """Whether a row names the grid's levels (三级指标 and 一级 or 二级指标)."""
    labels = {compact(c) for c in cells}
    return any(c.startswith("三级指标") for c in labels) and any(c.startswith(("一级指标", "二级指标")) for c in labels)


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
    values = {key: clean_cell(cells[i]) if i < len(cells) else "" for key, i in columns.items()}
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
                    realigned[key] = clean_cell(cells[source]) if name_column < source < len(cells) else ""
            return realigned, True
    return values, False


def read_grid(rows: list[Row], header: tuple[str, ...], table_lines: Lines, warnings: list[ParseWarning]) -> list[Indicator]:
    """The indicators of the grid rows under ``header`` (the 一级/二级/三级指标 row); a row
    that cannot be read is added to ``warnings``."""
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
        if compact("".join(row.cells)) == header_signature or is_grid_header(row.cells):
            at_page_start = True  # the grid header repeats after a page break
            continue
        if not any(row.cells):
            continue
        values, realigned = _row_values(row.cells, columns, width)
        if realigned:
            warnings.append(ParseWarning(Lines(row.line, row.line), "performance grid: row has fewer cells than its header; read from the right"))
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
            warnings.append(ParseWarning(Lines(row.line, row.line), f"performance grid: row {where} has no 三级指标 name: {preview(row.cells)}"))
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
