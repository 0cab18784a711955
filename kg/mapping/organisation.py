"""The organisation: internal bodies (内设机构) of the unit and the staffing (编制) counts,
each body's and the 合计 row's, as nodes the shapes can compare."""

from __future__ import annotations

from decimal import Decimal

import pyoxigraph as ox

from kg.iris import Iris
from kg.mapping.graph import DocumentGraph, decimal_literal, zh
from kg.records import ParsedDocument
from kg.vocabulary import BKG, ORG, PROV, RDF, RDFS


def map_bodies(out: DocumentGraph, iris: Iris, doc_id: str, doc: ox.NamedNode, unit: ox.NamedNode | None, document: ParsedDocument) -> None:
    for number, body in enumerate(document.bodies, start=1):
        node = iris.in_document(doc_id, "body", number)
        out.add(node, RDF.type, BKG.InternalBody)
        out.add(node, RDFS.label, zh(body.name))
        out.add(unit, BKG.hasBody, node)
        out.add(node, ORG.unitOf, unit)
        out.text(node, BKG.nature, body.nature)
        out.text(node, BKG.rank, body.rank)
        out.text(node, BKG.funding, body.funding)
        out.text(node, BKG.note, body.note)
        _map_staffing_counts(out, iris, node, doc_id, ("body", number), body.counts, BKG.staffingCount)
        out.add(node, PROV.wasDerivedFrom, doc)
        out.lines(node, body.lines)


def map_staffing_totals(out: DocumentGraph, iris: Iris, doc_id: str, doc: ox.NamedNode, document: ParsedDocument) -> None:
    for number, total in enumerate(document.staffing_totals, start=1):
        node = iris.in_document(doc_id, "staffing-total", number)
        out.add(node, RDF.type, BKG.StaffingTotal)
        out.add(node, RDFS.label, zh(total.label))
        _map_staffing_counts(out, iris, node, doc_id, ("staffing-total", number), total.counts, BKG.totalCount)
        out.add(node, PROV.wasDerivedFrom, doc)
        out.lines(node, total.lines)


def _map_staffing_counts(
    out: DocumentGraph,
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
        out.add(count_node, RDFS.label, zh(label))
        out.add(count_node, BKG.count, decimal_literal(count))
        out.add(node, link, count_node)
