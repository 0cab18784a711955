"""What the graph says about one resource: the SPARQL behind every page and /data response.

All queries run on the union of the named graphs (``DISTINCT`` everywhere: a
triple held by several graphs comes back once per graph otherwise). IRIs from a
request are checked by ``pyoxigraph.NamedNode`` and written with its own
serialisation, and strings with ``pyoxigraph.Literal``'s, so nothing a client
sends is pasted into a query unescaped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

import pyoxigraph as ox

from api import labels as labels_mod
from kg.vocabulary import BKG, DCT, RDFS, SKOS, sparql_prefixes

Term = ox.NamedNode | ox.BlankNode | ox.Literal
Row = dict[str, Term | None]
LABEL_PREDICATES = (SKOS.prefLabel, RDFS.label, DCT.title)
INCOMING_PAGE = 50
MAX_OUTGOING = 2000
OUTGOING_SHOWN = 20  # values of one property shown on a page
MAX_INCOMING_RDF = 2000
_PREFIXES = sparql_prefixes()


def cell(row: Row, name: str) -> str:
    """The lexical value of one variable of a result row, "" when it is unbound."""
    value = row.get(name)
    return value.value if value is not None else ""


def node(iri: str) -> ox.NamedNode | None:
    """The IRI as a node, or None if it is not a valid IRI."""
    try:
        return ox.NamedNode(iri)
    except (ValueError, TypeError):
        return None


class Graph:
    """Read-only SPARQL over a pyoxigraph store's union default graph."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store

    def select(self, sparql: str) -> list[Row]:
        result = self.store.query(_PREFIXES + sparql, use_default_graph_as_union=True)
        if not isinstance(result, ox.QuerySolutions):  # an ASK or CONSTRUCT passed by mistake
            raise TypeError(f"Graph.select runs SELECT queries, not: {sparql[:80]}")
        names = [v.value for v in result.variables]
        # A solution iterates its values in the order of ``variables``: zipping them takes half
        # the CPU of looking each one up by name (3,000 rows of 4: 12.6 against 25.8 ms).
        return [dict(zip(names, row)) for row in result]

    def ask(self, sparql: str) -> bool:
        return bool(self.store.query(_PREFIXES + sparql, use_default_graph_as_union=True))

    def exists(self, resource: ox.NamedNode) -> bool:
        r = str(resource)
        return self.ask(f"ASK {{ {{ {r} ?p ?o }} UNION {{ ?s ?p {r} }} }}")

    def graph_exists(self, graph: ox.NamedNode) -> bool:
        return self.ask(f"ASK {{ GRAPH {graph} {{ ?s ?p ?o }} }}")

    def objects(self, subject: ox.NamedNode, predicate: ox.NamedNode) -> list[Term]:
        """The objects of one subject and predicate in any graph, once each, by index lookup."""
        seen: dict[Term, None] = {}
        for quad in self.store.quads_for_pattern(subject, predicate, None, None):
            seen.setdefault(quad.object, None)  # type: ignore[arg-type]  # a quoted triple: none in the store (RDF 1.1)
        return list(seen)

    def labels(self, resources: Iterable[Term | None], langs: tuple[str, ...]) -> dict[str, str]:
        """A label per IRI (skos:prefLabel, then rdfs:label, then dcterms:title), in the reader's language.

        Looked up per IRI in the store's index: as one query (VALUES of the IRIs joined with
        ``?x ?p ?l``) Oxigraph scanned every triple, 4 s for 400 IRIs on 2,000 documents
        against 0.1 s this way."""
        iris = sorted({r.value for r in resources if isinstance(r, ox.NamedNode)})
        found: dict[str, dict[int, list[ox.Literal]]] = {}
        for iri in iris:
            node = ox.NamedNode(iri)
            for rank, predicate in enumerate(LABEL_PREDICATES):
                literals = [o for o in self.objects(node, predicate) if isinstance(o, ox.Literal)]
                if literals:
                    found.setdefault(iri, {})[rank] = literals
            if iri in found:
                continue
            # No label: a figure is named by its row and column, a warning or statement by its text.
            row, col = self.objects(node, BKG.rowLabel), self.objects(node, BKG.columnLabel)
            texts = [o for p in (BKG.statement, BKG.message, BKG.milestone) for o in self.objects(node, p)]
            text = f"{row[0].value} · {col[0].value}" if row and col else (texts[0].value if texts else "")
            if text:
                found[iri] = {9: [ox.Literal(text[:80])]}
        out: dict[str, str] = {}
        for iri, by_rank in found.items():
            # The reader's language wins over the predicate order.
            literals = [lit for rank in sorted(by_rank) for lit in by_rank[rank]]
            label = labels_mod.pick(literals, langs)
            if label:
                out[iri] = label
        return out

    # Row values are typed optional (an OPTIONAL leaves one unbound); these queries bind every
    # variable, and ?p is a predicate, so an IRI. Narrowing each value would cost a call per
    # value on every page (outgoing: up to MAX_OUTGOING rows).
    def outgoing(self, resource: ox.NamedNode) -> list[tuple[ox.NamedNode, Term]]:
        rows = self.select(f"SELECT DISTINCT ?p ?o WHERE {{ {resource} ?p ?o }} ORDER BY ?p ?o LIMIT {MAX_OUTGOING}")
        return [(row["p"], row["o"]) for row in rows]  # type: ignore[misc]  # bound, ?p an IRI (above)

    def incoming_counts(self, resource: ox.NamedNode) -> list[tuple[ox.NamedNode, int]]:
        rows = self.select(f"SELECT ?p (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s ?p {resource} }} GROUP BY ?p ORDER BY DESC(?n) ?p")
        return [(row["p"], int(row["n"].value)) for row in rows]  # type: ignore[misc,union-attr]  # bound (above)

    def incoming(self, resource: ox.NamedNode, predicate: ox.NamedNode, offset: int = 0, limit: int = INCOMING_PAGE) -> list[Term]:
        # In the store's index order (the same on every request until the store changes), not
        # ORDER BY ?s: sorting every subject first cost 2.5 s for a code's 14,000 figures on
        # 2,000 documents, to show 10 of them.
        rows = self.select(f"SELECT DISTINCT ?s WHERE {{ ?s {predicate} {resource} }} LIMIT {int(limit)} OFFSET {int(offset)}")
        return [row["s"] for row in rows]  # type: ignore[misc]  # bound (above)


