"""budgetkg ingest --scheduler: a real Dask scheduler and two worker processes on 127.0.0.1.

The store a cluster ingest writes is compared with a local ingest's, quad for quad,
with blank nodes canonicalised (the ontology graph's qb:component nodes are the only
blank nodes, fresh at every load).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from distributed import LocalCluster

from conftest import SEEDS, SHARED, free_port, seed
from kg.iris import Iris
from kg.parse import document_id_for
from kg.runners import RunnerError
from kg.runners.dask import DaskRunner
from kg.settings import DEFAULT_BASE_IRI
from kg.store import open_store

PDF = SHARED / "corpus" / "final-accounts" / "中共上海市普陀区委社会工作部2024年度部门决算.pdf"


@pytest.fixture(scope="module")
def scheduler():
    """The address of a scheduler with two single-threaded worker processes."""
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address="127.0.0.1:0") as cluster:
        yield cluster.scheduler_address


def budgetkg(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg.cli", *args], capture_output=True, text=True, timeout=600)


def canonical_quads(location: str) -> list[str]:
    store = open_store(location, create=False)
    dataset = ox.Dataset(ox.parse(store.export(ox.RdfFormat.N_QUADS), ox.RdfFormat.N_QUADS))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return sorted(str(quad) for quad in dataset)


def test_a_cluster_ingest_equals_a_local_ingest_quad_for_quad(scheduler, tmp_path: Path):
    local = budgetkg("ingest", str(SEEDS), str(PDF), "--store", str(tmp_path / "local"), "--workers", "2", "--quiet")
    cluster = budgetkg("ingest", str(SEEDS), str(PDF), "--store", str(tmp_path / "cluster"), "--scheduler", scheduler, "--quiet")
    assert local.returncode == 0, local.stderr
    assert cluster.returncode == 0, cluster.stderr
    assert f"6 of 6 documents ingested into {tmp_path / 'cluster'} by the Dask cluster at {scheduler} (2 workers)" in cluster.stdout
    expected, found = canonical_quads(str(tmp_path / "local")), canonical_quads(str(tmp_path / "cluster"))
    assert len(found) > 50_000 and any(q.startswith("_:") or " _:" in q for q in found)
    for path in [*SEEDS.glob("*.txt"), PDF]:
        graph = Iris(DEFAULT_BASE_IRI).graph(document_id_for(path))
        assert any(q.endswith(f" {graph}") for q in found), path
    assert found == expected


def test_a_cluster_ingest_skips_unchanged_documents(scheduler, tmp_path: Path):
    store = str(tmp_path / "kg")
    first = budgetkg("ingest", str(seed("000")), "--store", store, "--scheduler", scheduler, "--quiet")
    again = budgetkg("ingest", str(seed("000")), "--store", store, "--scheduler", scheduler, "--quiet")
    assert first.returncode == 0 and again.returncode == 0, first.stderr + again.stderr
    assert "0 of 1 documents ingested" in again.stdout and "1 unchanged, skipped" in again.stdout


def test_bad_documents_are_one_line_each_naming_the_given_path_and_the_rest_ingest(scheduler, tmp_path: Path):
    good = tmp_path / "good.txt"
    shutil.copy(seed("003"), good)
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02 not a document \x00" * 40)
    (tmp_path / "text.pdf").write_text("一般公共预算支出\n", encoding="utf-8")
    with (tmp_path / "huge.txt").open("wb") as file:
        file.truncate(16 * 2**20 + 1)  # refused by its size on this machine: never shipped
    store = str(tmp_path / "kg")
    result = budgetkg("ingest", str(tmp_path), "--store", store, "--scheduler", scheduler, "--quiet")
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert sorted(line.split(": ")[2] for line in lines) == [str(tmp_path / n) for n in ("binary.txt", "huge.txt", "text.pdf")], lines
    assert all(line.startswith("budgetkg: error: ") for line in lines)
    # The worker's private copy never shows: messages name the file as it was given.
    assert "budgetkg-" not in result.stderr
    assert "expected a PDF" in result.stderr and "expected at most 16 MB of text" in result.stderr
    assert "1 of 4 documents ingested" in result.stdout and "3 refused" in result.stdout
    graphs = open_store(store, create=False).graphs()
    assert "http://127.0.0.1:8000/graph/good" in graphs
    assert not any(name in g for g in graphs for name in ("/graph/binary", "/graph/text", "/graph/huge"))


def test_an_unreachable_scheduler_is_one_line_and_exit_1_and_creates_no_store(tmp_path: Path):
    address = f"tcp://127.0.0.1:{free_port()}"  # nothing listens there
    result = budgetkg("ingest", str(seed("000")), "--store", str(tmp_path / "kg"), "--scheduler", address)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [f"budgetkg: error: {address}: cannot reach the Dask scheduler (Timed out trying to connect to {address} after 10 s); is `dask scheduler` running there?"]
    assert not (tmp_path / "kg").exists()


def test_a_malformed_scheduler_address_is_one_line(tmp_path: Path):
    result = budgetkg("ingest", str(seed("000")), "--store", str(tmp_path / "kg"), "--scheduler", "127.0.0.1")
    assert result.returncode == 1
    assert result.stderr.splitlines() == ["budgetkg: error: 127.0.0.1: expected a Dask scheduler address such as tcp://HOST:8786 (missing port number in address '127.0.0.1')"]


def test_a_scheduler_without_workers_is_refused_before_any_work():
    with LocalCluster(n_workers=0, processes=True, host="127.0.0.1", dashboard_address="127.0.0.1:0") as cluster:
        with pytest.raises(RunnerError, match=r"the Dask scheduler has no workers \(waited 1 s\); start them with `dask worker tcp://127\.0\.0\.1:"):
            DaskRunner.connect(cluster.scheduler_address, timeout=1)


def test_a_cluster_ingest_into_a_sparql_server_equals_a_local_one(scheduler, tmp_path: Path):
    from test_remote_store import start_server, stop_server

    server, url = start_server(tmp_path / "oxigraph", union_flag=False)
    try:
        result = budgetkg("ingest", str(seed("004")), str(PDF), "--store", url, "--scheduler", scheduler, "--quiet")
        assert result.returncode == 0, result.stderr
        local = budgetkg("ingest", str(seed("004")), str(PDF), "--store", str(tmp_path / "local"), "--quiet")
        assert local.returncode == 0, local.stderr
        remote = canonical_quads(url)
        assert len(remote) > 10_000
        assert remote == canonical_quads(str(tmp_path / "local"))
    finally:
        stop_server(server)
