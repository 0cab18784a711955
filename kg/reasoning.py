"""OWL RL reasoning with owlrl, fast enough to run at every ingest.

What is materialised (into the document's inferred graph ``{base}graph/{doc}/inferred``):

- the class hierarchy: every ``rdf:type`` a resource gets from ``rdfs:subClassOf``
  (a ``bkg:RevenueTable`` is a ``bkg:BudgetTable``, a ``qb:DataSet``, …);
- inverse properties: ``bkg:figure`` from ``qb:dataSet``, ``bkg:ofCode`` /
  ``bkg:codeName``, ``bkg:subActivity`` / ``bkg:parentActivity``, …;
- super-properties between object properties (``skos:broader`` ⊑ ``bkg:withinCode``
  ⊑ ``skos:broaderTransitive``; ``bkg:hasBody`` ⊑ ``org:hasUnit`` …);
- transitive code ancestry (``skos:broaderTransitive``, ``bkg:withinCode``);
- the property chains ``bkg:functionalClassificationWithin`` and
  ``bkg:economicClassificationWithin`` (a figure lies within its code and every
  code above it).

How it is kept fast. owlrl is a forward-chaining Python reasoner that re-scans the
whole graph on every round; on the full ontology plus a 18 000-triple document
it takes many seconds. So:

1. The ontology's OWL RL closure is computed once per process (and cached on
   disk, keyed by the ontology's SHA-256), then reduced to the *schema core*:
   the closed ``rdfs:subClassOf`` / ``rdfs:subPropertyOf`` / ``owl:inverseOf`` /
   ``owl:TransitiveProperty`` / ``owl:propertyChainAxiom`` axioms (a few hundred
   triples).
2. Per document, owlrl runs on that schema core plus only the instance triples
   that can take part in one of those axioms: ``rdf:type`` and the object
   properties named in the core (literal-valued triples, labels and amounts
   never entail anything here and are left out). Axiomatic and datatype triples
   are switched off.
3. The result minus its input, minus OWL/RDFS book-keeping (``owl:sameAs`` a a,
   ``owl:Thing``/``rdfs:Resource`` types), is the document's entailment set.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Collection, Iterable

import pyoxigraph as ox

from kg.ontology import ontology_turtle
from kg.vocabulary import BKG, OWL, RDF, RDFS

_RDF_TYPE = RDF.type.value
_SCHEMA_PREDICATES = {
    RDFS.subClassOf.value,
    RDFS.subPropertyOf.value,
    OWL.inverseOf.value,
    OWL.propertyChainAxiom.value,
    OWL.equivalentProperty.value,
    RDF.first.value,
    RDF.rest.value,
}
_SCHEMA_TYPES = {OWL.TransitiveProperty.value, OWL.SymmetricProperty.value}
# Types that every resource has in OWL RL and that nobody queries.
_NOISE_TYPES = {
    OWL.Thing.value,
    RDFS.Resource.value,
    OWL.NamedIndividual.value,
    "http://www.w3.org/2000/01/rdf-schema#Class",
    OWL.Class.value,
}
_NOISE_PREDICATES = {OWL.sameAs.value, OWL.differentFrom.value}


@dataclass(frozen=True)
class SchemaCore:
    """The ontology's closed axioms that matter to instance reasoning."""

    triples: tuple[tuple[str, str, str], ...]  # (s, p, o) IRIs or blank-node ids ('_:x')
    relevant_predicates: frozenset[str]  # instance predicates that can fire an axiom
    class_iris: frozenset[str]


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "budgetkg"


def ontology_closure_ntriples() -> bytes:
    """The OWL RL closure of the ontology as N-Triples: computed once, then read from the cache."""
    data = ontology_turtle()
    digest = hashlib.sha256(data).hexdigest()[:16]
    cached = _cache_dir() / f"ontology-closure-{digest}.nt"
    try:
        return cached.read_bytes()
    except OSError:
        pass
    import owlrl
    import rdflib

    graph = rdflib.Graph()
    graph.parse(data=data, format="turtle")
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(graph)
    for triple in [t for t in graph if isinstance(t[0], rdflib.Literal)]:
        graph.remove(triple)  # owlrl works on generalised RDF; N-Triples cannot hold these
    out = graph.serialize(format="nt", encoding="utf-8")
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(out)
        tmp.replace(cached)
    except OSError:
        pass  # a read-only home only costs the closure again next time
    return out


