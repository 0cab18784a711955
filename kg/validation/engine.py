"""SHACL validation of one document graph, on Oxigraph.

The shapes (``shapes/*.ttl``) are standard SHACL: Core node/property shapes and
SHACL-SPARQL constraints (``sh:select``) for the identities of domain.md §7.
pyshacl would need the document as an rdflib graph, and converting 18 000 triples
alone takes longer than the whole ingest, so this module runs the shapes itself on
an in-memory Oxigraph dataset (document + inferred + reference + ontology):

- Core: ``sh:targetClass`` / ``sh:targetSubjectsOf`` with property shapes whose
  path is an IRI, and ``sh:minCount``, ``sh:maxCount``, ``sh:datatype``,
  ``sh:class``, ``sh:pattern``, ``sh:minInclusive``, ``sh:maxInclusive``, ``sh:in``.
- SPARQL: each ``sh:select`` runs once, with ``$this`` as a free variable, and
  its solutions are kept for the focus nodes of the shape's targets (the queries
  in shapes/ are written so that this equals SHACL's pre-binding semantics).
  Extra projected variables become ``bkgr:`` properties (expected value,
  difference, tolerance, lines, figures); ``{?var}`` in ``sh:message`` is filled in.
"""

from __future__ import annotations

import html
import json
import re
import time
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from importlib import resources

import pyoxigraph as ox

from kg.iris import Iris
from kg.settings import Settings
from kg.vocabulary import RDF, SH, XSD

BKGR = "https://w3id.org/budgetkg/report#"
_SHAPES_FILES = ("core.ttl", "identities.ttl", "report-vocabulary.ttl")


@dataclass
class ValidationResult:
    severity: str  # Violation | Warning | Info
    focus: str
    identity: str | None
    identity_label_zh: str | None
    identity_label_en: str | None
    message_zh: str
    message_en: str
    source_shape: str
    constraint: str
    component: str
    path: str | None = None
    value: str | None = None
    expected: str | None = None
    difference: str | None = None
    tolerance: str | None = None
    lines: list[int] = field(default_factory=list)
    figures: str | None = None

    @property
    def is_rounding(self) -> bool:
        return self.constraint.endswith("-rounding")


@dataclass
class ValidationReport:
    document_id: str
    document: str
    results: list[ValidationResult]
    seconds: float = 0.0

    @property
    def conforms(self) -> bool:
        return not any(r.severity == "Violation" for r in self.results)

    def count(self, severity: str) -> int:
        return sum(1 for r in self.results if r.severity == severity)


def shapes_turtle() -> bytes:
    root = resources.files("shapes")
    return b"\n".join(root.joinpath(name).read_bytes() for name in _SHAPES_FILES)


@lru_cache(maxsize=1)
def _shapes_store() -> ox.Store:
    store = ox.Store()
    root = resources.files("shapes")
    for name in _SHAPES_FILES:
        store.load(root.joinpath(name).read_bytes(), format=ox.RdfFormat.TURTLE)
    return store


@dataclass(frozen=True)
class _Sparql:
    shape: str
    constraint: str
    targets: tuple[tuple[str, str], ...]  # ("class"|"subjectsOf", iri)
    select: str
    severity: str
    messages: dict[str, str]
    identity: str | None
    labels: dict[str, str]


@dataclass(frozen=True)
class _Property:
    shape: str
    node: str
    targets: tuple[tuple[str, str], ...]
    path: str
    params: tuple[tuple[str, object], ...]


def _q(store: ox.Store, sparql: str):
    return store.query("PREFIX sh: <http://www.w3.org/ns/shacl#>\nPREFIX bkgr: <" + BKGR + ">\n"
                       "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n" + sparql)


def _targets(store: ox.Store, shape: ox.NamedNode | ox.BlankNode) -> tuple[tuple[str, str], ...]:
    out = []
    for row in _q(store, f"SELECT ?k ?c WHERE {{ {{ {shape} sh:targetClass ?c BIND('class' AS ?k) }} UNION {{ {shape} sh:targetSubjectsOf ?c BIND('subjectsOf' AS ?k) }} }}"):
        out.append((row["k"].value, row["c"].value))
    return tuple(sorted(out))


