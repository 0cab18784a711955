"""Writing budget documents: a ``DocumentSpec`` -> a document model -> disclosure text.

The inverse of the parser, used for the shipped examples and for generated
corpora (``kg.generate``). ``compose`` turns a spec into blocks (title,
headings, paragraphs, tables whose cells know which are money, names and
functional codes); ``render`` writes them as text in the shape of real
disclosures: the standard tables in one of the layout families (markdown
pipes, TAB rows, cells separated by runs of spaces), page breaks with the
preamble and header repeated, optional split 类/款/项 code columns, thousands
separators and names wrapped with a space, project performance tables, a
responsibility-activity table graded 优/良/中/差, narrative figures and a
glossary. ``kg.pdf_writer`` draws the same blocks as a PDF, so a corpus in
both formats holds the same figures. The arithmetic holds: children sum to
parents, totals balance, basic expenditure splits into personnel and public
funds, paired functional and economic codes agree.

Rows carry anchors (what a row is: the expenditure row of a code, the n-th
graded indicator) so that a generator can change one row of the model and
each renderer can say where it printed it, for the manifest of injected errors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from kg.classification import FUNCTIONAL_CATEGORIES

# 款 and 项 names for the codes the writer uses (支出功能分类科目).
CODE_NAMES: dict[str, str] = {
    "20103": "政府办公厅(室)及相关机构事务",
    "2010301": "行政运行",
    "2010302": "一般行政管理事务",
    "2010350": "事业运行",
    "20402": "公安",
    "2040201": "行政运行",
    "2040219": "信息化建设",
    "20501": "教育管理事务",
    "2050101": "行政运行",
    "20502": "普通教育",
    "2050201": "学前教育",
    "2050202": "小学教育",
    "2050203": "初中教育",
    "20701": "文化和旅游",
    "2070109": "群众文化",
    "20801": "人力资源和社会保障管理事务",
    "2080101": "行政运行",
    "2080199": "其他人力资源和社会保障管理事务支出",
    "20805": "行政事业单位养老支出",
    "2080501": "行政单位离退休",
    "2080505": "机关事业单位基本养老保险缴费支出",
    "2080506": "机关事业单位职业年金缴费支出",
    "20807": "就业补助",
    "2080704": "社会保险补贴",
    "20810": "社会福利",
    "2081002": "老年福利",
    "21004": "公共卫生",
    "2100409": "重大公共卫生服务",
    "21011": "行政事业单位医疗",
    "2101101": "行政单位医疗",
    "2101102": "事业单位医疗",
    "21103": "污染防治",
    "2110302": "水体",
    "21202": "城乡社区规划与管理",
    "2120201": "城乡社区规划与管理",
    "21205": "城乡社区环境卫生",
    "2120501": "城乡社区环境卫生",
    "21301": "农业农村",
    "2130104": "事业运行",
    "2130126": "农村社会事业",
    "21307": "农村综合改革",
    "2130705": "对村民委员会和村党支部的补助",
    "22102": "住房改革支出",
    "2210201": "住房公积金",
    "22401": "应急管理事务",
    "2240106": "安全监管",
}
# Codes whose whole amount is basic expenditure, with the economic code it must agree with.
PAIRED_ECONOMIC: dict[str, str] = {
    "2080505": "30108",
    "2080506": "30109",
    "2101101": "30110",
    "2101102": "30110",
    "2210201": "30113",
    "2080501": "30302",
}
ECONOMIC_NAMES: dict[str, str] = {
    "301": "工资福利支出",
    "30101": "基本工资",
    "30102": "津贴补贴",
    "30108": "机关事业单位基本养老保险缴费",
    "30109": "职业年金缴费",
    "30110": "职工基本医疗保险缴费",
    "30113": "住房公积金",
    "302": "商品和服务支出",
    "30201": "办公费",
    "30211": "差旅费",
    "30217": "公务接待费",
    "30231": "公务用车运行维护费",
    "303": "对个人和家庭的补助",
    "30302": "退休费",
}
_D = Decimal
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class LeafLine:
    """One 项-level line of the expenditure table."""

    code: str
    basic: Decimal  # 基本支出
    project: Decimal  # 项目支出

    @property
    def total(self) -> Decimal:
        return self.basic + self.project


@dataclass(frozen=True)
class Indicator:
    level1: str
    level2: str
    name: str
    target: str


@dataclass(frozen=True)
class ProjectSpec:
    code: str
    name: str
    amount: Decimal
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True)
class DocumentSpec:
    file_name: str
    unit: str
    unit_code: str
    year: int
    layout: str  # "markdown" | "tab" | "spaces"
    leaves: tuple[LeafLine, ...]
    vehicles: Decimal  # 公务用车运行维护费
    reception: Decimal  # 公务接待费
    government_fund: Decimal = _D(0)  # the part of the project money from 政府性基金
    vehicles_held: int = 2
    projects: tuple[ProjectSpec, ...] = ()
    scope: str = "department"  # 部门预算 or 单位预算
    region_note: str = ""
    split_codes: bool = False  # 类 | 款 | 项 in three columns
    thousands: bool = False  # 2,140.09
    wrap_names: bool = False  # 一般公共预 算…
    rows_per_page: int = 12
    graded_activities: bool = False
    previous_total: Decimal | None = None  # last year's total, for 比上年增减


# --- the document model -------------------------------------------------------

# What a row is, for the generator's manifest: ("expenditure", code), ("basic", code), ("grades", "n").
Anchor = tuple[str, str]


@dataclass(frozen=True)
class Money:
    """An amount in 万元; zero prints as a blank cell (or ``—``), as in the disclosures."""

    value: Decimal


@dataclass(frozen=True)
class Name:
    """A label a narrow column wraps (a space in extracted text, a second line in a PDF cell)."""

    text: str


Cell = str | Money | Name


@dataclass(frozen=True)
class TableRow:
    cells: tuple[Cell, ...]
    anchor: Anchor | None = None


@dataclass(frozen=True)
class Table:
    title: str
    preamble: tuple[str, ...]  # lines between the title and the unit line (unit, 预算年度)
    header: tuple[tuple[str, ...], ...]  # header rows; "" continues the cell to its left or above
    rows: tuple[TableRow, ...]
    paged: bool = False  # a standard table: a page break every ``rows_per_page`` rows, preamble and header repeated
    form: bool = False  # a performance form: TAB rows in every text family but markdown
    code_column: int | None = None  # functional codes, split into 类/款/项 where the document splits them
    wan_only: bool = False  # printed in 万元 even where the other tables are in 元 (三公 tables usually are)


@dataclass(frozen=True)
class Title:
    text: str


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Paragraph:
    lines: tuple[str, ...]


Block = Title | Heading | Paragraph | Table


def hierarchy(leaves: tuple[LeafLine, ...]) -> list[tuple[str, str, Decimal, Decimal]]:
    """(code, name, basic, project) for every 类, 款 and 项, in code order."""
    sums: dict[str, list[Decimal]] = {}
    for leaf in leaves:
        for length in (3, 5, 7):
            total = sums.setdefault(leaf.code[:length], [_D(0), _D(0)])
            total[0] += leaf.basic
            total[1] += leaf.project
    return [(code, FUNCTIONAL_CATEGORIES.get(code) or CODE_NAMES[code], basic, project) for code, (basic, project) in sorted(sums.items())]


def economic_lines(spec: DocumentSpec) -> list[tuple[str, Decimal, Decimal]]:
    """(economic code, personnel, public) for the basic-expenditure table, 款 level and 类 sums.

    Paired codes carry exactly their functional amount; the rest of the basic
    money is spread over salaries and office costs.
    """
    basic_total = sum((leaf.basic for leaf in spec.leaves), _D(0))
    paired: dict[str, Decimal] = {}
    for leaf in spec.leaves:
        if leaf.code in PAIRED_ECONOMIC:
            key = PAIRED_ECONOMIC[leaf.code]
            paired[key] = paired.get(key, _D(0)) + leaf.basic
    rest = basic_total - sum(paired.values(), _D(0))
    public = max((rest * _D("0.2")).quantize(_CENT), spec.vehicles + spec.reception + _D("1.00"))
    travel = (public * _D("0.1")).quantize(_CENT)
    office = public - travel - spec.vehicles - spec.reception
    salaries = rest - public
    basic_pay = (salaries * _D("0.6")).quantize(_CENT)
    items = {
        "30101": (basic_pay, _D(0)),
        "30102": (salaries - basic_pay, _D(0)),
        "30201": (_D(0), office),
        "30211": (_D(0), travel),
        "30217": (_D(0), spec.reception),
        "30231": (_D(0), spec.vehicles),
    }
    for key, amount in paired.items():
        items[key] = (amount, _D(0))
    rows: list[tuple[str, Decimal, Decimal]] = []
    for category in ("301", "302", "303"):
        members = sorted((k, v) for k, v in items.items() if k.startswith(category) and (v[0] or v[1]))
        if not members:
            continue
        rows.append((category, sum((v[0] for _, v in members), _D(0)), sum((v[1] for _, v in members), _D(0))))
        rows.extend((k, v[0], v[1]) for k, v in members)
    return rows


def compose(spec: DocumentSpec) -> tuple[Block, ...]:
    """The document as blocks, in reading order."""
    lines = hierarchy(spec.leaves)
    total_basic = sum((leaf.basic for leaf in spec.leaves), _D(0))
    total_project = sum((leaf.project for leaf in spec.leaves), _D(0))
    total = total_basic + total_project
    general = total - spec.government_fund
    economic = economic_lines(spec)
    personnel = sum((p for code, p, _ in economic if len(code) == 3), _D(0))
    public = sum((q for code, _, q in economic if len(code) == 3), _D(0))
    three_public = spec.vehicles + spec.reception
    kind = "部门" if spec.scope == "department" else "单位"
    preamble = (f"{spec.unit_code} {spec.unit}", f"预算年度：{spec.year}")

    blocks: list[Block] = [Title(f"{spec.unit}{spec.year}年{kind}预算公开")]
    if spec.region_note:
        blocks.append(Paragraph((spec.region_note,)))
    blocks += [Heading("一、职责及机构设置情况"), Paragraph((f"{spec.unit}负责本辖区相关公共事务。",))]

    categories = [l for l in lines if len(l[0]) == 3]
    revenue = [("一、一般公共预算拨款收入", general), ("二、政府性基金预算拨款收入", spec.government_fund)]
    summary: list[TableRow] = []
    for i in range(max(len(categories), len(revenue))):
        label, amount = revenue[i] if i < len(revenue) else ("", _D(0))
        right = categories[i] if i < len(categories) else None
        summary.append(TableRow((label, Money(amount) if label else "", f"{right[0]} {right[1]}" if right else "", Money(right[2] + right[3]) if right else "")))
    summary.append(TableRow(("本年收入合计", Money(total), "本年支出合计", Money(total))))
    summary.append(TableRow(("收入总计", Money(total), "支出总计", Money(total))))
    blocks.append(Table(f"{kind}收支总表", preamble, (("收入项目", "预算数", "支出项目", "预算数"),), tuple(summary), paged=True))

    expenditure = [TableRow(("", "合计", Money(total), Money(total_basic), Money(total_project)))]
    expenditure += [TableRow((code, Name(name), Money(b + p), Money(b), Money(p)), ("expenditure", code)) for code, name, b, p in lines]
    blocks.append(Table(f"{kind}支出总表", preamble, (("科目编码", "科目名称", "合计", "基本支出", "项目支出"),), tuple(expenditure), paged=True, code_column=0))

    basic = [TableRow(("", "合计", Money(total_basic), Money(personnel), Money(public)))]
    basic += [TableRow((code, ECONOMIC_NAMES[code], Money(p + q), Money(p), Money(q)), ("basic", code)) for code, p, q in economic]
    blocks.append(Table("一般公共预算基本支出表", preamble, (("科目编码", "科目名称", "合计", "人员经费", "公用经费"),), tuple(basic), paged=True))

    blocks.append(
        Table(
            "财政拨款“三公”经费支出表",
            preamble,
            (("项目", "合计", "一般公共预算"),),
            (
                TableRow(("合计", Money(three_public), Money(three_public))),
                TableRow(("因公出国(境)费", "", "")),
                TableRow(("公务用车购置及运行维护费", Money(spec.vehicles), Money(spec.vehicles))),
                TableRow(("公务接待费", Money(spec.reception), Money(spec.reception))),
            ),
            paged=True,
            wan_only=True,
        )
    )

    overall = [
        f"{spec.year}年预算收入{total:.2f}万元，其中：一般公共预算收入{general:.2f}万元，政府性基金预算收入{spec.government_fund:.2f}万元。",
        f"{spec.year}年预算支出{total:.2f}万元，其中：基本支出{total_basic:.2f}万元，项目支出{total_project:.2f}万元。",
    ]
    if spec.previous_total is not None:
        change = total - spec.previous_total
        verb = "增加" if change >= 0 else "减少"
        percent = (abs(change) / spec.previous_total * 100).quantize(_CENT)
        overall.append(f"{spec.year}年预算收支总额比上年{verb}{abs(change):.2f}万元，{verb}{percent}%。")
    blocks += [
        Heading("二、预算安排的总体情况"),
        Paragraph(tuple(overall)),
        Heading("三、机关运行经费安排情况"),
        Paragraph((f"{spec.year}年机关运行经费安排{public:.2f}万元。",)),
        Heading("四、财政拨款“三公”经费预算情况"),
        Paragraph(
            (
                f"{spec.year}年“三公”经费预算{three_public:.2f}万元，其中：因公出国(境)费0万元，"
                f"公务用车购置及运行维护费{spec.vehicles:.2f}万元，公务接待费{spec.reception:.2f}万元。"
                f"年末公务用车保有量{spec.vehicles_held}辆。",
            )
        ),
        Heading("五、绩效目标"),
    ]
    blocks += [_project_table(spec, number, project) for number, project in enumerate(spec.projects, start=1)]
    if spec.graded_activities:
        blocks.append(_activity_table(spec))
    blocks += [
        Heading("六、名词解释"),
        Paragraph(("1、基本支出：指为保障机构正常运转、完成日常工作任务而发生的人员经费和公用经费。", "2、项目支出：指在基本支出之外为完成特定行政任务和事业发展目标所发生的支出。")),
    ]
    return tuple(blocks)


@dataclass(frozen=True)
class ActualLine:
    """What one 项 of a budget became in the final accounts (决算)."""

    code: str
    adjusted: Decimal  # 调整预算数 (全年预算)
    basic: Decimal  # 决算数: 基本支出
    project: Decimal  # 决算数: 项目支出

    @property
    def total(self) -> Decimal:
        return self.basic + self.project


def compose_final_accounts(spec: DocumentSpec, actuals: tuple[ActualLine, ...]) -> tuple[Block, ...]:
    """The 决算 of the year ``spec`` budgeted: the Shanghai template's tables with stage columns.

    Its 支出决算表 prints 年初预算数 / 调整预算数 / 决算数 (合计, 基本支出, 项目支出) by code,
    the regional variant the national template's 合计/基本/项目 table leaves to the
    explanation; the explanation then states budget against actual for each 项.
    """
    budgeted = {leaf.code: leaf for leaf in spec.leaves}
    by_code = {line.code: line for line in actuals}
    sums: dict[str, list[Decimal]] = {}
    for leaf in spec.leaves:
        actual = by_code[leaf.code]
        for length in (3, 5, 7):
            row = sums.setdefault(leaf.code[:length], [_D(0)] * 4)
            for i, value in enumerate((leaf.total, actual.adjusted, actual.basic, actual.project)):
                row[i] += value
    totals = [sum((row[i] for code, row in sums.items() if len(code) == 3), _D(0)) for i in range(4)]
    actual_total = totals[2] + totals[3]
    kind = "部门" if spec.scope == "department" else "单位"
    preamble = (f"{spec.unit_code} {spec.unit}",)

    def name(code: str) -> str:
        return FUNCTIONAL_CATEGORIES.get(code) or CODE_NAMES[code]

    blocks: list[Block] = [Title(f"{spec.unit}{spec.year}年度{kind}决算")]
    categories = sorted(code for code in sums if len(code) == 3)
    summary = [
        TableRow(("一、一般公共预算财政拨款收入", Money(actual_total), f"{code} {name(code)}" if i == 0 else "", Money(sums[code][2] + sums[code][3]) if i == 0 else ""))
        for i, code in enumerate(categories[:1])
    ]
    summary += [TableRow(("", "", f"{code} {name(code)}", Money(sums[code][2] + sums[code][3]))) for code in categories[1:]]
    summary += [TableRow(("本年收入合计", Money(actual_total), "本年支出合计", Money(actual_total))), TableRow(("总计", Money(actual_total), "总计", Money(actual_total)))]
    blocks.append(Table("收入支出决算总表", preamble, (("项目", "决算数", "项目", "决算数"),), tuple(summary), paged=True))
    rows = [TableRow(("", "合计", Money(totals[0]), Money(totals[1]), Money(actual_total), Money(totals[2]), Money(totals[3])))]
    rows += [TableRow((code, Name(name(code)), Money(row[0]), Money(row[1]), Money(row[2] + row[3]), Money(row[2]), Money(row[3])), ("final", code)) for code, row in sorted(sums.items())]
    # One header row: 基本支出 and 项目支出 name no stage, so they are 决算 like 决算数 beside them.
    blocks.append(Table("支出决算表", preamble, (("科目编码", "科目名称", "年初预算数", "调整预算数", "决算数", "基本支出", "项目支出"),), tuple(rows), paged=True, code_column=0))
    three_public = spec.vehicles + spec.reception
    spent_vehicles = (spec.vehicles * _D("0.9")).quantize(_CENT)
    blocks.append(
        Table(
            "财政拨款“三公”经费支出决算表",
            ("单位：万元",),
            (
                ("合计", "", "公务用车购置及运行维护费", "", "公务接待费", ""),
                ("预算数", "决算数", "预算数", "决算数", "预算数", "决算数"),
            ),
            (TableRow((Money(three_public), Money(spent_vehicles + spec.reception), Money(spec.vehicles), Money(spent_vehicles), Money(spec.reception), Money(spec.reception))),),
            wan_only=True,
        )
    )
    initial_total = totals[0]
    rate = (actual_total / initial_total * 100).quantize(_CENT) if initial_total else _D(0)
    blocks += [
        Heading("一、支出决算情况说明"),
        Paragraph((f"本年支出合计{actual_total:.2f}万元，其中：基本支出{totals[2]:.2f}万元，项目支出{totals[3]:.2f}万元。",)),
        Heading("二、一般公共预算财政拨款支出决算具体情况"),
        Paragraph((f"一般公共预算财政拨款支出年初预算为{initial_total:.2f}万元，支出决算为{actual_total:.2f}万元，完成年初预算的{rate}%。其中：",)),
    ]
    for number, code in enumerate(sorted(budgeted), start=1):
        leaf, actual = budgeted[code], by_code[code]
        verb = "大于" if actual.total > leaf.total else "小于" if actual.total < leaf.total else "等于"
        blocks.append(Paragraph((f"{number}、{name(code[:3])}(类){name(code[:5])}(款){name(code)}(项)。年初预算为{leaf.total:.2f}万元，支出决算为{actual.total:.2f}万元。决算数{verb}预算数。",)))
    return tuple(blocks)


def _project_table(spec: DocumentSpec, number: int, project: ProjectSpec) -> Table:
    grid = [
        ("预算数", f"{project.amount:.2f}", "其中：财政资金", f"{project.amount:.2f}", ""),
        ("资金支出计划(%)", "3月底", "6月底", "10月底", "12月底"),
        ("", "25%", "50%", "75%", "100%"),
        ("一级指标", "二级指标", "三级指标", "指标值", "指标值确定依据"),
    ]
    grid += [(i.level1, i.level2, i.name, i.target, "年度工作计划") for i in project.indicators]
    # The form's first row stands where a header would: markdown puts its separator under it.
    return Table(f"{number}、{spec.year}年{project.name}绩效目标表", (), (("项目编码", project.code, "项目名称", project.name, ""),), tuple(TableRow(cells) for cells in grid), form=True)


GRADED_INDICATORS: tuple[tuple[str, tuple[str, str, str, str]], ...] = (
    ("工作任务完成率", ("100%", "90%", "80%", "60%以下")),
    ("群众满意度", ("100%", "90%", "80%", "60%以下")),
    ("安全事故发生率", ("0%", "1%", "2%", "3%以上")),
)


def _activity_table(spec: DocumentSpec) -> Table:
    header = (("职责活动", "年度预算数", "内容描述", "绩效目标", "绩效指标", "评价标准", "", "", ""), ("", "", "", "", "", "优", "良", "中", "差"))
    ordinals = "一二三四五六七八九十"
    rows = []
    for number, project in enumerate(spec.projects[:9]):
        name, grades = GRADED_INDICATORS[number % len(GRADED_INDICATORS)]
        cells = (f"{ordinals[number]}、{project.name}", f"{project.amount:.2f}", "按计划开展工作", "完成年度任务", name, *grades)
        rows.append(TableRow(cells, ("grades", str(number + 1))))
    return Table("部门职责-工作活动绩效目标", (f"{spec.unit_code} {spec.unit}",), header, tuple(rows), form=True)


# --- text ----------------------------------------------------------------------


@dataclass
class Rendered:
    text: str
    # anchor -> line of that row in the text
    anchors: dict[Anchor, int] = field(default_factory=dict)


class _TextWriter:
    def __init__(self, spec: DocumentSpec) -> None:
        self.spec = spec
        self.lines: list[str] = []
        self.anchors: dict[Anchor, int] = {}

    def money(self, value: Decimal) -> str:
        if value == 0:
            return "—" if self.spec.layout == "spaces" else ""
        return f"{value:,.2f}" if self.spec.thousands else f"{value:.2f}"

    def name(self, text: str) -> str:
        # A PDF wraps long names inside the cell; extraction leaves a space there.
        if self.spec.wrap_names and len(text) > 9:
            return text[:5] + " " + text[5:]
        return text

    def text(self, cell: Cell) -> str:
        if isinstance(cell, Money):
            return self.money(cell.value)
        if isinstance(cell, Name):
            return self.name(cell.text)
        return cell

    def cells(self, table: Table, cells: tuple[Cell, ...], header: bool) -> list[str]:
        texts = [self.text(cell) for cell in cells]
        if table.code_column is not None and self.spec.split_codes:
            code = texts[table.code_column]
            split = ["类", "款", "项"] if header else [code[:3], code[3:5], code[5:7]]
            texts[table.code_column : table.code_column + 1] = split
        return texts

    def row(self, table: Table, cells: list[str]) -> str:
        if self.spec.layout == "markdown":
            return "| " + " | ".join(cells) + " |"
        if self.spec.layout == "tab" or table.form:
            return "\t".join(cells)
        return "    ".join(cell or "—" for cell in cells)

    def emit(self, *lines: str) -> int:
        self.lines.extend(lines)
        return len(self.lines)

    def preamble(self, table: Table) -> None:
        for line in (*table.preamble, "单位：万元"):
            self.emit(line, "")

    def header(self, table: Table) -> None:
        for number, cells in enumerate(table.header):
            texts = self.cells(table, cells, header=True)
            self.emit(self.row(table, texts))
            if number == 0 and self.spec.layout == "markdown":
                self.emit("|" + "---|" * len(texts))

    def table(self, table: Table) -> None:
        self.emit(table.title, "")
        self.preamble(table)
        self.header(table)
        for number, row in enumerate(table.rows):
            if table.paged and number and number % self.spec.rows_per_page == 0:
                self.emit("")
                self.preamble(table)
                self.header(table)
            line = self.emit(self.row(table, self.cells(table, row.cells, header=False)))
            if row.anchor is not None:
                self.anchors[row.anchor] = line
        self.emit("")


def render_blocks(spec: DocumentSpec, blocks: tuple[Block, ...]) -> Rendered:
    w = _TextWriter(spec)
    for block in blocks:
        if isinstance(block, Table):
            w.table(block)
        elif isinstance(block, Paragraph):
            w.emit(*block.lines, "")
        else:
            w.emit(block.text, "")
    return Rendered("\n".join(w.lines), w.anchors)


def render(spec: DocumentSpec) -> Rendered:
    return render_blocks(spec, compose(spec))
