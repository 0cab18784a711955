"""Mapping: a ``ParsedDocument`` -> RDF quads in the document's named graph.

Each figure becomes a ``qb:Observation`` (``bkg:BudgetFigure``) whose
dimensions are the unit, the fiscal year, the side (收入/支出), the
classification code and the column's meaning, with the amount in yuan as an
``xsd:decimal`` measure; the printed figure, its unit and its source location
stay with it: the line, and for a PDF the page (``bkg:sourcePage``), so PDF
and text input answer "where does this figure come from" the same way.
Classification codes are SKOS concepts shared by every document.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from kg.classification import ECONOMIC_CATEGORIES, FUNCTIONAL_CATEGORIES, parent_notation
from kg.families import family_by_key
from kg.iris import Iris
from kg.units import unit_key
from kg.records import (
    Activity,
    Amount,
    BlankRow,
    BudgetLine,
    ClassificationCode,
    CodeScheme,
    Indicator,
    Lines,
    ParsedDocument,
    PerformanceTarget,
    Side,
    SubtotalRow,
    Target,
    TableKind,
)
from kg.settings import Settings
from kg.vocabulary import BKG, DCT, ORG, PROV, QB, RDF, RDFS, SKOS, XSD

_TABLE_CLASSES: dict[TableKind, str] = {
    TableKind.revenue_expenditure_summary: "RevenueExpenditureSummaryTable",
    TableKind.revenue: "RevenueTable",
    TableKind.expenditure: "ExpenditureTable",
    TableKind.appropriation_summary: "AppropriationSummaryTable",
    TableKind.general_budget_expenditure: "GeneralBudgetExpenditureTable",
    TableKind.basic_expenditure: "BasicExpenditureTable",
    TableKind.project_expenditure: "ProjectExpenditureTable",
    TableKind.government_fund_expenditure: "GovernmentFundExpenditureTable",
    TableKind.state_capital_expenditure: "StateCapitalExpenditureTable",
    TableKind.three_public: "ThreePublicTable",
    TableKind.carryover: "CarryoverTable",
    TableKind.procurement: "ProcurementTable",
    TableKind.assets: "AssetsTable",
    TableKind.organisation: "OrganisationTable",
    TableKind.staffing: "StaffingTable",
    TableKind.project_performance: "ProjectPerformanceTable",
    TableKind.department_performance: "DepartmentPerformanceTable",
    TableKind.activity_performance: "ActivityPerformanceTable",
}
_GRADE_NAMES = {"优": "excellent", "良": "good", "中": "fair", "差": "poor"}
_DIRECTIONS = {"higher-is-better": "HigherIsBetter", "lower-is-better": "LowerIsBetter"}
_CODE_PREDICATES = {CodeScheme.functional: BKG.functionalClassification, CodeScheme.economic: BKG.economicClassification}
_CATEGORY_NAMES = {CodeScheme.functional: FUNCTIONAL_CATEGORIES, CodeScheme.economic: ECONOMIC_CATEGORIES}
_SCHEME_LABELS = {
    CodeScheme.functional: ("支出功能分类科目", "Functional classification of expenditure"),
    CodeScheme.economic: ("部门预算支出经济分类科目", "Economic classification of departmental expenditure"),
}


@lru_cache(maxsize=1024)  # a few dozen columns, stages and kinds, asked for by every figure
def bkg_key(prefix: str, key: str) -> ox.NamedNode:
    """``bkg:column-general-budget`` for ("column", "general_budget")."""
    return BKG[f"{prefix}-{key.replace('_', '-')}"]


def _decimal(value: Decimal) -> ox.Literal:
    text = format(value, "f")
    return ox.Literal(text, datatype=XSD.decimal)


def _integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=XSD.integer)


def _zh(text: str) -> ox.Literal:
    return ox.Literal(text, language="zh")


@dataclass
class MappedDocument:
    """The document's own graph, and what it adds to the shared reference graph.

    Descriptions of things several documents mention (classification codes,
    units, projects) go to one reference graph instead of every document's:
    the default graph is the union of all graphs, and a triple repeated in many
    graphs would multiply the rows of every query that joins through it.
    """

    graph: ox.NamedNode
    quads: list[ox.Quad]
    reference_quads: list[ox.Quad]


class _Graph:
    """Collects quads for one document graph and the reference graph."""

    def __init__(self, graph: ox.NamedNode, reference: ox.NamedNode, iris: Iris, doc_id: str, pages: tuple[int, ...] | None = None) -> None:
        self.graph = graph
        self.iris, self.doc_id = iris, doc_id
        self._tables: dict[int, ox.NamedNode] = {}
        self.reference = reference
        self.pages = pages  # page of each source line, when the document has pages
        self.quads: list[ox.Quad] = []
        self.reference_quads: list[ox.Quad] = []

    def table(self, index: int) -> ox.NamedNode:
        """The table's node, made once for all its figures."""
        node = self._tables.get(index)
        if node is None:
            node = self._tables[index] = self.iris.in_document(self.doc_id, "table", index)
        return node

    # A node is None where the document does not state it (no fiscal year or unit
    # found): its triples are left out rather than written with a made-up value.
    def add(self, subject: ox.NamedNode | None, predicate: ox.NamedNode, obj: ox.NamedNode | ox.Literal | None) -> None:
        if subject is not None and obj is not None:
            self.quads.append(ox.Quad(subject, predicate, obj, self.graph))

    def shared(self, subject: ox.NamedNode | None, predicate: ox.NamedNode, obj: ox.NamedNode | ox.Literal | None) -> None:
        if subject is not None and obj is not None:
            self.reference_quads.append(ox.Quad(subject, predicate, obj, self.reference))

    def text(self, subject: ox.NamedNode, predicate: ox.NamedNode, value: str | None) -> None:
        if value:
            self.add(subject, predicate, ox.Literal(value))

    def lines(self, subject: ox.NamedNode, lines: Lines) -> None:
        self.source_line(subject, lines.first)
        if lines.last != lines.first:
            self.add(subject, BKG.sourceLineEnd, _integer(lines.last))

    def source_line(self, subject: ox.NamedNode, line: int) -> None:
        """Where a thing was read: its line, and its page when the document has pages."""
        self.add(subject, BKG.sourceLine, _integer(line))
        page = self.page(line)
        if page is not None:
            self.add(subject, BKG.sourcePage, _integer(page))

    def page(self, line: int) -> int | None:
        """The page a source line is printed on, when the document has pages."""
        if self.pages is not None and 0 < line <= len(self.pages):
            return self.pages[line - 1]
        return None

    def amount(self, subject: ox.NamedNode, predicate: ox.NamedNode, amount: Amount | None) -> None:
        if amount is not None and amount.yuan is not None:
            self.add(subject, predicate, _decimal(amount.yuan))