@lru_cache(maxsize=1)
def compiled_shapes() -> tuple[tuple[_Sparql, ...], tuple[_Property, ...]]:
    store = _shapes_store()
    sparqls: list[_Sparql] = []
    for row in _q(store, "SELECT ?shape ?c ?select ?sev ?id WHERE { ?shape sh:sparql ?c . ?c sh:select ?select . "
                         "OPTIONAL { ?c sh:severity ?sev } OPTIONAL { ?c bkgr:identity ?id } } ORDER BY ?c"):
        constraint = row["c"]
        prefixes = "".join(
            f"PREFIX {r['p'].value}: <{r['ns'].value}>\n"
            for r in _q(store, f"SELECT ?p ?ns WHERE {{ {constraint} sh:prefixes/sh:declare [ sh:prefix ?p ; sh:namespace ?ns ] }}")
        )
        messages = {r["m"].language or "": r["m"].value for r in _q(store, f"SELECT ?m WHERE {{ {constraint} sh:message ?m }}")}
        identity = row["id"].value if row["id"] is not None else None
        labels = {}
        if identity:
            labels = {r["l"].language or "": r["l"].value for r in _q(store, f"SELECT ?l WHERE {{ <{identity}> rdfs:label ?l }}")}
        sev = row["sev"].value.rsplit("#", 1)[-1] if row["sev"] is not None else "Violation"
        select = prefixes + row["select"].value.replace("$this", "?this")
        sparqls.append(_Sparql(row["shape"].value, constraint.value, _targets(store, row["shape"]), select, sev, messages, identity, labels))
    props: list[_Property] = []
    grouped: dict[tuple[str, str], dict] = {}
    rows = _q(store, "SELECT ?shape ?p ?path ?k ?v ?x WHERE { ?shape sh:property ?p . ?p sh:path ?path ; ?k ?v . FILTER(isIRI(?path) && ?k != sh:path) "
                     "OPTIONAL { FILTER(?k = sh:in) ?v <http://www.w3.org/1999/02/22-rdf-syntax-ns#rest>*/<http://www.w3.org/1999/02/22-rdf-syntax-ns#first> ?x } }")
    for row in rows:
        key = (row["shape"].value, str(row["p"]))
        entry = grouped.setdefault(key, {"path": row["path"].value, "params": {}})
        name = row["k"].value.rsplit("#", 1)[-1]
        if name == "in":
            entry["params"].setdefault("in", []).append(row["x"])
        else:
            entry["params"][name] = row["v"]
    for (shape, node), entry in sorted(grouped.items()):
        params = tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in sorted(entry["params"].items()))
        props.append(_Property(shape, node, _targets(store, ox.NamedNode(shape)), entry["path"], params))
    return tuple(sparqls), tuple(props)


def _focus_pattern(targets: tuple[tuple[str, str], ...], var: str = "?this") -> str:
    parts = []
    for kind, iri in targets:
        if kind == "class":
            # The inferred graph holds every type the class hierarchy entails, so no
            # rdfs:subClassOf* walk is needed (that is what reasoning at ingest is for).
            parts.append(f"{{ {var} <{RDF.type.value}> <{iri}> }}")
        else:
            parts.append(f"{{ {var} <{iri}> ?_any }}")
    return " UNION ".join(parts) if parts else "FILTER(false)"


def _fill(template: str, row: dict[str, str]) -> str:
    return re.sub(r"\{[?$](\w+)\}", lambda m: row.get(m.group(1), ""), template)


def _lex(term) -> str | None:
    if term is None:
        return None
    return term.value


def _lines(text: str | None) -> list[int]:
    if not text:
        return []
    return sorted({int(x) for x in re.findall(r"\d+", text)})


def _core_results(data: ox.Store, prop: _Property) -> list[ValidationResult]:
    results = []
    focus = _focus_pattern(prop.targets)
    path = f"<{prop.path}>"
    for key, value in prop.params:
        if key == "minCount" or key == "maxCount":
            n = int(value.value)
            # HAVING cannot see the SELECT's alias (?n would be unbound there): repeat the aggregate.
            cmp = f"COUNT(DISTINCT ?v) < {n}" if key == "minCount" else f"COUNT(DISTINCT ?v) > {n}"
            query = f"SELECT ?this (COUNT(DISTINCT ?v) AS ?n) WHERE {{ {{ SELECT DISTINCT ?this WHERE {{ {focus} }} }} OPTIONAL {{ ?this {path} ?v }} }} GROUP BY ?this HAVING ({cmp})"
            zh, en = f"{key} {n} 不满足：{{?n}} 个值", f"{key} {n} not met: {{?n}} values"
        else:
            if key == "datatype":
                cond = f"!(isLiteral(?v) && DATATYPE(?v) = {value})"
            elif key == "class":
                cond = f"NOT EXISTS {{ ?v <{RDF.type.value}> {value} }}"
            elif key == "pattern":
                cond = f"!REGEX(STR(?v), {value})"
            elif key == "minInclusive":
                cond = f"!(?v >= {value})"
            elif key == "maxInclusive":
                cond = f"!(?v <= {value})"
            elif key == "in":
                cond = f"!(?v IN ({', '.join(str(v) for v in value)}))"
            else:
                continue
            query = f"SELECT DISTINCT ?this ?v WHERE {{ {{ SELECT DISTINCT ?this WHERE {{ {focus} }} }} ?this {path} ?v . FILTER({cond}) }}"
            zh, en = f"{key} 约束不满足：{{?v}}", f"{key} constraint not met: {{?v}}"
        for row in data.query(query, use_default_graph_as_union=True):
            values = {name.value: _lex(row[name.value]) or "" for name in row_vars(row)}
            results.append(ValidationResult(
                "Violation", values["this"], None, None, None, _fill(zh, values), _fill(en, values), prop.shape,
                prop.node, SH[key[0].upper() + key[1:] + "ConstraintComponent"].value, prop.path, values.get("v") or values.get("n"),
            ))
    return results


