"""Limits that protect the server: outbound requests, request size, row cap header.

The per-query timeout lives in ``api.executor`` (it needs worker processes) and
the row cap in ``api.results`` (it needs the serialiser); this module holds the
checks made before a request is evaluated.
"""

from __future__ import annotations

from typing import Literal

from api.asgi import TooLarge, plain_text, send_response
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
            f"{' and '.join(found)} is not allowed here: this server never makes requests to other "
            "endpoints or URLs on a client's behalf. Query the other endpoint yourself.",
        )


class RequestSizeLimit:
    """ASGI middleware for the pages: 413 for bodies over ``max_bytes``, 414 for longer query strings.

    The SPARQL endpoint checks the same limits as it reads a request (``api.asgi.read_request``).
    """

    def __init__(self, app, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if len(scope.get("query_string", b"")) > self.max_bytes:
            return await _refuse(send, TooLarge(414, self.max_bytes))
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    too_big = int(value) > self.max_bytes
                except ValueError:
                    return await send_response(send, plain_text(400, "bad Content-Length"))
                if too_big:
                    return await _refuse(send, TooLarge(413, self.max_bytes))
        seen = 0
        max_bytes = self.max_bytes

        async def limited_receive():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > max_bytes:
                    raise TooLarge(413, max_bytes)
            return message

        started = False

        async def tracking_send(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except TooLarge as error:
            if not started:
                await _refuse(send, error)


async def _refuse(send, error: TooLarge) -> None:
    await send_response(send, plain_text(error.status, str(error)))
