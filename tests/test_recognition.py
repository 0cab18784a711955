from kg.records import TableKind
from kg.recognition import recognise_header, recognise_title


def test_titles_from_different_templates_name_the_same_table():
    assert recognise_title("单位预算收支总表") is TableKind.revenue_expenditure_summary
    assert recognise_title("部门收支总体情况表") is TableKind.revenue_expenditure_summary
    assert recognise_title("单位预算一般公共预算财政拨款基本支出表") is TableKind.basic_expenditure
    assert recognise_title("一般公共预算基本支出情况表") is TableKind.basic_expenditure
    assert recognise_title("财政拨款收支预算总体情况表") is TableKind.appropriation_summary
    assert recognise_title("单位预算财政拨款“三公”经费支出表") is TableKind.three_public
    assert recognise_title("1、2024 区级信访维稳工作经费绩效目标表") is TableKind.project_performance
    assert recognise_title("部门整体绩效目标表") is TableKind.department_performance
    assert recognise_title("部门职责-工作活动绩效目标") is TableKind.activity_performance


def test_section_headings_in_prose_are_not_titles():
    assert recognise_title("四、财政拨款“三公”经费预算情况及增减变化原因") is None
    assert recognise_title("2024 年，我单位财政拨款“三公”经费预算安排 8.10 万元。") is None


def test_untitled_tables_are_recognised_by_header():
    assert recognise_header(["单位名称", "单位性质", "单位规格", "经费保障形式"]) is TableKind.organisation
    assert recognise_header(["一级指标", "二级指标", "三级指标", "指标值"]) is TableKind.project_performance


def test_other_regions_titles_name_the_standard_tables():
    assert recognise_title("2024年区级部门财务收支预算总表") is TableKind.revenue_expenditure_summary
    assert recognise_title("表1 2024年部门收支总表") is TableKind.revenue_expenditure_summary
    assert recognise_title("部门收入预算表") is TableKind.revenue
    assert recognise_title("一、部门支出预算表") is TableKind.expenditure
    assert recognise_title("1.一般公共预算支出功能分类预算表") is TableKind.general_budget_expenditure
    assert recognise_title("表1-6 一般公共预算基本支出部门预算经济分类预算表") is TableKind.basic_expenditure
    assert recognise_title('"三公"经费和机关运行经费预算表') is TableKind.three_public
    assert recognise_title("政府性基金预算支出预算表") is TableKind.government_fund_expenditure
    assert recognise_title("县级单位国有资本经营预算支出信息公开表") is TableKind.state_capital_expenditure


def test_untitled_money_tables_are_recognised_by_header():
    assert recognise_header(["科目编码", "科目名称", "合计", "基本支出", "项目支出"]) is TableKind.expenditure
    assert recognise_header(["科目编码", "科目名称", "合计", "人员经费", "公用经费"]) is TableKind.basic_expenditure