def _term_key(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str | None:
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    return None


@lru_cache(maxsize=1)
def schema_core() -> SchemaCore:
    triples: list[tuple[str, str, str]] = []
    relevant: set[str] = {_RDF_TYPE}
    classes: set[str] = set()
    for triple in ox.parse(ontology_closure_ntriples(), format=ox.RdfFormat.N_TRIPLES):
        s, p, o = _term_key(triple.subject), triple.predicate.value, _term_key(triple.object)
        if s is None or o is None:
            continue
        if p in _SCHEMA_PREDICATES or (p == _RDF_TYPE and o in _SCHEMA_TYPES):
            if p in (RDFS.subClassOf.value,) and s == o:
                continue
            if p == RDFS.subPropertyOf.value and s == o:
                continue
            triples.append((s, p, o))
            if p == RDFS.subClassOf.value:
                classes.add(s)
            elif p in (RDFS.subPropertyOf.value, OWL.inverseOf.value, OWL.equivalentProperty.value):
                relevant.update((s, o))
            elif p == RDF.first.value and not o.startswith("_:"):
                relevant.add(o)
            elif p == _RDF_TYPE:
                relevant.add(s)
    # Datatype properties (amount, labels) have no instance entailments we query.
    relevant -= {BKG.amount.value}
    return SchemaCore(tuple(triples), frozenset(relevant), frozenset(classes))


@dataclass
class Inference:
    quads: list[ox.Quad]  # in the inferred graph
    input_triples: int
    seconds: float
    # What is entailed about shared subjects (``infer``'s ``shared``), in the shared graph.
    shared_quads: list[ox.Quad] = field(default_factory=list)


def _owlrl_closure(triples: Iterable[tuple[str, str, str]]) -> set[tuple[str, str, str]]:
    """Run owlrl's OWL RL closure on IRI/blank-node triples; the closed set of IRI triples."""
    import owlrl
    import rdflib

    cache: dict[str, rdflib.term.Identifier] = {}

    def node(key: str) -> rdflib.term.Identifier:
        found = cache.get(key)
        if found is None:
            found = rdflib.BNode(key[2:]) if key.startswith("_:") else rdflib.URIRef(key)
            cache[key] = found
        return found

    graph = rdflib.Graph()
    for s, p, o in triples:
        graph.add((node(s), node(p), node(o)))
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(graph)
    return {(str(s), str(p), str(o)) for s, p, o in graph if isinstance(s, rdflib.URIRef) and isinstance(o, rdflib.URIRef)}


def _schema_for(core: SchemaCore, predicates: frozenset[str], classes: frozenset[str]) -> list[tuple[str, str, str]]:
    """The part of the schema core that can fire on these predicates and classes."""
    keep_nodes = set(predicates) | set(classes)
    # Super-properties and inverses of what is present can fire too (transitivity of
    # skos:broaderTransitive, say); the closure lists every super-property directly.
    for s, p, o in core.triples:
        if s in predicates and p in (RDFS.subPropertyOf.value, OWL.inverseOf.value, OWL.equivalentProperty.value):
            keep_nodes.add(o)
    # Chains and their lists: keep a chain if all its members are present.
    out: list[tuple[str, str, str]] = []
    lists: dict[str, list[tuple[str, str, str]]] = {}
    for s, p, o in core.triples:
        if p in (RDF.first.value, RDF.rest.value):
            lists.setdefault(s, []).append((s, p, o))
    for s, p, o in core.triples:
        if p in (RDF.first.value, RDF.rest.value):
            continue
        if p == OWL.propertyChainAxiom.value:
            members: list[str] = []
            chain_triples: list[tuple[str, str, str]] = []
            current: str | None = o
            while current is not None and current in lists:
                chain_triples.extend(lists[current])
                nxt = None
                for _, lp, lo in lists[current]:
                    if lp == RDF.first.value:
                        members.append(lo)
                    elif lp == RDF.rest.value:
                        nxt = lo
                current = nxt
            if members and members[0] in keep_nodes:
                out.append((s, p, o))
                out.extend(chain_triples)
            continue
        if s in keep_nodes or (p == OWL.inverseOf.value and o in keep_nodes):
            out.append((s, p, o))
    return out


@lru_cache(maxsize=64)
def _vocabulary_entailments(predicates: frozenset[str], classes: frozenset[str]) -> tuple[dict[str, tuple[tuple[str, bool], ...]], dict[str, tuple[str, ...]]]:
    """What owlrl entails from one triple of each predicate and one member of each class.

    Returns, per predicate p, the (p', inverted) pairs such that ``s p o`` entails
    ``s p' o`` (or ``o p' s`` when inverted), and per class the types it entails.
    Structure-dependent rules (transitivity, chains) are left to ``_structure``.
    """
    core = schema_core()
    probes: list[tuple[str, str, str]] = []
    probe_s = {p: f"urn:probe:s:{i}" for i, p in enumerate(sorted(predicates))}
    probe_o = {p: f"urn:probe:o:{i}" for i, p in enumerate(sorted(predicates))}
    probe_c = {c: f"urn:probe:c:{i}" for i, c in enumerate(sorted(classes))}
    for p in predicates:
        probes.append((probe_s[p], p, probe_o[p]))
    for c in classes:
        probes.append((probe_c[c], _RDF_TYPE, c))
    closed = _owlrl_closure(_schema_for(core, predicates, classes) + probes)
    by_node: dict[str, list[tuple[str, str]]] = {}
    for s, p, o in closed:
        if s.startswith("urn:probe:"):
            by_node.setdefault(s, []).append((p, o))
    edge_rules: dict[str, tuple[tuple[str, bool], ...]] = {}
    for p in predicates:
        s_node, o_node = probe_s[p], probe_o[p]
        found: list[tuple[str, bool]] = []
        for q, o in by_node.get(s_node, ()):
            if o == o_node and q != p:
                found.append((q, False))
        for q, o in by_node.get(o_node, ()):
            if o == s_node:
                found.append((q, True))
        edge_rules[p] = tuple(sorted(found))
    type_rules: dict[str, tuple[str, ...]] = {}
    for c in classes:
        type_rules[c] = tuple(sorted(o for q, o in by_node.get(probe_c[c], ()) if q == _RDF_TYPE and o != c))
    return edge_rules, type_rules


_CODE_LINKS = (BKG.functionalClassification.value, BKG.economicClassification.value)

# An entailment's object as found on a template chain: an index into the chain
# (0 is the code itself, 1 its parent …) or an IRI outside it.
_ChainObject = int | str
_ChainRules = tuple[tuple[str, _ChainObject], ...]


def code_entailments(broader: dict[str, str], used: Iterable[tuple[str, str]]) -> dict[tuple[str, str], tuple[tuple[str, str], ...]]:
    """Per (link, code): what a figure linked to the code by ``link`` entails
    (chains), and per (skos:broader, code): the code's ancestry (transitivity).

    What a code entails depends only on how many ancestors it has (its notation
    fixes them), so owlrl runs once per depth on a template chain and each code's
    entailments are read off the template. Running owlrl on the document's own
    code tree cost about 3 ms per new code (a 20,000-row table of distinct codes:
    over a minute), and owlrl re-scans its whole graph every round.
    """
    wanted = dict.fromkeys(used)  # a dict keeps the caller's order (kg.reasoning.infer)
    wanted.update(dict.fromkeys((SKOS_BROADER, child) for child in broader))
    out: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {}
    for link, code in wanted:
        chain = _ancestry(code, broader)
        code_rules, figure_rules = _chain_entailments(len(chain) - 1)
        rules = code_rules if link == SKOS_BROADER else dict(figure_rules).get(link, ())
        out[(link, code)] = tuple(sorted((p, chain[o] if isinstance(o, int) else o) for p, o in rules))
    return out


def _ancestry(code: str, broader: dict[str, str]) -> list[str]:
    """The code and its ancestors, nearest first (a cycle, which notations cannot make, ends the walk)."""
    chain = [code]
    while chain[-1] in broader and broader[chain[-1]] not in chain:
        chain.append(broader[chain[-1]])
    return chain


@lru_cache(maxsize=None)
def _chain_entailments(depth: int) -> tuple[_ChainRules, tuple[tuple[str, _ChainRules], ...]]:
    """owlrl on a template code with ``depth`` ancestors and one probe figure per link.

    Returns the code's entailments (skos:broader itself left out) and, per link,
    the figure's (the link to the code itself left out: edge rules cover it).
    """
    chain = [f"urn:probe:code:{i}" for i in range(depth + 1)]
    index = {node: i for i, node in enumerate(chain)}
    path = frozenset(zip(chain, chain[1:]))
    probes = [(link, chain[0]) for link in _CODE_LINKS]
    figures = {f"urn:probe:fig:{i}": link for i, (link, _) in enumerate(probes)}
    code_rules: list[tuple[str, _ChainObject]] = []
    figure_rules: dict[str, list[tuple[str, _ChainObject]]] = {link: [] for link in _CODE_LINKS}
    for s, p, o in _structure(path, probes):
        found = (p, index.get(o, o))
        if s in figures and o != chain[0]:
            figure_rules[figures[s]].append(found)
        elif s == chain[0] and p != SKOS_BROADER:
            code_rules.append(found)
    return tuple(sorted(code_rules, key=str)), tuple((link, tuple(sorted(r, key=str))) for link, r in figure_rules.items())


def _structure(broader: frozenset[tuple[str, str]], used_codes: list[tuple[str, str]]) -> set[tuple[str, str, str]]:
    """Transitive ancestry and the property chains, by owlrl on the code tree.

    One probe figure per (link, code) stands for every figure on that code.
    """
    core = schema_core()
    predicates = frozenset({SKOS_BROADER, *_CODE_LINKS})
    triples = _schema_for(core, predicates, frozenset())
    triples += [(child, SKOS_BROADER, parent) for child, parent in broader]
    triples += [(f"urn:probe:fig:{i}", link, code) for i, (link, code) in enumerate(used_codes)]
    return _owlrl_closure(triples)


SKOS_BROADER = "http://www.w3.org/2004/02/skos/core#broader"


@lru_cache(maxsize=1)
def vocabulary_entailments() -> tuple[dict[str, tuple[tuple[str, bool], ...]], dict[str, tuple[str, ...]]]:
    """owlrl's per-edge and per-type entailments for every property and class of the
    ontology: computed once per process from the ontology alone (cached on disk)."""
    import json

    core = schema_core()
    digest = hashlib.sha256(ontology_turtle()).hexdigest()[:16]
    cached = _cache_dir() / f"vocabulary-entailments-{digest}.json"
    try:
        data = json.loads(cached.read_text(encoding="utf-8"))
        return (
            {p: tuple((q, bool(i)) for q, i in rules) for p, rules in data["edges"].items()},
            {c: tuple(sups) for c, sups in data["types"].items()},
        )
    except (OSError, ValueError, KeyError):
        pass
    edges, types = _vocabulary_entailments(core.relevant_predicates - {_RDF_TYPE}, core.class_iris)
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"edges": edges, "types": types}, ensure_ascii=False), encoding="utf-8")
        tmp.replace(cached)
    except OSError:
        pass
    return edges, types