def map_document(document: ParsedDocument, settings: Settings) -> MappedDocument:
    iris = Iris(settings.base_iri)
    doc_id = document.document_id
    out = _Graph(iris.graph(doc_id), iris.reference_graph(), iris, doc_id, document.pages)
    doc = iris.document(doc_id)
    info = document.info
    unit = iris.unit(unit_key(info.issuing_unit)) if info.issuing_unit else None
    year = ox.Literal(str(info.fiscal_year), datatype=XSD.gYear) if info.fiscal_year is not None else None

    family = family_by_key(document.family)
    classes = family.classes
    out.add(doc, RDF.type, BKG[classes.department if info.scope == "department" else classes.unit])
    out.add(doc, RDF.type, BKG.BudgetDocument)
    if classes.family != "BudgetDocument":
        out.add(doc, RDF.type, BKG[classes.family])
    out.add(doc, DCT.title, _zh(info.title))
    out.add(doc, RDFS.label, _zh(info.title))
    out.add(doc, BKG.fiscalYear, year)
    out.add(doc, BKG.unit, unit)
    out.add(doc, DCT.publisher, unit)
    out.text(doc, DCT.source, Path(document.source_path).name)
    out.text(doc, BKG.sha256, document.sha256)
    out.text(doc, BKG.region, info.region)
    out.text(doc, BKG.approvalDocument, info.approval_document)
    if info.issuing_unit and unit_key(info.issuing_unit) != info.issuing_unit:
        # The name as printed, where the unit's IRI was minted from a normalised one (kg.units).
        out.add(doc, BKG.printedUnitName, _zh(info.issuing_unit))
    if info.approval_date:
        out.add(doc, BKG.approvalDate, ox.Literal(info.approval_date, datatype=XSD.date))
    if info.title_lines:
        out.lines(doc, info.title_lines)

    out.shared(unit, RDF.type, BKG.BudgetUnit)
    out.shared(unit, RDF.type, ORG.Organization)
    out.shared(unit, SKOS.prefLabel, _zh(unit_key(info.issuing_unit)) if info.issuing_unit else None)
    out.shared(unit, RDFS.label, _zh(unit_key(info.issuing_unit)) if info.issuing_unit else None)
    if info.unit_code:
        out.shared(unit, BKG.unitCode, ox.Literal(info.unit_code))

    for table in document.tables:
        node = iris.in_document(doc_id, "table", table.index)
        out.add(node, RDF.type, BKG[_TABLE_CLASSES[table.kind]])
        out.add(node, RDF.type, BKG.BudgetTable)
        out.add(node, DCT.title, _zh(table.title or table.kind.value))
        out.add(node, RDFS.label, _zh(table.title or table.kind.value))
        out.add(node, BKG.tableIndex, _integer(table.index))
        out.add(node, BKG.inDocument, doc)
        out.add(doc, BKG.table, node)
        out.add(node, QB.structure, BKG.BudgetFigureStructure)
        out.text(node, BKG.moneyUnit, table.money_unit.value if table.money_unit else None)
        out.text(node, BKG.note, table.note)
        out.lines(node, table.lines)

    codes_seen: dict[tuple[CodeScheme, str], ClassificationCode] = {}
    names = _FigureNames()
    code_names = _CodeNames(out, iris, doc_id, doc)
    for line in document.budget_lines:
        _map_budget_line(out, iris, doc_id, doc, unit, year, line, names, family.default_stage)
        if line.code is not None:
            codes_seen.setdefault((line.code.scheme, line.code.notation), line.code)
            code_names.printed(line.code, line.lines.first)
    for figure in document.narrative:
        if figure.code is not None:
            codes_seen.setdefault((figure.code.scheme, figure.code.notation), figure.code)
    _map_codes(out, iris, codes_seen)

    for target in document.performance:
        _map_performance(out, iris, doc_id, doc, unit, target)
    _map_activities(out, iris, doc_id, doc, unit, document.activities)

    for number, body in enumerate(document.bodies, start=1):
        node = iris.in_document(doc_id, "body", number)
        out.add(node, RDF.type, BKG.InternalBody)
        out.add(node, RDFS.label, _zh(body.name))
        out.add(unit, BKG.hasBody, node)
        out.add(node, ORG.unitOf, unit)
        out.text(node, BKG.nature, body.nature)
        out.text(node, BKG.rank, body.rank)
        out.text(node, BKG.funding, body.funding)
        out.text(node, BKG.note, body.note)
        _map_staffing_counts(out, iris, node, doc_id, ("body", number), body.counts, BKG.staffingCount)
        out.add(node, PROV.wasDerivedFrom, doc)
        out.lines(node, body.lines)

    for number, row in enumerate(document.blank_rows, start=1):
        node = _map_summing_row(out, iris.in_document(doc_id, "blank-row", number), BKG.BlankRow, row, iris.in_document(doc_id, "table", row.table), doc)
        if row.notation is not None and row.scheme is not None:
            out.add(node, _CODE_PREDICATES[row.scheme], iris.code(row.scheme, row.notation))

    for number, subtotal in enumerate(document.subtotal_rows, start=1):
        node = _map_summing_row(out, iris.in_document(doc_id, "subtotal-row", number), BKG.SubtotalRow, subtotal, iris.in_document(doc_id, "table", subtotal.table), doc)
        out.add(node, BKG.wholeSum, ox.Literal("true" if subtotal.whole else "false", datatype=XSD.boolean))

    for number, total in enumerate(document.staffing_totals, start=1):
        node = iris.in_document(doc_id, "staffing-total", number)
        out.add(node, RDF.type, BKG.StaffingTotal)
        out.add(node, RDFS.label, _zh(total.label))
        _map_staffing_counts(out, iris, node, doc_id, ("staffing-total", number), total.counts, BKG.totalCount)
        out.add(node, PROV.wasDerivedFrom, doc)
        out.lines(node, total.lines)

    for number, figure in enumerate(document.narrative, start=1):
        node = iris.in_document(doc_id, "narrative", number)
        out.add(node, RDF.type, BKG.NarrativeFigure)
        out.add(doc, BKG.narrativeFigure, node)
        out.add(node, BKG.figureKind, bkg_key("figure", figure.kind))
        out.add(node, BKG.statement, _zh(figure.statement))
        out.add(node, BKG.unit, unit)
        out.add(node, BKG.fiscalYear, year)
        if figure.amount is not None:
            out.amount(node, BKG.amount, figure.amount)
            out.text(node, BKG.printedAmount, figure.amount.printed)
            out.text(node, BKG.printedUnit, figure.amount.unit.value if figure.amount.unit else None)
        out.amount(node, BKG.change, figure.change)
        out.amount(node, BKG.priorAmount, figure.prior_amount)
        if figure.change_percent is not None:
            out.add(node, BKG.changePercent, _decimal(figure.change_percent))
        if figure.share_percent is not None:
            out.add(node, BKG.sharePercent, _decimal(figure.share_percent))
        if figure.count is not None:
            out.add(node, BKG.count, _decimal(figure.count))
        out.text(node, BKG.countUnit, figure.count_unit)
        out.add(node, BKG.stage, bkg_key("stage", figure.stage or family.default_stage))
        if figure.code is not None:
            out.add(node, _CODE_PREDICATES[figure.code.scheme], iris.code(figure.code.scheme, figure.code.notation))
        if figure.completion_percent is not None:
            out.add(node, BKG.completionPercent, _decimal(figure.completion_percent))
        if figure.comparison is not None:
            out.add(node, BKG.statedComparison, bkg_key("comparison", figure.comparison))
        if figure.paragraph is not None:
            out.add(node, BKG.paragraph, _integer(figure.paragraph))
        if figure.label is not None:
            out.add(node, RDFS.label, _zh(figure.label))
        if figure.item_of is not None:
            out.add(node, BKG.itemOf, bkg_key("figure", figure.item_of))
        out.add(node, PROV.wasDerivedFrom, doc)
        out.lines(node, figure.lines)

    if document.glossary:
        scheme = iris.in_document(doc_id, "glossary")
        out.add(scheme, RDF.type, SKOS.ConceptScheme)
        out.add(scheme, RDFS.label, _zh(f"{info.title} 名词解释"))
        out.add(doc, BKG.glossary, scheme)
        for number, entry in enumerate(document.glossary, start=1):
            node = iris.in_document(doc_id, "glossary", number)
            out.add(node, RDF.type, SKOS.Concept)
            out.add(node, SKOS.inScheme, scheme)
            out.add(node, SKOS.prefLabel, _zh(entry.term))
            out.add(node, SKOS.definition, _zh(entry.definition))
            out.add(node, PROV.wasDerivedFrom, doc)
            out.lines(node, entry.lines)

    _map_text(out, iris, doc_id, doc, document)

    for number, warning in enumerate(document.warnings, start=1):
        node = iris.in_document(doc_id, "warning", number)
        out.add(node, RDF.type, BKG.ParseWarning)
        out.add(doc, BKG.warning, node)
        out.add(node, BKG.message, ox.Literal(warning.message))
        out.lines(node, warning.lines)
    return MappedDocument(out.graph, out.quads, out.reference_quads)


