"""Who may update: a token, or (with --allow-update) this machine's own non-browser or same-origin clients."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.app import create_app
from api.config import ServerConfig
from kg.store import OxigraphStore

DATA = 'INSERT DATA { GRAPH <http://g/> { <http://s/> <http://p/> "o" } }'
COUNT = "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"


def store_with_data() -> OxigraphStore:
    store = OxigraphStore()
    store.oxigraph.update(DATA)
    return store


def quads(store: OxigraphStore) -> int:
    return len(store.oxigraph)


def test_cross_site_form_post_cannot_wipe_the_store():
    store = store_with_data()
    with TestClient(create_app(ServerConfig(store=None, allow_update=True), store), base_url="http://127.0.0.1:8000") as c:
        # What a page on another site makes a browser send: a simple form POST, no preflight.
        r = c.post("/update", data={"update": "DROP ALL"}, headers={"origin": "https://evil.example", "sec-fetch-site": "cross-site"})
        assert r.status_code == 403 and "another site" in r.text
        r = c.post("/update", data={"update": "DROP ALL"}, headers={"origin": "https://evil.example"})
        assert r.status_code == 403 and "another origin" in r.text
        r = c.post("/sparql", data={"update": "DROP ALL"}, headers={"origin": "null"})  # sandboxed iframes send "null"
        assert r.status_code == 403
        assert quads(store) == 1


def test_dns_rebinding_is_refused():
    # A domain rebound to 127.0.0.1: its page's Origin and Host agree, but the name is not this machine's.
    store = store_with_data()
    with TestClient(create_app(ServerConfig(store=None, allow_update=True), store), base_url="http://attacker.example:8000") as c:
        r = c.post("/update", data={"update": "DROP ALL"}, headers={"origin": "http://attacker.example:8000"})
        assert r.status_code == 403 and "attacker.example" in r.text
    assert quads(store) == 1


def test_local_clients_and_same_origin_pages_may_update_without_a_token():
    store = OxigraphStore()
    with TestClient(create_app(ServerConfig(store=None, allow_update=True), store), base_url="http://127.0.0.1:8000") as c:
        assert c.post("/update", data={"update": DATA}).status_code == 204  # curl, SPARQLWrapper: no Origin
        same_origin = {"origin": "http://127.0.0.1:8000", "sec-fetch-site": "same-origin"}
        assert c.post("/update", content=b"CLEAR ALL", headers={"content-type": "application/sparql-update", **same_origin}).status_code == 204
    assert quads(store) == 0
    with TestClient(create_app(ServerConfig(store=None, allow_update=True), store), base_url="http://localhost:8000") as c:
        assert c.post("/update", data={"update": DATA}).status_code == 204
    assert quads(store) == 1


def test_a_token_is_needed_whatever_the_origin():
    store = store_with_data()
    with TestClient(create_app(ServerConfig(store=None, update_token="k"), store), base_url="http://127.0.0.1") as c:
        assert c.post("/update", data={"update": "DROP ALL"}).status_code == 401
        assert c.post("/update", data={"update": "DROP ALL"}, headers={"authorization": "Bearer x"}).status_code == 403
        # With the token, another origin may update: the token is the authority.
        r = c.post("/update", data={"update": "DROP ALL"}, headers={"authorization": "Bearer k", "origin": "https://app.example"})
        assert r.status_code == 204
    assert quads(store) == 0


def test_updates_are_off_by_default():
    store = store_with_data()
    with TestClient(create_app(ServerConfig(store=None), store), base_url="http://127.0.0.1") as c:
        assert c.post("/update", data={"update": "DROP ALL"}).status_code == 403
    assert quads(store) == 1
