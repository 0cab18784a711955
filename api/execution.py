"""Budget against actual (预算执行): per unit, year and functional code, the 年初预算, 调整预算
and 决算 figures and the completion rate, chosen from the raw figures of whatever is loaded.

Why here and not in the summary graph: the unit and code pages must show where each amount
was printed (a link to the figure, its line and page), which the summary's per-code maxima
do not keep. Two scopes are never mixed in one rate: the 支出总表/支出决算表 (all funds,
bkg:ExpenditureTable) and the general budget (一般公共预算: bkg:GeneralBudgetExpenditureTable and
the 决算's prose "年初预算为…万元，支出决算为…万元", figure kind general-budget-expenditure).
A real 决算 (the Shanghai corpus) prints 年初预算 only in that prose, so its rates come from
the general-budget scope; a generated pair has both in its expenditure tables.

The budget comes from the budget document when one is loaded, else from the 决算's 年初预算
column or prose (the rule of issue 12). A code's rows are found and ordered through its
execution figures (kg.summary; see ``code_execution`` below for when their amounts are the ones
these rules choose), and only the rows a page shows have their figures read. Measured with
``.venv/bin/python bench/bench_pages.py --store /tmp/c-pairs-1000 --runs 3 --sample 5`` on
1,000 generated pairs (2,000 documents, 6.55 M quads; two cores shared with other work, two
runs at load average 7.7 and 5.9): a unit's rows in 47-145 ms; a code's 836-898 rows (208,
20805, 2210201) in 251-353 ms (worst 529 ms) through the execution figures, against 1.9-3.5 s
chosen from every figure of the code (``code_execution_from_figures``, the same rows: 820 of
820 for 2080505, figures, lines and pages included); the 50 rows a page shows read in
0.13-0.24 s. The code page: 1.0-1.7 s on its first GET, 0.68-1.0 s on the next ones (rows kept
by the server); the rest of it is the page's other sections (``describe`` about 0.3 s, printed
names 0.14 s, amounts 0.09 s, rendering 0.09 s, profiled once at load 6).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Callable, Iterable

import pyoxigraph as ox

from api.describe import Graph, Row
from kg.iris import Iris
from kg.vocabulary import BKG, PROV, QB, RDF

_B = BKG.base
STAGES = ("stage-initial-budget", "stage-adjusted-budget", "stage-final-accounts")  # 年初预算, 调整预算, 决算
_FINAL_ACCOUNTS = (_B + "UnitFinalAccounts", _B + "DepartmentFinalAccounts", _B + "FinalAccountsDocument")
_SCOPE = {  # where a figure was printed -> the money it counts
    _B + "ExpenditureTable": "all",  # 支出总表 / 支出决算表
    _B + "GeneralBudgetExpenditureTable": "general",  # 一般公共预算财政拨款支出表
    _B + "NarrativeFigure": "general",  # 决算说明: 年初预算为…，支出决算为…
}
_SCOPE_ORDER = ("all", "general")
_TABLE_CLASSES = (_B + "ExpenditureTable", _B + "GeneralBudgetExpenditureTable")
# The figure's anchor (its unit, or its code) comes first and everything else is looked up
# per figure: with the candidates written as a UNION of "total column of an expenditure table"
# and "general-budget prose", Oxigraph evaluated each branch over every figure of the store
# before joining (7 s for one unit on 1,560 generated documents; 0.1 s this way). Which
# figures count is decided in Python (_origin).
_DETAILS = """
  OPTIONAL {{ ?f bkg:column ?col }} OPTIONAL {{ ?f bkg:figureKind ?kind }}
  OPTIONAL {{ ?f qb:dataSet ?t . ?t a ?cls . FILTER(?cls IN (bkg:ExpenditureTable, bkg:GeneralBudgetExpenditureTable)) }}
  OPTIONAL {{ ?f bkg:sourceLine ?line }} OPTIONAL {{ ?f bkg:sourcePage ?page }} OPTIONAL {{ ?f bkg:rowLabel ?row }}
