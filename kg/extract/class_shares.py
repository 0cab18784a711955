"""Shares of single 类 in the prose: "一般公共服务支出(类)2106.66万元,占71.73%".

The explanation of a 部门决算 breaks its general-budget expenditure down by 类 with each
class's amount and share ("一般公共预算财政拨款支出2940.05万元,主要用于以下方面:…").
The keyword reader does not read these (a class is named, not a figure kind), yet they are
where the 财政局 决算 prints 71.73% for a class that is 71.65% of the total it names two
lines up (2106.66 / 2940.05). Each becomes a ``NarrativeFigure`` of the section's kind with
the class's code (looked up as for execution statements), its amount, and its printed share;
the shape finds the whole it is a share of as the nearest figure stated before it. They carry
no paragraph: narrative-restated would read five classes of one paragraph as one figure
stated five times.

A budget states the same structure (004 lines 508-512: "2. 社会保障和就业支出(类)2063.01 万元,占
98.08%" under 一般公共预算当年拨款结构情况). There the class is found by the name the tables
print for it, else by the classification's name, else by the one 类 name of the tables closest
to it (at least 75% alike: a name typed a little differently still names its class); the prose
keeps its own name, which the class-name shape compares with the tables'.
"""

from __future__ import annotations

import re

from collections.abc import Callable
from difflib import SequenceMatcher

from kg.classification import category_by_name, clean_name, strip_ordinal
from kg.extract.narrative import Paragraph, is_heading, prose_paragraphs
from kg.extract.numbers import parse_decimal
from kg.families import Stage
from kg.reading import SourceText
from kg.records import Amount, BudgetLine, ClassificationCode, CodeScheme, MoneyUnit, NarrativeFigure

_CJK = "\u4e00-\u9fff"
_NUMBER = r"\d[\d,]*(?:\s?\.\s?\d+)?"
# The class name starts after the list's punctuation: "…方面:一般公共服务支出(类)…;社会保障…(类)".
CLASS_SHARE = re.compile(rf"(?P<lei>[{_CJK}、]+?)\s*\(类\)\s*(?P<num>{_NUMBER})\s*万元\s*[,，]?\s*占\s*(?P<pct>{_NUMBER})\s*%")


# The fund a paragraph is about, from the heading above it (一般公共预算 unless named): the
# same words head a budget's and a 决算's sections.
_SECTION_KINDS = (
    ("政府性基金", "government_fund_expenditure"),
    ("国有资本经营", "state_capital_expenditure"),
)


def section_kind(heading: str) -> str:
    """The figure kind of the fund a section heading names."""
    return next((kind for word, kind in _SECTION_KINDS if word in heading), "general_budget_expenditure")


_SIMILAR = 0.75


def class_share_figures(paragraph: Paragraph, kind: str, resolve: Callable[[str], str | None], stage: str = Stage.final_accounts) -> list[NarrativeFigure]:
    """The class shares one paragraph states; ``resolve(lei)`` gives a 类 name's code or None."""
    figures: list[NarrativeFigure] = []
    for match in CLASS_SHARE.finditer(paragraph.text):
        value, share = parse_decimal(match.group("num")), parse_decimal(match.group("pct"))
        if value is None or share is None:
            continue
        lei = clean_name(re.sub(r"^\d+\s*、", "", match.group("lei")))
        notation = resolve(lei)
        figures.append(
            NarrativeFigure(
                kind=kind,
                amount=Amount(match.group("num").strip(), value, MoneyUnit.wan_yuan),
                statement=match.group().strip(),
                lines=paragraph.lines(match.start(), match.end()),
                share_percent=share,
                stage=stage,
                code=ClassificationCode(CodeScheme.functional, notation, lei) if notation else None,
            )
        )
    return figures


def _table_class_names(lines: list[BudgetLine]) -> dict[str, set[str]]:
    """The names the tables print for each functional 类 (without an ordinal such as 八、)."""
    names: dict[str, set[str]] = {}
    for line in lines:
        code = line.code
        if code is not None and code.scheme is CodeScheme.functional and len(code.notation) == 3 and code.name:
            names.setdefault(code.notation, set()).add(strip_ordinal(clean_name(code.name))[0])
    return names


def class_resolver(lines: list[BudgetLine]) -> Callable[[str], str | None]:
    """A 类 name's code: as the tables print it, as the classification names it, or the closest table name."""
    names = _table_class_names(lines)

    def resolve(lei: str) -> str | None:
        exact = sorted(notation for notation, printed in names.items() if lei in printed)
        if len(exact) == 1:
            return exact[0]
        official = category_by_name(lei)
        if official is not None:
            return official
        scored = sorted((max(SequenceMatcher(None, lei, name).ratio() for name in printed), notation) for notation, printed in names.items())
        if scored and scored[-1][0] >= _SIMILAR and (len(scored) == 1 or scored[-2][0] < scored[-1][0]):
            return scored[-1][1]
        return None

    return resolve


def section_class_shares(source: SourceText, table_lines: set[int], resolve: Callable[[str], str | None], stage: str) -> list[NarrativeFigure]:
    """The class shares the prose states, each of its section's fund (a budget's or a 决算's)."""
    figures: list[NarrativeFigure] = []
    kind = "general_budget_expenditure"
    for paragraph in prose_paragraphs(source, table_lines):
        if is_heading(paragraph.text):
            kind = section_kind(paragraph.text)
            continue
        figures.extend(class_share_figures(paragraph, kind, resolve, stage))
    return figures


def budget_class_shares(source: SourceText, table_lines: set[int], lines: list[BudgetLine], stage: str) -> list[NarrativeFigure]:
    """The class shares a budget's prose states, 类 named as its tables name them."""
    return section_class_shares(source, table_lines, class_resolver(lines), stage)
