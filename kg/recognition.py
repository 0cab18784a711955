"""Recognition: which canonical table a title (or, failing that, a header) names.

The wording is the family's (``kg.families``): a budget's 收支总表 is a 决算's
收入支出决算总表. Functions default to the budget family so that callers that
read a budget excerpt need not name it; ``parse`` always passes the document's.

Rules are ordered from the most specific wording to the most general, because
titles nest: "一般公共预算财政拨款基本支出表" mentions 一般公共预算, 支出 and
基本支出, and only the last makes it the basic-expenditure table.
"""

from __future__ import annotations


from kg.families import Family
from kg.families.budget import BUDGET
from kg.records import TableKind


def recognise_title(text: str, family: Family = BUDGET) -> TableKind | None:
    title = text.replace(" ", "").strip("*# ")
    if not family.title_ending.search(title) and "具体内容见下表" not in title:
        return None
    for pattern, kind in family.table_titles:
        if pattern.search(title):
            return kind
    return None


def recognise_header(cells: list[str], family: Family = BUDGET) -> TableKind | None:
    """Fallback for untitled tables: what their header columns say they are."""
    words = {cell.replace(" ", "") for cell in cells if cell}
    return family.header_kind(words, "|".join(words))