def row_vars(row) -> list:
    return [ox.Variable(v) for v in ("this", "v", "n") if _has(row, v)]


def _has(row, name: str) -> bool:
    try:
        return row[name] is not None
    except (KeyError, IndexError, TypeError):
        return False


def _focus_nodes(data: ox.Store, targets: tuple[tuple[str, str], ...], cache: dict | None = None) -> set[str]:
    if cache is not None and targets in cache:
        return cache[targets]
    focus = {r["this"].value for r in data.query(f"SELECT DISTINCT ?this WHERE {{ {_focus_pattern(targets)} }}", use_default_graph_as_union=True)}
    if cache is not None:
        cache[targets] = focus
    return focus


def _sparql_results(data: ox.Store, c: _Sparql, cache: dict | None = None) -> list[ValidationResult]:
    focus = _focus_nodes(data, c.targets, cache)
    if not focus:
        return []
    results = []
    solutions = data.query(c.select, use_default_graph_as_union=True)
    names = [v.value for v in solutions.variables]
    for row in solutions:
        values = {n: (row[n].value if row[n] is not None else "") for n in names}
        if values.get("this") not in focus:
            continue
        results.append(_result(c, values))
    return results


def _result(c: _Sparql, values: dict[str, str]) -> ValidationResult:
    return ValidationResult(
        c.severity, values["this"], c.identity, c.labels.get("zh"), c.labels.get("en"),
        _fill(c.messages.get("zh", ""), values), _fill(c.messages.get("en", ""), values), c.shape, c.constraint,
        SH.SPARQLConstraintComponent.value, None, values.get("value") or None, values.get("expected") or None,
        values.get("difference") or None, values.get("tolerance") or None, _lines(values.get("lines")), values.get("figures") or None,
    )


_FINAL_FILTER = re.compile(r"\A(?P<body>.*\n)[ \t]*FILTER(?P<expr>\([^{}\n]*\))[ \t]*\n[ \t]*\}\s*\Z", re.S)
_PROJECTION = re.compile(r"\A(?P<head>(?:PREFIX [^\n]*\n)*\s*SELECT)(?P<vars>(?:\s+[?$]\w+)+)(?P<rest>\s+WHERE\s*\{)")


def _split_final_filter(select: str) -> tuple[str, str] | None:
    """(the query without its final top-level FILTER, that FILTER's expression), when the query
    is ``SELECT ?vars WHERE { … FILTER(expr) }`` with nothing after the FILTER; else None."""
    m = _FINAL_FILTER.match(select)
    if not m or not _PROJECTION.match(m["body"]):
        return None
    expr = m["expr"]
    depth = 0
    for i, ch in enumerate(expr):  # the parentheses must close at the end, not before
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0 and i != len(expr) - 1:
            return None
    return (m["body"], expr) if depth == 0 else None


@dataclass(frozen=True)
class _SparqlGroup:
    """Constraints whose queries differ only in their final FILTER (the ``…-error`` /
    ``…-rounding`` pairs of identities.ttl, the grade-order family): one query runs the shared
    body once and binds each FILTER's outcome (``?_bkgFilterN`` = 1 or 0; an error counts as
    0, as it does in FILTER), and each constraint keeps the rows where its own flag is 1.
    The shapes keep their own full ``sh:select`` for pyshacl and other SHACL engines."""
    constraints: tuple[_Sparql, ...]
    select: str | None  # None: one constraint, run its own query


