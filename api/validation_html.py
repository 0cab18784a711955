"""Validation results as HTML, from the Jinja2 templates in api/templates/validation/.

One table of results (``_results.html``) serves the three places that show results:
the standalone report (``budgetkg validate --format html``, GET /validate?format=html),
the summary's cross-document results, and the document page's section (api.document_page).
They used to be three string builders that had drifted apart (different columns, one
without the amounts). Templates escape every value (autoescape), so messages that quote
a document's text cannot inject markup; they render through api.templating, the one
environment every page uses.
"""

from __future__ import annotations

from urllib.parse import urlencode

from markupsafe import Markup

from api.templating import render
from kg.validation import ValidationReport, ValidationResult

FocusLinks = dict[str, tuple[str | None, str]]  # focus IRI → (href or None, text)


def focus_href(focus: str, base_iri: str | None) -> str | None:
    """The linked-data page of a focus node minted under ``base_iri`` (``/page/…``)."""
    if base_iri and focus.startswith(base_iri + "id/"):
        return "/page/" + focus[len(base_iri) + 3 :]
    if base_iri and "://" in focus:
        return "/page?" + urlencode({"iri": focus})
    return None


def report_links(results: list[ValidationResult], base_iri: str | None) -> FocusLinks:
    """Links for a standalone report: a figure is named by its path under the document."""
    return {r.focus: (focus_href(r.focus, base_iri), r.focus.rsplit("/id/document/", 1)[-1]) for r in results}


def report_page(report: ValidationReport, base_iri: str | None = None) -> str:
    """A standalone page; with ``base_iri``, focus nodes link to their /page/ on this server."""
    return str(render("validation/report.html", report=report, links=report_links(report.results, base_iri)))


def summary_page(reports: list[ValidationReport], cross: ValidationReport, base_iri: str) -> str:
    return str(render("validation/summary.html", reports=reports, cross=cross, links=report_links(cross.results, base_iri)))


def error_page(status: int, message: str) -> str:
    return str(render("validation/error.html", status=status, message=message))


def results_section(report: ValidationReport, links: FocusLinks, lang: str) -> Markup:
    """The body of a document page's validation section, in ``lang`` ("zh" or "en")."""
    return render("validation/section.html", report=report, links=links, lang=lang)
