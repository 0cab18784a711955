"""The W3C SPARQL 1.1 Protocol test suite, replayed against the ASGI app.

Each ``mf:ProtocolTest`` of ``shared/w3c/sparql11-protocol/manifest.ttl`` is a
list of HTTP requests with expected status, result format and boolean. Its
``ut:graphData`` files are loaded into the named graphs the manifest names
before the test; the ``/sparql/`` path prefix becomes the app's ``/sparql``.

Three set-ups:
- updates allowed, in-memory store (queries in threads): all 34 tests;
- updates behind a token, on-disk store (queries in worker processes): all 34;
- updates off: every query test passes, and every update is refused with 403.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, Namespace
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS

from api.app import create_app
from api.config import ServerConfig
from kg.store import OxigraphStore

SUITE = Path(__file__).resolve().parents[1].parent / "shared" / "w3c" / "sparql11-protocol"
MANIFEST = SUITE / "manifest.ttl"

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")

TOKEN = "w3c-secret"

pytestmark = pytest.mark.skipif(not MANIFEST.exists(), reason=f"W3C suite not found at {SUITE}")


def _load_tests() -> list[dict]:
    graph = Graph().parse(MANIFEST, format="turtle", publicID=MANIFEST.as_uri())
    manifest = next(graph.subjects(RDF.type, MF.Manifest))
    tests = []
    for test in Collection(graph, graph.value(manifest, MF.entries)):
        data = []
        for item in graph.objects(test, UT.graphData):
            file = Path(unquote(urlparse(str(graph.value(item, UT.graph))).path))
            data.append((file, str(graph.value(item, RDFS.label))))
        action = graph.value(test, MF.action)
        requests = []
        for request in Collection(graph, graph.value(action, HT.requests)):
            headers = {}
            header_list = graph.value(request, HT.headers)
            if header_list is not None:
                for header in Collection(graph, header_list):
                    headers[str(graph.value(header, HT.fieldName))] = str(graph.value(header, HT.fieldValue))
            body = graph.value(request, HT.body)
            content = None
            if body is not None:
                encoding = str(graph.value(body, CNT.characterEncoding) or "UTF-8")
                content = str(graph.value(body, CNT.chars)).encode(encoding.lower())
            response = graph.value(request, HT.resp)
            statuses = {str(s).rsplit("StatusCode", 1)[1][0] for s in graph.objects(response, MF.expectedStatus)}
            expected_format = graph.value(response, MF.expectedFormat)
            expected_boolean = graph.value(response, MF.expectedBoolean)
            requests.append(
                {
                    "method": str(graph.value(request, HT.methodName)),
                    "path": str(graph.value(request, HT.absolutePath)).replace("/sparql/", "/sparql", 1),
                    "headers": headers,
                    "body": content,
                    "statuses": statuses,
                    "format": str(expected_format) if expected_format is not None else None,
                    "boolean": expected_boolean.toPython() if expected_boolean is not None else None,
                }
            )
        name = str(test).rsplit("#", 1)[1]
        tests.append({"name": name, "data": data, "requests": requests})
    return tests


TESTS = _load_tests() if MANIFEST.exists() else []
QUERY_TESTS = [t for t in TESTS if t["name"].startswith(("query_", "bad_query_", "bad_multiple_queries"))]


def _reset(store: OxigraphStore, client: TestClient, test: dict) -> None:
    store.oxigraph.clear()
    for file, graph_name in test["data"]:
        store.oxigraph.load(path=str(file), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph_name))
    client.app.state.sparql.runner.invalidate()


def _check_format(response, expected: str, expected_boolean) -> None:
    media = response.headers["content-type"].split(";")[0].strip()
    body = response.content
    if expected == "boolean":
        fmt = {"application/sparql-results+json": ox.QueryResultsFormat.JSON, "application/sparql-results+xml": ox.QueryResultsFormat.XML}[media]
        result = ox.parse_query_results(body, format=fmt)
        assert isinstance(result, ox.QueryBoolean)
        if expected_boolean is not None:
            assert bool(result) is expected_boolean
    elif expected == "tabular":
        fmt = ox.QueryResultsFormat.from_media_type(media)
        result = ox.parse_query_results(body, format=fmt)
        assert isinstance(result, ox.QuerySolutions)
        list(result)
    elif expected == "RDF":
        assert media in ("application/rdf+xml", "text/turtle", "application/n-triples")
        list(ox.parse(body, format=ox.RdfFormat.from_media_type(media), base_iri="http://example.org/"))
    else:  # pragma: no cover
        raise AssertionError(f"unknown expected format {expected}")


def replay(client: TestClient, store: OxigraphStore, test: dict, token: str | None = None) -> list[int]:
    _reset(store, client, test)
    statuses = []
    for request in test["requests"]:
        headers = dict(request["headers"])
        if token:
            headers["Authorization"] = f"Bearer {token}"
        response = client.request(request["method"], request["path"], content=request["body"], headers=headers)
        statuses.append(response.status_code)
        assert str(response.status_code)[0] in request["statuses"], (
            f"{test['name']}: {request['method']} {request['path']} -> {response.status_code} (expected {sorted(request['statuses'])}xx): {response.text[:500]}"
        )
        assert response.status_code < 500
        if request["format"]:
            _check_format(response, request["format"], request["boolean"])
    return statuses


@pytest.fixture(scope="module")
def memory_app():
    store = OxigraphStore()
    with TestClient(create_app(ServerConfig(store=None, allow_update=True), store), base_url="http://127.0.0.1") as client:
        yield client, store


@pytest.fixture(scope="module")
def disk_app(tmp_path_factory):
    store = OxigraphStore(tmp_path_factory.mktemp("w3c-store"))
    config = ServerConfig(store=str(store.path), update_token=TOKEN, query_workers=1)
    with TestClient(create_app(config, store)) as client:
        yield client, store


@pytest.fixture(scope="module")
def readonly_app():
    store = OxigraphStore()
    with TestClient(create_app(ServerConfig(store=None), store)) as client:
        yield client, store


def test_the_suite_is_complete():
    assert len(TESTS) == 34
    assert len(QUERY_TESTS) == 20


@pytest.mark.parametrize("test", TESTS, ids=lambda t: t["name"])
def test_w3c_protocol_updates_allowed(memory_app, test):
    client, store = memory_app
    replay(client, store, test)


@pytest.mark.parametrize("test", TESTS, ids=lambda t: t["name"])
def test_w3c_protocol_updates_with_token_on_disk(disk_app, test):
    client, store = disk_app
    replay(client, store, test, token=TOKEN)


@pytest.mark.parametrize("test", QUERY_TESTS, ids=lambda t: t["name"])
def test_w3c_protocol_query_cases_with_updates_off(readonly_app, test):
    client, store = readonly_app
    replay(client, store, test)


@pytest.mark.parametrize("test", [t for t in TESTS if t["name"].startswith("update_")], ids=lambda t: t["name"])
def test_w3c_updates_are_refused_when_off(readonly_app, test):
    client, store = readonly_app
    _reset(store, client, test)
    first = test["requests"][0]
    response = client.request(first["method"], first["path"], content=first["body"], headers=first["headers"])
    assert response.status_code == 403
    assert "disabled" in response.text
