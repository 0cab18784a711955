"""Search by name: units, documents, projects, classification codes and indicators.

A case-insensitive substring match (Chinese substrings work as they are); a
code also matches by the start of its notation (``20805`` finds 2080505). Units
are narrowed by the name index first (``kg.name_index``: at 10,000 documents the
scan of every unit's name took 83-95 ms), the other kinds are scanned.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from api.describe import Graph
from kg.name_index import narrowing_pattern
from kg.vocabulary import BKG

MAX_PER_KIND = 50
MAX_QUERY_CHARS = 100

# kind -> (group pattern binding ?x ?l, extra filter on the notation)
_KINDS: dict[str, str] = {
    "unit": "?x a bkg:BudgetUnit ; skos:prefLabel ?l .",
    "document": "?x a bkg:BudgetDocument ; dcterms:title ?l .",
    "project": "?x a bkg:Project . { ?x rdfs:label ?l } UNION { ?x bkg:projectCode ?l }",
    "code": "?x a skos:Concept ; skos:notation ?n . { ?x skos:prefLabel ?l } UNION { ?x bkg:codeName/rdfs:label ?l } UNION { BIND(?n AS ?l) }",
    "indicator": "?x a bkg:Indicator ; rdfs:label ?l .",
}
KIND_NAMES: dict[str, tuple[str, str]] = {
    "unit": ("预算单位", "Units"),
    "document": ("文件", "Documents"),
    "project": ("项目", "Projects"),
    "code": ("科目编码", "Classification codes"),
    "indicator": ("绩效指标", "Indicators"),
}


@dataclass(frozen=True)
class Hit:
    kind: str
    iri: str
    label: str
    notation: str | None = None


def search(graph: Graph, text: str) -> dict[str, list[Hit]]:
    text = " ".join(text.split())[:MAX_QUERY_CHARS]
    if not text:
        return {}
    needle = str(ox.Literal(text.lower()))
    # Units through the name index (kg.name_index) where the store has one: the units whose name
    # carries the text's first two characters, then CONTAINS on those names only.
    narrowing = narrowing_pattern("x", text) if graph.ask(f"ASK {{ ?unit {BKG.nameBigram} ?piece }}") else ""
    out: dict[str, list[Hit]] = {}
    for kind, pattern in _KINDS.items():
        if kind == "unit":
            pattern = narrowing + pattern
        notation = "OPTIONAL { ?x skos:notation ?n }" if kind != "code" else ""
        match = f"CONTAINS(LCASE(STR(?l)), {needle})"
        if kind == "code":
            match = f"({match} || STRSTARTS(STR(?n), {needle}))"
        rows = graph.select(
            f"SELECT ?x (SAMPLE(?l) AS ?label) (SAMPLE(?n) AS ?note) WHERE {{ {pattern} {notation} FILTER({match}) }} GROUP BY ?x ORDER BY STRLEN(STR(SAMPLE(?l))) ?x LIMIT {MAX_PER_KIND}"
        )
        hits = [Hit(kind, row["x"].value, row["label"].value if row["label"] else "", row["note"].value if row["note"] else None) for row in rows if isinstance(row["x"], ox.NamedNode)]
        if hits:
            out[kind] = hits
    return out
