"""The SPARQL endpoint: /sparql (query, service description, UI) and /update.

``SparqlService`` is a plain ASGI app that ``api.app`` puts in front of the
FastAPI router for these two paths (see ``api.asgi`` for why). It reads the
whole request, works out the operation (``api.sparql``), hands queries to the
runner (``api.executor``) and sends the bytes it gets back.
"""

from __future__ import annotations

import asyncio
import logging
import re
import threading
from typing import Callable

from starlette.types import Receive, Scope, Send

from api import cors, lexer, lookups, negotiation, outbound, service_description, ui
from api.asgi import HttpRequest, HttpResponse, RequestRefused, plain_text, read_request, send_response
from api.config import ServerConfig
from api.executor import Outcome, QueryJob, ThreadRunner, TieredRunner
from api.memo import MAX_KEPT_CHARS, text_cache
from api.authority import authorise_update
from api.safety import TRUNCATED_HEADER, refuse_outbound
from api.sparql import ProtocolError, QueryOperation, UpdateOperation, read_operation
from kg.store import OxigraphStore
from kg.vocabulary import PREFIXES

QUERY_PATH = "/sparql"
UPDATE_PATH = "/update"
_METHODS = {QUERY_PATH: "GET, POST, HEAD, OPTIONS", UPDATE_PATH: "POST, OPTIONS"}
_ALLOWED = {path: frozenset(methods.split(", ")) for path, methods in _METHODS.items()}
_KIND_OF: dict[str, negotiation.Kind] = {"SELECT": "solutions", "ASK": "boolean", "CONSTRUCT": "graph", "DESCRIBE": "graph"}
log = logging.getLogger("budgetkg.api")
_POSITION = re.compile(r"at (\d+):(\d+)")
# Seconds a client refused for load should wait: a busy worker frees in about
# the time of one query, and most queries here take well under a second.
RETRY_AFTER_S = "1"
# A GET's query string, Accept header and origin (scheme://host[:port]root_path).
_PreparedKey = tuple[bytes, str | None, str]
# GET requests whose prepared job the endpoint keeps (each key at most MAX_KEPT_CHARS long).
_PREPARED_KEPT = 1024


def _syntax_message(kind: str, text: str, message: str) -> str:
    """The parser's message, with the offending line and a caret under the column."""
    out = f"{kind} syntax error: {message}"
    match = _POSITION.search(message)
    if match:
        line_no, column = int(match.group(1)), int(match.group(2))
        lines = text.splitlines()
        if 1 <= line_no <= len(lines):
            out += f"\n  {lines[line_no - 1]}\n  {' ' * max(0, column - 1)}^"
    return out


@text_cache(maxsize=1024)
def prepare_query(operation: QueryOperation, accept: str | None, base_iri: str, max_rows: int) -> tuple[QueryJob, bool]:
    """The job for a query request, and whether it may run in the event loop (``api.lookups``).

    A pure function of the request, so a repeated request (a dashboard's, a
    page's) is prepared once. Raises ``ProtocolError`` for SERVICE/LOAD (400) and
    for an Accept header no result of this query form can meet (406).
    """
    refuse_outbound(operation.query, "query")
    formats = negotiation.choose_all(accept, operation.format_params)
    keyword = lexer.operation_keyword(operation.query)
    kind = _KIND_OF.get(keyword or "")
    if kind is not None and formats[kind] is None:
        raise ProtocolError(406, f"a {keyword} result is available as {negotiation.offered(kind)}")
    job = QueryJob(
        sparql=operation.query,
        default_graphs=operation.default_graphs if operation.has_protocol_dataset else None,
        named_graphs=operation.named_graphs if operation.has_protocol_dataset else None,
        query_has_dataset=any(w.text == "FROM" and w.depth == 0 for w in lexer.words(operation.query)),
        base_iri=base_iri,
        formats=formats,
        max_rows=max_rows,
        prefixes=PREFIXES,
        solution_limit=lexer.top_level_limit(operation.query) if keyword == "SELECT" else None,
    )
    return job, lookups.can_answer(job, max_rows)


