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

Most of a document that adds up is checked to find nothing, so the engine does the least it
can when nothing is wrong: counts are proven met before they are grouped (``count_results``),
a value filter scans its path once (``_core_query``), and focus nodes are read only when a
query returns a solution (``FocusNodes``). Seed 001: 0.70 -> 0.47 CPU s, the 5,000-row stress
table 6.95 -> 5.54 (with the shapes other work added meanwhile; query-writing rules in
shapes/README.md; machine loaded 7-12). On an ordinary document most of a SPARQL
constraint's cost is Oxigraph planning it, so a query is not run where the document lacks
what it cannot answer without (``kg.validation.requirements``) and a UNION of constant
BINDs runs as VALUES (``kg.validation.constant_rows``): a generated budget's shapes 149 ->
106 ms of CPU (README, "validate").
"""

from __future__ import annotations

import re
import time
from dataclasses import replace

import pyoxigraph as ox

from kg.iris import Iris
from kg.settings import Settings
from kg.solutions import solutions
from kg.validation.constant_rows import with_values
from kg.validation.constraints import ParamValue
from kg.validation.family import document_family
from kg.validation.requirements import PresentTerms, query_requirements
from kg.validation.results import Severity, ValidationReport, ValidationResult, lines_of, sorted_results
from kg.validation.shapes import PropertyConstraint, SparqlConstraint, SparqlGroup, Targets, compiled_groups, compiled_shapes, shapes_files
from kg.vocabulary import BKG, RDF, RDFS, SH


class FocusNodes:
    """The focus nodes of each set of targets in one dataset, looked up once, and in full only
    when a query has found something.

    On a document that adds up most queries find nothing, and whether a shape applies at
    all is one ASK; the set of nodes is needed only to keep a query's solutions that are
    focus nodes. Read up front it took 0.1 CPU s on the 5,000-row table (15,000 figures)."""

    def __init__(self, data: ox.Store) -> None:
        self._data = data
        self._exist: dict[Targets, bool] = {}
        self._nodes: dict[Targets, set[str]] = {}

    def exist(self, targets: Targets) -> bool:
        if targets in self._nodes:
            return bool(self._nodes[targets])
        if targets not in self._exist:
            self._exist[targets] = bool(self._data.query(f"ASK {{ {focus_pattern(targets)} }}", use_default_graph_as_union=True))
        return self._exist[targets]

    def nodes(self, targets: Targets) -> set[str]:
        if targets not in self._nodes:
            rows = solutions(self._data.query(f"SELECT DISTINCT ?this WHERE {{ {focus_pattern(targets)} }}", use_default_graph_as_union=True))
            self._nodes[targets] = {r["this"].value for r in rows}
        return self._nodes[targets]


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


def _core_condition(key: str, value: ParamValue) -> str | None:
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
        members = value if isinstance(value, tuple) else (value,)
        return f"!(?v IN ({', '.join(str(v) for v in members)}))"
    return None


_COUNTS = ("minCount", "maxCount")


def _count(key: str, value: ParamValue) -> int:
    """The value of a property shape's sh:minCount or sh:maxCount: one integer literal."""
    if not isinstance(value, ox.Literal):
        raise TypeError(f"sh:{key}: expected an integer literal, got {value}")
    return int(value.value)


def _bounds(prop: PropertyConstraint) -> tuple[int, int]:
    """(sh:minCount, sh:maxCount) of a property shape: 0 where it sets no minimum, -1 where
    it sets no maximum (the grouping query's VALUES rows read -1 so)."""
    params = dict(prop.params)
    low = _count("minCount", params["minCount"]) if "minCount" in params else 0
    high = _count("maxCount", params["maxCount"]) if "maxCount" in params else -1
    return low, high


CountResults = dict[tuple[PropertyConstraint, str], list[ValidationResult]]
ScannedPaths = dict[str, list[dict[str, str]]]  # a value filter's query -> its solutions


def _core_query(prop: PropertyConstraint, key: str, value: ParamValue) -> tuple[str, str, str] | None:
    """(query, zh message, en message) for one value-filter parameter of a property shape;
    None if not checked this way (counts are ``count_results``'s). The query finds every
    subject's failing values, focus node or not (``core_results`` keeps the focus nodes'):
    a scan of the path, where joining the focus nodes first cost a lookup per node (core
    parameters 0.21 CPU s on the 5,000-row table)."""
    cond = _core_condition(key, value)
    if cond is None:
        return None
    query = f"SELECT DISTINCT ?this ?v WHERE {{ ?this <{prop.path}> ?v . FILTER({cond}) }}"
    return query, f"{key} 约束不满足：{{?v}}", f"{key} constraint not met: {{?v}}"


