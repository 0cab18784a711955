"""Shares of single 类 in a 决算's structure paragraph: "一般公共服务支出(类)2106.66万元,占71.73%".

The explanation of a 部门决算 breaks its general-budget expenditure down by 类 with each
class's amount and share ("一般公共预算财政拨款支出2940.05万元,主要用于以下方面:…").
The keyword reader does not read these (a class is named, not a figure kind), yet they are
where the 财政局 决算 prints 71.73% for a class that is 71.65% of the total it names two
lines up (2106.66 / 2940.05). Each becomes a ``NarrativeFigure`` of the section's kind with
the class's code (looked up as for execution statements), its amount, and its printed share;
the shape finds the whole it is a share of as the nearest figure stated before it. They carry
no paragraph: narrative-restated would read five classes of one paragraph as one figure
stated five times.
"""

from __future__ import annotations

import re

from kg.classification import clean_name
from kg.extract.narrative import Paragraph
from kg.extract.numbers import parse_decimal
from kg.families import Stage
from kg.records import Amount, ClassificationCode, CodeScheme, MoneyUnit, NarrativeFigure

_CJK = "\u4e00-\u9fff"
_NUMBER = r"\d[\d,]*(?:\s?\.\s?\d+)?"
# The class name starts after the list's punctuation: "…方面:一般公共服务支出(类)…;社会保障…(类)".
CLASS_SHARE = re.compile(
    rf"(?P<lei>[{_CJK}、]+?)\s*\(类\)\s*(?P<num>{_NUMBER})\s*万元\s*[,，]?\s*占\s*(?P<pct>{_NUMBER})\s*%"
)


def class_share_figures(paragraph: Paragraph, kind: str, resolve) -> list[NarrativeFigure]:
    """The class shares one paragraph states; ``resolve(lei)`` gives a 类 name's code or None."""
    figures: list[NarrativeFigure] = []
    for match in CLASS_SHARE.finditer(paragraph.text):
        value, share = parse_decimal(match.group("num")), parse_decimal(match.group("pct"))
        if value is None or share is None:
            continue
        lei = clean_name(re.sub(r"^\d+\s*、", "", match.group("lei")))
        notation = resolve(lei)
        figures.append(NarrativeFigure(
            kind=kind,
            amount=Amount(match.group("num").strip(), value, MoneyUnit.wan_yuan),
            statement=match.group().strip(),
            lines=paragraph.lines(match.start(), match.end()),
            share_percent=share,
            stage=Stage.final_accounts,
            code=ClassificationCode(CodeScheme.functional, notation, lei) if notation else None,
        ))
    return figures
