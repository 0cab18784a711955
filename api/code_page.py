"""A classification code's page: its names (standard and as printed), parent and children,
execution rates across units (budget against actual per unit and year, lowest rate first, a
page of ``RATES_PAGE`` at a time), and every unit's amount in the total column, by table.
Data is gathered here into frozen rows; ``pages/code.html`` lays it out.

The rates' order comes from the code's execution figures (``execution.code_execution``) and only
the page shown has its figures read (``execution.shown``); if those figures give another rate
than the one a row was ordered by, the page is ordered by every figure of the code instead
(``execution.code_execution_from_figures``), so a page never shows rates out of order. On
1,000 pairs (``bench/bench_pages.py --store /tmp/c-pairs-1000 --runs 3 --sample 5``, load
average 5.9-7.7) that brought a common code's first GET from 5.6-6.8 s (load 13) to 1.0-1.7 s,
and the next ones from 1.3-1.6 s to 0.68-1.0 s.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Callable

import pyoxigraph as ox

from api import execution
from api.describe import Description, Graph, cell
from api.execution import Execution, RateRow
from api.html import Site
from api.templating import render
from kg.vocabulary import DCT, SKOS

RATES_PAGE = 50
RatesSource = Callable[[Graph, ox.NamedNode, str], list[RateRow]]  # execution.code_execution, or a CodeRates
AMOUNTS_LIMIT = 200


@dataclass(frozen=True)
class PrintedName:
    """A name as documents print it for this code: how many documents, and the first of them."""

    name: str
    documents: int
    document: str
    line: str
    file_name: str


@dataclass(frozen=True)
class Related:
    iri: str
    notation: str


@dataclass(frozen=True)
class Amount:
    figure: str
    year: str
    unit: str
    yuan: Decimal
    line: str
    file_name: str


@dataclass(frozen=True)
class AmountTable:
    """The figures of one kind of table (e.g. 支出总表) for this code, with a total per year."""

    table_class: str
    amounts: tuple[Amount, ...]
    year_totals: tuple[tuple[str, Decimal], ...]


@dataclass(frozen=True)
class Rates:
    """One page of execution rates across units."""

    rows: tuple[Execution, ...]
    offset: int
    total: int

    @property
    def previous(self) -> int | None:
        return max(0, self.offset - RATES_PAGE) if self.offset > 0 else None

    @property
    def next(self) -> int | None:
        return self.offset + RATES_PAGE if self.offset + RATES_PAGE < self.total else None


def printed_names(graph: Graph, code: ox.NamedNode) -> list[PrintedName]:
    # One row per distinct name (a common code is named by every document that prints it).
    rows = graph.select(
        f"""SELECT ?name (COUNT(DISTINCT ?d) AS ?n) (MIN(STR(?d)) AS ?first) WHERE {{
              ?cn bkg:ofCode {code} ; rdfs:label ?name ; prov:wasDerivedFrom ?d }} GROUP BY ?name ORDER BY DESC(?n) ?name"""
    )
    out = []
    for r in rows:
        doc = ox.NamedNode(cell(r, "first"))
        where = graph.select(
            f"""SELECT ?line ?src WHERE {{ ?cn bkg:ofCode {code} ; rdfs:label {r["name"]} ; prov:wasDerivedFrom {doc} .
                  OPTIONAL {{ ?cn bkg:sourceLine ?line }} OPTIONAL {{ {doc} dcterms:source ?src }} }} LIMIT 1"""
        )
        line, src = (cell(where[0], "line"), cell(where[0], "src")) if where else ("", "")
        out.append(PrintedName(cell(r, "name"), int(cell(r, "n")), doc.value, line, src))
    return out


def related(graph: Graph, code: ox.NamedNode) -> tuple[list[Related], list[Related]]:
    parents = graph.select(f"SELECT DISTINCT ?p ?n WHERE {{ {code} skos:broader ?p . ?p skos:notation ?n }}")
    children = graph.select(f"SELECT DISTINCT ?c ?n WHERE {{ ?c skos:broader {code} ; skos:notation ?n }} ORDER BY ?n")
    return [Related(cell(r, "p"), cell(r, "n")) for r in parents], [Related(cell(r, "c"), cell(r, "n")) for r in children]


def rates(graph: Graph, code: ox.NamedNode, notation: str, offset: int, rows: RatesSource = execution.code_execution) -> Rates:
    found = rows(graph, code, notation)
    offset = min(offset, max(0, len(found) - 1))
    page = execution.shown(graph, found[offset : offset + RATES_PAGE])
    if page is None:  # a shown row's figures disagree with its execution figure: order by every figure
        exact = execution.code_execution_from_figures(graph, code, notation)
        offset = min(offset, max(0, len(exact) - 1))
        return Rates(tuple(execution.with_details(graph, exact[offset : offset + RATES_PAGE])), offset, len(exact))
    return Rates(tuple(page), offset, len(found))


def amount_tables(graph: Graph, code: ox.NamedNode) -> tuple[list[AmountTable], bool]:
    """Up to AMOUNTS_LIMIT figures in a total column with this code, by kind of table, and
    whether that is all of them. Not sorted in SPARQL: ordering every figure of a common code
    first (14,000 on 2,000 documents) cost seconds; the rates above cover every unit."""
    # One predicate, not the path functional|economic: Oxigraph evaluated the path's two sides
    # before the LIMIT (0.4-0.55 s against 0.08 s for a common code on 2,000 documents).
    scheme = "bkg:functionalClassification" if graph.ask(f"ASK {{ ?f bkg:functionalClassification {code} }}") else "bkg:economicClassification"
    rows = graph.select(
        f"""SELECT ?f ?cls ?unit ?year ?d ?amt ?line WHERE {{
              ?f {scheme} {code} ; bkg:column bkg:column-total ; bkg:amount ?amt ;
                 bkg:unit ?unit ; bkg:fiscalYear ?year ; qb:dataSet ?t ; prov:wasDerivedFrom ?d ; bkg:sourceLine ?line .
              ?t a ?cls . FILTER(STRSTARTS(STR(?cls), STR(bkg:)) && ?cls != bkg:BudgetTable)
            }} LIMIT {AMOUNTS_LIMIT + 1}"""
    )
    complete = len(rows) <= AMOUNTS_LIMIT
    files = {d: graph.objects(ox.NamedNode(d), DCT.source) for d in {cell(r, "d") for r in rows[:AMOUNTS_LIMIT]}}
    by_class: dict[str, list[Amount]] = {}
    for r in sorted(rows[:AMOUNTS_LIMIT], key=lambda r: (cell(r, "cls"), -int(cell(r, "year") or 0), cell(r, "unit"), int(cell(r, "line") or 0))):
        src = files.get(cell(r, "d")) or []
        by_class.setdefault(cell(r, "cls"), []).append(Amount(cell(r, "f"), cell(r, "year"), cell(r, "unit"), Decimal(cell(r, "amt")), cell(r, "line"), src[0].value if src else ""))
    out = []
    for cls, amounts in by_class.items():
        sums: dict[str, Decimal] = {}
        for a in amounts:
            sums[a.year] = sums.get(a.year, Decimal(0)) + a.yuan
        out.append(AmountTable(cls, tuple(amounts), tuple(sorted(sums.items(), reverse=True)) if complete else ()))
    return out, complete


def sections(graph: Graph, site: Site, desc: Description, rates_offset: int = 0, rates_source: RatesSource = execution.code_execution) -> str:
    code = desc.resource
    notation = desc.value(SKOS.notation)
    names = printed_names(graph, code)
    parents, children = related(graph, code)
    page = rates(graph, code, notation.value if notation is not None else "", rates_offset, rates_source)
    tables, complete = amount_tables(graph, code)
    labels = graph.labels(
        [
            ox.NamedNode(i)
            for i in {r.iri for r in parents + children} | {n.document for n in names} | {e.unit for e in page.rows} | {a.unit for t in tables for a in t.amounts} | {t.table_class for t in tables}
        ],
        site.langs,
    )
    pref = [v.value for v in desc.values(SKOS.prefLabel) if isinstance(v, ox.Literal)]
    href = site.href(code.value)
    return render(
        "pages/code.html",
        site=site,
        zh=site.lang != "en",
        pref=pref,
        parents=parents,
        children=children,
        names=names,
        rates=page,
        tables=tables,
        complete=complete,
        limit=AMOUNTS_LIMIT,
        labels=labels,
        page_href=href + ("&" if "?" in href else "?"),
    )
