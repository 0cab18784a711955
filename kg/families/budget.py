"""The budget family (部门预算 / 单位预算公开): the vocabulary budgetkg was first written for.

Everything here was spread over ``recognition``, ``extract.columns``,
``extract.document``, ``extract.narrative`` and ``mapping`` before the family seam;
it moved unchanged (the seeds and examples give the same triples before and after,
checked by an N-Quads export diff), so a budget reads exactly as it did.
"""

from __future__ import annotations

import re

from kg.families import DocumentClasses, Family, Stage
from kg.records import TableKind

TABLE_TITLES = tuple(
    (re.compile(pattern), kind)
    for pattern, kind in (
        (r"整体.*绩效|绩效.*整体", TableKind.department_performance),
        (r"职责.*活动|工作活动", TableKind.activity_performance),
        (r"绩效目标表|绩效目标申报表|项目.*绩效", TableKind.project_performance),
        (r"三公", TableKind.three_public),
        (r"财政拨款收支", TableKind.appropriation_summary),
        (r"收支(?:预算)?总(?:体情况)?表|收支总表|收支预算总表", TableKind.revenue_expenditure_summary),
        (r"基本支出", TableKind.basic_expenditure),
        (r"一般公共预算.*项目支出|项目支出.*表", TableKind.project_expenditure),
        (r"政府性基金", TableKind.government_fund_expenditure),
        (r"国有资本经营", TableKind.state_capital_expenditure),
        (r"一般公共预算.*支出", TableKind.general_budget_expenditure),
        (r"收入总(?:体情况)?表|收入预算表|收入总表", TableKind.revenue),
        (r"支出总(?:体情况)?表|支出预算表|支出总表", TableKind.expenditure),
        (r"结转结余", TableKind.carryover),
        (r"政府采购", TableKind.procurement),
        (r"资产", TableKind.assets),
        (r"机构设置|基本情况表|机构情况", TableKind.organisation),
        (r"人员编制|编制情况|人员情况", TableKind.staffing),
    )
)

# A title is a short line that names a table; section headings in prose such as
# "四、财政拨款“三公”经费预算情况及增减变化原因" are not tables, so a title must
# end like one.
TITLE_ENDING = re.compile(r"(?:表|情况|绩效目标|目标表|明细)\s*(?:\(.*\))?$")


def header_kind(words: set[str], joined: str) -> TableKind | None:
    """Untitled tables: what their header columns say they are."""
    if "一级指标" in joined and ("优" in words or "评价标准" in joined):
        return TableKind.activity_performance
    if "职责活动" in joined:
        return TableKind.activity_performance
    if "一级指标" in joined or "三级指标" in joined:
        return TableKind.project_performance
    if "单位名称" in joined and ("单位性质" in joined or "经费保障形式" in joined):
        return TableKind.organisation
    if "采购" in joined:
        return TableKind.procurement
    if "基本支出" in joined and "项目支出" in joined:
        return TableKind.expenditure
    if "人员经费" in joined and "公用经费" in joined:
        return TableKind.basic_expenditure
    return None


# Most specific first: the first rule a header part matches names its meaning.
COLUMN_RULES = tuple(
    (re.compile(pattern), key)
    for pattern, key in (
        (r"上级一般公共预算|一般公共预算.*转移支付", "general_budget_transfer"),
        (r"上级政府性基金|政府性基金.*转移支付", "government_fund_transfer"),
        (r"上级国有资本|国有资本.*转移支付", "state_capital_transfer"),
        (r"非财政拨款.*结转", "non_fiscal_carryover"),
        (r"财政拨款.*结转", "fiscal_carryover"),
        # Before 财政拨款, which its name contains: "非财政拨款/合计" (上年结转结余情况表,
        # seed 004 line 437) is the money that is not appropriated.
        (r"非财政拨款", "non_fiscal"),
        (r"上年结转|结转结余|上年结余", "carryover"),
        (r"一般公共预算|一般财力|公共财政", "general_budget"),
        (r"政府性基金|基金预算", "government_fund"),
        (r"国有资本经营", "state_capital"),
        (r"财政专户", "special_account"),
        (r"财政拨款", "fiscal_appropriation"),
        (r"单位资金", "unit_funds"),
        (r"经营收入", "operating_income"),
        (r"事业收入", "business_income"),
        (r"上级补助", "superior_subsidy"),
        (r"附属单位上缴", "subordinate_remittance"),
        (r"其他收入|其他来源|其他渠道|其他资金", "other_income"),
        (r"人员经费", "personnel"),
        (r"公用经费", "public"),
        (r"基本支出", "basic"),
        (r"项目支出", "project"),
        (r"经营支出", "operating_expenditure"),
        (r"上解上级", "remit_superior"),
        (r"对附属单位补助", "subsidy_subordinate"),
        (r"工资福利", "wages"),
        (r"商品和服务", "goods_services"),
        (r"对个人和家庭", "household_subsidy"),
        (r"资本性支出", "capital"),
        (r"因公出国", "outbound_travel"),
        (r"购置费|车辆购置", "vehicle_purchase"),
        (r"运行(?:维护)?费|运维费", "vehicle_operation"),
        (r"公务用车", "vehicles"),
        (r"公务接待", "reception"),
        (r"会议费", "meeting"),
        (r"培训费", "training"),
        (r"单价", "unit_price"),
        (r"数量", "quantity"),
        (r"上年", "previous_year"),
        (r"增减|增长|变动", "change"),
        (r"本年收入|本年合计|本年预算", "current_year"),
    )
)
GENERIC_COLUMNS = re.compile(
    r"^(?:小计|合计|总计|计|预算数|预算金额|金额|预算|数额|资金总额|年度预算|预算资金|支出预算|价值|"
    r"政府采购金额|当年部门预算安排资金|项目|收入|支出|功能分类|财政拨款收入|财政拨款支出)$"
)


