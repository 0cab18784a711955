"""What a document is validated against: one dataset of its graphs and their context.

The shapes read the union default graph of: the document's graph, its inferred graph
(OWL RL types the targets rely on), the reference graph (codes, units), the ontology
(labels in messages) and the official 类 names. Both engines validate this same
dataset, so they cannot differ by what they see.

A document read back from a store brings only what the reference graph says about its
own codes, units and projects (and their ancestors and schemes), not the whole graph,
which holds every project of every document. Validating from the store went from 2.3
documents/s at 100 generated documents to 0.6 at 1,000 when it read the whole graph; now
the same 20 documents take 253 ms of CPU each at 100 and 279 ms at 1,000
(bench/bench_flat_costs.py, on a shared, loaded machine).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Protocol
from urllib.parse import unquote

import pyoxigraph as ox

from kg.iris import Iris
from kg.ontology import ontology_triples
from kg.settings import Settings
from kg.solutions import Answer, solutions
from kg.validation.categories import classification_quads


@lru_cache(maxsize=1)
def ontology_quads() -> tuple[ox.Quad, ...]:
    return tuple(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in ontology_triples())


def build_dataset(quads: Iterable[ox.Quad | ox.Triple]) -> ox.Store:
    """The ontology, the official 类 names and ``quads`` in one in-memory store whose union
    default graph (what every validation query reads) holds each triple once.

    The quads stay in their graphs (rewriting 20 000 of them into the default graph costs
    more than building the store): the union is then the RDF merge unless a triple is in
    two graphs, which Oxigraph's union would count twice (COUNT, SUM); ``_in_two_graphs``
    finds that case, and then everything is copied into the default graph (a triple,
    having no graph, goes into the default graph)."""
    listed = quads if isinstance(quads, (list, tuple)) else list(quads)
    data = ox.Store()
    data.extend(ontology_quads())
    data.extend(classification_quads())
    data.extend(q if isinstance(q, ox.Quad) else ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in listed)
    if _in_two_graphs(data, listed):
        data.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } } ; DROP NAMED")
    return data


# Every 64th quad tells which graph is the largest well enough: which one is skipped
# changes only the time, never the answer.
_SAMPLE_STRIDE = 64


def _in_two_graphs(data: ox.Store, quads: Sequence[ox.Quad | ox.Triple]) -> bool:
    """Whether a triple of ``data`` is in two of its graphs: the default graph against the
    named ones, then each named graph against the others, except the largest, whose every
    shared triple is found from the other side. One query joining every graph with every
    other took 25 of the 100 ms of building seed 001's dataset; this takes 6."""
    if data.query("ASK { ?s ?p ?o GRAPH ?g { ?s ?p ?o } }"):
        return True
    sample = Counter(q.graph_name for q in quads[::_SAMPLE_STRIDE] if isinstance(q, ox.Quad))
    largest = max(sample, key=lambda g: sample[g]) if sample else None
    query = "ASK { GRAPH ?g { ?s ?p ?o } GRAPH ?other { ?s ?p ?o } FILTER(?other != ?g) }"
    return any(data.query(query, substitutions={ox.Variable("g"): g}) for g in data.named_graphs() if g != largest)


class ReadableStore(Protocol):
    """The two methods of kg.store.GraphStore that validation reads a store through: every
    GraphStore (Oxigraph on disk, a remote SPARQL store) has them, and so does ``OxStore``."""

    def graphs(self) -> list[str]: ...

    def query(self, sparql: str, *, default_graphs: list[str] | None = None) -> Answer: ...


class OxStore:
    """A raw ``pyoxigraph.Store`` seen through the two methods of kg.store.GraphStore used here
    (the linked-data pages hold the pyoxigraph store, the CLI and the API an OxigraphStore)."""

    def __init__(self, store: ox.Store) -> None:
        self._store = store

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def query(self, sparql: str, *, default_graphs: list[str] | None = None) -> Answer:
        if default_graphs:
            return self._store.query(sparql, default_graph=[ox.NamedNode(g) for g in default_graphs])
        return self._store.query(sparql, use_default_graph_as_union=True)


