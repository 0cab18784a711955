"""Constraints whose queries differ only in their final FILTER, run as one query.

The ``…-error`` / ``…-rounding`` pairs of identities.ttl and the grade-order family
share a query body: one query runs the body once and binds each FILTER's outcome. That
halves the identities' time; the shapes keep their own full ``sh:select`` for pyshacl
and other SHACL engines (tests/test_validation.py checks both give the same rows).
Text in, text out: the grouping reads the queries only, never the shapes graph.
"""

from __future__ import annotations

import re

from kg.validation.constraints import SparqlConstraint, SparqlGroup, Targets

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
    if m is None:  # split_final_filter matched it: only a body it returned comes here
        raise ValueError(f"expected a body of SELECT ?vars WHERE {{ …, got {body[:80]!r}")
    head = m["head"] + m["vars"] + " " + " ".join(flags) + m["rest"] + body[m.end() :]
    binds = "".join(f"  BIND(COALESCE(IF({expr}, 1, 0), 0) AS {flag})\n" for flag, expr in zip(flags, exprs))
    return head + binds + "  FILTER(" + " || ".join(f"{flag} = 1" for flag in flags) + ")\n}\n"


def group_constraints(sparqls: tuple[SparqlConstraint, ...]) -> tuple[SparqlGroup, ...]:
    # (targets, shared body) for a constraint that ends in a FILTER; else ("single", its IRI).
    by_body: dict[tuple[Targets, str] | tuple[str, str], list[tuple[SparqlConstraint, str]]] = {}
    for c in sparqls:
        split = split_final_filter(c.select)
        key: tuple[Targets, str] | tuple[str, str] = (c.targets, split[0]) if split else ("single", c.constraint)
        by_body.setdefault(key, []).append((c, split[1] if split else ""))
    groups = []
    for key, members in by_body.items():  # dicts keep the order of first appearance
        if len(members) == 1:
            groups.append(SparqlGroup((members[0][0],), None))
        else:
            groups.append(SparqlGroup(tuple(c for c, _ in members), _grouped_select(key[1], [e for _, e in members])))
    return tuple(groups)
