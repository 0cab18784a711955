"""SPARQL protocol behaviour of the budgetkg app, through the ASGI interface."""

from __future__ import annotations

import json
import os
import threading
import time

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from api import lexer
from api.app import create_app
from api.config import ServerConfig
from api.examples import EXAMPLES, with_prefixes
from api.safety import TRUNCATED_HEADER
from kg.store import OxigraphStore

EX = "http://example.org/"
DOC1 = "http://127.0.0.1:8000/doc/1"
DOC2 = "http://127.0.0.1:8000/doc/2"
BKG = "https://w3id.org/budgetkg/ontology#"

DATA = f"""
PREFIX bkg: <{BKG}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX qb: <http://purl.org/linked-data/cube#>
INSERT DATA {{
  GRAPH <{DOC1}> {{
    <{EX}obs1> a qb:Observation ; bkg:amount 100.5 ; bkg:unit <{EX}unitA> ; rdfs:label "教育支出" .
    <{EX}unitA> rdfs:label "某市教育局"@zh .
  }}
  GRAPH <{DOC2}> {{
    <{EX}obs2> a qb:Observation ; bkg:amount 20 ; bkg:unit <{EX}unitB> ; rdfs:label "卫生支出\\n第二行" .
  }}
}}
"""
SELECT_ALL_OBS = "PREFIX qb: <http://purl.org/linked-data/cube#> SELECT ?obs WHERE { ?obs a qb:Observation } ORDER BY ?obs"
TOKEN = "s3cret"


def make_store(path=None, triples: int = 0) -> OxigraphStore:
    store = OxigraphStore(path)
    store.oxigraph.update(DATA)
    if triples:
        store.oxigraph.bulk_extend(ox.Quad(ox.NamedNode(f"{EX}s{i}"), ox.NamedNode(f"{EX}p"), ox.Literal(i), ox.NamedNode(f"{EX}big")) for i in range(triples))
    return store


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(ServerConfig(store=None, update_token=TOKEN), make_store())) as c:
        yield c


def bindings(response) -> list[dict]:
    return response.json()["results"]["bindings"]


# -- operations ------------------------------------------------------------------


def test_get_query_returns_json_by_default_over_the_union_of_documents(client):
    r = client.get("/sparql", params={"query": SELECT_ALL_OBS})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/sparql-results+json")
    assert [b["obs"]["value"] for b in bindings(r)] == [f"{EX}obs1", f"{EX}obs2"]
    assert "Accept" in r.headers["vary"]


def test_post_form_and_post_direct(client):
    r1 = client.post("/sparql", data={"query": SELECT_ALL_OBS})
    r2 = client.post("/sparql", content=SELECT_ALL_OBS.encode(), headers={"content-type": "application/sparql-query"})
    assert r1.status_code == r2.status_code == 200
    assert bindings(r1) == bindings(r2)
    assert len(bindings(r1)) == 2


def test_graph_reaches_each_document(client):
    q = "SELECT ?g ?s WHERE { GRAPH ?g { ?s a <http://purl.org/linked-data/cube#Observation> } } ORDER BY ?g"
    r = client.get("/sparql", params={"query": q})
    assert [(b["g"]["value"], b["s"]["value"]) for b in bindings(r)] == [(DOC1, f"{EX}obs1"), (DOC2, f"{EX}obs2")]


def test_default_and_named_graph_uri(client):
    r = client.get("/sparql", params={"query": SELECT_ALL_OBS, "default-graph-uri": DOC2})
    assert [b["obs"]["value"] for b in bindings(r)] == [f"{EX}obs2"]
    q = "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    r = client.get("/sparql", params={"query": q, "named-graph-uri": DOC1})
    assert [b["g"]["value"] for b in bindings(r)] == [DOC1]
    # Only named graphs given: the default graph is empty.
    r = client.get("/sparql", params={"query": SELECT_ALL_OBS, "named-graph-uri": DOC1})
    assert bindings(r) == []


