"""The fast engine: the shapes of shapes/*.ttl run on an Oxigraph dataset.

pyshacl needs the document as an rdflib graph; converting a seed's ~18 000 triples
and running the shapes there takes seconds per document (README, "validate"), while
this engine runs them on the in-memory Oxigraph dataset (document + inferred +
reference + ontology, kg.validation.dataset) in well under a second:

- Core: ``sh:targetClass`` / ``sh:targetSubjectsOf`` / ``sh:targetObjectsOf`` with property shapes whose
  path is an IRI, and ``sh:minCount``, ``sh:maxCount``, ``sh:datatype``,
  ``sh:class``, ``sh:pattern``, ``sh:minInclusive``, ``sh:maxInclusive``, ``sh:in``.
- SPARQL: each ``sh:select`` runs once, with ``$this`` as a free variable, and
  its solutions are kept for the focus nodes of the shape's targets (the queries
  in shapes/ are written so that this equals SHACL's pre-binding semantics;
  ``budgetkg validate --engine pyshacl`` and tests/test_validation_pyshacl.py check it).
  Extra projected variables become ``bkgr:`` properties (expected value,
  difference, tolerance, lines, figures); ``{?var}`` in ``sh:message`` is filled in.
"""

from __future__ import annotations

import re
import time
from dataclasses import replace

import pyoxigraph as ox

from kg.iris import Iris
from kg.settings import Settings
from kg.validation.family import document_family
from kg.validation.results import Severity, ValidationReport, ValidationResult, lines_of, sorted_results
from kg.validation.shapes import PropertyConstraint, SparqlConstraint, SparqlGroup, Targets, compiled_groups, compiled_shapes, shapes_files
from kg.vocabulary import BKG, RDF, RDFS, SH

FocusCache = dict[Targets, set[str]]


def focus_pattern(targets: Targets, var: str = "?this") -> str:
    parts = []
    for kind, iri in targets:
        if kind == "class":
            # SHACL instances: rdf:type/rdfs:subClassOf* in the data graph. The inferred graph
            # types a document's nodes already; the walk is for the ontology's own individuals
            # (figure kinds, grades), as pyshacl sees them.
            parts.append(f"{{ {var} <{RDF.type.value}>/<{RDFS.subClassOf.value}>* <{iri}> }}")
        elif kind == "objectsOf":
            parts.append(f"{{ ?_any <{iri}> {var} }}")
        else:
            parts.append(f"{{ {var} <{iri}> ?_any }}")
    return " UNION ".join(parts) if parts else "FILTER(false)"


def fill(template: str, row: dict[str, str]) -> str:
    """``{?var}`` (or ``{$var}``) in a message, from the solution's lexical values."""
    return re.sub(r"\{[?$](\w+)\}", lambda m: row.get(m.group(1), ""), template)


def _core_condition(key: str, value) -> str | None:
    if key == "datatype":
        return f"!(isLiteral(?v) && DATATYPE(?v) = {value})"
    if key == "class":
        return f"NOT EXISTS {{ ?v <{RDF.type.value}> {value} }}"
    if key == "pattern":
        return f"!REGEX(STR(?v), {value})"
    if key == "minInclusive":
        return f"!(?v >= {value})"
    if key == "maxInclusive":
        return f"!(?v <= {value})"
    if key == "in":
        return f"!(?v IN ({', '.join(str(v) for v in value)}))"
    return None


def _core_query(prop: PropertyConstraint, key: str, value) -> tuple[str, str, str] | None:
    """(query, zh message, en message) for one parameter of a property shape; None if not checked."""
    focus = f"{{ SELECT DISTINCT ?this WHERE {{ {focus_pattern(prop.targets)} }} }}"
    path = f"<{prop.path}>"
    if key in ("minCount", "maxCount"):
        n = int(value.value)
        # HAVING cannot see the SELECT's alias (?n would be unbound there): repeat the aggregate.
        cmp = f"COUNT(DISTINCT ?v) < {n}" if key == "minCount" else f"COUNT(DISTINCT ?v) > {n}"
        query = f"SELECT ?this (COUNT(DISTINCT ?v) AS ?n) WHERE {{ {focus} OPTIONAL {{ ?this {path} ?v }} }} GROUP BY ?this HAVING ({cmp})"
        return query, f"{key} {n} 不满足：{{?n}} 个值", f"{key} {n} not met: {{?n}} values"
    cond = _core_condition(key, value)
    if cond is None:
        return None
    query = f"SELECT DISTINCT ?this ?v WHERE {{ {focus} ?this {path} ?v . FILTER({cond}) }}"
    return query, f"{key} 约束不满足：{{?v}}", f"{key} constraint not met: {{?v}}"