def _group_constraints(sparqls: tuple[_Sparql, ...]) -> tuple[_SparqlGroup, ...]:
    by_body: dict[tuple, list[tuple[_Sparql, str]]] = {}
    order: list[tuple] = []
    for c in sparqls:
        split = _split_final_filter(c.select)
        key = (c.targets, split[0]) if split else ("single", c.constraint)
        if key not in by_body:
            order.append(key)
        by_body.setdefault(key, []).append((c, split[1] if split else ""))
    groups = []
    for key in order:
        members = by_body[key]
        if len(members) == 1:
            groups.append(_SparqlGroup((members[0][0],), None))
            continue
        body = key[1]
        flags = [f"?_bkgFilter{i}" for i in range(len(members))]
        m = _PROJECTION.match(body)
        head = m["head"] + m["vars"] + " " + " ".join(flags) + m["rest"] + body[m.end():]
        binds = "".join(f"  BIND(COALESCE(IF({expr}, 1, 0), 0) AS {flag})\n" for flag, (_, expr) in zip(flags, members))
        select = head + binds + "  FILTER(" + " || ".join(f"{flag} = 1" for flag in flags) + ")\n}\n"
        groups.append(_SparqlGroup(tuple(c for c, _ in members), select))
    return tuple(groups)


@lru_cache(maxsize=1)
def compiled_groups() -> tuple[_SparqlGroup, ...]:
    return _group_constraints(compiled_shapes()[0])


def _group_results(data: ox.Store, group: _SparqlGroup, cache: dict) -> list[ValidationResult]:
    if group.select is None:
        return _sparql_results(data, group.constraints[0], cache)
    focus = _focus_nodes(data, group.constraints[0].targets, cache)
    if not focus:
        return []
    solutions = data.query(group.select, use_default_graph_as_union=True)
    names = [v.value for v in solutions.variables]
    rows = [{n: (row[n].value if row[n] is not None else "") for n in names} for row in solutions]
    results = []
    for i, c in enumerate(group.constraints):
        flag = f"_bkgFilter{i}"
        results.extend(_result(c, values) for values in rows if values[flag] == "1" and values.get("this") in focus)
    return results


def validate_dataset(data: ox.Store, document_id: str, settings: Settings) -> ValidationReport:
    """Validate a dataset whose union default graph holds one document and its context."""
    started = time.perf_counter()
    _, props = compiled_shapes()
    results: list[ValidationResult] = []
    for prop in props:
        results.extend(_core_results(data, prop))
    focus_cache: dict = {}  # most constraints target bkg:BudgetFigure: find those once
    for group in compiled_groups():
        results.extend(_group_results(data, group, focus_cache))
    results.sort(key=lambda r: ({"Violation": 0, "Warning": 1, "Info": 2}.get(r.severity, 3), r.lines[:1] or [0], r.constraint, r.focus))
    iris = Iris(settings.base_iri)
    return ValidationReport(document_id, iris.document(document_id).value, results, time.perf_counter() - started)


@lru_cache(maxsize=1)
def _ontology_quads() -> tuple[ox.Quad, ...]:
    from kg.ingest import ontology_turtle

    return tuple(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in ox.parse(ontology_turtle(), format=ox.RdfFormat.TURTLE))


# --- the official 类 names, for the code-official-name identity ------------------------------------

CATEGORIES_NS = "https://w3id.org/budgetkg/categories/"
CATEGORIES_FILE = "classification-categories.ttl"


