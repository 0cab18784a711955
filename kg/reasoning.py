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
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import pyoxigraph as ox

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

    triples: tuple[tuple[str, str, str | None], ...]  # (s, p, o) IRIs or blank-node ids ('_:x')
    relevant_predicates: frozenset[str]  # instance predicates that can fire an axiom
    class_iris: frozenset[str]


def _ontology_bytes() -> bytes:
    from importlib import resources

    return resources.files("ontology").joinpath("budgetkg.ttl").read_bytes()


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "budgetkg"


def ontology_closure_ntriples() -> bytes:
    """The OWL RL closure of the ontology as N-Triples: computed once, then read from the cache."""
    data = _ontology_bytes()
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
    triples: list[tuple[str, str, str | None]] = []
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
    quads: list[ox.Quad]
    input_triples: int
    seconds: float


def infer(quads: Iterable[ox.Quad], inferred_graph: ox.NamedNode) -> Inference:
    """The entailments of one document (its quads plus the reference quads it added)."""
    import owlrl
    import rdflib

    started = time.perf_counter()
    core = schema_core()
    uri_cache: dict[str, rdflib.term.Identifier] = {}

    def node(key: str) -> rdflib.term.Identifier:
        found = uri_cache.get(key)
        if found is None:
            found = rdflib.BNode(key[2:]) if key.startswith("_:") else rdflib.URIRef(key)
            uri_cache[key] = found
        return found

    graph = rdflib.Graph()
    add = graph.add
    for s, p, o in core.triples:
        add((node(s), node(p), node(o)))
    schema_size = len(graph)
    asserted: set[tuple[str, str, str]] = set()
    for quad in quads:
        p = quad.predicate.value
        if p not in core.relevant_predicates or not isinstance(quad.object, ox.NamedNode):
            continue
        if not isinstance(quad.subject, ox.NamedNode):
            continue
        key = (quad.subject.value, p, quad.object.value)
        if key in asserted:
            continue
        asserted.add(key)
        add((node(key[0]), node(p), node(key[2])))
    input_triples = len(graph) - schema_size
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(graph)
    schema = {(s, p, o) for s, p, o in core.triples}
    out: list[ox.Quad] = []
    for s, p, o in graph:
        if not isinstance(s, rdflib.URIRef) or not isinstance(o, rdflib.URIRef):
            continue
        key = (str(s), str(p), str(o))
        if key in asserted or key in schema:
            continue
        if key[1] in _NOISE_PREDICATES or key[1] in _SCHEMA_PREDICATES:
            continue
        if key[1] == _RDF_TYPE and (key[2] in _NOISE_TYPES or key[2] in _SCHEMA_TYPES):
            continue
        if key[0] in core.class_iris or key[0].startswith(("http://www.w3.org/", "https://w3id.org/budgetkg/ontology")):
            continue  # schema-level entailments belong to the ontology's closure
        if key[1] == _RDF_TYPE and key[2].startswith(("http://www.w3.org/2002/07/owl#", "http://www.w3.org/2000/01/rdf-schema#")):
            continue
        out.append(ox.Quad(ox.NamedNode(key[0]), ox.NamedNode(key[1]), ox.NamedNode(key[2]), inferred_graph))
    out.sort(key=lambda q: (q.subject.value, q.predicate.value, q.object.value))
    return Inference(out, input_triples, time.perf_counter() - started)
