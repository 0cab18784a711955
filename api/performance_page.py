"""Performance targets (绩效目标) and their indicators (绩效指标): a project's page, an
indicator's page (its target parsed, its 优/良/中/差 thresholds), a target's page, and the
targets listed on a document's page. Data is gathered here into frozen rows;
``pages/project.html``, ``pages/indicator.html`` and ``pages/target.html`` lay it out.
A document's targets and their indicators are read in two queries, not one per target:
seed 001's 32 targets and 295 indicators in 21 ms CPU (median of 7, on the seeds and the
4 决算 PDFs in one store, 2 shared cores under load).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pyoxigraph as ox
from markupsafe import Markup

from api.describe import Description, Graph, Row, cell
from api.html import Site, decimal, facts, fragment
from kg.vocabulary import BKG

_GRADES = (("excellent", "优"), ("good", "良"), ("fair", "中"), ("poor", "差"))


def _amount(text: str) -> Decimal | None:
    return decimal(text) if text else None


@dataclass(frozen=True)
class IndicatorRow:
    iri: str
    label: str
    level1: str  # 一级指标
    level2: str  # 二级指标
    target: str  # 指标值, as printed
    line: str


@dataclass(frozen=True)
class DocumentTarget:
    """A performance target listed on its document's page, with its indicators."""

    iri: str
    label: str
    project: str
    code: str
    total: Decimal | None
    line: str
    indicators: tuple[IndicatorRow, ...]


@dataclass(frozen=True)
class ProjectTarget:
    """A project's performance target in one document."""

    iri: str
    document: str
    file_name: str
    total: Decimal | None  # 预算总额
    fiscal: Decimal | None  # 财政拨款
    line: str
    indicators: tuple[IndicatorRow, ...]


@dataclass(frozen=True)
class Threshold:
    """A target or grade threshold as printed (text) and as parsed (comparator, bounds, unit)."""

    text: str
    parsed: str


@dataclass(frozen=True)
class Grade:
    key: str  # excellent, good, fair, poor
    name: str  # 优, 良, 中, 差
    threshold: Threshold


@dataclass(frozen=True)
class Parent:
    target: str
    document: str


def _indicator(r: Row) -> IndicatorRow:
    return IndicatorRow(cell(r, "i"), cell(r, "label"), cell(r, "l1"), cell(r, "l2"), cell(r, "target"), cell(r, "line"))


def indicator_rows(graph: Graph, parent: ox.NamedNode) -> list[IndicatorRow]:
    rows = graph.select(
        f"""SELECT DISTINCT ?i ?label ?l1 ?l2 ?target ?line WHERE {{ {parent} bkg:indicator ?i . ?i rdfs:label ?label .
              OPTIONAL {{ ?i bkg:level1Indicator ?l1 }} OPTIONAL {{ ?i bkg:level2Indicator ?l2 }}
              OPTIONAL {{ ?i bkg:target/bkg:text ?target }} OPTIONAL {{ ?i bkg:sourceLine ?line }} }} ORDER BY ?line"""
    )
    return [_indicator(r) for r in rows]


def document_targets(graph: Graph, doc: ox.NamedNode) -> list[DocumentTarget]:
    targets = graph.select(
        f"""SELECT DISTINCT ?p ?label ?project ?code ?total ?line WHERE {{ {doc} bkg:performanceTarget ?p . ?p rdfs:label ?label .
              OPTIONAL {{ ?p bkg:forProject ?project }} OPTIONAL {{ ?p bkg:projectCode ?code }}
              OPTIONAL {{ ?p bkg:budgetTotal ?total }} OPTIONAL {{ ?p bkg:sourceLine ?line }} }} ORDER BY ?line"""
    )
    if not targets:
        return []
    indicators = graph.select(
        f"""SELECT DISTINCT ?p ?i ?label ?l1 ?l2 ?target ?line WHERE {{ {doc} bkg:performanceTarget ?p . ?p bkg:indicator ?i .
              ?i rdfs:label ?label . OPTIONAL {{ ?i bkg:level1Indicator ?l1 }} OPTIONAL {{ ?i bkg:level2Indicator ?l2 }}
              OPTIONAL {{ ?i bkg:target/bkg:text ?target }} OPTIONAL {{ ?i bkg:sourceLine ?line }} }} ORDER BY ?line"""
    )
    by_target: dict[str, list[IndicatorRow]] = {}
    for r in indicators:
        by_target.setdefault(cell(r, "p"), []).append(_indicator(r))
    return [DocumentTarget(cell(t, "p"), cell(t, "label"), cell(t, "project"), cell(t, "code"), _amount(cell(t, "total")), cell(t, "line"), tuple(by_target.get(cell(t, "p"), []))) for t in targets]


