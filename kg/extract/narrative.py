"""Figures stated in the explanatory prose of a disclosure.

The 情况说明 part restates the budget in sentences: totals, sources, the
基本/项目 split, 机关运行经费, the "三公" amounts, vehicle counts, procurement
and assets, often with the change on last year (比上年增加/减少 …, 同比下降 …%).
The validator compares these with the tables (domain.md §7.5), so each figure
keeps its printed unit (a ``1868.8 元`` typo stays in 元), its statement and the
source lines it spans.

PDF extraction cuts sentences (and numbers, and ``万元``) at line ends and puts
blank lines between them, so prose lines are first joined into paragraphs; a
match is mapped back to the lines its characters came from. Matching is by
keyword: each kind has a keyword pattern; the figure is the first number after
its keyword in the same clause, unless another keyword comes first (the nearest
keyword owns a number). Mentions of last year's figure (比2023年…, 上年…) are
comparisons, not figures of their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from decimal import Decimal

from kg.extract.document import extract_document_info
from kg.extract.listed_items import OPERATING_COSTS_ITEM_KINDS, listed_items
from kg.families import Family
from kg.families.budget import BOTH_TOTALS as _BOTH_TOTALS
from kg.families.budget import BUDGET
from kg.extract.numbers import parse_decimal
from kg.reading import SourceText
from kg.records import Amount, Lines, MoneyUnit, NarrativeFigure, ParseWarning

FIGURE_KINDS: dict[str, str] = {
    "revenue_total": "收入合计",
    "expenditure_total": "支出合计",
    "general_budget_revenue": "一般公共预算收入",
    "government_fund_revenue": "政府性基金预算收入",
    "special_account_revenue": "财政专户管理资金收入",
    "other_revenue": "其他收入",
    "carryover": "上年结转结余",
    "basic_expenditure": "基本支出",
    "personnel_expenditure": "人员经费",
    "public_expenditure": "公用经费",
    "project_expenditure": "项目支出",
    "operating_costs": "机关运行经费",
    "three_public_total": "“三公”经费",
    "outbound_travel": "因公出国(境)费",
    "vehicle_total": "公务用车购置及运行维护费",
    "vehicle_purchase": "公务用车购置费",
    "vehicle_operation": "公务用车运行维护费",
    "reception": "公务接待费",
    "vehicles_held": "公务用车保有量",
    "vehicles_purchased": "购置公务用车数",
    "procurement_total": "政府采购预算",
    "general_budget_expenditure": "一般公共预算财政拨款支出",
    "government_fund_expenditure": "政府性基金预算财政拨款支出",
    "state_capital_expenditure": "国有资本经营预算财政拨款支出",
    "appropriation_total": "财政拨款收入支出总计",
    "fiscal_revenue": "财政拨款收入",
    "procurement_goods": "政府采购货物预算",
    "procurement_works": "政府采购工程预算",
    "procurement_services": "政府采购服务预算",
    "assets_buildings": "房屋",
    "assets_vehicles": "车辆",
    "assets_total": "固定资产",
    "listed_item": "其中所列分项",  # kg.extract.listed_items: read by its 其中 list, not by a keyword
}

# Kinds whose value is a count (辆, 平方米), not money.
_COUNT_KINDS = {"vehicles_held", "vehicles_purchased", "assets_buildings", "assets_vehicles"}
# Asset stocks are stated "as at the end of last year" (上年末, 2022年末):
# that is the figure itself, not a comparison with last year.
_STOCK_KINDS = {"assets_buildings", "assets_vehicles", "assets_total"}
_CJK = "\u4e00-\u9fff"


@lru_cache(maxsize=8)
def _keyword_pattern(keywords: tuple[tuple[str, str], ...]) -> re.Pattern[str]:
    """One alternation of a family's narrative keywords, each a group named by its kind and position.

    A family may word one kind several ways (a 决算's 政府采购金额 beside a budget's
    政府采购预算), so a group name carries its position too.
    """
    return re.compile("|".join(f"(?P<{kind}__{index}>{pattern})" for index, (kind, pattern) in enumerate(keywords)))


_NUMBER = r"\d[\d,]*(?:\s?\.\s?\d+)?"
_MONEY_UNIT = r"万元|元(?!/)"
_COUNT_UNIT = r"辆|平方米|台\(套\)"
# The words between a keyword and its figure: no clause break, no other number.
_VALUE = re.compile(rf"(?P<gap>[^,。;:!?、\d%]{{0,16}}?)(?P<num>{_NUMBER})\s*(?P<unit>{_MONEY_UNIT}|{_COUNT_UNIT})")
_UP = "增加|增长|上涨|上升|提高"
_DOWN = "减少|下降|降低"
_DOWN_VERB = re.compile(_DOWN)
_CHANGE_VERB = re.compile(rf"(?:{_UP}|{_DOWN})了?\s*$")
_CHANGE_AMOUNT = re.compile(rf"(?P<verb>{_UP}|{_DOWN})了?\s*(?P<num>{_NUMBER})\s*(?P<unit>{_MONEY_UNIT})")
_CHANGE_PERCENT = re.compile(rf"(?P<verb>{_UP}|{_DOWN})(?:率|了|或增长|或下降)?\s*(?P<num>{_NUMBER})\s*%")
_FLAT = re.compile(r"持平")
# "341.25 万元, 占 15.95%": the figure's share of the whole it is part of.
_SHARE = re.compile(rf"占(?:比)?\s*(?P<num>{_NUMBER})\s*%")
# "比上年 31.18 万元减少了 20.45 万元", "比 2023 年 50.8 万元增加": the comparison names last year's
# figure, which lets a shape check the stated change against both years.
_PRIOR_AMOUNT = re.compile(rf"(?:比|较|同比)\s*(?:上年|去年|\d{{4}}\s*年)(?:年初)?(?:预算)?数?\s*(?P<num>{_NUMBER})\s*(?P<unit>{_MONEY_UNIT})")
_ASSET_VALUE = re.compile(rf"价值\s*(?P<num>{_NUMBER})\s*(?P<unit>{_MONEY_UNIT})")
# A comparison with last year: the figure after it is last year's.
_PRIOR = re.compile(r"比|较|去年|上年(?!末)")
_YEAR_IN = re.compile(r"(\d{4})\s*年(?!末|底)")
# After these the sentence explains (原因, 主要用于 …): figures there are not the statement's.
_EXPLANATION = re.compile(r"原因|主要用于|主要为|主要包括")
_CLAUSE_BREAK = re.compile(r"[,:]")
_SENTENCE = re.compile(r"[^。;!?]+[。;!?]?")
# A figure, or a money unit with its number redacted or missing ("支出**万元" -> "支出万元").
_STATED_FIGURE = re.compile(rf"{_NUMBER}\s*(?:{_MONEY_UNIT}|{_COUNT_UNIT}|%)|(?<=[{_CJK}])万元")

# Line clean-up: markdown bold and redaction marks, HTML fragments, list bullets.
_HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_BULLET = re.compile(r"^\s*[-*+]\s+")
# A line that starts a new item: 一、 (一) 1、 1. ① 第一部分 表1.
_ITEM_START = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.]|\(\s*[一二三四五六七八九十\d]+\s*\)|\d{1,2}[、.](?!\d)"
    r"|[①-⑳]|第[一二三四五六七八九十]+部分|表\d+)"
)
_SENTENCE_END = re.compile(r"[。;!?:]\s*$")
# A line that stops at a semicolon has more of its enumeration to come: 000:45 "支出预算为 4054.45 万元，其中
# 基本支出 1167.53 万元 …；" and 000:47 "项目支出 2886.92 万元 …" are one statement of the total and its parts.
_ENUMERATION_GOES_ON = re.compile(r";\s*$")
# A "label: value" line of a project description (资金来源:一般公共预算拨款).
_FIELD_START = re.compile(rf"^[{_CJK}()]{{2,12}}\s*:")
_SENTENCE_PUNCTUATION = re.compile(r"[,。;]")
_HEADING_END = re.compile(r"(?:情况|说明|原因|解释|事项|信息|目标|概况|职能|职责|设置|表|目录|公开)\s*$")


def clean_prose(line: str) -> str:
    """A prose line without markup: bold and redaction marks, HTML tags, bullets."""
    text = _HTML_TAG.sub("", line).replace("**", "")
    return _BULLET.sub("", text).strip()


def is_heading(text: str) -> bool:
    """A short title line such as ``1、收入说明`` or ``(三)着力推进项目建设``."""
    if len(text) > 50 or _SENTENCE_PUNCTUATION.search(text):
        return False
    return bool(_HEADING_END.search(text)) or (bool(_ITEM_START.match(text)) and len(text) <= 16)


@dataclass(frozen=True)
class Paragraph:
    """Prose lines joined into one text; ``starts[i]`` is where line ``numbers[i]`` begins."""

    text: str
    starts: tuple[int, ...]
    numbers: tuple[int, ...]

    def line_at(self, offset: int) -> int:
        index = 0
        for i, start in enumerate(self.starts):
            if start > offset:
                break
            index = i
        return self.numbers[index]

    def lines(self, start: int, end: int) -> Lines:
        return Lines(self.line_at(start), self.line_at(max(start, end - 1)))


def _continues(previous: str, following: str) -> bool:
    """Whether ``following`` carries on the sentence (or, after a semicolon, the enumeration) ``previous`` was cut from."""
    if is_heading(previous) or (_SENTENCE_END.search(previous) and not _ENUMERATION_GOES_ON.search(previous)):
        return False
    return not (_ITEM_START.match(following) or _FIELD_START.match(following))


def prose_paragraphs(source: SourceText, table_lines: set[int]) -> list[Paragraph]:
    """Join the prose lines (outside tables) of each paragraph; blank lines do not end one."""
    paragraphs: list[Paragraph] = []
    parts: list[str] = []
    starts: list[int] = []
    numbers: list[int] = []

    def flush() -> None:
        if parts:
            paragraphs.append(Paragraph("".join(parts), tuple(starts), tuple(numbers)))
        parts.clear()
        starts.clear()
        numbers.clear()

    length = 0
    for number, raw in enumerate(source.lines, start=1):
        if number in table_lines:
            flush()
            continue
        text = clean_prose(raw)
        if not text:
            continue
        if not parts or not _continues(parts[-1], text):
            flush()
            length = 0
        starts.append(length)
        numbers.append(number)
        parts.append(text)
        length += len(text)
    flush()
    return paragraphs


@dataclass(frozen=True)
class _Keyword:
    kinds: tuple[str, ...]
    start: int
    end: int


def _kinds_of(match: re.Match[str]) -> tuple[str, ...]:
    kind = (match.lastgroup or "").rsplit("__", 1)[0]
    return ("revenue_total", "expenditure_total") if kind == _BOTH_TOTALS else (kind,)


def _is_prior_mention(sentence: str, match: re.Match[str], kind: str, fiscal_year: int | None) -> bool:
    """Whether the keyword names last year's figure (比2023年基本支出…, 2023年预算收入合计…)."""
    if kind in _STOCK_KINDS:
        return False
    clause_start = max((m.end() for m in _CLAUSE_BREAK.finditer(sentence, 0, match.start())), default=0)
    prefix = sentence[clause_start : match.start()]
    if _PRIOR.search(prefix):
        return True
    if fiscal_year is None:
        return False
    years = [int(y) for y in _YEAR_IN.findall(prefix + match.group())]
    return bool(years) and years[-1] < fiscal_year