def test_from_in_the_query_is_honoured_without_protocol_dataset(client):
    q = f"PREFIX qb: <http://purl.org/linked-data/cube#> SELECT ?obs FROM <{DOC1}> WHERE {{ ?obs a qb:Observation }}"
    assert [b["obs"]["value"] for b in bindings(client.get("/sparql", params={"query": q}))] == [f"{EX}obs1"]


# -- formats -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "accept, media",
    [
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("application/json", "application/sparql-results+json"),
        ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
        ("text/csv;q=0.8, */*;q=0.1", "text/csv"),
        ("text/*;q=0.9, application/sparql-results+json;q=0.1", "application/sparql-results+xml"),  # text/xml
        ("*/*", "application/sparql-results+json"),
    ],
)
def test_select_formats_by_accept(client, accept, media):
    r = client.get("/sparql", params={"query": SELECT_ALL_OBS}, headers={"accept": accept})
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == media
    if media == "text/csv":
        assert r.text.splitlines() == ["obs", f"{EX}obs1", f"{EX}obs2"]
    else:
        parsed = ox.parse_query_results(r.content, format=ox.QueryResultsFormat.from_media_type(media))
        assert len(list(parsed)) == 2


@pytest.mark.parametrize(
    "accept, media, rdf_format",
    [
        ("text/turtle", "text/turtle", ox.RdfFormat.TURTLE),
        ("application/n-triples", "application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("application/ld+json", "application/ld+json", ox.RdfFormat.JSON_LD),
        ("application/rdf+xml", "application/rdf+xml", ox.RdfFormat.RDF_XML),
        ("application/trig", "application/trig", ox.RdfFormat.TRIG),
        ("application/n-quads", "application/n-quads", ox.RdfFormat.N_QUADS),
        (None, "text/turtle", ox.RdfFormat.TURTLE),
    ],
)
def test_construct_formats(client, accept, media, rdf_format):
    q = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    r = client.get("/sparql", params={"query": q}, headers={"accept": accept} if accept else {})
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == media
    assert len(list(ox.parse(r.content, format=rdf_format))) == 9


def test_ask_and_describe(client):
    r = client.get("/sparql", params={"query": f"ASK {{ <{EX}obs1> ?p ?o }}"}, headers={"accept": "application/sparql-results+xml"})
    assert bool(ox.parse_query_results(r.content, format=ox.QueryResultsFormat.XML)) is True
    r = client.get("/sparql", params={"query": f"DESCRIBE <{EX}obs1>"}, headers={"accept": "application/n-triples"})
    assert len(list(ox.parse(r.content, format=ox.RdfFormat.N_TRIPLES))) == 4


@pytest.mark.parametrize("param", ["format", "output", "results"])
def test_format_parameter_wins_over_accept(client, param):
    r = client.get("/sparql", params={"query": SELECT_ALL_OBS, param: "csv"}, headers={"accept": "application/sparql-results+xml"})
    assert r.headers["content-type"].startswith("text/csv")
    r = client.get("/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }", param: "json"})
    assert r.headers["content-type"].startswith("application/ld+json")
    # A value that means nothing for this kind of result is ignored.
    r = client.get("/sparql", params={"query": SELECT_ALL_OBS, param: "turtle"}, headers={"accept": "text/tab-separated-values"})
    assert r.headers["content-type"].startswith("text/tab-separated-values")


def test_406_when_accept_cannot_be_met(client):
    r = client.get("/sparql", params={"query": SELECT_ALL_OBS}, headers={"accept": "text/turtle"})
    assert r.status_code == 406
    assert "application/sparql-results+json" in r.text
    r = client.get("/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"}, headers={"accept": "text/csv"})
    assert r.status_code == 406
    r = client.get("/sparql", params={"query": SELECT_ALL_OBS}, headers={"accept": "application/sparql-results+json;q=0"})
    assert r.status_code == 406
    assert r.headers["vary"].startswith("Accept")


