"""The HTML pages: home, search, and one page per resource, shaped by its type.

Every resource page has the same frame (the IRI, what it says, what links to it,
with counts and paging, and links to its RDF); documents, units, codes,
projects, indicators, tables, figures and ontology terms add a section on top
that a budget analyst reads first. This module queries and gathers frozen rows; the
markup is in api/templates/pages/ (the frame ``resource.html``, ``home.html``, ``search.html``).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

import pyoxigraph as ox
from markupsafe import Markup

from api import code_page, document_page, execution, performance_page, unit_page
from api.describe import INCOMING_PAGE, OUTGOING_SHOWN, Description, Graph, Term, cell, describe
from api.html import Site, fragment, page
from api.search import KIND_NAMES, Hit
from kg.vocabulary import BKG, ONTOLOGY_IRI, RDF, RDFS, SKOS

INCOMING_PREVIEW = 10
_B = BKG.base


# -- home and search -----------------------------------------------------------


@dataclass(frozen=True)
class HomeDocument:
    iri: str
    title: str
    year: str
    unit: str  # "" when the document does not state it
    kind: str  # bkg:UnitBudgetDisclosure, bkg:DepartmentFinalAccounts …
    file_name: str
    figures: str


@dataclass(frozen=True)
class HomeUnit:
    iri: str
    documents: str


@dataclass(frozen=True)
class Counts:
    documents: int
    units: int
    figures: str
    tables: str
    projects: str
    indicators: str
    codes: str


def _count(graph: Graph, cls: str) -> str:
    return cell(graph.select(f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a {cls} }}")[0], "n")


def home(graph: Graph, site: Site) -> str:
    docs = graph.select(
        """SELECT ?d (SAMPLE(?t) AS ?title) (SAMPLE(?y) AS ?year) (SAMPLE(?u) AS ?unit) (SAMPLE(?src) AS ?file)
           (SAMPLE(?k) AS ?kind) WHERE {
             ?d a bkg:BudgetDocument ; dcterms:title ?t ; a ?k .
             FILTER(?k IN (bkg:UnitBudgetDisclosure, bkg:DepartmentBudgetDisclosure, bkg:UnitFinalAccounts, bkg:DepartmentFinalAccounts))
             # A document is ingested without the year or unit it does not state.
             OPTIONAL { ?d bkg:fiscalYear ?y } OPTIONAL { ?d bkg:unit ?u }
             OPTIONAL { ?d dcterms:source ?src } } GROUP BY ?d ORDER BY DESC(?year) ?title"""
    )
    figures = {cell(r, "d"): cell(r, "n") for r in graph.select("SELECT ?d (COUNT(DISTINCT ?f) AS ?n) WHERE { ?f a bkg:BudgetFigure ; prov:wasDerivedFrom ?d } GROUP BY ?d")}
    units = graph.select("SELECT ?u (COUNT(DISTINCT ?d) AS ?n) WHERE { ?u a bkg:BudgetUnit . OPTIONAL { ?d a bkg:BudgetDocument ; bkg:unit ?u } } GROUP BY ?u")
    labels = graph.labels([r["unit"] for r in docs if r.get("unit") is not None] + [r["u"] for r in units] + [r["kind"] for r in docs], site.langs)
    documents = [HomeDocument(cell(r, "d"), cell(r, "title"), cell(r, "year"), cell(r, "unit"), cell(r, "kind"), cell(r, "file"), figures.get(cell(r, "d"), "0")) for r in docs]
    years: dict[str, int] = {}
    for d in documents:
        years[d.year] = years.get(d.year, 0) + 1
    counts = Counts(
        len(docs), len(units), _count(graph, "bkg:BudgetFigure"), _count(graph, "bkg:BudgetTable"), _count(graph, "bkg:Project"), _count(graph, "bkg:Indicator"), _count(graph, "skos:Concept")
    )
    # In the order of their links' addresses, as the page has always listed them.
    by_unit = sorted((HomeUnit(cell(r, "u"), cell(r, "n")) for r in units), key=lambda u: (site.href(u.iri), u.iri))
    return page(
        "pages/home.html",
        site,
        "预算公开知识图谱" if site.zh else "Budget disclosures knowledge graph",
        counts=counts,
        years=sorted(years.items(), reverse=True),
        documents=documents,
        units=by_unit,
        labels=labels,
        ontology=ONTOLOGY_IRI,
        figure_class=BKG.BudgetFigure.value,
        unit_class=BKG.BudgetUnit.value,
    )


def search_page(graph: Graph, site: Site, query: str, hits: dict[str, list[Hit]]) -> str:
    labels = graph.labels([ox.NamedNode(h.iri) for hs in hits.values() for h in hs], site.langs)
    groups = [(kind, KIND_NAMES[kind][0 if site.zh else 1], found) for kind, found in hits.items()]
    title = f"{site.word('search')}：{query}" if query else site.word("search")
    return page("pages/search.html", site, title, query=query, groups=groups, labels=labels)


def not_found(site: Site, iri: str) -> str:
    return page("pages/not_found.html", site, site.word("not_found"), iri=iri)


# -- resource pages --------------------------------------------------------------


@dataclass(frozen=True)
class PropertyValues:
    """One property of the resource: the values a page shows (up to OUTGOING_SHOWN) and how many there are."""

    predicate: str
    values: tuple[Term, ...]
    total: int


@dataclass(frozen=True)
class IncomingBlock:
    """Resources that link here by one property: the first INCOMING_PREVIEW, and where the rest are."""

    predicate: str
    count: int
    subjects: tuple[Term, ...]
    more_href: str | None


@dataclass(frozen=True)
class IncomingPage:
    """A page of INCOMING_PAGE resources that link here by one property."""

    predicate: str
    total: int
    offset: int
    subjects: tuple[Term, ...]
    previous_href: str | None
    next_href: str | None


def resource_page(
    graph: Graph,
    site: Site,
    resource: ox.NamedNode,
    *,
    predicate: str | None = None,
    offset: int = 0,
    data_path: str | None = None,
    rates_offset: int = 0,
    rates_source: code_page.RatesSource = execution.code_execution,
) -> str:
    desc = describe(graph, resource, site.langs)
    types = desc.types()
    title = desc.labels.get(resource.value) or site.short(resource.value)
    sections: list[Markup | str] = []
    outgoing: list[PropertyValues] | None = None
    if predicate is None:
        if _B + "BudgetDocument" in types:
            sections.append(document_page.sections(graph, site, desc))
        elif _B + "BudgetUnit" in types:
            sections.append(unit_page.sections(graph, site, desc))
        elif SKOS.Concept.value in types and (notation := desc.value(SKOS.notation)) is not None:
            sections.append(code_page.sections(graph, site, desc, rates_offset, rates_source))
            if title == site.short(resource.value):
                printed = graph.select(f"SELECT ?l (COUNT(*) AS ?n) WHERE {{ ?cn bkg:ofCode {resource} ; rdfs:label ?l }} GROUP BY ?l ORDER BY DESC(?n) LIMIT 1")
                title = cell(printed[0], "l") if printed else ""
            title = f"{notation.value} {title}".strip()
        elif _B + "Project" in types:
            sections.append(performance_page.project_sections(graph, site, desc))
        elif _B + "Indicator" in types:
            sections.append(performance_page.indicator_sections(graph, site, desc))
        elif _B + "BudgetTable" in types:
            sections.append(document_page.table_sections(graph, site, desc))
        elif _B + "BudgetFigure" in types:
            sections.append(document_page.figure_sections(graph, site, desc))
            title = f"{_text(desc, BKG.rowLabel)} · {_text(desc, BKG.columnLabel)}"
        elif _B + "PerformanceTarget" in types:
            sections.append(performance_page.target_sections(graph, site, desc.resource))
        if resource.value.startswith(ONTOLOGY_IRI):
            sections.append(ontology_sections(graph, site, desc))
        outgoing = properties(desc)
    incoming_page = incoming_blocks = None
    if predicate is not None:
        incoming_page = incoming(graph, site, desc, ox.NamedNode(predicate), offset)
    else:
        incoming_blocks = incoming_preview(graph, site, desc)
    return page(
        "pages/resource.html",
        site,
        title,
        iri=resource.value,
        data_path=data_path,
        sections=[s for s in sections if s],
        outgoing=outgoing,
        incoming_page=incoming_page,
        incoming_blocks=incoming_blocks,
        incoming_total=desc.incoming_total(),
        labels=desc.labels,
        subject_labels=_subject_labels(graph, site, incoming_page, incoming_blocks),
        page_href=site.href(resource.value),
    )


def _text(desc: Description, predicate: ox.NamedNode) -> str:
    value = desc.value(predicate)
    return value.value if value is not None else ""


def properties(desc: Description) -> list[PropertyValues]:
    grouped: dict[str, list[Term]] = {}
    counts: dict[str, int] = {}
    for predicate, value in desc.outgoing:
        counts[predicate.value] = counts.get(predicate.value, 0) + 1
        if counts[predicate.value] <= OUTGOING_SHOWN:
            grouped.setdefault(predicate.value, []).append(value)
    return [PropertyValues(p, tuple(values), counts[p]) for p, values in grouped.items()]


def _paged(site: Site, desc: Description, predicate: str, offset: int) -> str:
    path = site.href(desc.resource.value)
    return path + ("&" if "?" in path else "?") + urlencode({"p": predicate, "offset": offset})


def incoming(graph: Graph, site: Site, desc: Description, predicate: ox.NamedNode, offset: int) -> IncomingPage:
    total = dict((p.value, n) for p, n in desc.incoming_counts).get(predicate.value, 0)
    subjects = graph.incoming(desc.resource, predicate, offset, INCOMING_PAGE)
    previous = _paged(site, desc, predicate.value, max(0, offset - INCOMING_PAGE)) if offset > 0 else None
    following = _paged(site, desc, predicate.value, offset + INCOMING_PAGE) if offset + INCOMING_PAGE < total else None
    return IncomingPage(predicate.value, total, offset, tuple(subjects), previous, following)


def incoming_preview(graph: Graph, site: Site, desc: Description) -> list[IncomingBlock]:
    return [
        IncomingBlock(pred.value, count, tuple(graph.incoming(desc.resource, pred, 0, INCOMING_PREVIEW)), _paged(site, desc, pred.value, 0) if count > INCOMING_PREVIEW else None)
        for pred, count in desc.incoming_counts
    ]


def _subject_labels(graph: Graph, site: Site, paged: IncomingPage | None, blocks: list[IncomingBlock] | None) -> dict[str, str]:
    subjects = list(paged.subjects) if paged else [s for b in blocks or [] for s in b.subjects]
    return graph.labels(subjects, site.langs)


# -- ontology terms ----------------------------------------------------------------


def ontology_sections(graph: Graph, site: Site, desc: Description) -> Markup | str:
    labels = [v for v in desc.values(RDFS.label) if isinstance(v, ox.Literal)]
    definitions = [v for v in desc.values(SKOS.definition) if isinstance(v, ox.Literal)]
    if not labels and not definitions:
        return ""
    count = graph.select(f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a {desc.resource} }}")
    n = cell(count[0], "n") if count else "0"
    return fragment("pages/ontology.html", site, names=labels, definitions=definitions, instances=n, instances_href=_paged(site, desc, RDF.type.value, 0))