def _keywords(sentence: str, fiscal_year: int | None, keywords: re.Pattern[str]) -> list[_Keyword]:
    """The keywords that state a figure of this year, before any explanation."""
    explanation = _EXPLANATION.search(sentence)
    limit = explanation.start() if explanation else len(sentence)
    found: list[_Keyword] = []
    for match in keywords.finditer(sentence, 0, limit):
        kinds = _kinds_of(match)
        if _is_prior_mention(sentence, match, kinds[0], fiscal_year):
            continue
        if found and found[0].kinds[0] == "operating_costs" and kinds[0] in OPERATING_COSTS_ITEM_KINDS:  # its components, not the 三公 figures
            continue
        found.append(_Keyword(kinds, match.start(), match.end()))
    return found


def _money_unit(text: str) -> MoneyUnit:
    return MoneyUnit.wan_yuan if text == "万元" else MoneyUnit.yuan


def _signed(verb: str, number: str) -> Decimal | None:
    value = parse_decimal(number)
    if value is None:
        return None
    return -value if _DOWN_VERB.fullmatch(verb) and value != 0 else value


def _change_amount(verb: str, number: str, unit: str) -> Amount | None:
    value = _signed(verb, number)
    if value is None:
        return None
    return Amount(printed=f"{verb}{number}", value=value, unit=_money_unit(unit))


