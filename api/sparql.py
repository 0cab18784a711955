"""The SPARQL 1.1 Protocol, request side: which operation a request carries.

``read_operation`` turns an HTTP request (``api.asgi.HttpRequest``, already
read) into a ``QueryOperation`` or an ``UpdateOperation`` (or ``None`` for a GET
without a query: the service description), and raises ``ProtocolError`` with
the status the protocol prescribes for anything malformed: 400 for a bad or
ambiguous request, 415 for a media type the operation does not take.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl

import pyoxigraph as ox

from api import lexer
from api.asgi import HttpRequest
from api.memo import text_cache


class ProtocolError(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


@dataclass(frozen=True)
class QueryOperation:
    query: str
    default_graphs: tuple[str, ...]
    named_graphs: tuple[str, ...]
    format_params: tuple[str, ...]  # format= / output= / results= values, in that order

    @property
    def has_protocol_dataset(self) -> bool:
        return bool(self.default_graphs or self.named_graphs)


@dataclass(frozen=True)
class UpdateOperation:
    update: str
    using_graphs: tuple[str, ...]
    using_named_graphs: tuple[str, ...]


Operation = QueryOperation | UpdateOperation

FORM = "application/x-www-form-urlencoded"
QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"


def _media_type(request: HttpRequest) -> tuple[str, dict[str, str]]:
    header = request.header("content-type") or ""
    media, *params = (part.strip() for part in header.split(";"))
    parsed = {}
    for param in params:
        key, _, value = param.partition("=")
        parsed[key.strip().lower()] = value.strip().strip('"').lower()
    return media.lower(), parsed


def _utf8(body: bytes, params: dict[str, str]) -> str:
    charset = params.get("charset")
    if charset not in (None, "utf-8", "utf8"):
        raise ProtocolError(415, f"the request body must be UTF-8, not {charset}")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ProtocolError(400, f"the request body is not valid UTF-8: {error}") from None


def _pairs(query_string: str | bytes) -> list[tuple[str, str]]:
    if isinstance(query_string, bytes):
        try:
            query_string = query_string.decode("ascii")
        except UnicodeDecodeError:
            raise ProtocolError(400, "the request parameters are not URL-encoded") from None
    try:
        return parse_qsl(query_string, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError as error:
        raise ProtocolError(400, f"a parameter is not valid UTF-8 once URL-decoded: {error}") from None


def _values(pairs: list[tuple[str, str]], name: str) -> list[str]:
    return [value for key, value in pairs if key == name]


def _iris(pairs: list[tuple[str, str]], name: str) -> tuple[str, ...]:
    """The values of a graph parameter, each an absolute IRI (400 otherwise).

    Checked here, not left to the engine: an invalid one used to reach
    ``ox.NamedNode`` in the worker and come back as a 500 (issue 14), and a
    using-graph-uri is written into the update's text between ``<`` and ``>``.
    """
    values = tuple(_values(pairs, name))
    for value in values:
        try:
            ox.NamedNode(value)
        except ValueError as error:
            raise ProtocolError(400, f"{name} {value[:200]!r} is not an absolute IRI: {error}") from None
    return values


def _single(pairs: list[tuple[str, str]], name: str) -> str | None:
    found = _values(pairs, name)
    if len(found) > 1:
        raise ProtocolError(400, f"the request has {len(found)} '{name}' parameters; give exactly one")
    return found[0] if found else None


def read_operation(request: HttpRequest) -> Operation | None:
    """The operation of a request to the SPARQL endpoint (``None``: GET without a query)."""
    if request.method != "POST":
        return _operation_in_url(request.query_string)
    pairs = _pairs(request.query_string)
    media, params = _media_type(request)
    if media in (QUERY_TYPE, UPDATE_TYPE):
        what = "query" if media == QUERY_TYPE else "update"
        if _values(pairs, "query") or _values(pairs, "update"):
            raise ProtocolError(400, f"the {what} is in the body; do not also give 'query' or 'update' parameters")
        text = _utf8(request.body, params)
        return _query(text, pairs) if media == QUERY_TYPE else _update(text, pairs)
    if media != FORM:
        if not media:
            raise ProtocolError(415, f"a POST needs a Content-Type: {FORM}, {QUERY_TYPE} or {UPDATE_TYPE}")
        raise ProtocolError(415, f"unsupported media type {media!r}; use {FORM}, {QUERY_TYPE} or {UPDATE_TYPE}")
    pairs = pairs + _pairs(_utf8(request.body, params).strip())
    query = _single(pairs, "query")
    update = _single(pairs, "update")
    if query is not None and update is not None:
        raise ProtocolError(400, "the request has both 'query' and 'update'; give one")
    if update is not None:
        return _update(update, pairs)
    if query is None:
        raise ProtocolError(400, "the form has no 'query' (or 'update') parameter")
    return _query(query, pairs)


@text_cache(maxsize=1024)
def _operation_in_url(query_string: bytes) -> Operation | None:
    """The operation of a GET (or HEAD): a function of its URL alone, so repeated requests are read once."""
    pairs = _pairs(query_string)
    query = _single(pairs, "query")
    if _single(pairs, "update") is not None:
        raise ProtocolError(400, "an update must be POSTed (form-encoded or application/sparql-update)")
    return None if query is None else _query(query, pairs)


def _query(text: str, pairs: list[tuple[str, str]]) -> QueryOperation:
    keyword = lexer.operation_keyword(text)
    if keyword in lexer.UPDATE_FORMS:
        raise ProtocolError(400, f"this is a SPARQL update ({keyword}), not a query; POST it to /update")
    if _values(pairs, "using-graph-uri") or _values(pairs, "using-named-graph-uri"):
        raise ProtocolError(400, "using-graph-uri and using-named-graph-uri belong to updates; a query takes default-graph-uri and named-graph-uri")
    return QueryOperation(
        text,
        _iris(pairs, "default-graph-uri"),
        _iris(pairs, "named-graph-uri"),
        tuple(v for name in ("format", "output", "results") for v in _values(pairs, name)),
    )


def _update(text: str, pairs: list[tuple[str, str]]) -> UpdateOperation:
    keyword = lexer.operation_keyword(text)
    if keyword in lexer.QUERY_FORMS:
        raise ProtocolError(400, f"this is a SPARQL query ({keyword}), not an update; send it to /sparql")
    if _values(pairs, "default-graph-uri") or _values(pairs, "named-graph-uri"):
        raise ProtocolError(400, "default-graph-uri and named-graph-uri belong to queries; an update takes using-graph-uri and using-named-graph-uri")
    return UpdateOperation(text, _iris(pairs, "using-graph-uri"), _iris(pairs, "using-named-graph-uri"))
