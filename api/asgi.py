"""Plain ASGI requests and responses for the SPARQL endpoint's hot path.

The SPARQL endpoint answers in front of the FastAPI router (see ``api.app``):
a point lookup costs Oxigraph about 0.1 ms, and Starlette's routing, ``Request``
and ``Response`` objects cost about 0.3 ms more per request, which was most of
the gap to the Oxigraph server. These two small types are all the endpoint
needs: the parts of a request it reads, and a response it sends in two ASGI
messages. Reading a request is where the limits on what a client may send are
held (size of head and body, time to send the body, a Host that can be part of
an IRI): each is a ``RequestRefused`` with a 4xx status and a message.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field

from starlette.types import Message, Receive, Scope, Send


@dataclass(frozen=True)
class HttpRequest:
    method: str
    path: str
    query_string: bytes
    # The ASGI scope's (name, value) pairs: names are lower-case bytes.
    raw_headers: tuple[tuple[bytes, bytes], ...]
    body: bytes
    # scheme://host[:port] as the client addressed the server, plus the ASGI root_path.
    origin: str

    def header(self, name: str) -> str | None:
        """A header's value; a repeated header's values joined with ", " (RFC 9110 §5.3)."""
        key = name.encode("latin-1")
        found = [value.decode("latin-1") for raw_name, value in self.raw_headers if raw_name == key]
        return ", ".join(found) if found else None


@dataclass
class HttpResponse:
    status: int
    body: bytes = b""
    content_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


def plain_text(status: int, message: str, headers: dict[str, str] | None = None) -> HttpResponse:
    return HttpResponse(status, (message.rstrip() + "\n").encode(), "text/plain; charset=utf-8", dict(headers or {}))


class RequestRefused(Exception):
    """A request the server will not read further: ``status`` (4xx) with a message for the client."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.headers = headers or {}

    def response(self) -> HttpResponse:
        return plain_text(self.status, str(self), self.headers)


class TooLarge(RequestRefused):
    """The request is over the size limit: ``status`` is 413 (body) or 414 (URL)."""

    def __init__(self, status: int, limit: int) -> None:
        what = "query string" if status == 414 else "request body"
        super().__init__(status, f"the {what} is longer than {limit} bytes")


# RFC 3986 host (a name or an IPv4 address, or an IPv6 literal) and an optional port.
# Stricter than the RFC's reg-name (no sub-delims, no percent-encoding): the host
# becomes part of IRIs the server writes (the service description's endpoint),
# and a '"' or '>' there made an invalid IRI and a 500 (issue 14).
_HOST = re.compile(rb"(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~-]+)(?::[0-9]{0,5})?")


def check_head(scope: Scope, max_header_bytes: int) -> None:
    """431 for a request line and headers over ``max_header_bytes``; 400 for a bad or repeated Host.

    uvicorn's own limit (``api.http_protocol``) stops a long head while it is
    being received; this check holds the same limit under any ASGI server.
    """
    headers = scope.get("headers", ())
    size = len(scope.get("raw_path") or b"") + len(scope.get("query_string", b""))
    hosts = []
    for name, value in headers:
        size += len(name) + len(value) + 4  # ": " and CRLF
        if name == b"host":
            hosts.append(value)
    if size > max_header_bytes:
        raise RequestRefused(431, f"the request's headers are longer than {max_header_bytes} bytes", {"Connection": "close"})
    if len(hosts) > 1:
        raise RequestRefused(400, "the request has more than one Host header")
    if hosts and hosts[0] and not _HOST.fullmatch(hosts[0]):
        raise RequestRefused(400, "the Host header is not a host name or address with an optional port")


def _origin(scope: Scope) -> str:
    host = next((value.decode("latin-1") for name, value in scope.get("headers", ()) if name == b"host"), None)
    if not host:
        server = scope.get("server") or ("localhost", None)
        host = server[0] if server[1] is None else f"{server[0]}:{server[1]}"
    return f"{scope.get('scheme', 'http')}://{host}{scope.get('root_path', '')}"


def declared_length(scope: Scope) -> int | None:
    """The Content-Length header's value (None without one); 400 when it is not a number."""
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            if not value.strip().isdigit():
                raise RequestRefused(400, "the Content-Length header is not a number")
            return int(value)
    return None


async def receive_within(receive: Receive, deadline: float) -> Message:
    """The next ASGI message, or 408 once ``deadline`` (event-loop time) has passed.

    uvicorn times out idle keep-alive connections, not a body that stops
    arriving: a POST that declared 10 MB and sent 6 bytes held its connection
    forever (issue 14).
    """
    remaining = deadline - asyncio.get_running_loop().time()
    try:
        return await asyncio.wait_for(receive(), max(0.0, remaining))
    except asyncio.TimeoutError:
        raise RequestRefused(408, "the request body did not arrive in time", {"Connection": "close"}) from None


async def read_request(scope: Scope, receive: Receive, max_bytes: int, *, max_header_bytes: int = 65_536, read_timeout_s: float = 15.0) -> HttpRequest:
    """The request in ``scope`` with its whole body.

    Raises ``RequestRefused``: 414/413 past ``max_bytes`` of URL or body, 431 past
    ``max_header_bytes`` of headers, 400 for a bad Host or Content-Length, 408 when
    the body has not arrived within ``read_timeout_s``.
    """
    check_head(scope, max_header_bytes)
    query_string = scope.get("query_string", b"")
    if len(query_string) > max_bytes:
        raise TooLarge(414, max_bytes)
    chunks: list[bytes] = []
    if scope["method"] == "POST":
        declared = declared_length(scope)
        if declared is not None and declared > max_bytes:
            raise TooLarge(413, max_bytes)
        deadline = asyncio.get_running_loop().time() + read_timeout_s
        size = 0
        while True:
            message = await receive_within(receive, deadline)
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > max_bytes:
                raise TooLarge(413, max_bytes)
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
    return HttpRequest(
        method=scope["method"],
        path=scope["path"],
        query_string=query_string,
        raw_headers=tuple(scope.get("headers", ())),
        body=b"".join(chunks),
        origin=_origin(scope),
    )


async def send_response(send: Send, response: HttpResponse, *, head: bool = False) -> None:
    """Send ``response`` (headers only for HEAD, with the Content-Length a GET would have)."""
    headers = [(b"content-length", str(len(response.body)).encode())]
    if response.content_type:
        headers.append((b"content-type", response.content_type.encode("latin-1")))
    headers += [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in response.headers.items()]
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if head else response.body})
