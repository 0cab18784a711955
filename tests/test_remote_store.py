"""kg/remote_store.py against a real Oxigraph server process on 127.0.0.1.

The server comes from the PyPI package ``oxigraph`` (its ``oxigraph`` CLI). Each
test runs twice: once with the union default graph asked for per query (the
``union-default-graph`` parameter), once with the server started with
``--union-default-graph`` and no parameter sent, as a store whose default graph
is the union by configuration (Virtuoso, GraphDB) would be used.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

httpx = pytest.importorskip("httpx", reason="RemoteStore needs httpx (pip install httpx)")

from kg.remote_store import RemoteStore, RemoteSyntaxError  # noqa: E402
from kg.store import StoreError  # noqa: E402

EX = "http://example.org/"
SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"


def oxigraph_binary() -> str | None:
    beside_python = Path(sys.executable).parent / "oxigraph"
    if beside_python.is_file():
        return str(beside_python)
    return shutil.which("oxigraph")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(tmp: Path, *, union_flag: bool) -> tuple[subprocess.Popen, str]:
    binary = oxigraph_binary()
    if binary is None:
        pytest.skip("no Oxigraph server: the PyPI package 'oxigraph' (its CLI) is not installed in this environment")
    port = free_port()
    command = [binary, "serve", "--location", str(tmp), "--bind", f"127.0.0.1:{port}"]
    if union_flag:
        command.append("--union-default-graph")
    log = open(tmp.parent / f"{tmp.name}.log", "wb")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        if process.poll() is not None:
            log.close()
            raise RuntimeError(f"oxigraph serve exited with {process.returncode}: {(tmp.parent / f'{tmp.name}.log').read_text()}")
        try:
            if httpx.get(f"{base}/query", params={"query": "ASK {}"}, timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"oxigraph serve did not answer on {base} within 30 s")
        time.sleep(0.1)
    return process, base


def stop_server(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="module", params=["union-parameter", "union-server-flag"])
def server(request, tmp_path_factory):
    union_flag = request.param == "union-server-flag"
    process, base = start_server(tmp_path_factory.mktemp(f"oxigraph-{request.param}"), union_flag=union_flag)
    yield base, union_flag
    stop_server(process)


@pytest.fixture
def store(server):
    base, union_flag = server
    remote = RemoteStore(base, union_default_graph_param=None if union_flag else "union-default-graph", timeout=30)
    remote.update("CLEAR ALL")
    yield remote
    remote.close()


def quad(s: str, o: str, g: str) -> ox.Quad:
    return ox.Quad(ox.NamedNode(EX + s), ox.NamedNode(EX + "p"), ox.Literal(o), ox.NamedNode(EX + g))


def values(result, name: str) -> list[str]:
    return sorted(row[name].value for row in result)


def test_replace_graph_twice_keeps_only_the_new_content(store):
    store.replace_graph(EX + "doc", [quad("a", "1", "doc"), quad("a", "x", "doc")])
    store.replace_graph(EX + "other", [quad("b", "2", "other")])
    store.replace_graph(EX + "doc", [quad("c", "3", "doc")])
    assert store.graphs() == [EX + "doc", EX + "other"]
    assert values(store.query(f"SELECT ?o WHERE {{ GRAPH <{EX}doc> {{ ?s ?p ?o }} }}"), "o") == ["3"]
    assert len(store) == 2


def test_also_insert_lands_in_the_reference_graph(store):
    reference = [quad("code", "pension", "reference"), quad("unit", "bureau", "reference")]
    store.replace_graph(EX + "doc", [quad("a", "1", "doc")], also_insert=reference)
    store.replace_graph(EX + "doc2", [quad("b", "2", "doc2")], also_insert=reference[:1])
    assert store.graphs() == [EX + "doc", EX + "doc2", EX + "reference"]
    rows = store.query(f"SELECT ?o WHERE {{ GRAPH <{EX}reference> {{ ?s ?p ?o }} }}")
    assert values(rows, "o") == ["bureau", "pension"]


def test_literals_with_quotes_newlines_and_chinese_survive(store):
    text = 'say "hi"\nthen } leave 机关事业单位基本养老保险缴费支出 \\ end'
    store.replace_graph(EX + "g", [quad("a", text, "g")], also_insert=[quad("r", text, "ref")])
    assert values(store.query("SELECT ?o WHERE { ?s ?p ?o }"), "o") == [text, text]


def test_select_ask_construct_use_the_embedded_store_api(store):
    store.replace_graph(EX + "g1", [quad("a", "1", "g1")])
    store.replace_graph(EX + "g2", [quad("b", "2", "g2")])

    select = store.query("SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?o")
    assert isinstance(select, ox.QuerySolutions)
    assert [v.value for v in select.variables] == ["s", "o"]
    assert [(row["s"].value, row["o"].value) for row in select] == [(EX + "a", "1"), (EX + "b", "2")]

    ask = store.query(f"ASK {{ <{EX}a> ?p ?o }}")
    assert isinstance(ask, ox.QueryBoolean) and bool(ask) is True
    assert bool(store.query(f"ASK {{ <{EX}zzz> ?p ?o }}")) is False

    construct = store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    assert isinstance(construct, ox.QueryTriples)
    assert sorted(t.object.value for t in construct) == ["1", "2"]
    turtle = store.query("CONSTRUCT WHERE { ?s ?p ?o }").serialize(format=ox.RdfFormat.TURTLE)
    assert len(list(ox.parse(turtle, ox.RdfFormat.TURTLE))) == 2

    json = store.query("SELECT ?o WHERE { ?s ?p ?o }").serialize(format=ox.QueryResultsFormat.JSON)
    assert b'"head"' in json


def test_default_and_named_graphs_restrict_the_dataset(store):
    store.replace_graph(EX + "g1", [quad("a", "1", "g1")])
    store.replace_graph(EX + "g2", [quad("b", "2", "g2")])
    assert values(store.query("SELECT ?o WHERE { ?s ?p ?o }", default_graphs=[EX + "g2"]), "o") == ["2"]
    # Only named graphs given: the default graph stays the union, as in the embedded store.
    result = store.query("SELECT ?o WHERE { ?s ?p ?o }", named_graphs=[EX + "g1"])
    assert values(result, "o") == ["1", "2"]
    result = store.query("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", named_graphs=[EX + "g1"])
    assert values(result, "g") == [EX + "g1"]


def test_drop_graph_and_update(store):
    store.replace_graph(EX + "g1", [quad("a", "1", "g1")])
    store.update(f"INSERT DATA {{ GRAPH <{EX}g2> {{ <{EX}b> <{EX}p> 'two' }} }}")
    assert store.graphs() == [EX + "g1", EX + "g2"]
    store.drop_graph(EX + "g1")
    store.drop_graph(EX + "never-there")  # silent, as in the embedded store
    assert store.graphs() == [EX + "g2"] and len(store) == 1


def test_load_parses_and_replaces_the_graph(store):
    store.load(f"<{EX}s> <{EX}p> 'loaded' .".encode(), ox.RdfFormat.TURTLE, EX + "g")
    store.load(f"<{EX}s> <{EX}p> 'again' .".encode(), ox.RdfFormat.TURTLE, EX + "g")
    assert values(store.query("SELECT ?o WHERE { ?s ?p ?o }"), "o") == ["again"]


def test_load_with_a_syntax_error_leaves_the_server_untouched(store):
    store.replace_graph(EX + "g", [quad("a", "1", "g")])
    with pytest.raises(SyntaxError):
        store.load(b"<http://example.org/s> <http://example.org/p> .", ox.RdfFormat.N_TRIPLES, EX + "g")
    assert len(store) == 1
    assert values(store.query("SELECT ?o WHERE { ?s ?p ?o }"), "o") == ["1"]


def test_a_malformed_query_is_a_syntax_error_and_a_store_error(store):
    with pytest.raises(SyntaxError) as caught:
        store.query("SELECT ?s WHERE { ?s ?p")
    assert isinstance(caught.value, StoreError) and isinstance(caught.value, RemoteSyntaxError)
    message = str(caught.value)
    assert "\n" not in message and store.query_url in message and "400" in message


def test_export_one_graph_or_all(store):
    store.replace_graph(EX + "g1", [quad("a", "1", "g1")])
    store.replace_graph(EX + "g2", [quad("b", "2", "g2")])
    one = store.export(ox.RdfFormat.TURTLE, EX + "g1")
    assert [q.object.value for q in ox.parse(one, ox.RdfFormat.TURTLE)] == ["1"]
    assert len(list(ox.parse(store.export(ox.RdfFormat.JSON_LD, EX + "g1"), ox.RdfFormat.JSON_LD))) == 1
    assert store.export(ox.RdfFormat.N_TRIPLES, EX + "absent") == b""
    quads = list(ox.parse(store.export(ox.RdfFormat.N_QUADS), ox.RdfFormat.N_QUADS))
    assert sorted((q.graph_name.value, q.object.value) for q in quads) == [(EX + "g1", "1"), (EX + "g2", "2")]
    union = list(ox.parse(store.export(ox.RdfFormat.N_TRIPLES), ox.RdfFormat.N_TRIPLES))
    assert sorted(t.object.value for t in union) == ["1", "2"]
    store.flush()  # a no-op, but part of the interface


def test_unreachable_url_gives_a_one_line_store_error():
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    store = RemoteStore(url, timeout=5)
    with pytest.raises(StoreError) as caught:
        store.graphs()
    assert f"{url}/query" in str(caught.value) and "\n" not in str(caught.value)
    with pytest.raises(StoreError):
        store.replace_graph(EX + "g", [quad("a", "1", "g")])


def test_http_errors_name_the_url_and_status(server):
    base, _ = server
    store = RemoteStore(base, gsp_url=f"{base}/no-such-endpoint")
    with pytest.raises(StoreError) as caught:
        store.replace_graph(EX + "g", [quad("a", "1", "g")])
    assert f"{base}/no-such-endpoint" in str(caught.value) and "HTTP 404" in str(caught.value)


def test_endpoints_default_to_oxigraph_server_paths():
    store = RemoteStore("http://127.0.0.1:7878/")
    assert (store.query_url, store.update_url, store.gsp_url) == (
        "http://127.0.0.1:7878/query",
        "http://127.0.0.1:7878/update",
        "http://127.0.0.1:7878/store",
    )
    with pytest.raises(StoreError):
        RemoteStore()


def test_ingest_a_seed_document_end_to_end(store):
    from kg.ingest import ingest_file, load_ontology
    from kg.settings import Settings
    from kg.vocabulary import sparql_prefixes

    seeds = sorted(SEEDS.glob("004_*.txt"))
    if len(seeds) != 1:
        pytest.skip(f"seed 004_*.txt not found in {SEEDS}")
    load_ontology(store)
    report = ingest_file(seeds[0], store, Settings())
    ingest_file(seeds[0], store, Settings())  # again: the graph is replaced, not doubled
    assert report.graph in store.graphs()
    rows = list(
        store.query(
            sparql_prefixes()
            + """
            SELECT DISTINCT ?yuan ?line WHERE {
              ?figure bkg:functionalClassification/skos:notation "2080505" ;
                      bkg:column bkg:column-total ;
                      qb:dataSet/a bkg:ExpenditureTable ;
                      bkg:amount ?yuan ;
                      bkg:sourceLine ?line .
            }"""
        )
    )
    assert [row["yuan"].value for row in rows] == ["216500"]
    count = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{report.graph}> {{ ?s ?p ?o }} }}")
    per_document = int(next(iter(count))["n"].value)
    assert 0 < per_document <= report.triples


# -- Virtuoso (Debian's virtuoso-opensource), when it is installed --------------

VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    binary = shutil.which("virtuoso-t")
    if binary is None or not VIRTUOSO_INI.is_file():
        pytest.skip("Virtuoso is not installed (apt-get install virtuoso-opensource); the Oxigraph tests cover the rest")
    home = tmp_path_factory.mktemp("virtuoso")
    sql_port, http_port = free_port(), free_port()
    ini = VIRTUOSO_INI.read_text()
    ini = ini.replace("/var/lib/virtuoso-opensource-7/db/", f"{home}/")
    ini = re.sub(r"(?m)^ServerPort(\s*)=\s*1111", rf"ServerPort\g<1>= {sql_port}", ini)
    ini = re.sub(r"(?m)^ServerPort(\s*)=\s*8890", rf"ServerPort\g<1>= {http_port}", ini)
    (home / "virtuoso.ini").write_text(ini)
    log = open(home / "out.log", "wb")
    process = subprocess.Popen([binary, "+foreground", "+configfile", str(home / "virtuoso.ini")], cwd=home, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{http_port}"
    deadline = time.monotonic() + 90
    while True:
        if process.poll() is not None:
            pytest.fail(f"virtuoso-t exited with {process.returncode}: {(home / 'out.log').read_text()[-2000:]}")
        try:
            if httpx.get(f"{base}/sparql", params={"query": "ASK {}"}, timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            stop_server(process)
            pytest.fail(f"Virtuoso did not answer on {base} within 90 s")
        time.sleep(0.5)
    # A fresh database's dba password is "dba"; updates and GSP need digest auth.
    store = RemoteStore(
        query_url=f"{base}/sparql",
        update_url=f"{base}/sparql-auth",
        gsp_url=f"{base}/sparql-graph-crud-auth",
        auth=httpx.DigestAuth("dba", "dba"),
        union_default_graph_param=None,
        timeout=60,
    )
    yield store
    store.close()
    stop_server(process)


def test_virtuoso_replace_graphs_and_query_forms(virtuoso):
    store = virtuoso
    store.replace_graph(EX + "doc", [quad("a", "1", "doc")], also_insert=[quad("r", "ref", "reference")])
    store.replace_graph(EX + "doc", [quad("b", '2 "二"\n', "doc")], also_insert=[quad("r", "ref", "reference")])
    assert {EX + "doc", EX + "reference"} <= set(store.graphs())  # Virtuoso lists its system graphs too
    assert values(store.query(f"SELECT ?o WHERE {{ GRAPH <{EX}doc> {{ ?s ?p ?o }} }}"), "o") == ['2 "二"\n']
    # Virtuoso's default graph is the union of all graphs without any parameter.
    assert values(store.query(f"SELECT ?o WHERE {{ ?s <{EX}p> ?o }}"), "o") == ['2 "二"\n', "ref"]
    assert bool(store.query(f"ASK {{ <{EX}b> ?p ?o }}")) is True
    construct = store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{EX}doc> {{ ?s ?p ?o }} }}")
    assert isinstance(construct, ox.QueryTriples) and len(list(construct)) == 1
    with pytest.raises(SyntaxError):
        store.query("SELECT ?s WHERE { ?s")
    store.drop_graph(EX + "doc")
    assert EX + "doc" not in store.graphs()


def test_virtuoso_ingest_a_seed_document_end_to_end(virtuoso):
    test_ingest_a_seed_document_end_to_end(virtuoso)


def test_read_only_refuses_changes_before_any_request(server):
    base, _ = server
    store = RemoteStore(base, read_only=True)
    for change in (
        lambda: store.replace_graph(EX + "g", [quad("a", "1", "g")]),
        lambda: store.update("CLEAR ALL"),
        lambda: store.drop_graph(EX + "g"),
        lambda: store.load(b"", ox.RdfFormat.TURTLE, EX + "g"),
    ):
        with pytest.raises(StoreError, match="read-only"):
            change()
    assert isinstance(store.graphs(), list)
