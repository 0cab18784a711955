"""Responsibility-activity tables (优/良/中/差): seeds and one excerpt per quirk."""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path

from kg.extract.activities import extract_activities
from kg.readers.text import read_source, source_from_bytes
from kg.records import Activity, Lines, MoneyUnit, TableKind
from kg.tables import find_tables

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"


def _extract(tables) -> tuple[list[Activity], list]:
    activities, warnings = [], []
    for index, table in enumerate(tables, start=1):
        if table.kind is TableKind.activity_performance:
            found, problems = extract_activities(table, index)
            activities.extend(found)
            warnings.extend(problems)
    return activities, warnings


@cache
def _seed(prefix: str) -> tuple[tuple[Activity, ...], tuple]:
    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    activities, warnings = _extract(find_tables(read_source(path)))
    return tuple(activities), tuple(warnings)


def _excerpt(text: str) -> tuple[list[Activity], list]:
    return _extract(find_tables(source_from_bytes(text.encode("utf-8"), "excerpt.txt")))


def _named(activities, name: str) -> Activity:
    return next(a for a in activities if a.name == name)


def _grades(indicator) -> list[str]:
    return [f"{g.grade}:{g.target.text}" for g in indicator.grades]


# --- seeds ---------------------------------------------------------------------


def test_markdown_seed() -> None:
    activities, _ = _seed("000")
    assert len(activities) == 37 and sum(len(a.indicators) for a in activities) == 50
    assert [a.name for a in activities if a.level == 1][:3] == ["一、镇党委", "二、镇人大", "三、镇政府"]
    party = _named(activities, "一、镇党委")
    assert party.budget is not None and party.budget.value == Decimal("220.4") and party.budget.unit is MoneyUnit.wan_yuan
    assert party.indicators == () and party.parent is None
    # An unnumbered sub-activity opening a page, with three extra indicator rows.
    ideology = activities[1]
    assert ideology.level == 2 and ideology.parent == "一、镇党委" and ideology.name.startswith("思想政治建设")
    assert [i.name for i in ideology.indicators] == ["每月至少开1次党建专题党委会", "主题教育活动开展及时率", "党员培训覆盖率", "国防宣传覆盖率"]
    assert ideology.indicators[1].description == "着力建设高素质党员干部队伍"  # the goal printed on that row
    poverty = _named(activities, "4、做好扶贫脱贫工作")
    [rate] = poverty.indicators
    assert rate.name == "返贫率" and rate.lines == Lines(315, 315)
    assert _grades(rate) == ["优:0%", "良:1%", "中:2%", "差:3%以上"]
    assert rate.grades[-1].target.comparator == ">=" and rate.direction == "lower-is-better"
    assert poverty.parent == "七、农业综合服务中心"


def test_markdown_seed_page_break_continuations() -> None:
    activities, _ = _seed("000")
    # "六、党建工作办公室(人大主席团办公" + "室)" on the next page, whose description runs over two pages.
    office = _named(activities, "六、党建工作办公室(人大主席团办公室)")
    assert office.lines == Lines(270, 288) and office.description.endswith("并予以备案。")
    # "60%" + "以下" and "创建文明城市" + "考核达标率" across a page break.
    city = next(i for a in activities for i in a.indicators if i.name == "创建文明城市考核达标率")
    assert _grades(city)[-1] == "差:60%以下" and city.lines == Lines(292, 301)
    assert city.description == "加强精神文明建设,提升市民文明素质和城市文明程度"
    # One row is the tail of the description above and a new indicator.
    rubbish = _named(activities, "村级垃圾处理工作、大气污染防治工作、环保巡查检查工作")
    assert rubbish.description.endswith("发现问题及时处置。")
    fires = rubbish.indicators[1]
    assert fires.name == "每周火点推送条数" and fires.lines == Lines(385, 385)
    assert _grades(fires) == ["优:3条以下", "良:3-5条", "中:6-8条", "差:9条以上"] and fires.direction == "lower-is-better"
    assert _named(activities, "十二、退役军人服务站").indicators[0].name == "退役军人服务站达标率"