# -- errors ------------------------------------------------------------------------


def test_syntax_error_is_400_with_message_and_position(client):
    r = client.get("/sparql", params={"query": "SELECT * WHERE {\n  ?s ?p \n}"})
    assert r.status_code == 400
    assert "syntax error" in r.text and "at 3:" in r.text
    assert "^" in r.text


@pytest.mark.parametrize(
    "kwargs, status",
    [
        ({"content": b"ASK {}", "headers": {"content-type": "text/plain"}}, 415),
        ({"content": b"ASK {}"}, 415),
        ({"content": "ASK {}".encode("utf-16"), "headers": {"content-type": "application/sparql-query; charset=UTF-16"}}, 415),
        ({"content": b"ASK {\xff}", "headers": {"content-type": "application/sparql-query"}}, 400),
        ({"data": {"nothing": "here"}}, 400),
    ],
)
def test_bad_posts(client, kwargs, status):
    assert client.post("/sparql", **kwargs).status_code == status


def test_two_queries_and_update_on_query_operation_are_400(client):
    r = client.get("/sparql?query=ASK%20%7B%7D&query=ASK%20%7B%7D")
    assert r.status_code == 400 and "exactly one" in r.text
    r = client.get("/sparql", params={"query": "INSERT DATA { <a:b> <a:c> <a:d> }"})
    assert r.status_code == 400 and "update" in r.text
    r = client.get("/sparql", params={"update": "CLEAR ALL"})
    assert r.status_code == 400
    assert client.put("/sparql", params={"query": "ASK {}"}).status_code == 405


def test_bad_input_never_500(client):
    for query in ["", "}}}", "SELECT (", "ASK { FILTER(?x < ) }", '"""', "PREFIX : <x> SELECT * { :a :b }", "\x00"]:
        r = client.get("/sparql", params={"query": query})
        assert 400 <= r.status_code < 500, (query, r.status_code, r.text)


# -- discovery and browsers --------------------------------------------------------


def test_service_description():
    store = make_store()
    with TestClient(create_app(ServerConfig(store=None), store)) as c:
        r = c.get("/sparql")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    graph = ox.Store()
    graph.load(r.content, format=ox.RdfFormat.TURTLE)
    sd = "http://www.w3.org/ns/sparql-service-description#"
    assert graph.query(f"ASK {{ ?s a <{sd}Service> ; <{sd}endpoint> <http://testserver/sparql> ; <{sd}supportedLanguage> <{sd}SPARQL11Query> ; <{sd}feature> <{sd}UnionDefaultGraph> }}")
    assert not graph.query(f"ASK {{ ?s <{sd}supportedLanguage> <{sd}SPARQL11Update> }}")
    names = {s["g"].value for s in graph.query(f"SELECT ?g {{ ?x <{sd}name> ?g }}")}
    assert names == {DOC1, DOC2}