def _map_summing_row(out: _Graph, node: ox.NamedNode, kind: ox.NamedNode, row: BlankRow | SubtotalRow, table: ox.NamedNode, doc: ox.NamedNode) -> ox.NamedNode:
    """A table row that sums other rows of its table (bkg:SummingRow: a blank 小计 or a printed
    subtotal), with the first lines of its parts."""
    out.add(node, RDF.type, kind)
    out.add(node, RDFS.label, _zh(row.label))
    out.add(node, BKG.inTable, table)
    for line in row.parts:
        out.add(node, BKG.partLine, _integer(line))
    if row.side is not None:
        out.add(node, BKG.side, BKG.Revenue if row.side is Side.revenue else BKG.Expenditure)
    out.add(node, PROV.wasDerivedFrom, doc)
    out.lines(node, row.lines)
    return node


def _map_staffing_counts(
    out: _Graph,
    iris: Iris,
    node: ox.NamedNode,
    doc_id: str,
    path: tuple[str | int, ...],
    counts: tuple[tuple[str, Decimal], ...],
    link: ox.NamedNode,
) -> None:
    """A staffing row's counts (编制人数/行政 …), one node each: an internal body's
    (bkg:staffingCount) and the 合计 row's (bkg:totalCount) alike, so the shapes compare them."""
    for label, count in counts:
        count_node = iris.in_document(doc_id, *path, "count", label)
        out.add(count_node, RDF.type, BKG.StaffingCount)
        out.add(count_node, RDFS.label, _zh(label))
        out.add(count_node, BKG.count, _decimal(count))
        out.add(node, link, count_node)