class SparqlService:
    """The ASGI app for ``paths``; ``api.app`` routes requests for them here."""

    paths = frozenset(_METHODS)

    def __init__(self, config: ServerConfig, store: OxigraphStore, runner: TieredRunner | ThreadRunner, on_write: Callable[[], None] = lambda: None) -> None:
        self.config = config
        self.store = store
        self.runner = runner
        self.on_write = on_write  # told after each update (api.health counts them)
        self._update_lock = threading.Lock()
        # Prepared GET queries (see _prepared_key), oldest first. A repeated GET (the
        # commonest request: a page's, a dashboard's) then skips reading its URL,
        # negotiating and preparing its job, each behind a cache of its own.
        self._prepared: dict[_PreparedKey, tuple[QueryOperation, QueryJob, bool]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            request = await read_request(
                scope,
                receive,
                self.config.max_request_bytes,
                max_header_bytes=self.config.max_header_bytes,
                read_timeout_s=self.config.read_timeout_s,
            )
        except RequestRefused as error:
            response = error.response()
        else:
            try:
                response = await self.respond(request)
            except Exception:  # a bug, not bad input: log it, answer 500, keep serving
                log.exception("%s %s failed", request.method, request.path)
                response = plain_text(500, "Internal error while answering this request; the server log has the details.")
        cors.add_simple_headers(response.headers)
        await send_response(send, response, head=scope["method"] == "HEAD")

    async def respond(self, request: HttpRequest) -> HttpResponse:
        allowed = _METHODS[request.path]
        if cors.is_preflight(request):
            return cors.preflight(request, allowed)
        if request.method not in _ALLOWED[request.path]:
            return plain_text(405, f"{request.path} takes {allowed}, not {request.method}", {"Allow": allowed})
        if request.method == "OPTIONS":
            return HttpResponse(204, headers={"Allow": allowed})
        if request.path == QUERY_PATH:
            return await self.query_endpoint(request)
        return await self.update_endpoint(request)

    # -- /sparql ---------------------------------------------------------------

    async def query_endpoint(self, request: HttpRequest) -> HttpResponse:
        try:
            key = self._prepared_key(request)
            prepared = self._prepared.get(key) if key is not None else None
            if prepared is not None:
                response = await self._answer(*prepared)
            else:
                operation = read_operation(request)
                if operation is None:
                    response = self._description_or_ui(request)
                elif isinstance(operation, UpdateOperation):
                    response = await self._update(request, operation)
                else:
                    response = await self._query(request, operation, key)
        except ProtocolError as error:
            response = plain_text(error.status, error.message, error.headers)
        response.headers["Vary"] = "Accept"
        return response

    @staticmethod
    def _prepared_key(request: HttpRequest) -> _PreparedKey | None:
        """What a GET's (or HEAD's) query job depends on: its URL's parameters, Accept and origin.

        None for a POST (its body is read each time) and for a key too long to keep (``api.memo``).
        """
        if request.method == "POST":
            return None
        accept = request.header("accept")
        if len(request.query_string) + len(accept or "") + len(request.origin) > MAX_KEPT_CHARS:
            return None
        return (request.query_string, accept, request.origin)

    def _endpoint_iri(self, request: HttpRequest, path: str = QUERY_PATH) -> str:
        return request.origin + path

    def _description_or_ui(self, request: HttpRequest) -> HttpResponse:
        accept = request.header("accept")
        fmt = negotiation.choose("graph", accept)
        html_q = negotiation.explicitly_accepts(accept, "text/html")
        if html_q > 0 and (fmt is None or html_q >= negotiation.quality(negotiation.parse_accept(accept), fmt.media_type)):
            return HttpResponse(200, ui.page(QUERY_PATH).encode(), "text/html; charset=utf-8")
        if fmt is None:
            raise ProtocolError(406, f"the service description is available as {negotiation.offered('graph')} and text/html")
        triples = service_description.description(
            self._endpoint_iri(request),
            self.store.graphs(),
            update=self.config.updates_enabled,
            update_endpoint=self._endpoint_iri(request, UPDATE_PATH) if self.config.updates_enabled else None,
        )
        return HttpResponse(200, service_description.serialize(triples, fmt.rdf_format), fmt.content_type)

    async def _query(self, request: HttpRequest, operation: QueryOperation, key: _PreparedKey | None = None) -> HttpResponse:
        accept = negotiation.bounded(request.header("accept"))  # so a long Accept is prepared from the cache too
        endpoint, max_rows = self._endpoint_iri(request), self.config.max_rows
        if outbound.needs_grammar(operation.query):  # a grammar parse: never on the event loop
            job, in_loop = await asyncio.to_thread(prepare_query, operation, accept, endpoint, max_rows)
        else:
            job, in_loop = prepare_query(operation, accept, endpoint, max_rows)
        if key is not None:
            if len(self._prepared) >= _PREPARED_KEPT:
                del self._prepared[next(iter(self._prepared))]  # the oldest
            self._prepared[key] = (operation, job, in_loop)
        return await self._answer(operation, job, in_loop)

    async def _answer(self, operation: QueryOperation, job: QueryJob, in_loop: bool) -> HttpResponse:
        outcome = lookups.run_in_loop(self.store.oxigraph, job) if in_loop else None
        if outcome is None:
            outcome = await self.runner.run(job, self.config.query_timeout_s)
        return self._query_response(operation, outcome)

    def _query_response(self, operation: QueryOperation, outcome: Outcome) -> HttpResponse:
        if outcome.status == "ok":
            headers = {TRUNCATED_HEADER: str(self.config.max_rows)} if outcome.truncated else {}
            return HttpResponse(200, outcome.body, negotiation.BY_NAME[outcome.format_name].content_type, headers)
        if outcome.status == "syntax":
            return plain_text(400, _syntax_message("Query", operation.query, outcome.message))
        if outcome.status == "not-acceptable":
            # A not-acceptable outcome's kind is a negotiation.Kind (execute sets it); Outcome keeps a str.
            detail = outcome.message or f"a {outcome.kind} result is available as {negotiation.offered(outcome.kind)}"  # type: ignore[arg-type]
            return plain_text(406, detail)
        if outcome.status == "busy":
            return plain_text(503, f"The server is busy ({outcome.message}); try again shortly.", {"Retry-After": RETRY_AFTER_S})
        if outcome.status == "timeout":
            if outcome.message:  # it never reached a worker: the query itself may be fine
                return plain_text(
                    503,
                    f"The query waited {self.config.query_timeout_s:g} s for a worker ({outcome.message}); try again shortly.",
                    {"Retry-After": RETRY_AFTER_S},
                )
            return plain_text(
                503,
                f"The query did not finish within the {self.config.query_timeout_s:g} s limit and was stopped. Narrow it (a LIMIT, a more selective pattern) and try again.",
            )
        return plain_text(500, f"The query failed: {outcome.message}")

    # -- /update ---------------------------------------------------------------

    async def update_endpoint(self, request: HttpRequest) -> HttpResponse:
        try:
            operation = read_operation(request)
            if isinstance(operation, QueryOperation):
                raise ProtocolError(400, "this endpoint takes SPARQL updates; send queries to /sparql")
            if operation is None:
                raise ProtocolError(400, "the request has no update")
            return await self._update(request, operation)
        except ProtocolError as error:
            return plain_text(error.status, error.message, error.headers)

    async def _update(self, request: HttpRequest, operation: UpdateOperation) -> HttpResponse:
        authorise_update(request, self.config)
        text = operation.update
        if operation.using_graphs or operation.using_named_graphs:
            if lexer.has_update_dataset_clause(text):
                raise ProtocolError(400, "the update names its dataset with USING/WITH and the request with using-graph-uri/using-named-graph-uri; give one")
            text = lexer.add_using_clauses(text, list(operation.using_graphs), list(operation.using_named_graphs))
        # Checked on the text the engine will run, after any rewriting.
        await asyncio.to_thread(refuse_outbound, text, "update")
        base = self._endpoint_iri(request)
        try:
            await asyncio.get_running_loop().run_in_executor(None, self._run_update, text, base)
        except SyntaxError as error:
            raise ProtocolError(400, _syntax_message("Update", text, str(error))) from None
        except (OSError, ValueError) as error:
            raise ProtocolError(400, f"The update failed: {error}") from None
        return HttpResponse(204)

    def _run_update(self, text: str, base: str) -> None:
        with self._update_lock:
            try:
                self.store.oxigraph.update(text, base_iri=base)
                # Out of the write-ahead log into the store's files: every worker
                # reopens its read-only view after an update, and a view replays
                # the log as it opens (219 MB of updates left the next query 13 s).
                self.store.flush()
            finally:
                self.runner.invalidate()
                self.on_write()
