"""Links between documents of the same unit: a 决算 and its budget, one unit under two IRIs.

A document is parsed and mapped alone (in a worker process, possibly before or
after its counterpart), so what relates it to another document cannot be written
by its own mapping, and OWL RL reasoning runs per document too. Ingest therefore
links the documents of each batch, once the batch is committed, into one graph of
their own (``{base}graph/links``): whichever document of a pair arrives first, the
link appears when the second does, and it goes when either is re-ingested without
the facts that made it.

Only what the batch touched is re-linked (``relink``): the links of its documents
and of the unit codes its units print are deleted and found again by queries bound
to those documents and codes (VALUES), in one update; the rest of the graph stays.
A link joins two documents' own facts (or two units' codes), so the links of
documents and codes outside the batch cannot have changed, and the result equals
the full recompute (``link_quads``; tests/test_links.py ingests pairs in batches
and orders and compares). Recomputing everything after every batch took 1.1 s at 100
generated documents, 9.3 s at 500 and 22.8 s at 1,000 (bench/bench_flat_costs.py, on
a loaded machine). Re-linking one document of a 300-document store now takes 0.9 ms of
CPU, 10 documents 2.4 ms, 100 documents 18 ms: it grows with the batch; a batch of 100
took 0.020 s of CPU at 100 documents and 0.067 s at 1,000 (the store's reads get slower
as it grows, the queries read no more).

- ``bkg:finalAccountsOf``: a final-accounts document -> the budget document with the
  same ``bkg:unit`` and ``bkg:fiscalYear`` (units are matched by normalised name when
  their IRIs are minted, ``kg.units``).
- ``owl:sameAs`` between two unit IRIs that print the same unit code (817001): names
  vary between documents and years; a code is the unit's identity where printed.
  Each match keeps its evidence: a ``bkg:UnitMatch`` naming both units and the code.
"""

from __future__ import annotations

from typing import Iterable, Sequence

import pyoxigraph as ox

from kg.iris import Iris
from kg.settings import Settings
from kg.solutions import literal, named_node, solutions
from kg.store import GraphStore
from kg.vocabulary import BKG, OWL, RDF, sparql_prefixes

# A 决算 and a budget of the same unit and year, found from either end ({values}: the
# batch's documents, or none for the whole store). The other end is looked up through
# dcterms:publisher, which only documents carry (a document's publisher is its unit):
# through bkg:unit, which every figure carries too, Oxigraph read the unit's figures or
# every document of the store (0.8 s of CPU to re-link 100 documents of a 200-document
# store written as one group; 7 ms for one document of 300 with the known end bound
# first; 0.2 ms this way, flat as the store grows).
_PAIRS_BY_FINAL = """
SELECT DISTINCT ?final ?budget WHERE {{
  {values}
  ?final a bkg:FinalAccountsDocument ; dcterms:publisher ?unit ; bkg:unit ?unit ; bkg:fiscalYear ?year .
  ?budget dcterms:publisher ?unit . ?budget a bkg:BudgetDocument ; bkg:unit ?unit ; bkg:fiscalYear ?year .
  FILTER NOT EXISTS {{ ?budget a bkg:FinalAccountsDocument }}
}}"""
_PAIRS_BY_BUDGET = """
SELECT DISTINCT ?final ?budget WHERE {{
  {values}
  ?budget a bkg:BudgetDocument ; dcterms:publisher ?unit ; bkg:unit ?unit ; bkg:fiscalYear ?year .
  FILTER NOT EXISTS {{ ?budget a bkg:FinalAccountsDocument }}
  ?final dcterms:publisher ?unit . ?final a bkg:FinalAccountsDocument ; bkg:unit ?unit ; bkg:fiscalYear ?year .
}}"""
_SAME_CODE = """
SELECT DISTINCT ?a ?b ?code WHERE {{
  {code}
  ?a a bkg:BudgetUnit ; bkg:unitCode ?code .
  ?b a bkg:BudgetUnit ; bkg:unitCode ?code .
  FILTER (STR(?a) < STR(?b))
}}"""
# The unit codes printed by the units of the batch's documents (单位代码).
_UNIT_CODES = """
SELECT DISTINCT ?code WHERE {{
  VALUES ?document {{ {documents} }}
  ?document bkg:unit ?unit . ?unit bkg:unitCode ?code .
}}"""


def links_graph(settings: Settings) -> ox.NamedNode:
    return ox.NamedNode(f"{settings.base_iri}graph/links")