def _map_text(out: _Graph, iris: Iris, doc_id: str, doc: ox.NamedNode, document: ParsedDocument) -> None:
    """The lines and prose sentences as printed, for the presentation shapes (shapes/presentation.ttl)."""
    for line in document.text_lines:
        node = iris.in_document(doc_id, "line", line.line)
        out.add(node, RDF.type, BKG.TextLine)
        if line.prose:
            out.add(node, RDF.type, BKG.ProseLine)
        if line.heading:
            out.add(node, RDF.type, BKG.HeadingLine)
        out.add(node, BKG.printedIn, doc)
        out.add(node, BKG.printedText, ox.Literal(line.text))
        out.source_line(node, line.line)
    for number, sentence in enumerate(document.sentences, start=1):
        node = iris.in_document(doc_id, "sentence", number)
        out.add(node, RDF.type, BKG.ProseSentence)
        out.add(node, BKG.printedIn, doc)
        out.add(node, BKG.printedText, ox.Literal(sentence.text))
        out.lines(node, sentence.lines)


class _FigureNames:
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
    out: _Graph,
    iris: Iris,
    doc_id: str,
    doc: ox.NamedNode,
    unit: ox.NamedNode | None,
    year: ox.Literal | None,
    line: BudgetLine,
    names: _FigureNames,
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
        out.add(node, _CODE_PREDICATES[line.code.scheme], iris.code(line.code.scheme, line.code.notation))
    out.add(node, BKG.column, bkg_key("column", line.column))
    out.add(node, BKG.stage, bkg_key("stage", line.stage or default_stage))
    out.add(node, BKG.columnLabel, _zh(line.column_label))
    out.add(node, BKG.rowLabel, _zh(line.row_label))
    if line.is_total:
        out.add(node, BKG.isTotal, ox.Literal("true", datatype=XSD.boolean))
    if line.amount.unit is not None:
        out.amount(node, BKG.amount, line.amount)
        out.add(node, BKG.printedUnit, ox.Literal(line.amount.unit.value))
    else:
        out.add(node, BKG.count, _decimal(line.amount.value))
    out.add(node, BKG.printedAmount, ox.Literal(line.amount.printed))
    out.add(node, PROV.wasDerivedFrom, doc)
    out.lines(node, line.lines)


