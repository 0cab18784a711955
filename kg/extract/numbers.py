"""Reading printed figures: ``2,140.09``, ``4409 .55``, ``—``, blank.

A blank cell is not zero (a blank parent is unknown), so it reads as ``None``.
Nothing is rounded or corrected: the Decimal holds exactly what is printed.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from kg.records import Amount, MoneyUnit

NOT_APPLICABLE = {"—", "-", "--", "——", "/", "／", "－", "…", "x", "X", "×"}

# A figure as printed, allowing thousands separators and OCR spaces inside it.
_FIGURE = re.compile(r"^[-+]?(?:\d[\d, ]*)?\d(?:\s*\.\s*[\d ]*)?$|^[-+]?\.\d+$")


def parse_decimal(text: str) -> Decimal | None:
    """The number a cell prints, or None when the cell holds no number."""
    cleaned = text.strip().replace("**", "")
    if not cleaned or cleaned in NOT_APPLICABLE:
        return None
    if not _FIGURE.match(cleaned):
        return None
    compact = cleaned.replace(",", "").replace(" ", "")
    try:
        return Decimal(compact)
    except InvalidOperation:
        return None


# Printed like a number but not one (1e308, 1,2,3.4.5): a figure that cannot be read, to be reported.
_NUMBER_LIKE = re.compile(r"^[-+]?\d[\d,. eE+\-]*$")


def looks_like_number(text: str) -> bool:
    return bool(_NUMBER_LIKE.match(text.strip()))


def is_figure(text: str) -> bool:
    return parse_decimal(text) is not None


def parse_amount(text: str, unit: MoneyUnit | None) -> Amount | None:
    """The amount a cell prints; ``unit`` None for a column that is not money (数量)."""
    value = parse_decimal(text)
    if value is None:
        return None
    return Amount(printed=text.strip(), value=value, unit=unit)


def money_unit_of(text: str) -> MoneyUnit | None:
    """The money unit a line such as ``单位：万元`` or ``金额单位: 元`` declares."""
    match = re.search(r"单位\s*[:：]?\s*(万元|元)", text)
    if not match:
        return None
    return MoneyUnit.wan_yuan if match.group(1) == "万元" else MoneyUnit.yuan
