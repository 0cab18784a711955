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
    # Lower-cased header names; a repeated header's values joined with ", " (RFC 9110 §5.3).
    headers: dict[str, str]
    body: bytes
    # scheme://host[:port] as the client addressed the server, plus the ASGI root_path.
    origin: str

    def header(self, name: str) -> str | None:
        return self.headers.get(name)


@dataclass
class HttpResponse:
    status: int
    body: bytes = b""
    content_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


def plain_text(status: int, message: str, headers: dict[str, str] | None = None) -> HttpResponse:
    return HttpResponse(status, (message.rstrip() + "\n").encode(), "text/plain; charset=utf-8", dict(headers or {}))


def _headers(scope: dict) -> dict[str, str]:
    found: dict[str, str] = {}
    for raw_name, raw_value in scope.get("headers", ()):
        name = raw_name.decode("latin-1").lower()
        value = raw_value.decode("latin-1")
        found[name] = f"{found[name]}, {value}" if name in found else value
    return found


def _origin(scope: dict, headers: dict[str, str]) -> str:
    host = headers.get("host")
    if not host:
        server = scope.get("server") or ("localhost", None)
        host = server[0] if server[1] is None else f"{server[0]}:{server[1]}"
    return f"{scope.get('scheme', 'http')}://{host}{scope.get('root_path', '')}"


async def read_request(scope: dict, receive) -> HttpRequest:
    """The request in ``scope``, with its whole body (size limits are enforced further out)."""
    headers = _headers(scope)
    chunks: list[bytes] = []
    if scope["method"] == "POST":
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
    return HttpRequest(
        method=scope["method"],
        path=scope["path"],
        query_string=scope.get("query_string", b""),
        headers=headers,
        body=b"".join(chunks),
        origin=_origin(scope, headers),
    )


async def send_response(send, response: HttpResponse, *, head: bool = False) -> None:
    """Send ``response`` (headers only for HEAD, with the Content-Length a GET would have)."""
    headers = [(b"content-length", str(len(response.body)).encode())]
    if response.content_type:
        headers.append((b"content-type", response.content_type.encode("latin-1")))
    headers += [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in response.headers.items()]
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if head else response.body})