def test_html_ui_is_served_locally(client):
    r = client.get("/sparql", headers={"accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "/static/yasgui/yasgui.min.js" in r.text and "cdn" not in r.text.lower()
    assert "优/良/中/差" in r.text and "PREFIX bkg:" in r.text
    js = client.get("/static/yasgui/yasgui.min.js")
    assert js.status_code == 200 and len(js.content) > 100_000
    assert client.get("/static/yasgui/yasgui.min.css").status_code == 200


def test_example_queries_answer_on_the_seeds_and_the_final_accounts(seed_and_corpus_store):
    # The UI offers these; each must fit the real model and find something in real documents
    # (budget against actual needs the 决算 of shared/corpus).
    for title, query in EXAMPLES:
        rows = list(seed_and_corpus_store.query(with_prefixes(query)))
        assert rows, title


def test_head_and_options(client):
    r = client.head("/sparql", params={"query": SELECT_ALL_OBS})
    assert r.status_code == 200 and r.content == b""
    assert r.headers["content-type"].startswith("application/sparql-results+json")
    r = client.options("/sparql")
    assert r.status_code == 204 and "POST" in r.headers["allow"]


def test_cors(client):
    r = client.options(
        "/sparql",
        headers={"Origin": "https://example.net", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"},
    )
    assert r.status_code == 200
    assert r.headers["access-control-allow-origin"] == "*"
    assert "POST" in r.headers["access-control-allow-methods"]
    assert "access-control-allow-credentials" not in r.headers
    r = client.get("/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://example.net"})
    assert r.headers["access-control-allow-origin"] == "*"


def test_cors_on_update_and_pages(client):
    preflight = {"Origin": "https://example.net", "Access-Control-Request-Method": "POST"}
    r = client.options("/update", headers=preflight)
    assert r.status_code == 200 and r.headers["access-control-allow-methods"] == "POST, OPTIONS"
    r = client.options("/update", headers={**preflight, "Access-Control-Request-Method": "GET"})
    assert r.status_code == 400 and "GET" in r.text
    # The pages follow the same policy through Starlette's middleware.
    r = client.get("/", headers={"Origin": "https://example.net"})
    assert r.headers["access-control-allow-origin"] == "*"


def test_wrong_method_is_405_with_allow(client):
    r = client.put("/sparql", content=b"ASK {}")
    assert r.status_code == 405 and r.headers["allow"] == "GET, POST, HEAD, OPTIONS"
    r = client.get("/update")
    assert r.status_code == 405 and r.headers["allow"] == "POST, OPTIONS"


def test_a_bug_is_a_500_that_leaves_the_server_running(client, monkeypatch, caplog):
    service = client.app.state.sparql

    async def broken(job, timeout_s):
        raise RuntimeError("boom")

    monkeypatch.setattr(service.runner, "run", broken)
    r = client.get("/sparql", params={"query": "ASK {}"})
    assert r.status_code == 500 and "server log" in r.text
    assert "boom" in caplog.text
    monkeypatch.undo()
    assert client.get("/sparql", params={"query": "ASK {}"}).status_code == 200


@pytest.mark.parametrize(
    "query, limit",
    [
        ("SELECT * { ?s ?p ?o } LIMIT 10", 10),
        ("SELECT * { ?s ?p ?o } OFFSET 5 limit 7", 7),
        ("SELECT * { { SELECT * { ?s ?p ?o } LIMIT 3 } }", None),  # a subquery's limit
        ('SELECT * { ?s ?p "LIMIT 4" }', None),  # inside a string
        ("SELECT * { ?s ?p ?o } LIMIT # ten\n 10", None),  # conservative
        ("SELECT * { ?s ?p ?o }", None),
    ],
)
def test_top_level_limit(query, limit):
    assert lexer.top_level_limit(query) == limit


def test_a_query_with_its_own_limit_under_the_cap_is_not_cut():
    with TestClient(create_app(ServerConfig(store=None, max_rows=3), make_store(triples=10))) as c:
        for fmt in ("json", "xml", "csv", "tsv"):
            r = c.get("/sparql", params={"query": f"SELECT ?o {{ ?s <{EX}p> ?o }} ORDER BY ?o LIMIT 2", "format": fmt})
            assert r.status_code == 200 and TRUNCATED_HEADER not in r.headers, fmt
        assert [b["o"]["value"] for b in bindings(c.get("/sparql", params={"query": f"SELECT ?o {{ ?s <{EX}p> ?o }} ORDER BY ?o LIMIT 3"}))] == ["0", "1", "2"]
        r = c.get("/sparql", params={"query": f"SELECT ?o {{ ?s <{EX}p> ?o }} LIMIT 4"})
        assert len(bindings(r)) == 3 and r.headers[TRUNCATED_HEADER] == "3"


# -- updates -----------------------------------------------------------------------


def test_updates_are_off_by_default():
    with TestClient(create_app(ServerConfig(store=None), make_store())) as c:
        r = c.post("/update", data={"update": "CLEAR ALL"})
        assert r.status_code == 403
        r = c.post("/sparql", content=b"CLEAR ALL", headers={"content-type": "application/sparql-update"})
        assert r.status_code == 403
        assert len(bindings(c.get("/sparql", params={"query": SELECT_ALL_OBS}))) == 2


def test_update_token():
    store = make_store()
    with TestClient(create_app(ServerConfig(store=None, update_token=TOKEN), store)) as c:
        insert = f"INSERT DATA {{ GRAPH <{DOC1}> {{ <{EX}obs3> a <http://purl.org/linked-data/cube#Observation> }} }}"
        r = c.post("/update", data={"update": insert})
        assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Bearer")
        r = c.post("/update", data={"update": insert}, headers={"Authorization": "Bearer wrong"})
        assert r.status_code == 403
        r = c.post("/update", content=insert.encode(), headers={"Authorization": f"Bearer {TOKEN}", "content-type": "application/sparql-update"})
        assert r.status_code == 204
        assert len(bindings(c.get("/sparql", params={"query": SELECT_ALL_OBS}))) == 3
        r = c.post("/update", data={"update": "CLEAR XYZ"}, headers={"Authorization": f"Bearer {TOKEN}"})
        assert r.status_code == 400 and "syntax error" in r.text
        r = c.post("/update", data={"query": "ASK {}"}, headers={"Authorization": f"Bearer {TOKEN}"})
        assert r.status_code == 400


def test_allow_update_warns(caplog):
    with caplog.at_level("WARNING"):
        app = create_app(ServerConfig(store=None, allow_update=True), make_store())
    assert "WITHOUT a token" in caplog.text
    with TestClient(app, base_url="http://127.0.0.1:8000") as c:
        assert c.post("/update", data={"update": "CLEAR ALL"}).status_code == 204


def test_using_graph_uri_is_rewritten_to_using():
    text = 'PREFIX x: <http://x/> INSERT { GRAPH <http://g> { ?s a x:T } } WHERE { ?s a "WHERE" . { SELECT * WHERE { ?s ?p ?o } } } ; DELETE WHERE { ?a ?b ?c }'
    out = lexer.add_using_clauses(text, ["http://d1"], ["http://n1"])
    assert out.count("USING <http://d1>") == 1 and out.count("USING NAMED <http://n1>") == 1
    assert out.index("USING") < out.index("WHERE {")
    assert "DELETE WHERE" in out
    ox.Store().update(out)  # still valid SPARQL


# -- safety ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "select * where { service silent <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    ],
)
def test_service_is_refused(client, query):
    r = client.get("/sparql", params={"query": query})
    assert r.status_code == 400 and "never makes requests" in r.text


def test_service_word_inside_strings_and_iris_is_fine(client):
    q = 'SELECT ?x WHERE { BIND("SERVICE <http://evil/>" AS ?x) FILTER(?x != <http://e/SERVICE>) } # SERVICE'
    assert client.get("/sparql", params={"query": q}).status_code == 200


def test_load_is_refused_even_with_update_rights():
    with TestClient(create_app(ServerConfig(store=None, allow_update=True), make_store()), base_url="http://127.0.0.1") as c:
        r = c.post("/update", data={"update": "LOAD <http://127.0.0.1:9/data.ttl>"})
        assert r.status_code == 400 and "never makes requests" in r.text


def test_row_cap_cuts_and_says_so():
    with TestClient(create_app(ServerConfig(store=None, max_rows=3), make_store(triples=10))) as c:
        for fmt, count in [
            ("json", lambda r: len(bindings(r))),
            ("xml", lambda r: r.text.count("<result>")),
            ("csv", lambda r: len(r.text.strip().splitlines()) - 1),
            ("tsv", lambda r: len(r.text.strip().splitlines()) - 1),
        ]:
            r = c.get("/sparql", params={"query": "SELECT * { ?s ?p ?o }", "format": fmt})
            assert r.status_code == 200 and count(r) == 3 and r.headers[TRUNCATED_HEADER] == "3", fmt
            assert r.headers["access-control-expose-headers"] == TRUNCATED_HEADER  # a browser may read it
        r = c.get("/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }", "format": "turtle"})
        assert len(list(ox.parse(r.content, format=ox.RdfFormat.TURTLE))) == 3 and r.headers[TRUNCATED_HEADER] == "3"
        r = c.get("/sparql", params={"query": "SELECT * { ?s <http://example.org/p> ?o } LIMIT 2"})
        assert len(bindings(r)) == 2 and TRUNCATED_HEADER not in r.headers
        # A literal with a newline is one row, not two.
        r = c.get("/sparql", params={"query": f"SELECT ?l {{ <{EX}obs2> <http://www.w3.org/2000/01/rdf-schema#label> ?l }}"})
        assert bindings(r)[0]["l"]["value"] == "卫生支出\n第二行" and TRUNCATED_HEADER not in r.headers


