"""GET /validate: a document's SHACL validation report, or a summary of every document.

``/validate?document=ID`` answers the report of one document (its stored report
graph ``{base}graph/{ID}/validation``, or one computed now when there is none) as
JSON, Turtle (the SHACL report graph) or HTML, chosen by ``?format=json|turtle|html``
or else by ``Accept`` (``Vary: Accept``); 404 names an unknown document.
``/validate`` without ``document`` lists every document with its violation, warning
and info counts, and the identities checked across documents (``code-names``).

The router reads the store and the configuration from ``request.app.state``
(``create_app`` sets both), so mounting it is one ``include_router`` line.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pyoxigraph as ox
from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response

from api import negotiation
from api.validation_html import error_page, report_page, summary_page
from kg.iris import Iris
from kg.oxigraph_bytes import written
from kg.settings import Settings
from kg.store import GraphStore
from kg.validation import (
    BKGR,
    Severity,
    ValidationReport,
    cross_document_report,
    document_ids,
    has_graph,
    report_as_json,
    report_as_turtle,
    report_quads,
    validation_report,
)
from kg.vocabulary import RDF, SH, XSD

router = APIRouter()
# Documents named in a 404's message, of a store that may hold thousands.
_LISTED = 20

# Server preference, used when Accept ranks several formats equally (*/* → JSON).
_FORMATS = (("json", "application/json"), ("turtle", "text/turtle"), ("html", "text/html"))
_ALIASES = {"json": "json", "application/json": "json", "turtle": "turtle", "ttl": "turtle", "text/turtle": "turtle", "html": "html", "text/html": "html"}
_VARY = {"Vary": "Accept"}


def choose_format(request: Request) -> str | None:
    """json | turtle | html: ``?format=`` first, then Accept (q-values); None if neither can be met."""
    param = request.query_params.get("format")
    if param is not None:
        return _ALIASES.get(param.strip().lower())
    ranges = negotiation.parse_accept(request.headers.get("accept"))
    best: tuple[float, int, str] | None = None
    for rank, (name, media) in enumerate(_FORMATS):
        q = negotiation.quality(ranges, media)
        if name == "html":
            q = max(q, negotiation.quality(ranges, "application/xhtml+xml"))
        if q > 0 and (best is None or q > best[0]):
            best = (q, rank, name)
    return best[2] if best else None


def _settings(request: Request) -> Settings:
    return Settings(base_iri=request.app.state.config.base_iri)


def _store(request: Request) -> GraphStore:
    store: GraphStore = request.app.state.store  # Starlette's state holds Any: api.app puts the store there
    return store


def _error(status: int, fmt: str | None, message: str) -> Response:
    if fmt == "json":
        return JSONResponse({"error": message}, status_code=status, headers=_VARY)
    if fmt == "html":
        return HTMLResponse(error_page(status, message), status_code=status, headers=_VARY)
    return PlainTextResponse(message + "\n", status_code=status, headers=_VARY)


def _not_acceptable() -> Response:
    return PlainTextResponse(
        "/validate is available as application/json, text/turtle and text/html (or add ?format=json|turtle|html).\n",
        status_code=406,
        headers=_VARY,
    )


@router.get("/validate", include_in_schema=True, summary="SHACL validation report of a document, or a summary of all")
async def validate(request: Request) -> Response:
    param = request.query_params.get("format")
    fmt = choose_format(request)
    if fmt is None:
        if param is not None:
            return _error(400, "json", f"unknown format {param!r}: use json, turtle or html")
        return _not_acceptable()
    document = request.query_params.get("document")
    settings = _settings(request)
    store = _store(request)
    if document is None:
        return await run_in_threadpool(_summary, store, settings, fmt)
    if not document.strip():
        return _error(400, fmt, "the document parameter is empty: give a document id (its file stem), e.g. /validate?document=ID")
    # One lookup for the document asked for; the list of the others only when it is missing
    # (listing every graph grows with the store: five graphs a document).
    if not await run_in_threadpool(has_graph, store, Iris(settings.base_iri).graph(document).value):
        known = await run_in_threadpool(document_ids, store, settings)
        listed = ", ".join(known[:_LISTED]) + (f" and {len(known) - _LISTED} more" if len(known) > _LISTED else "")
        return _error(404, fmt, f"no document {document!r} in the store; known documents: {listed or 'none'}")
    report = await run_in_threadpool(validation_report, store, document, settings)
    return _render(report, fmt, settings)


def _render(report: ValidationReport, fmt: str, settings: Settings) -> Response:
    if fmt == "json":
        return JSONResponse(report_as_json(report), headers=_VARY)
    if fmt == "turtle":
        return Response(report_as_turtle(report, settings), media_type="text/turtle; charset=utf-8", headers=_VARY)
    return HTMLResponse(report_page(report, settings.base_iri), headers=_VARY)


def _summary(store: GraphStore, settings: Settings, fmt: str) -> Response:
    reports = [validation_report(store, doc, settings) for doc in document_ids(store, settings)]
    cross = cross_document_report(store, settings)
    if fmt == "json":
        body = {
            "documents": [
                {
                    "document": r.document_id,
                    "documentIri": r.document,
                    "conforms": r.conforms,
                    "violations": r.count(Severity.VIOLATION),
                    "warnings": r.count(Severity.WARNING),
                    "infos": r.count(Severity.INFO),
                    "report": "/validate?" + urlencode({"document": r.document_id}),
                }
                for r in reports
            ],
            "crossDocument": report_as_json(cross)["results"],
        }
        return JSONResponse(body, headers=_VARY)
    if fmt == "turtle":
        # The report node of each document (conformance), plus the cross-document results in full.
        data = ox.Store()
        for r in reports:
            node_quads = [
                q
                for q in report_quads(ValidationReport(r.document_id, r.document, r.results), settings)
                if q.predicate in (RDF.type, SH.conforms, ox.NamedNode(BKGR + "validatedDocument")) and q.object != SH.ValidationResult
            ]
            data.extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in node_quads)
        turtle = written(data.dump(format=ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph(), prefixes={"sh": SH.base, "bkgr": BKGR, "xsd": XSD.base, "rdf": RDF.base}))
        if cross.results:
            turtle += b"\n" + report_as_turtle(cross, settings)
        return Response(turtle, media_type="text/turtle; charset=utf-8", headers=_VARY)
    return HTMLResponse(summary_page(reports, cross, settings.base_iri), headers=_VARY)