def graph_store(store: ReadableStore | ox.Store) -> ReadableStore:
    return OxStore(store) if isinstance(store, ox.Store) else store


def document_ids(store: ReadableStore | ox.Store, settings: Settings) -> list[str]:
    """The documents in a store: the file stems of its ``{base}graph/{doc}`` graphs."""
    prefix = f"{settings.base_iri}graph/"
    return sorted(unquote(g[len(prefix) :]) for g in graph_store(store).graphs() if g.startswith(prefix) and "/" not in g[len(prefix) :] and g[len(prefix) :] != "reference")


def has_graph(store: ReadableStore | ox.Store, graph: str) -> bool:
    """Whether ``store`` holds a non-empty named graph: one lookup, where listing every graph
    grows with the store (five graphs a document)."""
    return bool(graph_store(store).query(f"ASK {{ GRAPH {ox.NamedNode(graph)} {{ ?s ?p ?o }} }}"))


# Reference nodes (codes, units, projects) asked for per query: a VALUES block this long
# stays a few hundred KiB of query text.
_LOOKUP_CHUNK = 2000


def _triples(answer: Answer) -> ox.QueryTriples:
    """The triples of a CONSTRUCT's answer."""
    if not isinstance(answer, ox.QueryTriples):
        raise TypeError(f"expected the triples of a CONSTRUCT, got {type(answer).__name__}")
    return answer


def _reference_about(store: ReadableStore, quads: list[ox.Quad], reference: str) -> list[ox.Quad]:
    """What the reference graph says about the nodes of ``quads``, and about the nodes that
    says something about (a code's ancestors, its scheme, a project's unit), to the end.

    Only these: the whole reference graph grows with the store (every project of every
    document) and reading it made validating one document cost more the more documents
    the store held. What the document's own mapping put there is all reachable this way."""
    seen: set[ox.NamedNode] = set()
    frontier = {t for q in quads for t in (q.subject, q.object) if isinstance(t, ox.NamedNode)}
    found: list[ox.Quad] = []
    while frontier:
        seen |= frontier
        nodes = sorted(frontier, key=lambda n: n.value)
        new: list[ox.Quad] = []
        for start in range(0, len(nodes), _LOOKUP_CHUNK):
            values = " ".join(str(n) for n in nodes[start : start + _LOOKUP_CHUNK])
            result = _triples(store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?s {{ {values} }} ?s ?p ?o }}", default_graphs=[reference]))
            new.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in result)
        found.extend(new)
        frontier = {q.object for q in new if isinstance(q.object, ox.NamedNode)} - seen
    return found


def stored_document_quads(store: ReadableStore | ox.Store, document_id: str, settings: Settings) -> list[ox.Quad]:
    """A stored document's graph, inferred graph and what the reference graph says about its
    codes, units and projects, in the default graph; the inferred graph computed now if the
    document was ingested without reasoning. LookupError if the store does not hold the document."""
    readable = graph_store(store)
    iris = Iris(settings.base_iri)
    graph, inferred_graph = iris.graph(document_id).value, iris.inferred_graph(document_id).value
    if not has_graph(readable, graph):
        raise LookupError(f"{document_id}: no such document in the store")
    reasoned = has_graph(readable, inferred_graph)
    # Each graph by a GRAPH-bound pattern, not both as one default graph under a CONSTRUCT:
    # the same quads (the same multiset) in 13-15% less CPU (2,700 quads: 76 -> 66 ms on a
    # store of 1,000 generated documents, 42 -> 36 ms on the same store compacted).
    parts = " UNION ".join(f"{{ GRAPH {ox.NamedNode(g)} {{ ?s ?p ?o }} }}" for g in ([graph, inferred_graph] if reasoned else [graph]))
    quads = [ox.Quad(row[0], row[1], row[2]) for row in solutions(readable.query(f"SELECT ?s ?p ?o WHERE {{ {parts} }}"))]
    quads += _reference_about(readable, quads, iris.reference_graph().value)
    if not reasoned:
        from kg.reasoning import infer

        inferred = infer(quads, iris.inferred_graph(document_id)).quads
        quads += [ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in inferred]
    return quads
