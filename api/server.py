"""``run(config)``: serve the app with uvicorn (``budgetkg serve``).

The order matters: bind the listening socket, then forbid internet sockets in
this process tree (``api.sandbox``), then create the app, whose query workers
inherit the ban. A query can then not make the server contact another host,
whatever it spells (issue 14).

Creating the app waits until every query worker has opened the store
(``api.executor.ProcessRunner``), and uvicorn starts listening on the bound
socket only after that: a client can connect only to a server that is ready
(issue 13 saw 503s for 65 s when the port opened first).
"""

from __future__ import annotations

import logging
from typing import Any

import uvicorn

from api.app import create_app
from api.config import ServerConfig
from api.sandbox import SandboxUnavailable, forbid_internet_sockets

log = logging.getLogger("budgetkg.server")


def http_protocol(config: ServerConfig) -> Any:
    """httptools with a bounded request head (``api.http_protocol``); h11, with its own limit, without it."""
    try:
        from api.http_protocol import bounded_httptools
    except ImportError:
        return "h11"
    return bounded_httptools(config.max_header_bytes, config.read_timeout_s)


def uvicorn_config(config: ServerConfig, app: Any, *, factory: bool = False, log_level: str = "info") -> uvicorn.Config:
    # uvloop and httptools are used when installed: they roughly halve the
    # per-request overhead of the asyncio/h11 defaults.
    # No "Server: uvicorn" header: it tells a client nothing it needs.
    return uvicorn.Config(
        app,
        factory=factory,
        host=config.host,
        port=config.port,
        loop="auto",
        http=http_protocol(config),
        h11_max_incomplete_event_size=config.max_header_bytes,
        timeout_keep_alive=5,
        log_level=log_level,
        access_log=False,
        server_header=False,
    )


def run(config: ServerConfig) -> None:
    # factory=True: uvicorn calls create_app only when it serves, after the sandbox.
    settings = uvicorn_config(config, lambda: create_app(config), factory=True)
    listening = settings.bind_socket()
    try:
        forbid_internet_sockets()
    except SandboxUnavailable as error:
        log.warning("outbound connections are refused by parsing requests only: %s", error)
    uvicorn.Server(settings).run(sockets=[listening])
