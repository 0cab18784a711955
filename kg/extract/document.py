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
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import PurePath

from kg.families import Family
from kg.families.budget import BUDGET
from kg.reading import SourceText
from kg.records import DocumentInfo, Lines, ParseWarning

_CJK = "\u4e00-\u9fff"
# A title names a year and a budget, with or without 区级/县级, 部门/单位, 财务, 信息,
# 公开: "X 2023 年部门预算信息公开", "某区2024年区级部门预算", "2024年某局部门预算",
# "X2024年度单位财务预算". The heading "…公开情况说明" of the explanatory part is
# the fallback. The year is read as a whole run of digits so that a malformed one
# (twenty digits, 0999) is refused rather than cut down to four plausible digits.


@lru_cache(maxsize=8)
def _title_pattern(word: str) -> re.Pattern[str]:
    """The document title of a family whose titles end in ``word`` (预算, 决算)."""
    return re.compile(
        rf"^(?P<unit>[{_CJK}()]*?)\s*(?P<year>\d+)\s*年\s*度?\s*(?P<unit_after>[{_CJK}()]*?)\s*"
        rf"(?:[省市区县旗乡镇本]级)?\s*(?P<scope>部门|单位)?\s*(?:财务)?\s*{word}\s*(?:信息)?\s*(?:公开)?"
        r"\s*(?P<suffix>(?:情况)?说明)?\s*$"
    )


_UNIT_FIELD = re.compile(rf"(?:编制部门|编制单位|单位名称|部门名称|预算单位)(?:\(盖章\))?\s*:\s*(?P<name>[{_CJK}()]+)")
# An organisation name ends in one of these (the unit-code lines also carry 208 某某支出 rows).
_ORG_SUFFIX = re.compile(r"(?:政府|本级|局|委员会|委|办公室|办事处|中心|院|所|站|队|厅|部|会|学校|医院|馆|处|社|公司|镇|乡|街道)$")
_CODE_LINE = re.compile(rf"^(?P<code>\d{{3,6}})\s+(?P<name>[{_CJK}()]{{3,}})$")
_NAME_TAIL = re.compile(rf"^[{_CJK}()]{{1,12}}$")
_BUDGET_YEAR = re.compile(r"预算年\s*度\s*:?\s*(\d+)")
# A table title or contents entry that names the year: "2024年部门收支总表", "表1 2024年…预算表".
_YEAR_HEADING = re.compile(r"(?<!\d)(\d+)\s*年\s*度?[^,，。;；:]{0,40}?(?:预算|决算|收支|总表|支出表|收入表|情况表)")
_HEADING_SENTENCE = re.compile(r"[,，。;；]")
# A year in a file name stands between separators or before 年: "某局2024年度部门预算.pdf", "budget_2024.txt".
_FILE_YEAR = re.compile(r"(?:^|[^0-9A-Za-z])(\d+)\s*(?=年|[^0-9A-Za-z]|$)")
# Fiscal years a disclosure can have: budget disclosure began in the 2000s; anything
# outside this range is a misprint or an extraction error, never silently corrected.
_PLAUSIBLE_YEARS = range(1950, 2101)
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
_YEAR_SPLIT = re.compile(r"\s*\d+\s*年")
_SPACE = re.compile(r"\s+")


def _plain(line: str) -> str:
    return line.replace("**", "").strip()


def _is_table_row(line: str) -> bool:
    return line.lstrip().startswith("|") or "\t" in line


@dataclass(frozen=True)
class _Title:
    text: str
    lines: Lines
    year: str  # the digits as printed; checked by _year_of
    scope: str | None  # 部门 / 单位 where the title says
    unit: str | None  # the unit or region the title names


def _title_match(text: str, family: Family) -> re.Match[str] | None:
    match = _title_pattern(family.document_word).match(text)
    if match is None:
        return None
    after = match.group("unit_after")
    # "2024年某局部门预算": a name after the year must be an organisation, not table words.
    if after and not _ORG_SUFFIX.search(after):
        return None
    return match


