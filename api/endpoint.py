"""The SPARQL endpoint routes: /sparql (query, service description, UI) and /update.

Handlers are plain Starlette endpoints (no FastAPI dependency resolution on the
hot path); ``SparqlService.router()`` gives an ``APIRouter`` the app includes,
next to the routers other features add.
"""

from __future__ import annotations

import asyncio
import hmac
import re
import threading

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response

from api import lexer, negotiation, service_description, ui
from api.config import ServerConfig
from api.executor import Outcome, ProcessRunner, QueryJob, ThreadRunner
from api.safety import TRUNCATED_HEADER, refuse_outbound
from api.sparql import ProtocolError, QueryOperation, UpdateOperation, read_operation
from kg.store import OxigraphStore
from kg.vocabulary import PREFIXES

QUERY_PATH = "/sparql"
UPDATE_PATH = "/update"
_KIND_OF = {"SELECT": "solutions", "ASK": "boolean", "CONSTRUCT": "graph", "DESCRIBE": "graph"}
_POSITION = re.compile(r"at (\d+):(\d+)")


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return PlainTextResponse(message.rstrip() + "\n", status_code=status, headers=headers)


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


class SparqlService:
    def __init__(self, config: ServerConfig, store: OxigraphStore, runner: ProcessRunner | ThreadRunner) -> None:
        self.config = config
        self.store = store
        self.runner = runner
        self._update_lock = threading.Lock()

    def router(self) -> APIRouter:
        router = APIRouter()
        router.add_route(QUERY_PATH, self.query_endpoint, methods=["GET", "POST", "HEAD", "OPTIONS"], include_in_schema=False)
        router.add_route(UPDATE_PATH, self.update_endpoint, methods=["POST", "OPTIONS"], include_in_schema=False)
        return router

    # -- /sparql ---------------------------------------------------------------

    async def query_endpoint(self, request: Request) -> Response:
        if request.method == "OPTIONS":
            return Response(status_code=204, headers={"Allow": "GET, POST, HEAD, OPTIONS"})
        try:
            operation = await read_operation(request)
            if operation is None:
                response = self._description_or_ui(request)
            elif isinstance(operation, UpdateOperation):
                response = await self._update(request, operation)
            else:
                response = await self._query(request, operation)
        except ProtocolError as error:
            response = _error(error.status, error.message, error.headers)
        response.headers["Vary"] = "Accept"
        return response

    def _endpoint_iri(self, request: Request, path: str = QUERY_PATH) -> str:
        return str(request.url.replace(path=path, query="", fragment=""))

    def _description_or_ui(self, request: Request) -> Response:
        accept = request.headers.get("accept")
        fmt = negotiation.choose("graph", accept)
        html_q = negotiation.explicitly_accepts(accept, "text/html")
        if html_q > 0 and (fmt is None or html_q >= negotiation.quality(negotiation.parse_accept(accept), fmt.media_type)):
            return HTMLResponse(ui.page(QUERY_PATH))
        if fmt is None:
            raise ProtocolError(406, f"the service description is available as {negotiation.offered('graph')} and text/html")
        triples = service_description.description(
            self._endpoint_iri(request),
            self.store.graphs(),
            update=self.config.updates_enabled,
            update_endpoint=self._endpoint_iri(request, UPDATE_PATH) if self.config.updates_enabled else None,
        )
        return Response(service_description.serialize(triples, fmt.oxigraph), media_type=fmt.content_type)

    async def _query(self, request: Request, operation: QueryOperation) -> Response:
        refuse_outbound(operation.query)
        accept = request.headers.get("accept")
        formats = {kind: negotiation.choose(kind, accept, operation.format_params) for kind in negotiation.FORMATS}
        keyword = lexer.operation_keyword(operation.query)
        kind = _KIND_OF.get(keyword or "")
        if kind is not None and formats[kind] is None:
            raise ProtocolError(406, f"a {keyword} result is available as {negotiation.offered(kind)}")
        words = lexer.words(operation.query)
        job = QueryJob(
            sparql=operation.query,
            default_graphs=operation.default_graphs if operation.has_protocol_dataset else None,
            named_graphs=operation.named_graphs if operation.has_protocol_dataset else None,
            query_has_dataset=any(w.text == "FROM" and w.depth == 0 for w in words),
            base_iri=self._endpoint_iri(request),
            formats={k: (f.name if f else None) for k, f in formats.items()},
            max_rows=self.config.max_rows,
            prefixes=PREFIXES,
        )
        outcome = await self.runner.run(job, self.config.query_timeout_s)
        return self._query_response(operation, outcome)

    def _query_response(self, operation: QueryOperation, outcome: Outcome) -> Response:
        if outcome.status == "ok":
            fmt = next(f for f in negotiation.FORMATS[outcome.kind] if f.name == outcome.format_name)  # type: ignore[index]
            headers = {}
            if outcome.truncated:
                headers[TRUNCATED_HEADER] = str(self.config.max_rows)
            return Response(outcome.body, media_type=fmt.content_type, headers=headers)
        if outcome.status == "syntax":
            return _error(400, _syntax_message("Query", operation.query, outcome.message))
        if outcome.status == "not-acceptable":
            detail = outcome.message or f"a {outcome.kind} result is available as {negotiation.offered(outcome.kind)}"  # type: ignore[arg-type]
            return _error(406, detail)
        if outcome.status == "timeout":
            why = f" ({outcome.message})" if outcome.message else ""
            return _error(
                503,
                f"The query did not finish within the {self.config.query_timeout_s:g} s limit and was stopped{why}. "
                "Narrow it (a LIMIT, a more selective pattern) and try again.",
            )
        return _error(500, f"The query failed: {outcome.message}")

    # -- /update ---------------------------------------------------------------

    async def update_endpoint(self, request: Request) -> Response:
        if request.method == "OPTIONS":
            return Response(status_code=204, headers={"Allow": "POST, OPTIONS"})
        try:
            operation = await read_operation(request)
            if isinstance(operation, QueryOperation):
                raise ProtocolError(400, "this endpoint takes SPARQL updates; send queries to /sparql")
            if operation is None:
                raise ProtocolError(400, "the request has no update")
            return await self._update(request, operation)
        except ProtocolError as error:
            return _error(error.status, error.message, error.headers)

    def _authorise(self, request: Request) -> None:
        if not self.config.updates_enabled:
            raise ProtocolError(403, "SPARQL Update is disabled on this server (start it with --update-token or --allow-update)")
        token = self.config.update_token
        if not token:
            return
        header = request.headers.get("authorization", "")
        scheme, _, given = header.partition(" ")
        if not header or scheme.lower() != "bearer":
            raise ProtocolError(401, "SPARQL Update needs 'Authorization: Bearer <token>'", {"WWW-Authenticate": 'Bearer realm="budgetkg"'})
        if not hmac.compare_digest(given.strip().encode(), token.encode()):
            raise ProtocolError(403, "the update token is not valid")

    async def _update(self, request: Request, operation: UpdateOperation) -> Response:
        self._authorise(request)
        refuse_outbound(operation.update)
        text = operation.update
        if operation.using_graphs or operation.using_named_graphs:
            if lexer.has_update_dataset_clause(text):
                raise ProtocolError(400, "the update names its dataset with USING/WITH and the request with using-graph-uri/using-named-graph-uri; give one")
            text = lexer.add_using_clauses(text, list(operation.using_graphs), list(operation.using_named_graphs))
        base = self._endpoint_iri(request)
        try:
            await asyncio.get_running_loop().run_in_executor(None, self._run_update, text, base)
        except SyntaxError as error:
            raise ProtocolError(400, _syntax_message("Update", text, str(error))) from None
        except (OSError, ValueError) as error:
            raise ProtocolError(400, f"The update failed: {error}") from None
        return Response(status_code=204)

    def _run_update(self, text: str, base: str) -> None:
        with self._update_lock:
            try:
                self.store.oxigraph.update(text, base_iri=base)
            finally:
                self.runner.invalidate()
