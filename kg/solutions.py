"""A SELECT's answer, typed: its rows and the terms bound in them.

pyoxigraph types a query's answer as the union of its three kinds (solutions, a boolean,
triples) and a solution's value as ``Any``, so mypy checks nothing a row is used for.
Where the query is known, these narrow both: a SELECT answers solutions, and a variable
the query binds to an IRI holds a NamedNode. A mismatch is a bug in the query, raised as
a TypeError that names the variable and what it held (an isinstance per value: the
links, report and shapes queries read at most a few thousand rows).
"""

from __future__ import annotations

import pyoxigraph as ox

Answer = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


def solutions(answer: Answer) -> ox.QuerySolutions:
    """The rows of a SELECT's answer."""
    if not isinstance(answer, ox.QuerySolutions):
        raise TypeError(f"expected the solutions of a SELECT, got {type(answer).__name__}")
    return answer


def term(row: ox.QuerySolution, name: str) -> Term | None:
    """The term bound to ``?name``; None when the row leaves it unbound (an OPTIONAL)."""
    value = row[name]
    if value is None or isinstance(value, Term):
        return value
    raise TypeError(f"?{name}: expected an RDF term, got {type(value).__name__}")


def bound(row: ox.QuerySolution, name: str) -> Term:
    """The term bound to ``?name``, which the query always binds."""
    value = term(row, name)
    if value is None:
        raise TypeError(f"?{name}: expected a bound variable, got none")
    return value


def named_node(row: ox.QuerySolution, name: str) -> ox.NamedNode:
    """The IRI bound to ``?name``."""
    value = bound(row, name)
    if not isinstance(value, ox.NamedNode):
        raise TypeError(f"?{name}: expected an IRI, got {value}")
    return value


def literal(row: ox.QuerySolution, name: str) -> ox.Literal:
    """The literal bound to ``?name``."""
    value = bound(row, name)
    if not isinstance(value, ox.Literal):
        raise TypeError(f"?{name}: expected a literal, got {value}")
    return value


def text(row: ox.QuerySolution, name: str) -> str | None:
    """The IRI or lexical form bound to ``?name`` (a blank node's id, a quoted triple's
    N-Triples); None when it is unbound."""
    value = term(row, name)
    if value is None:
        return None
    return str(value) if isinstance(value, ox.Triple) else value.value


def required_text(row: ox.QuerySolution, name: str) -> str:
    """The IRI or lexical form bound to ``?name``, which the query always binds."""
    value = text(row, name)
    if value is None:
        raise TypeError(f"?{name}: expected a bound variable, got none")
    return value