def _cover_lines(lines: tuple[str, ...], index: int, window: int) -> Iterator[tuple[str, int]]:
    """Line ``index`` joined with up to ``window - 1`` short name lines after it, and the last line used.

    A cover may print one title over several lines ("中共上海市普陀区委" /
    "社会工作部 2024 年度" / "部门决算"); the longest join that reads as a title wins.
    """
    for size in range(window, 1, -1):
        part = lines[index : index + size]
        texts = [_plain(line).lstrip("#").strip() for line in part]
        if len(part) == size and all(t and len(t) <= 24 and not _is_table_row(l) for t, l in zip(texts, part)):
            yield "".join(texts), index + size - 1
    yield _plain(lines[index]).lstrip("#").strip(), index


def _find_title(lines: tuple[str, ...], family: Family) -> _Title | None:
    """The first title line; a …情况说明 heading is the fallback."""
    fallback: _Title | None = None
    for start, raw in enumerate(lines):
        if _is_table_row(raw):
            continue
        for text, index in _cover_lines(lines, start, family.title_window):  # noqa: B007 (index is read after the loop)
            match = _title_match(text, family)
            if match:
                break
        if not match:
            continue
        number = index + 1
        unit = _SPACE.sub("", match.group("unit") or match.group("unit_after") or "") or None
        if match.group("suffix"):
            if fallback is None:
                head = text[: match.start("suffix")].rstrip()
                fallback = _Title(head, Lines(start + 1, number), match.group("year"), match.group("scope"), unit)
            continue
        first = start + 1
        if not match.group("unit"):
            # The unit (and region) may be printed on the lines above the year line.
            above: list[str] = []
            previous = start - 1
            while previous >= 0 and len(above) < 3:
                candidate = _plain(lines[previous])
                if candidate:
                    if not _NAME_LINE.fullmatch(candidate):
                        break
                    above.insert(0, candidate)
                    first = previous + 1
                previous -= 1
            text = "".join(above) + (" " if above else "") + text
            if above:
                unit = "".join(above)
        return _Title(text, Lines(first, number), match.group("year"), match.group("scope"), unit)
    return fallback


def _year_of(digits: str) -> int | None:
    """The year a run of digits prints, or None when it cannot be a fiscal year."""
    if len(digits) != 4:
        return None
    year = int(digits)
    return year if year in _PLAUSIBLE_YEARS else None


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


@dataclass(frozen=True)
class _YearEvidence:
    """Years found in one kind of place, and the misprinted ones found there."""

    years: Counter[int]
    misprints: list[tuple[int, str]]  # (line, digits) of years that cannot be one


def _years(found: list[tuple[int, str]]) -> _YearEvidence:
    years: Counter[int] = Counter()
    misprints: list[tuple[int, str]] = []
    for line, digits in found:
        year = _year_of(digits)
        if year is None:
            misprints.append((line, digits))
        else:
            years[year] += 1
    return _YearEvidence(years, misprints)


def _budget_year_lines(lines: tuple[str, ...]) -> _YearEvidence:
    """The year of the 预算年度 lines, which PDF extraction may cut (预算年 / 度: / 2024)."""
    found: list[tuple[int, str]] = []
    for index, line in enumerate(lines):
        if "预算年" not in line:
            continue
        window = "".join(_plain(l) for l in lines[index : index + 6])
        match = _BUDGET_YEAR.search(window)
        if match:
            found.append((index + 1, match.group(1)))
    return _years(found)


def _heading_years(lines: tuple[str, ...]) -> _YearEvidence:
    """Years named by table titles and contents entries ("2024年部门收支总表")."""
    found: list[tuple[int, str]] = []
    for index, line in enumerate(lines):
        text = _plain(line)
        if not text or len(text) > 60 or _HEADING_SENTENCE.search(text) or _is_table_row(line):
            continue
        match = _YEAR_HEADING.search(text)
        if match:
            found.append((index + 1, match.group(1)))
    return _years(found)