class _CodeNames:
    """A ``bkg:CodeName`` per code and name the document prints, with each line printing it.

    Every figure of a row carries the row's code, and a code is printed in several tables:
    mapped once per figure, the node's quads were made again for each (a 2,000-row table
    of three columns: 24,000 duplicates of its 163,000 mapped quads).
    """

    def __init__(self, out: _Graph, iris: Iris, doc_id: str, doc: ox.NamedNode) -> None:
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
            out.add(node, RDFS.label, _zh(code.name))
        if line not in lines:
            lines.add(line)
            out.add(node, BKG.sourceLine, _integer(line))
            page = out.page(line)
            if page is not None and page not in pages:
                pages.add(page)
                out.add(node, BKG.sourcePage, _integer(page))


def _map_codes(out: _Graph, iris: Iris, codes: dict[tuple[CodeScheme, str], ClassificationCode]) -> None:
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
                out.shared(concept, SKOS.prefLabel, _zh(canonical))
            parent = parent_notation(current)
            if parent is None:
                out.shared(concept, SKOS.topConceptOf, iris.code_scheme(scheme))
            else:
                out.shared(concept, SKOS.broader, iris.code(scheme, parent))
            current = parent
    for scheme in sorted(schemes_seen, key=lambda s: s.value):
        node = iris.code_scheme(scheme)
        zh, en = _SCHEME_LABELS[scheme]
        out.shared(node, RDF.type, SKOS.ConceptScheme)
        out.shared(node, RDFS.label, _zh(zh))
        out.shared(node, RDFS.label, ox.Literal(en, language="en"))


