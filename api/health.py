"""``/healthz``: whether the server is ready to answer queries, for orchestrators and load balancers.

200 with ``{"status": "ready", ...}`` when queries can be answered, 503 with
``"status": "unavailable"`` when no query worker is alive (all being replaced,
or the server shutting down). The body also gives the store's quad count and
generation (how many updates this server has applied) and the runner's
workers, so a deployment can check that the store it expects is the one served.

The port itself opens only once the workers have opened the store
(``api.server``), so a client that can connect never meets a warming-up
server: issue 13 measured a first ``ASK {}`` 200 only after 65.8 s and 503s on
the way, when the port opened first.

The quad count is worked out once per generation, in a thread: counting a
store of 493k quads is a scan, too long for the event loop on every probe.
"""

from __future__ import annotations

import asyncio
import json

from starlette.types import Receive, Scope, Send

from api.asgi import HttpResponse, send_response
from api.executor import ThreadRunner, TieredRunner
from kg.store import OxigraphStore

PATH = "/healthz"


class Health:
    def __init__(self, store: OxigraphStore, runner: TieredRunner | ThreadRunner) -> None:
        self.store = store
        self.runner = runner
        self.generation = 0  # the endpoint counts each update it applies (``wrote``)
        self._counted: tuple[int, int] | None = None  # (generation, quads)

    def wrote(self) -> None:
        self.generation += 1

    async def quads(self) -> int:
        generation = self.generation
        if self._counted is None or self._counted[0] != generation:
            count = await asyncio.get_running_loop().run_in_executor(None, len, self.store.oxigraph)
            self._counted = (generation, count)
        return self._counted[1]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        ready = self.runner.ready
        body = {
            "status": "ready" if ready else "unavailable",
            "quads": await self.quads(),
            "generation": self.generation,
            "runner": self.runner.status(),
        }
        response = HttpResponse(200 if ready else 503, json.dumps(body).encode() + b"\n", "application/json", {"Cache-Control": "no-store"})
        await send_response(send, response, head=scope.get("method") == "HEAD")
