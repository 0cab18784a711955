"""rdflib's SPARQL evaluation, made fit for pyshacl's one query per focus node.

pyshacl runs each SHACL-SPARQL constraint once per focus node with ``$this`` pre-bound,
and rdflib evaluates a basic graph pattern in the order fixed when the query was
parsed (when ``$this`` was not yet bound) and applies a group's FILTER only after the
whole pattern is joined. A balance query (``$this`` … ``?c`` … ``?k`` in one table)
thus joined every pair of figures of the document for every focus node: 42 s for the
smallest example (5,081 triples), seed 003 unfinished after 6 CPU minutes.

Four changes to how a pattern is evaluated, none to what it means:

- a basic graph pattern takes next the triple pattern with most terms bound *now*
  (``$this`` first, then what it binds), in place of the parse-time order;
- each conjunct of a FILTER is also checked as soon as its variables are bound, in any
  basic graph pattern or BIND of the group below it (through joins, BINDs, UNIONs and the
  left side of OPTIONAL and MINUS, never into a sub-SELECT), with the values a lazy join
  brought in too; the FILTER still checks its whole expression at the end (EXISTS and
  NOT EXISTS only there). rdflib puts a group's FILTERs above the whole group, so
  fa-contents-table-missing (``?heading`` … ``FILTER(… = "目录")`` joined with every
  ``?entry`` line) joined every pair of text lines: the 决算 template PDF had not
  finished that one shape after 4 CPU minutes, nor the 财政局 PDF all its shapes after 5;
  now they take 2.3 and 20.5 CPU s for all their shapes;
- a join whose right side is a basic graph pattern passes it the left side's bindings
  (rdflib does so only where neither side holds a join);
- a sub-SELECT is evaluated once per values of the variables it mentions that are
  bound where it is evaluated (rdflib evaluates it anew for every focus node and every
  solution joined before it);

and two to what a pattern means, to follow SPARQL 1.1 as Oxigraph does: a ``GROUP BY``
over no solution gives no group (rdflib gives one empty solution), and a BIND does not
overwrite a value a lazy join brought in (the join of the two is empty).

The results are rdflib's: same algebra, same expression evaluation, same solutions
(tests/test_validation_pyshacl.py compares pyshacl with the Oxigraph engine).
The change applies to ``ValidationGraph`` only (a registered rdflib custom evaluation
that declines every other graph).
"""

from __future__ import annotations

import collections
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import rdflib
from rdflib.plugins.sparql import CUSTOM_EVALS, prepareQuery
from rdflib.plugins.sparql.aggregates import Aggregator
from rdflib.plugins.sparql.evalutils import _ebv, _eval
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.evaluate import evalLazyJoin, evalPart
from rdflib.plugins.sparql.sparql import AlreadyBound, FrozenBindings, Query, QueryContext, SPARQLError
from rdflib.query import Result
from rdflib.term import BNode, Identifier, Variable

_PUSHED = "_bkg_pushed"  # the conjuncts copied onto a BGP node of the algebra
Conjunct = tuple[Any, frozenset[Variable]]  # (expression, its variables); rdflib's algebra is untyped
Pattern = tuple[Identifier, Identifier, Identifier]  # a triple pattern of a BGP


@lru_cache(maxsize=1024)
def prepared_query(text: str) -> Query:
    """A query text parsed once per process, its filters pushed into its patterns. pyshacl sends
    the same text for every focus node; rdflib's parser (pyparsing) takes ~0.1 s for one of the
    identities' queries, and parsing anew for each cost 300 s on the smallest example."""
    prepared = prepareQuery(text)
    push_filters(prepared.algebra)
    return prepared


class ValidationGraph(rdflib.Graph):
    """The data graph pyshacl validates: its queries prepared by ``prepared_query`` and their
    basic graph patterns and sub-SELECTs evaluated by ``evaluate``."""

    def __init__(self) -> None:
        super().__init__()
        self.plans: dict[tuple[int, frozenset[Identifier]], Plan] = {}  # a BGP's order, by id of its algebra node and what is bound
        self.watched: dict[int, tuple[Identifier, ...]] = {}  # a BGP's variables and its checks', by id of its algebra node
        self.mentioned: dict[int, tuple[Variable, ...]] = {}  # a sub-SELECT's variables, by id of its algebra node
        self.subquery_rows: dict[tuple[int, tuple[Any, ...]], list[Row]] = {}  # a sub-SELECT's rows, by node and bound values

    def query(self, query_object: str | Query, *args: Any, **kwargs: Any) -> Result:
        if isinstance(query_object, str):
            query_object = prepared_query(query_object)
        return super().query(query_object, *args, **kwargs)


def _variables(expr: Any, out: set[Variable]) -> bool:
    """Add the variables of a filter expression to ``out``; False if it holds EXISTS or
    NOT EXISTS, whose value depends on the whole solution."""
    if isinstance(expr, Variable):
        out.add(expr)
    elif isinstance(expr, CompValue):
        if expr.name in ("Builtin_EXISTS", "Builtin_NOTEXISTS"):
            return False
        return all(_variables(v, out) for k, v in expr.items() if k != "_vars")
    elif isinstance(expr, (list, tuple)):
        return all(_variables(v, out) for v in expr)
    return True


