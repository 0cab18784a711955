"""Shared fixtures: the seed documents beside the checkout and a store holding them."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEEDS = SHARED / "seeds"


def seed(prefix: str) -> Path:
    """The seed document whose file name starts with ``prefix`` (e.g. "001")."""
    matches = sorted(SEEDS.glob(f"{prefix}*.txt"))
    if len(matches) != 1:
        raise FileNotFoundError(f"expected one seed named {prefix}*.txt in {SEEDS}, found {len(matches)}")
    return matches[0]


def engine_queries() -> list[str]:
    """Every query the fast validation engine runs for a SPARQL constraint, each family's once."""
    from kg.families import all_families
    from kg.validation.shapes import compiled_groups, shapes_files

    queries = [group.select or group.constraints[0].select for family in all_families() for group in compiled_groups(shapes_files(family.key))]
    return list(dict.fromkeys(queries))


@pytest.fixture(scope="session")
def seed_and_corpus_store():
    """An in-memory store with every seed and every 决算 of shared/corpus ingested (the default settings)."""
    from kg.ingest import find_documents, ingest_many, load_ontology
    from kg.settings import Settings
    from kg.store import OxigraphStore

    store = OxigraphStore()
    load_ontology(store)
    paths = find_documents([str(SEEDS), str(SHARED / "corpus" / "final-accounts")])
    results = list(ingest_many(paths, store, Settings(), workers=2))
    assert len(results) == len(paths) and all(r.report for r in results)
    return store


@pytest.fixture(scope="session")
def seed_store():
    """An in-memory store with every seed ingested (the default settings)."""
    from kg.ingest import find_documents, ingest_many, load_ontology
    from kg.settings import Settings
    from kg.store import OxigraphStore

    store = OxigraphStore()
    load_ontology(store)
    results = list(ingest_many(find_documents([str(SEEDS)]), store, Settings()))
    assert len(results) == len(list(SEEDS.glob("*.txt"))) and all(r.report for r in results)
    return store


def select(store, sparql: str) -> list[dict[str, str]]:
    """Run a SELECT with the project's prefixes; each row maps variable -> lexical value."""
    from kg.vocabulary import sparql_prefixes

    result = store.query(sparql_prefixes() + sparql)
    names = [v.value for v in result.variables]
    return [{name: (row[name].value if row[name] is not None else None) for name in names} for row in result]


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_server(app, port: int):
    """Serve an ASGI app with a real uvicorn on 127.0.0.1:port for the duration of the block."""
    import threading
    import time

    import uvicorn

    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not server.started:
        assert time.time() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    assert not thread.is_alive()