def column_stage(path: list[str]) -> str | None:
    """A budget's money columns are all this year's budget (上年预算数 is a column meaning, not a stage)."""
    return None


_CJK = "\u4e00-\u9fff"
_YEAR = r"\d{4}\s*年?\s*"  # the 年 is sometimes dropped: "2023 预算收入合计"
_UNIT_SCOPE = r"(?:部门|单位)?"
# "部门预算收支安排 X 万元" states both totals at once (收入总计 = 支出总计).
BOTH_TOTALS = "both_totals"
# Alternatives are tried left to right at each position, so a kind whose
# keyword is a longer form of another's comes first.
NARRATIVE_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("vehicle_total", r"公务用车购置及运(?:行)?(?:维(?:护)?)?费"),
    ("vehicle_purchase", r"公务用车购置(?!及)(?:费|支出)?"),
    ("vehicle_operation", r"公务用车运(?:行)?(?:维(?:护)?)?费"),
    ("vehicles_purchased", r"购置公务用车"),
    ("vehicles_held", r"(?:公务用车)?保有量"),
    ("procurement_goods", r"政府采购货物预算"),
    ("procurement_works", r"政府采购工程预算"),
    ("procurement_services", r"政府采购服务预算"),
    ("procurement_total", r"政府采购预算(?:金额|总额)?"),
    ("operating_costs", r"机关运行经费(?:财政拨款)?(?:预算)?"),
    ("three_public_total", r"[“\"]三公[”\"]经费(?:数|预算)?|三公经费(?:数|预算)?"),
    ("outbound_travel", r"因公出国\(境\)费(?:用)?"),
    ("reception", r"公务接待费"),
    ("general_budget_revenue", r"(?<!上级)一般公共预算(?!支出|基本支出|项目支出|当年)(?:财政拨款)?(?:收入|拨款)?(?:合计)?"),
    ("government_fund_revenue", r"(?<!上级)(?:政府性)?基金预算(?!支出)(?:财政拨款)?(?:收入|拨款)?"),
    ("special_account_revenue", r"财政专户(?:核拨|管理资金)?收入"),
    # 002: "其中：财政拨款收入4409.55万元" (the whole of a unit funded only by appropriations).
    ("fiscal_revenue", r"(?<!一般公共预算)(?<!本年)财政拨款收入(?=\s*\d)"),
    ("other_revenue", r"其他来源收入|单位资金收入|其他收入"),
    ("carryover", r"上年结转(?:结余)?(?:资金)?|财政拨款结转(?:结余)?"),
    (BOTH_TOTALS, r"(?:" + _YEAR + r",?\s*)?" + _UNIT_SCOPE + r"(?:预算收支安排|收支预算安排|预算收支总额|(?<!拨款)收支总预算)"),
    (
        "revenue_total",
        r"(?:" + _YEAR + _UNIT_SCOPE + r"|部门|单位)(?:预算收入|收入预算)(?:合计|总计|总额)?"
        r"|本年收入合计|收入总计",
    ),
    (
        "expenditure_total",
        r"(?:" + _YEAR + _UNIT_SCOPE + r"|部门|单位)(?:预算支出|支出预算)(?:合计|总计|总额)?"
        r"|本年支出合计|支出总计",
    ),
    ("basic_expenditure", r"基本支出(?!表|情况)(?:预算收入|预算)?"),
    ("project_expenditure", r"项目支出(?!表|情况|绩效)(?:预算收入|预算)?"),
    ("personnel_expenditure", r"人员经费"),
    ("public_expenditure", r"(?:日常)?公用经费"),
    # Asset lines start with the class: "1. 房屋 2512.34 平方米" (not "其他车辆 3 辆").
    ("assets_buildings", rf"(?<![{_CJK}])房屋(?=\s*\d)"),
    ("assets_vehicles", rf"(?<![{_CJK}])车辆(?=\s*\d+\s*辆)"),
    ("assets_total", r"(?<!购置)固定资产(?:金额|总额|原值)?"),
)

BUDGET = Family(
    key="budget",
    name="预算",
    document_word=r"预\s*算",
    title_window=1,
    table_titles=TABLE_TITLES,
    title_ending=TITLE_ENDING,
    header_kind=header_kind,
    column_rules=COLUMN_RULES,
    generic_columns=GENERIC_COLUMNS,
    column_stage=column_stage,
    default_stage=Stage.initial_budget,
    narrative_keywords=NARRATIVE_KEYWORDS,
    classes=DocumentClasses(department="DepartmentBudgetDisclosure", unit="UnitBudgetDisclosure", family="BudgetDocument"),
    shapes=("core.ttl", "identities.ttl", "tables.ttl"),  # tables.ttl: assets, procurement rows, column groups
    heading=re.compile(r"预算[^决]{0,24}(?:表|公开|说明)$|预算$"),
)
