"""Cross-origin access: any origin may read, nobody sends credentials.

One policy for the whole server. The pages and /validate get it from
Starlette's ``CORSMiddleware`` (``middleware_options``); the SPARQL endpoint
applies it itself (``add_simple_headers``, ``preflight``) because it answers in
front of the FastAPI stack (``api.asgi``). Its responses carry
``Access-Control-Allow-Origin: *`` whether or not the request had an Origin,
so they do not vary by Origin and caches may share them.
"""

from __future__ import annotations

from typing import Any

from api.asgi import HttpRequest, HttpResponse, plain_text
from api.safety import TRUNCATED_HEADER

ALLOW_METHODS = ("GET", "POST", "HEAD", "OPTIONS")
EXPOSE_HEADERS = (TRUNCATED_HEADER,)
MAX_AGE_S = 600


def middleware_options() -> dict[str, Any]:
    """Keyword arguments for Starlette's ``CORSMiddleware`` that give this policy."""
    return {
        "allow_origins": ["*"],
        "allow_methods": list(ALLOW_METHODS),
        "allow_headers": ["*"],
        "allow_credentials": False,
        "expose_headers": list(EXPOSE_HEADERS),
        "max_age": MAX_AGE_S,
    }


def add_simple_headers(headers: dict[str, str]) -> None:
    """Let any origin read the response, and the headers of ours it carries."""
    headers["Access-Control-Allow-Origin"] = "*"
    exposed = [name for name in EXPOSE_HEADERS if name in headers]
    if exposed:
        headers["Access-Control-Expose-Headers"] = ", ".join(exposed)


def is_preflight(request: HttpRequest) -> bool:
    return request.method == "OPTIONS" and request.header("origin") is not None and request.header("access-control-request-method") is not None


def preflight(request: HttpRequest, allowed_methods: str) -> HttpResponse:
    """The answer to a CORS preflight for a resource that takes ``allowed_methods``."""
    method = (request.header("access-control-request-method") or "").strip()
    if method not in allowed_methods.split(", "):
        return plain_text(400, f"Disallowed CORS method {method}: this resource takes {allowed_methods}")
    headers = {
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Allow-Methods": allowed_methods,
        "Access-Control-Max-Age": str(MAX_AGE_S),
    }
    requested = request.header("access-control-request-headers")
    if requested:
        headers["Access-Control-Allow-Headers"] = requested
    return HttpResponse(200, b"OK", "text/plain; charset=utf-8", headers)
