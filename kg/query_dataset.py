"""The dataset a SPARQL query names for itself: its FROM and FROM NAMED graphs.

Why this exists: while a large document is written in parts, its graphs are hidden from
readers (``kg.store.open_snapshot``). A query without FROM is narrowed to the visible graphs
by passing them as its dataset. A query with FROM names its graphs itself, and Oxigraph's
``default_graph`` / ``named_graphs`` options *replace* that dataset rather than intersect
with it, so a reader that wants to drop the hidden graphs from it needs the list the query
names. pyoxigraph 0.5 exposes no parsed query, so rdflib's SPARQL parser reads it: a real
grammar (comments, strings, prefixed names, BASE, relative IRIs), not a hand-written scan.
Only that window pays for it: the parse takes 3 ms for a one-pattern query and 67 ms for a
grouped one with OPTIONAL and FILTER; importing the parser takes 0.27 s, so it is imported
on the first call, not by every query worker at start-up.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class QueryDataset:
    """The graphs of a query's own dataset clause, as absolute IRIs, in the query's order."""

    default_graphs: tuple[str, ...]  # FROM: merged into the default graph
    named_graphs: tuple[str, ...]  # FROM NAMED: reachable with GRAPH


def query_dataset(sparql: str, base_iri: str | None = None) -> QueryDataset | None:
    """The FROM / FROM NAMED graphs of ``sparql``, or None when it names no dataset.

    Relative IRIs resolve against the query's BASE, else ``base_iri`` (the protocol's).
    Raises ``ValueError`` naming the problem when rdflib cannot read the query.
    """
    from pyparsing import ParseException
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        query = translateQuery(parseQuery(sparql), base=base_iri)
    except ParseException as error:
        raise ValueError(f"cannot read the query's dataset: {error}") from error
    except Exception as error:  # rdflib's translation raises bare Exceptions on odd prologues
        raise ValueError(f"cannot read the query's dataset: {type(error).__name__}: {error}") from error
    clauses = query.algebra.get("datasetClause") or []
    if not clauses:
        return None
    default = tuple(str(c["default"]) for c in clauses if "default" in c)
    named = tuple(str(c["named"]) for c in clauses if "named" in c)
    return QueryDataset(default_graphs=default, named_graphs=named)
