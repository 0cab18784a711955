"""The shapes files, compiled once into what the Oxigraph engine runs.

Reading the shapes' structure (targets, property parameters, prefixes, messages)
takes ~60 SPARQL queries on the shapes graph; compiling once per process and per set
of files (one set a document family: ``shapes_files``) keeps that out of every
document's validation.

Which files check a document is its family's business (``kg.families``): the shared
files below check every document; a family adds its own identities (a budget's
``identities.ttl``, a 决算's ``final-accounts.ttl``). Loading the budget identities for
a 决算 reported 17, 3 and 0 violations on the three real Shanghai 决算, nearly all
tables-agree (收入决算表 vs 支出决算表 per code), which holds in a budget only.

Constraints whose queries differ only in their final FILTER (the ``…-error`` /
``…-rounding`` pairs of identities.ttl, the grade-order family) are grouped: one
query runs the shared body once and binds each FILTER's outcome. That halves the
identities' time; the shapes keep their own full ``sh:select`` for pyshacl and other
SHACL engines (tests check both give the same rows).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import pyoxigraph as ox

from kg.validation.results import Severity

BKGR = "https://w3id.org/budgetkg/report#"
SHAPES_NS = "https://w3id.org/budgetkg/shapes#"
# Every family's documents: structure, prose against itself, presentation, the report terms.
SHARED_SHAPES = ("prefixes.ttl", "core.ttl", "narrative.ttl", "presentation.ttl", "report-vocabulary.ttl")
ShapesFiles = tuple[str, ...]

_PREFIXES = ("PREFIX sh: <http://www.w3.org/ns/shacl#>\nPREFIX bkgr: <" + BKGR + ">\n"
             "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n")
_RDF_LIST = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#rest>*/<http://www.w3.org/1999/02/22-rdf-syntax-ns#first>"

Targets = tuple[tuple[str, str], ...]  # ("class" | "subjectsOf" | "objectsOf", iri), sorted


@dataclass(frozen=True)
class SparqlConstraint:
    shape: str
    constraint: str
    targets: Targets
    select: str  # with its prefixes, ``$this`` written ``?this``
    severity: Severity
    messages: dict[str, str]  # language tag → template
    identity: str | None
    labels: dict[str, str]  # the identity's rdfs:label by language


@dataclass(frozen=True)
class PropertyConstraint:
    shape: str
    node: str
    targets: Targets
    path: str
    params: tuple[tuple[str, object], ...]  # (local name of the parameter, its value or values)


@dataclass(frozen=True)
class SparqlGroup:
    """Constraints run by one query; ``select`` None: one constraint, run its own query."""

    constraints: tuple[SparqlConstraint, ...]
    select: str | None


def shapes_files(family_key: str | None = None) -> ShapesFiles:
    """The files that check a family's documents (the shared ones, then the family's own);
    None: every family's, for what must know every shape (report labels, the pyshacl tests)."""
    from kg.families import all_families, family_by_key

    families = all_families() if family_key is None else (family_by_key(family_key),)
    names = list(SHARED_SHAPES)
    for family in families:
        names.extend(name for name in family.shapes if name not in names)
    return tuple(names)


def shapes_turtle(files: ShapesFiles | None = None) -> bytes:
    root = resources.files("shapes")
    return b"\n".join(root.joinpath(name).read_bytes() for name in files or shapes_files())


@lru_cache(maxsize=None)
def shapes_store(files: ShapesFiles | None = None) -> ox.Store:
    store = ox.Store()
    root = resources.files("shapes")
    for name in files or shapes_files():
        store.load(root.joinpath(name).read_bytes(), format=ox.RdfFormat.TURTLE)
    return store


def query_shapes(store: ox.Store, sparql: str):
    return store.query(_PREFIXES + sparql)


def identity_labels(identity: str, store: ox.Store | None = None) -> dict[str, str]:
    rows = query_shapes(store or shapes_store(), f"SELECT ?l WHERE {{ <{identity}> rdfs:label ?l }}")
    return {r["l"].language or "": r["l"].value for r in rows}


def _targets(store: ox.Store, shape: ox.NamedNode | ox.BlankNode) -> Targets:
    rows = query_shapes(store, f"SELECT ?k ?c WHERE {{ {{ {shape} sh:targetClass ?c BIND('class' AS ?k) }} "
                               f"UNION {{ {shape} sh:targetSubjectsOf ?c BIND('subjectsOf' AS ?k) }} "
                               f"UNION {{ {shape} sh:targetObjectsOf ?c BIND('objectsOf' AS ?k) }} }}")
    return tuple(sorted((row["k"].value, row["c"].value) for row in rows))


