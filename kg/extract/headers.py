"""Reading a text grid's header row: which column holds what, by its label.

Performance, activity and organisation tables name their columns in words
(三级指标, 指标值, 单位名称 …) at positions that differ between templates, so
columns are always found by label, never by index.
"""

from __future__ import annotations

import re

_SPACE = re.compile(r"\s+")


def compact(text: str) -> str:
    """A cell without the spaces wrapping leaves inside it (``指 标 值`` -> ``指标值``)."""
    return _SPACE.sub("", text)


def columns_by_label(cells: tuple[str, ...], rules: tuple[tuple[re.Pattern[str], str], ...]) -> dict[str, int]:
    """key -> index of the first column whose label matches that key's pattern.

    Rules are tried in order for each label; a label claims the first key it
    matches that no column has claimed yet.
    """
    columns: dict[str, int] = {}
    for index, cell in enumerate(cells):
        label = compact(cell)
        if not label:
            continue
        for pattern, key in rules:
            if key not in columns and pattern.search(label):
                columns[key] = index
                break
    return columns
