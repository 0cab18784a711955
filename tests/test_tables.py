"""Segmenting text into tables: page breaks, repeated headers, layouts."""

from kg.readers.text import source_from_bytes
from kg.records import TableKind
from kg.tables import find_tables, split_row

from conftest import seed
from kg.readers.text import read_source


def tables_of(text: str):
    return find_tables(source_from_bytes(text.encode("utf-8"), "excerpt.txt"))


def test_every_seed_table_is_recognised():
    for prefix in ("000", "001", "002", "003", "004"):
        tables = find_tables(read_source(seed(prefix)))
        assert tables, prefix
        unrecognised = [(t.first_line, t.title) for t in tables if t.kind is None]
        assert unrecognised == [], prefix


def test_seed_001_has_the_nine_standard_tables_in_order():
    kinds = [t.kind for t in find_tables(read_source(seed("001")))][:9]
    assert kinds == [
        TableKind.revenue_expenditure_summary,
        TableKind.revenue,
        TableKind.expenditure,
        TableKind.appropriation_summary,
        TableKind.general_budget_expenditure,
        TableKind.basic_expenditure,
        TableKind.government_fund_expenditure,
        TableKind.state_capital_expenditure,
        TableKind.three_public,
    ]


def test_row_layouts():
    assert split_row("| 镇党委 | 行政 | 正科级 |") == ("镇党委", "行政", "正科级")
    assert split_row("201\t一般公共服务支出\t3354.94\t\t") == ("201", "一般公共服务支出", "3354.94")
    assert split_row("208    社会保障和就业支出    1030.87") == ("208", "社会保障和就业支出", "1030.87")
    # Prose with runs of spaces is not a row.
    assert split_row("2023 年预算收入 4054.45 万元，其中：一般公共预算收入  2185.65 万元。") is None


PAGE_BREAK = """单位预算支出总表
817001 示例单位
预算年度：2024
单位：万元
序号\t科目编码\t科目名称\t合计\t基本支出\t项目支出
栏次\t1\t2\t3\t4\t5
1\t\t合计\t300.00\t100.00\t200.00
2\t201\t一般公共服务支出\t103.
817001 示例单位
预算年度：2024
单位：万元
序号\t科目编码\t科目名称\t合计\t基本支出\t项目支出
档次\t1\t2\t3\t4\t5
\t\t\t30\t100.00\t3.30
3\t208\t社会保障和就业支出\t196.70\t\t196.70
"""


def test_page_break_drops_preamble_repeated_header_and_column_numbers():
    (table,) = tables_of(PAGE_BREAK)
    assert table.kind is TableKind.expenditure
    assert [row.cells[0] for row in table.header] == ["序号"]
    assert [row.line for row in table.body] == [7, 8, 14, 15]
    assert table.body[2].starts_page and not table.body[1].starts_page


def test_markdown_second_header_row_stays_in_the_header():
    text = """部门职责-工作活动绩效目标
单位：万元
| 职责活动 | 年度预算数 | 绩效指标 | 评价标准 | | | |
|---|---|---|---|---|---|---|
| | | | 优 | 良 | 中 | 差 |
| 一、镇党委 | 220.4 | 党员培训覆盖率 | 100% | 90% | 80% | 60%以下 |
"""
    (table,) = tables_of(text)
    assert table.kind is TableKind.activity_performance
    assert len(table.header) == 2
    assert table.body[0].cells[0] == "一、镇党委"


def test_repeated_title_on_the_next_page_continues_the_table():
    text = """表3
部门支出总体情况表
单位: 万元
科目编码\t科目名称\t合计
205\t教育支出\t0.82
表3
部门支出总体情况表
单位: 万元
科目编码\t科目名称\t合计
229\t其他支出\t0.43
"""
    (table,) = tables_of(text)
    assert [row.cells[0] for row in table.body] == ["205", "229"]


def test_contents_lines_are_not_tables():
    text = """目录
单位预算收支总表.....\t1
四、财政拨款“三公”经费预算情况及增减变化原因\t31
"""
    assert tables_of(text) == []


def test_single_space_rows_after_a_title_or_a_unit_line():
    from kg.tables import split_spaced

    assert split_spaced("210 卫生健康支出 1,203,400 1,203,400", in_table=False, in_rows=False) == (
        "210",
        "卫生健康支出",
        "1,203,400",
        "1,203,400",
    )
    assert split_spaced("科目编码 科目名称 合计 基本支出 项目支出", in_table=True, in_rows=False) is not None
    # Headings and sentences are not rows, even with a year or an amount in them.
    assert split_spaced("二、关于某某局部门 2024 年收入预算情况说明", in_table=True, in_rows=False) is None
    assert split_spaced("2023 年预算收入 4054.45 万元,其中一般公共预算收入", in_table=True, in_rows=True) is None
    (table,) = tables_of("部门政府采购预算\n单位：万元\n项目名称 数量 单价 金额\n打印机 2 0.538 1.076\n")
    assert table.spaced and [row.line for row in table.body] == [4]


def test_untitled_single_spaced_table_is_found_by_its_rows():
    text = "一、收支情况\n\n210 卫生健康支出 1,203,400.00 1,203,400.00\n21011 行政事业单位医疗 1,203,400.00 1,203,400.00\n"
    (table,) = tables_of(text)
    assert table.spaced and [row.cells[0] for row in table.body] == ["210", "21011"]
