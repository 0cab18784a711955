"""uvicorn's httptools protocol with a limit on a request's head: its size and the time to send it.

uvicorn bounds neither when it parses with httptools (the fast parser
``budgetkg serve`` uses; ``h11_max_incomplete_event_size`` applies to h11
only): an 8 MB header was accepted, and a connection that sends half a request
line and then nothing was held open forever (its keep-alive timer is cancelled
by the first byte, and never armed for a new connection). Here a head longer
than ``max_head_bytes`` is answered 431 and a head not complete within
``head_timeout_s`` of the connection opening (or of the previous response)
408, both with the connection closed, before the request reaches the app.

The body is the app's to time (``api.asgi.receive_within``): only it knows
whether it still wants one.

A response's head and body go out in one write (``_OneWrite``): uvicorn writes
the head as soon as the app sends it and the body with the next message, two
``send`` calls and two TCP segments where one will do.
"""

from __future__ import annotations

import asyncio
from http import HTTPStatus
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


def bounded_httptools(max_head_bytes: int, head_timeout_s: float) -> type[HttpToolsProtocol]:
    """The protocol class for ``uvicorn.Config(http=...)`` with these limits."""

    class BoundedHttpToolsProtocol(_Bounded):
        pass

    BoundedHttpToolsProtocol.max_head_bytes = max_head_bytes
    BoundedHttpToolsProtocol.head_timeout_s = head_timeout_s
    return BoundedHttpToolsProtocol


class _Bounded(HttpToolsProtocol):
    max_head_bytes = 65_536
    head_timeout_s = 15.0

    # As uvicorn's own: asyncio.BaseProtocol types the argument BaseTransport; a stream gets a Transport.
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(_OneWrite(transport, self.loop))  # type: ignore[arg-type]
        self._head_bytes = 0
        self._in_head = True
        self._head_timer: asyncio.TimerHandle | None = None
        self._arm_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_head_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._in_head:
            self._head_bytes += len(data)
        super().data_received(data)
        # Judged after parsing, and only if the head is still incomplete: a chunk
        # that ends the head may carry body bytes, which are not head.
        if self._in_head and not self.transport.is_closing():
            if self._head_bytes > self.max_head_bytes:
                self._refuse(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, f"the request's headers are longer than {self.max_head_bytes} bytes")

    def on_headers_complete(self) -> None:
        self._in_head = False
        self._disarm_head_timer()
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._in_head = True
        self._head_bytes = 0

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm_head_timer()

    def _arm_head_timer(self) -> None:
        self._disarm_head_timer()
        self._head_timer = self.loop.call_later(self.head_timeout_s, self._head_too_slow)

    def _disarm_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_too_slow(self) -> None:
        self._head_timer = None
        if self.transport.is_closing():
            return
        if self.cycle is not None and not self.cycle.response_complete:
            return  # a request is being answered (a pipelined one): its head arrived
        if self._head_bytes == 0:
            self.transport.close()  # nothing sent at all: nothing to answer
            return
        self._refuse(HTTPStatus.REQUEST_TIMEOUT, f"the request's headers did not arrive within {self.head_timeout_s:g} s")

    def _refuse(self, status: HTTPStatus, message: str) -> None:
        body = (message + "\n").encode()
        head = (f"HTTP/1.1 {status.value} {status.phrase}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: {len(body)}\r\nconnection: close\r\n\r\n").encode("latin-1")
        self._disarm_head_timer()
        self._unset_keepalive_if_required()
        self.transport.write(head + body)
        self.transport.close()


class _OneWrite:
    """A transport that holds a response's head until the next write (its body) or the loop's next turn.

    Bytes go out in the order written, whatever is held; the rest of the
    transport is the one it wraps.
    """

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._held: bytes | None = None

    def write(self, data: bytes | bytearray | memoryview) -> None:
        held = self._held
        if held is not None:
            self._held = None
            self._transport.write(held + data)
        elif data[:9] == b"HTTP/1.1 ":  # a head: its body is about to follow
            self._held = bytes(data)
            self._loop.call_soon(self.flush)
        else:
            self._transport.write(data)

    def flush(self) -> None:
        held = self._held
        if held is not None:
            self._held = None
            if not self._transport.is_closing():  # the connection was lost meanwhile: nobody to send it to
                self._transport.write(held)

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def write_eof(self) -> None:
        self.flush()
        self._transport.write_eof()

    def writelines(self, chunks: Any) -> None:
        self.flush()
        self._transport.writelines(chunks)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)
