"""The final-accounts family (部门决算 / 单位决算): what a department spent, against its budget.

A 决算 prints the tables of a budget with other titles (收入支出决算总表, 支出决算表 …)
and other columns: 年初预算数 / 调整预算数 (or 全年预算数) / 决算数 by code, 预算数
against 决算数 per "三公" item, and 年初结转和结余 / 本年收入 / 本年支出 / 年末结转和结余
in the fund tables. What the national template (``shared/corpus/final-accounts/
部门决算模板-2024.pdf``) and the three Shanghai 普陀区 决算 beside it print decided
the words here; other regions title the same tables 部门收支决算总表, 单位决算…情况表,
so the rules match the table's subject and 决算, not one spelling.

A figure's stage is what its column says (年初预算数 …); a column that says none
(合计 / 基本支出 / 项目支出 of 一般公共预算财政拨款支出决算表, 决算数) is 决算.
"""

from __future__ import annotations

import re

from kg.families import DocumentClasses, Family, Stage
from kg.families.budget import BOTH_TOTALS, COLUMN_RULES, NARRATIVE_KEYWORDS
from kg.families.budget import header_kind as budget_header_kind
from kg.records import TableKind

TABLE_TITLES = tuple(
    (re.compile(pattern), kind)
    for pattern, kind in (
        (r"整体.*绩效|绩效.*整体", TableKind.department_performance),
        (r"绩效目标表|绩效自评表|项目.*绩效", TableKind.project_performance),
        (r"三公", TableKind.three_public),
        (r"财政拨款收入?支出?(?:决算)?总", TableKind.appropriation_summary),
        (r"收入支出(?:决算)?总|收支(?:决算)?总", TableKind.revenue_expenditure_summary),
        (r"基本支出", TableKind.basic_expenditure),
        (r"项目支出", TableKind.project_expenditure),
        (r"政府性基金", TableKind.government_fund_expenditure),
        (r"国有资本经营", TableKind.state_capital_expenditure),
        (r"一般公共预算.*支出", TableKind.general_budget_expenditure),
        (r"收入决算|决算收入", TableKind.revenue),
        (r"支出决算|决算支出", TableKind.expenditure),
        (r"结转和?结余", TableKind.carryover),
        (r"政府采购", TableKind.procurement),
        (r"资产", TableKind.assets),
        (r"机构设置|基本情况表|机构情况", TableKind.organisation),
        (r"人员编制|编制情况|人员情况", TableKind.staffing),
    )
)
# The nine tables of the national template (部门决算模板-2024): a 决算 without one of them still
# ingests, and validation names the table it lacks (shapes/final-accounts.ttl, fa-table-missing,
# reads the same list from the ontology's bkg:requiredTable; tests/test_validation_final_accounts.py
# checks the two agree).
REQUIRED_TABLES: tuple[TableKind, ...] = (
    TableKind.revenue_expenditure_summary,
    TableKind.revenue,
    TableKind.expenditure,
    TableKind.appropriation_summary,
    TableKind.general_budget_expenditure,
    TableKind.basic_expenditure,
    TableKind.three_public,
    TableKind.government_fund_expenditure,
    TableKind.state_capital_expenditure,
)
# Section headings of the explanation end in 情况 (…决算情况说明, (二)政府采购支出情况):
# a 决算 table title ends in 表.
TITLE_ENDING = re.compile(r"(?:表|明细表?)\s*(?:\(.*\))?$")


def header_kind(words: set[str], joined: str) -> TableKind | None:
    """Untitled tables: a budget's header rules, and the 决算 单位构成 list (序号 / 单位名称 / 备注)."""
    if "单位名称" in words and ("备注" in words or "单位性质" in joined):
        return TableKind.organisation
    return budget_header_kind(words, joined)


COLUMN_RULES_FINAL = (
    tuple(
        (re.compile(pattern), key)
        for pattern, key in (
            (r"年初.*结转和?结余|年初结余|年初结转", "opening_balance"),
            (r"年末.*结转和?结余|年末结余|年末结转", "closing_balance"),
            (r"上缴上级|上解上级", "remit_superior"),
            # 公务用车购置及运行(维护)费 is the whole, not its 运行费 part.
            (r"购置及运行", "vehicles"),
        )
    )
    + COLUMN_RULES
)
# Stage words say when a figure was fixed, not what it is: they defer to the part above
# (年初预算数 / 基本支出 is basic) and, alone, mean the row's total.
GENERIC_COLUMNS = re.compile(
    r"^(?:小计|合计|总计|计|金额|项目|收入|支出|功能分类|本年收入合计|本年支出合计|本年支出|"
    r"(?:年初|调整|全年|调整后)?预算数?|决算数?|(?:本年)?(?:年初|调整|全年)?预算(?:数)?合计|决算合计)$"
)

_STAGE_WORDS = (
    (re.compile(r"年初预算"), Stage.initial_budget),
    (re.compile(r"调整(?:后)?预算|全年预算"), Stage.adjusted_budget),
    (re.compile(r"决算"), Stage.final_accounts),
    # In a 决算, a bare 预算数 beside 决算数 is the year's budget as first approved:
    # the 三公 tables print 预算数 where their explanation says 年初预算.
    (re.compile(r"^预算数?$|预算数"), Stage.initial_budget),
)


def column_stage(path: list[str]) -> str | None:
    for part in reversed(path):
        for pattern, stage in _STAGE_WORDS:
            if pattern.search(part):
                return stage
    return None


# The budget's keywords, and the 决算 wordings of the same figures.
NARRATIVE_KEYWORDS_FINAL: tuple[tuple[str, str], ...] = (
    ("procurement_goods", r"货物采购金额"),
    ("procurement_works", r"工程采购金额"),
    ("procurement_services", r"服务采购金额"),
    ("procurement_total", r"政府采购(?:支出)?金额(?:\(以合同签订为准\))?"),
    ("appropriation_total", r"财政拨款收入支出总计"),
    (BOTH_TOTALS, r"收入支出总计"),
    ("general_budget_expenditure", r"一般公共预算财政拨款(?:基本|项目)?支出(?=\s*\d)"),
    ("fiscal_revenue", r"(?<!一般公共预算)财政拨款收入(?=\s*\d)"),
) + NARRATIVE_KEYWORDS

FINAL_ACCOUNTS = Family(
    key="final-accounts",
    name="决算",
    document_word=r"决\s*算",
    # Covers print the title over up to three lines: 中共上海市普陀区委 / 社会工作部 2024 年度 / 部门决算.
    title_window=3,
    table_titles=TABLE_TITLES,
    title_ending=TITLE_ENDING,
    header_kind=header_kind,
    column_rules=COLUMN_RULES_FINAL,
    generic_columns=GENERIC_COLUMNS,
    column_stage=column_stage,
    default_stage=Stage.final_accounts,
    narrative_keywords=NARRATIVE_KEYWORDS_FINAL,
    classes=DocumentClasses(department="DepartmentFinalAccounts", unit="UnitFinalAccounts", family="FinalAccountsDocument"),
    # Beside the shapes every family shares (kg.validation.shapes.SHARED_SHAPES): a budget's
    # identities.ttl does not hold here (收入决算表 and 支出决算表 differ by the year's balances).
    shapes=("final-accounts.ttl",),
    heading=re.compile(r"决算[^预]{0,24}(?:表|说明)$|决算$"),
    execution_statements=re.compile(r"(?:年初预算|全年预算|调整(?:后)?预算|决算)(?:数)?\s*(?:为|是)?\s*\d[\d,.\s]*万元"),
)
