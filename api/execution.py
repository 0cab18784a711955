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
column or prose (the rule of issue 12). Measured with bench/bench_pages.py on 1,000 generated
pairs (2,000 documents, two cores shared at load average 13-14): a unit's rows in 90-220 ms,
a code's in 3.8-5.2 s for 836-898 units and years (the one query over the code's 14,000
figures: per-code rows precomputed at ingest would be needed for < 1 s).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Callable, Iterable

import pyoxigraph as ox

from api.describe import Graph, Row
from kg.vocabulary import BKG, RDF

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
UNIT_QUERY = """SELECT ?f ?year ?code ?n ?stage ?yuan ?d ?col ?kind ?cls ?line ?page ?row WHERE {{
  ?f bkg:unit {unit} ; bkg:functionalClassification ?code ; bkg:stage ?stage ; bkg:amount ?yuan ;
     bkg:fiscalYear ?year ; prov:wasDerivedFrom ?d .
  OPTIONAL {{ ?code skos:notation ?n }}""" + _DETAILS + "}}"
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
        values = " ".join(str(ox.NamedNode(i)) for i in iris[start:start + 400])
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
        _text(row, "f"), Decimal(_text(row, "yuan")), docs.get(doc, Source(doc, "", False)),
        origin, _int(row, "line"), _int(row, "page"), _text(row, "row"),
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
        stage, origin = _text(row, "stage")[len(_B):], _origin(row)
        if stage not in STAGES or origin is None:
            continue
        key = (_text(row, "year"), *(_text(row, name) for name in key_names[1:]))
        grouped.setdefault(key, []).append((stage, _figure(row, origin, docs)))  # type: ignore[arg-type]
    return [_choose(*key, found) for key, found in grouped.items()]


def unit_execution(graph: Graph, unit: ox.NamedNode) -> list[Execution]:
    """Every year and code of ``unit`` with a budget or 决算 figure, newest year first, codes in order."""
    rows = [r for r in graph.select(UNIT_QUERY.format(unit=unit)) if _origin(r) is not None]
    docs = sources(graph, (_text(r, "d") for r in rows))
    for row in rows:
        row["unit"] = unit
    found = _group(rows, docs, ("year", "code", "n", "unit"))
    return sorted(found, key=lambda e: (-int(e.year) if e.year.isdigit() else 0, e.notation))


def code_execution(graph: Graph, code: ox.NamedNode, notation: str) -> list[Execution]:
    """Every unit and year with a budget or 决算 figure for ``code``, lowest completion rate first
    (rows without a rate last)."""
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
    return sorted(found, key=lambda e: (e.rate is None, e.rate or 0, e.unit, e.year))


def _detailed(graph: Graph, figure: StageFigure | None) -> StageFigure | None:
    if figure is None:
        return None
    node = ox.NamedNode(figure.iri)
    page = [o.value for o in graph.objects(node, BKG.sourcePage)]
    row = [o.value for o in graph.objects(node, BKG.rowLabel)]
    return replace(figure, page=int(page[0]) if page and page[0].isdigit() else None, row_label=row[0] if row else "")


def with_details(graph: Graph, rows: Iterable[Execution]) -> list[Execution]:
    """``rows`` (from code_execution) with each figure's page and row label, looked up per figure."""
    return [
        replace(e, initial=_detailed(graph, e.initial), adjusted=_detailed(graph, e.adjusted), final=_detailed(graph, e.final))
        for e in rows
    ]


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
        self._kept: OrderedDict[tuple[str, int], list[Execution]] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, graph: Graph, code: ox.NamedNode, notation: str) -> list[Execution]:
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
