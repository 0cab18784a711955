"""Recognition: which canonical table a title (or, failing that, a header) names.

Rules are ordered from the most specific wording to the most general, because
titles nest: "一般公共预算财政拨款基本支出表" mentions 一般公共预算, 支出 and
基本支出, and only the last makes it the basic-expenditure table.
"""

from __future__ import annotations

import re

from kg.records import TableKind

_TITLE_RULES: tuple[tuple[re.Pattern[str], TableKind], ...] = tuple(
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
_TITLE_ENDING = re.compile(r"(?:表|情况|绩效目标|目标表|明细)\s*(?:\(.*\))?$")


def recognise_title(text: str) -> TableKind | None:
    title = text.replace(" ", "").strip("*# ")
    if not _TITLE_ENDING.search(title) and "具体内容见下表" not in title:
        return None
    for pattern, kind in _TITLE_RULES:
        if pattern.search(title):
            return kind
    return None


def recognise_header(cells: list[str]) -> TableKind | None:
    """Fallback for untitled tables: what their header columns say they are."""
    words = {cell.replace(" ", "") for cell in cells if cell}
    joined = "|".join(words)
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
