"""What a disclosure is about: title, issuing unit, fiscal year, scope, region, approval.

Read from the text only, by rules that hold for the family of documents
(domain.md §1, §6), never for one file: the title line (``X 2023 年部门预算信息
公开``, possibly preceded by region and unit lines, possibly only the
``…情况说明`` heading of the explanatory part), the unit lines repeated above
every table (``编制部门:X``, ``817001 X``, which PDF extraction may cut over two
lines), the ``预算年度`` lines, and the approval sentence of 其他事项
(``批复文件为承高财发〔2023〕5号,批复时间为2023年2月20日``).
"""

from __future__ import annotations

import re
from collections import Counter

from kg.reading import SourceText
from kg.records import DocumentInfo, Lines

_CJK = "\u4e00-\u9fff"
# "X 2023 年部门预算信息公开" with nothing after it, or the heading "…公开情况说明".
_TITLE = re.compile(
    rf"^(?P<unit>[{_CJK}()]*?)\s*(?P<year>\d{{4}})\s*年\s*度?\s*(?P<scope>部门|单位)预算(?:信息)?公开"
    r"(?P<suffix>情况说明)?\s*$"
)
_UNIT_FIELD = re.compile(
    rf"(?:编制部门|编制单位|单位名称|部门名称|预算单位)(?:\(盖章\))?\s*:\s*(?P<name>[{_CJK}()]+)"
)
# An organisation name ends in one of these (the unit-code lines also carry 208 某某支出 rows).
_ORG_SUFFIX = re.compile(
    r"(?:政府|本级|局|委员会|委|办公室|办事处|中心|院|所|站|队|厅|部|会|学校|医院|馆|处|社|公司|镇|乡|街道)$"
)
_CODE_LINE = re.compile(rf"^(?P<code>\d{{3,6}})\s+(?P<name>[{_CJK}()]{{3,}})$")
_NAME_TAIL = re.compile(rf"^[{_CJK}()]{{1,12}}$")
_BUDGET_YEAR = re.compile(r"预算年\s*度\s*:?\s*(\d{4})")
_APPROVAL_NUMBER = re.compile(rf"[{_CJK}]{{2,10}}\s*[〔\[(【]\s*\d{{4}}\s*[〕\])】]\s*\d+\s*号")
_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
# Administrative divisions at the start of a unit name: 省/自治区, 市/自治州, 县/区/旗.
_REGION = re.compile(
    rf"^(?P<province>[{_CJK}]{{2,9}}?(?:省|自治区))?"
    rf"(?P<city>[{_CJK}]{{2,9}}?(?:自治州|市|地区|盟))?"
    rf"(?P<county>[{_CJK}]{{2,6}}?(?:县|区|旗))?"
)
# The province whose disclosure rules a document cites (《河北省省级预算公开办法》).
_RULES_PROVINCE = re.compile(rf"《(?P<province>[{_CJK}]{{2,8}}?(?:省|自治区))[{_CJK}]*?预算公开")
# A line above the title year line that may carry the region and unit name.
_NAME_LINE = re.compile(rf"[{_CJK}()]{{2,40}}")
_LEAD_IN = re.compile(r"文件|为|是|:")
_YEAR_SPLIT = re.compile(r"\s*\d{4}\s*年")
_SPACE = re.compile(r"\s+")


def _plain(line: str) -> str:
    return line.replace("**", "").strip()


def _is_table_row(line: str) -> bool:
    return line.lstrip().startswith("|") or "\t" in line


def _find_title(lines: tuple[str, ...]) -> tuple[str, Lines, int, str] | None:
    """(title, lines, year, scope word) of the first title line; a …情况说明 heading is the fallback."""
    fallback: tuple[str, Lines, int, str] | None = None
    for index, raw in enumerate(lines):
        if _is_table_row(raw):
            continue
        match = _TITLE.match(_plain(raw))
        if not match:
            continue
        number = index + 1
        text = _plain(raw)
        if match.group("suffix"):
            if fallback is None:
                fallback = (text[: match.start("suffix")].rstrip(), Lines(number, number),
                            int(match.group("year")), match.group("scope"))
            continue
        first = number
        if not match.group("unit"):
            # The unit (and region) may be printed on the lines above the year line.
            above: list[str] = []
            previous = index - 1
            while previous >= 0 and len(above) < 3:
                candidate = _plain(lines[previous])
                if candidate:
                    if not _NAME_LINE.fullmatch(candidate):
                        break
                    above.insert(0, candidate)
                    first = previous + 1
                previous -= 1
            text = "".join(above) + (" " if above else "") + text
        return text, Lines(first, number), int(match.group("year")), match.group("scope")
    return fallback