def core_results(data: ox.Store, prop: PropertyConstraint) -> list[ValidationResult]:
    results = []
    for key, value in prop.params:
        compiled = _core_query(prop, key, value)
        if compiled is None:
            continue
        query, zh, en = compiled
        solutions = data.query(query, use_default_graph_as_union=True)
        names = [v.value for v in solutions.variables]
        for row in solutions:
            values = {n: row[n].value for n in names if row[n] is not None}
            results.append(ValidationResult(
                severity=Severity.VIOLATION, focus=values["this"], message_zh=fill(zh, values), message_en=fill(en, values),
                source_shape=prop.shape, constraint=prop.node,
                component=SH[key[0].upper() + key[1:] + "ConstraintComponent"].value,
                path=prop.path, value=values.get("v") or values.get("n"),
            ))
    return results


def focus_nodes(data: ox.Store, targets: Targets, cache: FocusCache) -> set[str]:
    if targets not in cache:
        rows = data.query(f"SELECT DISTINCT ?this WHERE {{ {focus_pattern(targets)} }}", use_default_graph_as_union=True)
        cache[targets] = {r["this"].value for r in rows}
    return cache[targets]


def sparql_result(c: SparqlConstraint, values: dict[str, str]) -> ValidationResult:
    """A result of a SPARQL constraint from one solution (lexical values; "" for unbound)."""
    return ValidationResult(
        severity=c.severity, focus=values["this"], identity=c.identity,
        identity_label_zh=c.labels.get("zh"), identity_label_en=c.labels.get("en"),
        message_zh=fill(c.messages.get("zh", ""), values), message_en=fill(c.messages.get("en", ""), values),
        source_shape=c.shape, constraint=c.constraint, component=SH.SPARQLConstraintComponent.value,
        value=values.get("value") or None, expected=values.get("expected") or None,
        difference=values.get("difference") or None, tolerance=values.get("tolerance") or None,
        lines=lines_of(values.get("lines")), figures=values.get("figures") or None,
    )


def _solutions(data: ox.Store, select: str) -> list[dict[str, str]]:
    solutions = data.query(select, use_default_graph_as_union=True)
    names = [v.value for v in solutions.variables]
    return [{n: (row[n].value if row[n] is not None else "") for n in names} for row in solutions]


def sparql_results(data: ox.Store, c: SparqlConstraint, cache: FocusCache) -> list[ValidationResult]:
    focus = focus_nodes(data, c.targets, cache)
    if not focus:
        return []
    return [sparql_result(c, values) for values in _solutions(data, c.select) if values.get("this") in focus]


def group_results(data: ox.Store, group: SparqlGroup, cache: FocusCache) -> list[ValidationResult]:
    if group.select is None:
        return sparql_results(data, group.constraints[0], cache)
    focus = focus_nodes(data, group.constraints[0].targets, cache)
    if not focus:
        return []
    rows = _solutions(data, group.select)
    results = []
    for i, c in enumerate(group.constraints):
        flag = f"_bkgFilter{i}"
        results.extend(sparql_result(c, values) for values in rows if values[flag] == "1" and values.get("this") in focus)
    return results


def with_pages(data: ox.Store, results: list[ValidationResult]) -> list[ValidationResult]:
    """Each result with the page of its focus node (``bkg:sourcePage``; the first, if a node spans
    pages), so both engines give a PDF's results their page the same way."""
    if not results:
        return results
    rows = data.query(f"SELECT ?f (MIN(?p) AS ?page) WHERE {{ ?f <{BKG.sourcePage.value}> ?p }} GROUP BY ?f",
                      use_default_graph_as_union=True)
    pages = {row["f"].value: int(row["page"].value) for row in rows if row["page"] is not None}
    return [replace(r, page=pages.get(r.focus)) for r in results]


def validate_dataset(data: ox.Store, document_id: str, settings: Settings) -> ValidationReport:
    """Validate a dataset whose union default graph holds one document and its context,
    with the shapes of the document's family."""
    started = time.perf_counter()
    document = Iris(settings.base_iri).document(document_id).value
    files = shapes_files(document_family(data, document).key)
    _, props = compiled_shapes(files)
    results: list[ValidationResult] = []
    for prop in props:
        results.extend(core_results(data, prop))
    cache: FocusCache = {}  # most constraints target bkg:BudgetFigure: find those once
    for group in compiled_groups(files):
        results.extend(group_results(data, group, cache))
    return ValidationReport(document_id, document, sorted_results(with_pages(data, results)), time.perf_counter() - started)