def test_request_size_limit():
    with TestClient(create_app(ServerConfig(store=None, max_request_bytes=200), make_store())) as c:
        big = "ASK { " + "#" * 300 + "\n}"
        r = c.post("/sparql", content=big.encode(), headers={"content-type": "application/sparql-query"})
        assert r.status_code == 413
        assert c.get("/sparql", params={"query": big}).status_code == 414
        assert c.get("/sparql", params={"query": "ASK {}"}).status_code == 200


SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?o . ?b ?p ?o2 . ?c ?p ?o3 . ?d ?p ?o4 }"


def test_timeout_kills_the_worker_process_and_other_requests_go_on(tmp_path):
    store = make_store(tmp_path / "store", triples=2000)
    config = ServerConfig(store=str(tmp_path / "store"), query_timeout_s=1.5, query_workers=2)
    with TestClient(create_app(config, store)) as c:
        runner = c.app.state.sparql.runner.processes
        assert c.get("/sparql", params={"query": "ASK {}"}).status_code == 200  # workers up
        pids_before = {w.process.pid for w in runner._pool.idle()}
        slow_result = {}

        def slow():
            started = time.monotonic()
            slow_result["response"] = c.get("/sparql", params={"query": SLOW})
            slow_result["elapsed"] = time.monotonic() - started

        thread = threading.Thread(target=slow)
        thread.start()
        time.sleep(0.3)
        started = time.monotonic()
        fast = c.get("/sparql", params={"query": SELECT_ALL_OBS})
        assert fast.status_code == 200 and time.monotonic() - started < 1.0  # not blocked by the slow one
        thread.join(timeout=30)
        r = slow_result["response"]
        assert r.status_code == 503 and "stopped" in r.text and "1.5 s" in r.text
        assert slow_result["elapsed"] < 5
        # The worker that ran it is gone: its process was killed.
        pids_after = {w.process.pid for w in runner._pool.idle()}
        killed = pids_before - pids_after
        assert killed, "a worker should have been replaced"
        for pid in killed:
            with pytest.raises(ProcessLookupError):
                os.kill(pid, 0)
        assert c.get("/sparql", params={"query": SELECT_ALL_OBS}).status_code == 200


