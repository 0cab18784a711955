"""Plain ASGI requests and responses for the SPARQL endpoint's hot path.

The SPARQL endpoint answers in front of the FastAPI router (see ``api.app``):
a point lookup costs Oxigraph about 0.1 ms, and Starlette's routing, ``Request``
and ``Response`` objects cost about 0.3 ms more per request, which was most of
the gap to the Oxigraph server. These two small types are all the endpoint
needs: the parts of a request it reads, and a response it sends in two ASGI
messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field


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


class TooLarge(Exception):
    """The request is over the size limit: ``status`` is 413 (body) or 414 (URL)."""

    def __init__(self, status: int, limit: int) -> None:
        what = "query string" if status == 414 else "request body"
        super().__init__(f"the {what} is longer than {limit} bytes")
        self.status = status


def _origin(scope: dict) -> str:
    host = next((value.decode("latin-1") for name, value in scope.get("headers", ()) if name == b"host"), None)
    if not host:
        server = scope.get("server") or ("localhost", None)
        host = server[0] if server[1] is None else f"{server[0]}:{server[1]}"
    return f"{scope.get('scheme', 'http')}://{host}{scope.get('root_path', '')}"


async def read_request(scope: dict, receive, max_bytes: int) -> HttpRequest:
    """The request in ``scope`` with its whole body; TooLarge past ``max_bytes`` of URL or body."""
    query_string = scope.get("query_string", b"")
    if len(query_string) > max_bytes:
        raise TooLarge(414, max_bytes)
    chunks: list[bytes] = []
    if scope["method"] == "POST":
        size = 0
        while True:
            message = await receive()
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


async def send_response(send, response: HttpResponse, *, head: bool = False) -> None:
    """Send ``response`` (headers only for HEAD, with the Content-Length a GET would have)."""
    headers = [(b"content-length", str(len(response.body)).encode())]
    if response.content_type:
        headers.append((b"content-type", response.content_type.encode("latin-1")))
    headers += [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in response.headers.items()]
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if head else response.body})
