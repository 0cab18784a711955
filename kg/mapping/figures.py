"""Budget-table figures: a ``qb:Observation`` (``bkg:BudgetFigure``) per cell, the codes they
carry as SKOS concepts shared by every document, and the rows that sum other rows.

Each figure's dimensions are the unit, the fiscal year, the side (收入/支出), the
classification code and the column's meaning, with the amount in yuan as an
``xsd:decimal`` measure; the printed figure, its unit and where it was read stay with it.
"""

from __future__ import annotations

import pyoxigraph as ox

from kg.classification import ECONOMIC_CATEGORIES, FUNCTIONAL_CATEGORIES, parent_notation
from kg.iris import Iris
from kg.mapping.graph import DocumentGraph, bkg_key, decimal_literal, integer_literal, zh
from kg.records import BlankRow, BudgetLine, ClassificationCode, CodeScheme, ParsedDocument, Side, SubtotalRow
from kg.vocabulary import BKG, PROV, QB, RDF, RDFS, SKOS, XSD

CODE_PREDICATES = {CodeScheme.functional: BKG.functionalClassification, CodeScheme.economic: BKG.economicClassification}
_CATEGORY_NAMES = {CodeScheme.functional: FUNCTIONAL_CATEGORIES, CodeScheme.economic: ECONOMIC_CATEGORIES}
_SCHEME_LABELS = {
    CodeScheme.functional: ("支出功能分类科目", "Functional classification of expenditure"),
    CodeScheme.economic: ("部门预算支出经济分类科目", "Economic classification of departmental expenditure"),
}


def map_budget_lines(out: DocumentGraph, iris: Iris, doc_id: str, doc: ox.NamedNode, unit: ox.NamedNode | None, year: ox.Literal | None, document: ParsedDocument, default_stage: str) -> None:
    """Every figure of the document's money tables, the names its codes are printed with, and
    the SKOS concepts of every code a figure or a statement carries (with their ancestors)."""
    codes_seen: dict[tuple[CodeScheme, str], ClassificationCode] = {}
    names = FigureNames()
    code_names = CodeNames(out, iris, doc_id, doc)
    for line in document.budget_lines:
        _map_budget_line(out, iris, doc_id, doc, unit, year, line, names, default_stage)
        if line.code is not None:
            codes_seen.setdefault((line.code.scheme, line.code.notation), line.code)
            code_names.printed(line.code, line.lines.first)
    for figure in document.narrative:
        if figure.code is not None:
            codes_seen.setdefault((figure.code.scheme, figure.code.notation), figure.code)
    _map_codes(out, iris, codes_seen)


def map_summing_rows(out: DocumentGraph, iris: Iris, doc_id: str, doc: ox.NamedNode, document: ParsedDocument) -> None:
    """Blank 小计 rows (with the code they sum under, when known) and printed subtotal rows."""
    for number, row in enumerate(document.blank_rows, start=1):
        node = _map_summing_row(out, iris.in_document(doc_id, "blank-row", number), BKG.BlankRow, row, iris.in_document(doc_id, "table", row.table), doc)
        if row.notation is not None and row.scheme is not None:
            out.add(node, CODE_PREDICATES[row.scheme], iris.code(row.scheme, row.notation))

    for number, subtotal in enumerate(document.subtotal_rows, start=1):
        node = _map_summing_row(out, iris.in_document(doc_id, "subtotal-row", number), BKG.SubtotalRow, subtotal, iris.in_document(doc_id, "table", subtotal.table), doc)
        out.add(node, BKG.wholeSum, ox.Literal("true" if subtotal.whole else "false", datatype=XSD.boolean))


def _map_summing_row(out: DocumentGraph, node: ox.NamedNode, kind: ox.NamedNode, row: BlankRow | SubtotalRow, table: ox.NamedNode, doc: ox.NamedNode) -> ox.NamedNode:
    """A table row that sums other rows of its table (bkg:SummingRow: a blank 小计 or a printed
    subtotal), with the first lines of its parts."""
    out.add(node, RDF.type, kind)
    out.add(node, RDFS.label, zh(row.label))
    out.add(node, BKG.inTable, table)
    for line in row.parts:
        out.add(node, BKG.partLine, integer_literal(line))
    if row.side is not None:
        out.add(node, BKG.side, BKG.Revenue if row.side is Side.revenue else BKG.Expenditure)
    out.add(node, PROV.wasDerivedFrom, doc)
    out.lines(node, row.lines)
    return node


class FigureNames:
    """Unique figure IRIs when several columns of one row share a meaning (``total``, ``total-2`` …).

    Each base remembers the next suffix to try: probing from 2 every time made a
    row of 10,000 such cells cost 50 million IRI builds (issue 14: still running
    after 120 s; 2,000 cells measured 4.0 s in ``map_document``).
    """

    def __init__(self) -> None:
        self._used: set[str] = set()
        self._next_suffix: dict[str, int] = {}

    def claim(self, iris: Iris, doc_id: str, parts: tuple[str | int, ...], column: str) -> ox.NamedNode:
        node = iris.in_document(doc_id, *parts, column)
        base = node.value
        suffix = self._next_suffix.get(base, 2)
        while node.value in self._used:  # two columns with one meaning in one row
            node = iris.in_document(doc_id, *parts, f"{column}-{suffix}")
            suffix += 1
        self._next_suffix[base] = suffix
        self._used.add(node.value)
        return node


