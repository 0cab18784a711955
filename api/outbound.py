"""Refusing SERVICE and LOAD: the server never fetches another URL for a client.

Oxigraph evaluates ``SERVICE <url>`` by sending the query to ``url`` and
``LOAD <url>`` by downloading it, so either would let any client make the
server send requests to hosts only the server can reach (SSRF). An earlier
check read the request with our own regular-expression lexer; a query that hid
``SERVICE`` behind ``ex:p#'''`` (a comment to Oxigraph, a string to the lexer)
got through and the server POSTed to the listener (issue 14). So the check now
rests on a real SPARQL 1.1 grammar, rdflib's parser, which like Oxigraph
expands ``\\uXXXX`` escapes before it parses (SPARQL 1.1 §19.2), and reads
what the operation does from the parse tree, not from the words.

A request that cannot be spelled with SERVICE or LOAD is not parsed twice: the
keywords are ASCII and case-insensitive, so without the letters "service" or
"load" in any case, and without a ``\\u``/``\\U`` escape that could spell them,
no parser can find either. rdflib's parser costs about 1.4 ms for a short query
(measured here), which the point lookups of the hot path need not pay.

This is the first of two guards. ``api.sandbox`` makes the serving process
unable to open internet sockets at all, so a query that a future parser
difference lets through still reaches nobody.
"""

from __future__ import annotations

from typing import Literal

from pyparsing import ParseBaseException, ParseResults
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

# Parse-tree nodes (rdflib's names) whose evaluation opens a connection.
_OUTBOUND_NODES = {"ServiceGraphPattern": "SERVICE", "Load": "LOAD"}


class OutboundRefused(Exception):
    """The operation would make the server contact another URL, or could not be checked."""


def needs_grammar(text: str) -> bool:
    """Whether the text could spell SERVICE or LOAD, so that only the grammar can tell.

    The grammar costs about 9 ms per KiB (0.66 s for a 74 KB query, measured
    here): the endpoint reads such a request off the event loop.
    """
    folded = text.casefold()
    return "service" in folded or "load" in folded or "\\u" in folded


def outbound_operations(text: str, form: Literal["query", "update"]) -> list[str]:
    """The outbound keywords (``SERVICE``, ``LOAD``) the operation uses, sorted.

    Raises ``OutboundRefused`` when the text could spell one but is not
    SPARQL 1.1 that the grammar can read: such a request is refused rather
    than passed to the engine unchecked.
    """
    if not needs_grammar(text):
        return []
    parse = parseQuery if form == "query" else parseUpdate
    try:
        tree = parse(text)
    except (ParseBaseException, ValueError, TypeError) as error:
        raise OutboundRefused(f"this {form} could not be checked for SERVICE or LOAD, which the server refuses: it is not SPARQL 1.1 the checker can read ({_first_line(error)})") from None
    return sorted(_found(tree))


def _found(node: object) -> set[str]:
    found: set[str] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            keyword = _OUTBOUND_NODES.get(item.name)
            if keyword:
                found.add(keyword)
            stack.extend(item.values())
        elif isinstance(item, (ParseResults, list, tuple)):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
    return found


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
