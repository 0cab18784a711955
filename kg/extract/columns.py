"""Column meanings: a money column's header path -> a controlled key.

Headers nest (``本年收入 / 财政拨款收入``, ``基本支出 / 人员经费``), group cells
span columns, and every template words them a little differently. The header
rows are first flattened into one path per column, then the most specific part
of the path that names a meaning wins; generic words such as 小计/合计 defer
to the part above them (``基本支出 / 小计`` is basic expenditure). The rules
are the family's (``kg.families``): a 决算's 年初结转和结余 means nothing to a budget.
"""

from __future__ import annotations

import re

from kg.families import Family
from kg.families.budget import BUDGET
from kg.tables import Row

# key -> Chinese label; the ontology declares each as bkg:column-<key>.
COLUMN_MEANINGS: dict[str, str] = {
    "total": "合计",
    "fiscal_appropriation": "财政拨款",
    "non_fiscal": "非财政拨款",
    "general_budget": "一般公共预算",
    "general_budget_transfer": "上级一般公共预算转移支付",
    "government_fund": "政府性基金预算",
    "government_fund_transfer": "上级政府性基金转移支付",
    "state_capital": "国有资本经营预算",
    "state_capital_transfer": "上级国有资本经营预算转移支付",
    "special_account": "财政专户管理资金",
    "unit_funds": "单位资金",
    "business_income": "事业收入",
    "operating_income": "事业单位经营收入",
    "superior_subsidy": "上级补助收入",
    "subordinate_remittance": "附属单位上缴收入",
    "other_income": "其他收入",
    "current_year": "本年收入",
    "carryover": "上年结转结余",
    "opening_balance": "年初结转和结余",  # 决算
    "closing_balance": "年末结转和结余",  # 决算
    "fiscal_carryover": "财政拨款结转",
    "non_fiscal_carryover": "非财政拨款结转结余",
    "basic": "基本支出",
    "project": "项目支出",
    "personnel": "人员经费",
    "public": "公用经费",
    "operating_expenditure": "经营支出",
    "remit_superior": "上解上级支出",
    "subsidy_subordinate": "对附属单位补助支出",
    "wages": "工资福利支出",
    "goods_services": "商品和服务支出",
    "household_subsidy": "对个人和家庭的补助",
    "capital": "资本性支出",
    "outbound_travel": "因公出国(境)费",
    "vehicles": "公务用车购置及运行维护费",
    "vehicle_purchase": "公务用车购置费",
    "vehicle_operation": "公务用车运行维护费",
    "reception": "公务接待费",
    "meeting": "会议费",
    "training": "培训费",
    "quantity": "数量",
    "unit_price": "单价",
    "previous_year": "上年预算数",
    "change": "增减",
    "other": "其他",
}

# A revenue source and the sources it is made of (domain.md §4).
SOURCE_PARTS: dict[str, tuple[str, ...]] = {
    "fiscal_appropriation": ("general_budget", "government_fund", "state_capital"),
    "general_budget": ("general_budget_transfer",),
    "government_fund": ("government_fund_transfer",),
    "state_capital": ("state_capital_transfer",),
    "unit_funds": ("business_income", "operating_income", "superior_subsidy", "subordinate_remittance", "other_income"),
    "carryover": ("fiscal_carryover", "non_fiscal_carryover"),
}

# Columns whose figures are not money.
NON_MONEY_COLUMNS = {"quantity"}

# The budget family's rules, for the single-space reader (``extract.spaced``), which
# cuts header words by them.
MEANING_RULES = BUDGET.column_rules


def header_paths(header: list[Row], width: int) -> list[list[str]]:
    """One header path per column; a group cell covers the empty cells to its right."""
    paths: list[list[str]] = [[] for _ in range(width)]
    for depth, row in enumerate(header):
        is_bottom = depth == len(header) - 1
        carried = ""
        for column in range(width):
            cell = row.cell(column).replace(" ", "")
            if cell:
                carried = cell
            elif _new_group_above(header, depth, column):
                carried = ""  # a group above starts here: the label to the left ends
            elif not is_bottom and carried and _group_continues(header, depth, column):
                cell = carried
            if cell and (not paths[column] or paths[column][-1] != cell):
                paths[column].append(cell)
    return paths


def _new_group_above(header: list[Row], depth: int, column: int) -> bool:
    """Whether a row above labels this column: a sub-group label does not run past its group.

    (The 决算 "三公" table: 公务用车运行费 under 公务用车购置及运行费 must not run on
    under 公务接待费, which starts in the row above.)
    """
    return any(row.cell(column).strip() for row in header[:depth])


def _group_continues(header: list[Row], depth: int, column: int) -> bool:
    """A group label spans an empty cell only if a lower row has a label under it."""
    return any(row.cell(column).strip() for row in header[depth + 1 :])


def column_meaning(path: list[str], family: Family = BUDGET) -> str:
    """The meaning of a column by the family's rules (``kg.families``)."""
    generic = family.generic_columns
    for part in reversed(path):
        if generic.match(part):
            continue
        for pattern, key in family.column_rules:
            if pattern.search(part):
                return key
    return "total" if any(generic.match(part) for part in path) else "other"


def column_stage(path: list[str], family: Family = BUDGET) -> str:
    """The stage of the budget cycle a money column's figures belong to (年初预算 / 调整预算 / 决算)."""
    return family.column_stage(path) or family.default_stage


def side_hint(path: list[str]) -> str | None:
    """'revenue' or 'expenditure' where the header path says so (收入 / 支出 groups)."""
    for part in path:
        if re.search(r"收入", part) and not re.search(r"支出", part):
            return "revenue"
        if re.search(r"支出", part) and not re.search(r"收入", part):
            return "expenditure"
    return None
