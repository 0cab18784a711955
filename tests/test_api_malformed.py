"""Malformed and hostile requests get a 4xx with a message, never a 500 (issue 14, items 4 and 5).

A sweep through the ASGI app (TestClient), then the limits that only a real
uvicorn can show (a head too long or too slow, a body that stops arriving),
served with the same uvicorn settings as ``budgetkg serve`` (``api.server``).
"""

from __future__ import annotations

import socket
import threading
import time
from contextlib import contextmanager
from urllib.parse import quote

import pytest
import uvicorn
from fastapi.testclient import TestClient

from api.app import create_app
from api.config import ServerConfig
from api.server import uvicorn_config
from kg.store import OxigraphStore
from conftest import free_port

TOKEN = "s3cret"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
DOC = "http://example.org/doc"
BAD_IRIS = ["not an iri", "relative/path", "http://example.org/a>b", 'http://example.org/"x', "http://example.org/a b", "", "http://example.org/%zz", "<http://example.org/>"]


def small_store() -> OxigraphStore:
    store = OxigraphStore()
    store.oxigraph.update(f"INSERT DATA {{ GRAPH <{DOC}> {{ <http://example.org/s> <http://example.org/p> 'o' }} }}")
    return store


@pytest.fixture(scope="module")
def client():
    config = ServerConfig(store=None, update_token=TOKEN, max_request_bytes=100_000)
    with TestClient(create_app(config, small_store()), raise_server_exceptions=False) as c:
        yield c


def refused(response, *statuses: int) -> None:
    """A client error, with a message for the client."""
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:300])
    if statuses:
        assert response.status_code in statuses, (response.status_code, response.text[:300])
    assert response.text.strip(), "a refusal says why"


@pytest.mark.parametrize("parameter", ["default-graph-uri", "named-graph-uri"])
@pytest.mark.parametrize("iri", BAD_IRIS)
def test_invalid_graph_iris_in_a_query_are_400(client, parameter, iri):
    refused(client.get("/sparql", params={"query": "ASK {}", parameter: iri}), 400)
    refused(client.post("/sparql", data={"query": "ASK {}", parameter: iri}), 400)
    refused(client.post(f"/sparql?{parameter}={quote(iri)}", content=b"ASK {}", headers={"content-type": "application/sparql-query"}), 400)


@pytest.mark.parametrize("parameter", ["using-graph-uri", "using-named-graph-uri"])
@pytest.mark.parametrize("iri", BAD_IRIS)
def test_invalid_graph_iris_in_an_update_are_400_and_change_nothing(client, parameter, iri):
    update = "DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }"
    refused(client.post("/update", data={"update": update, parameter: iri}, headers=AUTH), 400)
    # An IRI that closes the angle brackets cannot smuggle another operation in either.
    refused(client.post("/update", data={"update": update, parameter: "http://example.org/> } ; DROP ALL ; #"}, headers=AUTH), 400)
    assert "true" in client.get("/sparql", params={"query": "ASK { ?s ?p ?o }", "format": "json"}).text


@pytest.mark.parametrize("host", ['example.org"', 'a"b:80', "a b", "<x>", "ex.org/path", "x:y:z", "ex.org:80abc", "é.example", "h\\x"])
@pytest.mark.parametrize("path", ["/sparql", "/update", "/", "/id/document/x", "/healthz"])
def test_odd_host_headers_are_400_never_500(client, host, path):
    # The service description (GET /sparql) writes the host into an IRI: that was the 500.
    response = client.get(path, headers={"host": host.encode("utf-8"), "accept": "text/turtle"})
    if path == "/healthz":
        assert response.status_code == 200  # not a page of the site: no IRIs from the host
    else:
        refused(response, 400)


def test_a_good_host_with_a_port_or_an_ipv6_literal_is_served(client):
    for host in ["example.org", "example.org:8080", "127.0.0.1:8000", "[::1]:8000", "localhost"]:
        response = client.get("/sparql", headers={"host": host, "accept": "text/turtle"})
        assert response.status_code == 200 and f"http://{host}/sparql".encode() in response.content


def test_two_host_headers_are_400(client):
    response = client.get("/sparql", headers=[("host", "a.example"), ("host", "b.example")])
    refused(response, 400)


@pytest.mark.parametrize(
    "query_string",
    [
        "query=%ZZ",
        "query=%FF",  # not UTF-8 once decoded
        "query=ASK%E4%B8",  # a character cut short
        "query=%",
        "query=ASK+%7B%7D&query=ASK+%7B%7D",
        "update=DROP+ALL",
        "query=ASK+%7B%7D&default-graph-uri=%FF",
    ],
)
def test_bad_percent_encoding_and_parameters_are_4xx(client, query_string):
    refused(client.get(f"/sparql?{query_string}"))
    refused(client.post("/sparql", content=query_string.encode(), headers={"content-type": "application/x-www-form-urlencoded"}))


@pytest.mark.parametrize("path", ["/id/%FF", "/page/%ZZ", "/data/%E4%B8", "/id/document/%00", "/static/%2e%2e/%2e%2e/etc/passwd", "/validate?document=%FF"])
def test_bad_percent_encoding_in_paths_is_4xx(client, path):
    refused(client.get(path))


@pytest.mark.parametrize("path", ["/sparql", "/id/document/x", "/"])
def test_headers_over_the_limit_are_431(client, path):
    refused(client.get(path, headers={"x-filler": "a" * 70_000}), 431)
    refused(client.get(path, headers={"accept": "text/turtle," * 100_000}), 431)


