"""Narrative against the tables and the 三公 changes (shapes/narrative.ttl, issue 11 item 2).

Mutation style: one figure of a real seed is changed in the text, the seed parsed, mapped and
validated, and the new result asserted at the mutated line; the unmutated seed has none there.
The seeds' own inconsistencies (seed 003) are asserted as found, never corrected.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

import pytest

from conftest import seed
from kg.mapping import map_document
from kg.parse import parse_source
from kg.readers import read_document
from kg.reading import SourceText
from kg.settings import Settings
from kg.validation import ValidationReport, validate_quads

SHAPES = "https://w3id.org/budgetkg/shapes#"
NEW_IDENTITIES = (
    "narrative-procurement",
    "narrative-assets",
    "asset-sum",
    "narrative-vehicles",
    "three-public-change-sum",
    "narrative-prior-change",
    "narrative-sources",
    "staffing-total",
    "class-shares-sum",
    "class-share-table",
    "class-name",
    "narrative-balance",
    "procurement-sum",
    "asset-part",
    "narrative-restated",
    "narrative-operating-costs",
    "narrative-split",
    "narrative-three-public-parts",
    "narrative-items",
    "narrative-zero-change",
    "narrative-procurement-kinds",
    "narrative-items-three-public",
    "narrative-class-amount",
    "narrative-three-public-sum",
    "narrative-three-public-blank",
)


@lru_cache(maxsize=None)
def _source(prefix: str) -> SourceText:
    return read_document(seed(prefix))


def _validate(source: SourceText) -> ValidationReport:
    document = parse_source(source, "mutant")
    mapped = map_document(document, Settings())
    return validate_quads(mapped.quads + mapped.reference_quads, document.document_id, Settings())


@lru_cache(maxsize=None)
def _report(prefix: str) -> ValidationReport:
    return _validate(_source(prefix))


def _mutated(prefix: str, line: int, old: str, new: str) -> ValidationReport:
    lines = list(_source(prefix).lines)
    assert old in lines[line - 1], lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    return _validate(replace(_source(prefix), lines=tuple(lines)))


def _at(report: ValidationReport, identity: str, line: int, severity: str | None = None) -> list:
    return [r for r in report.results if r.identity == SHAPES + identity and line in r.lines and (severity is None or r.severity == severity)]


# (seed, line, printed, mutated, identity, severity): each one figure changed.
MUTATIONS = [
    # 000's procurement table prints a blank 合计 (unknown, not compared); a printed one must be the prose's 0.
    ("000", 427, "| 合 计 | |", "| 合 计 | 5 |", "narrative-procurement", "Violation"),
    ("000", 436, "241.97", "241.79", "narrative-assets", "Violation"),
    # The prose restates the table's 241.97: one cent off is a Violation; only fewer decimals that round it warn.
    ("000", 436, "241.97", "241.98", "narrative-assets", "Violation"),
    ("000", 436, "241.97", "242.0", "narrative-assets", "Warning"),
    # An empty procurement table (no amount in any row) totals 0: the prose's 0 restates it.
    ("000", 415, "预算0万元", "预算1万元", "narrative-procurement", "Violation"),
    # One figure stated in two paragraphs (000:45 and 51 both state 支出 4054.45): a cent apart is a Violation.
    ("000", 45, "支出预算为 4054.45", "支出预算为 4054.46", "narrative-restated", "Violation"),
    # 000 has no money table: 机关运行经费 (55) is checked against the 日常公用经费 stated at 45, and 项目支出 (47)
    # against the total and 基本支出 the paragraph stated on the line before.
    ("000", 55, "预算安排 125.8", "预算安排 125.9", "narrative-operating-costs", "Violation"),
    ("000", 55, "预算安排 125.8", "预算安排 126", "narrative-operating-costs", "Warning"),
    ("000", 47, "2886.92", "2886.29", "narrative-split", "Violation"),
    ("000", 47, "2886.92", "2886.93", "narrative-split", "Warning"),
    # 000:55 机关运行经费 125.8 against the 19 items it lists after 其中 (kg.extract.listed_items).
    ("000", 55, "办公费 21.63", "办公费 12.63", "narrative-items", "Violation"),
    ("000", 55, "办公费 21.63", "办公费 21.64", "narrative-items", "Warning"),
    ("003", 66, "取暖费 28.05", "取暖费 280.5", "narrative-items", "Violation"),
    # (items + 1) × 50 元 is beyond rounding, not within it: 19 items, 9.6 -> 9.7 is 1000 元 off (000:55, 003:66).
    ("003", 66, "电费9.6万元", "电费9.7万元", "narrative-items", "Violation"),
    ("000", 55, "手续费 0.5 万元", "手续费 0.6 万元", "narrative-items", "Violation"),
    # 004:741 states the 三公 total with both vehicle parts and no vehicle total: 2.77 = 0 + 0 + 2.64 + 0.13.
    ("004", 741, "公务用车购置费 0 万元", "公务用车购置费 1 万元", "narrative-three-public-sum", "Violation"),
    ("004", 741, "公务接待费 0.13", "公务接待费 0.14", "narrative-three-public-sum", "Warning"),
    # 001's 三公 table leaves 一、因公出国(境)费 blank (496); the prose restates it as 0.00 (615).
    ("001", 615, "因公出国(境)费 0.00", "因公出国(境)费 0.01", "narrative-three-public-blank", "Violation"),
    ("004", 747, "非财政拨款 0 万元", "非财政拨款 1 万元", "narrative-items", "Violation"),
    # 政府采购预算 = 货物 + 工程 + 服务 when the paragraph states all three (004:777: 16.26 = 1.42 + 0 + 14.84).
    ("004", 777, "服务预算 14.84", "服务预算 18.44", "narrative-procurement-kinds", "Violation"),
    ("004", 777, "服务预算 14.84", "服务预算 14.85", "narrative-procurement-kinds", "Warning"),
    # 机关运行经费's 公务用车运行维护费 item (003:66) is no more than the 三公 paragraph's (003:70).
    ("003", 66, "公务用车运行维护费 8.7", "公务用车运行维护费 8.8", "narrative-items-three-public", "Violation"),
    ("000", 59, "(二)公务接待费支出1.53", "(二)公务接待费支出1.35", "narrative-items-three-public", "Violation"),
    # A 类's amount in prose (004:511) against its row of the 一般公共预算支出表 (line 300, 17.71).
    ("004", 511, "17.71 万元", "17.72 万元", "narrative-class-amount", "Violation"),
    ("004", 511, "17.71 万元", "17.7 万元", "narrative-class-amount", "Warning"),
    # A figure of 0 changed by a percentage other than 0% or −100%.
    ("000", 59, "购置支出0万元,同比下降或增长0%", "购置支出0万元,同比下降或增长1%", "narrative-zero-change", "Violation"),
    # A 三公 part in prose against its row of the 三公 table (002:584 公务用车运行维护费 49.30).
    ("002", 634, "运行维护费支出 49.3", "运行维护费支出 49.4", "narrative-three-public-parts", "Violation"),
    ("002", 634, "运行维护费支出 49.3", "运行维护费支出 49 ", "narrative-three-public-parts", "Warning"),
    ("000", 451, "176.09", "176.90", "asset-sum", "Violation"),
    ("000", 451, "176.09", "176.10", "asset-sum", "Warning"),
    ("000", 61, "保有量3辆", "保有量5辆", "narrative-vehicles", "Violation"),
    ("004", 743, "公务用车运行费减少 0.13", "公务用车运行费减少 0.31", "three-public-change-sum", "Violation"),
    ("004", 743, "公务用车运行费减少 0.13", "公务用车运行费减少 0.14", "three-public-change-sum", "Warning"),
    ("002", 634, "比 2023 年 50.8 万元增加", "比 2023 年 58.0 万元增加", "narrative-prior-change", "Violation"),
    ("002", 634, "比 2023 年 50.8 万元增加", "比 2023 年 50.81 万元增加", "narrative-prior-change", "Warning"),
    # Fund sources in prose against the 收支总表 / 财政拨款收支总表 rows and the 收入总表 合计 column.
    ("001", 599, "一般公共预算收入 9383.02", "一般公共预算收入 9383.92", "narrative-sources", "Violation"),
    ("001", 599, "一般公共预算收入 9383.02", "一般公共预算收入 9383.03", "narrative-sources", "Warning"),
    ("001", 599, "基金预算收入 900.00", "基金预算收入 990.00", "narrative-sources", "Violation"),
    ("002", 622, "财政拨款收入4409.55", "财政拨款收入4490.55", "narrative-sources", "Violation"),
    ("004", 501, "拨款合计 2103.5", "拨款合计 2130.5", "narrative-sources", "Violation"),
    # A 类's share (004 lines 507-511) against its row / the 一般公共预算支出情况表's 合计 (2063.01 / 2103.5 = 98.0751%).
    ("004", 508, "占 98.08%", "占 97.08%", "class-share-table", "Violation"),
    ("004", 508, "占 98.08%", "占 98.07%", "class-share-table", "Warning"),
    # A 类 named otherwise than the tables name its code: found by the closest table name, both named.
    ("004", 508, "社会保障和就业支出(类)", "社会保障就业支出(类)", "class-name", "Warning"),
    ("004", 507, "教育支出(类)", "教育经费支出(类)", "class-name", "Warning"),
    # Balance in prose: 000 and 003 print no 收支总表, so the totals stated two or three times
    # (收入 / 支出 / 收支安排) are checked against each other only.
    ("000", 45, "支出预算为 4054.45", "支出预算为 4054.54", "narrative-balance", "Violation"),
    ("003", 52, "收入合计为 3407.18", "收入合计为 3470.18", "narrative-balance", "Violation"),
    ("003", 56, "支出预算为 3407.18", "支出预算为 3407.19", "narrative-balance", "Warning"),
    # The procurement table's 合计 row (888.2) against its items, in the 政府采购金额 总计 column (after 数量 and 单价).
    ("003", 445, "年\t1\t885.2\t885.2", "年\t1\t885.2\t888.2", "procurement-sum", "Violation"),
    ("003", 445, "年\t1\t885.2\t885.2", "年\t1\t885.2\t885.21", "procurement-sum", "Warning"),
    # 其中：办公用房 against the 房屋 row above it: area (exact) and value (rounding within 2 × 50 元).
    ("000", 448, "| 0 | 0 |", "| 1 | 0 |", "asset-part", "Violation"),
    ("000", 448, "| 0 | 0 |", "| 0 | 1 |", "asset-part", "Violation"),
    ("003", 460, "3718.54", "37185.40", "asset-part", "Violation"),
    ("003", 460, "72.38", "84.59", "asset-part", "Warning"),
]


@pytest.mark.parametrize("prefix, line, old, new, identity, severity", MUTATIONS, ids=[f"{m[0]}:{m[1]}:{m[4]}:{m[5]}" for m in MUTATIONS])
def test_one_changed_figure_is_reported_at_its_line(prefix: str, line: int, old: str, new: str, identity: str, severity: str) -> None:
    assert _at(_report(prefix), identity, line) == []
    found = _at(_mutated(prefix, line, old, new), identity, line)
    assert [r.severity for r in found] == [severity], [r.message_en for r in found]
    assert str(line) in found[0].message_zh and str(line) in found[0].message_en


def test_a_split_names_each_line_once() -> None:
    # The whole and its first part share line 45; the message named it twice ("45,45,47").
    [found] = _at(_mutated("000", 47, "2886.92", "2886.93"), "narrative-split", 47)
    assert found.lines == [45, 47] and "(lines 45,47)" in found.message_en and "（行 45,47）" in found.message_zh


def test_seed_003_real_inconsistencies_are_reported() -> None:
    report = _report("003")
    # 政府采购预算 806 万元 in prose; the procurement table's 合计 prints 888.2.
    procurement = _at(report, "narrative-procurement", 431, "Violation")
    assert len(procurement) == 1 and 442 in procurement[0].lines and "888.2" in procurement[0].message_en
    # 三公 10.73, 比上年 31.18 减少 20.45; the parts' changes (−21, −0.08, 0) add to −21.08.
    assert len(_at(report, "three-public-change-sum", 70, "Violation")) == 1
    # 年末公务用车保有量 3 辆; the assets table's 车辆 row counts 4.
    vehicles = _at(report, "narrative-vehicles", 72, "Violation")
    assert len(vehicles) == 1 and 461 in vehicles[0].lines
    # 31.18 − 10.73 = 20.45: the stated change agrees with both years' figures.
    assert _at(report, "narrative-prior-change", 70) == []


def test_seed_002_asset_total_is_off_by_rounding_only() -> None:
    # 121.39 + 0.87 + 333.02 + 2573.31 + 69.85 = 3098.44; 资产总额 prints 3098.42.
    found = _at(_report("002"), "asset-sum", 1183)
    assert [r.severity for r in found] == ["Warning"]


@pytest.mark.parametrize("prefix", ["000", "001", "002", "004"])
def test_seeds_whose_figures_agree_have_no_new_violation(prefix: str) -> None:
    new = [r for r in _report(prefix).results if r.severity == "Violation" and r.identity and r.identity.removeprefix(SHAPES) in NEW_IDENTITIES]
    assert new == [], [r.message_en for r in new]


def test_class_shares_add_to_100_within_their_rounding() -> None:
    # 004: 0.04 + 98.08 + 0.57 + 0.48 + 0.84 = 100.01, within 5 × 0.005: a rounding Warning, on the first class.
    [real] = [r for r in _report("004").results if r.identity == SHAPES + "class-shares-sum"]
    assert real.severity == "Warning" and real.lines == [507, 508, 509, 510, 511] and real.value == "100.01"
    # One share a point off: 99.01 is no rounding.
    [found] = [r for r in _mutated("004", 508, "占 98.08%", "占 97.08%").results if r.identity == SHAPES + "class-shares-sum"]
    assert found.severity == "Violation" and found.value == "99.01" and "第508行" in found.message_zh
    # One share printed the other way round (98.07 where 98.0751 rounds to 98.08): the sum is 100, nothing to say.
    assert not [r for r in _mutated("004", 508, "占 98.08%", "占 98.07%").results if r.identity == SHAPES + "class-shares-sum"]


def test_class_name_warning_names_both() -> None:
    [found] = _at(_mutated("004", 508, "社会保障和就业支出(类)", "社会保障就业支出(类)"), "class-name", 508)
    assert "社会保障就业支出" in found.message_zh and "“社会保障和就业支出” (第280行)" in found.message_zh


def test_fund_source_split_into_own_and_transfer_columns() -> None:
    # 004 states 一般公共预算拨款合计 2103.5 (line 501); its 收入总表 合计 row splits it into 一般公共预算 341.25 and
    # 上级一般公共预算安排的转移支付 1762.25 (line 166). With the summary tables' 2,103.50 rows changed, the prose
    # still agrees with the sum of the two columns.
    lines = list(_source("004").lines)
    for line, old, new in ((96, "2,103.50", "2,100.00"), (233, "2103.50", "2100.00")):
        assert old in lines[line - 1], lines[line - 1]
        lines[line - 1] = lines[line - 1].replace(old, new, 1)
    report = _validate(replace(_source("004"), lines=tuple(lines)))
    assert _at(report, "narrative-sources", 501) == [], [r.message_en for r in _at(report, "narrative-sources", 501)]
    # The prose changed as well: compared with the nearest, the columns' sum.
    lines[500] = lines[500].replace("拨款合计 2103.5", "拨款合计 2113.5", 1)
    [found] = _at(_validate(replace(_source("004"), lines=tuple(lines))), "narrative-sources", 501)
    assert found.severity == "Violation"
    assert "1762.25 + 341.25" in found.message_en or "341.25 + 1762.25" in found.message_en
    assert found.expected == "21035000"


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_prose_totals_of_every_seed_balance(prefix: str) -> None:
    found = [r for r in _report(prefix).results if r.identity == SHAPES + "narrative-balance"]
    assert found == [], [r.message_en for r in found]


def test_a_total_stated_as_both_revenue_and_expenditure_is_checked_against_the_other_lines() -> None:
    # 000:51 "收支安排 4054.45" is both totals; lines 41 and 45 print 4054.45 too.
    found = _at(_mutated("000", 51, "收支安排 4054.45", "收支安排 4054.54"), "narrative-balance", 51, "Violation")
    assert len(found) == 2 and all({41, 45} <= set(r.lines) for r in found), [r.message_en for r in found]


def _repeated_example(copies: int) -> SourceText:
    """The shipped tab example repeated ``copies`` times in one document, as the stress benchmark builds it."""
    from kg.examples import EXAMPLES
    from kg.corpus import render
    from kg.stress_bench import many_tables

    example = render(next(spec for spec in EXAMPLES if spec.file_name == "example_tab_bureau")).text
    lines = tuple(many_tables(5 * copies, example).split("\n"))
    return SourceText("repeated.txt", "utf-8", "0" * 64, lines)


def _changed_in_last_copy(source: SourceText, old: str, new: str) -> tuple[ValidationReport, int]:
    lines = list(source.lines)
    line = max(n for n, text in enumerate(lines, start=1) if old in text)
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    return _validate(replace(source, lines=tuple(lines))), line


@pytest.mark.parametrize(
    "old, new, identity, names_other_copies",
    [
        # No copy's 三公 table prints 1.60 for 公务接待费: compared with every table's row, not only one.
        ("公务接待费1.50万元", "公务接待费1.60万元", "narrative-three-public-parts", True),
        # 因公出国(境)费 is blank in every copy's 三公 table.
        ("因公出国(境)费0万元", "因公出国(境)费0.10万元", "narrative-three-public-blank", True),
        # One last printed digit from the same figure stated in the other copies' paragraphs.
        ("预算支出1959.58万元", "预算支出1959.59万元", "narrative-restated", True),
        # 机关运行经费 above every copy's 公用经费 278.51 (the message names one of them).
        ("机关运行经费安排278.51万元", "机关运行经费安排278.61万元", "narrative-operating-costs-table", False),
    ],
)
def test_a_figure_changed_in_one_copy_of_a_repeated_document_is_reported(old: str, new: str, identity: str, names_other_copies: bool) -> None:
    # The stress benchmark's repeated example, its shapes rewritten to join each statement only with what it can
    # match (issue 14): one copy changed still gives the Violation at its line, naming the other copies' lines.
    source = _repeated_example(3)
    assert not [r for r in _validate(source).results if r.identity == SHAPES + identity]
    report, line = _changed_in_last_copy(source, old, new)
    found = _at(report, identity, line, "Violation")
    assert found, [r.message_en for r in report.results if r.identity == SHAPES + identity]
    if names_other_copies:
        assert any(min(r.lines) < line - 200 for r in found), [r.lines for r in found]