@dataclass
class _Reading:
    """What was read for one keyword, and how far into the sentence it reached."""

    amount: Amount | None = None
    change: Amount | None = None
    change_percent: Decimal | None = None
    share_percent: Decimal | None = None
    prior_amount: Amount | None = None
    count: Decimal | None = None
    count_unit: str | None = None
    end: int = 0

    @property
    def found(self) -> bool:
        return self.amount is not None or self.change is not None or self.count is not None


def _read(sentence: str, keyword: _Keyword, region_end: int) -> _Reading:
    reading = _Reading(end=keyword.end)
    value = _VALUE.match(sentence, keyword.end, region_end)
    if value is None:
        return reading
    counted = keyword.kinds[0] in _COUNT_KINDS
    is_count_unit = value.group("unit") not in ("万元", "元")
    if counted != is_count_unit:
        return reading
    number, unit = value.group("num"), value.group("unit")
    verb = _CHANGE_VERB.search(value.group("gap"))
    if verb:
        # "基本支出增加 188.92 万元": the sentence states only the change.
        reading.change = _change_amount(verb.group().rstrip("了 "), number, unit)
    elif counted:
        reading.count, reading.count_unit = parse_decimal(number), unit
    else:
        parsed = parse_decimal(number)
        if parsed is not None:
            reading.amount = Amount(printed=number.strip(), value=parsed, unit=_money_unit(unit))
    reading.end = value.end()
    _read_modifiers(sentence, reading, region_end, counted)
    return reading