def _conjuncts(expr: Any) -> list[Any]:
    if isinstance(expr, CompValue) and expr.name == "ConditionalAndExpression":
        return [c for e in [expr.expr, *(expr.other or [])] for c in _conjuncts(e)]
    return [expr]


# Where a filter's conjunct may be checked early: down through what keeps every binding of a
# solution it passes on (a join's sides, a BIND, another FILTER, either side of a UNION, an
# OPTIONAL's or MINUS's left side); never into a sub-SELECT, whose variables are its own.
_INTO = {"Extend": ("p",), "Filter": ("p",), "Join": ("p1", "p2"), "LeftJoin": ("p1",), "Minus": ("p1",), "Union": ("p1", "p2")}


def _sites(part: Any, out: list[CompValue]) -> list[CompValue]:
    """The BGPs and BINDs a FILTER over ``part`` can check its conjuncts in."""
    if isinstance(part, CompValue):
        if part.name in ("BGP", "Extend"):
            out.append(part)
        for key in _INTO.get(part.name, ()):
            _sites(part[key], out)
    return out


def push_filters(part: Any) -> None:
    """Copy each conjunct of a FILTER (without EXISTS) onto the BGPs and BINDs below it that
    ``_sites`` reaches; they check it once its variables are bound, which then have their
    final values (a join only adds compatible bindings, a BIND cannot rebind a variable).
    The FILTER still checks its whole expression at the end."""
    if isinstance(part, (list, tuple)):
        for p in part:
            push_filters(p)
        return
    if not isinstance(part, CompValue):
        return
    for key, value in list(part.items()):
        if key not in ("_vars", _PUSHED):
            push_filters(value)
    if part.name != "Filter":
        return
    pushed: list[Conjunct] = []
    for conjunct in _conjuncts(part.expr):
        names: set[Variable] = set()
        if _variables(conjunct, names) and names:
            pushed.append((conjunct, frozenset(names)))
    for site in _sites(part.p, []) if pushed else ():
        if site.name == "Extend":
            mine = [c for c in pushed if site.var in c[1]]
        else:
            mine = pushed
        if mine:
            site[_PUSHED] = (site[_PUSHED] if _PUSHED in site else []) + mine


Plan = tuple[tuple[Pattern, tuple[Any, ...]], ...]  # (triple pattern, the conjuncts to check once it matched), in order
Row = tuple[tuple[Variable, Identifier], ...]  # a solution's bindings


def _is_variable(term: Any) -> bool:
    return isinstance(term, (Variable, BNode))


def _rank(item: tuple[int, Pattern], known: frozenset[Identifier]) -> tuple[bool, int, int, int]:
    i, terms = item
    is_bound = [not _is_variable(t) or t in known for t in terms]
    by_variable = sum(b and _is_variable(t) for b, t in zip(is_bound, terms))
    return (is_bound[0], by_variable, sum(is_bound), -i)


def plan(triples: list[Pattern], bound: frozenset[Identifier], pushed: list[Conjunct]) -> Plan:
    """The order in which to match a BGP's triple patterns when ``bound`` variables are bound on
    entry: next the pattern whose subject is bound, then with most positions bound by
    variables already bound, then most bound; the parse order breaks ties. With each, the
    pushed conjuncts that its match completes."""
    known = set(bound)
    remaining = list(enumerate(triples))
    steps: list[tuple[Pattern, tuple[Any, ...]]] = []
    while remaining:
        now = frozenset(known)
        best = max(remaining, key=lambda item: _rank(item, now))
        remaining.remove(best)
        fresh = {t for t in best[1] if _is_variable(t) and t not in known}
        known |= fresh
        steps.append((best[1], tuple(expr for expr, names in pushed if names & fresh and names <= known)))
    return tuple(steps)


def _bgp(ctx: QueryContext, steps: Plan, at: int = 0) -> Iterator[FrozenBindings]:
    if at == len(steps):
        yield ctx.solution()
        return
    (s, p, o), checks = steps[at]
    _s, _p, _o = ctx[s], ctx[p], ctx[o]
    fresh = _s is None or _p is None or _o is None
    # rdflib types a context's graph as optional (it is set for every query evaluated) and its
    # items as str | Path (QueryContext.__getitem__, __setitem__); here they are the BGP's terms.
    for ss, sp, so in ctx.graph.triples((_s, _p, _o)):  # type: ignore[union-attr, arg-type]
        c = ctx.push() if fresh else ctx
        try:
            for term, found, value in ((s, _s, ss), (p, _p, sp), (o, _o, so)):
                if found is None:
                    c[term] = value  # type: ignore[assignment]  # a term, typed str by rdflib (above)
        except AlreadyBound:
            continue
        if checks:
            solution = c.solution()
            if not all(_ebv(expr, solution) for expr in checks):
                continue
        yield from _bgp(c, steps, at + 1)


