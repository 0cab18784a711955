"""What every HTML page shares: the reader's site (base IRI, languages, the page's words),
how an IRI becomes a link on this server, and the page frame.

Markup lives in Jinja2 templates (api/templates/pages/), rendered with autoescape on
(api.templating): document text reaches a page only as template values, never pasted into a
string of HTML. The pages used to be built from string helpers here (esc, link, table,
section …); moved to templates, 424 pages (every kind of page of the 5 seeds and 4 决算 PDFs,
in Chinese and English) came out the same, whitespace and attribute quoting aside. Nothing
is loaded from another host: the only stylesheet is ``/static/site.css`` and there is no
script.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from urllib.parse import quote, unquote, urlencode

import pyoxigraph as ox
from markupsafe import Markup

from api.describe import Description, Term
from api.templating import render

from kg.vocabulary import ONTOLOGY_IRI, PREFIXES

ONTOLOGY_NS = ONTOLOGY_IRI + "#"
RDF_FORMATS: tuple[tuple[str, str], ...] = (
    ("turtle", "Turtle"),
    ("jsonld", "JSON-LD"),
    ("ntriples", "N-Triples"),
    ("rdfxml", "RDF/XML"),
)
_ALTERNATES = (("turtle", "text/turtle"), ("jsonld", "application/ld+json"), ("ntriples", "application/n-triples"), ("rdfxml", "application/rdf+xml"))

_WORDS: dict[str, tuple[str, str]] = {
    "home": ("首页", "Home"),
    "search": ("搜索", "Search"),
    "search_placeholder": ("单位、项目、科目编码或名称、指标", "unit, project, code or name, indicator"),
    "sparql": ("SPARQL 查询", "SPARQL"),
    "documents": ("预算公开文件", "Documents"),
    "units": ("预算单位", "Budget units"),
    "years": ("年度", "Fiscal years"),
    "counts": ("统计", "Counts"),
    "outgoing": ("属性", "Properties"),
    "incoming": ("被引用", "Incoming links"),
    "data": ("数据", "Data"),
    "more": ("更多", "more"),
    "previous": ("上一页", "previous"),
    "next": ("下一页", "next"),
    "not_found": ("未找到", "Not found"),
    "not_found_text": ("图谱中没有这个资源。", "The graph holds nothing about this resource."),
    "amount": ("金额（万元）", "Amount (10k yuan)"),
    "no_results": ("没有找到匹配的结果。", "Nothing matches."),
}


@dataclass(frozen=True)
class Site:
    """What every page needs: the base IRI (to map IRIs to local paths) and the reader's languages."""

    base_iri: str
    langs: tuple[str, ...]
    lang: str  # the language of the page's own words: "zh" or "en"

    @property
    def zh(self) -> bool:
        return self.lang != "en"

    def word(self, key: str, **params: object) -> str:
        zh, en = _WORDS[key]
        text = en if self.lang == "en" else zh
        return text.format(**params) if params else text

    def local_path(self, iri: str, kind: str = "page") -> str | None:
        """``/page/…`` (or ``/data/…``) for an IRI minted under the base; None otherwise."""
        if iri.startswith(self.base_iri + "id/"):
            return f"/{kind}/" + iri[len(self.base_iri) + 3 :]
        return None

    def href(self, iri: str) -> str:
        """Where a link to ``iri`` goes on this server."""
        path = self.local_path(iri)
        if path is not None:
            return path
        if iri.startswith(ONTOLOGY_NS):
            return "/ontology/" + quote(iri[len(ONTOLOGY_NS) :], safe="")
        return "/page?" + urlencode({"iri": iri})

    def short(self, iri: str) -> str:
        """A readable stand-in for an IRI without a label."""
        if iri.startswith(self.base_iri):
            return unquote(iri[len(self.base_iri) :])
        return curie(iri)

    def curie(self, iri: str) -> str:
        return curie(iri)


def curie(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


@dataclass(frozen=True)
class Fact:
    """One line of a page's facts: its name in both languages and the RDF term it shows."""

    zh: str
    en: str
    value: Term | None


def facts(desc: Description, named: tuple[tuple[ox.NamedNode, str, str], ...]) -> list[Fact]:
    """The facts the resource states, in the order of ``named`` (predicate, Chinese, English)."""
    return [Fact(zh, en, value) for predicate, zh, en in named if (value := desc.value(predicate)) is not None]


def decimal(value: object) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def page(template: str, site: Site, title: str, *, iri: str | None = None, data_path: str | None = None, query: str = "", **context: object) -> str:
    """A whole page: ``template`` extends ``pages/layout.html`` (header with search, title, the IRI, links to the RDF)."""
    return str(
        render(
            template,
            site=site,
            zh=site.zh,
            title=title,
            iri=iri,
            shown_iri=unquote(iri) if iri else "",
            data_path=data_path,
            query=query,
            formats=RDF_FORMATS,
            alternates=_ALTERNATES,
            **context,
        )
    )


def fragment(template: str, site: Site, **context: object) -> Markup:
    """Part of a page (a resource's sections), for the page's template to include as it is."""
    return render(template, site=site, zh=site.zh, **context)
