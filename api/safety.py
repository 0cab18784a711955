"""Limits that protect the server: outbound requests, request size, row cap header.

The per-query timeout lives in ``api.executor`` (it needs worker processes) and
the row cap in ``api.results`` (it needs the serialiser); this module holds the
checks made before a request is evaluated.
"""

from __future__ import annotations

import asyncio
from typing import Literal

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.asgi import RequestRefused, TooLarge, check_head, declared_length, receive_within, send_response
from api.outbound import OutboundRefused, outbound_operations
from api.sparql import ProtocolError

# Announces that the result was cut at the row cap: the value is the cap.
TRUNCATED_HEADER = "X-SPARQL-Truncated"
MAX_ROWS_HEADER = "X-SPARQL-Max-Rows"


def refuse_outbound(text: str, form: Literal["query", "update"]) -> None:
    """400 for SERVICE / LOAD: the server never fetches other URLs on a client's behalf.

    What the operation does is read from a SPARQL grammar's parse tree (``api.outbound``).
    """
    try:
        found = outbound_operations(text, form)
    except OutboundRefused as error:
        raise ProtocolError(400, str(error)) from None
    if found:
        raise ProtocolError(
            400,
            f"{' and '.join(found)} is not allowed here: this server never makes requests to other endpoints or URLs on a client's behalf. Query the other endpoint yourself.",
        )


class RequestLimits:
    """ASGI middleware for the pages: the limits ``api.asgi.read_request`` holds for the SPARQL endpoint.

    413 for bodies over ``max_bytes``, 414 for longer query strings, 431 for
    headers over ``max_header_bytes``, 400 for a bad Host or Content-Length, 408
    for a body that has not arrived within ``read_timeout_s``.
    """

    def __init__(self, app: ASGIApp, max_bytes: int, max_header_bytes: int = 65_536, read_timeout_s: float = 15.0) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.max_header_bytes = max_header_bytes
        self.read_timeout_s = read_timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        try:
            check_head(scope, self.max_header_bytes)
            if len(scope.get("query_string", b"")) > self.max_bytes:
                raise TooLarge(414, self.max_bytes)
            declared = declared_length(scope)
            if declared is not None and declared > self.max_bytes:
                raise TooLarge(413, self.max_bytes)
        except RequestRefused as error:
            return await send_response(send, error.response())
        seen = 0
        max_bytes = self.max_bytes
        deadline = asyncio.get_running_loop().time() + self.read_timeout_s

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive_within(receive, deadline)
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > max_bytes:
                    raise TooLarge(413, max_bytes)
            return message

        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except RequestRefused as error:
            if not started:
                await send_response(send, error.response())
