"""Lookups: queries cheap enough to answer in the server's event loop.

Every query normally goes to a worker process (``api.executor``), because only
killing a process really stops a query. The hop costs about as much as Oxigraph
takes to look a resource up, which made the commonest query, "everything about
this IRI" (``SELECT ?p ?o { <iri> ?p ?o }``), twice as slow as on the Oxigraph
server. A *lookup* is a query whose work is bounded by its output:

* ``SELECT`` with plain variables (or ``*``) and no DISTINCT/REDUCED, or ``ASK``;
* a ``WHERE`` of exactly one triple pattern: no FILTER, OPTIONAL, GRAPH,
  property path or second pattern, and no variable used twice in it;
* no GROUP BY, ORDER BY, OFFSET, VALUES, FROM or subquery; at most ``LIMIT n``.

Oxigraph answers one triple pattern with a range scan of an index in which every
entry it reads is a solution, and writes each solution as it comes. So a lookup
run with ``LIMIT BUDGET_ROWS + 1`` reads at most that many entries: it is run in
the event loop so, Oxigraph writing its answer straight to bytes, and one that
may have more rows than ``BUDGET_ROWS`` is handed to a worker like any other
query (the aborted attempt costs well under a millisecond). Its rows are
counted from the bytes (``api.results.rows_at_most``): exactly in XML and TSV,
from above in CSV and JSON (a JSON row writes a brace per bound variable too, so
a two-variable lookup stays in the loop up to 333 rows). A lookup with a
LIMIT of its own above the budget is run with a writer that gives up past
``BUDGET_BYTES`` of output instead: 12 µs more a point lookup than bytes (85
against 73 µs of CPU, medians of 30 x 1,000 interleaved, in-process). See
``run_in_loop``.
"""

from __future__ import annotations

import re

import pyoxigraph as ox

from api import lexer
from api.executor import Outcome, QueryJob, execute
from api.lexer import Token
from api.memo import text_cache

# Longest query text considered: parsing is work too.
MAX_QUERY_CHARS = 2_000
# Output written in the event loop before the lookup is handed to a worker.
BUDGET_BYTES = 64 * 1024
# Rows answered in the event loop: a point lookup has a few dozen.
BUDGET_ROWS = 1000

_PNAME = re.compile(r"(?:[^\W\d][\w.-]*)?:(?:[\w:-]+(?:\.[\w:-]+)*)?")
_PROLOGUE = frozenset({"PREFIX", "BASE"})


def _term(token: Token, positions: str) -> bool:
    """Whether ``token`` is a plain RDF term or variable allowed in ``positions``."""
    if token.kind == "var":
        return True
    if token.kind == "iri":
        return True
    if token.kind == "pname":  # a blank node label (_:b) is a variable in disguise: not allowed
        return not token.text.startswith("_:") and _PNAME.fullmatch(token.text) is not None
    return positions == "p" and token.kind == "word" and token.text == "a"


def _object(group: list[Token]) -> int:
    """How many tokens the object at the start of ``group`` takes (0: not a plain object)."""
    if not group:
        return 0
    first = group[0]
    if _term(first, "o"):
        return 1
    if first.kind == "number" or (first.kind == "word" and first.text in ("true", "false")):
        return 1
    if first.kind == "string":
        if len(group) > 1 and group[1].kind == "lang":
            return 2
        if len(group) > 3 and group[1].text == "^" and group[2].text == "^" and _term(group[3], "o") and group[3].kind != "var":
            return 4
        return 1
    return 0


def _single_pattern(group: list[Token]) -> bool:
    if len(group) < 3 or group[0].kind not in ("iri", "pname", "var") or not _term(group[0], "s") or not _term(group[1], "p"):
        return False
    taken = _object(group[2:])
    if not taken:
        return False
    rest = group[2 + taken :]
    if rest and [t.text for t in rest] != ["."]:
        return False
    variables = [t.text[1:] for t in group[: 2 + taken] if t.kind == "var"]
    return len(variables) == len(set(variables))


@text_cache(maxsize=512)
def is_lookup(text: str) -> bool:
    """Whether ``text`` is a lookup (see the module docstring); anything unsure is not."""
    if len(text) > MAX_QUERY_CHARS:
        return False
    tokens = list(lexer.tokens(text))
    i = 0
    while i < len(tokens) and tokens[i].kind == "word" and tokens[i].text.upper() in _PROLOGUE:
        if tokens[i].text.upper() == "PREFIX":
            if i + 2 >= len(tokens) or tokens[i + 1].kind != "pname" or tokens[i + 2].kind != "iri":
                return False
            i += 3
        else:
            if i + 1 >= len(tokens) or tokens[i + 1].kind != "iri":
                return False
            i += 2
    if i >= len(tokens) or tokens[i].kind != "word":
        return False
    form = tokens[i].text.upper()
    i += 1
    if form == "SELECT":
        start = i
        while i < len(tokens) and (tokens[i].kind == "var" or tokens[i].text == "*"):
            i += 1
        if i == start:
            return False  # DISTINCT, REDUCED, an expression or nothing
    elif form != "ASK":
        return False
    if i < len(tokens) and tokens[i].kind == "word" and tokens[i].text.upper() == "WHERE":
        i += 1
    if i >= len(tokens) or tokens[i].kind != "open":
        return False
    try:
        close = next(j for j in range(i + 1, len(tokens)) if tokens[j].kind in ("open", "close"))
    except StopIteration:
        return False
    if tokens[close].kind != "close" or not _single_pattern(tokens[i + 1 : close]):
        return False
    tail = tokens[close + 1 :]
    if not tail:
        return True
    return len(tail) == 2 and tail[0].kind == "word" and tail[0].text.upper() == "LIMIT" and tail[1].kind == "number" and tail[1].text.isdigit()


def can_answer(job: QueryJob, max_rows: int) -> bool:
    """Whether ``job`` may run in the loop: a lookup on the server's default dataset.

    Every format writes at least one byte per row, so a lookup that stays within
    the budget has at most ``BUDGET_BYTES`` rows: the row cap cannot cut it when
    it is at least that.
    """
    return job.default_graphs is None and job.named_graphs is None and max_rows >= BUDGET_BYTES and is_lookup(job.sparql)


@text_cache(maxsize=512)
def bounded_text(text: str) -> str | None:
    """The lookup ``text`` with ``LIMIT BUDGET_ROWS + 1`` (itself if it has a LIMIT within the
    budget, or is an ASK); None when its own LIMIT is larger."""
    if any(word.text == "LIMIT" and word.depth == 0 for word in lexer.words(text)):
        limit = lexer.top_level_limit(text)  # None when it cannot be read (a comment before the number)
        return text if limit is not None and limit <= BUDGET_ROWS else None
    if lexer.operation_keyword(text) != "SELECT":
        return text
    # On a line of its own: the text may end in a comment. is_lookup saw no LIMIT in the text.
    return f"{text}\nLIMIT {BUDGET_ROWS + 1}"


def run_in_loop(store: ox.Store, job: QueryJob) -> Outcome | None:
    """The outcome of the lookup ``job``, or None when it has more than the budget.

    None means: nothing was sent, hand the job to a worker.
    """
    text = bounded_text(job.sparql)
    if text is None:
        outcome = execute(store, job, max_bytes=BUDGET_BYTES)
    else:
        outcome = execute(store, job, sparql=text, max_solutions=BUDGET_ROWS)
    return None if outcome.status == "too-large" else outcome
