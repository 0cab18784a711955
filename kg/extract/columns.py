"""Column meanings: a money column's header path -> a controlled key.

Headers nest (``本年收入 / 财政拨款收入``, ``基本支出 / 人员经费``), group cells
span columns, and every template words them a little differently. The header
rows are first flattened into one path per column, then the most specific part
of the path that names a meaning wins; generic words such as 小计/合计 defer
to the part above them (``基本支出 / 小计`` is basic expenditure).
"""

from __future__ import annotations

import re

from kg.tables import Row

# key -> Chinese label; the ontology declares each as bkg:column-<key>.
COLUMN_MEANINGS: dict[str, str] = {
    "total": "合计",
    "fiscal_appropriation": "财政拨款",
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

# Columns whose figures are not money.
NON_MONEY_COLUMNS = {"quantity"}

# Most specific first: the first rule a header part matches names its meaning.
MEANING_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), key)
    for pattern, key in (
        (r"上级一般公共预算|一般公共预算.*转移支付", "general_budget_transfer"),
        (r"上级政府性基金|政府性基金.*转移支付", "government_fund_transfer"),
        (r"上级国有资本|国有资本.*转移支付", "state_capital_transfer"),
        (r"非财政拨款.*结转", "non_fiscal_carryover"),
        (r"财政拨款.*结转", "fiscal_carryover"),
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
_GENERIC = re.compile(
    r"^(?:小计|合计|总计|计|预算数|预算金额|金额|预算|数额|资金总额|年度预算|预算资金|支出预算|价值|"
    r"政府采购金额|当年部门预算安排资金|项目|收入|支出|功能分类|财政拨款收入|财政拨款支出)$"
)


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
            elif not is_bottom and carried and _group_continues(header, depth, column):
                cell = carried
            if cell and (not paths[column] or paths[column][-1] != cell):
                paths[column].append(cell)
    return paths


def _group_continues(header: list[Row], depth: int, column: int) -> bool:
    """A group label spans an empty cell only if a lower row has a label under it."""
    return any(row.cell(column).strip() for row in header[depth + 1:])


def column_meaning(path: list[str]) -> str:
    for part in reversed(path):
        if _GENERIC.match(part):
            continue
        for pattern, key in MEANING_RULES:
            if pattern.search(part):
                return key
    return "total" if any(_GENERIC.match(part) for part in path) else "other"


def side_hint(path: list[str]) -> str | None:
    """'revenue' or 'expenditure' where the header path says so (收入 / 支出 groups)."""
    for part in path:
        if re.search(r"收入", part) and not re.search(r"支出", part):
            return "revenue"
        if re.search(r"支出", part) and not re.search(r"收入", part):
            return "expenditure"
    return None