"""
UNIT_QUERY = (
    """SELECT ?f ?year ?code ?n ?stage ?yuan ?d ?col ?kind ?cls ?line ?page ?row WHERE {{
  ?f bkg:unit {unit} ; bkg:functionalClassification ?code ; bkg:stage ?stage ; bkg:amount ?yuan ;
     bkg:fiscalYear ?year ; prov:wasDerivedFrom ?d .
  OPTIONAL {{ ?code skos:notation ?n }}"""
    + _DETAILS
    + "}}"
)
# A common code has thousands of figures (2080505: 14,000 on 2,000 documents), so this asks
# only what choosing needs; the table's class is looked up once per table, and the page and
# row label only for the figures a page shows (with_details): 25% less time than _DETAILS.
CODE_QUERY = """SELECT ?f ?year ?unit ?stage ?yuan ?d ?col ?kind ?t ?line WHERE {{
  ?f bkg:functionalClassification {code} ; bkg:stage ?stage ; bkg:amount ?yuan ;
     bkg:unit ?unit ; bkg:fiscalYear ?year ; prov:wasDerivedFrom ?d .
  OPTIONAL {{ ?f bkg:column ?col }} OPTIONAL {{ ?f bkg:figureKind ?kind }} OPTIONAL {{ ?f qb:dataSet ?t }}
  OPTIONAL {{ ?f bkg:sourceLine ?line }}
}}"""


@dataclass(frozen=True)
class Source:
    """A document the figures came from."""

    iri: str
    file_name: str
    final_accounts: bool  # 决算 (else a budget, 预算)


@dataclass(frozen=True)
class StageFigure:
    """One printed amount: its figure IRI, yuan, and where it stands in its document."""

    iri: str
    yuan: Decimal
    source: Source
    origin: str  # the table class, or bkg:NarrativeFigure for prose
    line: int | None
    page: int | None
    row_label: str

    @property
    def from_prose(self) -> bool:
        return self.origin == _B + "NarrativeFigure"


@dataclass(frozen=True)
class Execution:
    """Budget against actual for one unit, year and code, in one scope (all funds or general budget)."""

    year: str
    code: str  # the code's IRI
    notation: str
    unit: str  # the unit's IRI
    scope: str  # "all" | "general"
    initial: StageFigure | None  # 年初预算
    adjusted: StageFigure | None  # 调整预算
    final: StageFigure | None  # 决算

    @property
    def budget(self) -> StageFigure | None:
        """The budget the rate is against: 年初预算, or 调整预算 where no 年初预算 above zero is printed."""
        for figure in (self.initial, self.adjusted):
            if figure is not None and figure.yuan > 0:
                return figure
        return None

    @property
    def rate(self) -> Decimal | None:
        """完成率 = 决算 / 预算, in percent to 0.01."""
        budget = self.budget
        if budget is None or self.final is None:
            return None
        return (self.final.yuan * 100 / budget.yuan).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    @property
    def level(self) -> int:
        """0 = 类 (3 digits), 1 = 款 (5), 2 = 项 (7)."""
        return {3: 0, 5: 1}.get(len(self.notation), 2)

    @property
    def row_label(self) -> str:
        for figure in (self.final, self.initial, self.adjusted):
            if figure is not None and not figure.from_prose:
                return figure.row_label
        return ""


def _text(row: Row, name: str) -> str:
    value = row.get(name)
    return value.value if value is not None else ""


def _int(row: Row, name: str) -> int | None:
    text = _text(row, name)
    return int(text) if text.isdigit() else None


def sources(graph: Graph, documents: Iterable[str]) -> dict[str, Source]:
    """Each document's file name and whether it is a 决算, in batches (no scan of every document)."""
    iris = sorted(set(documents))
    found: dict[str, Source] = {}
    for start in range(0, len(iris), 400):
        values = " ".join(str(ox.NamedNode(i)) for i in iris[start : start + 400])
        rows = graph.select(
            f"""SELECT ?d (SAMPLE(?src) AS ?file) (MAX(?fa) AS ?final) WHERE {{ VALUES ?d {{ {values} }}
                  ?d a ?k . BIND(?k IN ({", ".join(str(ox.NamedNode(k)) for k in _FINAL_ACCOUNTS)}) AS ?fa)
                  OPTIONAL {{ ?d dcterms:source ?src }} }} GROUP BY ?d"""
        )
        for row in rows:
            found[_text(row, "d")] = Source(_text(row, "d"), _text(row, "file"), _text(row, "final") == "true")
    return found


def _origin(row: Row) -> str | None:
    """Where a candidate figure was printed, if it counts: the total column of an expenditure
    table, or the general-budget prose; None for anything else (other columns, other prose)."""
    if _text(row, "col") == _B + "column-total" and _text(row, "cls") in _SCOPE:
        return _text(row, "cls")
    if _text(row, "kind") == _B + "figure-general-budget-expenditure":
        return _B + "NarrativeFigure"
    return None


def _figure(row: Row, origin: str, docs: dict[str, Source]) -> StageFigure:
    doc = _text(row, "d")
    return StageFigure(
        _text(row, "f"),
        Decimal(_text(row, "yuan")),
        docs.get(doc, Source(doc, "", False)),
        origin,
        _int(row, "line"),
        _int(row, "page"),
        _text(row, "row"),
    )


def _preference(stage: str, figure: StageFigure) -> tuple[int, int, int, str]:
    # A budget from the budget document beats the 决算's 年初预算 column; a table beats prose;
    # then the first printed.
    wrong_document = figure.source.final_accounts if stage == "stage-initial-budget" else not figure.source.final_accounts
    return (int(wrong_document), int(figure.from_prose), figure.line or 0, figure.iri)


def _choose(year: str, code: str, notation: str, unit: str, found: list[tuple[str, StageFigure]]) -> Execution:
    by_scope: dict[str, dict[str, list[StageFigure]]] = {}
    for stage, figure in found:
        by_scope.setdefault(_SCOPE[figure.origin], {}).setdefault(stage, []).append(figure)

    def best(scope: str, stage: str) -> StageFigure | None:
        figures = by_scope.get(scope, {}).get(stage, [])
        return min(figures, key=lambda f: _preference(stage, f)) if figures else None

    def complete(scope: str) -> bool:
        return best(scope, STAGES[2]) is not None and any(best(scope, s) is not None for s in STAGES[:2])

    # The first scope with both a budget and an actual; else the first with any figure.
    scope = next((s for s in _SCOPE_ORDER if complete(s)), next(s for s in _SCOPE_ORDER if s in by_scope))
    return Execution(year, code, notation, unit, scope, *(best(scope, stage) for stage in STAGES))


def _group(rows: list[Row], docs: dict[str, Source], key_names: tuple[str, str, str, str]) -> list[Execution]:
    grouped: dict[tuple[str, str, str, str], list[tuple[str, StageFigure]]] = {}
    for row in rows:
        stage, origin = _text(row, "stage")[len(_B) :], _origin(row)
        if stage not in STAGES or origin is None:
            continue
        key = (_text(row, "year"), _text(row, key_names[1]), _text(row, key_names[2]), _text(row, key_names[3]))
        grouped.setdefault(key, []).append((stage, _figure(row, origin, docs)))
    return [_choose(*key, found) for key, found in grouped.items()]


def unit_execution(graph: Graph, unit: ox.NamedNode) -> list[Execution]:
    """Every year and code of ``unit`` with a budget or 决算 figure, newest year first, codes in order."""
    rows = [r for r in graph.select(UNIT_QUERY.format(unit=unit)) if _origin(r) is not None]
    docs = sources(graph, (_text(r, "d") for r in rows))
    for row in rows:
        row["unit"] = unit
    found = _group(rows, docs, ("year", "code", "n", "unit"))
    return sorted(found, key=lambda e: (-int(e.year) if e.year.isdigit() else 0, e.notation))


def code_execution_from_figures(graph: Graph, code: ox.NamedNode, notation: str) -> list[Execution]:
    """Every unit and year with a budget or 决算 figure for ``code``, lowest completion rate first
    (rows without a rate last), chosen from every figure of the code: the reference that
    ``code_execution`` must equal, and its fallback."""
    rows = graph.select(CODE_QUERY.format(code=code))
    classes: dict[str, ox.NamedNode | None] = {}
    for row in rows:
        table = _text(row, "t")
        if table and table not in classes:
            kinds = {o.value for o in graph.objects(ox.NamedNode(table), RDF.type)}
            classes[table] = next((ox.NamedNode(c) for c in _TABLE_CLASSES if c in kinds), None)
        row["cls"] = classes.get(table)
    rows = [r for r in rows if _origin(r) is not None]
    docs = sources(graph, (_text(r, "d") for r in rows))
    for row in rows:
        row["code"] = code
        row["n"] = ox.Literal(notation)
    found = _group(rows, docs, ("year", "code", "n", "unit"))
    return sorted(found, key=_rate_order)


def _rate_order(row: Execution | RateRow) -> tuple[bool, Decimal, str, str]:
    return (row.rate is None, row.rate or Decimal(0), row.unit, row.year)


def _detailed(graph: Graph, figure: StageFigure | None) -> StageFigure | None:
    if figure is None:
        return None
    node = ox.NamedNode(figure.iri)
    page = [o.value for o in graph.objects(node, BKG.sourcePage)]
    row = [o.value for o in graph.objects(node, BKG.rowLabel)]
    return replace(figure, page=int(page[0]) if page and page[0].isdigit() else None, row_label=row[0] if row else "")


def with_details(graph: Graph, rows: Iterable[Execution]) -> list[Execution]:
    """``rows`` (from code_execution_from_figures) with each figure's page and row label, looked up per figure."""
    return [replace(e, initial=_detailed(graph, e.initial), adjusted=_detailed(graph, e.adjusted), final=_detailed(graph, e.final)) for e in rows]


# -- a code's rows from the execution figures ---------------------------------------------
#
# kg.summary writes one bkg:ExecutionFigure per unit, year and code, onto which each document
# that prints the code writes, in its own summary graph, its largest 年初预算 and 决算 among the
# expenditure tables' total column and the general-budget prose. A code's rows are found there
# (820 nodes for 2080505 on 1,000 pairs, against 6,560 figures), and a row's rate is read off it
# where those amounts are the ones the rules above choose: one budget document gives the 年初预算
# (above zero) and one 决算 the 决算. Then the budget document's largest 年初预算 is its 支出总表's
# (the other expenditure tables print parts of it: 一般公共预算, 政府性基金, 项目支出) and the 决算's
# largest 决算 is its 支出决算表's, which is what the rules take. Every other row is chosen from its
# documents' figures as above: a 决算 alone (its budget from its own 年初预算 column or prose, in one
# scope: a real 决算's execution figure takes its 年初预算 from the general-budget prose and its 决算
# from the all-funds table), only a 调整预算 (the execution figure has none), a budget alone, a 年初预算
# of zero, or several budget documents or 决算 for one unit and year (the rules then take the first
# printed, not the largest). What the execution figures cannot see: a document whose 支出总表 prints
# less for a code than another of its expenditure tables (validate reports that as tables that
# disagree), and a unit and year for which only 调整预算 figures are printed (no execution figure is
# written for them). The figures of the rows a page shows are always read from their documents,
# and ``code_page.rates`` goes back to every figure of the code when those disagree with the order.


@dataclass(frozen=True)
class RateRow:
    """One unit and year of a code's rates, before its figures are read: enough to order it."""

    unit: str  # the unit's IRI
    year: str
    code: str  # the code's IRI
    notation: str
    rate: Decimal | None  # 完成率, in percent to 0.01
    graphs: tuple[str, ...]  # the document graphs that print its figures
    exact: Execution | None  # already chosen from those figures (rows the execution figures cannot rate)

    @classmethod
    def of(cls, found: Execution) -> RateRow:
        return cls(found.unit, found.year, found.code, found.notation, found.rate, (), found)


@dataclass(frozen=True)
class _Part:
    """What one document wrote onto an execution figure (kg.summary.ExecutionPart, read back)."""

    document_graph: str
    final_accounts: bool  # written by a 决算
    budget: Decimal | None  # its largest 年初预算
    actual: Decimal | None  # its largest 决算


# Past this many rows to choose from their figures, one query over every figure of the code is
# cheaper than reading each row's documents (a store of budgets without their 决算, say).
_CHOSEN_PER_ROW = 200


def _rate(actual: Decimal, budget: Decimal) -> Decimal:
    return (actual * 100 / budget).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _final_accounts_documents(graph: Graph) -> set[str]:
    # A scan of three classes' members: cheaper than a lookup per document of the code.
    return {q.subject.value for k in _FINAL_ACCOUNTS for q in graph.store.quads_for_pattern(None, RDF.type, ox.NamedNode(k), None) if isinstance(q.subject, ox.NamedNode)}


def _parts(graph: Graph, node: ox.NamedNode, iris: Iris, final_accounts: set[str]) -> tuple[str, str, list[_Part]]:
    """The unit, year and each document's part of one execution figure, by index lookup."""
    # One lookup per predicate: iterating all the node's quads (its provenance too) took 2.5x as long.
    unit, year = (next((o.value for o in graph.objects(node, p)), "") for p in (BKG.unit, BKG.fiscalYear))
    amounts: dict[str, dict[str, Decimal]] = {}
    for predicate in (BKG.initialBudgetAmount, BKG.finalAccountsAmount):
        for quad in graph.store.quads_for_pattern(node, predicate, None, None):
            if isinstance(quad.graph_name, ox.NamedNode) and isinstance(quad.object, ox.Literal):
                amounts.setdefault(quad.graph_name.value, {})[predicate.value] = Decimal(quad.object.value)
    graph_prefix = iris.graph("").value
    parts = []
    for summary, found in sorted(amounts.items()):
        document_id = summary.removeprefix(graph_prefix).removesuffix("/summary")  # kg.summary.summary_graph
        parts.append(
            _Part(
                graph_prefix + document_id,
                iris.document("").value + document_id in final_accounts,
                found.get(BKG.initialBudgetAmount.value),
                found.get(BKG.finalAccountsAmount.value),
            )
        )
    return unit, year, parts


def _rate_from_parts(parts: list[_Part]) -> tuple[bool, Decimal | None]:
    """Whether the execution figure's amounts are the ones the rules choose, and the rate they give."""
    budgets = [p for p in parts if not p.final_accounts]
    finals = [p for p in parts if p.final_accounts]
    if len(budgets) != 1 or len(finals) != 1:
        return False, None
    budget, actual = budgets[0].budget, finals[0].actual
    if budget is None or budget <= 0 or actual is None:
        return False, None
    return True, _rate(actual, budget)


def code_execution(graph: Graph, code: ox.NamedNode, notation: str) -> list[RateRow]:
    """Every unit and year with a budget or 决算 figure for ``code``, lowest completion rate first
    (rows without a rate last), found and ordered through the code's execution figures; the
    figures of a row are read with ``shown``."""
    iris = Iris(code.value.rsplit("id/classification/", 1)[0])
    prefix = ox.Literal(iris.execution(iris.unit(""), "", "").value.removesuffix("//"))  # {base}id/execution/
    # The code's summary figures carry its notation too (8 times as many): left out in the query,
    # which took half the time of the same filter in Python over the matching quads.
    nodes = {
        row["e"]
        for row in graph.select(
            f"""SELECT DISTINCT ?e WHERE {{ ?e bkg:codeNotation {ox.Literal(notation)} FILTER(STRSTARTS(STR(?e), {prefix}))
              ?e bkg:functionalClassification {code} }}"""
        )
    }
    final_accounts = _final_accounts_documents(graph) if nodes else set()
    rated: list[RateRow] = []
    unsure: list[tuple[str, str, tuple[str, ...]]] = []
    for node in sorted((n for n in nodes if isinstance(n, ox.NamedNode)), key=lambda n: n.value):
        unit, year, parts = _parts(graph, node, iris, final_accounts)
        graphs = tuple(p.document_graph for p in parts)
        sure, rate = _rate_from_parts(parts)
        if sure:
            rated.append(RateRow(unit, year, code.value, notation, rate, graphs, None))
        else:
            unsure.append((unit, year, graphs))
    if len(unsure) > _CHOSEN_PER_ROW:
        return [RateRow.of(e) for e in code_execution_from_figures(graph, code, notation)]
    rows = [(unit, year, _document_rows(graph, code, unit, year, graphs)) for unit, year, graphs in unsure]
    docs = sources(graph, (_text(r, "d") for *_, found in rows for r in found))
    for unit, _, found in rows:
        for chosen in _group(_keyed(found, code, notation, unit), docs, ("year", "code", "n", "unit")):
            rated.append(RateRow.of(chosen))
    return sorted(rated, key=_rate_order)


def _keyed(rows: list[Row], code: ox.NamedNode, notation: str, unit: str) -> list[Row]:
    for row in rows:
        row["code"], row["n"], row["unit"] = code, ox.Literal(notation), ox.NamedNode(unit)
    return rows


_ROW_PREDICATES = {  # a figure's predicate -> the name the choosing above reads it by
    BKG.stage: "stage",
    BKG.amount: "yuan",
    BKG.fiscalYear: "year",
    BKG.unit: "u",
    PROV.wasDerivedFrom: "d",
    BKG.column: "col",
    BKG.figureKind: "kind",
    QB.dataSet: "t",
    BKG.sourceLine: "line",
    BKG.sourcePage: "page",
    BKG.rowLabel: "row",
}


def _document_rows(graph: Graph, code: ox.NamedNode, unit: str, year: str, graphs: Iterable[str], classes: dict[str, ox.NamedNode | None] | None = None) -> list[Row]:
    """The figures of ``code`` for one unit and year that count (``_origin``), read from the
    given document graphs by index lookup: each graph's figures of the code, then each figure's
    own triples, and each table's class once."""
    classes = {} if classes is None else classes
    found: list[Row] = []
    for name in graphs:
        graph_node = ox.NamedNode(name)
        figures = {q.subject for q in graph.store.quads_for_pattern(None, BKG.functionalClassification, code, graph_node)}
        for figure in (f for f in figures if isinstance(f, ox.NamedNode)):
            row: Row = {"f": figure}
            for quad in graph.store.quads_for_pattern(figure, None, None, graph_node):
                key = _ROW_PREDICATES.get(quad.predicate)
                if key is not None and not isinstance(quad.object, ox.Triple):
                    row.setdefault(key, quad.object)
            if _text(row, "u") != unit or _text(row, "year") != year or "stage" not in row or "yuan" not in row:
                continue
            table = _text(row, "t")
            if table and table not in classes:
                kinds = {o.value for o in graph.objects(ox.NamedNode(table), RDF.type)}
                classes[table] = next((ox.NamedNode(c) for c in _TABLE_CLASSES if c in kinds), None)
            row["cls"] = classes.get(table)
            if _origin(row) is not None:
                found.append(row)
    return found


def shown(graph: Graph, rows: Iterable[RateRow]) -> list[Execution] | None:
    """The rows a page shows, each figure read from its documents with its line, page and row
    label; None if a row's figures do not give the rate it was ordered by (see above)."""
    rows = list(rows)
    classes: dict[str, ox.NamedNode | None] = {}
    read = [(row, _keyed(_document_rows(graph, ox.NamedNode(row.code), row.unit, row.year, row.graphs, classes), ox.NamedNode(row.code), row.notation, row.unit)) for row in rows if row.exact is None]
    docs = sources(graph, (_text(r, "d") for _, found in read for r in found))
    chosen = {(row.unit, row.year): _group(found, docs, ("year", "code", "n", "unit")) for row, found in read}
    out = []
    for row in rows:
        if row.exact is not None:
            out.extend(with_details(graph, [row.exact]))
            continue
        found = chosen[(row.unit, row.year)]
        if len(found) != 1 or found[0].rate != row.rate:
            return None
        out.append(found[0])
    return out


class CodeRates:
    """``code_execution`` per code, kept until the store changes.

    Why: a code's rates are sorted over every unit and year, so each page of them (``?rates=``)
    needs them all, and for a common code that is seconds at 1,000 pairs (see above); paging
    through 900 rows 50 at a time would pay it 18 times. Kept per server (not global), for the
    ``size`` codes asked last, and dropped when ``generation()`` (the updates this server has
    applied) moves on.
    """

    def __init__(self, generation: Callable[[], int], size: int = 32) -> None:
        self._generation = generation
        self._size = size
        self._kept: OrderedDict[tuple[str, int], list[RateRow]] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, graph: Graph, code: ox.NamedNode, notation: str) -> list[RateRow]:
        key = (code.value, self._generation())
        with self._lock:
            if key in self._kept:
                self._kept.move_to_end(key)
                return self._kept[key]
        found = code_execution(graph, code, notation)
        with self._lock:
            self._kept[key] = found
            while len(self._kept) > self._size:
                self._kept.popitem(last=False)
        return found
