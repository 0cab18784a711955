"""The server's ASGI application: ``create_app(config, store)``.

Two parts behind one front door (``Server``):

* the SPARQL endpoint (``api.endpoint``; /sparql and /update), a plain ASGI app
  with its own request-size limit (``api.asgi.read_request``) and CORS headers
  (``api.cors``). It answers in front of FastAPI because FastAPI's routing,
  middleware and request objects cost about 0.3 ms a request, more than
  Oxigraph takes for a point lookup (``bench/bench_sparql.py`` measures the
  endpoint against the Oxigraph server);
* everything else, a FastAPI app: linked-data pages, /validate, the static files
  of the query UI, with the same limit and CORS policy as middleware.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.datastructures import State
from starlette.middleware.cors import CORSMiddleware
from starlette.types import Receive, Scope, Send

from api import cors, ui, validate
from api.config import ServerConfig
from api.endpoint import SparqlService
from api.health import PATH as HEALTH_PATH
from api.health import Health
from api.executor import ProcessRunner, ThreadRunner, TieredRunner, default_workers
from api.linked_data import LinkedData
from api.safety import RequestLimits
from kg.store import OxigraphStore, StoreError

log = logging.getLogger("budgetkg.api")


def open_store(config: ServerConfig) -> OxigraphStore:
    """The store the server reads: read-only unless SPARQL Update is enabled."""
    if config.store is None:
        return OxigraphStore()
    if config.updates_enabled:
        return OxigraphStore(config.store)
    try:
        return OxigraphStore(config.store, read_only=True)
    except StoreError:
        # A new, empty directory: create the store, then reopen it read-only.
        OxigraphStore(config.store)
        return OxigraphStore(config.store, read_only=True)


class Server:
    """The ASGI app ``budgetkg serve`` runs: SPARQL paths to the endpoint, /healthz, the rest to FastAPI.

    Lifespan events go to FastAPI, which starts and stops the query runner.
    """

    def __init__(self, sparql: SparqlService, health: Health, pages: FastAPI) -> None:
        self.sparql_paths = sparql.paths
        self.sparql = sparql
        self.health = health
        self.pages = pages

    @property
    def state(self) -> State:
        return self.pages.state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] in self.sparql_paths:
            await self.sparql(scope, receive, send)
        elif scope["type"] == "http" and scope["path"] == HEALTH_PATH:
            await self.health(scope, receive, send)
        else:
            await self.pages(scope, receive, send)


def make_runner(config: ServerConfig, store: OxigraphStore) -> TieredRunner | ThreadRunner:
    """The query runner; for a store on disk it returns once every worker has opened the store."""
    threads = ThreadRunner(store.oxigraph, max_waiting=config.max_waiting)
    if store.path is not None and config.query_workers != 0:
        processes = ProcessRunner(
            str(store.path),
            workers=config.query_workers or default_workers(),
            max_waiting=config.max_waiting,
            max_queries=config.worker_max_queries,
            max_resident_bytes=config.worker_max_memory_mb << 20,
        )
        return TieredRunner(processes, threads)
    return threads


def create_app(config: ServerConfig, store: OxigraphStore | None = None) -> Server:
    if store is None:
        store = open_store(config)
    if config.allow_update and not config.update_token:
        log.warning("SPARQL Update is enabled WITHOUT a token (--allow-update): anyone who can reach %s:%s can change the store", config.host, config.port)
    runner = make_runner(config, store)
    health = Health(store, runner)
    service = SparqlService(config, store, runner, on_write=health.wrote)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            runner.close()

    pages = FastAPI(title="budgetkg", summary="Chinese government budget disclosures as a knowledge graph", lifespan=lifespan)
    pages.state.config = config
    pages.state.store = store
    pages.state.sparql = service
    pages.include_router(LinkedData(config, store, generation=lambda: health.generation).router())
    pages.include_router(validate.router)
    pages.mount(ui.STATIC_PATH, ui.static_files(), name="static")
    pages.add_middleware(CORSMiddleware, **cors.middleware_options())
    pages.add_middleware(RequestLimits, max_bytes=config.max_request_bytes, max_header_bytes=config.max_header_bytes, read_timeout_s=config.read_timeout_s)
    return Server(service, health, pages)
