"""Target and threshold syntax (domain.md §5) and indicator direction."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kg.extract.targets import HIGHER, LOWER, indicator_direction, parse_target

D = Decimal


@pytest.mark.parametrize(
    ("text", "comparator", "lower", "upper", "unit"),
    [
        ("100%", "=", D(100), D(100), "%"),
        ("≥95%", ">=", D(95), None, "%"),
        (">=95%", ">=", D(95), None, "%"),
        ("≤30万元", "<=", None, D(30), "万元"),
        ("=100%", "=", D(100), D(100), "%"),
        ("60%以下", "<=", None, D(60), "%"),
        ("10%以上", ">=", D(10), None, "%"),
        ("低于30%", "<", None, D(30), "%"),
        ("低于 1%", "<", None, D(1), "%"),
        ("大于3次", ">", D(3), None, "次"),
        ("小于10次", "<", None, D(10), "次"),
        ("3-5条", "range", D(3), D(5), "条"),
        ("10%-15%", "range", D(10), D(15), "%"),
        ("2.68元/公斤", "=", D("2.68"), D("2.68"), "元/公斤"),
        ("1203.04元/人/月", "=", D("1203.04"), D("1203.04"), "元/人/月"),
        ("≥40 人", ">=", D(40), None, "人"),
        (r"$\geq 95\%$", ">=", D(95), None, "%"),
        (r"$\leq$ 5次", "<=", None, D(5), "次"),
        ("≥100 百分比", ">=", D(100), None, "%"),
        ("0", "=", D(0), D(0), None),
        ("10 以下", "<=", None, D(10), None),
    ],
)
def test_target_syntax(text: str, comparator: str, lower: Decimal | None, upper: Decimal | None, unit: str | None) -> None:
    target = parse_target(text)
    assert target.text == text
    assert (target.comparator, target.lower, target.upper, target.unit) == (comparator, lower, upper, unit)


@pytest.mark.parametrize("text", ["合规", "有效提升", "稳定", "能够抵挡住5年一遇的洪水", "2000 元/1600 元每吨", "大于 5% 大于 5%"])
def test_qualitative_values_keep_only_their_text(text: str) -> None:
    assert parse_target(text) == parse_target(text).__class__(text)
    assert parse_target(text).comparator is None


def _grades(*texts: str) -> list:
    return [parse_target(t) for t in texts]


def test_direction_from_grade_order() -> None:
    assert indicator_direction("返贫率", _grades("0%", "1%", "2%", "3%以上")) == LOWER
    assert indicator_direction("三公经费变动率", _grades("0%以下", "7%以下", "9%以下", "10%以上")) == LOWER
    assert indicator_direction("每周火点推送条数", _grades("3条以下", "3-5条", "6-8条", "9条以上")) == LOWER
    assert indicator_direction("党员培训覆盖率", _grades("100%", "90%", "80%", "60%以下")) == HIGHER
    # The grades outrank the wording: a falling rate whose 优 is the biggest fall.
    assert indicator_direction("会议费支出下降率", _grades("5%", "3%", "2%", "低于2%")) == HIGHER
    # Equal bounds: the worst grade's comparator decides.
    assert indicator_direction("某指标", _grades("60%", "60%以下")) == HIGHER


def test_direction_from_wording_and_comparator() -> None:
    assert indicator_direction("村民受灾率", []) == LOWER
    assert indicator_direction("投诉次数", []) == LOWER
    assert indicator_direction("补助成本", _grades("≤30 万元")) == LOWER
    assert indicator_direction("受益群体满意度", _grades("≥90%")) == HIGHER
    assert indicator_direction("工作经费发放覆盖率", _grades("100%")) == HIGHER
    assert indicator_direction("支出合规性", _grades("合规", "不合规")) is None
    assert indicator_direction("保障办公人数", _grades("≥40 人")) == HIGHER
    assert indicator_direction("涉军公益岗位人员数量", _grades("1 人")) is None
