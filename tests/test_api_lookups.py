"""Lookups: the queries the endpoint answers in its event loop (``api.lookups``)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from api import lookups
from api.app import create_app
from api.config import ServerConfig
from api.executor import QueryJob, execute
from kg.store import OxigraphStore

EX = "http://example.org/"


@pytest.mark.parametrize(
    "query",
    [
        f"SELECT ?p ?o WHERE {{ <{EX}a> ?p ?o }}",
        f"ASK {{ <{EX}a> ?p ?o }}",
        "SELECT * { ?s ?p ?o }",
        "PREFIX ex: <http://example.org/> SELECT ?o WHERE { ex:a ex:p ?o . } LIMIT 5",
        'SELECT ?s { ?s <http://www.w3.org/2000/01/rdf-schema#label> "教育支出"@zh }',
        'SELECT ?s { ?s ?p "5"^^<http://www.w3.org/2001/XMLSchema#integer> }',
    ],
)
def test_lookups(query):
    assert lookups.is_lookup(query)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * { ?s ?p ?s }",  # a repeated variable: the scan reads non-solutions
        "SELECT DISTINCT ?p { ?s ?p ?o }",
        "SELECT * { ?s ?p ?o FILTER(false) }",
        "SELECT * { ?s ?p ?o } ORDER BY ?o",
        "SELECT * { ?s ?p ?o } OFFSET 1000000",
        f"SELECT * {{ <{EX}a> <{EX}p>/<{EX}q> ?o }}",  # a property path
        "PREFIX ex: <http://example.org/> SELECT * { ex:a ex:p/ex:q ?o }",
        f"SELECT * {{ <{EX}a> ?p ?o ; ?q ?r }}",
        f"SELECT * {{ <{EX}a> ?p ?o . ?o ?q ?r }}",
        f"SELECT * {{ {{ <{EX}a> ?p ?o }} }}",
        f"SELECT * FROM <{EX}g> {{ <{EX}a> ?p ?o }}",
        f"SELECT * {{ GRAPH ?g {{ <{EX}a> ?p ?o }} }}",
        f"SELECT * {{ <{EX}a> ?p ?o }} VALUES ?o {{ 1 }}",
        f"CONSTRUCT WHERE {{ <{EX}a> ?p ?o }}",
        f"SELECT (STR(?o) AS ?x) {{ <{EX}a> ?p ?o }}",
        "SELECT * { _:b ?p _:b }",
        "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }",
        "SELECT * { " + " " * lookups.MAX_QUERY_CHARS + "?s ?p ?o }",
    ],
)
def test_not_lookups(query):
    assert not lookups.is_lookup(query)


def _store(subjects: int, per_subject: int) -> OxigraphStore:
    store = OxigraphStore()
    store.oxigraph.bulk_extend(
        ox.Quad(ox.NamedNode(f"{EX}s{s}"), ox.NamedNode(f"{EX}p{i}"), ox.Literal(f"值 {s}/{i}"), ox.NamedNode(f"{EX}g{s % 3}")) for s in range(subjects) for i in range(per_subject)
    )
    return store


def _job(query: str, fmt: str = "json") -> QueryJob:
    return QueryJob(query, None, None, False, "http://127.0.0.1:8000/sparql", {"solutions": fmt, "boolean": fmt, "graph": None}, 100_000)


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_in_loop_answer_is_the_workers_answer(fmt):
    store = _store(20, 10)
    for query in (f"SELECT ?p ?o {{ <{EX}s3> ?p ?o }}", f"ASK {{ <{EX}s3> ?p ?o }}", f"ASK {{ <{EX}nobody> ?p ?o }}"):
        in_loop = lookups.run_in_loop(store.oxigraph, _job(query, fmt))
        assert in_loop is not None and in_loop.status == "ok"
        assert in_loop.body == execute(store.oxigraph, _job(query, fmt)).body


def test_a_lookup_over_budget_is_handed_on():
    store = _store(2000, 10)  # 20,000 triples: far more than the budget's worth of JSON
    assert lookups.run_in_loop(store.oxigraph, _job("SELECT * { ?s ?p ?o }")) is None
    with TestClient(create_app(ServerConfig(store=None), store)) as client:
        r = client.get("/sparql", params={"query": "SELECT * { ?s ?p ?o }"})
        assert r.status_code == 200 and len(r.json()["results"]["bindings"]) == 20_000


def test_lookup_errors_are_reported_like_any_query():
    store = _store(1, 1)
    with TestClient(create_app(ServerConfig(store=None), store)) as client:
        r = client.get("/sparql", params={"query": f"SELECT ?o {{ <{EX}s0> ?p ?o }}"}, headers={"accept": "text/turtle"})
        assert r.status_code == 406
        r = client.get("/sparql", params={"query": "SELECT ?o { nope:s0 ?p ?o }"})
        assert r.status_code == 400 and "nope" in r.text


def test_only_the_servers_default_dataset_and_a_cap_the_budget_cannot_reach():
    query = f"SELECT ?p ?o {{ <{EX}s0> ?p ?o }}"
    assert lookups.can_answer(_job(query), max_rows=100_000)
    assert not lookups.can_answer(_job(query), max_rows=10)
    with_dataset = QueryJob(query, (f"{EX}g0",), (), False, None, {"solutions": "json"}, 100_000)
    assert not lookups.can_answer(with_dataset, max_rows=100_000)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (f"SELECT ?p ?o {{ <{EX}a> ?p ?o }}", f"SELECT ?p ?o {{ <{EX}a> ?p ?o }}\nLIMIT {lookups.BUDGET_ROWS + 1}"),
        (f"SELECT ?p ?o {{ <{EX}a> ?p ?o }} LIMIT 5", f"SELECT ?p ?o {{ <{EX}a> ?p ?o }} LIMIT 5"),
        (f"SELECT ?p ?o {{ <{EX}a> ?p ?o }} LIMIT {lookups.BUDGET_ROWS + 1}", None),  # its own LIMIT is over the budget
        (f"SELECT ?p ?o {{ <{EX}a> ?p ?o }} LIMIT # how many\n 5", None),  # a LIMIT whose number cannot be read
        (f"ASK {{ <{EX}a> ?p ?o }}", f"ASK {{ <{EX}a> ?p ?o }}"),
    ],
)
def test_bounded_text(query, expected):
    assert lookups.bounded_text(query) == expected


@pytest.mark.parametrize(("fmt", "answered_rows"), [("json", 300), ("xml", lookups.BUDGET_ROWS), ("csv", lookups.BUDGET_ROWS), ("tsv", lookups.BUDGET_ROWS)])
def test_the_row_budget(fmt, answered_rows):
    # Exact in XML, CSV and TSV; JSON's count of rows (its braces) is three a row here.
    query = f"SELECT ?p ?o {{ <{EX}s0> ?p ?o }}"
    under = _store(1, answered_rows)
    answered = lookups.run_in_loop(under.oxigraph, _job(query, fmt))
    assert answered is not None and answered.body == execute(under.oxigraph, _job(query, fmt)).body
    over = _store(1, lookups.BUDGET_ROWS + 1)
    assert lookups.run_in_loop(over.oxigraph, _job(query, fmt)) is None
    with TestClient(create_app(ServerConfig(store=None), over)) as client:
        r = client.get("/sparql", params={"query": query, "format": fmt})
        assert r.status_code == 200 and r.content == execute(over.oxigraph, _job(query, fmt)).body


def test_a_lookup_ending_in_a_comment_or_with_a_larger_limit_of_its_own():
    store = _store(20, 10)
    for query in (f"SELECT ?p ?o {{ <{EX}s3> ?p ?o }} # everything about s3", f"SELECT ?p ?o {{ <{EX}s3> ?p ?o }} LIMIT 100000"):
        in_loop = lookups.run_in_loop(store.oxigraph, _job(query))
        assert in_loop is not None and in_loop.status == "ok"
        assert in_loop.body == execute(store.oxigraph, _job(query)).body


def test_values_that_look_like_rows_only_send_a_lookup_to_a_worker():
    # Braces in values make JSON's count of rows an overestimate: never an underestimate.
    store = OxigraphStore()
    store.oxigraph.bulk_extend(ox.Quad(ox.NamedNode(f"{EX}s"), ox.NamedNode(f"{EX}p{i}"), ox.Literal("{" * 5), ox.NamedNode(f"{EX}g")) for i in range(300))
    query = f"SELECT ?p ?o {{ <{EX}s> ?p ?o }}"
    assert lookups.run_in_loop(store.oxigraph, _job(query, "json")) is None  # 300 rows "may" be 1,800
    assert lookups.run_in_loop(store.oxigraph, _job(query, "tsv")) is not None
