"""The server's settings: one frozen object, built by the CLI and passed to ``create_app``."""

from __future__ import annotations

from dataclasses import dataclass

from kg.settings import DEFAULT_BASE_IRI


@dataclass(frozen=True)
class ServerConfig:
    # Store directory; None = an in-memory store.
    store: str | None
    host: str = "127.0.0.1"
    port: int = 8000
    base_iri: str = DEFAULT_BASE_IRI
    # SPARQL Update: enabled for requests bearing this token ...
    update_token: str | None = None
    # ... or for everyone (local use only; the server logs a warning).
    allow_update: bool = False
    # Per-query timeout: the query is stopped and the client gets 503.
    query_timeout_s: float = 30.0
    # Result rows (or triples) per response; more are cut and X-SPARQL-Truncated says so.
    max_rows: int = 100_000
    # Largest request body (and query string) accepted; larger ones get 413 / 414.
    max_request_bytes: int = 1_000_000
    # Query worker processes for an on-disk store (None: one per core, at least
    # two); 0 runs queries in threads of the server process (no hard timeout; see api.executor).
    query_workers: int | None = None
    # Queries that may wait for a busy worker; more get 503 + Retry-After at once (api.admission).
    max_waiting: int = 64
    # A worker is replaced after this many queries, or once its resident memory passes this.
    worker_max_queries: int = 10_000
    worker_max_memory_mb: int = 1024
    # Seconds a client has to send a request's headers, and again its body (408 after).
    read_timeout_s: float = 15.0
    # Largest request line plus headers (431 beyond; api.http_protocol and api.asgi).
    max_header_bytes: int = 65_536

    @property
    def updates_enabled(self) -> bool:
        return self.allow_update or bool(self.update_token)
