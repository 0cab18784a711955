"""A budget unit's page: its documents with their totals, budget against actual by year and
code (a paired-bar chart beside a table of 年初预算, 调整预算, 决算 and 完成率, every amount a
link to the figure it was read from) and its projects. The chart replaces the latest
document's expenditure-by-function chart, which the document page still draws: for a
year with only a budget it showed the same bars. Data is gathered here into frozen rows; ``pages/unit.html`` lays it out.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pyoxigraph as ox

from api import charts, execution
from api.describe import Description, Graph, cell
from api.execution import Execution
from api.html import Site
from api.templating import render
from kg.vocabulary import BKG

_B = BKG.base


@dataclass(frozen=True)
class DocumentRow:
    iri: str
    title: str
    year: str
    file_name: str
    total: Decimal | None  # 支出合计
    basic: Decimal | None  # 基本支出
    project: Decimal | None  # 项目支出


@dataclass(frozen=True)
class ProjectRow:
    iri: str
    label: str
    code: str
    budget: Decimal | None
    indicators: str


@dataclass(frozen=True)
class YearExecution:
    """One fiscal year of budget against actual: the chart and the table beside it."""

    year: str
    chart: str
    rows: tuple[Execution, ...]


def _amount(text: str) -> Decimal | None:
    return Decimal(text) if text else None


def documents(graph: Graph, unit: ox.NamedNode) -> list[DocumentRow]:
    docs = graph.select(
        f"""SELECT ?d (SAMPLE(?t) AS ?title) (SAMPLE(?y) AS ?year) (SAMPLE(?src) AS ?file) WHERE {{
              ?d a bkg:BudgetDocument ; bkg:unit {unit} ; dcterms:title ?t ; bkg:fiscalYear ?y . OPTIONAL {{ ?d dcterms:source ?src }}
            }} GROUP BY ?d ORDER BY DESC(?year) ?title"""
    )
    totals = {
        (cell(r, "d"), cell(r, "c")): cell(r, "amt")
        for r in graph.select(
            # The columns as a FILTER, not VALUES: Oxigraph started from a VALUES block and joined
            # every total figure of the store with those columns (8 s on 1,560 documents; 0.03 s).
            f"""SELECT DISTINCT ?d ?c ?amt WHERE {{ ?d bkg:unit {unit} ; a bkg:BudgetDocument . ?t bkg:inDocument ?d ; a bkg:ExpenditureTable .
                  ?f qb:dataSet ?t ; bkg:isTotal true ; bkg:column ?c ; bkg:amount ?amt .
                  FILTER(?c IN (bkg:column-total, bkg:column-basic, bkg:column-project))
                  FILTER NOT EXISTS {{ ?f bkg:functionalClassification ?x }} FILTER NOT EXISTS {{ ?f bkg:economicClassification ?y }} }}"""
        )
    }
    return [
        DocumentRow(cell(d, "d"), cell(d, "title"), cell(d, "year"), cell(d, "file"), *(_amount(totals.get((cell(d, "d"), _B + c), "")) for c in ("column-total", "column-basic", "column-project")))
        for d in docs
    ]


def projects(graph: Graph, unit: ox.NamedNode) -> list[ProjectRow]:
    rows = graph.select(
        f"""SELECT ?p (SAMPLE(?l) AS ?label) (SAMPLE(?code) AS ?c) (SAMPLE(?total) AS ?yuan) (COUNT(DISTINCT ?i) AS ?indicators) WHERE {{
              ?p a bkg:Project ; bkg:unit {unit} ; rdfs:label ?l . OPTIONAL {{ ?p bkg:projectCode ?code }}
              OPTIONAL {{ ?t bkg:forProject ?p . OPTIONAL {{ ?t bkg:budgetTotal ?total }} OPTIONAL {{ ?t bkg:indicator ?i }} }}
            }} GROUP BY ?p ORDER BY ?label"""
    )
    return [ProjectRow(cell(p, "p"), cell(p, "label"), cell(p, "c"), _amount(cell(p, "yuan")), cell(p, "indicators")) for p in rows]


def chart_rows(rows: list[Execution]) -> list[Execution]:
    """The 类 and 款 of a year; where none of them has a budget (a 决算 that gives its budget only
    in prose, per 项), the codes that have both a budget and an actual."""
    upper = [e for e in rows if e.level < 2]
    if any(e.budget is not None for e in upper):
        return upper
    return [e for e in rows if e.rate is not None]


def years(site: Site, found: list[Execution], names: dict[str, str]) -> list[YearExecution]:
    by_year: dict[str, list[Execution]] = {}
    for e in found:
        by_year.setdefault(e.year, []).append(e)
    zh = site.lang != "en"
    out = []
    for year, rows in by_year.items():
        bars = [
            charts.PairedBar(f"{e.notation} {names.get(e.code) or e.row_label}", e.budget.yuan if e.budget else None, e.final.yuan if e.final else None, e.rate, e.level, site.href(e.code))
            for e in chart_rows(rows)
        ]
        title = f"{year} 年预算与决算（万元）" if zh else f"{year} budget and actual (10k yuan)"
        chart = charts.paired_chart(bars, title=title, legend=("预算", "决算") if zh else ("budget", "actual"))
        out.append(YearExecution(year, chart, tuple(rows)))
    return out


def sections(graph: Graph, site: Site, desc: Description) -> str:
    unit = desc.resource
    docs = documents(graph, unit)
    found = execution.unit_execution(graph, unit)
    names = graph.labels([ox.NamedNode(e.code) for e in found], site.langs)
    found_years = years(site, found, names)
    return render(
        "pages/unit.html",
        site=site,
        zh=site.lang != "en",
        documents=docs,
        years=found_years,
        names=names,
        projects=projects(graph, unit),
    )
