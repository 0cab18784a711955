"""Document info: what each seed is about, and excerpts for the layouts a rule must survive."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.extract.document import extract_document_info, read_document_info
from kg.records import DocumentInfo, Lines
from kg.readers.text import read_source, source_from_bytes
from kg.reading import SourceText

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"


def seed_info(prefix: str) -> DocumentInfo:
    return extract_document_info(read_source(next(SEEDS.glob(f"{prefix}_*.txt"))))


def excerpt(text: str) -> SourceText:
    return source_from_bytes(text.encode("utf-8"), "excerpt.txt")


def test_000_township_department_budget() -> None:
    info = seed_info("000")
    assert info.title == "承德高新区冯营子镇人民政府 2023 年部门预算信息公开"
    assert info.title_lines == Lines(3, 3)
    assert info.issuing_unit == "承德高新区冯营子镇人民政府"
    assert info.unit_code == "202"
    assert (info.fiscal_year, info.scope) == (2023, "department")
    # The approval is printed with folded brackets: 承高财发(2023)5号 … 2023年2月20日.
    assert info.approval_document == "承高财发(2023)5号"
    assert info.approval_date == "2023-02-20"
    assert info.region is not None and "承德" in info.region and "河北" in info.region


def test_001_unit_budget_title_is_not_the_table_of_contents() -> None:
    info = seed_info("001")
    assert "目录" not in info.title
    assert info.title == "石家庄市鹿泉区上庄镇人民政府本级 2024 年单位预算信息公开"
    assert info.title_lines == Lines(504, 504)
    assert info.issuing_unit == "石家庄市鹿泉区上庄镇人民政府本级"
    assert info.unit_code == "817001"
    assert (info.fiscal_year, info.scope) == (2024, "unit")
    assert info.region == "石家庄市鹿泉区"
    assert info.approval_document is None and info.approval_date is None


def test_002_unit_name_cut_over_two_lines() -> None:
    info = seed_info("002")
    assert info.issuing_unit == "承德市公安局高新技术产业开发区分局"
    assert info.unit_code == "118"
    assert (info.fiscal_year, info.scope) == (2024, "unit")
    assert info.region == "承德市"


def test_003_approval_sentence_in_other_matters() -> None:
    info = seed_info("003")
    assert info.title == "上板城镇人民政府 2023 年部门预算信息公开"
    assert info.approval_document == "承高财发〔2023〕5号"
    assert info.approval_date == "2023-02-20"
    assert info.unit_code == "201"
    assert (info.fiscal_year, info.scope) == (2024 - 1, "department")


def test_004_title_over_region_unit_and_year_lines() -> None:
    info = seed_info("004")
    assert info.title_lines == Lines(3, 7)
    assert info.title.endswith("2024 年部门预算公开")
    assert info.title.startswith("新疆维吾尔自治区巴音郭楞蒙古自治州轮台县人力资源和社会保障局")
    assert info.issuing_unit == "轮台县人力资源和社会保障局"
    assert info.region == "新疆维吾尔自治区巴音郭楞蒙古自治州轮台县"
    assert (info.fiscal_year, info.scope, info.unit_code) == (2024, "department", None)
    # The closing date (2024年1月18日) is a signature, not an approval.
    assert info.approval_document is None


def test_fallback_title_is_built_from_unit_year_and_scope() -> None:
    info = extract_document_info(excerpt("单位预算收支总表\n\n817001 某某县某某局\n\n预算年\n\n度:\n\n2025\n\n单位:万元\n"))
    assert info.title == "某某县某某局 2025年单位预算"
    assert info.title_lines is None
    assert (info.issuing_unit, info.unit_code, info.fiscal_year) == ("某某县某某局", "817001", 2025)
    assert info.scope == "unit"
    assert info.region == "某某县"


def test_unit_field_wins_over_a_function_code_row() -> None:
    info = extract_document_info(excerpt("编制部门:某某市某某委员会\n\n208 社会保障和就业支出\n\n2024 年部门预算公开\n"))
    assert info.issuing_unit == "某某市某某委员会"
    assert info.unit_code is None


@pytest.mark.parametrize(
    ("line", "number", "date"),
    [
        ("十、我部门2024年预算批复文件为鹿财预〔2024〕1号,批复时间为2024年1月5日。", "鹿财预〔2024〕1号", "2024-01-05"),
        ("预算批复文件:某财预[2023]12 号", "某财预[2023]12号", None),
    ],
)
def test_approval_number_and_date(line: str, number: str, date: str | None) -> None:
    info = extract_document_info(excerpt(f"某某局 2024 年部门预算信息公开\n\n{line}\n"))
    assert (info.approval_document, info.approval_date) == (number, date)


def test_no_region_when_none_is_stated() -> None:
    info = extract_document_info(excerpt("某某局 2024 年部门预算信息公开\n"))
    assert info.region is None


@pytest.mark.parametrize(
    ("title", "unit", "year", "scope"),
    [
        ("某区2024年区级部门预算", "某区", 2024, "department"),
        ("2024年某某局部门预算", "某某局", 2024, "department"),
        ("某某中心2024年度单位预算公开", "某某中心", 2024, "unit"),
        ("某某县财政局 2025 年部门预算信息公开", "某某县财政局", 2025, "department"),
        ("# 某某县某某站2023年县级单位财务预算", "某某县某某站", 2023, "unit"),
    ],
)
def test_titles_of_other_regions(title: str, unit: str, year: int, scope: str) -> None:
    info, warnings = read_document_info(excerpt(f"{title}\n\n一、部门职责\n"))
    assert (info.issuing_unit, info.fiscal_year, info.scope) == (unit, year, scope)
    assert info.title_lines == Lines(1, 1)
    assert warnings == []


def test_a_table_title_is_not_the_document_title() -> None:
    info, _ = read_document_info(excerpt("2024年部门收支总表\n2024年部门收入预算表\n"))
    assert info.title_lines is None
    assert info.fiscal_year == 2024  # from the table titles


@pytest.mark.parametrize(
    ("text", "path", "year"),
    [
        ("表1\n2023年部门收支预算总表\n单位:元\n", "x.txt", 2023),
        ("目录\n一、2022年度收入支出决算总表\n", "x.txt", 2022),
        ("一、部门职责\n", "某区财政局2026年度部门预算.txt", 2026),
        ("一、部门职责\n", "budget_2021.txt", 2021),
        ("一、部门职责\n", "000_d8297288e448bd73.txt", None),
    ],
)
def test_year_from_table_titles_contents_and_file_name(text: str, path: str, year: int | None) -> None:
    info, warnings = read_document_info(source_from_bytes(text.encode("utf-8"), path))
    assert info.fiscal_year == year
    assert (year is None) == any("no fiscal year found" in w.message for w in warnings)


def test_unit_from_the_file_name_when_the_text_has_none() -> None:
    info, _ = read_document_info(source_from_bytes("一、部门职责\n".encode("utf-8"), "/tmp/某区财政局2024年度部门预算.txt"))
    assert (info.issuing_unit, info.fiscal_year) == ("某区财政局", 2024)


@pytest.mark.parametrize("digits", ["20242024202420242024", "0999", "3024"])
def test_an_impossible_year_is_refused_not_shortened(digits: str) -> None:
    info, warnings = read_document_info(excerpt(f"某某局{digits}年部门预算\n预算年度:{digits}\n"))
    assert info.fiscal_year is None
    misprints = [w for w in warnings if digits in w.message]
    assert len(misprints) == 2 and all("cannot be a fiscal year" in w.message for w in misprints)
    assert info.issuing_unit == "某某局"


def test_an_impossible_title_year_gives_way_to_the_budget_year_lines() -> None:
    info, warnings = read_document_info(excerpt("某某局0999年部门预算\n预算年度:2024\n"))
    assert info.fiscal_year == 2024
    assert [w.lines.first for w in warnings] == [1]


def test_numbers_in_a_file_name_that_are_not_years_are_not_misprints() -> None:
    info, warnings = read_document_info(source_from_bytes("一、部门职责\n".encode("utf-8"), "900001_2023.txt"))
    assert info.fiscal_year == 2023 and not any("900001" in w.message for w in warnings)
    _, warnings = read_document_info(source_from_bytes("一、部门职责\n".encode("utf-8"), "某局0999年部门预算.txt"))
    assert any("'0999'" in w.message and "cannot be a fiscal year" in w.message for w in warnings)