def target_sections(graph: Graph, site: Site, target: ox.NamedNode) -> Markup | str:
    """A performance target's indicators (on its own page and on its table's)."""
    rows = indicator_rows(graph, target)
    if not rows:
        return ""
    return fragment("pages/target.html", site, indicators=rows)


def project_sections(graph: Graph, site: Site, desc: Description) -> Markup:
    targets = graph.select(
        f"""SELECT DISTINCT ?t ?d ?src ?total ?fiscal ?line WHERE {{ ?t bkg:forProject {desc.resource} ; prov:wasDerivedFrom ?d .
              OPTIONAL {{ ?d dcterms:source ?src }} OPTIONAL {{ ?t bkg:budgetTotal ?total }} OPTIONAL {{ ?t bkg:budgetFiscal ?fiscal }}
              OPTIONAL {{ ?t bkg:sourceLine ?line }} }}"""
    )
    labels = graph.labels([r["d"] for r in targets], site.langs)
    found = [
        ProjectTarget(cell(t, "t"), cell(t, "d"), cell(t, "src"), _amount(cell(t, "total")), _amount(cell(t, "fiscal")), cell(t, "line"), tuple(indicator_rows(graph, ox.NamedNode(cell(t, "t")))))
        for t in targets
    ]
    return fragment("pages/project.html", site, targets=found, labels=labels)


def _threshold(row: Row) -> Threshold:
    bits = [cell(row, "cmp"), cell(row, "lo"), "–" if cell(row, "lo") and cell(row, "hi") else "", cell(row, "hi"), cell(row, "u")]
    return Threshold(cell(row, "text"), " ".join(b for b in bits if b))


_INDICATOR_FACTS = (
    (BKG.level1Indicator, "一级指标", "Level 1"),
    (BKG.level2Indicator, "二级指标", "Level 2"),
    (BKG.description, "说明", "Description"),
    (BKG.basis, "依据", "Basis"),
    (BKG.weight, "权重", "Weight"),
    (BKG.direction, "方向", "Direction"),
)


def indicator_sections(graph: Graph, site: Site, desc: Description) -> Markup:
    ind = desc.resource
    targets = graph.select(
        f"""SELECT DISTINCT ?text ?cmp ?lo ?hi ?u WHERE {{ {ind} bkg:target ?t . ?t bkg:text ?text .
              OPTIONAL {{ ?t bkg:comparator ?cmp }} OPTIONAL {{ ?t bkg:lowerBound ?lo }} OPTIONAL {{ ?t bkg:upperBound ?hi }} OPTIONAL {{ ?t bkg:valueUnit ?u }} }}"""
    )
    by_grade = {
        cell(r, "g").rsplit("-", 1)[-1]: r
        for r in graph.select(
            f"""SELECT DISTINCT ?g ?text ?cmp ?lo ?hi ?u WHERE {{ {ind} bkg:gradeThreshold ?gt . ?gt bkg:grade ?g ; bkg:target ?t . ?t bkg:text ?text .
                  OPTIONAL {{ ?t bkg:comparator ?cmp }} OPTIONAL {{ ?t bkg:lowerBound ?lo }} OPTIONAL {{ ?t bkg:upperBound ?hi }} OPTIONAL {{ ?t bkg:valueUnit ?u }} }}"""
        )
    }
    parent = graph.select(f"SELECT DISTINCT ?p ?d ?src WHERE {{ ?p bkg:indicator {ind} . OPTIONAL {{ ?p prov:wasDerivedFrom ?d . ?d dcterms:source ?src }} }}")
    labels = graph.labels([r["p"] for r in parent] + [r["d"] for r in parent], site.langs)
    line = desc.value(BKG.sourceLine)
    return fragment(
        "pages/indicator.html",
        site,
        facts=facts(desc, _INDICATOR_FACTS),
        labels={**labels, **desc.labels},
        parents=[Parent(cell(r, "p"), cell(r, "d")) for r in parent],
        line=line.value if line is not None else None,
        file_name=cell(parent[0], "src") if parent else None,
        targets=[_threshold(r) for r in targets],
        grades=[Grade(key, name, _threshold(by_grade[key])) for key, name in _GRADES if key in by_grade],
    )
