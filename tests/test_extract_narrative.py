"""Narrative figures: real figures read from the seeds, and one excerpt per quirk of prose."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from kg.extract.class_shares import class_resolver
from kg.extract.narrative import FIGURE_KINDS, extract_narrative
from kg.parse import parse_source
from kg.records import MoneyUnit, NarrativeFigure
from kg.readers.text import read_source, source_from_bytes
from kg.reading import SourceText

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"


def table_lines(source: SourceText) -> set[int]:
    # Stand-in for the table parser: markdown pipe rows and TAB rows.
    return {n for n, line in enumerate(source.lines, 1) if line.lstrip().startswith("|") or "\t" in line}


def seed(prefix: str) -> SourceText:
    return read_source(next(SEEDS.glob(f"{prefix}_*.txt")))


def figures_of(source: SourceText) -> list[NarrativeFigure]:
    figures, _ = extract_narrative(source, table_lines(source))
    return figures


def excerpt(text: str) -> SourceText:
    return source_from_bytes(text.encode("utf-8"), "excerpt.txt")


def only(figures: list[NarrativeFigure], kind: str) -> NarrativeFigure:
    matching = [f for f in figures if f.kind == kind]
    assert len(matching) == 1, matching
    return matching[0]


def test_figure_kinds_are_the_agreed_keys() -> None:
    assert set(FIGURE_KINDS) == {
        "revenue_total",
        "expenditure_total",
        "general_budget_revenue",
        "government_fund_revenue",
        "special_account_revenue",
        "other_revenue",
        "carryover",
        "basic_expenditure",
        "personnel_expenditure",
        "public_expenditure",
        "project_expenditure",
        "operating_costs",
        "three_public_total",
        "outbound_travel",
        "vehicle_total",
        "vehicle_purchase",
        "vehicle_operation",
        "reception",
        "vehicles_held",
        "vehicles_purchased",
        "procurement_total",
        "procurement_goods",
        "procurement_works",
        "procurement_services",
        "assets_buildings",
        "assets_vehicles",
        "assets_total",
        # 决算 (kg.families.final_accounts, kg.extract.execution)
        "general_budget_expenditure",
        "government_fund_expenditure",
        "state_capital_expenditure",
        "appropriation_total",
        "fiscal_revenue",
        # kg.extract.listed_items: an item of a 其中 list
        "listed_item",
    }


def test_002_fiscal_revenue_in_a_budget() -> None:
    # "其中：财政拨款收入4409.55万元，上级补助收入0元…": the source the narrative-sources shape compares.
    figure = only(figures_of(seed("002")), "fiscal_revenue")
    assert figure.amount is not None and figure.amount.value == Decimal("4409.55") and figure.lines.first == 622
    # The glossary's "1、财政拨款收入：指本级财政…" states no figure.
    assert not [f for f in figures_of(seed("001")) if f.kind == "fiscal_revenue"]


def test_004_budget_class_shares_with_their_codes() -> None:
    source = read_source(next(SEEDS.glob("004_*.txt")))
    document = parse_source(source, "004")
    shares = [f for f in document.narrative if f.statement and "(类)" in f.statement]
    assert [(f.code.notation if f.code else None, f.share_percent, f.lines.first) for f in shares] == [
        ("205", Decimal("0.04"), 507),
        ("208", Decimal("98.08"), 508),
        ("210", Decimal("0.57"), 509),
        ("213", Decimal("0.48"), 510),
        ("221", Decimal("0.84"), 511),
    ]
    assert {f.kind for f in shares} == {"general_budget_expenditure"}  # under 一般公共预算当年拨款结构情况
    resolve = class_resolver(document.budget_lines)
    # the tables' name, the classification's name of a class the tables do not print, a variant, and no class
    assert (resolve("卫生健康支出"), resolve("国防支出"), resolve("社会保障就业支出"), resolve("办公费")) == ("210", "203", "208", None)


def test_001_operating_costs_with_its_line() -> None:
    figure = only(figures_of(seed("001")), "operating_costs")
    assert figure.amount is not None
    assert figure.amount.value == Decimal("165.64") and figure.amount.unit is MoneyUnit.wan_yuan
    assert (figure.lines.first, figure.lines.last) == (611, 611)
    assert "机关运行经费共计安排 165.64 万元" in figure.statement


def test_001_three_public_parts() -> None:
    figures = figures_of(seed("001"))
    assert only(figures, "three_public_total").amount.value == Decimal("8.10")
    assert only(figures, "vehicle_total").amount.value == Decimal("8.10")
    assert only(figures, "vehicle_purchase").amount.value == Decimal("0.00")
    assert only(figures, "vehicle_operation").amount.value == Decimal("8.10")
    assert only(figures, "outbound_travel").amount.value == Decimal("0.00")
    assert only(figures, "reception").amount.value == Decimal("0.00")


def test_000_typo_in_yuan_stays_in_yuan() -> None:
    figure = only(figures_of(seed("000")), "government_fund_revenue")
    assert figure.amount.printed == "1868.8"
    assert figure.amount.unit is MoneyUnit.yuan
    assert figure.amount.yuan == Decimal("1868.8")
    assert figure.lines.first == 41


def test_000_budget_split_and_vehicles() -> None:
    figures = figures_of(seed("000"))
    assert only(figures, "personnel_expenditure").amount.value == Decimal("1041.73")
    assert only(figures, "public_expenditure").amount.value == Decimal("125.8")
    assert only(figures, "operating_costs").amount.value == Decimal("125.8")
    held = only(figures, "vehicles_held")
    assert (held.count, held.count_unit, held.amount) == (Decimal(3), "辆", None)
    assert only(figures, "vehicles_purchased").count == Decimal(0)
    # "与上年持平": unchanged on last year.
    three = only(figures, "three_public_total")
    assert three.amount.value == Decimal("10.23")
    assert three.change.value == 0 and three.change_percent == 0


def test_000_operating_cost_components_are_not_three_public_figures() -> None:
    # Line 55 lists 公务接待费 1.53 万元 as part of 机关运行经费; the 三公 figure is on line 59.
    reception = only(figures_of(seed("000")), "reception")
    assert reception.lines.first == 59


def test_000_change_only_statements_are_signed() -> None:
    figures = [f for f in figures_of(seed("000")) if f.lines.first == 51]
    basic = next(f for f in figures if f.kind == "basic_expenditure")
    project = next(f for f in figures if f.kind == "project_expenditure")
    assert basic.amount is None and basic.change.value == Decimal("184.63")
    assert basic.change_percent == Decimal("5.99")
    assert project.change.value == Decimal("-222") and project.change_percent == Decimal("-7.14")
    total = next(f for f in figures if f.kind == "revenue_total")
    assert total.amount.value == Decimal("4054.45") and total.change.value == Decimal("-37.37")


def test_003_change_split_over_a_page_line_break() -> None:
    # "其中:基本支出预算收入" (line 60) / blank / "增加 51.17 万元,同比增加 3.41%" (line 62).
    basic = next(f for f in figures_of(seed("003")) if f.kind == "basic_expenditure" and f.amount is None)
    assert basic.change.value == Decimal("51.17") and basic.change_percent == Decimal("3.41")
    assert (basic.lines.first, basic.lines.last) == (60, 62)


def test_003_total_without_nian_and_last_year_comparison() -> None:
    figures = figures_of(seed("003"))
    totals = [f for f in figures if f.kind == "revenue_total"]
    assert {f.amount.value for f in totals} == {Decimal("3407.18")}
    three = only(figures, "three_public_total")
    assert three.amount.value == Decimal("10.73")
    assert three.change.value == Decimal("-20.45") and three.change_percent == Decimal("-65.59")
    # "主要原因为 2022 年新增公务用车购置费 21 万元" explains; it is not this year's figure.
    purchase = only(figures, "vehicle_purchase")
    assert purchase.amount.value == Decimal("0") and purchase.change_percent == Decimal("-100")


def test_002_last_years_figures_are_not_figures() -> None:
    figures = figures_of(seed("002"))
    values = {f.amount.value for f in figures if f.amount is not None}
    assert Decimal("4160.74") not in values and Decimal("3570.94") not in values
    assert Decimal("50.8") not in values
    revenue = only(figures, "revenue_total")
    assert revenue.amount.value == Decimal("4409.55")
    assert revenue.change.value == Decimal("248.81") and revenue.change_percent == Decimal("5.98")
    three = only(figures, "three_public_total")
    assert three.change.value == Decimal("90") and three.change_percent == Decimal("177.17")
    assert only(figures, "vehicles_held").count == Decimal(17)
    assert only(figures, "vehicles_purchased").count == Decimal(6)
    assert only(figures, "other_revenue").amount.unit is MoneyUnit.yuan  # "其他收入0元"


def test_004_operating_costs_cut_after_a_comma() -> None:
    figure = only(figures_of(seed("004")), "operating_costs")
    assert figure.amount.value == Decimal("15.9")
    assert figure.change.value == Decimal("-36.41") and figure.change_percent == Decimal("-69.60")
    assert (figure.lines.first, figure.lines.last) == (771, 773)


def test_004_procurement_and_assets() -> None:
    figures = figures_of(seed("004"))
    assert only(figures, "procurement_total").amount.value == Decimal("16.26")
    assert only(figures, "procurement_goods").amount.value == Decimal("1.42")
    assert only(figures, "procurement_works").amount.value == Decimal("0")
    assert only(figures, "procurement_services").amount.value == Decimal("14.84")
    buildings = only(figures, "assets_buildings")
    assert (buildings.count, buildings.count_unit) == (Decimal("2512.34"), "平方米")
    assert buildings.amount.value == Decimal("44.31") and buildings.lines.first == 785
    vehicles = only(figures, "assets_vehicles")
    assert (vehicles.count, vehicles.amount.value) == (Decimal(3), Decimal("34.22"))
    carry = [f for f in figures if f.kind == "carryover"]
    assert {f.amount.value for f in carry} == {Decimal("36.59")}


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_seeds_read_without_noise(prefix: str) -> None:
    source = seed(prefix)
    figures, warnings = extract_narrative(source, table_lines(source))
    assert warnings == []
    assert len(figures) >= 19
    # No figure is read from a table line.
    assert not any(f.lines.first in table_lines(source) for f in figures)


def test_number_split_across_lines() -> None:
    source = excerpt("三、机关运行经费安排情况\n\n机关运行经费预算安排 4409\n\n.55 万元,主要用于办公。\n")
    figure = only(figures_of(source), "operating_costs")
    assert figure.amount.value == Decimal("4409.55")
    assert (figure.lines.first, figure.lines.last) == (3, 5)


def test_unit_split_across_lines() -> None:
    source = excerpt("2024 年,我单位机关运行经费共计安排 125.8 万\n元,主要用于办公。\n")
    figure = only(figures_of(source), "operating_costs")
    assert figure.amount.unit is MoneyUnit.wan_yuan and figure.lines.last == 2


def test_headings_do_not_run_into_the_next_paragraph() -> None:
    source = excerpt("1、收入说明\n\n2024年预算收入 12.00 万元。\n")
    figure = only(figures_of(source), "revenue_total")
    assert figure.statement == "2024年预算收入 12.00 万元"
    assert figure.lines.first == 3


def test_markdown_bold_and_html_fragments() -> None:
    source = excerpt("**机关运行经费**预算安排 **12.5** 万元。\n<p>公务接待费支出 1.2 万元</p>\n")
    figures = figures_of(source)
    assert only(figures, "operating_costs").amount.value == Decimal("12.5")
    reception = only(figures, "reception")
    assert reception.amount.value == Decimal("1.2") and reception.lines.first == 2


def test_yuan_and_wan_yuan_are_kept_as_printed() -> None:
    source = excerpt("其中:一般公共预算收入 20 万元,政府性基金预算收入 300 元。\n")
    figures = figures_of(source)
    assert only(figures, "general_budget_revenue").amount.yuan == Decimal("200000")
    assert only(figures, "government_fund_revenue").amount.yuan == Decimal("300")


def test_increase_and_decrease_signs() -> None:
    source = excerpt("基本支出 10 万元,比上年预算减少 2.5 万元,下降 20%。\n项目支出 30 万元,比上年增加 3 万元,增长 11.11%。\n")
    figures = figures_of(source)
    basic = only(figures, "basic_expenditure")
    assert basic.change.value == Decimal("-2.5") and basic.change_percent == Decimal("-20")
    project = only(figures, "project_expenditure")
    assert project.change.value == Decimal("3") and project.change_percent == Decimal("11.11")


def test_table_lines_are_not_read() -> None:
    source = excerpt("机关运行经费 99 万元\n机关运行经费 5 万元。\n")
    figures, _ = extract_narrative(source, {1})
    assert [f.amount.value for f in figures] == [Decimal("5")]


def test_redacted_figure_gives_a_warning_with_its_lines() -> None:
    source = excerpt("(二)公务接待费支出**万元,与上年持平。\n")
    figures, warnings = extract_narrative(source, set())
    assert figures == []
    assert len(warnings) == 1 and warnings[0].lines.first == 1
    assert "公务接待费" in warnings[0].message


def test_no_warning_for_a_keyword_without_a_figure() -> None:
    source = excerpt("本年度拟购置固定资产总额为 10.00 万元,已按要求列入政府采购预算,详见政府采购预算表。\n")
    figures, warnings = extract_narrative(source, set())
    assert figures == [] and warnings == []


def test_shares_of_the_whole_are_read_with_their_figure():
    source = source_from_bytes(
        "2024年部门预算\n基本支出 336.25 万元，占 15.71%，比上年预算减少 43.29 万元，下降 11.41%。\n".encode("utf-8"),
        "excerpt.txt",
    )
    figures, _ = extract_narrative(source, set())
    (basic,) = [f for f in figures if f.kind == "basic_expenditure"]
    assert basic.share_percent == Decimal("15.71")
    assert basic.change_percent == Decimal("-11.41")


def test_last_years_figure_named_in_a_comparison_is_kept() -> None:
    # Seed 003 line 70 and seed 002 line 634: the comparison names last year's figure.
    total = [f for f in figures_of(seed("003")) if f.kind == "three_public_total" and f.lines.first == 70]
    assert len(total) == 1 and total[0].prior_amount is not None
    assert (total[0].amount.value, total[0].prior_amount.value, total[0].change.value) == (Decimal("10.73"), Decimal("31.18"), Decimal("-20.45"))
    vehicles = [f for f in figures_of(seed("002")) if f.kind == "vehicle_total" and f.lines.first == 634]
    assert vehicles[0].prior_amount is not None and vehicles[0].prior_amount.value == Decimal("49.3")


def test_a_change_without_last_years_figure_has_no_prior_amount() -> None:
    figures = figures_of(excerpt("公务用车运行费 2.64 万元,比上年减少 0.13 万元,下降 4.69%。\n"))
    figure = only(figures, "vehicle_operation")
    assert figure.change is not None and figure.change.value == Decimal("-0.13")
    assert figure.prior_amount is None


def test_a_line_ending_in_a_semicolon_goes_on_in_the_same_paragraph() -> None:
    # 000:45 states the total, 基本支出 and its parts and stops at "；"; 000:47 lists 项目支出: one enumeration.
    figures = figures_of(seed("000"))
    [basic] = [f for f in figures if f.kind == "basic_expenditure" and f.amount is not None]
    [project] = [f for f in figures if f.kind == "project_expenditure" and f.amount is not None]
    assert (basic.lines.first, project.lines.first) == (45, 47)
    assert basic.paragraph == project.paragraph
    # A full stop still ends it: 000:51 (比上年增减) is a paragraph of its own.
    total = [f for f in figures if f.kind == "expenditure_total"]
    assert [f.lines.first for f in total] == [45, 51] and total[0].paragraph != total[1].paragraph


def _items(figures: list[NarrativeFigure]) -> list[tuple[str | None, str | None, str]]:
    return [(f.item_of, f.label, f.amount.printed if f.amount else "") for f in figures if f.kind == "listed_item"]


def test_000_operating_costs_items_after_qizhong() -> None:
    figures = figures_of(seed("000"))
    items = _items(figures)
    assert len(items) == 19 and items[0] == ("operating_costs", "办公费", "21.63") and items[-1][1] == "党组织活动经费"
    assert sum(Decimal(printed) for _, _, printed in items) == Decimal("125.8")
    assert {f.lines.first for f in figures if f.kind == "listed_item"} == {55}
    # 公务用车运行维护费 8.7 and 公务接待费 1.53 are items of 机关运行经费 there, not 三公 figures.
    assert ("operating_costs", "公务接待费", "1.53") in items
    assert not [f for f in figures if f.kind in ("reception", "vehicle_operation") and f.lines.first == 55]


def test_003_items_separated_by_semicolons_replace_the_three_public_names_read_there() -> None:
    figures = figures_of(seed("003"))
    items = _items(figures)
    assert len(items) == 19 and sum(Decimal(printed) for _, _, printed in items) == Decimal("167.38")
    assert not [f for f in figures if f.kind in ("reception", "vehicle_operation") and f.lines.first == 66]
    assert [f.lines.first for f in figures if f.kind == "reception"] == [70]


def test_a_list_of_keyword_figures_or_of_other_things_is_not_read_as_items() -> None:
    # Sources of 收入 are keyword figures (narrative-sum adds them); 人 are no money.
    source = excerpt(
        "预算收入 20 万元，其中：一般公共预算收入 15 万元，政府性基金预算收入 5 万元。\n"
        "机关运行经费 10 万元，其中：在职 15 人、退休 2 人。\n"
        "机关运行经费 12 万元，其中：办公费 8 万元、主要用于购置办公用品。\n"
    )
    assert _items(figures_of(source)) == []


def test_a_list_in_an_excerpt_of_another_template() -> None:
    source = excerpt("2024年机关运行经费预算为 30.5 万元,主要用于机关日常运转,其中:办公费 10 万元;差旅费 20.5 万元。\n")
    assert _items(figures_of(source)) == [("operating_costs", "办公费", "10"), ("operating_costs", "差旅费", "20.5")]


def test_004_carryover_items_after_baokuo_up_to_a_sub_list() -> None:
    # "上年结转结余 36.59 万元，包括：财政拨款 36.59 万元，非财政拨款 0 万元，其中：" and the projects follow.
    assert _items(figures_of(seed("004"))) == [("carryover", "财政拨款", "36.59"), ("carryover", "非财政拨款", "0")]