def test_timeout_in_memory_stops_streaming_queries():
    store = make_store(triples=2000)
    with TestClient(create_app(ServerConfig(store=None, query_timeout_s=0.5, max_rows=10_000_000), store)) as c:
        started = time.monotonic()
        r = c.get("/sparql", params={"query": "SELECT * { ?a ?p ?o . ?b ?p ?o2 }", "format": "tsv"})
        assert r.status_code == 503 and "0.5 s" in r.text
        assert time.monotonic() - started < 3
        # The thread stopped at the deadline: the pool is free again at once.
        runner = c.app.state.sparql.runner
        deadline = time.monotonic() + 1
        while runner.active:
            assert time.monotonic() < deadline, "the timed-out query is still running"
            time.sleep(0.02)
        assert c.get("/sparql", params={"query": "ASK {}"}).status_code == 200


def test_on_disk_updates_are_seen_by_workers(tmp_path):
    store = make_store(tmp_path / "store")
    config = ServerConfig(store=str(tmp_path / "store"), allow_update=True, query_workers=1)
    with TestClient(create_app(config, store), base_url="http://localhost") as c:
        assert len(bindings(c.get("/sparql", params={"query": SELECT_ALL_OBS}))) == 2
        assert c.post("/update", data={"update": f"DROP GRAPH <{DOC2}>"}).status_code == 204
        assert len(bindings(c.get("/sparql", params={"query": SELECT_ALL_OBS}))) == 1


