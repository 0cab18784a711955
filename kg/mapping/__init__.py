"""Mapping: a ``ParsedDocument`` -> RDF quads in the document's named graph.

Each figure becomes a ``qb:Observation`` (``bkg:BudgetFigure``) whose
dimensions are the unit, the fiscal year, the side (收入/支出), the
classification code and the column's meaning, with the amount in yuan as an
``xsd:decimal`` measure; the printed figure, its unit and its source location
stay with it: the line, and for a PDF the page (``bkg:sourcePage``), so PDF
and text input answer "where does this figure come from" the same way.
Classification codes are SKOS concepts shared by every document.

One module per part of a document: ``figures`` (money tables, codes, summing rows),
``narrative`` (statements), ``performance`` (targets, indicators, activities),
``organisation`` (bodies, staffing), ``text`` (lines, sentences, glossary, warnings);
``graph`` collects their quads.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from kg.families import family_by_key
from kg.iris import Iris
from kg.mapping.figures import map_budget_lines, map_summing_rows
from kg.mapping.graph import DocumentGraph, MappedDocument, bkg_key, integer_literal, zh
from kg.mapping.narrative import map_narrative
from kg.mapping.organisation import map_bodies, map_staffing_totals
from kg.mapping.performance import map_activities, map_performance
from kg.mapping.text import map_glossary, map_text, map_warnings
from kg.name_index import name_pieces
from kg.records import ParsedDocument, TableKind
from kg.settings import Settings
from kg.units import unit_key
from kg.vocabulary import BKG, DCT, ORG, QB, RDF, RDFS, SKOS, XSD

__all__ = ["MappedDocument", "bkg_key", "map_document"]

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


def map_document(document: ParsedDocument, settings: Settings) -> MappedDocument:
    iris = Iris(settings.base_iri)
    doc_id = document.document_id
    out = DocumentGraph(iris.graph(doc_id), iris.reference_graph(), iris, doc_id, document.pages)
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
    out.add(doc, DCT.title, zh(info.title))
    out.add(doc, RDFS.label, zh(info.title))
    out.add(doc, BKG.fiscalYear, year)
    out.add(doc, BKG.unit, unit)
    out.add(doc, DCT.publisher, unit)
    out.text(doc, DCT.source, Path(document.source_path).name)
    out.text(doc, BKG.sha256, document.sha256)
    out.text(doc, BKG.region, info.region)
    out.text(doc, BKG.approvalDocument, info.approval_document)
    if info.issuing_unit and unit_key(info.issuing_unit) != info.issuing_unit:
        # The name as printed, where the unit's IRI was minted from a normalised one (kg.units).
        out.add(doc, BKG.printedUnitName, zh(info.issuing_unit))
    if info.approval_date:
        out.add(doc, BKG.approvalDate, ox.Literal(info.approval_date, datatype=XSD.date))
    if info.title_lines:
        out.lines(doc, info.title_lines)

    out.shared(unit, RDF.type, BKG.BudgetUnit)
    out.shared(unit, RDF.type, ORG.Organization)
    out.shared(unit, SKOS.prefLabel, zh(unit_key(info.issuing_unit)) if info.issuing_unit else None)
    out.shared(unit, RDFS.label, zh(unit_key(info.issuing_unit)) if info.issuing_unit else None)
    if unit is not None and info.issuing_unit:
        # Its name's two-character pieces: a search by part of a name reads only these (kg.name_index).
        for piece in name_pieces(unit_key(info.issuing_unit)):
            out.shared(unit, BKG.nameBigram, ox.Literal(piece))
    if info.unit_code:
        out.shared(unit, BKG.unitCode, ox.Literal(info.unit_code))

    for table in document.tables:
        node = iris.in_document(doc_id, "table", table.index)
        out.add(node, RDF.type, BKG[_TABLE_CLASSES[table.kind]])
        out.add(node, RDF.type, BKG.BudgetTable)
        out.add(node, DCT.title, zh(table.title or table.kind.value))
        out.add(node, RDFS.label, zh(table.title or table.kind.value))
        out.add(node, BKG.tableIndex, integer_literal(table.index))
        out.add(node, BKG.inDocument, doc)
        out.add(doc, BKG.table, node)
        out.add(node, QB.structure, BKG.BudgetFigureStructure)
        out.text(node, BKG.moneyUnit, table.money_unit.value if table.money_unit else None)
        out.text(node, BKG.note, table.note)
        out.lines(node, table.lines)

    map_budget_lines(out, iris, doc_id, doc, unit, year, document, family.default_stage)
    for target in document.performance:
        map_performance(out, iris, doc_id, doc, unit, target)
    map_activities(out, iris, doc_id, doc, unit, document.activities)
    map_bodies(out, iris, doc_id, doc, unit, document)
    map_summing_rows(out, iris, doc_id, doc, document)
    map_staffing_totals(out, iris, doc_id, doc, document)
    map_narrative(out, iris, doc_id, doc, unit, year, document, family.default_stage)
    map_glossary(out, iris, doc_id, doc, document)
    map_text(out, iris, doc_id, doc, document)
    map_warnings(out, iris, doc_id, doc, document)
    return MappedDocument(out.graph, out.quads, out.reference_quads)