def _core_result(prop: PropertyConstraint, key: str, zh: str, en: str, values: dict[str, str]) -> ValidationResult:
    return ValidationResult(
        severity=Severity.VIOLATION,
        focus=values["this"],
        message_zh=fill(zh, values),
        message_en=fill(en, values),
        source_shape=prop.shape,
        constraint=prop.node,
        component=SH[key[0].upper() + key[1:] + "ConstraintComponent"].value,
        path=prop.path,
        value=values.get("v") or values.get("n"),
    )


def count_results(data: ox.Store, props: tuple[PropertyConstraint, ...]) -> CountResults:
    """The sh:minCount and sh:maxCount results of ``props``: one query per set of targets,
    counting every constrained path of every focus node at once, for the shapes that
    ``_unproven_counts`` cannot show met.

    One query per parameter found the focus nodes and grouped them again each time: on
    the 5,000-row table's 15,000 figures, 22 such queries took 5.3 CPU s of 7.5 for
    validation. Each row of the VALUES block is one property shape's (path, min, max),
    -1 where it sets no maximum; HAVING keeps exactly the groups the separate queries kept.
    That query still groups every focus node with every path (0.93 CPU s on the 5,000-row
    table); the proof first leaves it nothing to do on a document whose counts are met.
    """
    out: CountResults = {}
    by_targets: dict[Targets, list[tuple[int, PropertyConstraint]]] = {}
    for number, prop in enumerate(props):
        if any(key in _COUNTS for key, _ in prop.params):
            by_targets.setdefault(prop.targets, []).append((number, prop))
    for targets, numbered in by_targets.items():
        numbered = _unproven_counts(data, targets, numbered)
        if not numbered:
            continue
        rows = []
        for number, prop in numbered:
            low, high = _bounds(prop)
            rows.append(f"({number} <{prop.path}> {low} {high})")
        query = (
            f"SELECT ?k ?this (COUNT(DISTINCT ?v) AS ?n) WHERE {{ {{ SELECT DISTINCT ?this WHERE {{ {focus_pattern(targets)} }} }} "
            f"VALUES (?k ?path ?low ?high) {{ {' '.join(rows)} }} OPTIONAL {{ ?this ?path ?v }} }} "
            "GROUP BY ?k ?this ?low ?high HAVING (COUNT(DISTINCT ?v) < ?low || (?high >= 0 && COUNT(DISTINCT ?v) > ?high))"
        )
        for row in solutions(data.query(query, use_default_graph_as_union=True)):
            prop = props[int(row["k"].value)]
            n = int(row["n"].value)
            values = {"this": row["this"].value, "n": row["n"].value}
            for key, value in prop.params:
                limit = _count(key, value) if key in _COUNTS else 0
                if (key == "minCount" and n < limit) or (key == "maxCount" and n > limit):
                    zh, en = f"{key} {limit} 不满足：{{?n}} 个值", f"{key} {limit} not met: {{?n}} values"
                    out.setdefault((prop, key), []).append(_core_result(prop, key, zh, en, values))
    return out


def _unproven_counts(data: ox.Store, targets: Targets, numbered: list[tuple[int, PropertyConstraint]]) -> list[tuple[int, PropertyConstraint]]:
    """The shapes of ``numbered`` whose counts two cheap queries cannot show met.

    A sh:maxCount of 1 or more holds where no subject at all has two values of the path (its
    triples are as many as its subjects: a count, not a group per node); a sh:minCount of 1
    where no focus node lacks the path (FILTER NOT EXISTS, one lookup a node). Other counts
    (sh:minCount 2 and more, sh:maxCount 0) are left to the grouping query. On the
    5,000-row table: 0.2 CPU s for the proofs instead of 0.93 for the grouping.
    """
    single: set[str] = set()  # paths with a sh:maxCount >= 1
    required: set[str] = set()  # paths with a sh:minCount 1
    for _, prop in numbered:
        low, high = _bounds(prop)
        if high >= 1:
            single.add(prop.path)
        if low == 1:
            required.add(prop.path)
    several: set[str] = set()  # paths some subject has two values of
    if single:
        paths = " ".join(f"<{path}>" for path in sorted(single))
        several = {
            row["path"].value
            for row in solutions(data.query(f"SELECT ?path WHERE {{ VALUES ?path {{ {paths} }} ?s ?path ?o }} GROUP BY ?path HAVING (COUNT(*) > COUNT(DISTINCT ?s))", use_default_graph_as_union=True))
        }
    missing: set[str] = set()  # paths some focus node lacks
    if required:
        paths = " ".join(f"<{path}>" for path in sorted(required))
        missing = {
            row["path"].value
            for row in solutions(
                data.query(
                    f"SELECT DISTINCT ?path WHERE {{ {{ SELECT DISTINCT ?this WHERE {{ {focus_pattern(targets)} }} }} VALUES ?path {{ {paths} }} FILTER NOT EXISTS {{ ?this ?path ?v }} }}",
                    use_default_graph_as_union=True,
                )
            )
        }

    def proven(prop: PropertyConstraint) -> bool:
        low, high = _bounds(prop)
        high_met = high < 0 or (prop.path in single and prop.path not in several)
        low_met = low <= 0 or (low == 1 and prop.path not in missing)
        return high_met and low_met

    return [(number, prop) for number, prop in numbered if not proven(prop)]