def _read_modifiers(sentence: str, reading: _Reading, region_end: int, counted: bool) -> None:
    """The change on last year and, for assets, the value that follow the figure."""
    start = reading.end
    if counted:
        value = _ASSET_VALUE.search(sentence, start, region_end)
        if value:
            parsed = parse_decimal(value.group("num"))
            if parsed is not None:
                reading.amount = Amount(value.group("num").strip(), parsed, _money_unit(value.group("unit")))
                reading.end = max(reading.end, value.end())
        return
    prior = _PRIOR_AMOUNT.search(sentence, start, region_end)
    if prior:
        parsed = parse_decimal(prior.group("num"))
        if parsed is not None:
            # The end is left alone: last year's figure is context, not part of the statement.
            reading.prior_amount = Amount(prior.group("num").strip(), parsed, _money_unit(prior.group("unit")))
    share = _SHARE.search(sentence, start, region_end)
    if share:
        reading.share_percent = parse_decimal(share.group("num"))
        reading.end = max(reading.end, share.end())
    if reading.change is None:
        change = _CHANGE_AMOUNT.search(sentence, start, region_end)
        if change:
            reading.change = _change_amount(change.group("verb"), change.group("num"), change.group("unit"))
            reading.end = max(reading.end, change.end())
    percent = _CHANGE_PERCENT.search(sentence, start, region_end)
    if percent:
        reading.change_percent = _signed(percent.group("verb"), percent.group("num"))
        reading.end = max(reading.end, percent.end())
    if reading.change is None and reading.change_percent is None:
        flat = _FLAT.search(sentence, start, region_end)
        if flat and reading.amount is not None:
            # "与上年持平": unchanged on last year.
            reading.change = Amount("持平", Decimal(0), reading.amount.unit)
            reading.change_percent = Decimal(0)
            reading.end = max(reading.end, flat.end())


