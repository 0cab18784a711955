"""The FastAPI application: ``create_app(config, store)``.

The SPARQL endpoint is one router (``api.endpoint``); other features (linked-data
pages, /validate) add their own routers to the same app. Middleware, outermost
first: request-size limit, CORS (any origin, no credentials).
"""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware

from api import ui, validate
from api.config import ServerConfig
from api.endpoint import SparqlService
from api.executor import ProcessRunner, ThreadRunner, default_workers
from api.linked_data import LinkedData
from api.safety import TRUNCATED_HEADER, RequestSizeLimit
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


def make_runner(config: ServerConfig, store: OxigraphStore) -> ProcessRunner | ThreadRunner:
    if store.path is not None and config.query_workers != 0:
        return ProcessRunner(str(store.path), workers=config.query_workers or default_workers())
    return ThreadRunner(store.oxigraph)


def create_app(config: ServerConfig, store: OxigraphStore | None = None) -> FastAPI:
    if store is None:
        store = open_store(config)
    if config.allow_update and not config.update_token:
        log.warning("SPARQL Update is enabled WITHOUT a token (--allow-update): anyone who can reach %s:%s can change the store", config.host, config.port)
    runner = make_runner(config, store)
    service = SparqlService(config, store, runner)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        try:
            yield
        finally:
            runner.close()

    app = FastAPI(title="budgetkg", summary="Chinese government budget disclosures as a knowledge graph", lifespan=lifespan)
    app.state.config = config
    app.state.store = store
    app.state.sparql = service
    app.include_router(service.router())
    app.include_router(LinkedData(config, store).router())
    app.include_router(validate.router)
    app.mount(ui.STATIC_PATH, ui.static_files(), name="static")
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "POST", "HEAD", "OPTIONS"],
        allow_headers=["*"],
        allow_credentials=False,
        expose_headers=[TRUNCATED_HEADER],
        max_age=600,
    )
    app.add_middleware(RequestSizeLimit, max_bytes=config.max_request_bytes)
    return app