def _map_target(out: _Graph, node: ox.NamedNode, target: Target) -> None:
    out.add(node, RDF.type, BKG.TargetValue)
    out.add(node, BKG.text, _zh(target.text))
    out.text(node, BKG.comparator, target.comparator)
    if target.lower is not None:
        out.add(node, BKG.lowerBound, _decimal(target.lower))
    if target.upper is not None:
        out.add(node, BKG.upperBound, _decimal(target.upper))
    out.text(node, BKG.valueUnit, target.unit)


def _map_indicator(out: _Graph, node: ox.NamedNode, indicator: Indicator, doc: ox.NamedNode) -> None:
    out.add(node, RDF.type, BKG.Indicator)
    out.add(node, RDFS.label, _zh(indicator.name))
    out.text(node, BKG.level1Indicator, indicator.level1)
    out.text(node, BKG.level2Indicator, indicator.level2)
    out.text(node, BKG.description, indicator.description)
    out.text(node, BKG.basis, indicator.basis)
    if indicator.weight is not None:
        out.add(node, BKG.weight, _decimal(indicator.weight))
    out.text(node, BKG.lastYearValue, indicator.last_year_value)
    out.text(node, BKG.scoringRule, indicator.scoring_rule)
    out.text(node, BKG.evidence, indicator.evidence)
    if indicator.direction in _DIRECTIONS:
        out.add(node, BKG.direction, BKG[_DIRECTIONS[indicator.direction]])
    if indicator.target is not None:
        target = ox.NamedNode(node.value + "/target")
        out.add(node, BKG.target, target)
        _map_target(out, target, indicator.target)
    for threshold in indicator.grades:
        grade_key = _GRADE_NAMES.get(threshold.grade)
        if grade_key is None:
            continue
        grade = ox.NamedNode(f"{node.value}/grade/{grade_key}")
        out.add(node, BKG.gradeThreshold, grade)
        out.add(grade, RDF.type, BKG.GradeThreshold)
        out.add(grade, BKG.grade, BKG[f"grade-{grade_key}"])
        target = ox.NamedNode(grade.value + "/target")
        out.add(grade, BKG.target, target)
        _map_target(out, target, threshold.target)
    out.add(node, PROV.wasDerivedFrom, doc)
    out.lines(node, indicator.lines)


