"""Responsibility-activity tables (职责活动, graded 优/良/中/差) -> ``Activity``.

The township template (domain.md §5) lists activities with their budget,
description (内容描述), goal (绩效目标), an indicator (绩效指标) and its four
grade thresholds. What the extraction does to it, and what is undone here:

- top-level activities are numbered 一、二、…; sub-activities 1、2、… or not at
  all; an indicator row with empty key columns is one more indicator of the
  activity above it;
- a cell cut at a page break continues in the same column of the next page's
  first row. That row may be pure continuation (``室)`` finishing a name, ``以下``
  finishing ``60%``), or continuation *and* a new indicator at once; a name
  that is only a fragment (no budget, no content of its own) is never a new
  activity;
- the header (and the 优 良 中 差 row under it, which markdown shows as data)
  may repeat at every page; those rows only mark the page break;
- one cell can hold two indicators (``重复信访下降 上访率下降`` with
  ``大于 5% 大于 5%``): split when every grade cell splits the same way.

Columns are found by their header names, never by position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from kg.extract.headers import columns_by_label, compact
from kg.extract.numbers import parse_amount
from kg.extract.targets import indicator_direction, parse_target
from kg.records import (
    Activity,
    GradeThreshold,
    Indicator,
    Lines,
    MoneyUnit,
    ParseWarning,
    TableKind,
)
from kg.tables import RawTable, Row

GRADES = ("优", "良", "中", "差")

_TOP_LEVEL = re.compile(r"^\s*[一二三四五六七八九十百]+\s*[、.．]")  # 一、镇党委
_NUMBERED = re.compile(r"^\s*(?:[一二三四五六七八九十百]+|\d{1,2})\s*[、.．]")  # 一、 / 1、
_SENTENCE_END = re.compile(r"[。；;！!？?]\s*$")
_HTML = re.compile(r"(?:\s*</?p\b[^>]*>\s*)+")
_COMPARATOR_WORD = re.compile(r"^(?:大于|小于|低于|高于|不低于|不高于|不少于|不超过|≥|≤|>=|<=|>|<|=)$")

# Header words -> field, most specific first (绩效目标 before 目标, 绩效指标 before 指标).
_COLUMNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), key)
    for pattern, key in (
        (r"职责活动|工作活动|活动名称|职责", "name"),  # 职责活动
        (r"预算", "budget"),  # 年度预算数
        (r"描述|内容", "description"),  # 内容描述
        (r"目标", "goal"),  # 绩效目标
        (r"指标", "indicator"),  # 绩效指标
        (r"评价标准|评分标准|标准", "grades"),  # 评价标准 (优 良 中 差 below it)
    )
)
_HEADER_CELL_MAX = 10
_MAX_ROW_GAP = 2  # consecutive rows, or one blank line between them
_INDICATOR_FIELDS = ("indicator", *GRADES)


def _clean(text: str) -> str:
    """Cell text as printed, less HTML paragraph tags (the words stay)."""
    return _HTML.sub(" ", text).strip() if "<" in text else text.strip()


def _grade_columns(cells: tuple[str, ...]) -> dict[str, int] | None:
    """The 优/良/中/差 row: grade -> column, or None when this is not that row."""
    found = {compact(c): i for i, c in enumerate(cells) if compact(c) in GRADES}
    others = [c for c in cells if c.strip() and compact(c) not in GRADES and compact(c) != "评价标准"]
    if len(found) >= 3 and not others:
        return found
    return None


def _is_main_header(cells: tuple[str, ...]) -> bool:
    if any(len(compact(c)) > _HEADER_CELL_MAX for c in cells):
        return False  # header cells are labels, not prose
    columns = columns_by_label(cells, _COLUMNS)
    return "name" in columns and "indicator" in columns


@dataclass
class _Record:
    """One activity row or one indicator row, with the fragments merged into it."""

    kind: str  # "activity" or "indicator"
    values: dict[str, str]
    lines: list[int] = field(default_factory=list)
    indicator_lines: list[int] = field(default_factory=list)  # where its indicator and grades were printed

    def extend(self, key: str, text: str, line: int) -> None:
        self.values[key] = self.values.get(key, "") + text
        if line not in self.lines:
            self.lines.append(line)
        if key in _INDICATOR_FIELDS and line not in self.indicator_lines:
            self.indicator_lines.append(line)


def _values(cells: tuple[str, ...], columns: dict[str, int]) -> dict[str, str]:
    return {key: _clean(cells[i]) if i < len(cells) else "" for key, i in columns.items()}


def _is_new_activity(values: dict[str, str], at_page_start: bool) -> bool:
    name = values.get("name", "")
    if not name:
        return False
    if not at_page_start:
        return True
    # After a page break a name may be the cut-off end of the one above it
    # ("室)", "站", "7、行政综合服务 工作。" continuing a list): a new activity
    # brings a budget, or is numbered and has content of its own.
    if values.get("budget"):
        return True
    return bool(_NUMBERED.match(name)) and bool(values.get("description") or values.get("goal"))


def _append_to_latest(records: list[_Record], key: str, text: str, line: int) -> None:
    """A cut cell continues the latest record holding text in that column."""
    for record in reversed(records):
        if record.values.get(key):
            record.extend(key, text, line)
            return
    records[-1].extend(key, text, line)


def _read_records(rows: list[Row], columns: dict[str, int], warnings: list[ParseWarning]) -> list[_Record]:
    records: list[_Record] = []
    flagged_page = False
    previous_line: int | None = None
    for row in rows:
        if _grade_columns(row.cells) is not None or _is_main_header(row.cells):
            flagged_page = bool(records)  # the header repeats at a page break
            continue
        values = _values(row.cells, columns)
        if not any(values.values()):
            continue
        # Lines skipped between two rows (a header repeated without a preamble
        # and dropped by the segmenter) mark a page break too.
        skipped = previous_line is not None and row.line - previous_line > _MAX_ROW_GAP
        at_page_start = row.starts_page or flagged_page or skipped
        flagged_page = False
        previous_line = row.line
        if _is_new_activity(values, at_page_start):
            records.append(_Record("activity", values, [row.line], [row.line]))
            continue
        if not records:
            warnings.append(ParseWarning(Lines(row.line, row.line), f"activity table: row before the first activity: {_preview(row.cells)}"))
            continue
        # Activity-level fragments (a cut name, budget or description) continue upwards.
        for key in ("name", "budget", "description"):
            if values.get(key):
                _append_to_latest(records, key, values[key], row.line)
        indicator = values.get("indicator", "")
        complete = bool(values.get(GRADES[0]) and values.get(GRADES[-1]))
        if indicator and (not at_page_start or complete):
            goal = values.get("goal", "")
            latest_goal = next((r.values["goal"] for r in reversed(records) if r.values.get("goal")), "")
            if goal and at_page_start and latest_goal and not _SENTENCE_END.search(latest_goal):
                _append_to_latest(records, "goal", goal, row.line)  # the cut goal of the row above
                goal = ""
            fresh = {key: values.get(key, "") for key in ("indicator", *GRADES)}
            fresh["goal"] = goal
            records.append(_Record("indicator", fresh, [row.line], [row.line]))
            continue
        # Pure continuation: every filled cell goes to the latest record with text in its column.
        for key in ("goal", "indicator", *GRADES):
            if values.get(key):
                _append_to_latest(records, key, values[key], row.line)
    return records


def _preview(cells: tuple[str, ...]) -> str:
    text = " | ".join(c for c in cells if c)
    return text if len(text) <= 60 else text[:57] + "…"


def _split_pair(values: dict[str, str]) -> list[dict[str, str]] | None:
    """Two indicators printed in one cell, when every grade splits the same way."""
    names = values.get("indicator", "").split()
    if len(names) < 2:
        return None
    split_grades: dict[str, list[str]] = {}
    for grade in GRADES:
        text = values.get(grade, "")
        if not text:
            split_grades[grade] = [""] * len(names)
            continue
        tokens: list[str] = []
        for token in text.split():
            if tokens and _COMPARATOR_WORD.match(tokens[-1]):
                tokens[-1] += " " + token
            else:
                tokens.append(token)
        if len(tokens) != len(names) or not all(parse_target(t).comparator for t in tokens):
            return None
        split_grades[grade] = tokens
    return [{"indicator": name, **{grade: split_grades[grade][i] for grade in GRADES}} for i, name in enumerate(names)]


def _indicators(record: _Record, description: str | None, warnings: list[ParseWarning]) -> list[Indicator]:
    lines = Lines(min(record.indicator_lines), max(record.indicator_lines))
    parts = _split_pair(record.values)
    if parts is not None:
        warnings.append(ParseWarning(lines, f"activity table: one cell holds {len(parts)} indicators; split"))
    result = []
    for values in parts or [record.values]:
        grades = tuple(GradeThreshold(grade, parse_target(values[grade])) for grade in GRADES if values.get(grade))
        name = values["indicator"]
        if not grades:
            warnings.append(ParseWarning(lines, f"activity table: indicator {name!r} has no 优/良/中/差 thresholds"))
        result.append(
            Indicator(
                level1=None,
                level2=None,
                name=name,
                target=None,
                lines=lines,
                description=description,
                direction=indicator_direction(name, [g.target for g in grades]),
                grades=grades,
            )
        )
    return result


def extract_activities(table: RawTable, index: int) -> tuple[list[Activity], list[ParseWarning]]:
    """The activities of a responsibility-activity table, with graded indicators."""
    warnings: list[ParseWarning] = []
    if table.kind is not TableKind.activity_performance:
        return [], [ParseWarning(table.lines, f"not an activity table: {table.kind}")]
    rows = [*table.header, *table.body]
    main = next((row for row in rows if _is_main_header(row.cells)), None)
    if main is None:
        return [], [ParseWarning(table.lines, "activity table: no header naming 职责活动 and 绩效指标")]
    columns = columns_by_label(main.cells, _COLUMNS)
    grade_row = next((g for row in rows if (g := _grade_columns(row.cells)) is not None), None)
    if grade_row is not None:
        columns.update(grade_row)
    elif "grades" in columns:
        # No 优 良 中 差 row: the four grades follow 评价标准 in that order.
        start = columns["grades"]
        columns.update({grade: start + offset for offset, grade in enumerate(GRADES)})
    columns.pop("grades", None)
    missing = [key for key in ("name", "indicator") if key not in columns]
    if missing:
        return [], [ParseWarning(table.lines, f"activity table: header lacks {', '.join(missing)}")]
    records = _read_records(rows, columns, warnings)
    unit = table.money_unit or MoneyUnit.wan_yuan
    activities: list[Activity] = []
    current: dict[str, Any] | None = None  # the Activity being read: its fields by name
    parent: str | None = None

    def close() -> None:
        if current is not None:
            activities.append(Activity(**current))

    for record in records:
        values = record.values
        if record.kind == "activity":
            close()
            name = values["name"]
            level = 1 if _TOP_LEVEL.match(name) else 2
            if level == 1:
                parent = name
            budget = None
            if values.get("budget"):
                budget = parse_amount(values["budget"], unit)
                if budget is None:
                    warnings.append(ParseWarning(Lines(record.lines[0], record.lines[-1]), f"activity budget {values['budget']!r} is not a figure"))
            current = {
                "table": index,
                "name": name,
                "level": level,
                "lines": Lines(min(record.lines), max(record.lines)),
                "budget": budget,
                "description": values.get("description") or None,
                "goal": values.get("goal") or None,
                "indicators": tuple(_indicators(record, None, warnings)) if values.get("indicator") else (),
                "parent": parent if level == 2 else None,
            }
            continue
        assert current is not None  # an indicator record always follows an activity
        found = _indicators(record, values.get("goal") or None, warnings)
        current["indicators"] = current["indicators"] + tuple(found)
        current["lines"] = current["lines"].span(Lines(min(record.lines), max(record.lines)))
    close()
    return activities, warnings
