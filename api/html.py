"""HTML building blocks: every piece of text goes through ``esc``; links stay on this server.

The page frame and the unit and code pages are Jinja2 templates (api/templates/pages/);
the other pages are still plain functions returning strings built from these pieces.
Nothing is loaded from another host: the only stylesheet is ``/static/site.css`` and
there is no script.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from html import escape
from urllib.parse import quote, unquote, urlencode

import pyoxigraph as ox
from markupsafe import Markup

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
    "line": ("第 {n} 行", "line {n}"),
    "amount": ("金额（万元）", "Amount (10k yuan)"),
    "yuan": ("元", "yuan"),
    "results": ("结果", "results"),
    "no_results": ("没有找到匹配的结果。", "Nothing matches."),
}


@dataclass(frozen=True)
class Site:
    """What every page needs: the base IRI (to map IRIs to local paths) and the reader's languages."""

    base_iri: str
    langs: tuple[str, ...]
    lang: str  # the language of the page's own words: "zh" or "en"

    def word(self, key: str, **params: object) -> str:
        zh, en = _WORDS[key]
        text = en if self.lang == "en" else zh
        return text.format(**params) if params else text

    def local_path(self, iri: str, kind: str = "page") -> str | None:
        """``/page/…`` (or ``/data/…``) for an IRI minted under the base; None otherwise."""
        if iri.startswith(self.base_iri + "id/"):
            return f"/{kind}/" + iri[len(self.base_iri) + 3:]
        return None

    def href(self, iri: str) -> str:
        """Where a link to ``iri`` goes on this server."""
        path = self.local_path(iri)
        if path is not None:
            return path
        if iri.startswith(ONTOLOGY_NS):
            return "/ontology/" + quote(iri[len(ONTOLOGY_NS):], safe="")
        return "/page?" + urlencode({"iri": iri})


def esc(value: object) -> str:
    return escape(str(value), quote=True)


def curie(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def short(site: Site, iri: str) -> str:
    """A readable stand-in for an IRI without a label."""
    if iri.startswith(site.base_iri):
        return unquote(iri[len(site.base_iri):])
    return curie(iri)


def link(site: Site, iri: str, labels: dict[str, str] | None = None, text: str | None = None) -> str:
    shown = text if text is not None else (labels or {}).get(iri) or short(site, iri)
    return f'<a href="{esc(site.href(iri))}" title="{esc(iri)}">{esc(shown)}</a>'


def decimal(value: object) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def wan(yuan: object) -> str:
    """Yuan as 万元 with two decimals, the yuan figure in a tooltip."""
    amount = decimal(yuan)
    if amount is None:
        return esc(yuan)
    return f'<span class="amount" title="{amount:,.2f} 元">{amount / 10000:,.2f}</span>'


def term(site: Site, value: ox.NamedNode | ox.BlankNode | ox.Literal | None, labels: dict[str, str]) -> str:
    if value is None:
        return ""
    if isinstance(value, ox.NamedNode):
        return link(site, value.value, labels)
    if isinstance(value, ox.BlankNode):
        return f"<code>_:{esc(value.value)}</code>"
    lang = f' lang="{esc(value.language)}"' if value.language else ""
    datatype = value.datatype.value if value.datatype else ""
    note = ""
    if datatype and not value.language and not datatype.endswith("#string"):
        note = f' <span class="dt">{esc(curie(datatype))}</span>'
    return f"<span{lang}>{esc(value.value)}</span>{note}"


def source_line(site: Site, line: object, file_name: object | None) -> str:
    text = site.word("line", n=line)
    return f'<span class="src">{esc(file_name) + " " if file_name else ""}{esc(text)}</span>'


def layout(site: Site, title: str, body: str, *, iri: str | None = None, data_path: str | None = None, query: str = "") -> str:
    """The page around ``body`` (already HTML), from ``pages/layout.html``."""
    return str(render(
        "pages/layout.html", site=site, title=title, body=Markup(body), iri=iri, shown_iri=unquote(iri) if iri else "",
        data_path=data_path, query=query, formats=RDF_FORMATS, alternates=_ALTERNATES,
    ))


def table(headers: list[str], rows: list[list[str]], *, numeric: set[int] | None = None, css: str = "") -> str:
    """A table whose cells are already HTML; ``numeric`` columns are right-aligned."""
    numeric = numeric or set()
    head = "".join(f'<th{" class=num" if i in numeric else ""}>{h}</th>' for i, h in enumerate(headers))
    body = "\n".join(
        "<tr>" + "".join(f'<td{" class=num" if i in numeric else ""}>{cell}</td>' for i, cell in enumerate(row)) + "</tr>"
        for row in rows
    )
    return f'<table class="{esc(css)}"><thead><tr>{head}</tr></thead><tbody>\n{body}\n</tbody></table>'


def section(title: str, body: str, *, ident: str = "") -> str:
    anchor = f' id="{esc(ident)}"' if ident else ""
    return f"<section{anchor}><h2>{esc(title)}</h2>\n{body}\n</section>"