def core_results(data: ox.Store, prop: PropertyConstraint, counts: CountResults | None = None, focus: FocusNodes | None = None, scanned: ScannedPaths | None = None) -> list[ValidationResult]:
    """The results of one property shape, in the order of its parameters; ``counts`` from
    ``count_results`` over all the shapes (computed for this one alone if not given).
    ``scanned`` keeps each value filter's solutions for the other shapes that set the same
    one (bkg:sourceLine's datatype is four shapes')."""
    if counts is None:
        counts = count_results(data, (prop,))
    focus = focus or FocusNodes(data)
    scanned = {} if scanned is None else scanned
    results: list[ValidationResult] = []
    for key, value in prop.params:
        if key in _COUNTS:
            results.extend(counts.get((prop, key), ()))
            continue
        compiled = _core_query(prop, key, value)
        if compiled is None:
            continue
        query, zh, en = compiled
        if query not in scanned:
            answer = solutions(data.query(query, use_default_graph_as_union=True))
            names = [v.value for v in answer.variables]
            scanned[query] = [{n: row[n].value for n in names if row[n] is not None} for row in answer]
        for values in scanned[query]:
            if values["this"] in focus.nodes(prop.targets):
                results.append(_core_result(prop, key, zh, en, values))
    return results


def sparql_result(c: SparqlConstraint, values: dict[str, str]) -> ValidationResult:
    """A result of a SPARQL constraint from one solution (lexical values; "" for unbound)."""
    return ValidationResult(
        severity=c.severity,
        focus=values["this"],
        identity=c.identity,
        identity_label_zh=c.labels.get("zh"),
        identity_label_en=c.labels.get("en"),
        message_zh=fill(c.messages.get("zh", ""), values),
        message_en=fill(c.messages.get("en", ""), values),
        source_shape=c.shape,
        constraint=c.constraint,
        component=SH.SPARQLConstraintComponent.value,
        value=values.get("value") or None,
        expected=values.get("expected") or None,
        difference=values.get("difference") or None,
        tolerance=values.get("tolerance") or None,
        lines=lines_of(values.get("lines")),
        figures=values.get("figures") or None,
    )


def _solutions(data: ox.Store, select: str) -> list[dict[str, str]]:
    answer = solutions(data.query(with_values(select), use_default_graph_as_union=True))
    names = [v.value for v in answer.variables]
    return [{n: (row[n].value if row[n] is not None else "") for n in names} for row in answer]


def sparql_results(data: ox.Store, c: SparqlConstraint, focus: FocusNodes, present: PresentTerms | None = None) -> list[ValidationResult]:
    if not focus.exist(c.targets) or not _may_answer(data, c.select, present):
        return []
    return [sparql_result(c, values) for values in _solutions(data, c.select) if values.get("this") in focus.nodes(c.targets)]


def _may_answer(data: ox.Store, select: str, present: PresentTerms | None) -> bool:
    """False when ``data`` lacks a predicate or class the query cannot answer without
    (kg.validation.requirements): then it is not planned, which is most of its cost."""
    return (present or PresentTerms(data)).meet(query_requirements(select))


def group_results(data: ox.Store, group: SparqlGroup, focus: FocusNodes, present: PresentTerms | None = None) -> list[ValidationResult]:
    if group.select is None:
        return sparql_results(data, group.constraints[0], focus, present)
    targets = group.constraints[0].targets
    if not focus.exist(targets) or not _may_answer(data, group.select, present):
        return []
    rows = _solutions(data, group.select)
    results: list[ValidationResult] = []
    for i, c in enumerate(group.constraints):
        flag = f"_bkgFilter{i}"
        results.extend(sparql_result(c, values) for values in rows if values[flag] == "1" and values.get("this") in focus.nodes(targets))
    return results


def with_pages(data: ox.Store, results: list[ValidationResult]) -> list[ValidationResult]:
    """Each result with the page of its focus node (``bkg:sourcePage``; the first, if a node spans
    pages), so both engines give a PDF's results their page the same way."""
    if not results:
        return results
    rows = solutions(data.query(f"SELECT ?f (MIN(?p) AS ?page) WHERE {{ ?f <{BKG.sourcePage.value}> ?p }} GROUP BY ?f", use_default_graph_as_union=True))
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
    focus = FocusNodes(data)  # most constraints target bkg:BudgetFigure: find those once
    counts = count_results(data, props)
    scanned: ScannedPaths = {}
    for prop in props:
        results.extend(core_results(data, prop, counts, focus, scanned))
    present = PresentTerms(data)
    for group in compiled_groups(files):
        results.extend(group_results(data, group, focus, present))
    return ValidationReport(document_id, document, sorted_results(with_pages(data, results)), time.perf_counter() - started)