def _map_performance(out: _Graph, iris: Iris, doc_id: str, doc: ox.NamedNode, unit: ox.NamedNode | None, target: PerformanceTarget) -> None:
    node = iris.in_document(doc_id, "performance", target.table)
    department = target.kind is TableKind.department_performance
    out.add(node, RDF.type, BKG.DepartmentPerformanceTarget if department else BKG.ProjectPerformanceTarget)
    out.add(node, RDF.type, BKG.PerformanceTarget)
    out.add(node, RDFS.label, _zh(target.name))
    out.add(doc, BKG.performanceTarget, node)
    out.add(node, BKG.unit, unit)
    out.add(node, BKG.inTable, iris.in_document(doc_id, "table", target.table))
    if not department:
        project = iris.project(target.code) if target.code else iris.in_document(doc_id, "project", target.table)
        out.add(node, BKG.forProject, project)
        out.shared(project, RDF.type, BKG.Project)
        out.shared(project, RDFS.label, _zh(target.name))
        out.shared(project, BKG.unit, unit)
        if target.code:
            out.shared(project, BKG.projectCode, ox.Literal(target.code))
    out.text(node, BKG.projectCode, target.code)
    out.amount(node, BKG.budgetTotal, target.budget_total)
    out.amount(node, BKG.budgetFiscal, target.budget_fiscal)
    out.amount(node, BKG.budgetOther, target.budget_other)
    out.text(node, BKG.purpose, target.purpose)
    out.text(node, BKG.goals, target.goals)
    out.text(node, BKG.responsiblePerson, target.responsible_person)
    for order, (label, percent) in enumerate(target.spending_plan, start=1):
        milestone = iris.in_document(doc_id, "performance", target.table, "milestone", order)
        out.add(node, BKG.spendingMilestone, milestone)
        out.add(milestone, RDF.type, BKG.SpendingMilestone)
        out.add(milestone, BKG.milestone, _zh(label))
        out.add(milestone, BKG.cumulativePercent, _decimal(percent))
        out.add(milestone, BKG.order, _integer(order))
    for number, indicator in enumerate(target.indicators, start=1):
        indicator_node = iris.in_document(doc_id, "performance", target.table, "indicator", number)
        out.add(node, BKG.indicator, indicator_node)
        _map_indicator(out, indicator_node, indicator, doc)
    out.add(node, PROV.wasDerivedFrom, doc)
    out.lines(node, target.lines)


def _map_activities(out: _Graph, iris: Iris, doc_id: str, doc: ox.NamedNode, unit: ox.NamedNode | None, activities: list[Activity]) -> None:
    parents: dict[tuple[int, str], ox.NamedNode] = {}
    for number, activity in enumerate(activities, start=1):
        node = iris.in_document(doc_id, "activity", number)
        out.add(node, RDF.type, BKG.Activity)
        out.add(node, RDFS.label, _zh(activity.name))
        out.add(doc, BKG.activity, node)
        out.add(node, BKG.unit, unit)
        out.add(node, BKG.inTable, iris.in_document(doc_id, "table", activity.table))
        out.add(node, BKG.activityLevel, _integer(activity.level))
        if activity.level == 1:
            parents[(activity.table, activity.name)] = node
        elif activity.parent and (activity.table, activity.parent) in parents:
            out.add(node, BKG.parentActivity, parents[(activity.table, activity.parent)])
        if activity.budget is not None:
            out.amount(node, BKG.budgetAmount, activity.budget)
            out.text(node, BKG.printedAmount, activity.budget.printed)
        out.text(node, BKG.description, activity.description)
        out.text(node, BKG.goal, activity.goal)
        for index, indicator in enumerate(activity.indicators, start=1):
            indicator_node = iris.in_document(doc_id, "activity", number, "indicator", index)
            out.add(node, BKG.indicator, indicator_node)
            _map_indicator(out, indicator_node, indicator, doc)
        out.add(node, PROV.wasDerivedFrom, doc)
        out.lines(node, activity.lines)
