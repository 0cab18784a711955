"""Example documents, written by code so that a fresh clone has something to ingest.

Each example is a small, internally consistent budget of a fictional unit in
one of the layout families real disclosures come in: markdown pipe tables, TAB
separated rows, or cells separated by runs of spaces. The arithmetic holds
(children sum to parents, totals balance), and one table in each document
breaks across a "page" with the preamble and header repeated, as PDFs do.

``budgetkg examples --out examples`` rewrites ``examples/``; a test checks the
committed files are what this module writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Callable

from kg.classification import FUNCTIONAL_CATEGORIES


@dataclass(frozen=True)
class ExampleLine:
    code: str  # functional code, 3/5/7 digits
    name: str
    basic: Decimal  # 基本支出
    project: Decimal  # 项目支出

    @property
    def total(self) -> Decimal:
        return self.basic + self.project


@dataclass(frozen=True)
class ExampleUnit:
    file_name: str
    unit: str
    unit_code: str
    year: int
    layout: str  # "markdown" | "tab" | "spaces"
    leaves: tuple[ExampleLine, ...]  # 项-level lines; 类 and 款 are summed from them
    personnel: Decimal  # 人员经费 (part of basic)
    government_fund: Decimal  # share of the project money from 政府性基金
    vehicles: Decimal  # 公务用车运行维护费
    reception: Decimal  # 公务接待费


_D = Decimal
EXAMPLES: tuple[ExampleUnit, ...] = (
    ExampleUnit(
        "example_markdown_township", "示例县青山镇人民政府", "901001", 2024, "markdown",
        (
            ExampleLine("2010301", "行政运行", _D("210.50"), _D("0")),
            ExampleLine("2010302", "一般行政管理事务", _D("0"), _D("45.00")),
            ExampleLine("2080505", "机关事业单位基本养老保险缴费支出", _D("32.16"), _D("0")),
            ExampleLine("2130126", "农村社会事业", _D("0"), _D("120.00")),
            ExampleLine("2210201", "住房公积金", _D("18.40"), _D("0")),
        ),
        personnel=_D("230.06"), government_fund=_D("20.00"), vehicles=_D("3.20"), reception=_D("0.80"),
    ),
    ExampleUnit(
        "example_tab_bureau", "示例市河湾区教育局", "902015", 2024, "tab",
        (
            ExampleLine("2050101", "行政运行", _D("188.20"), _D("0")),
            ExampleLine("2050202", "小学教育", _D("1204.35"), _D("310.00")),
            ExampleLine("2080505", "机关事业单位基本养老保险缴费支出", _D("96.42"), _D("0")),
            ExampleLine("2080506", "机关事业单位职业年金缴费支出", _D("48.21"), _D("0")),
            ExampleLine("2101101", "行政单位医疗", _D("40.10"), _D("0")),
            ExampleLine("2210201", "住房公积金", _D("72.30"), _D("0")),
        ),
        personnel=_D("1501.58"), government_fund=_D("0"), vehicles=_D("6.00"), reception=_D("1.50"),
    ),
    ExampleUnit(
        "example_spaces_county", "示例县人力资源和社会保障局", "903007", 2023, "spaces",
        (
            ExampleLine("2080101", "行政运行", _D("150.75"), _D("0")),
            ExampleLine("2080199", "其他人力资源和社会保障管理事务支出", _D("0"), _D("60.00")),
            ExampleLine("2080505", "机关事业单位基本养老保险缴费支出", _D("20.12"), _D("0")),
            ExampleLine("2080704", "社会保险补贴", _D("0"), _D("800.00")),
            ExampleLine("2210201", "住房公积金", _D("15.09"), _D("0")),
        ),
        personnel=_D("160.96"), government_fund=_D("0"), vehicles=_D("2.64"), reception=_D("0.13"),
    ),
)


def _money(value: Decimal) -> str:
    return "" if value == 0 else f"{value:.2f}"


def _row_formatter(layout: str) -> Callable[[list[str]], str]:
    if layout == "markdown":
        return lambda cells: "| " + " | ".join(cells) + " |"
    if layout == "tab":
        return lambda cells: "\t".join(cells)
    # Runs of spaces: an empty cell has to be shown, or the columns would shift.
    return lambda cells: "    ".join(cell or "—" for cell in cells)


def _hierarchy(leaves: tuple[ExampleLine, ...]) -> list[ExampleLine]:
    """类 and 款 lines summed from the 项 lines, in code order."""
    sums: dict[str, list[Decimal]] = {}
    names: dict[str, str] = {}
    for leaf in leaves:
        for length in (3, 5, 7):
            code = leaf.code[:length]
            total = sums.setdefault(code, [_D(0), _D(0)])
            total[0] += leaf.basic
            total[1] += leaf.project
        names[leaf.code] = leaf.name
        names.setdefault(leaf.code[:3], FUNCTIONAL_CATEGORIES[leaf.code[:3]])
    kuan_names = {"20103": "政府办公厅(室)及相关机构事务", "20501": "教育管理事务", "20502": "普通教育",
                  "20801": "人力资源和社会保障管理事务", "20805": "行政事业单位养老支出", "20807": "就业补助",
                  "21011": "行政事业单位医疗", "21301": "农业农村", "22102": "住房改革支出"}
    return [
        ExampleLine(code, names.get(code) or kuan_names.get(code, f"{code}款"), basic, project)
        for code, (basic, project) in sorted(sums.items())
    ]


def render(example: ExampleUnit) -> str:
    row = _row_formatter(example.layout)
    lines_all = _hierarchy(example.leaves)
    total_basic = sum((l.basic for l in example.leaves), _D(0))
    total_project = sum((l.project for l in example.leaves), _D(0))
    total = total_basic + total_project
    general = total - example.government_fund
    public = total_basic - example.personnel
    three_public = example.vehicles + example.reception
    preamble = [f"{example.unit_code} {example.unit}", "", f"预算年度：{example.year}", "", "单位：万元", ""]
    out: list[str] = [f"{example.unit}{example.year}年部门预算公开", ""]
    out += ["一、部门职责及机构设置情况", "", f"{example.unit}负责本辖区相关公共事务。", ""]

    out += ["部门收支总表", ""] + preamble
    out.append(row(["收入项目", "预算数", "支出项目", "预算数"]))
    if example.layout == "markdown":
        out.append("|---|---|---|---|")
    categories = [l for l in lines_all if len(l.code) == 3]
    revenue_rows = [("一、一般公共预算拨款收入", general), ("二、政府性基金预算拨款收入", example.government_fund)]
    for i in range(max(len(categories), len(revenue_rows))):
        left = revenue_rows[i] if i < len(revenue_rows) else ("", _D(0))
        right = categories[i] if i < len(categories) else None
        out.append(row([left[0], _money(left[1]), f"{right.code} {right.name}" if right else "", _money(right.total) if right else ""]))
    out.append(row(["本年收入合计", _money(total), "本年支出合计", _money(total)]))
    out.append(row(["收入总计", _money(total), "支出总计", _money(total)]))
    out.append("")

    out += ["部门支出总表", ""] + preamble
    header = ["科目编码", "科目名称", "合计", "基本支出", "项目支出"]
    out.append(row(header))
    if example.layout == "markdown":
        out.append("|---|---|---|---|---|")
    body = [row(["", "合计", _money(total), _money(total_basic), _money(total_project)])]
    body += [row([l.code, l.name, _money(l.total), _money(l.basic), _money(l.project)]) for l in lines_all]
    half = len(body) // 2
    out += body[:half]
    # A page break: the preamble and the header repeat, then the table goes on.
    out += [""] + preamble + [row(header)] + (["|---|---|---|---|---|"] if example.layout == "markdown" else [])
    out += body[half:]
    out.append("")

    out += ["一般公共预算基本支出表", ""] + preamble
    out.append(row(["科目编码", "科目名称", "合计", "人员经费", "公用经费"]))
    if example.layout == "markdown":
        out.append("|---|---|---|---|---|")
    out.append(row(["", "合计", _money(total_basic), _money(example.personnel), _money(public)]))
    out.append(row(["301", "工资福利支出", _money(example.personnel), _money(example.personnel), ""]))
    out.append(row(["302", "商品和服务支出", _money(public), "", _money(public)]))
    out.append("")

    out += ["财政拨款“三公”经费支出表", ""] + preamble
    out.append(row(["项目", "合计", "一般公共预算"]))
    if example.layout == "markdown":
        out.append("|---|---|---|")
    out.append(row(["合计", _money(three_public), _money(three_public)]))
    out.append(row(["因公出国(境)费", "—" if example.layout == "spaces" else "", "—" if example.layout == "spaces" else ""]))
    out.append(row(["公务用车购置及运行维护费", _money(example.vehicles), _money(example.vehicles)]))
    out.append(row(["公务接待费", _money(example.reception), _money(example.reception)]))
    out.append("")

    out += ["二、部门预算安排的总体情况", ""]
    out.append(
        f"{example.year}年预算收入{total:.2f}万元，其中：一般公共预算收入{general:.2f}万元，"
        f"政府性基金预算收入{example.government_fund:.2f}万元。"
    )
    out.append(f"{example.year}年预算支出{total:.2f}万元，其中：基本支出{total_basic:.2f}万元，项目支出{total_project:.2f}万元。")
    out += ["", "三、机关运行经费安排情况", "", f"{example.year}年机关运行经费安排{public:.2f}万元。", ""]
    out += ["四、财政拨款“三公”经费预算情况", ""]
    out.append(
        f"{example.year}年“三公”经费预算{three_public:.2f}万元，其中：因公出国(境)费0万元，"
        f"公务用车购置及运行维护费{example.vehicles:.2f}万元，公务接待费{example.reception:.2f}万元。"
    )
    out += ["", "五、绩效目标", ""]
    project = next(l for l in example.leaves if l.project > 0)
    out += [f"1、{example.year}年{project.name}项目绩效目标表", "", "单位：万元", ""]
    grid = [
        ["项目名称", f"{project.name}项目", "", "", ""],
        ["预算数", _money(project.project), "财政资金", _money(project.project), ""],
        ["一级指标", "二级指标", "三级指标", "指标值", "指标值确定依据"],
        ["产出指标", "数量指标", "服务对象人数", "≥120人", "年度工作计划"],
        ["", "时效指标", "资金拨付及时率", "100%", "年度工作计划"],
        ["效益指标", "社会效益指标", "群众满意度", "≥95%", "历年经验"],
    ]
    if example.layout == "markdown":
        out.append(row(grid[0]))
        out.append("|---|---|---|---|---|")
        out += [row(cells) for cells in grid[1:]]
    else:
        out += ["\t".join(cells) for cells in grid]  # text grids are TAB-separated in every family
    out.append("")
    out += ["六、名词解释", "", "1、基本支出：指为保障机构正常运转、完成日常工作任务而发生的人员经费和公用经费。",
            "2、项目支出：指在基本支出之外为完成特定行政任务和事业发展目标所发生的支出。", ""]
    return "\n".join(out)


def write_examples(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for example in EXAMPLES:
        path = out / f"{example.file_name}.txt"
        path.write_text(render(example), encoding="utf-8")
        written.append(path)
    return written
