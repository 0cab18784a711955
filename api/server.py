"""``run(config)``: serve the app with uvicorn (``budgetkg serve``)."""

from __future__ import annotations

import uvicorn

from api.app import create_app
from api.config import ServerConfig


def run(config: ServerConfig) -> None:
    app = create_app(config)
    # uvloop and httptools are used when installed ("auto"): they roughly halve
    # the per-request overhead of the asyncio/h11 defaults.
    # No "Server: uvicorn" header: it tells a client nothing it needs.
    uvicorn.run(app, host=config.host, port=config.port, loop="auto", http="auto", log_level="info", access_log=False, server_header=False)