def classification_categories_turtle() -> str:
    """The 类 names of kg/classification.py as SKOS, in two schemes that mirror the
    document's classification schemes (``…/categories/function`` ↔ ``{base}id/classification/function``).
    shapes/classification-categories.ttl is this text (tests check that); validation loads it
    into each document's dataset so that the code-official-name shape compares printed names
    with data, not with names written into the shape."""
    from kg.classification import ECONOMIC_CATEGORIES, FUNCTIONAL_CATEGORIES

    def lit(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"@zh'

    out = [
        "# Generated by kg.validation.classification_categories_turtle() from kg/classification.py:",
        "# the official 类 names. Do not edit; regenerate (tests/test_validation.py checks they agree).",
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
        "",
    ]
    for segment, label, names in (("function", "支出功能分类科目 类", FUNCTIONAL_CATEGORIES),
                                  ("economic", "部门预算支出经济分类科目 类", ECONOMIC_CATEGORIES)):
        scheme = f"<{CATEGORIES_NS}{segment}>"
        out.append(f"{scheme} a skos:ConceptScheme ;\n    rdfs:label {lit(label)} .")
        for notation, name in sorted(names.items()):
            out.append(f"<{CATEGORIES_NS}{segment}/{notation}> a skos:Concept ; skos:inScheme {scheme} ; "
                       f"skos:topConceptOf {scheme} ;\n    skos:notation \"{notation}\" ; skos:prefLabel {lit(name)} .")
        out.append("")
    return "\n".join(out)


@lru_cache(maxsize=1)
def _classification_quads() -> tuple[ox.Quad, ...]:
    text = resources.files("shapes").joinpath(CATEGORIES_FILE).read_bytes()
    return tuple(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in ox.parse(text, format=ox.RdfFormat.TURTLE))


def validate_quads(quads, document_id: str, settings: Settings) -> ValidationReport:
    """Validate a document from its quads (document, inferred and reference graphs), with the
    ontology and the official 类 names (shapes/classification-categories.ttl)."""
    return validate_dataset(_dataset(quads), document_id, settings)


def _dataset(quads) -> ox.Store:
    """The ontology, the official 类 names and ``quads`` in one in-memory store whose union
    default graph (what every validation query reads) holds each triple once.

    The quads stay in their graphs (rewriting 20 000 of them into the default graph costs
    more than building the store): the union is then the RDF merge unless a triple is in
    two graphs, which Oxigraph's union would count twice (COUNT, SUM); two ASKs find that
    case, and then everything is copied into the default graph."""
    data = ox.Store()
    data.extend(_ontology_quads())
    data.extend(_classification_quads())
    data.extend(q if isinstance(q, ox.Quad) else ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in quads)
    if (data.query("ASK { GRAPH ?g1 { ?s ?p ?o } GRAPH ?g2 { ?s ?p ?o } FILTER(?g1 != ?g2) }")
            or data.query("ASK { ?s ?p ?o GRAPH ?g { ?s ?p ?o } }")):
        data.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } } ; DROP NAMED")
    return data


# --- the report as RDF, stored in {base}graph/{doc}/validation ---------------------------------

def _literal_for(value: str | None) -> ox.Literal | None:
    if value is None or value == "":
        return None
    try:
        Decimal(value)
        return ox.Literal(value, datatype=XSD.decimal)
    except InvalidOperation:
        return ox.Literal(value)


def report_quads(report: ValidationReport, settings: Settings) -> list[ox.Quad]:
    iris = Iris(settings.base_iri)
    graph = iris.validation_graph(report.document_id)
    node = iris.in_document(report.document_id, "validation")
    out: list[ox.Quad] = []

    def add(s, p, o):
        if o is not None:
            out.append(ox.Quad(s, p, o, graph))

    add(node, RDF.type, SH.ValidationReport)
    add(node, SH.conforms, ox.Literal("true" if report.conforms else "false", datatype=XSD.boolean))
    add(node, ox.NamedNode(BKGR + "validatedDocument"), ox.NamedNode(report.document))
    for n, r in enumerate(report.results, start=1):
        res = iris.in_document(report.document_id, "validation", "result", n)
        add(node, SH.result, res)
        add(res, RDF.type, SH.ValidationResult)
        add(res, SH.resultSeverity, SH[r.severity])
        add(res, SH.focusNode, ox.NamedNode(r.focus) if "://" in r.focus else ox.Literal(r.focus))
        add(res, SH.sourceShape, ox.NamedNode(r.source_shape) if "://" in r.source_shape else None)
        add(res, SH.sourceConstraint, ox.NamedNode(r.constraint) if "://" in r.constraint else None)
        add(res, SH.sourceConstraintComponent, ox.NamedNode(r.component))
        if r.path:
            add(res, SH.resultPath, ox.NamedNode(r.path))
        add(res, SH.value, _literal_for(r.value))
        add(res, SH.resultMessage, ox.Literal(r.message_zh, language="zh") if r.message_zh else None)
        add(res, SH.resultMessage, ox.Literal(r.message_en, language="en") if r.message_en else None)
        if r.identity:
            add(res, ox.NamedNode(BKGR + "identity"), ox.NamedNode(r.identity))
        add(res, ox.NamedNode(BKGR + "expectedValue"), _literal_for(r.expected))
        add(res, ox.NamedNode(BKGR + "difference"), _literal_for(r.difference))
        add(res, ox.NamedNode(BKGR + "tolerance"), _literal_for(r.tolerance))
        add(res, ox.NamedNode(BKGR + "figures"), ox.Literal(r.figures) if r.figures else None)
        add(res, ox.NamedNode(BKGR + "isRounding"), ox.Literal("true" if r.is_rounding else "false", datatype=XSD.boolean))
        for line in r.lines:
            add(res, ox.NamedNode(BKGR + "sourceLine"), ox.Literal(str(line), datatype=XSD.integer))
    return out


