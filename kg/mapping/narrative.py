"""Narrative statements (说明): each figure a sentence states, with its kind, amount, change,
share or count, the code or item it speaks of, and where it was read."""

from __future__ import annotations

import pyoxigraph as ox

from kg.iris import Iris
from kg.mapping.figures import CODE_PREDICATES
from kg.mapping.graph import DocumentGraph, bkg_key, decimal_literal, integer_literal, zh
from kg.records import ParsedDocument
from kg.vocabulary import BKG, PROV, RDF, RDFS


def map_narrative(out: DocumentGraph, iris: Iris, doc_id: str, doc: ox.NamedNode, unit: ox.NamedNode | None, year: ox.Literal | None, document: ParsedDocument, default_stage: str) -> None:
    for number, figure in enumerate(document.narrative, start=1):
        node = iris.in_document(doc_id, "narrative", number)
        out.add(node, RDF.type, BKG.NarrativeFigure)
        out.add(doc, BKG.narrativeFigure, node)
        out.add(node, BKG.figureKind, bkg_key("figure", figure.kind))
        out.add(node, BKG.statement, zh(figure.statement))
        out.add(node, BKG.unit, unit)
        out.add(node, BKG.fiscalYear, year)
        if figure.amount is not None:
            out.amount(node, BKG.amount, figure.amount)
            out.text(node, BKG.printedAmount, figure.amount.printed)
            out.text(node, BKG.printedUnit, figure.amount.unit.value if figure.amount.unit else None)
        out.amount(node, BKG.change, figure.change)
        out.amount(node, BKG.priorAmount, figure.prior_amount)
        if figure.change_percent is not None:
            out.add(node, BKG.changePercent, decimal_literal(figure.change_percent))
        if figure.share_percent is not None:
            out.add(node, BKG.sharePercent, decimal_literal(figure.share_percent))
        if figure.count is not None:
            out.add(node, BKG.count, decimal_literal(figure.count))
        out.text(node, BKG.countUnit, figure.count_unit)
        out.add(node, BKG.stage, bkg_key("stage", figure.stage or default_stage))
        if figure.code is not None:
            out.add(node, CODE_PREDICATES[figure.code.scheme], iris.code(figure.code.scheme, figure.code.notation))
        if figure.completion_percent is not None:
            out.add(node, BKG.completionPercent, decimal_literal(figure.completion_percent))
        if figure.comparison is not None:
            out.add(node, BKG.statedComparison, bkg_key("comparison", figure.comparison))
        if figure.paragraph is not None:
            out.add(node, BKG.paragraph, integer_literal(figure.paragraph))
        if figure.label is not None:
            out.add(node, RDFS.label, zh(figure.label))
        if figure.item_of is not None:
            out.add(node, BKG.itemOf, bkg_key("figure", figure.item_of))
        out.add(node, PROV.wasDerivedFrom, doc)
        out.lines(node, figure.lines)
