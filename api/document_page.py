"""A document's page, and the pages of its tables and figures: what a budget analyst checks
first (the totals, spending by function, the validation results, projects and indicators,
every table rebuilt from its figures, parse warnings). Data is gathered here into frozen rows;
``pages/document.html``, ``pages/table.html`` and ``pages/figure.html`` lay it out.
Seed 001's page (44 tables listed, 10 rebuilt: 779 cells, 590 of them linked figures) costs 52-63 ms process CPU per GET, 12-16 ms
of it in the templates; 66-90 and 20-27 ms before the grid's cells came formatted from here
(``GridCell``), pages/document.html stopped calling macros per target and table, and
``Graph.select`` zipped its rows (bench/bench_pages.py --documents, medians of 15, zh and en,
two interleaved runs each, 2 shared cores at load 10-12).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import unquote

import pyoxigraph as ox
from markupsafe import Markup

from api import charts, performance_page
from api.describe import Description, Graph, Row, Term, cell
from api.html import Site, decimal, facts, fragment
from api.templating import wan, yuan
from api.validation_html import FocusLinks, results_section
from kg.vocabulary import BKG, DCT, PROV, QB

_B = BKG.base


# -- the document page -----------------------------------------------------------


@dataclass(frozen=True)
class TotalFigure:
    iri: str
    row: str
    column: str
    yuan: Decimal
    line: str


@dataclass(frozen=True)
class TotalsGroup:
    """The total figures of one of the three summary tables (收支总表, 收入总表, 支出总表)."""

    zh: str
    en: str
    figures: tuple[TotalFigure, ...]


# A grid's cells and rows carry their text formatted once, here: the template only places it.
# Seed 001's page links 590 figures from its grids; a filter, a format and a method call per cell
# in the template cost more CPU than the same formatting in Python (see pages/_macros.html).


@dataclass(frozen=True)
class GridCell:
    href: str  # the figure's page
    title: str  # on hover: the file, the line and the amount as the document prints it
    yuan: str  # the amount in yuan ("1,234.00"); "" where the cell holds no amount
    shown: str  # the amount in 万元, else a count or the printed text


@dataclass(frozen=True)
class GridRow:
    code: str
    code_href: str  # "" without a code
    notation: str
    label: str
    side: str  # 收 or 支 in a table that lists both sides, else ""
    cells: tuple[GridCell | None, ...]
    source: str  # 第 n 行 / line n


@dataclass(frozen=True)
class Grid:
    columns: tuple[str, ...]
    rows: tuple[GridRow, ...]
    file_name: str


@dataclass(frozen=True)
class TableEntry:
    iri: str
    index: str
    label: str
    kind: str
    first_line: str
    figures: int
    grid: Grid | None


@dataclass(frozen=True)
class ParseWarning:
    iri: str
    message: str
    line: str


@dataclass(frozen=True)
class Validation:
    count: int
    body: Markup


_DOCUMENT_FACTS = (
    (BKG.fiscalYear, "年度", "Fiscal year"),
    (BKG.unit, "单位", "Unit"),
    (BKG.region, "地区", "Region"),
    (BKG.approvalDocument, "批复文件", "Approval"),
    (DCT.source, "文件", "File"),
    (BKG.sha256, "SHA-256", "SHA-256"),
)
_TOTAL_GROUPS = (
    ("RevenueExpenditureSummaryTable", "收支总表：收入来源与总计", "Summary: sources of money and totals"),
    ("RevenueTable", "收入总表：合计", "Revenue table: total row"),
    ("ExpenditureTable", "支出总表：基本支出 / 项目支出", "Expenditure table: basic / project"),
)


def _text(desc: Description, predicate: ox.NamedNode) -> str:
    value = desc.value(predicate)
    return value.value if value is not None else ""


def totals(graph: Graph, doc: ox.NamedNode) -> list[TotalsGroup] | None:
    """The rows without a code of the three summary tables; None when the document has none."""
    rows = graph.select(
        f"""SELECT DISTINCT ?f ?cls ?row ?col ?amt ?line ?tot WHERE {{
              ?t bkg:inDocument {doc} ; a ?cls . ?f qb:dataSet ?t ; bkg:rowLabel ?row ; bkg:columnLabel ?col ; bkg:sourceLine ?line .
              VALUES ?cls {{ bkg:RevenueExpenditureSummaryTable bkg:RevenueTable bkg:ExpenditureTable }}
              OPTIONAL {{ ?f bkg:amount ?amt }} OPTIONAL {{ ?f bkg:isTotal ?tot }}
              FILTER NOT EXISTS {{ ?f bkg:functionalClassification ?c1 }} FILTER NOT EXISTS {{ ?f bkg:economicClassification ?c2 }}
            }} ORDER BY ?line ?col"""
    )
    if not rows:
        return None
    groups = []
    for cls, zh, en in _TOTAL_GROUPS:
        picked = tuple(TotalFigure(cell(r, "f"), cell(r, "row"), cell(r, "col"), Decimal(cell(r, "amt")), cell(r, "line")) for r in rows if cell(r, "cls") == _B + cls and cell(r, "amt"))
        if picked:
            groups.append(TotalsGroup(zh, en, picked))
    return groups


def function_chart(graph: Graph, site: Site, doc: ox.NamedNode) -> str:
    """Spending by functional 类 and 款, from the expenditure table (or the general budget's)."""
    for cls in ("ExpenditureTable", "GeneralBudgetExpenditureTable"):
        rows = graph.select(
            f"""SELECT ?code ?n (SAMPLE(?row) AS ?label) (SAMPLE(?amt) AS ?yuan) WHERE {{
                  ?t bkg:inDocument {doc} ; a bkg:{cls} . ?f qb:dataSet ?t ; bkg:column bkg:column-total ;
                  bkg:functionalClassification ?code ; bkg:amount ?amt ; bkg:rowLabel ?row . ?code skos:notation ?n .
                  FILTER(STRLEN(?n) = 3 || STRLEN(?n) = 5) }} GROUP BY ?code ?n ORDER BY ?n"""
        )
        if rows:
            break
    else:
        return ""
    labels = graph.labels([r["code"] for r in rows], site.langs)
    bars = [
        charts.Bar(
            f"{cell(r, 'n')} {labels.get(cell(r, 'code')) or cell(r, 'label')}",
            decimal(cell(r, "yuan")) or Decimal(0),
            0 if len(cell(r, "n")) == 3 else 1,
            site.href(cell(r, "code")),
        )
        for r in rows
    ]
    return charts.bar_chart(bars, title=chart_title(site))


def chart_title(site: Site) -> str:
    return "按功能分类（类、款）的支出（万元）" if site.zh else "Expenditure by functional class and section (10k yuan)"


def table_grid(graph: Graph, site: Site, tbl: ox.NamedNode, file_name: str) -> Grid | None:
    """The table rebuilt from its figures: one row per printed line, one column per printed column label."""
    rows = graph.select(
        f"""SELECT DISTINCT ?f ?line ?row ?col ?amt ?count ?printed ?side ?code ?n WHERE {{
              ?f qb:dataSet {tbl} ; bkg:sourceLine ?line ; bkg:rowLabel ?row ; bkg:columnLabel ?col ; bkg:printedAmount ?printed .
              OPTIONAL {{ ?f bkg:amount ?amt }} OPTIONAL {{ ?f bkg:count ?count }} OPTIONAL {{ ?f bkg:side ?side }}
              OPTIONAL {{ ?f bkg:functionalClassification|bkg:economicClassification ?code . ?code skos:notation ?n }}
            }} ORDER BY ?line ?f"""
    )
    if not rows:
        return None
    columns: list[str] = []
    grid: dict[tuple[int, str, str], dict[str, Row]] = {}
    meta: dict[tuple[int, str, str], Row] = {}
    for r in rows:
        col = cell(r, "col")
        if col not in columns:
            columns.append(col)
        key = (int(cell(r, "line")), cell(r, "side"), cell(r, "row"))
        grid.setdefault(key, {})[col] = r
        meta.setdefault(key, r)
    line_word = "第 %s 行" if site.zh else "line %s"
    out = []
    for key in sorted(grid):
        first = meta[key]
        cells = tuple(_cell(site, grid[key].get(col), file_name, line_word) for col in columns)
        side = "收" if cell(first, "side").endswith("Revenue") else ("支" if cell(first, "side").endswith("Expenditure") else "")
        code = cell(first, "code")
        out.append(GridRow(code, site.href(code) if code else "", cell(first, "n"), key[2], side, cells, line_word % key[0]))
    return Grid(tuple(columns), tuple(out), file_name)


def _cell(site: Site, row: Row | None, file_name: str, line_word: str) -> GridCell | None:
    if row is None:
        return None
    printed = cell(row, "printed")
    title = f"{file_name} {line_word % cell(row, 'line')} · {printed}"
    if cell(row, "amt"):
        amount = Decimal(cell(row, "amt"))
        return GridCell(site.href(cell(row, "f")), title, yuan(amount), wan(amount))
    return GridCell(site.href(cell(row, "f")), title, "", cell(row, "count") or printed)


def tables(graph: Graph, site: Site, doc: ox.NamedNode, file_name: str) -> list[TableEntry]:
    rows = graph.select(
        f"""SELECT ?t (SAMPLE(?title) AS ?label) (SAMPLE(?i) AS ?index) (SAMPLE(?cls) AS ?kind) (SAMPLE(?line) AS ?first)
                   (COUNT(DISTINCT ?f) AS ?figures) WHERE {{
              ?t bkg:inDocument {doc} ; dcterms:title ?title ; bkg:tableIndex ?i ; a ?cls .
              FILTER(STRSTARTS(STR(?cls), STR(bkg:)) && ?cls != bkg:BudgetTable)
              OPTIONAL {{ ?t bkg:sourceLine ?line }} OPTIONAL {{ ?f qb:dataSet ?t }} }} GROUP BY ?t ORDER BY ?index"""
    )
    out = []
    for r in rows:
        figures = int(cell(r, "figures") or 0)
        grid = table_grid(graph, site, ox.NamedNode(cell(r, "t")), file_name) if figures > 0 else None
        out.append(TableEntry(cell(r, "t"), cell(r, "index"), cell(r, "label"), cell(r, "kind"), cell(r, "first"), figures, grid))
    return out


def validation(graph: Graph, site: Site, doc: ox.NamedNode) -> Validation | None:
    """The document's SHACL results through the one results table (api.validation_html):
    severity, identity, the offending figure linked to its page, its lines and the message
    in the reader's language."""
    from kg.settings import Settings
    from kg.validation import validation_report

    doc_id = unquote(doc.value[len(site.base_iri + "id/document/") :]) if doc.value.startswith(site.base_iri) else ""
    try:
        report = validation_report(graph.store, doc_id, Settings(base_iri=site.base_iri))
    except Exception:  # a broken validator or a document without a graph must not break the page
        return None
    iris = [ox.NamedNode(r.focus) for r in report.results if r.focus.startswith(("http:", "https:"))]
    labels = graph.labels(iris, site.langs)
    links: FocusLinks = {}
    for r in report.results:
        if r.focus.startswith(doc.value + "/"):
            links[r.focus] = (site.href(r.focus), labels.get(r.focus) or unquote(r.focus[len(doc.value) + 1 :]))
        elif r.focus.startswith(("http:", "https:")):
            links[r.focus] = (site.href(r.focus), labels.get(r.focus) or site.short(r.focus))
        else:
            links[r.focus] = (None, r.focus)
    return Validation(len(report.results), results_section(report, links, "zh" if site.zh else "en"))


def warnings(graph: Graph, doc: ox.NamedNode) -> list[ParseWarning]:
    rows = graph.select(f"""SELECT DISTINCT ?w ?message ?line WHERE {{ {doc} bkg:warning ?w . ?w bkg:message ?message . OPTIONAL {{ ?w bkg:sourceLine ?line }} }} ORDER BY ?line""")
    return [ParseWarning(cell(r, "w"), cell(r, "message"), cell(r, "line")) for r in rows]


def sections(graph: Graph, site: Site, desc: Description) -> Markup:
    doc = desc.resource
    file_name = _text(desc, DCT.source)
    found_tables = tables(graph, site, doc, file_name)
    kinds = graph.labels([ox.NamedNode(t.kind) for t in found_tables], site.langs)
    return fragment(
        "pages/document.html",
        site,
        facts=facts(desc, _DOCUMENT_FACTS),
        labels=desc.labels,
        file_name=file_name,
        totals=totals(graph, doc),
        chart=function_chart(graph, site, doc),
        chart_title=chart_title(site),
        validation=validation(graph, site, doc),
        targets=performance_page.document_targets(graph, doc),
        tables=found_tables,
        kinds=kinds,
        warnings=warnings(graph, doc),
    )


# -- a table's and a figure's pages ----------------------------------------------------


def _file_of(graph: Graph, doc: Term | None) -> str:
    if not isinstance(doc, ox.NamedNode):
        return ""
    found = graph.objects(doc, DCT.source)
    return found[0].value if found else ""


def table_sections(graph: Graph, site: Site, desc: Description) -> Markup:
    doc = desc.value(BKG.inDocument)
    file_name = _file_of(graph, doc)
    parents = graph.select(f"SELECT DISTINCT ?p WHERE {{ ?p bkg:inTable {desc.resource} ; bkg:indicator ?i }}")
    indicators = [performance_page.target_sections(graph, site, ox.NamedNode(cell(r, "p"))) for r in parents[:5]]
    return fragment(
        "pages/table.html",
        site,
        document=doc,
        labels=desc.labels,
        line=_text(desc, BKG.sourceLine),
        file_name=file_name,
        money_unit=desc.value(BKG.moneyUnit),
        grid=table_grid(graph, site, desc.resource, file_name),
        indicators=indicators,
    )


_FIGURE_FACTS = (
    (BKG.rowLabel, "行", "Row"),
    (BKG.columnLabel, "栏", "Column"),
    (BKG.column, "栏目含义", "Column meaning"),
    (BKG.functionalClassification, "功能分类", "Functional code"),
    (BKG.economicClassification, "经济分类", "Economic code"),
    (BKG.side, "收支", "Side"),
    (BKG.unit, "单位", "Unit"),
    (QB.dataSet, "表格", "Table"),
)


def figure_sections(graph: Graph, site: Site, desc: Description) -> Markup:
    doc = desc.value(PROV.wasDerivedFrom)
    amount = desc.value(BKG.amount)
    return fragment(
        "pages/figure.html",
        site,
        labels=desc.labels,
        yuan=(decimal(amount.value) or Decimal(0)) if amount is not None else None,
        printed=desc.value(BKG.printedAmount),
        printed_unit=_text(desc, BKG.printedUnit),
        facts=facts(desc, _FIGURE_FACTS),
        document=doc,
        line=_text(desc, BKG.sourceLine),
        file_name=_file_of(graph, doc),
    )
