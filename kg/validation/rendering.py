"""A report as JSON, Turtle or text (``budgetkg validate --format``, GET /validate).
HTML is rendered by api.validation_html from Jinja2 templates, in one place for the
CLI, GET /validate and the document pages."""

from __future__ import annotations

import json
from typing import TypedDict

import pyoxigraph as ox

from kg.settings import Settings
from kg.validation.report_graph import report_quads
from kg.validation.results import Severity, ValidationReport, ValidationResult
from kg.validation.shapes import BKGR
from kg.vocabulary import RDF, SH, XSD


class LabelJson(TypedDict):
    """A text in both languages (a message, an identity's label); None where the source has none."""

    zh: str | None
    en: str | None


class ResultJson(TypedDict):
    """A result in JSON: SHACL's term where SHACL has one (focusNode, sourceShape, ...)."""

    severity: str
    identity: str | None
    identityLabel: LabelJson
    rounding: bool
    focusNode: str
    path: str | None
    value: str | None
    expected: str | None
    difference: str | None
    tolerance: str | None
    lines: list[int]
    page: int | None
    figures: str | None
    message: LabelJson
    sourceShape: str
    sourceConstraint: str
    sourceConstraintComponent: str


class ReportJson(TypedDict):
    document: str
    documentIri: str
    conforms: bool
    violations: int
    warnings: int
    infos: int
    results: list[ResultJson]


def result_as_json(r: ValidationResult) -> ResultJson:
    return {
        "severity": r.severity.value,
        "identity": r.identity,
        "identityLabel": {"zh": r.identity_label_zh, "en": r.identity_label_en},
        "rounding": r.is_rounding,
        "focusNode": r.focus,
        "path": r.path,
        "value": r.value,
        "expected": r.expected,
        "difference": r.difference,
        "tolerance": r.tolerance,
        "lines": r.lines,
        "page": r.page,
        "figures": r.figures,
        "message": {"zh": r.message_zh, "en": r.message_en},
        "sourceShape": r.source_shape,
        "sourceConstraint": r.constraint,
        "sourceConstraintComponent": r.component,
    }


def report_as_json(report: ValidationReport) -> ReportJson:
    return {
        "document": report.document_id,
        "documentIri": report.document,
        "conforms": report.conforms,
        "violations": report.count(Severity.VIOLATION),
        "warnings": report.count(Severity.WARNING),
        "infos": report.count(Severity.INFO),
        "results": [result_as_json(r) for r in report.results],
    }


def report_as_turtle(report: ValidationReport, settings: Settings | None = None) -> bytes:
    store = ox.Store()
    store.extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in report_quads(report, settings or Settings()))
    turtle = store.dump(format=ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph(), prefixes={"sh": SH.base, "bkgr": BKGR, "xsd": XSD.base, "rdf": RDF.base})
    assert turtle is not None  # dump returns the bytes when given no output
    return turtle


def report_as_text(report: ValidationReport) -> str:
    lines = [
        f"{report.document_id}: {'conforms' if report.conforms else 'does not conform'} "
        f"({report.count(Severity.VIOLATION)} violations, {report.count(Severity.WARNING)} warnings, "
        f"{report.count(Severity.INFO)} infos)"
    ]
    for r in report.results:
        where = (",".join(map(str, r.lines)) or "-") + (f" (page {r.page})" if r.page is not None else "")
        lines.append(f"  {r.severity.value:9} line {where}: {r.message_zh}")
        lines.append(f"  {'':9} {' ' * (6 + len(where))}{r.message_en}")
    return "\n".join(lines)


def report_as(report: ValidationReport, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(report_as_json(report), ensure_ascii=False, indent=2)
    if fmt == "turtle":
        return report_as_turtle(report).decode("utf-8")
    if fmt == "html":
        from api.validation_html import report_page

        return report_page(report)
    return report_as_text(report)
