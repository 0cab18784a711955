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

What a compiled constraint holds is ``kg.validation.constraints``; constraints that
share a query body are grouped by ``kg.validation.constraint_groups`` (``compiled_groups``
keeps the groups per set of files).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import pyoxigraph as ox

from kg.solutions import Term, bound, literal, named_node, solutions, term
from kg.validation.constraint_groups import group_constraints
from kg.validation.constraints import ParamValue, PropertyConstraint, SparqlConstraint, SparqlGroup, Targets
from kg.validation.results import Severity

# Importable from here as before the split (kg.validation.engine, tests).
__all__ = [
    "BKGR",
    "SHAPES_NS",
    "SHARED_SHAPES",
    "PropertyConstraint",
    "ShapesFiles",
    "SparqlConstraint",
    "SparqlGroup",
    "Targets",
    "compiled_groups",
    "compiled_shapes",
    "identity_labels",
    "query_shapes",
    "shapes_files",
    "shapes_store",
    "shapes_turtle",
]

BKGR = "https://w3id.org/budgetkg/report#"
SHAPES_NS = "https://w3id.org/budgetkg/shapes#"
# Every family's documents: structure, prose against itself, presentation, the report terms.
SHARED_SHAPES = ("prefixes.ttl", "core.ttl", "narrative.ttl", "presentation.ttl", "report-vocabulary.ttl")
ShapesFiles = tuple[str, ...]

_PREFIXES = "PREFIX sh: <http://www.w3.org/ns/shacl#>\nPREFIX bkgr: <" + BKGR + ">\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
_RDF_LIST = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#rest>*/<http://www.w3.org/1999/02/22-rdf-syntax-ns#first>"


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


def query_shapes(store: ox.Store, sparql: str) -> ox.QuerySolutions:
    """A SELECT on the shapes graph, with the sh:, bkgr: and rdfs: prefixes."""
    return solutions(store.query(_PREFIXES + sparql))


def _by_language(literals: list[ox.Literal]) -> dict[str, str]:
    return {lit.language or "": lit.value for lit in literals}


def identity_labels(identity: str, store: ox.Store | None = None) -> dict[str, str]:
    rows = query_shapes(store or shapes_store(), f"SELECT ?l WHERE {{ <{identity}> rdfs:label ?l }}")
    return _by_language([literal(r, "l") for r in rows])


def _targets(store: ox.Store, shape: ox.NamedNode | ox.BlankNode) -> Targets:
    rows = query_shapes(
        store,
        f"SELECT ?k ?c WHERE {{ {{ {shape} sh:targetClass ?c BIND('class' AS ?k) }} "
        f"UNION {{ {shape} sh:targetSubjectsOf ?c BIND('subjectsOf' AS ?k) }} "
        f"UNION {{ {shape} sh:targetObjectsOf ?c BIND('objectsOf' AS ?k) }} }}",
    )
    return tuple(sorted((literal(row, "k").value, named_node(row, "c").value) for row in rows))


def _sparql_constraints(store: ox.Store) -> tuple[SparqlConstraint, ...]:
    out: list[SparqlConstraint] = []
    # The severity is the shape's (SHACL 1.0 §2.1.5: sh:severity is a shape parameter); on the
    # constraint node, pyshacl and every other SHACL engine ignore it and report a Violation.
    for row in query_shapes(
        store, "SELECT ?shape ?c ?select ?sev ?id WHERE { ?shape sh:sparql ?c . ?c sh:select ?select . OPTIONAL { ?shape sh:severity ?sev } OPTIONAL { ?c bkgr:identity ?id } } ORDER BY ?c"
    ):
        constraint, shape = named_node(row, "c"), named_node(row, "shape")
        prefixes = "".join(
            f"PREFIX {literal(r, 'p').value}: <{literal(r, 'ns').value}>\n"
            for r in query_shapes(store, f"SELECT ?p ?ns WHERE {{ {constraint} sh:prefixes/sh:declare [ sh:prefix ?p ; sh:namespace ?ns ] }}")
        )
        messages = _by_language([literal(r, "m") for r in query_shapes(store, f"SELECT ?m WHERE {{ {constraint} sh:message ?m }}")])
        identity = named_node(row, "id").value if row["id"] is not None else None
        severity = named_node(row, "sev").value if row["sev"] is not None else None
        out.append(
            SparqlConstraint(
                shape=shape.value,
                constraint=constraint.value,
                targets=_targets(store, shape),
                select=prefixes + literal(row, "select").value.replace("$this", "?this"),
                severity=Severity.from_iri(severity) if severity is not None else Severity.VIOLATION,
                messages=messages,
                identity=identity,
                labels=identity_labels(identity, store) if identity else {},
            )
        )
    return tuple(out)


def _property_constraints(store: ox.Store) -> tuple[PropertyConstraint, ...]:
    # (node shape, property shape) -> its sh:path, and its parameters by local name (sh:in's
    # members listed in order).
    paths: dict[tuple[str, str], str] = {}
    params: dict[tuple[str, str], dict[str, Term | list[Term]]] = {}
    rows = query_shapes(
        store,
        f"SELECT ?shape ?p ?path ?k ?v ?x WHERE {{ ?shape sh:property ?p . ?p sh:path ?path ; ?k ?v . FILTER(isIRI(?path) && ?k != sh:path) OPTIONAL {{ FILTER(?k = sh:in) ?v {_RDF_LIST} ?x }} }}",
    )
    for row in rows:
        key = (named_node(row, "shape").value, str(term(row, "p")))
        paths.setdefault(key, named_node(row, "path").value)
        entry = params.setdefault(key, {})
        name = named_node(row, "k").value.rsplit("#", 1)[-1]
        if name == "in":
            members = entry.setdefault("in", [])
            member = term(row, "x")
            if isinstance(members, list) and member is not None:  # sh:in () binds no ?x
                members.append(member)
        else:
            entry[name] = bound(row, "v")
    out = []
    for (shape, node), entry in sorted(params.items()):
        values: tuple[tuple[str, ParamValue], ...] = tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in sorted(entry.items()))
        out.append(PropertyConstraint(shape, node, _targets(store, ox.NamedNode(shape)), paths[(shape, node)], values))
    return tuple(out)


@lru_cache(maxsize=None)
def compiled_shapes(files: ShapesFiles | None = None) -> tuple[tuple[SparqlConstraint, ...], tuple[PropertyConstraint, ...]]:
    store = shapes_store(files or shapes_files())
    return _sparql_constraints(store), _property_constraints(store)


@lru_cache(maxsize=None)
def compiled_groups(files: ShapesFiles | None = None) -> tuple[SparqlGroup, ...]:
    return group_constraints(compiled_shapes(files)[0])
