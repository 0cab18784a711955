"""The report as RDF: a SHACL validation report graph ``{base}graph/{doc}/validation``,
written at ingest and read back by the API, so a page need not validate again
(validating a seed takes ~0.3 s; reading its report back one query)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

from kg.iris import Iris
from kg.settings import Settings
from kg.solutions import Term, required_text, solutions, text
from kg.validation.dataset import ReadableStore
from kg.validation.results import Severity, ValidationReport, ValidationResult, lines_of, sorted_results
from kg.validation.shapes import BKGR, compiled_shapes
from kg.vocabulary import RDF, SH, XSD

_IDENTITY = ox.NamedNode(BKGR + "identity")
Subject = ox.NamedNode | ox.BlankNode | ox.Triple


def _literal_for(value: str | None) -> ox.Literal | None:
    if value is None or value == "":
        return None
    try:
        Decimal(value)
        return ox.Literal(value, datatype=XSD.decimal)
    except InvalidOperation:
        return ox.Literal(value)


def _iri_or_none(value: str) -> ox.NamedNode | None:
    return ox.NamedNode(value) if "://" in value else None


def _bkgr(name: str) -> ox.NamedNode:
    return ox.NamedNode(BKGR + name)


def _result_triples(res: ox.NamedNode, r: ValidationResult) -> list[tuple[Subject, ox.NamedNode, Term]]:
    triples: list[tuple[ox.NamedNode, Term | None]] = [
        (RDF.type, SH.ValidationResult),
        (SH.resultSeverity, SH[r.severity.value]),
        (SH.focusNode, ox.NamedNode(r.focus) if "://" in r.focus else ox.Literal(r.focus)),
        (SH.sourceShape, _iri_or_none(r.source_shape)),
        (SH.sourceConstraint, _iri_or_none(r.constraint)),
        (SH.sourceConstraintComponent, ox.NamedNode(r.component)),
        (SH.resultPath, ox.NamedNode(r.path) if r.path else None),
        (SH.value, _literal_for(r.value)),
        (SH.resultMessage, ox.Literal(r.message_zh, language="zh") if r.message_zh else None),
        (SH.resultMessage, ox.Literal(r.message_en, language="en") if r.message_en else None),
        (_IDENTITY, ox.NamedNode(r.identity) if r.identity else None),
        (_bkgr("expectedValue"), _literal_for(r.expected)),
        (_bkgr("difference"), _literal_for(r.difference)),
        (_bkgr("tolerance"), _literal_for(r.tolerance)),
        (_bkgr("figures"), ox.Literal(r.figures) if r.figures else None),
        (_bkgr("isRounding"), ox.Literal("true" if r.is_rounding else "false", datatype=XSD.boolean)),
    ]
    triples += [(_bkgr("sourceLine"), ox.Literal(str(line), datatype=XSD.integer)) for line in r.lines]
    if r.page is not None:
        triples.append((_bkgr("sourcePage"), ox.Literal(str(r.page), datatype=XSD.integer)))
    return [(res, p, o) for p, o in triples if o is not None]


def report_quads(report: ValidationReport, settings: Settings) -> list[ox.Quad]:
    iris = Iris(settings.base_iri)
    graph = iris.validation_graph(report.document_id)
    node = iris.in_document(report.document_id, "validation")
    triples: list[tuple[Subject, ox.NamedNode, Term]] = [
        (node, RDF.type, SH.ValidationReport),
        (node, SH.conforms, ox.Literal("true" if report.conforms else "false", datatype=XSD.boolean)),
        (node, ox.NamedNode(BKGR + "validatedDocument"), ox.NamedNode(report.document)),
    ]
    for n, r in enumerate(report.results, start=1):
        res = iris.in_document(report.document_id, "validation", "result", n)
        triples.append((node, SH.result, res))
        triples += _result_triples(res, r)
    return [ox.Quad(s, p, o, graph) for s, p, o in triples]


_READ = (
    "PREFIX sh: <http://www.w3.org/ns/shacl#>\nPREFIX bkgr: <" + BKGR + ">\n"
    "SELECT ?r ?sev ?focus ?id ?shape ?c ?comp ?path ?value ?exp ?diff ?tol ?fig ?mzh ?men (MIN(?pg) AS ?page) (GROUP_CONCAT(STR(?line); separator=',') AS ?lines) "
    "WHERE {{ GRAPH <{graph}> {{ ?rep sh:result ?r . ?r sh:resultSeverity ?sev ; sh:focusNode ?focus ; sh:sourceConstraintComponent ?comp . "
    "OPTIONAL {{ ?r bkgr:identity ?id }} OPTIONAL {{ ?r sh:sourceShape ?shape }} OPTIONAL {{ ?r sh:sourceConstraint ?c }} "
    "OPTIONAL {{ ?r sh:resultPath ?path }} OPTIONAL {{ ?r sh:value ?value }} OPTIONAL {{ ?r bkgr:expectedValue ?exp }} "
    "OPTIONAL {{ ?r bkgr:difference ?diff }} OPTIONAL {{ ?r bkgr:tolerance ?tol }} OPTIONAL {{ ?r bkgr:figures ?fig }} "
    "OPTIONAL {{ ?r sh:resultMessage ?mzh FILTER(LANG(?mzh) = 'zh') }} OPTIONAL {{ ?r sh:resultMessage ?men FILTER(LANG(?men) = 'en') }} "
    "OPTIONAL {{ ?r bkgr:sourceLine ?line }} OPTIONAL {{ ?r bkgr:sourcePage ?pg }} }} }} GROUP BY ?r ?sev ?focus ?id ?shape ?c ?comp ?path ?value ?exp ?diff ?tol ?fig ?mzh ?men"
)


def read_report(store: ReadableStore, document_id: str, graph: str, settings: Settings) -> ValidationReport:
    """A report graph read back into a ValidationReport."""
    labels = {c.identity: c.labels for c in compiled_shapes()[0] if c.identity}
    results = []
    for row in solutions(store.query(_READ.format(graph=graph), default_graphs=None)):
        identity = text(row, "id")
        label = labels.get(identity, {}) if identity is not None else {}
        results.append(
            ValidationResult(
                severity=Severity.from_iri(required_text(row, "sev")),
                focus=required_text(row, "focus"),
                identity=identity,
                identity_label_zh=label.get("zh"),
                identity_label_en=label.get("en"),
                message_zh=text(row, "mzh") or "",
                message_en=text(row, "men") or "",
                source_shape=text(row, "shape") or "",
                constraint=text(row, "c") or "",
                component=required_text(row, "comp"),
                path=text(row, "path"),
                value=text(row, "value"),
                expected=text(row, "exp"),
                difference=text(row, "diff"),
                tolerance=text(row, "tol"),
                lines=lines_of(text(row, "lines")),
                figures=text(row, "fig"),
                page=int(text(row, "page") or 0) or None,
            )
        )
    return ValidationReport(document_id, Iris(settings.base_iri).document(document_id).value, sorted_results(results))