def _values(variable: str, terms: Iterable[ox.NamedNode | ox.Literal]) -> str:
    return f"VALUES ?{variable} {{ {' '.join(str(t) for t in terms)} }}"


def _pair_quads(store: GraphStore, graph: ox.NamedNode, query: str, values: str) -> list[ox.Quad]:
    rows = solutions(store.query(sparql_prefixes() + query.format(values=values)))
    return [ox.Quad(named_node(row, "final"), BKG.finalAccountsOf, named_node(row, "budget"), graph) for row in rows]


def _match_quads(store: GraphStore, settings: Settings, code: str) -> list[ox.Quad]:
    graph = links_graph(settings)
    quads: list[ox.Quad] = []
    for row in solutions(store.query(sparql_prefixes() + _SAME_CODE.format(code=code))):
        a, b, printed = named_node(row, "a"), named_node(row, "b"), literal(row, "code")
        quads.append(ox.Quad(a, OWL.sameAs, b, graph))
        match = ox.NamedNode(f"{Iris(settings.base_iri).base}id/unit-match/{printed.value}")
        quads.append(ox.Quad(match, RDF.type, BKG.UnitMatch, graph))
        quads.append(ox.Quad(match, BKG.matchedUnit, a, graph))
        quads.append(ox.Quad(match, BKG.matchedUnit, b, graph))
        quads.append(ox.Quad(match, BKG.unitCode, printed, graph))
    return quads


def link_quads(store: GraphStore, settings: Settings) -> list[ox.Quad]:
    """The links the store's documents imply, as quads of the links graph (the full recompute)."""
    return _pair_quads(store, links_graph(settings), _PAIRS_BY_FINAL, "") + _match_quads(store, settings, "")


def write_links(store: GraphStore, settings: Settings) -> int:
    """Replace the links graph with what the whole store implies now; the number of link quads written."""
    quads = link_quads(store, settings)
    store.replace_graph(links_graph(settings).value, quads)
    return len(quads)


def relink(store: GraphStore, settings: Settings, document_ids: Sequence[str]) -> int:
    """Re-link what the just-committed documents touch, in one update; the number of link quads
    written (the links of other documents and codes are left as they are)."""
    if not document_ids:
        return 0
    iris = Iris(settings.base_iri)
    graph = links_graph(settings)
    documents = [iris.document(d) for d in document_ids]
    codes = [literal(row, "code") for row in solutions(store.query(sparql_prefixes() + _UNIT_CODES.format(documents=" ".join(str(d) for d in documents))))]
    quads = _pair_quads(store, graph, _PAIRS_BY_FINAL, _values("final", documents)) + _pair_quads(store, graph, _PAIRS_BY_BUDGET, _values("budget", documents))
    if codes:
        quads += _match_quads(store, settings, _values("code", codes))
    store.update(_relink_update(graph, documents, codes, quads))
    return len(quads)


def _relink_update(graph: ox.NamedNode, documents: list[ox.NamedNode], codes: list[ox.Literal], quads: list[ox.Quad]) -> str:
    """Delete the batch's old links and insert the new ones: one SPARQL update, one transaction,
    so readers never see the links graph without them."""
    parts = [
        f"DELETE {{ GRAPH {graph} {{ ?document {BKG.finalAccountsOf} ?other }} }} WHERE {{ {_values('document', documents)} GRAPH {graph} {{ ?document {BKG.finalAccountsOf} ?other }} }}",
        f"DELETE {{ GRAPH {graph} {{ ?other {BKG.finalAccountsOf} ?document }} }} WHERE {{ {_values('document', documents)} GRAPH {graph} {{ ?other {BKG.finalAccountsOf} ?document }} }}",
    ]
    if codes:
        # A UnitMatch per code names every unit printing it; their sameAs links go with it.
        parts.append(
            f"DELETE {{ GRAPH {graph} {{ ?a {OWL.sameAs} ?b }} }} WHERE {{ {_values('code', codes)} GRAPH {graph} {{ ?match {BKG.unitCode} ?code ; {BKG.matchedUnit} ?a , ?b . ?a {OWL.sameAs} ?b }} }}"
        )
        parts.append(f"DELETE {{ GRAPH {graph} {{ ?match ?p ?o }} }} WHERE {{ {_values('code', codes)} GRAPH {graph} {{ ?match a {BKG.UnitMatch} ; {BKG.unitCode} ?code ; ?p ?o }} }}")
    body = "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads)
    parts.append(f"INSERT DATA {{ GRAPH {graph} {{\n{body}\n}} }}")
    return " ;\n".join(parts)