def test_tab_seed() -> None:
    activities, warnings = _seed("003")
    assert len(activities) == 42 and len([a for a in activities if a.level == 1]) == 12
    assert sum(len(a.indicators) for a in activities) == 118
    poverty = _named(activities, "5、做好扶贫脱贫工作")
    assert _grades(poverty.indicators[0]) == ["优:0%", "良:1%", "中:2%", "差:3%以上"]
    assert poverty.indicators[0].direction == "lower-is-better"
    meetings = next(i for a in activities for i in a.indicators if i.name == "会议费支出下降率")
    assert meetings.direction == "higher-is-better"
    compliance = next(i for a in activities for i in a.indicators if i.name == "资金支出合规性")
    assert _grades(compliance) == ["优:合规", "差:不合规"] and compliance.grades[0].target.comparator is None
    # The header repeats at every page with no preamble: a name cut there continues.
    government = next(a for a in activities if a.name.startswith("1、党政综合工作"))
    assert government.name.endswith("7、行政综合服务 工作。")
    assert government.indicators[-1].name == "失地养老保险金及时发放性"
    disasters = next(a for a in activities if a.name.startswith("3、做好本辖区自然灾害隐患"))
    assert disasters.name.endswith("排查及应急保障 工作")
    assert [i.name for i in disasters.indicators] == ["宣传覆盖率", "数据准确率", "资金使用率", "排查隐患率"]
    # One cell holding two indicators is split, with a warning.
    petitions = next(a for a in activities if a.name == "1、信访维稳工作")
    assert [i.name for i in petitions.indicators[:2]] == ["重复信访下降", "上访率下降"]
    assert _grades(petitions.indicators[1])[1] == "良:2%-5%"
    assert petitions.goal.endswith("无极端恶性事件”。")  # the cut goal continued after the page break
    assert {w.lines for w in warnings} == {Lines(326, 326), Lines(309, 309)}


# --- excerpts --------------------------------------------------------------------

_MARKDOWN = """\
部门职责-工作活动绩效目标

单位：万元

| 职责活动 | 年度预算数 | 内容描述 | 绩效目标 | 绩效指标 | 评价标准 | | | |
|---|---|---|---|---|---|---|---|---|
| | | | | | 优 | 良 | 中 | 差 |
| 一、镇办公室 | 103.30 | 负责机关运转 | 保障运转 | | | | | |
| 1、机关事务 | 50 | 文电、会务和后 | 严格落实制度 | 台账完整率 | 100% | 90% | 80% | 60% |

单位：万元

| 职责活动 | 年度预算数 | 内容描述 | 绩效目标 | 绩效指标 | 评价标准 | | | |
|---|---|---|---|---|---|---|---|---|
| | | | | | 优 | 良 | 中 | 差 |
| | | 勤保障 | | | | | | 以下 |
| | | | 控制一般性支出 | 三公经费变动率 | 0%以下 | 5%以下 | 7%以下 | 10%以上 |
| 二、镇党委 | | 党建 | 从严治党 | 投诉次数 | 0 | 1 | 2 | 3 |
"""


def test_excerpt_markdown_second_header_row_and_page_break() -> None:
    activities, warnings = _excerpt(_MARKDOWN)
    assert [(a.name, a.level, a.parent) for a in activities] == [("一、镇办公室", 1, None), ("1、机关事务", 2, "一、镇办公室"), ("二、镇党委", 1, None)]
    affairs = activities[1]
    assert affairs.description == "文电、会务和后勤保障"  # the cut cell continues after the page break
    first, extra = affairs.indicators
    assert _grades(first) == ["优:100%", "良:90%", "中:80%", "差:60%以下"]  # "60%" + "以下"
    assert first.grades[-1].target.comparator == "<=" and first.direction == "higher-is-better"
    assert extra.name == "三公经费变动率" and extra.description == "控制一般性支出" and extra.direction == "lower-is-better"
    assert activities[0].budget is not None and activities[0].budget.printed == "103.30"
    assert activities[2].indicators[0].direction == "lower-is-better"
    # The 优 良 中 差 row is a header, never an activity or an indicator.
    assert all(i.name not in ("优", "良", "中", "差") for a in activities for i in a.indicators)
    assert not warnings


def test_excerpt_tab_without_grade_row_and_html() -> None:
    text = """\
职责活动绩效目标表

职责活动\t年度预算数\t内容描述\t绩效目标\t绩效指标\t评价标准\t\t\t
一、综合办\t8\t<p>负责文秘</p><p>负责档案</p>\t保障运转\t办结率\t95%\t90%\t80%\t低于80%
\t\t\t\t受灾率\t1%\t2%\t3%\t4%以上
"""
    activities, warnings = _excerpt(text)
    [office] = activities
    assert office.description == "负责文秘 负责档案"
    assert [i.name for i in office.indicators] == ["办结率", "受灾率"]
    assert _grades(office.indicators[0]) == ["优:95%", "良:90%", "中:80%", "差:低于80%"]
    assert office.indicators[1].direction == "lower-is-better"
    assert not warnings
