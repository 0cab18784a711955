"""A real client (SPARQLWrapper) against a real uvicorn server on 127.0.0.1."""

from __future__ import annotations


import pytest

from api.app import create_app
from api.config import ServerConfig
from conftest import free_port, running_server
from kg.store import OxigraphStore

SPARQLWrapper = pytest.importorskip("SPARQLWrapper")
from SPARQLWrapper import CSV, JSON, POST, TURTLE, XML, SPARQLWrapper as Client  # noqa: E402
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed  # noqa: E402

EX = "http://example.org/"
DOC = "http://127.0.0.1:8000/doc/1"
TOKEN = "client-token"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    path = tmp_path_factory.mktemp("client-store")
    store = OxigraphStore(path)
    store.oxigraph.update(f'INSERT DATA {{ GRAPH <{DOC}> {{ <{EX}obs1> <{EX}amount> 100 ; <http://www.w3.org/2000/01/rdf-schema#label> "教育支出" . }} }}')
    port = free_port()
    config = ServerConfig(store=str(path), port=port, update_token=TOKEN, query_workers=2)
    app = create_app(config, store)
    with running_server(app, port) as url:
        yield url


def test_select_json(server):
    client = Client(f"{server}/sparql")
    client.setQuery(f"SELECT ?label WHERE {{ <{EX}obs1> <http://www.w3.org/2000/01/rdf-schema#label> ?label }}")
    client.setReturnFormat(JSON)
    result = client.query().convert()
    assert result["results"]["bindings"][0]["label"]["value"] == "教育支出"


def test_select_xml_csv_and_post(server):
    client = Client(f"{server}/sparql")
    client.setQuery(f"SELECT ?a WHERE {{ <{EX}obs1> <{EX}amount> ?a }}")
    client.setReturnFormat(XML)
    document = client.query().convert()
    assert document.getElementsByTagName("literal")[0].firstChild.data == "100"
    client.setReturnFormat(CSV)
    client.setMethod(POST)
    assert client.query().convert().decode().splitlines() == ["a", "100"]


def test_ask_and_construct(server):
    client = Client(f"{server}/sparql")
    client.setQuery(f"ASK {{ GRAPH <{DOC}> {{ <{EX}obs1> ?p ?o }} }}")
    client.setReturnFormat(JSON)
    assert client.query().convert()["boolean"] is True
    client.setQuery("CONSTRUCT WHERE { ?s ?p ?o }")
    client.setReturnFormat(TURTLE)
    graph_text = client.query().convert().decode()
    assert "教育支出" in graph_text


def test_bad_query_is_reported_to_the_client(server):
    client = Client(f"{server}/sparql")
    client.setQuery("SELECT * WHERE { ?s ?p ")
    client.setReturnFormat(JSON)
    with pytest.raises(QueryBadFormed) as error:
        client.query()
    assert "syntax error" in str(error.value)


def test_update_with_token(server):
    client = Client(f"{server}/sparql", updateEndpoint=f"{server}/update")
    client.setMethod(POST)
    client.addCustomHttpHeader("Authorization", f"Bearer {TOKEN}")
    client.setQuery(f"INSERT DATA {{ GRAPH <{DOC}> {{ <{EX}obs2> <{EX}amount> 5 }} }}")
    client.query()
    reader = Client(f"{server}/sparql")
    reader.setQuery(f"SELECT (SUM(?a) AS ?total) WHERE {{ ?s <{EX}amount> ?a }}")
    reader.setReturnFormat(JSON)
    assert reader.query().convert()["results"]["bindings"][0]["total"]["value"] == "105"
