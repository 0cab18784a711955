"""The 名词解释 section: the terms a disclosure defines (财政拨款收入, 基本支出, "三公"经费 …).

Entries are numbered in any of the usual ways (``一、``, ``1、``, ``1.``, ``(1)``,
a markdown bullet) with the term in bold or not, followed by ``:`` or by
``是指``. A definition cut by a PDF line break continues on the next prose
line. The section ends at the next heading that is not an entry, at 附件, at a
table, or at a line that is neither an entry nor a continuation (a signature).
The table of contents also names the section; it yields no entries because the
next heading follows at once.
"""

from __future__ import annotations

import re

from kg.extract.narrative import clean_prose
from kg.reading import SourceText
from kg.records import GlossaryEntry, Lines

_HEADING = re.compile(
    r"^(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+[、.])?\s*"
    r"(?:相关)?(?:专业性较强的)?(?:专业)?名词解释\s*:?\s*$"
)
_NUMBERING = r"(?:[一二三四五六七八九十]+[、.]|\d{1,2}\s*[、.](?!\d)|\(\s*[\d一二三四五六七八九十]+\s*\))"
# "1、财政拨款收入:指…", "一、财政拨款:指…", "基本支出:…" (the number is optional).
_ENTRY_COLON = re.compile(rf"^(?:{_NUMBERING})?\s*(?P<term>[^:,。;]{{1,30}}?)\s*:\s*(?P<definition>.+)$")
# "4、三公经费是指财政拨款…": the definition starts at 指.
_ENTRY_IS = re.compile(rf"^{_NUMBERING}\s*(?P<term>[^:,。;]{{1,30}}?)是(?P<definition>指.+)$")
# A numbered line starts an entry or a new section; it never continues a definition.
_NUMBERED = re.compile(rf"^(?:{_NUMBERING}|第[一二三四五六七八九十]+部分|附件|附表)")
_ATTACHMENT = re.compile(r"^(?:附件|附表)")
_DEFINITION_END = re.compile(r"[。.;!]\s*$")


def _entry(text: str) -> tuple[str, str] | None:
    match = _ENTRY_COLON.match(text) or _ENTRY_IS.match(text)
    if not match:
        return None
    term = match.group("term").strip()
    return term, match.group("definition").strip()


def _section_entries(lines: list[tuple[int, str]]) -> list[GlossaryEntry]:
    """Entries from the prose lines after one 名词解释 heading, up to the section's end."""
    entries: list[GlossaryEntry] = []
    term: str | None = None
    definition = ""
    first = last = 0
    for number, text in lines:
        unfinished = term is not None and not _DEFINITION_END.search(definition)
        if unfinished and not _NUMBERED.match(text):
            definition += text  # a definition cut at a line break
            last = number
            continue
        if _ATTACHMENT.match(text):
            break
        parsed = _entry(text)
        if parsed is None:
            break
        if term is not None:
            entries.append(GlossaryEntry(term, definition, Lines(first, last)))
        term, definition = parsed
        first = last = number
    if term is not None:
        entries.append(GlossaryEntry(term, definition, Lines(first, last)))
    return entries


def extract_glossary(source: SourceText, table_lines: set[int]) -> list[GlossaryEntry]:
    entries: list[GlossaryEntry] = []
    total = len(source.lines)
    for number in range(1, total + 1):
        if number in table_lines or not _HEADING.match(clean_prose(source.line(number))):
            continue
        section: list[tuple[int, str]] = []
        for following in range(number + 1, total + 1):
            if following in table_lines:
                break
            text = clean_prose(source.line(following))
            if text:
                section.append((following, text))
        entries.extend(_section_entries(section))
    return entries
