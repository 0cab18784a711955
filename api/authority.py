"""Who may change the store: SPARQL Update's authorisation.

Two modes (``ServerConfig``): ``update_token`` (requests must carry
``Authorization: Bearer TOKEN``) and ``allow_update`` (no token, for a store on
one's own machine). Without a token the server must still tell its user's own
requests from a web page's: any site the user visits can make the browser send
a form POST (``update=DROP ALL``) to 127.0.0.1, and such simple requests need
no CORS preflight. Measured before this check (issue 14): a cross-site form
post got 204 and the store went from 53,017 quads to 0.

So a token-less update is taken only from a client that is not a browser on
another site: a request whose ``Origin`` is another origin, or whose
``Sec-Fetch-Site`` says it came from another site, is refused; and the
``Host`` it names must be this machine (an IP address or ``localhost``) or the
server's configured host, so that a page on a domain rebound to 127.0.0.1 (DNS
rebinding, which makes Origin and Host agree) is refused too. Command-line
clients (curl, SPARQLWrapper, rdflib) send neither header and pass.
"""

from __future__ import annotations

import hmac
import ipaddress
from urllib.parse import urlsplit

from api.asgi import HttpRequest
from api.config import ServerConfig
from api.sparql import ProtocolError

_SAME_SITE_FETCH = {"same-origin", "none"}


def authorise_update(request: HttpRequest, config: ServerConfig) -> None:
    """Raise ``ProtocolError`` (401/403) unless ``request`` may run an update."""
    if not config.updates_enabled:
        raise ProtocolError(403, "SPARQL Update is disabled on this server (start it with --update-token or --allow-update)")
    if config.update_token:
        _check_token(request, config.update_token)
    else:
        _check_local_and_same_origin(request, config)


def _check_token(request: HttpRequest, token: str) -> None:
    header = request.header("authorization") or ""
    scheme, _, given = header.partition(" ")
    if not header or scheme.lower() != "bearer":
        raise ProtocolError(401, "SPARQL Update needs 'Authorization: Bearer <token>'", {"WWW-Authenticate": 'Bearer realm="budgetkg"'})
    if not hmac.compare_digest(given.strip().encode(), token.encode()):
        raise ProtocolError(403, "the update token is not valid")


def _check_local_and_same_origin(request: HttpRequest, config: ServerConfig) -> None:
    refusal = "SPARQL Update without a token (--allow-update) is taken only from this machine's own clients"
    fetch_site = (request.header("sec-fetch-site") or "").strip().lower()
    if fetch_site and fetch_site not in _SAME_SITE_FETCH:
        raise ProtocolError(403, f"{refusal}, not from a page on another site (Sec-Fetch-Site: {fetch_site}); use --update-token")
    origin = request.header("origin")
    own_origin = _scheme_and_authority(request.origin)
    if origin is not None and origin.strip().lower() != own_origin:
        raise ProtocolError(403, f"{refusal}, not from a page on another origin ({origin.strip()}); use --update-token")
    host = urlsplit(own_origin).hostname or ""
    if not _is_local_name(host, config):
        raise ProtocolError(403, f"{refusal}: the request names host {host!r}; use --update-token to accept updates by other names")


def _scheme_and_authority(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _is_local_name(host: str, config: ServerConfig) -> bool:
    if host == "localhost" or host == config.host.lower() or host == (urlsplit(config.base_iri).hostname or ""):
        return True
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True
