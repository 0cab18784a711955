"""Glossary (名词解释): entries from each seed's section and excerpts for its numbering forms."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.extract.glossary import extract_glossary
from kg.records import GlossaryEntry, Lines
from kg.readers.text import read_source, source_from_bytes
from kg.reading import SourceText

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"


def table_lines(source: SourceText) -> set[int]:
    return {n for n, line in enumerate(source.lines, 1) if line.lstrip().startswith("|") or "\t" in line}


def seed_glossary(prefix: str) -> list[GlossaryEntry]:
    source = read_source(next(SEEDS.glob(f"{prefix}_*.txt")))
    return extract_glossary(source, table_lines(source))


def excerpt_glossary(text: str, tables: set[int] | None = None) -> list[GlossaryEntry]:
    return extract_glossary(source_from_bytes(text.encode("utf-8"), "excerpt.txt"), tables or set())


@pytest.mark.parametrize(("prefix", "count"), [("000", 4), ("001", 10), ("002", 10), ("003", 5), ("004", 8)])
def test_entry_counts(prefix: str, count: int) -> None:
    assert len(seed_glossary(prefix)) == count


def test_000_numbered_bullets_and_shi_zhi() -> None:
    entries = seed_glossary("000")
    assert [e.term for e in entries] == ["基本支出", "项目支出", "机关运行经费", "三公经费"]
    assert entries[3].definition.startswith("指财政拨款支出安排的出国(境)费")
    assert entries[3].lines == Lines(460, 460)


def test_001_bold_terms() -> None:
    entries = seed_glossary("001")
    assert entries[0].term == "财政拨款收入"
    assert entries[0].definition.startswith("指本级财政当年拨付的资金")
    assert entries[0].lines == Lines(1380, 1380)
    assert entries[-1].term == "机关运行经费"


def test_002_definition_continued_after_a_line_break() -> None:
    three_public = next(e for e in seed_glossary("002") if e.term == "“三公”经费")
    assert three_public.lines == Lines(1202, 1204)
    assert "伙食补助费、杂费、培训费等支出" in three_public.definition
    assert three_public.definition.endswith("支出。")


def test_003_continuation_and_end_before_other_matters() -> None:
    entries = seed_glossary("003")
    assert entries[3].term == "机关运行费" and entries[3].lines == Lines(470, 472)
    assert entries[-1].lines.last < 476  # 九、其他需要说明的事项 is not an entry


def test_004_chinese_numbered_entries_and_no_entries_from_the_contents() -> None:
    entries = seed_glossary("004")
    assert entries[0].term == "财政拨款" and entries[0].lines == Lines(843, 843)
    assert all(e.lines.first >= 843 for e in entries)
    # The signature after the last entry is not part of it.
    assert entries[-1].term == "机关运行经费" and entries[-1].lines == Lines(857, 857)


def test_section_ends_at_a_table_and_at_an_attachment() -> None:
    text = "八、名词解释\n\n1.财政拨款收入:指本级财政拨付的资金。\n| 表 | 头 |\n2.其他:不是词条。\n"
    assert [e.term for e in excerpt_glossary(text, {4})] == ["财政拨款收入"]
    text = "名词解释\n**基本支出**:人员经费和公用经费。\n附件:绩效目标表\n"
    assert [(e.term, e.definition) for e in excerpt_glossary(text)] == [("基本支出", "人员经费和公用经费。")]


def test_parenthesised_numbers_and_next_heading() -> None:
    text = "十、名词解释\n(1)上年结转:指以前年度安排的资金。\n(2)项目支出:指为完成特定任务\n\n而发生的支出。\n十一、其他需要说明的事项\n"
    entries = excerpt_glossary(text)
    assert [e.term for e in entries] == ["上年结转", "项目支出"]
    assert entries[1].definition == "指为完成特定任务而发生的支出。"
    assert entries[1].lines == Lines(3, 5)


def test_no_section_no_entries() -> None:
    assert excerpt_glossary("一、部门职责\n基本支出:不是名词解释里的。\n") == []