@pytest.mark.parametrize("accept", ["a/b;q=abc", ",,,,", "text/html;q=2", "*/*;q=-1", "text/turtle;q=0.5;q=0.9", "application/sparql-results+json;" * 500, ";;;", "*", "x" * 30_000])
def test_odd_accept_headers_are_answered_or_406(client, accept):
    response = client.get("/sparql", params={"query": "ASK {}"}, headers={"accept": accept})
    assert response.status_code in (200, 406), (response.status_code, response.text[:200])


def test_bodies_over_the_limit_are_413_and_bad_lengths_400(client):
    big = "ASK {} #" + "x" * 200_000
    refused(client.post("/sparql", content=big.encode(), headers={"content-type": "application/sparql-query"}), 413)
    refused(client.post("/update", content=big.encode(), headers={"content-type": "application/sparql-update", **AUTH}), 413)
    refused(client.post("/validate", content=big.encode()), 413, 405)
    body = b"query=ASK+%7B%7D"
    refused(client.post("/sparql", content=body, headers={"content-type": "application/x-www-form-urlencoded", "content-length": "12abc"}), 400)


@pytest.mark.parametrize(
    "content_type, body",
    [
        ("application/sparql-query", b"\xff\xfe ASK {}"),
        ("application/sparql-query; charset=latin-1", b"ASK {}"),
        ("text/plain", b"ASK {}"),
        ("", b"ASK {}"),
        ("application/x-www-form-urlencoded", b"query=ASK+{}&query=ASK+{}"),
        ("application/x-www-form-urlencoded", b"%FF=%FF"),
        ("application/sparql-query", b"SELECT * WHERE {"),
        ("application/sparql-query", b"SELECT * WHERE { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }"),
    ],
)
def test_malformed_posts_are_4xx(client, content_type, body):
    headers = {"content-type": content_type} if content_type else {}
    refused(client.post("/sparql", content=body, headers=headers))


# -- a real uvicorn with budgetkg serve's settings --------------------------------


@contextmanager
def serving(config: ServerConfig, store: OxigraphStore):
    server = uvicorn.Server(uvicorn_config(config, create_app(config, store), log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield config.port
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def port():
    config = ServerConfig(store=None, port=free_port(), query_workers=0, read_timeout_s=1.0, max_request_bytes=100_000)
    with serving(config, small_store()) as port:
        yield port


def exchange(port: int, *parts: bytes, pause_s: float = 0.0, wait_s: float = 10.0) -> bytes:
    """Send ``parts`` (pausing between them), then read until the server closes or ``wait_s`` passes."""
    with socket.create_connection(("127.0.0.1", port), timeout=wait_s) as sock:
        for part in parts:
            sock.sendall(part)
            time.sleep(pause_s)
        received = b""
        try:
            while chunk := sock.recv(65536):
                received += chunk
        except (socket.timeout, ConnectionResetError):
            pass
        return received


def status_of(response: bytes) -> int:
    assert response.startswith(b"HTTP/1.1 "), response[:200]
    return int(response[9:12])


def test_uvicorn_refuses_a_long_head_with_431_before_the_app(port):
    response = exchange(port, b"GET /sparql HTTP/1.1\r\nHost: x\r\nX-Filler: " + b"a" * 70_000 + b"\r\n\r\n")
    assert status_of(response) == 431 and b"longer than 65536 bytes" in response
    # Eight megabytes in pieces: the connection is refused once the limit is passed, not read to the end.
    piece = b"text/turtle," * 10_000
    sent = 0
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"GET /sparql HTTP/1.1\r\nHost: x\r\nAccept: ")
        try:
            for _ in range(70):
                sock.sendall(piece)
                sent += len(piece)
                time.sleep(0.01)
        except (BrokenPipeError, ConnectionResetError):
            pass
    assert sent < 70 * len(piece)


def test_uvicorn_answers_408_to_a_head_that_stops_arriving(port):
    response = exchange(port, b"GET /sparql?query=ASK HTTP/1.1\r\nHost: x\r\n")
    assert status_of(response) == 408 and b"did not arrive" in response


def test_a_body_that_stops_arriving_is_408_and_the_connection_closed(port):
    head = b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\nContent-Length: 1000\r\n\r\n"
    response = exchange(port, head, b"ASK {}")
    assert status_of(response) == 408 and b"connection: close" in response.lower()


def test_a_declared_body_over_the_limit_is_413_at_once(port):
    head = b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\nContent-Length: 10000000\r\n\r\n"
    assert status_of(exchange(port, head, b"ASK {}")) == 413


@pytest.mark.parametrize(
    "request_bytes, expected",
    [
        (b'GET /sparql HTTP/1.1\r\nHost: a"b\r\nAccept: text/turtle\r\n\r\n', 400),
        (b"GET /sparql?query=ASK+%7B%7D&default-graph-uri=nope HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        (b"GET /sparql?query=%FF HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        (b"GET /id/%FF HTTP/1.1\r\nHost: x\r\n\r\n", 404),
        (b"GET /sparql HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n", 400),
        (b"GET /sparql\xff HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        (b"NONSENSE\r\n\r\n", 400),
    ],
)
def test_malformed_requests_over_the_wire_are_4xx(port, request_bytes, expected):
    response = exchange(port, request_bytes + b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", wait_s=5)
    assert status_of(response) == expected


def test_healthz_reports_ready_with_the_store_size(port):
    response = exchange(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert status_of(response) == 200
    assert b'"status": "ready"' in response and b'"quads": 1' in response