def _sparql_constraints(store: ox.Store) -> tuple[SparqlConstraint, ...]:
    out = []
    # The severity is the shape's (SHACL 1.0 §2.1.5: sh:severity is a shape parameter); on the
    # constraint node, pyshacl and every other SHACL engine ignore it and report a Violation.
    for row in query_shapes(store, "SELECT ?shape ?c ?select ?sev ?id WHERE { ?shape sh:sparql ?c . ?c sh:select ?select . "
                                   "OPTIONAL { ?shape sh:severity ?sev } OPTIONAL { ?c bkgr:identity ?id } } ORDER BY ?c"):
        constraint = row["c"]
        prefixes = "".join(
            f"PREFIX {r['p'].value}: <{r['ns'].value}>\n"
            for r in query_shapes(store, f"SELECT ?p ?ns WHERE {{ {constraint} sh:prefixes/sh:declare [ sh:prefix ?p ; sh:namespace ?ns ] }}")
        )
        messages = {r["m"].language or "": r["m"].value for r in query_shapes(store, f"SELECT ?m WHERE {{ {constraint} sh:message ?m }}")}
        identity = row["id"].value if row["id"] is not None else None
        out.append(SparqlConstraint(
            shape=row["shape"].value, constraint=constraint.value, targets=_targets(store, row["shape"]),
            select=prefixes + row["select"].value.replace("$this", "?this"),
            severity=Severity.from_iri(row["sev"].value) if row["sev"] is not None else Severity.VIOLATION,
            messages=messages, identity=identity, labels=identity_labels(identity, store) if identity else {},
        ))
    return tuple(out)


def _property_constraints(store: ox.Store) -> tuple[PropertyConstraint, ...]:
    grouped: dict[tuple[str, str], dict] = {}
    rows = query_shapes(store, "SELECT ?shape ?p ?path ?k ?v ?x WHERE { ?shape sh:property ?p . ?p sh:path ?path ; ?k ?v . "
                               f"FILTER(isIRI(?path) && ?k != sh:path) OPTIONAL {{ FILTER(?k = sh:in) ?v {_RDF_LIST} ?x }} }}")
    for row in rows:
        entry = grouped.setdefault((row["shape"].value, str(row["p"])), {"path": row["path"].value, "params": {}})
        name = row["k"].value.rsplit("#", 1)[-1]
        if name == "in":
            entry["params"].setdefault("in", []).append(row["x"])
        else:
            entry["params"][name] = row["v"]
    out = []
    for (shape, node), entry in sorted(grouped.items()):
        params = tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in sorted(entry["params"].items()))
        out.append(PropertyConstraint(shape, node, _targets(store, ox.NamedNode(shape)), entry["path"], params))
    return tuple(out)


@lru_cache(maxsize=None)
def compiled_shapes(files: ShapesFiles | None = None) -> tuple[tuple[SparqlConstraint, ...], tuple[PropertyConstraint, ...]]:
    store = shapes_store(files or shapes_files())
    return _sparql_constraints(store), _property_constraints(store)


# --- grouping constraints that share a query body -----------------------------------------------

_FINAL_FILTER = re.compile(r"\A(?P<body>.*\n)[ \t]*FILTER(?P<expr>\([^{}\n]*\))[ \t]*\n[ \t]*\}\s*\Z", re.S)
_PROJECTION = re.compile(r"\A(?P<head>(?:PREFIX [^\n]*\n)*\s*SELECT)(?P<vars>(?:\s+[?$]\w+)+)(?P<rest>\s+WHERE\s*\{)")


def split_final_filter(select: str) -> tuple[str, str] | None:
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


def _grouped_select(body: str, exprs: list[str]) -> str:
    # An error in a FILTER counts as false; COALESCE gives the flag the same reading.
    flags = [f"?_bkgFilter{i}" for i in range(len(exprs))]
    m = _PROJECTION.match(body)
    head = m["head"] + m["vars"] + " " + " ".join(flags) + m["rest"] + body[m.end():]
    binds = "".join(f"  BIND(COALESCE(IF({expr}, 1, 0), 0) AS {flag})\n" for flag, expr in zip(flags, exprs))
    return head + binds + "  FILTER(" + " || ".join(f"{flag} = 1" for flag in flags) + ")\n}\n"


def group_constraints(sparqls: tuple[SparqlConstraint, ...]) -> tuple[SparqlGroup, ...]:
    by_body: dict[tuple, list[tuple[SparqlConstraint, str]]] = {}
    for c in sparqls:
        split = split_final_filter(c.select)
        key = (c.targets, split[0]) if split else ("single", c.constraint)
        by_body.setdefault(key, []).append((c, split[1] if split else ""))
    groups = []
    for key, members in by_body.items():  # dicts keep the order of first appearance
        if len(members) == 1:
            groups.append(SparqlGroup((members[0][0],), None))
        else:
            groups.append(SparqlGroup(tuple(c for c, _ in members), _grouped_select(key[1], [e for _, e in members])))
    return tuple(groups)


@lru_cache(maxsize=None)
def compiled_groups(files: ShapesFiles | None = None) -> tuple[SparqlGroup, ...]:
    return group_constraints(compiled_shapes(files)[0])