def _unit_names(lines: tuple[str, ...]) -> tuple[Counter[str], dict[str, str]]:
    """How often each unit name is printed (code lines, 编制部门 fields) and its code."""
    names: Counter[str] = Counter()
    codes: dict[str, str] = {}
    nonblank = [(i, _plain(line)) for i, line in enumerate(lines) if _plain(line)]
    for position, (_, text) in enumerate(nonblank):
        field = _UNIT_FIELD.search(text)
        if field:
            names[field.group("name")] += 1
            continue
        match = _CODE_LINE.match(text)
        if not match:
            continue
        name = match.group("name")
        if not _ORG_SUFFIX.search(name) and position + 1 < len(nonblank):
            # A name cut at the line end: "118 承德市公安局高新技术产业开" + "发区分局".
            tail = nonblank[position + 1][1]
            if _NAME_TAIL.match(tail) and _ORG_SUFFIX.search(name + tail):
                name += tail
        if _ORG_SUFFIX.search(name):
            names[name] += 1
            codes.setdefault(name, match.group("code"))
    return names, codes


def _fiscal_year(lines: tuple[str, ...]) -> int | None:
    """The year of the 预算年度 lines, which PDF extraction may cut (预算年 / 度: / 2024)."""
    years: Counter[int] = Counter()
    for index, line in enumerate(lines):
        if "预算年" not in line:
            continue
        window = "".join(_plain(l) for l in lines[index : index + 6])
        match = _BUDGET_YEAR.search(window)
        if match:
            years[int(match.group(1))] += 1
    return years.most_common(1)[0][0] if years else None


def _scope(title_scope: str | None, lines: tuple[str, ...]) -> str:
    if title_scope is None:
        text = "\n".join(lines)
        title_scope = "单位" if text.count("单位预算") > text.count("部门预算") else "部门"
    return "unit" if title_scope == "单位" else "department"


def _region(names: list[str], lines: tuple[str, ...]) -> str | None:
    """Province, city and county as far as the unit's names spell them out."""
    best: dict[str, str] = {}
    for name in names:
        match = _REGION.match(name.replace(" ", ""))
        if not match:
            continue
        parts = {k: v for k, v in match.groupdict().items() if v}
        if len(parts) > len(best):
            best = parts
    if "province" not in best:
        for line in lines:
            rules = _RULES_PROVINCE.search(line)
            if rules:
                best["province"] = rules.group("province")
                break
    region = "".join(best.get(level, "") for level in ("province", "city", "county"))
    return region or None


def _approval(lines: tuple[str, ...]) -> tuple[str | None, str | None]:
    """The 批复 document number and its date, where the document states them."""
    for index, line in enumerate(lines):
        if "批复" not in line:
            continue
        number = _APPROVAL_NUMBER.search(line)
        if not number:
            continue
        date = _DATE.search(line, number.end()) or _DATE.search(" ".join(lines[index + 1 : index + 3]))
        iso = None
        if date:
            year, month, day = (int(g) for g in date.groups())
            iso = f"{year:04d}-{month:02d}-{day:02d}"
        # The pattern may take in the words before the issuer's abbreviation (批复文件为承高财发…).
        document = _LEAD_IN.split(_SPACE.sub("", number.group()))[-1]
        return document, iso
    return None, None


def extract_document_info(source: SourceText) -> DocumentInfo:
    lines = source.lines
    title = _find_title(lines)
    names, codes = _unit_names(lines)
    title_unit = None
    if title:
        head = _YEAR_SPLIT.split(title[0], maxsplit=1)[0]
        title_unit = _SPACE.sub("", head) or None
    issuing_unit = names.most_common(1)[0][0] if names else (title_unit or "")
    fiscal_year = title[2] if title else _fiscal_year(lines)
    scope = _scope(title[3] if title else None, lines)
    if title:
        title_text, title_lines = title[0], title[1]
    else:
        scope_word = "单位" if scope == "unit" else "部门"
        year_text = f" {fiscal_year}年" if fiscal_year else ""
        title_text, title_lines = f"{issuing_unit}{year_text}{scope_word}预算", None
    region_sources = [n for n in (title_unit, *names) if n]
    approval_document, approval_date = _approval(lines)
    return DocumentInfo(
        title=title_text,
        issuing_unit=issuing_unit,
        fiscal_year=fiscal_year,
        scope=scope,
        region=_region(region_sources, lines),
        unit_code=codes.get(issuing_unit),
        approval_document=approval_document,
        approval_date=approval_date,
        title_lines=title_lines,
    )
