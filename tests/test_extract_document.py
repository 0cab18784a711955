"""Document info: what each seed is about, and excerpts for the layouts a rule must survive."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.extract.document import extract_document_info
from kg.records import DocumentInfo, Lines
from kg.reading import SourceText, read_source, source_from_bytes

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
    info = extract_document_info(
        excerpt("单位预算收支总表\n\n817001 某某县某某局\n\n预算年\n\n度:\n\n2025\n\n单位:万元\n")
    )
    assert info.title == "某某县某某局 2025年单位预算"
    assert info.title_lines is None
    assert (info.issuing_unit, info.unit_code, info.fiscal_year) == ("某某县某某局", "817001", 2025)
    assert info.scope == "unit"
    assert info.region == "某某县"


def test_unit_field_wins_over_a_function_code_row() -> None:
    info = extract_document_info(
        excerpt("编制部门:某某市某某委员会\n\n208 社会保障和就业支出\n\n2024 年部门预算公开\n")
    )
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