def _file_name(path: str) -> str:
    return PurePath(path).stem


def _file_year(path: str) -> _YearEvidence:
    """A year in the file name; only digits before 年 claim to be one ("900000_2023.txt" holds a unit code)."""
    found: list[tuple[int, str]] = []
    name = _file_name(path)
    for match in _FILE_YEAR.finditer(name):
        digits = match.group(1)
        claims_year = name[match.end() :].lstrip().startswith("年")
        if claims_year or _year_of(digits) is not None:
            found.append((1, digits))
    return _years(found)


def _file_unit(path: str, family: Family) -> str | None:
    """The unit a file name such as "某区财政局2024年度部门预算" names before its year."""
    match = _title_match(_file_name(path).replace("_", " ").strip(), family)
    if match is None:
        return None
    return _SPACE.sub("", match.group("unit") or match.group("unit_after") or "") or None


def _fiscal_year(title: _Title | None, lines: tuple[str, ...], path: str) -> tuple[int | None, list[ParseWarning]]:
    """The year from the title, else the 预算年度 lines, table titles, the file name.

    A misprinted year is never read as some other year: it is reported and left out.
    """
    warnings: list[ParseWarning] = []
    title_year = _year_of(title.year) if title else None
    if title and title_year is None:
        warnings.append(ParseWarning(title.lines, f"title prints the year {title.year!r}, which cannot be a fiscal year; left out"))
    evidence = [_budget_year_lines(lines), _heading_years(lines), _file_year(path)]
    reported = {(title.lines.last, title.year)} if title else set()
    for source, found in zip(("预算年度 line", "table title", "file name"), evidence):
        for line, digits in found.misprints:
            if (line, digits) not in reported:  # the title line is also a heading
                reported.add((line, digits))
                warnings.append(ParseWarning(Lines(line, line), f"{source} prints the year {digits!r}, which cannot be a fiscal year; left out"))
    if title_year is not None:
        return title_year, warnings
    for found in evidence:
        if found.years:
            return found.years.most_common(1)[0][0], warnings
    first = title.lines if title else Lines(1, 1)
    warnings.append(ParseWarning(first, "no fiscal year found (title, 预算年度, table titles, file name); the document has none"))
    return None, warnings


def _scope(title_scope: str | None, lines: tuple[str, ...], family: Family) -> str:
    if title_scope is None:
        text = "\n".join(lines)
        title_scope = "单位" if text.count(f"单位{family.name}") > text.count(f"部门{family.name}") else "部门"
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


def read_document_info(source: SourceText, family: Family = BUDGET) -> tuple[DocumentInfo, list[ParseWarning]]:
    """The document's info, and warnings for the facts about it that could not be read."""
    lines = source.lines
    title = _find_title(lines, family)
    names, codes = _unit_names(lines)
    title_unit = title.unit if title else None
    fiscal_year, warnings = _fiscal_year(title, lines, source.path)
    issuing_unit = names.most_common(1)[0][0] if names else (title_unit or _file_unit(source.path, family) or "")
    if not issuing_unit:
        warnings.append(ParseWarning(title.lines if title else Lines(1, 1), "no issuing unit found (title, 编制单位/单位名称 lines, file name); the document has none"))
    scope = _scope(title.scope if title else None, lines, family)
    if title:
        title_text, title_lines = title.text, title.lines
    else:
        scope_word = "单位" if scope == "unit" else "部门"
        year_text = f" {fiscal_year}年" if fiscal_year else ""
        title_text, title_lines = f"{issuing_unit}{year_text}{scope_word}{family.name}", None
    region_sources = [n for n in (title_unit, *names) if n]
    approval_document, approval_date = _approval(lines)
    info = DocumentInfo(
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
    return info, warnings


def extract_document_info(source: SourceText, family: Family = BUDGET) -> DocumentInfo:
    return read_document_info(source, family)[0]
