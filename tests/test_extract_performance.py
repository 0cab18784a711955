"""Project and department performance tables: seeds and one excerpt per quirk."""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path

from kg.extract.performance import extract_performance
from kg.readers.text import read_source, source_from_bytes
from kg.records import Lines, MoneyUnit, PerformanceTarget, TableKind
from kg.tables import find_tables

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
PERFORMANCE = (TableKind.project_performance, TableKind.department_performance)


@cache
def _targets(prefix: str) -> tuple[tuple[PerformanceTarget, ...], tuple]:
    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    targets, warnings = [], []
    for index, table in enumerate(find_tables(read_source(path)), start=1):
        if table.kind in PERFORMANCE:
            target, found = extract_performance(table, index)
            assert target is not None
            targets.append(target)
            warnings.extend(found)
    return tuple(targets), tuple(warnings)


def _by_code(prefix: str, code: str) -> PerformanceTarget:
    return next(t for t in _targets(prefix)[0] if t.code == code)


def _indicator(target: PerformanceTarget, name: str):
    return next(i for i in target.indicators if i.name == name)


def _excerpt(text: str) -> list:
    tables = find_tables(source_from_bytes(text.encode("utf-8"), "excerpt.txt"))
    return [extract_performance(t, i) for i, t in enumerate(tables, start=1) if t.kind in PERFORMANCE]


# --- seeds ---------------------------------------------------------------------


def test_hebei_project_table() -> None:
    target = _by_code("001", "13011024P00320310576K")
    assert target.kind is TableKind.project_performance
    assert target.name == "2024 区级龙泉湖片区建设指挥部工作经费"
    assert target.budget_total is not None and target.budget_total.value == Decimal("30.00")
    assert target.budget_total.unit is MoneyUnit.wan_yuan and target.budget_total.yuan == Decimal("300000")
    assert target.budget_fiscal is not None and target.budget_fiscal.printed == "30.00"
    assert target.budget_other is None  # printed blank: unknown, not zero
    assert target.spending_plan == (("3月底", 25), ("6月底", 50), ("10月底", 75), ("12月底", 100))
    assert target.purpose is not None and target.purpose.startswith("保障龙泉湖片区指挥部五个工作组")
    assert target.goals is not None and target.goals.startswith("1. 保障龙泉湖片区指挥部")
    assert len(target.indicators) == 7
    people = _indicator(target, "保障办公人数")
    assert people.lines == Lines(630, 630)
    assert (people.level1, people.level2) == ("产出指标", "数量指标")
    assert people.description == "保障龙泉湖片区建设指挥部常驻办公人数"
    assert people.target is not None and people.target.text == "≥40 人"
    assert (people.target.comparator, people.target.lower, people.target.unit) == (">=", Decimal(40), "人")
    assert people.basis == "分组红头政策文件"
    # Level 1 is printed once and filled down.
    cost = _indicator(target, "补助成本")
    assert cost.level1 == "产出指标" and cost.level2 == "成本指标"
    assert cost.target is not None and cost.target.upper == Decimal(30) and cost.direction == "lower-is-better"
    assert _indicator(target, "受益群体满意度").direction == "higher-is-better"


def test_hebei_quirks_in_seeds() -> None:
    # 资金支出计划 wrapped: "12 月底 | | 100%" on a row of its own.
    wrapped = _by_code("001", "13011024P003203105074")
    assert wrapped.spending_plan[-1] == ("12月底", Decimal(100)) and len(wrapped.spending_plan) == 4
    # "其中:财政 | 资金 | 135.29": the label wrapped into the next cell; the grid has an empty column.
    soldiers = _by_code("001", "13011024P00320710280L")
    assert soldiers.budget_fiscal is not None and soldiers.budget_fiscal.value == Decimal("135.29")
    insurance = _indicator(soldiers, "涉军劳务派遣人员保险标准")
    assert insurance.target is not None and insurance.target.unit == "元/人/月"
    assert insurance.target.lower == Decimal("1203.04") and insurance.description == "涉军劳务派遣人员保险标准"
    # The grid header repeats after a page break; the cut basis continues on the next row.
    shops = _by_code("001", "13011024P003203105364")
    beneficiaries = _indicator(shops, "受益人数")
    assert beneficiaries.basis == "工作计划标底、预算评审报告及相关政策要求"
    assert beneficiaries.lines == Lines(844, 847)
    assert len(shops.indicators) == 12
    # Only the 10月底 and 12月底 percentages printed: paired by column, not in order.
    transfer = _by_code("002", "13081123P00046010001M")
    assert transfer.spending_plan == (("10月底", Decimal(80)), ("12月底", Decimal(100)))


def test_short_row_is_realigned_with_a_warning() -> None:
    target = _by_code("002", "13081124P00018310001C")
    coverage = next(i for i in target.indicators if i.lines == Lines(938, 938))
    assert coverage.target is not None and coverage.target.lower == Decimal(80) and coverage.target.unit == "%"
    assert coverage.basis == "关于全面强化提升夜间经营场所治安管控水平的紧急通知"
    warnings = _targets("002")[1]
    assert [w.lines for w in warnings] == [Lines(938, 938)]


