"""SERVICE and LOAD are refused however they are spelled, and nothing is contacted.

Each trick is first shown to reach the listener when Oxigraph runs it
unguarded (so the test can fail), then sent to the app with and without an
update token: it must get 400 and the listener must see no connection.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.config import ServerConfig
from api.outbound import OutboundRefused, outbound_operations
from listener import Listener

TOKEN = "t0ken"


@pytest.fixture(scope="module")
def listener():
    target = Listener()
    yield target
    target.close()


def query_tricks(url: str) -> dict[str, str]:
    return {
        # The bypass of issue 14: '#' ends a prefixed name for Oxigraph (a comment
        # follows), while the old lexer read on into a '''string'''.
        "comment-in-prefixed-name": f"PREFIX ex: <http://e/> SELECT * {{ VALUES ?v {{ ex:p#'''\n }} SERVICE <{url}> {{ ?s ?p ?o }} #'''\n}}",
        "mixed-case": f"select * where {{ SeRvIcE <{url}> {{ ?s ?p ?o }} }}",
        "silent": f"SELECT * {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
        "inside-filter-exists": f"ASK {{ FILTER EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        "in-subquery-union": f"SELECT * {{ {{ SELECT * {{ {{ ?a ?b ?c }} UNION {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }} }}",
        "string-with-hash-before": f'SELECT * {{ BIND("#\\"" AS ?x) SERVICE <{url}> {{ ?s ?p ?o }} }}',
        "iri-with-hash-before": f"SELECT * {{ <http://e/a#b> ?p ?o OPTIONAL {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
    }


def update_tricks(url: str) -> dict[str, str]:
    return {
        "load": f"LOAD <{url}>",
        "load-silent-into": f"load silent <{url}> into graph <http://g/>",
        "after-insert-with-hash-string": f"INSERT DATA {{ <http://a/> <http://b/> \"x#'''\" }} ; LOAD <{url}>",
        "service-in-where": f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "comment-in-prefixed-name": f"PREFIX ex: <http://e/> INSERT DATA {{ ex:a ex:b ex:c#'''\n }} ; LOAD <{url}> #'''\n",
    }


def _run_unguarded(store: ox.Store, text: str, update: bool) -> None:
    try:
        if update:
            store.update(text)
        else:
            result = store.query(text)
            if not isinstance(result, ox.QueryBoolean):
                list(result)
    except (OSError, SyntaxError, RuntimeError):
        pass  # the listener hangs up: Oxigraph reports the failed request


@pytest.mark.parametrize("name", list(query_tricks("x")))
def test_query_trick_reaches_out_unguarded_and_is_refused_by_the_app(listener, name):
    text = query_tricks(listener.url)[name]
    before = listener.settle()
    _run_unguarded(ox.Store(), text, update=False)
    assert listener.settle() > before, "the trick must really make Oxigraph connect"
    before = listener.contacted
    for config in (ServerConfig(store=None), ServerConfig(store=None, update_token=TOKEN), ServerConfig(store=None, allow_update=True)):
        with TestClient(create_app(config, None), base_url="http://127.0.0.1") as client:
            got = client.get("/sparql", params={"query": text})
            posted = client.post("/sparql", content=text.encode(), headers={"content-type": "application/sparql-query"})
        assert (got.status_code, posted.status_code) == (400, 400), got.text
        # Refused as SERVICE, or as a text that could spell it and that the checker
        # cannot read (rdflib's parser stumbles on SERVICE after an IRI with '#').
        assert "never makes requests" in got.text or "could not be checked for SERVICE" in got.text
    assert listener.settle() == before


@pytest.mark.parametrize("name", list(update_tricks("x")))
def test_update_trick_reaches_out_unguarded_and_is_refused_by_the_app(listener, name):
    text = update_tricks(listener.url)[name]
    before = listener.settle()
    _run_unguarded(ox.Store(), text, update=True)
    assert listener.settle() > before, "the trick must really make Oxigraph connect"
    before = listener.contacted
    with TestClient(create_app(ServerConfig(store=None, update_token=TOKEN), None), base_url="http://127.0.0.1") as client:
        with_token = client.post("/update", data={"update": text}, headers={"authorization": f"Bearer {TOKEN}"})
        without_token = client.post("/update", data={"update": text})
    with TestClient(create_app(ServerConfig(store=None, allow_update=True), None), base_url="http://127.0.0.1") as client:
        allowed = client.post("/update", content=text.encode(), headers={"content-type": "application/sparql-update"})
    assert with_token.status_code == 400 and "never makes requests" in with_token.text
    assert without_token.status_code == 401  # no token: refused before anything is read
    assert allowed.status_code == 400
    assert listener.settle() == before


def test_unicode_escapes_that_spell_service_are_caught():
    # SPARQL 1.1 §19.2 lets \\u escapes stand anywhere; the checker expands them as it parses.
    assert outbound_operations("SELECT * { SERV\\u0049CE <http://h/> { ?s ?p ?o } }", "query") == ["SERVICE"]
    assert outbound_operations("LO\\u0041D <http://h/>", "update") == ["LOAD"]


def test_the_words_in_strings_iris_and_comments_are_not_operations():
    text = 'SELECT ?x WHERE { BIND("SERVICE <http://evil/> LOAD" AS ?x) FILTER(?x != <http://e/service/load>) } # SERVICE'
    assert outbound_operations(text, "query") == []
    assert outbound_operations('INSERT DATA { <http://a/> <http://b/> "LOAD <http://c/>" }', "update") == []


def test_text_that_could_spell_them_but_does_not_parse_is_refused():
    with pytest.raises(OutboundRefused, match="could not be checked"):
        outbound_operations("SELECT * { SERVICE <http://h/> { ?s ?p ?o }", "query")


def test_queries_without_the_letters_are_not_parsed_at_all():
    # Not valid SPARQL, but it cannot spell SERVICE or LOAD: Oxigraph reports the syntax error.
    assert outbound_operations("SELECT * WHERE { ?s ?p", "query") == []


def test_a_query_that_needs_the_grammar_is_read_off_the_event_loop(monkeypatch):
    # The grammar costs about 9 ms per KiB: a 1 MB query read on the event loop would stall every client.
    import asyncio

    import api.endpoint

    on_loop: list[bool] = []
    prepare = api.endpoint.prepare_query

    def recording(*args):
        try:
            asyncio.get_running_loop()
            on_loop.append(True)
        except RuntimeError:
            on_loop.append(False)
        return prepare(*args)

    monkeypatch.setattr(api.endpoint, "prepare_query", recording)
    with TestClient(create_app(ServerConfig(store=None), None), base_url="http://127.0.0.1") as client:
        assert client.get("/sparql", params={"query": 'ASK { BIND("download" AS ?x) }'}).status_code == 200
        assert client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).status_code == 200
    assert on_loop == [False, True]  # the grammar in a thread; a plain query prepared in the loop