@lru_cache(maxsize=1)
def _relevant_nodes() -> frozenset[ox.NamedNode]:
    """The predicates that can fire an axiom, as terms: testing a quad's predicate against
    them reads no string out of the quad (most quads carry amounts, lines and labels)."""
    return frozenset(ox.NamedNode(p) for p in schema_core().relevant_predicates)


# What is never kept from the closure: owlrl's book-keeping and the ontology's own axioms.
_DROPPED_PREDICATES = _NOISE_PREDICATES | _SCHEMA_PREDICATES
_DROPPED_TYPES = _NOISE_TYPES | _SCHEMA_TYPES
_FOREIGN_SUBJECTS = ("urn:probe:", "http://www.w3.org/", "https://w3id.org/budgetkg/ontology")
_META_CLASSES = ("http://www.w3.org/2002/07/owl#", "http://www.w3.org/2000/01/rdf-schema#")


def infer(quads: Iterable[ox.Quad], inferred_graph: ox.NamedNode, *, shared: Collection[str] = (), shared_graph: ox.NamedNode | None = None) -> Inference:
    """The entailments of one document (its quads plus the reference quads it added), in the
    order their asserted triples come in: the same document gives the same list every time.
    Those about a subject in ``shared`` (IRIs) go to ``shared_graph`` (``Inference.shared_quads``):
    made there at once, not made in the inferred graph and made again (kg.ingest).

    Every container is a dict, never a set, so that order follows the input and no sort is
    needed (sorting the 20,000-row table's 500,000 entailments cost 2.3 of its 8.9 CPU s);
    IRIs are kept as one string each (``strings``), not one per triple they occur in.
    """
    started = time.perf_counter()
    core = schema_core()
    relevant = _relevant_nodes()
    rdf_type = RDF.type
    strings: dict[str, str] = {}
    one = strings.setdefault
    edges: dict[tuple[str, str, str], None] = {}
    types: dict[str, dict[str, None]] = {}  # class -> its asserted members
    for quad in quads:
        predicate = quad.predicate
        if predicate not in relevant:
            continue
        subject, obj = quad.subject, quad.object
        if not isinstance(subject, ox.NamedNode) or not isinstance(obj, ox.NamedNode):
            continue
        # Each .value builds a new str from the quad's: read once.
        s, o = subject.value, obj.value
        if predicate == rdf_type:
            types.setdefault(one(o, o), {})[one(s, s)] = None
        else:
            p = predicate.value
            edges[(one(s, s), one(p, p), one(o, o))] = None
    edge_rules, type_rules = vocabulary_entailments()
    entailed: dict[tuple[str, str, str], None] = {}
    for s, p, o in edges:
        for q, inverted in edge_rules.get(p, ()):
            entailed[(o, q, s) if inverted else (s, q, o)] = None
    for cls, members in types.items():
        for sup in type_rules.get(cls, ()):
            for member in members:
                entailed[(member, _RDF_TYPE, sup)] = None
    broader = {s: o for s, p, o in edges if p == SKOS_BROADER}
    used = dict.fromkeys((p, o) for s, p, o in edges if p in _CODE_LINKS)
    by_code = code_entailments(broader, used)
    for s, p, o in edges:
        if p in _CODE_LINKS:
            for q, target in by_code.get((p, o), ()):
                entailed[(s, q, target)] = None
    for (link, code), found in by_code.items():
        if link == SKOS_BROADER:
            for q, target in found:
                entailed[(code, q, target)] = None
    schema = set(core.triples)
    no_members: dict[str, None] = {}
    kept: list[tuple[str, str, str]] = []
    for key in entailed:
        s, q, o = key
        if q in _DROPPED_PREDICATES or key in edges or key in schema:
            continue
        if s.startswith(_FOREIGN_SUBJECTS) or o.startswith("urn:probe:"):
            continue
        if q == _RDF_TYPE and (o in _DROPPED_TYPES or o.startswith(_META_CLASSES) or s in types.get(o, no_members)):
            continue
        kept.append(key)
    # One NamedNode per IRI: a figure is the subject of a dozen entailments, a class the
    # object of thousands.
    nodes: dict[str, ox.NamedNode] = {}

    def node(iri: str) -> ox.NamedNode:
        found = nodes.get(iri)
        if found is None:
            found = nodes[iri] = ox.NamedNode(iri)
        return found

    out: list[ox.Quad] = []
    elsewhere: list[ox.Quad] = []
    for s, p, o in kept:
        if shared_graph is not None and s in shared:
            elsewhere.append(ox.Quad(node(s), node(p), node(o), shared_graph))
        else:
            out.append(ox.Quad(node(s), node(p), node(o), inferred_graph))
    return Inference(out, len(edges) + sum(len(m) for m in types.values()), time.perf_counter() - started, elsewhere)