def test_xinjiang_department_table() -> None:
    targets, warnings = _targets("004")
    department = next(t for t in targets if t.kind is TableKind.department_performance)
    assert department.name == "轮台县人力资源和社会保障局"
    assert department.responsible_person == "梁山"
    assert department.budget_fiscal is not None and department.budget_fiscal.value == Decimal("2140.09")
    assert department.budget_fiscal.printed == "1798.84+341.25"
    assert department.budget_other is not None and department.budget_other.value == 0
    assert department.budget_fiscal.unit is MoneyUnit.wan_yuan  # stated in 年度预算(万元)
    assert department.budget_total is None  # not printed, so not derived
    assert [i.weight for i in department.indicators] == [Decimal(15)] * 6
    employment = _indicator(department, "应届普通高校毕业生就业落实率")
    assert employment.target is not None and employment.target.comparator == ">=" and employment.lines == Lines(816, 816)
    assert employment.basis == "轮台县人社局 2024 年工作计划"
    assert not warnings


def test_xinjiang_project_table() -> None:
    project = next(t for t in _targets("004")[0] if t.kind is TableKind.project_performance)
    assert project.name == "特定目标类项目-保基本民生项目-2024年 就业补贴资金"
    assert project.responsible_person == "海赛尔·卡哈尔曼"
    assert project.budget_total is not None and project.budget_total.value == Decimal(5)
    assert project.budget_fiscal is not None and project.budget_fiscal.value == Decimal(5)
    assert project.budget_other is not None and project.budget_other.value == Decimal(0)
    assert project.goals is not None and "<p>" not in project.goals and project.goals.startswith("为实施更加积极的就业政策")
    assert [i.weight for i in project.indicators] == [Decimal(w) for w in (10, 10, 10, 10, 10, 15, 15, 10)]
    times = _indicator(project, "发放补贴次数")
    assert (times.level1, times.level2) == ("产出指标", "数量指标")  # both filled down
    assert (times.last_year_value, times.scoring_rule, times.evidence) == ("无", "按照完成比例赋分", "原始凭证")
    standard = _indicator(project, "发放补贴标准")
    assert standard.level1 == "成本指标" and standard.target is not None and standard.target.unit == "元/人/月"


# --- excerpts --------------------------------------------------------------------

_PAGE_BREAK = """\
1、2024 测试项目绩效目标表

单位：万元

项目编码\tT0001\t\t项目名称\t测试项目\t
预算规模及资金用途\t预算数\t103.30\t其中：财政资金\t100.00\t其他资金\t3.30
\t用于测试
资金支出计划（%）\t3 月底\t\t6 月底\t\t10 月底
\t10%\t\t40%\t\t70%
12 月底\t\t100%
绩效目标\t1. 第一个目标
\t2. 第二个目标
一级指标\t二级指标\t三级指标\t指标值\t绩效指标描述\t指标值确定依据
产出指标\t数量指标\t培训人数\t≥40 人\t培训的人数\t工作计划
\t\t培训次数\t≥4 次\t培训的次数\t工作计划及相关
签字栏\t
一级指标\t二级指标\t三级指标\t指标值\t绩效指标描述\t指标值确定依据
\t\t\t\t\t政策要求
\t质量指标\t培训合格率\t≥95%\t合格的比例\t历年经验
满意度指标\t服务对象满意度指标\t满意度\t≥90%\t\t历年经验
"""


def test_excerpt_page_break_wrapped_plan_and_filled_down_levels() -> None:
    [(target, warnings)] = _excerpt(_PAGE_BREAK)
    assert target is not None
    assert target.code == "T0001" and target.name == "测试项目"
    assert (target.budget_total.value, target.budget_fiscal.value, target.budget_other.value) == (Decimal("103.30"), Decimal("100.00"), Decimal("3.30"))
    assert target.purpose == "用于测试"
    assert target.goals == "1. 第一个目标\n2. 第二个目标"
    assert target.spending_plan == (("3月底", 10), ("6月底", 40), ("10月底", 70), ("12月底", 100))
    names = [i.name for i in target.indicators]
    assert names == ["培训人数", "培训次数", "培训合格率", "满意度"]
    times = target.indicators[1]
    # Columns are read by header name: 指标值 comes before the description here.
    assert times.target is not None and times.target.lower == Decimal(4) and times.description == "培训的次数"
    assert (times.level1, times.level2) == ("产出指标", "数量指标")
    assert times.basis == "工作计划及相关政策要求" and times.lines == Lines(15, 18)
    quality = target.indicators[2]
    assert (quality.level1, quality.level2) == ("产出指标", "质量指标")
    assert target.indicators[3].level1 == "满意度指标"
    # The row the extractor cannot read is reported with its line, not dropped.
    assert any("签字栏" in w.message for w in warnings)


def test_excerpt_title_gives_the_name_when_no_cell_does() -> None:
    text = """\
3、办公设备购置项目绩效目标表

预算数\t12.5\t
一级指标\t二级指标\t三级指标\t指标值
产出指标\t数量指标\t购置台数\t10 台
"""
    [(target, warnings)] = _excerpt(text)
    assert target is not None and target.name == "办公设备购置"
    assert target.budget_total is not None and target.budget_total.value == Decimal("12.5")
    assert target.indicators[0].target is not None and target.indicators[0].target.comparator == "="
    assert not warnings
