"""The items a prose figure lists after 其中 or 包括: "机关运行经费预算安排 125.8 万元，其中：办公费 21.63 万元、印刷费 4 万元 …".

A 机关运行经费 sentence itemises the figure by economic item (办公费, 水费, 差旅费 …), names the
narrative keywords do not know. Unread, its parts were checked by nothing: seed 000 lists 19
items that add to 125.8 exactly (000:55), seed 003 19 items that add to 167.38 (003:66), and
the mutation benchmark changed 000:55 unnoticed; seed 004 splits its 上年结转结余 36.59 万元 "包括：财政拨款
36.59 万元，非财政拨款 0 万元" (004:747). Each item becomes a ``NarrativeFigure`` of kind
``listed_item`` with its printed name and the kind of the figure it itemises, so a shape can add
them up (narrative-items).

A list is read only when every item up to the end of the sentence is "name amount 万元/元"
(separated by 、，；): a list that stops being one ("其中：在职 15 人"), or mixes in prose, is not
summed. Items the family's keywords name themselves (其中：一般公共预算收入 …, 其中：基本支出 …)
are keyword figures with identities of their own, so such a list is left to them; the one
exception is the "三公" names inside a 机关运行经费 list (公务接待费, 公务用车运行维护费), which
there are its economic items, not the 三公 figures (kg.extract.narrative reads them so too).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kg.extract.numbers import parse_decimal
from kg.records import Amount, MoneyUnit, NarrativeFigure

if TYPE_CHECKING:  # kg.extract.narrative calls this module
    from kg.extract.narrative import Paragraph

_CJK = "\u4e00-\u9fff"
_NUMBER = r"\d[\d,]*(?:\.\d+)?"
# "，主要用于保证机关正常运转，其中：": words but no figure between the whole and its list.
_LIST_START = re.compile(r"[^。;!?\d%]{0,40}?(?:其中|包括)\s*:?\s*")
_ITEM = re.compile(rf"(?P<label>[{_CJK}()]{{2,24}}?)\s*(?:为|共|计)?\s*(?P<num>{_NUMBER})\s*(?P<unit>万元|元(?!/))")
_SEPARATOR = re.compile(r"\s*[、,;]\s*")
# The sentence ends, or a sub-list of the last item begins ("…，非财政拨款 0 万元，其中：", 004:747).
_END = re.compile(r"\s*(?:。|$|[,;]\s*其中)")
# Wholes whose 其中 list is of keyword figures with sum identities of their own (narrative-sum,
# narrative-split): 收入/支出 totals, 基本支出, "三公" totals.
_KEYWORD_WHOLES = frozenset(
    {
        "revenue_total",
        "expenditure_total",
        "basic_expenditure",
        "three_public_total",
        "vehicle_total",
    }
)
# In a 机关运行经费 list these are its economic items (see the module docstring).
OPERATING_COSTS_ITEM_KINDS = frozenset(
    {
        "three_public_total",
        "outbound_travel",
        "vehicle_total",
        "vehicle_purchase",
        "vehicle_operation",
        "reception",
    }
)


@dataclass(frozen=True)
class _Item:
    label: str
    amount: Amount
    start: int
    end: int


def _read_items(text: str, start: int) -> list[_Item] | None:
    """The items from ``start`` to the end of the sentence, or None if anything there is not one."""
    items: list[_Item] = []
    position = start
    while True:
        item = _ITEM.match(text, position)
        if item is None:
            return None
        value = parse_decimal(item.group("num"))
        if value is None:
            return None
        unit = MoneyUnit.wan_yuan if item.group("unit") == "万元" else MoneyUnit.yuan
        items.append(_Item(item.group("label"), Amount(item.group("num"), value, unit), item.start(), item.end()))
        end = _END.match(text, item.end())
        if end is not None:
            return items
        separator = _SEPARATOR.match(text, item.end())
        if separator is None:
            return None
        position = separator.end()


def _names_a_keyword(label: str, whole_kind: str, keywords: re.Pattern[str]) -> bool:
    for match in keywords.finditer(label):
        kind = (match.lastgroup or "").rsplit("__", 1)[0]
        if not (whole_kind == "operating_costs" and kind in OPERATING_COSTS_ITEM_KINDS):
            return True
    return False


def listed_items(paragraph: Paragraph, figures: list[NarrativeFigure], keywords: re.Pattern[str]) -> tuple[list[NarrativeFigure], list[NarrativeFigure]]:
    """The items listed after 其中 behind the paragraph's figures, and the keyword figures they replace.

    ``figures`` are the keyword figures read from the paragraph; a 三公 name read as a figure inside
    a 机关运行经费 list is returned as replaced (it is one of the list's items).
    """
    items: list[NarrativeFigure] = []
    replaced: list[NarrativeFigure] = []
    searched_from = 0
    for whole in figures:
        if whole.amount is None or whole.kind in _KEYWORD_WHOLES:
            continue
        at = paragraph.text.find(whole.statement, searched_from)
        if at < 0:
            continue
        whole_end = at + len(whole.statement)
        searched_from = whole_end
        opening = _LIST_START.match(paragraph.text, whole_end)
        if opening is None:
            continue
        read = _read_items(paragraph.text, opening.end())
        if not read or len(read) < 2 or any(_names_a_keyword(i.label, whole.kind, keywords) for i in read):
            continue
        span = paragraph.text[opening.end() : read[-1].end]
        replaced.extend(f for f in figures if whole.kind == "operating_costs" and f.kind in OPERATING_COSTS_ITEM_KINDS and f.statement in span)
        items.extend(
            NarrativeFigure(
                kind="listed_item",
                amount=item.amount,
                statement=paragraph.text[item.start : item.end].strip(),
                lines=paragraph.lines(item.start, item.end),
                stage=whole.stage,
                label=item.label,
                item_of=whole.kind,
            )
            for item in read
        )
    return items, replaced