class _OxStore:
    """A raw ``pyoxigraph.Store`` seen through the two methods of kg.store.GraphStore used here
    (the linked-data pages hold the pyoxigraph store, the CLI and the API an OxigraphStore)."""

    def __init__(self, store: ox.Store) -> None:
        self._store = store

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def query(self, sparql: str, *, default_graphs: list[str] | None = None):
        if default_graphs:
            return self._store.query(sparql, default_graph=[ox.NamedNode(g) for g in default_graphs])
        return self._store.query(sparql, use_default_graph_as_union=True)


def _graph_store(store):
    return _OxStore(store) if isinstance(store, ox.Store) else store


def document_ids(store, settings: Settings) -> list[str]:
    """The documents in a store: the file stems of its ``{base}graph/{doc}`` graphs."""
    from urllib.parse import unquote

    prefix = f"{settings.base_iri}graph/"
    return sorted(
        unquote(g[len(prefix):]) for g in _graph_store(store).graphs()
        if g.startswith(prefix) and "/" not in g[len(prefix):] and g[len(prefix):] != "reference"
    )


def validation_report(store, document_id: str, settings: Settings) -> ValidationReport:
    """The report for one document: read from its stored report graph if there is one,
    otherwise computed now from the store (not stored). For the API's GET /validate.
    ``store`` is a kg.store.GraphStore or a pyoxigraph Store; LookupError if the store
    does not hold the document."""
    store = _graph_store(store)
    iris = Iris(settings.base_iri)
    graph = iris.validation_graph(document_id).value
    if graph in store.graphs():
        return _read_report(store, document_id, graph, settings)
    return validate_stored_document(store, document_id, settings)


def validate_stored_document(store, document_id: str, settings: Settings) -> ValidationReport:
    store = _graph_store(store)
    iris = Iris(settings.base_iri)
    graphs = [iris.graph(document_id).value, iris.inferred_graph(document_id).value, iris.reference_graph().value]
    existing = set(store.graphs())
    if graphs[0] not in existing:
        raise LookupError(f"{document_id}: no such document in the store")
    result = store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", default_graphs=[g for g in graphs if g in existing])
    quads = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in result]
    if graphs[1] not in existing:
        from kg.reasoning import infer

        quads += [ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in infer(quads, iris.inferred_graph(document_id)).quads]
    return validate_quads(quads, document_id, settings)


def _read_report(store, document_id: str, graph: str, settings: Settings) -> ValidationReport:
    rows = store.query(
        "PREFIX sh: <http://www.w3.org/ns/shacl#>\nPREFIX bkgr: <" + BKGR + ">\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT ?r ?sev ?focus ?id ?shape ?c ?comp ?path ?value ?exp ?diff ?tol ?fig ?mzh ?men (GROUP_CONCAT(STR(?line); separator=',') AS ?lines) "
        f"WHERE {{ GRAPH <{graph}> {{ ?rep sh:result ?r . ?r sh:resultSeverity ?sev ; sh:focusNode ?focus ; sh:sourceConstraintComponent ?comp . "
        "OPTIONAL { ?r bkgr:identity ?id } OPTIONAL { ?r sh:sourceShape ?shape } OPTIONAL { ?r sh:sourceConstraint ?c } "
        "OPTIONAL { ?r sh:resultPath ?path } OPTIONAL { ?r sh:value ?value } OPTIONAL { ?r bkgr:expectedValue ?exp } "
        "OPTIONAL { ?r bkgr:difference ?diff } OPTIONAL { ?r bkgr:tolerance ?tol } OPTIONAL { ?r bkgr:figures ?fig } "
        "OPTIONAL { ?r sh:resultMessage ?mzh FILTER(LANG(?mzh) = 'zh') } OPTIONAL { ?r sh:resultMessage ?men FILTER(LANG(?men) = 'en') } "
        "OPTIONAL { ?r bkgr:sourceLine ?line } } } GROUP BY ?r ?sev ?focus ?id ?shape ?c ?comp ?path ?value ?exp ?diff ?tol ?fig ?mzh ?men",
        default_graphs=None,
    )
    sparqls, _ = compiled_shapes()
    labels = {c.identity: c.labels for c in sparqls if c.identity}
    results = []
    for row in rows:
        v = lambda n: row[n].value if row[n] is not None else None  # noqa: E731
        identity = v("id")
        results.append(ValidationResult(
            v("sev").rsplit("#", 1)[-1], v("focus"), identity, labels.get(identity, {}).get("zh"), labels.get(identity, {}).get("en"),
            v("mzh") or "", v("men") or "", v("shape") or "", v("c") or "", v("comp"), v("path"), v("value"), v("exp"), v("diff"),
            v("tol"), _lines(v("lines")), v("fig"),
        ))
    results.sort(key=lambda r: ({"Violation": 0, "Warning": 1, "Info": 2}.get(r.severity, 3), r.lines[:1] or [0], r.constraint, r.focus))
    return ValidationReport(document_id, Iris(settings.base_iri).document(document_id).value, results)


