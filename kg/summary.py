"""Summary figures: per-document aggregates written at ingest, so corpus-wide questions stay fast.

Why. Questions over the whole store (total expenditure by unit, execution rate by
code, biggest under-spends) read every figure of every document. Measured on this
machine before the summary: the bench mix's "sum by unit" GROUP BY took 12 s at
10,000 documents, and on 1,000 generated budget + 决算 pairs the execution rate over
all codes took 40-45 s, one code 0.8-1.7 s, the biggest under-spends 12 s. The cost
is the joins (figure → code → notation, figure → table → class, a UNION of two figure
kinds) repeated for every figure, not the arithmetic.

Design. While a document is prepared (in the worker, beside mapping and reasoning) the
aggregates those questions need are computed from the document's own quads and written
into a graph of its own, ``{base}graph/{doc}/summary``, which ``kg.ingest.commit``
replaces in the same transaction as the document's graph: a re-ingested document never
shows an old summary beside new figures, and dropping a document's graphs drops its
summary with them (``document_graphs``). ``budgetkg summarize`` rebuilds every summary
from the stored figures (a store written before this module, or after a manual edit).

Exactness. Each summary is computed by selecting, over the document's graphs only, the
same figure patterns the corpus query selects, and aggregating with operations that
decompose over documents: the largest amount (MAX of per-document MAXes is the MAX) and
the sum (a SUM of per-document SUMs, in ``Decimal``, is the SUM). Every figure and every
triple it joins through lives in its document's graphs (codes' notations in the shared
reference graph, identical in every copy), so no group of the corpus query spans a
figure of one document and a triple of another. Rows are counted as the store's union
default graph yields them (a triple stated in two graphs is two rows), so a sum over
the summary equals the sum over the figures. ``tests/test_summary.py`` asserts equality
with the raw queries on the seeds, the corpus PDFs and generated pairs.

The summary dataset (a ``bkg:SummaryDataSet`` per document) holds:

- ``bkg:CodeSummaryFigure``: per unit, fiscal year, stage and functional code, and per
  column (expenditure-side table figures) or figure kind (narrative statements), the
  largest amount (``bkg:largestAmount``), the number of figures and a
  ``prov:wasDerivedFrom`` link to each.
- ``bkg:DocumentTotalFigure``: per unit, the document's expenditure total: the sum of
  the total rows' ``bkg:column-total`` figures of its 支出 tables (``bkg:amount``), also
  stated on the unit as ``bkg:documentTotal`` (one triple per document's summary graph).
- ``bkg:ExecutionFigure``: budget against actual. Over the code summary figures the
  execution rate still joined every document's rows by unit, year and code with a GROUP
  BY and ``MAX(IF(stage …))``, and Oxigraph matched ``bkg:stage``, ``bkg:unit`` and
  ``bkg:fiscalYear`` against every figure of the store that carries them (one code 2.9 s,
  all codes 34.8 s on 1,000 pairs). So one node per unit, year and code,
  ``{base}id/execution/{unit}/{year}/{code}`` (``Iris.execution``), is minted alike by every
  document that speaks of them, and each writes onto it, in its own summary graph, its
  largest 年初预算 (``bkg:initialBudgetAmount``) and 决算 (``bkg:finalAccountsAmount``)
  among the execution measures. The rate is then a match on that node's own
  predicates; the MAX over the parts is the MAX over the figures, and re-ingesting or
  dropping a document changes only its part.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Callable, Iterable, Iterator
from urllib.parse import unquote

import pyoxigraph as ox

from kg.iris import Iris
from kg.settings import Settings
from kg.solutions import solutions
from kg.store import GraphStore
from kg.vocabulary import BKG, PROV, QB, RDF, RDFS, SKOS, XSD, sparql_prefixes

# One row per figure that a code question reads: an expenditure-side table figure
# (keyed by its column) or a narrative statement (keyed by its kind), with a code.
_CODE_FIGURES = """
SELECT ?figure ?unit ?year ?stage ?code ?notation ?column ?kind ?yuan WHERE {
  ?figure bkg:functionalClassification ?code ;
          bkg:stage ?stage ; bkg:amount ?yuan ; bkg:unit ?unit ; bkg:fiscalYear ?year .
  ?code skos:notation ?notation .
  { ?figure bkg:column ?column ; bkg:side bkg:Expenditure }
  UNION { ?figure bkg:figureKind ?kind }
}"""
# One row per total-row figure of the total column of an expenditure table.
_TOTAL_FIGURES = """
SELECT ?figure ?unit ?yuan WHERE {
  ?figure bkg:column bkg:column-total ; qb:dataSet/a bkg:ExpenditureTable ; bkg:isTotal true ;
          bkg:unit ?unit ; bkg:amount ?yuan .
}"""
_DOCUMENTS = """
SELECT DISTINCT ?doc WHERE { GRAPH ?g { ?doc a bkg:BudgetDocument } }"""

_READ = frozenset(
    {
        BKG.functionalClassification,
        BKG.stage,
        BKG.amount,
        BKG.unit,
        BKG.fiscalYear,
        SKOS.notation,
        BKG.column,
        BKG.side,
        BKG.figureKind,
        BKG.isTotal,
        QB.dataSet,
        RDF.type,
    }
)

CodeKey = tuple[ox.NamedNode, ox.Literal, ox.NamedNode, ox.NamedNode, str, ox.NamedNode]

# What the execution-rate questions compare: a table's expenditure total or a 决算's
# statement of budget against actual, at the 年初预算 stage against the 决算 stage.
EXECUTION_MEASURES = frozenset({BKG["column-total"], BKG["figure-general-budget-expenditure"]})
ExecutionKey = tuple[ox.NamedNode, ox.Literal, ox.NamedNode, str]  # unit, fiscal year, code, its notation
BUDGET_STAGE = BKG["stage-initial-budget"]  # 年初预算
ACTUAL_STAGE = BKG["stage-final-accounts"]  # 决算


@dataclass
class _Largest:
    """The largest amount among some figures, kept as the stored literal, and the figures."""

    amount: ox.Literal | None = None
    figures: set[ox.NamedNode] = field(default_factory=set)

    def add(self, figure: ox.NamedNode, amount: ox.Literal) -> None:
        if self.amount is None or Decimal(amount.value) > Decimal(self.amount.value):
            self.amount = amount
        self.figures.add(figure)


@dataclass
class _Sum:
    amount: Decimal = Decimal(0)
    figures: set[ox.NamedNode] = field(default_factory=set)

    def add(self, figure: ox.NamedNode, amount: ox.Literal) -> None:
        self.amount += Decimal(amount.value)  # each row counts, as SUM counts it
        self.figures.add(figure)


@dataclass(frozen=True)
class ExecutionPart:
    """What one document says of one unit, year and code's budget against actual (预算执行):
    its largest 年初预算 and 决算 amounts among the execution measures, and the code
    summary figures they come from (their numbers in the document's ordering)."""

    unit: ox.NamedNode
    fiscal_year: ox.Literal
    code: ox.NamedNode
    notation: str
    budget: ox.Literal | None
    actual: ox.Literal | None
    sources: tuple[int, ...]


def summary_graph(settings: Settings, document_id: str) -> ox.NamedNode:
    return ox.NamedNode(Iris(settings.base_iri).graph(document_id).value + "/summary")


def document_graphs(settings: Settings, document_id: str) -> list[str]:
    """Every graph that belongs to one document: drop or replace them together."""
    iris = Iris(settings.base_iri)
    return [
        iris.graph(document_id).value,
        iris.inferred_graph(document_id).value,
        iris.validation_graph(document_id).value,
        summary_graph(settings, document_id).value,
    ]


def _select(data: ox.Store | GraphStore, query: str, graphs: list[str] | None) -> Iterable[ox.QuerySolution]:
    text = sparql_prefixes() + "\n" + query
    if isinstance(data, ox.Store):
        return solutions(data.query(text, use_default_graph_as_union=True))
    return solutions(data.query(text, default_graphs=graphs))


def summary_quads(data: ox.Store | GraphStore, settings: Settings, document_id: str, graphs: list[str] | None = None) -> list[ox.Quad]:
    """The summary graph of one document, read from ``data``: an in-memory store holding
    only that document's quads, or the whole store restricted to ``graphs``."""
    codes: dict[CodeKey, _Largest] = defaultdict(_Largest)
    for row in _select(data, _CODE_FIGURES, graphs):
        column = row["column"] if row["column"] is not None else row["kind"]
        key = (row["unit"], row["year"], row["stage"], row["code"], row["notation"].value, column)
        codes[key].add(row["figure"], row["yuan"])
    totals: dict[ox.NamedNode, _Sum] = defaultdict(_Sum)
    for row in _select(data, _TOTAL_FIGURES, graphs):
        totals[row["unit"]].add(row["figure"], row["yuan"])
    return _write(settings, document_id, codes, totals)


def _write(settings: Settings, document_id: str, codes: dict[CodeKey, _Largest], totals: dict[ox.NamedNode, _Sum]) -> list[ox.Quad]:
    iris = Iris(settings.base_iri)
    graph = summary_graph(settings, document_id)
    doc = iris.document(document_id)
    dataset = iris.in_document(document_id, "summary")
    quads = [
        ox.Quad(dataset, RDF.type, BKG.SummaryDataSet, graph),
        ox.Quad(dataset, RDF.type, QB.DataSet, graph),
        ox.Quad(dataset, RDFS.label, ox.Literal(f"{document_id} 汇总", language="zh"), graph),
        ox.Quad(dataset, PROV.wasDerivedFrom, doc, graph),
        ox.Quad(doc, BKG.summary, dataset, graph),
    ]

    def add(node: ox.NamedNode, predicate: ox.NamedNode, obj: ox.NamedNode | ox.Literal) -> None:
        quads.append(ox.Quad(node, predicate, obj, graph))

    # A term made once for all the figures that share it (about 1 µs each, 46 quads a row of
    # the 20,000-row table): the notation's literal, the counts, the column's predicate.
    notations: dict[str, ox.Literal] = {}
    column_predicates: dict[ox.NamedNode, ox.NamedNode] = {}
    column_prefix = BKG.column.value + "-"
    code_nodes: list[ox.NamedNode] = []
    # Numbered in a stable order: the same document always mints the same IRIs.
    ordered = sorted(codes.items(), key=lambda item: tuple(term.value if hasattr(term, "value") else term for term in item[0]))
    for number, ((unit, year, stage, code, notation, column), largest) in enumerate(ordered, start=1):
        node = _code_node(iris, document_id, number)
        code_nodes.append(node)
        notation_literal = notations.get(notation)
        if notation_literal is None:
            notation_literal = notations[notation] = ox.Literal(notation)
        column_predicate = column_predicates.get(column)
        if column_predicate is None:
            column_predicate = column_predicates[column] = BKG.column if column.value.startswith(column_prefix) else BKG.figureKind
        add(node, RDF.type, BKG.CodeSummaryFigure)
        add(node, RDF.type, BKG.SummaryFigure)
        add(node, RDF.type, QB.Observation)
        add(node, QB.dataSet, dataset)
        add(node, BKG.unit, unit)
        add(node, BKG.fiscalYear, year)
        add(node, BKG.stage, stage)
        add(node, BKG.functionalClassification, code)
        add(node, BKG.codeNotation, notation_literal)
        add(node, column_predicate, column)
        assert largest.amount is not None  # a code's group is made by its first figure
        add(node, BKG.largestAmount, largest.amount)
        add(node, BKG.figureCount, _count(len(largest.figures)))
        for figure in sorted(largest.figures, key=lambda f: f.value):
            add(node, PROV.wasDerivedFrom, figure)
    for part in execution_parts(ordered):
        _write_execution(iris, part, code_nodes, notations, add)
    for number, (unit, total) in enumerate(sorted(totals.items(), key=lambda item: item[0].value), start=1):
        node = iris.in_document(document_id, "summary", "total", number)
        add(node, RDF.type, BKG.DocumentTotalFigure)
        add(node, RDF.type, BKG.SummaryFigure)
        add(node, RDF.type, QB.Observation)
        add(node, QB.dataSet, dataset)
        amount = ox.Literal(format(total.amount, "f"), datatype=XSD.decimal)
        add(node, BKG.unit, unit)
        add(node, BKG.amount, amount)
        add(node, BKG.figureCount, _count(len(total.figures)))
        # The same amount on the unit itself: "total by unit" is then one range of one index
        # (at 10,000 documents 28-33 ms in process against 213 for the figure's type, unit and
        # amount, a lookup each). Read with GRAPH ?g, each document's triple is its own row even
        # where the store's union default graph is a set (two documents, the same total).
        add(unit, BKG.documentTotal, amount)
        for figure in sorted(total.figures, key=lambda f: f.value):
            add(node, PROV.wasDerivedFrom, figure)
    return quads


def _code_node(iris: Iris, document_id: str, number: int) -> ox.NamedNode:
    return iris.in_document(document_id, "summary", "code", number)


@lru_cache(maxsize=1024)
def _count(count: int) -> ox.Literal:
    return ox.Literal(str(count), datatype=XSD.integer)


def execution_parts(ordered: list[tuple[CodeKey, _Largest]]) -> list[ExecutionPart]:
    """Per unit, year and code, the document's largest 年初预算 and 决算 amounts among the
    execution measures: a MAX of these parts over documents is the MAX the rate queries
    took over the figures (``kg.summary_queries``)."""
    budget: dict[ExecutionKey, ox.Literal] = {}
    actual: dict[ExecutionKey, ox.Literal] = {}
    sources: dict[ExecutionKey, list[int]] = defaultdict(list)
    for number, ((unit, year, stage, code, notation, column), largest) in enumerate(ordered, start=1):
        if column not in EXECUTION_MEASURES or stage not in (BUDGET_STAGE, ACTUAL_STAGE) or largest.amount is None:
            continue
        key = (unit, year, code, notation)
        amounts = budget if stage == BUDGET_STAGE else actual
        if key not in amounts or Decimal(largest.amount.value) > Decimal(amounts[key].value):
            amounts[key] = largest.amount
        sources[key].append(number)
    return [ExecutionPart(*key, budget.get(key), actual.get(key), tuple(numbers)) for key, numbers in sources.items()]


def _write_execution(
    iris: Iris,
    part: ExecutionPart,
    code_nodes: list[ox.NamedNode],
    notations: dict[str, ox.Literal],
    add: Callable[[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal], None],
) -> None:
    # One node per unit, year and code for the whole store: the budget and the 决算 each
    # write their part onto it in their own summary graph, so the rate is one join on one
    # node (bench/bench_analytics.py) and re-ingesting a document replaces only its part.
    node = iris.execution(part.unit, part.fiscal_year.value, part.notation)
    add(node, RDF.type, BKG.ExecutionFigure)
    add(node, BKG.unit, part.unit)
    add(node, BKG.fiscalYear, part.fiscal_year)
    add(node, BKG.functionalClassification, part.code)
    add(node, BKG.codeNotation, notations.get(part.notation) or ox.Literal(part.notation))
    if part.budget is not None:
        add(node, BKG.initialBudgetAmount, part.budget)
    if part.actual is not None:
        add(node, BKG.finalAccountsAmount, part.actual)
    for number in part.sources:
        add(node, PROV.wasDerivedFrom, code_nodes[number - 1])


def summarize_prepared(graphs: dict[str, list[ox.Quad]], reference_quads: list[ox.Quad], settings: Settings, document_id: str) -> list[ox.Quad]:
    """The summary of a document not yet stored: its graphs loaded alone into memory."""
    own = set(document_graphs(settings, document_id)[:2])  # the figures and what reasoning added to them
    staging = ox.Store()
    # Only the predicates the summary queries match (which cannot change their answers):
    # loading all of seed 001's 29,000 quads took most of the summary's 0.6 s. Of rdf:type
    # the queries read only ``a bkg:ExpenditureTable``: the figures' own types, asserted and
    # inferred, were 45,000 of the 170,000 quads staged for the 5,000-row table (0.68 -> 0.40 CPU s).
    for name, quads in graphs.items():
        if name in own:
            staging.extend(_read(quads))
    staging.extend(_read(reference_quads))
    return summary_quads(staging, settings, document_id)


def _read(quads: Iterable[ox.Quad]) -> Iterator[ox.Quad]:
    """The quads the summary queries can match (_CODE_FIGURES, _TOTAL_FIGURES): a generator
    over the list, not a call per quad (1.7 million at 20,000 rows)."""
    read, rdf_type, expenditure_table = _READ, RDF.type, BKG.ExpenditureTable
    for quad in quads:
        predicate = quad.predicate
        if predicate in read and (predicate != rdf_type or quad.object == expenditure_table):
            yield quad


def stored_document_ids(store: GraphStore, settings: Settings) -> list[str]:
    """The ids of the documents in the store, read back from their IRIs (``Iris.document``)."""
    prefix = Iris(settings.base_iri).document("").value
    rows = solutions(store.query(sparql_prefixes() + "\n" + _DOCUMENTS))
    return sorted(unquote(row["doc"].value.removeprefix(prefix)) for row in rows if row["doc"].value.startswith(prefix))


def rebuild_summaries(store: GraphStore, settings: Settings, document_ids: list[str]) -> int:
    """Recompute each document's summary graph from its stored graphs; the number of summary quads written."""
    iris = Iris(settings.base_iri)
    written = 0
    for document_id in document_ids:
        graphs = document_graphs(settings, document_id)[:2] + [iris.reference_graph().value]
        quads = summary_quads(store, settings, document_id, graphs)
        store.replace_graph(summary_graph(settings, document_id).value, quads)
        written += len(quads)
    return written
