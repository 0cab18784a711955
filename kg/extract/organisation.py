"""Organisation and staffing tables (机构设置 / 部门基本情况) -> ``Body``.

One row per internal body or subordinate unit: 单位名称, 单位性质, 单位规格,
经费保障形式, and in the staffing variant counts such as 车辆, 编制人数,
在职人数, 离退人数, often split by a second header row (行政 / 事业, 离休 /
退休 / 退职). Columns are found by header name. A second header row is
matched to the groups above it by position when the group headers leave empty
span cells, else in order (a new group starts where a sub-label repeats).
Total rows (合计) are not bodies but ``StaffingTotal`` records; the header repeated after a page break (or
in a second block of the same table) is skipped.
"""

from __future__ import annotations

import re
from decimal import Decimal

from kg.extract.headers import columns_by_label, compact
from kg.extract.numbers import parse_decimal
from kg.records import Body, Lines, ParseWarning, StaffingTotal
from kg.tables import RawTable, Row

_TEXT_COLUMNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), key)
    for pattern, key in (
        (r"单位名称|机构名称|部门名称|^名称$", "name"),  # 单位名称
        (r"性质", "nature"),  # 单位性质
        (r"规格|级别", "rank"),  # 单位规格
        (r"经费", "funding"),  # 经费保障形式
        (r"^序号$", "sequence"),  # 序号: the row's number, not a fact about the body
        (r"^备注$", "note"),  # 备注: 预算不单列,并入本级 in a 决算's 单位构成
    )
)
_COUNT_LABEL = re.compile(r"人数|编制|车辆|人员|离退|在职|实有|数量|辆")  # 编制人数, 在职人数, 车辆 …
_TOTAL = re.compile(r"^(?:合计|总计|小计)$")
# Only a grand total sums every body of the table; a 小计 sums a group the table does not name.
_GRAND_TOTAL = re.compile(r"^(?:合计|总计)$")


def _is_sub_header(cells: tuple[str, ...]) -> bool:
    """A row of short labels under the groups (行政 事业 …), no name, no figures."""
    filled = [c for c in cells if c.strip()]
    return bool(filled) and not cells[0].strip() and all(parse_decimal(c) is None and len(compact(c)) <= 4 for c in filled)


def _count_labels(header: tuple[str, ...], sub: tuple[str, ...] | None, warnings: list[ParseWarning], line: int) -> dict[int, str]:
    """Column -> count label as printed ("车辆", "编制人数/行政")."""
    labels = {i: compact(c) for i, c in enumerate(header) if compact(c) and _COUNT_LABEL.search(compact(c))}
    if not sub:
        return labels
    subs = [(i, compact(c)) for i, c in enumerate(sub) if compact(c)]
    if not subs:
        return labels
    first_sub = subs[0][0]
    groups = [(i, label) for i, label in sorted(labels.items()) if i >= first_sub]
    result = {i: label for i, label in labels.items() if i < first_sub}
    spans_printed = any(not compact(header[i]) for i in range(first_sub, min(len(header), subs[-1][0] + 1)))
    if spans_printed:
        # Group headers with empty cells over their sub-columns: by position.
        for column, sub_label in subs:
            owner = [label for i, label in groups if i <= column]
            result[column] = f"{owner[-1]}/{sub_label}" if owner else sub_label
        return result
    # Group headers packed one per cell: split the sub-labels where one repeats.
    runs: list[list[tuple[int, str]]] = [[]]
    for column, sub_label in subs:
        if any(sub_label == seen for _, seen in runs[-1]):
            runs.append([])
        runs[-1].append((column, sub_label))
    # 行政 事业 | 行政 事业 离休 退休 退职: a run that repeats the first run and goes on
    # holds the next group too.
    first_labels = [label for _, label in runs[0]]
    while len(runs) < len(groups) and len(runs) > 1:
        last = runs[-1]
        if len(last) > len(first_labels) and [label for _, label in last[: len(first_labels)]] == first_labels:
            runs[-1:] = [last[: len(first_labels)], last[len(first_labels) :]]
        else:
            break
    if len(runs) != len(groups):
        warnings.append(ParseWarning(Lines(line, line), f"staffing header: {len(runs)} sub-column groups under {len(groups)} headers; sub-labels used alone"))
        result.update({column: sub_label for column, sub_label in subs})
        return result
    for (_, group), run in zip(groups, runs):
        for column, sub_label in run:
            result[column] = f"{group}/{sub_label}"
    return result


