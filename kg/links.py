"""Links between documents of the same unit: a 决算 and its budget, one unit under two IRIs.

A document is parsed and mapped alone (in a worker process, possibly before or
after its counterpart), so what relates it to another document cannot be written
by its own mapping, and OWL RL reasoning runs per document too. Ingest therefore
recomputes these links from what the store holds after every batch, into one graph
of their own (``{base}graph/links``), replaced whole: whichever document of a pair
arrives first, the link appears when the second does, and it goes when either is
re-ingested without the facts that made it. One query over the union does it; on
1,000 generated budget + 决算 pairs it takes about 0.1 s (see the README).

- ``bkg:finalAccountsOf``: a final-accounts document -> the budget document with the
  same ``bkg:unit`` and ``bkg:fiscalYear`` (units are matched by normalised name when
  their IRIs are minted, ``kg.units``).
- ``owl:sameAs`` between two unit IRIs that print the same unit code (817001): names
  vary between documents and years; a code is the unit's identity where printed.
  Each match keeps its evidence: a ``bkg:UnitMatch`` naming both units and the code.
"""

from __future__ import annotations

import pyoxigraph as ox

from kg.iris import Iris
from kg.settings import Settings
from kg.store import GraphStore
from kg.vocabulary import BKG, OWL, RDF, sparql_prefixes

_PAIRS = """
SELECT DISTINCT ?final ?budget WHERE {
  ?final a bkg:FinalAccountsDocument ; bkg:unit ?unit ; bkg:fiscalYear ?year .
  ?budget a bkg:BudgetDocument ; bkg:unit ?unit ; bkg:fiscalYear ?year .
  FILTER NOT EXISTS { ?budget a bkg:FinalAccountsDocument }
}"""
_SAME_CODE = """
SELECT DISTINCT ?a ?b ?code WHERE {
  ?a a bkg:BudgetUnit ; bkg:unitCode ?code .
  ?b a bkg:BudgetUnit ; bkg:unitCode ?code .
  FILTER (STR(?a) < STR(?b))
}"""


def links_graph(settings: Settings) -> ox.NamedNode:
    return ox.NamedNode(f"{settings.base_iri}graph/links")


def link_quads(store: GraphStore, settings: Settings) -> list[ox.Quad]:
    """The links the store's documents imply, as quads of the links graph."""
    graph = links_graph(settings)
    iris = Iris(settings.base_iri)
    quads: list[ox.Quad] = []
    prefixes = sparql_prefixes() + "\n"
    for row in store.query(prefixes + _PAIRS):
        quads.append(ox.Quad(row["final"], BKG.finalAccountsOf, row["budget"], graph))
    for row in store.query(prefixes + _SAME_CODE):
        a, b, code = row["a"], row["b"], row["code"]
        quads.append(ox.Quad(a, OWL.sameAs, b, graph))
        match = ox.NamedNode(f"{iris.base}id/unit-match/{code.value}")
        quads.append(ox.Quad(match, RDF.type, BKG.UnitMatch, graph))
        quads.append(ox.Quad(match, BKG.matchedUnit, a, graph))
        quads.append(ox.Quad(match, BKG.matchedUnit, b, graph))
        quads.append(ox.Quad(match, BKG.unitCode, code, graph))
    return quads


def write_links(store: GraphStore, settings: Settings) -> int:
    """Replace the links graph with what the store implies now; the number of links written."""
    quads = link_quads(store, settings)
    store.replace_graph(links_graph(settings).value, quads)
    return len(quads)