def test_json_error_free_results_are_valid_json(client):
    r = client.get("/sparql", params={"query": 'SELECT ?x { BIND("a\\"b\\\\c" AS ?x) }'})
    assert json.loads(r.content)["results"]["bindings"][0]["x"]["value"] == 'a"b\\c'


def test_a_repeated_get_is_prepared_once_per_query_accept_and_origin():
    service_store = make_store()
    app = create_app(ServerConfig(store=None), service_store)
    # A relative IRI resolves against the endpoint's IRI, which the Host names.
    query = "SELECT ?x WHERE { BIND(<here> AS ?x) }"
    with TestClient(app) as client:
        for _ in range(2):
            for host in ("a.example:8000", "b.example"):
                r = client.get("/sparql", params={"query": query}, headers={"Host": host})
                assert r.status_code == 200 and bindings(r) == [{"x": {"type": "uri", "value": f"http://{host}/here"}}]
            r = client.get("/sparql", params={"query": query}, headers={"Host": "a.example:8000", "Accept": "text/csv"})
            assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv") and r.text == "x\r\nhttp://a.example:8000/here\r\n"
            r = client.head("/sparql", params={"query": query}, headers={"Host": "b.example"})
            assert r.status_code == 200 and r.content == b""
        assert len(app.sparql._prepared) == 3  # GET and HEAD share one
        # A request that cannot be met is answered afresh each time, never kept.
        for _ in range(2):
            assert client.get("/sparql", params={"query": query}, headers={"Accept": "text/turtle"}).status_code == 406
        # After an update, a kept job is answered on the new data.
        count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
        before = int(bindings(client.get("/sparql", params={"query": count}))[0]["n"]["value"])
        service_store.oxigraph.update(f"INSERT DATA {{ <{EX}new> <{EX}p> 1 }}")
        assert int(bindings(client.get("/sparql", params={"query": count}))[0]["n"]["value"]) == before + 1
        kept = len(app.sparql._prepared)
        long_query = "SELECT ?x WHERE { BIND(<here> AS ?x) } #" + "x" * 20_000
        assert client.get("/sparql", params={"query": long_query}).status_code == 200
        assert len(app.sparql._prepared) == kept  # too long to keep


def test_the_prepared_gets_are_bounded(monkeypatch):
    from api import endpoint

    monkeypatch.setattr(endpoint, "_PREPARED_KEPT", 4)
    app = create_app(ServerConfig(store=None), make_store())
    with TestClient(app) as client:
        for i in range(10):
            r = client.get("/sparql", params={"query": f"SELECT ({i} AS ?i) {{}}"})
            assert r.status_code == 200 and bindings(r)[0]["i"]["value"] == str(i)
        assert len(app.sparql._prepared) == 4
        assert [key[0] for key in app.sparql._prepared] == [f"query=SELECT+%28{i}+AS+%3Fi%29+%7B%7D".encode() for i in range(6, 10)]