@dataclass
class Description:
    resource: ox.NamedNode
    outgoing: list[tuple[ox.NamedNode, Term]]
    incoming_counts: list[tuple[ox.NamedNode, int]]
    labels: dict[str, str] = field(default_factory=dict)

    def values(self, predicate: ox.NamedNode) -> list[Term]:
        return [o for p, o in self.outgoing if p == predicate]

    def value(self, predicate: ox.NamedNode) -> Term | None:
        found = self.values(predicate)
        return found[0] if found else None

    def types(self) -> set[str]:
        from kg.vocabulary import RDF

        return {o.value for o in self.values(RDF.type)}

    def incoming_total(self) -> int:
        return sum(n for _, n in self.incoming_counts)


def describe(graph: Graph, resource: ox.NamedNode, langs: tuple[str, ...]) -> Description:
    # A unit's name pieces (kg.name_index) are a search index, not something the documents say:
    # a page listing them would show a dozen two-character fragments; its RDF (/data/) keeps them.
    outgoing = [(p, o) for p, o in graph.outgoing(resource) if p != BKG.nameBigram]
    counts = graph.incoming_counts(resource)
    shown: dict[ox.NamedNode, int] = {}
    objects = []
    for p, o in outgoing:  # labels only for the values a page shows (a code has a name per document)
        shown[p] = shown.get(p, 0) + 1
        if shown[p] <= OUTGOING_SHOWN:
            objects.append(o)
    linked: list[Term | None] = [resource, *(p for p, _ in outgoing), *objects, *(p for p, _ in counts)]
    return Description(resource, outgoing, counts, graph.labels(linked, langs))


def rdf_description(graph: Graph, resource: ox.NamedNode) -> list[ox.Triple]:
    """Outgoing triples, incoming links (up to MAX_INCOMING_RDF) and the labels of every linked IRI."""
    r = str(resource)
    triples: set[ox.Triple] = set()
    for row in graph.select(f"SELECT DISTINCT ?p ?o WHERE {{ {r} ?p ?o }} LIMIT {MAX_OUTGOING}"):
        triples.add(ox.Triple(resource, row["p"], row["o"]))  # type: ignore[arg-type]  # bound, ?p an IRI (Graph.outgoing)
    for row in graph.select(f"SELECT DISTINCT ?s ?p WHERE {{ ?s ?p {r} }} ORDER BY ?p ?s LIMIT {MAX_INCOMING_RDF}"):
        triples.add(ox.Triple(row["s"], row["p"], resource))  # type: ignore[arg-type]  # bound, ?p an IRI (Graph.outgoing)
    linked = {t.object for t in triples if t.subject == resource} | {t.subject for t in triples if t.object == resource}
    linked.discard(resource)
    iris = sorted(x.value for x in linked if isinstance(x, ox.NamedNode))
    for start in range(0, len(iris), 400):
        values = " ".join(str(ox.NamedNode(i)) for i in iris[start : start + 400])
        rows = graph.select(f"SELECT DISTINCT ?x ?p ?l WHERE {{ VALUES ?x {{ {values} }} VALUES ?p {{ skos:prefLabel rdfs:label }} ?x ?p ?l }}")
        for row in rows:
            triples.add(ox.Triple(row["x"], row["p"], row["l"]))  # type: ignore[arg-type]  # bound, ?p an IRI (Graph.outgoing)
    return sorted(triples, key=lambda t: (t.subject != resource, str(t.subject), str(t.predicate), str(t.object)))
