"""``run(config)``: serve the app with uvicorn (``budgetkg serve``).

The order matters: bind the listening socket, then forbid internet sockets in
this process tree (``api.sandbox``), then create the app, whose query workers
inherit the ban. A query can then not make the server contact another host,
whatever it spells (issue 14).
"""

from __future__ import annotations

import logging

import uvicorn

from api.app import create_app
from api.config import ServerConfig
from api.sandbox import SandboxUnavailable, forbid_internet_sockets

log = logging.getLogger("budgetkg.server")


def run(config: ServerConfig) -> None:
    # uvloop and httptools are used when installed ("auto"): they roughly halve
    # the per-request overhead of the asyncio/h11 defaults.
    # No "Server: uvicorn" header: it tells a client nothing it needs.
    # factory=True: uvicorn calls create_app only when it serves, after the sandbox.
    uvicorn_config = uvicorn.Config(
        lambda: create_app(config),
        factory=True,
        host=config.host,
        port=config.port,
        loop="auto",
        http="auto",
        log_level="info",
        access_log=False,
        server_header=False,
    )
    listening = uvicorn_config.bind_socket()
    try:
        forbid_internet_sockets()
    except SandboxUnavailable as error:
        log.warning("outbound connections are refused by parsing requests only: %s", error)
    uvicorn.Server(uvicorn_config).run(sockets=[listening])