# --- across documents ---------------------------------------------------------------------------

SHAPES_NS = "https://w3id.org/budgetkg/shapes#"
CROSS_DOCUMENT_ID = "(all documents)"

_CODE_NAMES_QUERY = """
PREFIX bkg: <https://w3id.org/budgetkg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?code ?notation ?name ?doc ?line WHERE {
  { SELECT DISTINCT ?code WHERE {
      ?a a bkg:CodeName ; bkg:ofCode ?code ; rdfs:label ?la ; prov:wasDerivedFrom ?da .
      ?b a bkg:CodeName ; bkg:ofCode ?code ; rdfs:label ?lb ; prov:wasDerivedFrom ?db .
      FILTER(?da != ?db && STR(?la) != STR(?lb))
  } }
  ?cn a bkg:CodeName ; bkg:ofCode ?code ; rdfs:label ?name ; prov:wasDerivedFrom ?doc ; bkg:sourceLine ?line .
  ?code skos:notation ?notation .
} ORDER BY ?notation ?name ?doc ?line
"""


def cross_document_results(store, settings: Settings) -> list[ValidationResult]:
    """Identities no single document can check, as a SPARQL query on the whole store.

    ``code-names`` (domain.md §7.8, sh:Info): one code printed with different names in
    different documents; the result lists every name with its document and lines.
    """
    store = _graph_store(store)
    prefix = f"{settings.base_iri}id/document/"
    by_code: dict[str, dict] = {}
    for row in store.query(_CODE_NAMES_QUERY):
        entry = by_code.setdefault(row["code"].value, {"notation": row["notation"].value, "names": {}})
        doc = row["doc"].value
        doc = doc[len(prefix):] if doc.startswith(prefix) else doc
        entry["names"].setdefault(row["name"].value, {}).setdefault(doc, []).append(int(row["line"].value))
    identity = SHAPES_NS + "code-names"
    labels = {r["l"].language or "": r["l"].value for r in _q(_shapes_store(), f"SELECT ?l WHERE {{ <{identity}> rdfs:label ?l }}")}
    results = []
    for code, entry in sorted(by_code.items(), key=lambda kv: kv[1]["notation"]):
        parts_zh, parts_en, lines = [], [], set()
        for name, docs in sorted(entry["names"].items()):
            where_zh = "；".join(f"{d} 第{','.join(map(str, sorted(ls)))}行" for d, ls in sorted(docs.items()))
            where_en = "; ".join(f"{d} line{'s' if len(ls) > 1 else ''} {','.join(map(str, sorted(ls)))}" for d, ls in sorted(docs.items()))
            parts_zh.append(f"“{name}”（{where_zh}）")
            parts_en.append(f"“{name}” ({where_en})")
            for ls in docs.values():
                lines.update(ls)
        figures = " | ".join(parts_en)
        results.append(ValidationResult(
            "Info", code, identity, labels.get("zh"), labels.get("en"),
            f"科目 {entry['notation']} 在不同文件中名称不同：{'、'.join(parts_zh)}。",
            f"Code {entry['notation']} has different names in different documents: {', '.join(parts_en)}.",
            SHAPES_NS + "code-names-shape", SHAPES_NS + "code-names", SH.SPARQLConstraintComponent.value,
            None, None, None, None, None, sorted(lines), figures,
        ))
    return results


def cross_document_report(store, settings: Settings) -> ValidationReport:
    started = time.perf_counter()
    results = cross_document_results(store, settings)
    return ValidationReport(CROSS_DOCUMENT_ID, settings.base_iri + "graph/reference", results, time.perf_counter() - started)


# --- renderers -----------------------------------------------------------------------------------