def _map_budget_line(
    out: DocumentGraph,
    iris: Iris,
    doc_id: str,
    doc: ox.NamedNode,
    unit: ox.NamedNode | None,
    year: ox.Literal | None,
    line: BudgetLine,
    names: FigureNames,
    default_stage: str,
) -> None:
    side = line.side.value if line.side else "none"
    node = names.claim(iris, doc_id, ("table", line.table, "figure", line.lines.first, side), line.column)
    table = out.table(line.table)
    out.add(node, RDF.type, QB.Observation)
    out.add(node, RDF.type, BKG.BudgetFigure)
    out.add(node, QB.dataSet, table)
    out.add(node, BKG.unit, unit)
    out.add(node, BKG.fiscalYear, year)
    if line.side is not None:
        out.add(node, BKG.side, BKG.Revenue if line.side.value == "revenue" else BKG.Expenditure)
    if line.code is not None:
        out.add(node, CODE_PREDICATES[line.code.scheme], iris.code(line.code.scheme, line.code.notation))
    out.add(node, BKG.column, bkg_key("column", line.column))
    out.add(node, BKG.stage, bkg_key("stage", line.stage or default_stage))
    out.add(node, BKG.columnLabel, zh(line.column_label))
    out.add(node, BKG.rowLabel, zh(line.row_label))
    if line.is_total:
        out.add(node, BKG.isTotal, ox.Literal("true", datatype=XSD.boolean))
    if line.amount.unit is not None:
        out.amount(node, BKG.amount, line.amount)
        out.add(node, BKG.printedUnit, ox.Literal(line.amount.unit.value))
    else:
        out.add(node, BKG.count, decimal_literal(line.amount.value))
    out.add(node, BKG.printedAmount, ox.Literal(line.amount.printed))
    out.add(node, PROV.wasDerivedFrom, doc)
    out.lines(node, line.lines)


class CodeNames:
    """A ``bkg:CodeName`` per code and name the document prints, with each line printing it.

    Every figure of a row carries the row's code, and a code is printed in several tables:
    mapped once per figure, the node's quads were made again for each (a 2,000-row table
    of three columns: 24,000 duplicates of its 163,000 mapped quads).
    """

    def __init__(self, out: DocumentGraph, iris: Iris, doc_id: str, doc: ox.NamedNode) -> None:
        self._out, self._iris, self._doc_id, self._doc = out, iris, doc_id, doc
        self._nodes: dict[tuple[CodeScheme, str, str], ox.NamedNode] = {}
        # What each node has been given: names (two spellings may mint one IRI), lines, pages.
        self._stated: dict[str, tuple[set[str], set[int], set[int]]] = {}

    def printed(self, code: ClassificationCode, line: int) -> None:
        if not code.name:
            return
        out = self._out
        key = (code.scheme, code.notation, code.name)
        node = self._nodes.get(key)
        if node is None:
            scheme = "function" if code.scheme is CodeScheme.functional else "economic"
            node = self._nodes[key] = self._iris.in_document(self._doc_id, "code-name", scheme, code.notation, code.name)
        stated = self._stated.get(node.value)
        if stated is None:
            stated = self._stated[node.value] = (set(), set(), set())
            concept = self._iris.code(code.scheme, code.notation)
            out.add(node, RDF.type, BKG.CodeName)
            out.add(node, BKG.ofCode, concept)
            out.add(concept, BKG.codeName, node)
            out.add(node, PROV.wasDerivedFrom, self._doc)
        names, lines, pages = stated
        if code.name not in names:
            names.add(code.name)
            out.add(node, RDFS.label, zh(code.name))
        if line not in lines:
            lines.add(line)
            out.add(node, BKG.sourceLine, integer_literal(line))
            page = out.page(line)
            if page is not None and page not in pages:
                pages.add(page)
                out.add(node, BKG.sourcePage, integer_literal(page))


def _map_codes(out: DocumentGraph, iris: Iris, codes: dict[tuple[CodeScheme, str], ClassificationCode]) -> None:
    """SKOS concepts for every code seen and all its ancestors (2080505 → 20805 → 208)."""
    schemes_seen: set[CodeScheme] = set()
    done: set[tuple[CodeScheme, str]] = set()
    for scheme, notation in sorted(codes, key=lambda key: (key[0].value, key[1])):
        schemes_seen.add(scheme)
        current: str | None = notation
        while current is not None and (scheme, current) not in done:
            done.add((scheme, current))
            concept = iris.code(scheme, current)
            out.shared(concept, RDF.type, SKOS.Concept)
            out.shared(concept, SKOS.notation, ox.Literal(current))
            out.shared(concept, SKOS.inScheme, iris.code_scheme(scheme))
            canonical = _CATEGORY_NAMES[scheme].get(current)
            if canonical:
                out.shared(concept, SKOS.prefLabel, zh(canonical))
            parent = parent_notation(current)
            if parent is None:
                out.shared(concept, SKOS.topConceptOf, iris.code_scheme(scheme))
            else:
                out.shared(concept, SKOS.broader, iris.code(scheme, parent))
            current = parent
    for scheme in sorted(schemes_seen, key=lambda s: s.value):
        node = iris.code_scheme(scheme)
        label_zh, label_en = _SCHEME_LABELS[scheme]
        out.shared(node, RDF.type, SKOS.ConceptScheme)
        out.shared(node, RDFS.label, zh(label_zh))
        out.shared(node, RDFS.label, ox.Literal(label_en, language="en"))
