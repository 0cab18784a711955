"""Identities no single document can check, run as SPARQL on the whole store.

``code-names`` (domain.md §7.8, sh:Info): one code printed with different names in
different documents. A shape per document cannot see the other documents, so this is
one query over the store's union graph (GET /validate without ``document`` lists it).

The codes are found by grouping each code's names (one pass over the names, linear in
the store) rather than by pairing every name of a code with every other (quadratic in
the documents that print it: 2.6 s at 100 generated documents, 217 s at 500, 975 s at
1,000; grouped, 0.13, 0.81 and 1.72 s of CPU; bench/bench_flat_costs.py, loaded machine).
It runs once for all documents (``budgetkg validate``, GET /validate), not per document.
The two agree: a code with two names and two documents always has a pair of names that
differ and come from different documents (if every other document printed only the
first document's name, that document's other name pairs with theirs).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.settings import Settings
from kg.solutions import solutions
from kg.validation.dataset import ReadableStore, graph_store
from kg.validation.results import Severity, ValidationReport, ValidationResult
from kg.validation.shapes import SHAPES_NS, identity_labels
from kg.vocabulary import SH

CROSS_DOCUMENT_ID = "(all documents)"

_CODE_NAMES_QUERY = """
PREFIX bkg: <https://w3id.org/budgetkg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?code ?notation ?name ?doc ?line WHERE {
  { SELECT ?code WHERE {
      ?a a bkg:CodeName ; bkg:ofCode ?code ; rdfs:label ?label ; prov:wasDerivedFrom ?document .
  } GROUP BY ?code HAVING (COUNT(DISTINCT STR(?label)) > 1 && COUNT(DISTINCT ?document) > 1) }
  ?cn a bkg:CodeName ; bkg:ofCode ?code ; rdfs:label ?name ; prov:wasDerivedFrom ?doc ; bkg:sourceLine ?line .
  ?code skos:notation ?notation .
} ORDER BY ?notation ?name ?doc ?line
"""


@dataclass(frozen=True)
class CodeNames:
    """A code (科目编码) with the names documents print for it, filled in while the rows are read."""

    notation: str
    names: dict[str, dict[str, list[int]]] = field(default_factory=dict)  # name → document id → lines


def _names_by_code(store: ReadableStore | ox.Store, settings: Settings) -> dict[str, CodeNames]:
    """code IRI → its notation and names."""
    prefix = f"{settings.base_iri}id/document/"
    by_code: dict[str, CodeNames] = {}
    for row in solutions(graph_store(store).query(_CODE_NAMES_QUERY)):
        entry = by_code.setdefault(row["code"].value, CodeNames(row["notation"].value))
        doc = row["doc"].value
        doc = doc[len(prefix) :] if doc.startswith(prefix) else doc
        entry.names.setdefault(row["name"].value, {}).setdefault(doc, []).append(int(row["line"].value))
    return by_code


def _code_names_result(code: str, entry: CodeNames, labels: dict[str, str]) -> ValidationResult:
    parts_zh: list[str] = []
    parts_en: list[str] = []
    lines: set[int] = set()
    for name, docs in sorted(entry.names.items()):
        where_zh = "；".join(f"{d} 第{','.join(map(str, sorted(ls)))}行" for d, ls in sorted(docs.items()))
        where_en = "; ".join(f"{d} line{'s' if len(ls) > 1 else ''} {','.join(map(str, sorted(ls)))}" for d, ls in sorted(docs.items()))
        parts_zh.append(f"“{name}”（{where_zh}）")
        parts_en.append(f"“{name}” ({where_en})")
        for ls in docs.values():
            lines.update(ls)
    return ValidationResult(
        severity=Severity.INFO,
        focus=code,
        identity=SHAPES_NS + "code-names",
        identity_label_zh=labels.get("zh"),
        identity_label_en=labels.get("en"),
        message_zh=f"科目 {entry.notation} 在不同文件中名称不同：{'、'.join(parts_zh)}。",
        message_en=f"Code {entry.notation} has different names in different documents: {', '.join(parts_en)}.",
        source_shape=SHAPES_NS + "code-names-shape",
        constraint=SHAPES_NS + "code-names",
        component=SH.SPARQLConstraintComponent.value,
        lines=sorted(lines),
        figures=" | ".join(parts_en),
    )


def cross_document_results(store: ReadableStore | ox.Store, settings: Settings) -> list[ValidationResult]:
    """``store``: a kg.store.GraphStore or a pyoxigraph Store."""
    labels = identity_labels(SHAPES_NS + "code-names")
    by_code = _names_by_code(store, settings)
    return [_code_names_result(code, entry, labels) for code, entry in sorted(by_code.items(), key=lambda kv: kv[1].notation)]


def cross_document_report(store: ReadableStore | ox.Store, settings: Settings) -> ValidationReport:
    started = time.perf_counter()
    results = cross_document_results(store, settings)
    return ValidationReport(CROSS_DOCUMENT_ID, settings.base_iri + "graph/reference", results, time.perf_counter() - started)