def report_as_json(report: ValidationReport) -> dict:
    return {
        "document": report.document_id,
        "documentIri": report.document,
        "conforms": report.conforms,
        "violations": report.count("Violation"),
        "warnings": report.count("Warning"),
        "infos": report.count("Info"),
        "results": [
            {
                "severity": r.severity, "identity": r.identity, "identityLabel": {"zh": r.identity_label_zh, "en": r.identity_label_en},
                "rounding": r.is_rounding, "focusNode": r.focus, "path": r.path, "value": r.value, "expected": r.expected,
                "difference": r.difference, "tolerance": r.tolerance, "lines": r.lines, "figures": r.figures,
                "message": {"zh": r.message_zh, "en": r.message_en}, "sourceShape": r.source_shape,
                "sourceConstraint": r.constraint, "sourceConstraintComponent": r.component,
            }
            for r in report.results
        ],
    }


def report_as_turtle(report: ValidationReport, settings: Settings | None = None) -> bytes:
    store = ox.Store()
    store.extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in report_quads(report, settings or Settings()))
    return store.dump(format=ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph(),
                      prefixes={"sh": SH.base, "bkgr": BKGR, "xsd": XSD.base, "rdf": RDF.base})


def report_as_text(report: ValidationReport) -> str:
    lines = [f"{report.document_id}: {'conforms' if report.conforms else 'does not conform'} "
             f"({report.count('Violation')} violations, {report.count('Warning')} warnings, {report.count('Info')} infos)"]
    for r in report.results:
        where = ",".join(map(str, r.lines)) or "-"
        lines.append(f"  {r.severity:9} line {where}: {r.message_zh}")
        lines.append(f"  {'':9} {' ' * (6 + len(where))}{r.message_en}")
    return "\n".join(lines)


def focus_href(focus: str, base_iri: str | None) -> str | None:
    """The linked-data page of a focus node minted under ``base_iri`` (``/page/…``)."""
    if base_iri and focus.startswith(base_iri + "id/"):
        return "/page/" + focus[len(base_iri) + 3:]
    if "://" in focus:
        from urllib.parse import urlencode

        return "/page?" + urlencode({"iri": focus})
    return None


def report_as_html(report: ValidationReport, base_iri: str | None = None) -> str:
    """A standalone page; with ``base_iri``, focus nodes link to their /page/ on this server."""
    e = html.escape

    def focus(r: ValidationResult) -> str:
        href = focus_href(r.focus, base_iri) if base_iri else None
        name = r.focus.rsplit("/id/document/", 1)[-1] if "/id/document/" in r.focus else r.focus
        return f"<a href='{e(href)}'>{e(name)}</a>" if href else e(name)

    rows = "\n".join(
        f"<tr class='{e(r.severity.lower())}'><td>{e(r.severity)}{' (rounding)' if r.is_rounding else ''}</td>"
        f"<td>{e(r.identity_label_zh or '')}<br>{e(r.identity_label_en or '')}</td><td>{e(', '.join(map(str, r.lines)))}</td>"
        f"<td>{focus(r)}</td>"
        f"<td>{e(r.message_zh)}<br><span lang='en'>{e(r.message_en)}</span></td>"
        f"<td>{e(r.value or '')}</td><td>{e(r.expected or '')}</td><td>{e(r.difference or '')}</td></tr>"
        for r in report.results
    )
    status = "conforms 符合" if report.conforms else "does not conform 不符合"
    return (
        "<!DOCTYPE html><html lang='zh'><head><meta charset='utf-8'><title>"
        f"{e(report.document_id)} validation</title><style>body{{font-family:sans-serif}}table{{border-collapse:collapse}}"
        "td,th{border:1px solid #ccc;padding:4px;vertical-align:top}.violation td:first-child{color:#b00}"
        ".warning td:first-child{color:#a60}.info td:first-child{color:#06a}</style></head><body>"
        f"<h1>{e(report.document_id)}</h1><p>{e(status)}: {report.count('Violation')} violations, "
        f"{report.count('Warning')} warnings, {report.count('Info')} infos</p>"
        "<table><tr><th>severity</th><th>identity 恒等式</th><th>lines 行</th><th>focus 对象</th><th>message 说明</th>"
        "<th>value (元)</th><th>expected (元)</th><th>difference (元)</th></tr>"
        f"{rows}</table></body></html>"
    )


def report_as(report: ValidationReport, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(report_as_json(report), ensure_ascii=False, indent=2)
    if fmt == "turtle":
        return report_as_turtle(report).decode("utf-8")
    if fmt == "html":
        return report_as_html(report)
    return report_as_text(report)