def extract_bodies(table: RawTable) -> tuple[list[Body], list[ParseWarning]]:
    """The bodies an organisation or staffing table lists, with their counts."""
    bodies, _, warnings = extract_staffing(table)
    return bodies, warnings


def extract_staffing(table: RawTable) -> tuple[list[Body], list[StaffingTotal], list[ParseWarning]]:
    """The bodies a table lists and its 合计 rows, each with its counts by column label.

    A 合计 row is kept apart: the staffing-total shape checks it against the bodies
    (seed 003 prints 在职人数/行政 29 above its one unit's 25).
    """
    warnings: list[ParseWarning] = []
    rows: list[Row] = [*table.header, *table.body]
    header_at = next((i for i, row in enumerate(rows) if "name" in columns_by_label(row.cells, _TEXT_COLUMNS)), None)
    if header_at is None:
        return [], [], [ParseWarning(table.lines, "organisation table: no 单位名称 column")]
    header = rows[header_at]
    columns = columns_by_label(header.cells, _TEXT_COLUMNS)
    header_signature = compact("".join(header.cells))
    rest = rows[header_at + 1 :]
    sub = rest[0].cells if rest and _is_sub_header(rest[0].cells) else None
    counts = _count_labels(header.cells, sub, warnings, header.line)
    bodies: list[Body] = []
    totals: list[StaffingTotal] = []
    for row in rest:
        if compact("".join(row.cells)) == header_signature or _is_sub_header(row.cells):
            continue  # the header again (page break, or the next block of the table)
        cells = row.cells
        name = row.cell(columns["name"]).strip()
        if not name:
            if any(cells):
                warnings.append(ParseWarning(Lines(row.line, row.line), f"organisation table: row without a 单位名称: {' | '.join(c for c in cells if c)}"))
            continue
        figures = _row_counts(row, counts, warnings)
        if _TOTAL.match(compact(name)):
            if _GRAND_TOTAL.match(compact(name)):
                totals.append(StaffingTotal(compact(name), Lines(row.line, row.line), figures))
            continue  # a total row, not a body
        extra = [c for i, c in enumerate(cells) if c.strip() and i not in counts and i not in columns.values()]
        if extra:
            warnings.append(ParseWarning(Lines(row.line, row.line), f"organisation table: cells under no known header: {' | '.join(extra)}"))
        bodies.append(
            Body(
                name=name,
                lines=Lines(row.line, row.line),
                nature=row.cell(columns["nature"]).strip() or None if "nature" in columns else None,
                rank=row.cell(columns["rank"]).strip() or None if "rank" in columns else None,
                funding=row.cell(columns["funding"]).strip() or None if "funding" in columns else None,
                note=row.cell(columns["note"]).strip() or None if "note" in columns else None,
                counts=figures,
            )
        )
    return bodies, totals, warnings


def _row_counts(row: Row, counts: dict[int, str], warnings: list[ParseWarning]) -> tuple[tuple[str, Decimal], ...]:
    """The row's counts by column label; a blank cell is no count, not zero."""
    figures: list[tuple[str, Decimal]] = []
    for column, label in sorted(counts.items()):
        text = row.cell(column).strip()
        if not text:
            continue
        value = parse_decimal(text)
        if value is None:
            warnings.append(ParseWarning(Lines(row.line, row.line), f"organisation table: {label} {text!r} is not a number"))
            continue
        figures.append((label, value))
    return tuple(figures)
