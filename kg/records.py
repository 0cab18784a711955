"""Typed records: what the extractors hand to the RDF mapping.

Plain frozen dataclasses, no behaviour beyond small derived properties. Every
record carries the source lines it was read from (``Lines``), so each figure in
the graph links back to the line of the document it came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum


@dataclass(frozen=True)
class Lines:
    """An inclusive, 1-based range of source lines."""

    first: int
    last: int

    def __post_init__(self) -> None:
        if self.first < 1 or self.last < self.first:
            raise ValueError(f"bad line range {self.first}-{self.last}")

    def span(self, other: "Lines") -> "Lines":
        return Lines(min(self.first, other.first), max(self.last, other.last))

    def __str__(self) -> str:
        return str(self.first) if self.first == self.last else f"{self.first}-{self.last}"


class TableKind(str, Enum):
    """The canonical tables of a disclosure (domain.md §2 and §5)."""

    revenue_expenditure_summary = "revenue-expenditure-summary"  # 收支总表
    revenue = "revenue"  # 收入总表
    expenditure = "expenditure"  # 支出总表
    appropriation_summary = "appropriation-summary"  # 财政拨款收支总表
    general_budget_expenditure = "general-budget-expenditure"  # 一般公共预算(财政拨款)支出表
    basic_expenditure = "basic-expenditure"  # 一般公共预算基本支出表
    project_expenditure = "project-expenditure"  # 一般公共预算项目支出表
    government_fund_expenditure = "government-fund-expenditure"  # 政府性基金预算支出表
    state_capital_expenditure = "state-capital-expenditure"  # 国有资本经营预算支出表
    three_public = "three-public"  # "三公"经费支出表
    carryover = "carryover"  # 上年结转结余情况表
    procurement = "procurement"  # 政府采购预算表
    assets = "assets"  # 固定资产占用情况表
    organisation = "organisation"  # 机构设置 / 部门基本情况
    staffing = "staffing"  # 人员/编制情况
    project_performance = "project-performance"  # 项目绩效目标表
    department_performance = "department-performance"  # 部门/单位整体绩效目标表
    activity_performance = "activity-performance"  # 职责活动绩效目标 (优/良/中/差)

    @property
    def is_money_table(self) -> bool:
        return self not in _TEXT_GRIDS


_TEXT_GRIDS = {
    TableKind.organisation,
    TableKind.project_performance,
    TableKind.department_performance,
    TableKind.activity_performance,
}


class MoneyUnit(str, Enum):
    yuan = "元"
    wan_yuan = "万元"

    @property
    def factor(self) -> Decimal:
        return Decimal(1) if self is MoneyUnit.yuan else Decimal(10000)


@dataclass(frozen=True)
class Amount:
    """A figure as printed and as a number of yuan (元).

    ``value`` is what the document prints, in ``unit``; it is never corrected.
    ``unit`` is None for figures that are not money (a quantity, a count).
    """

    printed: str
    value: Decimal
    unit: MoneyUnit | None

    @property
    def yuan(self) -> Decimal | None:
        return None if self.unit is None else self.value * self.unit.factor


@dataclass(frozen=True)
class ParseWarning:
    lines: Lines
    message: str


@dataclass(frozen=True)
class DocumentInfo:
    title: str
    issuing_unit: str  # 编制部门 / the unit the document is about
    fiscal_year: int | None  # 预算年度
    scope: str  # "department" (部门预算) or "unit" (单位预算)
    region: str | None = None
    unit_code: str | None = None  # e.g. 817001 before the unit name
    approval_document: str | None = None  # 批复文件 number
    approval_date: str | None = None  # ISO date where readable
    title_lines: Lines | None = None


@dataclass(frozen=True)
class TableInfo:
    """One recognised table of the document."""

    index: int  # 1-based position in the document
    kind: TableKind
    title: str
    lines: Lines
    money_unit: MoneyUnit | None
    note: str | None = None  # e.g. "注：无…空表列示"


class Side(str, Enum):
    revenue = "revenue"  # 收入
    expenditure = "expenditure"  # 支出


class CodeScheme(str, Enum):
    functional = "functional"  # 支出功能分类科目
    economic = "economic"  # 部门预算支出经济分类科目


@dataclass(frozen=True)
class ClassificationCode:
    scheme: CodeScheme
    notation: str  # "2080505"
    name: str | None  # the name as this document prints it


@dataclass(frozen=True)
class BudgetLine:
    """One figure of a standard money table: one row, one column.

    ``column`` is the column's meaning as a controlled key (see
    ``extract.columns.COLUMN_MEANINGS``), ``column_label`` the header as printed.
    """

    table: int  # TableInfo.index
    side: Side | None  # None where a table is neither (assets)
    row_label: str  # the row's item as printed, e.g. "机关事业单位基本养老保险缴费支出"
    code: ClassificationCode | None
    column: str
    column_label: str
    amount: Amount
    lines: Lines
    is_total: bool = False  # 合计 / 总计 rows
    stage: str | None = None  # 年初预算 / 调整预算 / 决算 (kg.families.Stage); None: the family's default


@dataclass(frozen=True)
class Target:
    """A target or threshold value as written, with what could be read from it."""

    text: str
    comparator: str | None = None  # one of >=, >, <=, <, =, range
    lower: Decimal | None = None
    upper: Decimal | None = None
    unit: str | None = None  # "%", "万元", "元/人/月", "次" …


@dataclass(frozen=True)
class Indicator:
    level1: str | None  # 一级指标
    level2: str | None  # 二级指标
    name: str  # 三级指标
    target: Target | None
    lines: Lines
    description: str | None = None  # 指标描述
    basis: str | None = None  # 指标值确定依据
    weight: Decimal | None = None  # 分值权重
    last_year_value: str | None = None  # 上年完成值
    scoring_rule: str | None = None  # 指标赋分规则
    evidence: str | None = None  # 佐证资料
    direction: str | None = None  # "higher-is-better" | "lower-is-better" | None
    grades: tuple["GradeThreshold", ...] = ()


@dataclass(frozen=True)
class GradeThreshold:
    grade: str  # 优 / 良 / 中 / 差
    target: Target


@dataclass(frozen=True)
class PerformanceTarget:
    """A project's (or the whole department's) performance target table."""

    table: int
    kind: TableKind  # project_performance or department_performance
    name: str
    lines: Lines
    code: str | None = None  # 项目编码
    budget_total: Amount | None = None
    budget_fiscal: Amount | None = None  # 财政资金
    budget_other: Amount | None = None  # 其他资金
    purpose: str | None = None  # 资金用途
    goals: str | None = None  # 绩效目标
    spending_plan: tuple[tuple[str, Decimal], ...] = ()  # ("3月底", 25) …
    indicators: tuple[Indicator, ...] = ()
    responsible_person: str | None = None


@dataclass(frozen=True)
class Activity:
    """A responsibility activity (职责活动) with its budget and graded indicators."""

    table: int
    name: str
    level: int  # 1 for 一、二、…; 2 for sub-activities
    lines: Lines
    budget: Amount | None = None
    description: str | None = None
    goal: str | None = None
    indicators: tuple[Indicator, ...] = ()
    parent: str | None = None  # name of the level-1 activity


@dataclass(frozen=True)
class Body:
    """An internal body or subordinate unit (机构设置)."""

    name: str
    lines: Lines
    nature: str | None = None  # 单位性质: 行政 / 事业 …
    rank: str | None = None  # 规格: 正科级 …
    funding: str | None = None  # 经费保障形式
    note: str | None = None  # 备注
    counts: tuple[tuple[str, Decimal], ...] = ()  # 编制人数/在职人数/车辆 …: label as printed -> number


@dataclass(frozen=True)
class BlankRow:
    """A money-table row printed with a label and no figure that, by the table's layout, sums other rows.

    A blank cell is unknown (no ``BudgetLine``), so the row is kept apart: a subtotal left
    blank above parts that print figures is worth a warning (kg.extract.blank_rows).
    """

    table: int  # TableInfo.index
    label: str  # as printed, e.g. "“三公”经费小计", "二、公务用车购置及运维费"
    lines: Lines
    parts: tuple[int, ...]  # first source line of each row it sums
    notation: str | None = None  # its code, where it has one (a 类 or 款 row)
    scheme: CodeScheme | None = None
    side: Side | None = None  # the half of a two-sided summary table it is in (its parts are in the same half)


@dataclass(frozen=True)
class SubtotalRow:
    """A printed row of a summary table's revenue half that, by the table's outline, sums other rows.

    The revenue half lists sources by label, not code (一、本年收入 / 1. 一般公共预算拨款 /
    其中:一般财力 …), so no hierarchy reads it; kg.extract.revenue_outline finds the sums.
    """

    table: int  # TableInfo.index
    label: str  # as printed, e.g. "1.一般公共预算拨款"
    lines: Lines
    parts: tuple[int, ...]  # first source line of each row it sums
    side: Side | None
    whole: bool  # the parts make up the row; False: a 其中 list, only included in it


@dataclass(frozen=True)
class StaffingTotal:
    """The 合计 row of an organisation or staffing table: the counts it says its bodies add up to."""

    label: str  # 合计 / 总计 as printed
    lines: Lines
    counts: tuple[tuple[str, Decimal], ...] = ()  # same labels as the bodies' counts ("在职人数/行政")


@dataclass(frozen=True)
class NarrativeFigure:
    """A figure stated in prose, e.g. 机关运行经费 165.64 万元.

    ``kind`` is a controlled key (see ``extract.narrative.FIGURE_KINDS``).
    """

    kind: str
    amount: Amount | None
    statement: str  # the sentence (or clause) as printed
    lines: Lines
    change: Amount | None = None  # 比上年 增加/减少 amount (signed)
    change_percent: Decimal | None = None  # signed
    prior_amount: Amount | None = None  # 比上年 31.18 万元 …: last year's figure the comparison names
    share_percent: Decimal | None = None  # 占 x%: the share of the whole it is part of
    count: Decimal | None = None  # for counts such as vehicles (辆)
    count_unit: str | None = None
    stage: str | None = None  # 年初预算 / 调整预算 / 决算 where the statement says; None: the family's default
    code: ClassificationCode | None = None  # the code a 决算 statement is about (…(类)…(款)…(项))
    completion_percent: Decimal | None = None  # 完成(年初)预算的 x%
    comparison: str | None = None  # 决算数 大于 / 小于 / 等于 预算数: "greater" | "less" | "equal"
    paragraph: int | None = None  # 1-based index of the prose paragraph it was read from
    label: str | None = None  # a listed item's printed name (办公费), kind "listed_item"
    item_of: str | None = None  # the kind of the figure whose 其中 list names it (operating_costs)


@dataclass(frozen=True)
class GlossaryEntry:
    term: str
    definition: str
    lines: Lines


@dataclass(frozen=True)
class TextLine:
    """A line of the document as printed, for the presentation checks (kg.extract.presentation)."""

    line: int
    text: str
    prose: bool  # outside every recognised table
    heading: bool  # a short title line (kg.extract.narrative.is_heading)


@dataclass(frozen=True)
class ProseSentence:
    """A sentence of the prose as printed, joined across the line breaks that cut it."""

    text: str
    lines: Lines


@dataclass
class ParsedDocument:
    """Everything read from one document, ready for mapping."""

    document_id: str
    source_path: str
    sha256: str
    info: DocumentInfo
    tables: list[TableInfo] = field(default_factory=list)
    budget_lines: list[BudgetLine] = field(default_factory=list)
    performance: list[PerformanceTarget] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)
    bodies: list[Body] = field(default_factory=list)
    staffing_totals: list[StaffingTotal] = field(default_factory=list)
    blank_rows: list[BlankRow] = field(default_factory=list)
    subtotal_rows: list[SubtotalRow] = field(default_factory=list)
    narrative: list[NarrativeFigure] = field(default_factory=list)
    glossary: list[GlossaryEntry] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)
    text_lines: list[TextLine] = field(default_factory=list)
    sentences: list[ProseSentence] = field(default_factory=list)
    pages: tuple[int, ...] | None = None  # pages[n - 1] is the page of source line n (PDF input)
    family: str = "budget"  # kg.families key: budget (预算) or final-accounts (决算)