def _bgp_of(ctx: QueryContext, part: CompValue) -> Iterator[FrozenBindings]:
    graph = ctx.graph
    assert isinstance(graph, ValidationGraph)
    watched = graph.watched.get(id(part))
    if watched is None:
        in_pattern = {t for triple in part.triples for t in triple if _is_variable(t)}
        in_checks = {name for _, names in (part[_PUSHED] if _PUSHED in part else []) for name in names}
        watched = graph.watched[id(part)] = tuple(in_pattern | in_checks)
    bound = frozenset(t for t in watched if ctx[t] is not None)
    key = (id(part), bound)
    steps = graph.plans.get(key)
    if steps is None:
        steps = graph.plans[key] = plan(list(part.triples), bound, part[_PUSHED] if _PUSHED in part else [])
    return _bgp(ctx, steps)


def _mentioned(part: Any, out: set[Variable]) -> set[Variable]:
    """Every variable that occurs anywhere in an algebra subtree."""
    if isinstance(part, Variable):
        out.add(part)
    elif isinstance(part, CompValue):
        for key, value in part.items():
            if key not in ("_vars", _PUSHED):
                _mentioned(value, out)
    elif isinstance(part, (list, tuple, set, frozenset)):
        for value in part:
            _mentioned(value, out)
    return out


def _subquery(ctx: QueryContext, part: CompValue) -> Iterator[FrozenBindings]:
    """A sub-SELECT, evaluated once per graph and per values of the variables it mentions that are
    bound where it is evaluated: rdflib evaluates it anew for every focus node and every
    solution of what is joined before it, though without ``$this`` it gives the same rows."""
    graph = ctx.graph
    assert isinstance(graph, ValidationGraph)
    mentioned = graph.mentioned.get(id(part))
    if mentioned is None:
        mentioned = graph.mentioned[id(part)] = tuple(sorted(_mentioned(part.p, set())))
    key = (id(part), tuple(ctx[v] for v in mentioned))
    rows = graph.subquery_rows.get(key)
    if rows is None:
        rows = graph.subquery_rows[key] = [tuple(row.items()) for row in evalPart(ctx, part.p)]
    return (FrozenBindings(ctx, row) for row in rows)


def _grouped(ctx: QueryContext, agg: CompValue) -> Iterator[FrozenBindings]:
    """``GROUP BY``: one solution per group, and none when nothing matched. rdflib's own
    evalAggregateJoin answers one empty solution then, as SPARQL does only without GROUP BY;
    joined with the rest of a query it binds nothing, and an aggregate over it raised
    NotBoundError (narrative-three-public on seed 000, which has no 三公 table 合计 row)."""
    groups: dict[tuple[Any, ...], Aggregator] = collections.defaultdict(lambda: Aggregator(aggregations=agg.A))
    for row in evalPart(ctx, agg.p):
        groups[tuple(_eval(e, row, False) for e in agg.p.expr)].update(row)
    for aggregator in groups.values():
        yield FrozenBindings(ctx, aggregator.get_bindings())


def _extend(ctx: QueryContext, extend: CompValue) -> Iterator[FrozenBindings]:
    """``BIND(expr AS ?v)`` as rdflib evaluates it, except that a solution in which ``?v`` already
    has another value is dropped: that value came in through a lazy join (SPARQL forbids BIND
    to a variable in scope), and the join of the two is empty. rdflib overwrote it, so
    ``$this bkg:figureKind ?kind . { BIND(bkg:figure-assets-total AS ?kind) } UNION …`` matched
    every narrative figure (narrative-assets on seed 000: 15 false violations)."""
    checks = extend[_PUSHED] if _PUSHED in extend else []
    for c in evalPart(ctx, extend.p):
        try:
            e = _eval(extend.expr, c.forget(ctx, _except=extend._vars))
            if isinstance(e, SPARQLError):
                raise e
            before = c.get(extend.var)
            if before is not None and before != e:
                continue
            solution = c.merge({extend.var: e})
        except SPARQLError:
            yield c
            continue
        if all(_ebv(expr, solution) for expr, names in checks if all(solution.get(n) is not None for n in names)):
            yield solution


def evaluate(ctx: QueryContext, part: CompValue) -> Iterator[FrozenBindings]:
    """rdflib custom evaluation (``CUSTOM_EVALS``) of a ``ValidationGraph``'s basic graph patterns
    and sub-SELECTs; declines (NotImplementedError) everything else and every other graph."""
    if not isinstance(ctx.graph, ValidationGraph):
        raise NotImplementedError
    if part.name == "BGP":
        return _bgp_of(ctx, part)
    if part.name == "ToMultiSet" and part.p.name != "values":
        return _subquery(ctx, part)
    if part.name == "Extend":
        return _extend(ctx, part)
    if part.name == "AggregateJoin" and part.p.expr is not None:
        return _grouped(ctx, part)
    if part.name == "Join" and not part.lazy and part.p2.name == "BGP":
        # rdflib joins lazily only where no side holds a join; a BGP on the right can always take
        # the left side's bindings (grade-overlap joined every pair of grade thresholds of the
        # document, for each focus node, before keeping its own)
        return evalLazyJoin(ctx, part)
    raise NotImplementedError


CUSTOM_EVALS.setdefault("budgetkg-validation", evaluate)