def _clause_start(sentence: str, position: int) -> int:
    return max((m.end() for m in _CLAUSE_BREAK.finditer(sentence, 0, position)), default=0)


def _sentence_figures(
    paragraph: Paragraph,
    offset: int,
    sentence: str,
    fiscal_year: int | None,
    pattern: re.Pattern[str],
    skip: re.Pattern[str] | None = None,
) -> tuple[list[NarrativeFigure], list[ParseWarning]]:
    keywords = _keywords(sentence, fiscal_year, pattern)
    if not keywords or (skip is not None and skip.search(sentence)):
        return [], []
    explanation = _EXPLANATION.search(sentence)
    limit = explanation.start() if explanation else len(sentence)
    figures: list[NarrativeFigure] = []
    unread: list[_Keyword] = []  # keywords followed by a figure that could not be read
    previous_end = 0
    for index, keyword in enumerate(keywords):
        region_end = max(keywords[index + 1].start if index + 1 < len(keywords) else limit, keyword.end)
        reading = _read(sentence, keyword, region_end)
        if not reading.found:
            if _STATED_FIGURE.search(sentence, keyword.end, region_end):
                unread.append(keyword)
            continue
        # The clause, without the figure stated before it in the same clause.
        start = max(_clause_start(sentence, keyword.start), previous_end)
        previous_end = reading.end
        clause = sentence[start : reading.end]
        # "…人员经费 1041.73 万元和日常公用经费 125.8 万元": the statement starts after the 和.
        statement = clause.strip().lstrip("和及、").strip()
        lines = paragraph.lines(offset + start + len(clause) - len(clause.lstrip()), offset + reading.end)
        for kind in keyword.kinds:
            figures.append(
                NarrativeFigure(
                    kind=kind,
                    amount=reading.amount,
                    statement=statement,
                    lines=lines,
                    change=reading.change,
                    change_percent=reading.change_percent,
                    share_percent=reading.share_percent,
                    prior_amount=reading.prior_amount,
                    count=reading.count,
                    count_unit=reading.count_unit,
                )
            )
    warnings: list[ParseWarning] = []
    if not figures and unread:
        labels = "、".join(dict.fromkeys(FIGURE_KINDS[k.kinds[0]] for k in unread))
        warnings.append(
            ParseWarning(
                paragraph.lines(offset, offset + len(sentence)),
                f"prose names {labels} next to figures, but no figure could be read: {sentence.strip()[:80]}",
            )
        )
    return figures, warnings


def extract_narrative(source: SourceText, table_lines: set[int], fiscal_year: int | None = None, family: Family = BUDGET) -> tuple[list[NarrativeFigure], list[ParseWarning]]:
    """The figures the prose states, and warnings for figure sentences that could not be read.

    The fiscal year tells this year's figures from last year's (2023年预算收入合计…);
    it is read from the document when the caller does not already know it.
    """
    if fiscal_year is None:
        fiscal_year = extract_document_info(source, family).fiscal_year
    pattern = _keyword_pattern(family.narrative_keywords)
    figures: list[NarrativeFigure] = []
    warnings: list[ParseWarning] = []
    for number, paragraph in enumerate(prose_paragraphs(source, table_lines), start=1):
        found: list[NarrativeFigure] = []
        for match in _SENTENCE.finditer(paragraph.text):
            read, warned = _sentence_figures(paragraph, match.start(), match.group(), fiscal_year, pattern, family.execution_statements)
            found.extend(read)
            warnings.extend(warned)
        items, replaced = listed_items(paragraph, found, pattern)
        # The paragraph lets a shape find one figure stated twice with different values.
        figures.extend(replace(figure, paragraph=number) for figure in found + items if figure not in replaced)
    return figures, warnings
