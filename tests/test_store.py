from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.store import OxigraphStore, StoreError, open_snapshot, holds_store, open_store

EX = "http://example.org/"


def quad(s: str, o: str, g: str) -> ox.Quad:
    return ox.Quad(ox.NamedNode(EX + s), ox.NamedNode(EX + "p"), ox.Literal(o), ox.NamedNode(EX + g))


def test_default_graph_is_the_union_and_graph_reaches_each_document():
    store = OxigraphStore()
    store.replace_graph(EX + "g1", [quad("a", "1", "g1")])
    store.replace_graph(EX + "g2", [quad("b", "2", "g2")])
    assert len(list(store.query("SELECT * WHERE { ?s ?p ?o }"))) == 2
    rows = list(store.query(f"SELECT ?s WHERE {{ GRAPH <{EX}g2> {{ ?s ?p ?o }} }}"))
    assert [r["s"].value for r in rows] == [EX + "b"]


def test_replace_graph_replaces_only_that_graph():
    store = OxigraphStore()
    store.replace_graph(EX + "g1", [quad("a", "1", "g1"), quad("a", "x", "g1")])
    store.replace_graph(EX + "g2", [quad("b", "2", "g2")])
    store.replace_graph(EX + "g1", [quad("c", "3", "g1")])
    assert len(store) == 2 and store.graphs() == [EX + "g1", EX + "g2"]


def test_literals_with_quotes_and_newlines_survive_replace():
    store = OxigraphStore()
    store.replace_graph(EX + "g", [quad("a", 'say "hi"\nthen } leave', "g")])
    (row,) = store.query("SELECT ?o WHERE { ?s ?p ?o }")
    assert row["o"].value == 'say "hi"\nthen } leave'


def test_load_with_a_syntax_error_leaves_the_store_untouched():
    store = OxigraphStore()
    store.replace_graph(EX + "g", [quad("a", "1", "g")])
    with pytest.raises(SyntaxError):
        store.load(b"<http://example.org/s> <http://example.org/p> .", ox.RdfFormat.N_TRIPLES, EX + "g")
    assert len(store) == 1


def test_on_disk_store_persists(tmp_path):
    store = OxigraphStore(tmp_path / "kg")
    store.replace_graph(EX + "g", [quad("a", "1", "g")])
    store.flush()
    del store
    assert len(OxigraphStore(tmp_path / "kg")) == 1


def test_a_url_opens_a_remote_store():
    from kg.remote_store import RemoteStore

    assert isinstance(open_store("http://127.0.0.1:7878"), RemoteStore)


def test_open_store_without_create_refuses_a_path_that_holds_none(tmp_path):
    with pytest.raises(StoreError, match="no store there"):
        open_store(str(tmp_path / "typo"), create=False)
    assert not (tmp_path / "typo").exists()
    OxigraphStore(tmp_path / "kg").flush()
    assert holds_store(tmp_path / "kg") and not holds_store(tmp_path)
    assert isinstance(open_store(str(tmp_path / "kg"), create=False), OxigraphStore)


# --- the native write path (Store.extend after one DROP) ---------------------------------


def _sparql_replace_graphs(store: ox.Store, graphs: dict[str, list[ox.Quad]], also_insert: list[ox.Quad]) -> None:
    """The write path budgetkg used before Store.extend (one DROP ...; INSERT DATA update),
    kept here only to show the native path stores the very same quads."""
    drops = " ;\n".join(f"DROP SILENT GRAPH {ox.NamedNode(g)}" for g in graphs)
    blocks = []
    for graph, quads in graphs.items():
        body = "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads)
        blocks.append(f"GRAPH {ox.NamedNode(graph)} {{\n{body}\n}}")
    extra = "\n".join(f"GRAPH {q.graph_name} {{ {q.subject} {q.predicate} {q.object} }}" for q in also_insert)
    store.update(f"{drops} ;\nINSERT DATA {{\n" + "\n".join(blocks) + f"\n{extra}\n}}")


def test_native_write_stores_exactly_the_quads_of_the_sparql_update_path():
    from kg.ingest import commit, prepare_document
    from kg.settings import Settings

    from conftest import seed

    prepared = prepare_document(seed("000"), Settings())
    native = OxigraphStore()
    commit(prepared, native)
    expected = ox.Store()
    _sparql_replace_graphs(expected, prepared.graphs, prepared.reference_quads)
    assert len(expected) > 3000
    assert set(native.oxigraph) == set(expected)
    assert native.graphs() == sorted(g.value for g in expected.named_graphs())


def test_quads_naming_another_graph_are_written_into_the_graph_replaced():
    store = OxigraphStore()
    store.replace_graph(EX + "g", [quad("a", "1", "elsewhere")], also_insert=[quad("r", "1", "ref")])
    assert store.graphs() == [EX + "g", EX + "ref"]
    assert set(store.oxigraph) == {quad("a", "1", "g"), quad("r", "1", "ref")}


def test_replacing_graphs_removes_their_old_quads_and_keeps_every_other_graph():
    store = OxigraphStore()
    store.replace_graphs({EX + "doc": [quad("a", "1", "doc"), quad("a", "2", "doc")], EX + "inf": [quad("a", "t", "inf")]}, also_insert=[quad("code", "x", "ref")])
    store.replace_graph(EX + "other", [quad("b", "1", "other")])
    store.replace_graphs({EX + "doc": [quad("a", "3", "doc")], EX + "inf": []}, also_insert=[quad("code", "y", "ref")])
    assert set(store.oxigraph) == {
        quad("a", "3", "doc"),
        quad("b", "1", "other"),
        quad("code", "x", "ref"),
        quad("code", "y", "ref"),
    }


def test_a_write_whose_quads_fail_midway_leaves_the_previous_version():
    store = OxigraphStore()
    before = [quad("a", str(n), "doc") for n in range(5)]
    store.replace_graphs({EX + "doc": before, EX + "inf": [quad("a", "t", "inf")]})

    def failing():
        yield from (quad("b", str(n), "doc") for n in range(1000))
        raise RuntimeError("the source failed halfway")

    with pytest.raises(RuntimeError, match="halfway"):
        store.replace_graphs({EX + "inf": [quad("b", "t", "inf")], EX + "doc": failing()}, also_insert=[quad("r", "1", "ref")])
    assert set(store.oxigraph) == set(before) | {quad("a", "t", "inf")}


# A process that writes a re-ingested document and is killed (what the OOM killer or a
# power cut does) at a chosen point of the write: ``before-extend`` after the old graphs
# were dropped and before the new quads went in, ``after-extend`` right after they did.
_KILLED_WRITE = """
import os, signal, sys
from kg.ingest import ingest_file
from kg.settings import Settings
from kg.store import OxigraphStore

class KilledAt:
    def __init__(self, store, when):
        self._store, self._when = store, when
    def __getattr__(self, name):
        return getattr(self._store, name)
    def extend(self, quads):
        if self._when == "before-extend":
            os.kill(os.getpid(), signal.SIGKILL)
        self._store.extend(quads)
        os.kill(os.getpid(), signal.SIGKILL)

store = OxigraphStore(sys.argv[1])
store._store = KilledAt(store._store, sys.argv[3])
ingest_file(sys.argv[2], store, Settings(validate=False))
"""


def _stored_seed_then_edited(tmp_path, settings, *, also: tuple[ox.Quad, ...] = ()) -> tuple[Path, OxigraphStore]:
    """Seed 000 ingested into a store on disk (closed again, with ``also`` quads beside it), then
    the file edited: (its path, an in-memory store holding what a complete re-ingest writes)."""
    import gc
    import shutil

    from kg.ingest import ingest_file

    from conftest import seed

    path = tmp_path / "unit.txt"
    shutil.copy(seed("000"), path)
    store = OxigraphStore(tmp_path / "kg")
    ingest_file(path, store, settings)
    for q in also:
        store.replace_graph(q.graph_name.value, [q])
    store.flush()
    del store
    gc.collect()  # closes the store: the killed process must be able to open it
    path.write_text(seed("000").read_text(encoding="utf-8") + "\n附：再次公开。\n", encoding="utf-8")
    expected = OxigraphStore()
    ingest_file(path, expected, settings)
    return path, expected


def _document_quads(store: OxigraphStore, stem: str) -> set[ox.Quad]:
    prefix = f"http://127.0.0.1:8000/graph/{stem}"
    return {q for q in store.oxigraph if q.graph_name.value == prefix or q.graph_name.value.startswith(prefix + "/")}


@pytest.mark.parametrize("when", ["before-extend", "after-extend"])
def test_a_write_killed_at_any_step_leaves_the_document_whole_or_absent_and_a_rerun_completes_it(tmp_path, when):
    import signal
    import subprocess
    import sys

    from kg.ingest import ingest_many
    from kg.settings import Settings

    settings = Settings(validate=False)
    path, expected = _stored_seed_then_edited(tmp_path, settings)

    killed = subprocess.run([sys.executable, "-c", _KILLED_WRITE, str(tmp_path / "kg"), str(path), when], check=False)
    assert killed.returncode == -signal.SIGKILL

    store = OxigraphStore(tmp_path / "kg")
    if when == "before-extend":
        assert _document_quads(store, "unit") == set()  # absent: graphs and ingest marker dropped together
    else:
        assert _document_quads(store, "unit") == _document_quads(expected, "unit")
    (rerun,) = ingest_many([path], store, settings)
    assert rerun.skipped == (when == "after-extend")
    assert _document_quads(store, "unit") == _document_quads(expected, "unit")


# --- a replace too large for one transaction: in parts, under a journal ------------------


def test_a_replace_in_parts_stores_exactly_the_quads_of_one_transaction(tmp_path):
    from kg.ingest import commit, prepare_document
    from kg.settings import Settings

    from conftest import seed

    prepared = prepare_document(seed("000"), Settings())
    assert sum(len(q) for q in prepared.graphs.values()) > 3 * 1000  # several parts
    in_parts = OxigraphStore(tmp_path / "kg", part_quads=1000, bulk_part_quads=1000)
    in_parts.replace_graph(EX + "other", [quad("b", "1", "other")])
    stale = {graph: [quad("old", graph[-4:], "x")] for graph in prepared.graphs}
    in_parts.replace_graphs(stale)  # a previous version, replaced below
    commit(prepared, in_parts)
    expected = OxigraphStore()
    expected.replace_graph(EX + "other", [quad("b", "1", "other")])
    commit(prepared, expected)
    assert set(in_parts.oxigraph) == set(expected.oxigraph)
    assert in_parts.graphs() == expected.graphs()
    assert list(tmp_path.joinpath("kg").glob("budgetkg-replacing*")) == []


# Writes seed 000 (re-ingested, edited) in parts and is killed with SIGKILL as the ``when``-th
# part of new quads goes in (parts of 10: the quads not stored already, kg.store._remove_what_changed),
# or as the first stored quad the new version lacks is removed.
_KILLED_PARTS = """
import os, signal, sys
from kg.ingest import ingest_file
from kg.settings import Settings
from kg.store import OxigraphStore

class KilledAt:
    def __init__(self, store, when):
        self._store, self._when = store, when
        self._parts = int(when) if when.isdigit() else -1
    def __getattr__(self, name):
        return getattr(self._store, name)
    def __contains__(self, quad):
        return quad in self._store
    def remove(self, quad):
        if self._when == "remove":
            os.kill(os.getpid(), signal.SIGKILL)
        self._store.remove(quad)
    def bulk_extend(self, quads):
        self._parts -= 1
        if self._parts == 0:
            os.kill(os.getpid(), signal.SIGKILL)
        self._store.bulk_extend(quads)

store = OxigraphStore(sys.argv[1], part_quads=1000, bulk_part_quads=10)
store._store = KilledAt(store._store, sys.argv[3])
ingest_file(sys.argv[2], store, Settings(validate=False))
"""


@pytest.mark.parametrize("when", ["remove", "1", "3"])
@pytest.mark.parametrize("reopen", ["read-write", "read-only"])
def test_a_replace_in_parts_killed_midway_leaves_the_document_absent_and_a_rerun_completes_it(tmp_path, when, reopen):
    import gc
    import signal
    import subprocess
    import sys

    from kg.ingest import ingest_many
    from kg.settings import Settings

    settings = Settings(validate=False)
    path, expected = _stored_seed_then_edited(tmp_path, settings, also=(quad("b", "1", "other"),))

    killed = subprocess.run([sys.executable, "-c", _KILLED_PARTS, str(tmp_path / "kg"), str(path), when], check=False)
    assert killed.returncode == -signal.SIGKILL
    assert (tmp_path / "kg" / "budgetkg-replacing.json").is_file()
    if when == "3":  # two parts went in: opened raw, the store holds neither version of the document
        raw = ox.Store.read_only(str(tmp_path / "kg"))
        unit = {q for q in raw if q.graph_name.value == "http://127.0.0.1:8000/graph/unit"}
        assert unit and unit != {q for q in expected.oxigraph if q.graph_name.value == "http://127.0.0.1:8000/graph/unit"}
        del raw
        gc.collect()

    if reopen == "read-only":  # what `budgetkg serve` does: it sees the document absent, not half written
        reader = OxigraphStore(tmp_path / "kg", read_only=True)
        assert _document_quads(reader, "unit") == set()
        assert (EX + "other") in reader.graphs()
        del reader
        gc.collect()
    store = OxigraphStore(tmp_path / "kg")
    assert _document_quads(store, "unit") == set()  # absent: no graph, no ingest marker
    assert not (tmp_path / "kg" / "budgetkg-replacing.json").exists()
    (rerun,) = ingest_many([path], store, settings)
    assert rerun.report is not None
    assert _document_quads(store, "unit") == _document_quads(expected, "unit")
    assert (EX + "other") in store.graphs()


def test_an_unreadable_record_of_an_interrupted_write_is_a_clear_error(tmp_path):
    OxigraphStore(tmp_path / "kg").flush()
    (tmp_path / "kg" / "budgetkg-replacing.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(StoreError, match="budgetkg-replacing.json: unreadable record of an interrupted write"):
        OxigraphStore(tmp_path / "kg")


# --- what a reader sees while a replace in parts runs ------------------------------------

# Writes seed 000 (re-ingested) in parts of 1,000 quads and stops before its third part until
# the test says go: a live writer, not a crash, between two parts.
_PAUSED_PARTS = """
import os, sys, time
from pathlib import Path
from kg.ingest import ingest_file
from kg.settings import Settings
from kg.store import OxigraphStore

class PausedAt:
    def __init__(self, store, flags):
        self._store, self._parts, self._flags = store, 3, Path(flags)
    def __getattr__(self, name):
        return getattr(self._store, name)
    def bulk_extend(self, quads):
        self._parts -= 1
        if self._parts == 0:
            (self._flags / "paused").touch()
            while not (self._flags / "go").exists():
                time.sleep(0.02)
        self._store.bulk_extend(quads)

store = OxigraphStore(sys.argv[1], part_quads=1000, bulk_part_quads=10)
store._store = PausedAt(store._store, sys.argv[3])
ingest_file(sys.argv[2], store, Settings(validate=False))
"""


def test_a_reader_opened_between_two_parts_sees_the_document_absent_and_then_whole(tmp_path):
    import subprocess
    import sys
    import time

    from kg.settings import Settings

    settings = Settings(validate=False)
    path, expected = _stored_seed_then_edited(tmp_path, settings, also=(quad("b", "1", "other"),))
    writer = subprocess.Popen([sys.executable, "-c", _PAUSED_PARTS, str(tmp_path / "kg"), str(path), str(tmp_path)])
    try:
        deadline = time.monotonic() + 120
        while not (tmp_path / "paused").exists():
            assert writer.poll() is None and time.monotonic() < deadline, "the writer never reached its third part"
            time.sleep(0.05)
        raw, _ = open_snapshot(tmp_path / "kg")  # the view itself holds part of the new version
        unit = {q for q in raw if q.graph_name.value == "http://127.0.0.1:8000/graph/unit"}
        assert unit and unit != {q for q in expected.oxigraph if q.graph_name.value == "http://127.0.0.1:8000/graph/unit"}
        del raw
        reader = OxigraphStore(tmp_path / "kg", read_only=True)
        assert reader.hidden  # the graphs of the journal
        assert [g for g in reader.graphs() if "/graph/unit" in g] == []
        assert (EX + "other") in reader.graphs()
        union = reader.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        assert int(next(iter(union))["n"].value) == len(reader)
        by_graph = reader.query("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER(CONTAINS(STR(?g), '/graph/unit')) } LIMIT 1")
        assert list(by_graph) == []
        assert b"/graph/unit" not in reader.export(ox.RdfFormat.N_QUADS)
        # A query's own FROM is narrowed, not replaced by every visible graph.
        counted = "SELECT (COUNT(*) AS ?n) FROM <{}> WHERE {{ ?s ?p ?o }}"
        assert int(next(iter(reader.query(counted.format(EX + "other"))))["n"].value) == 1
        assert int(next(iter(reader.query(counted.format("http://127.0.0.1:8000/graph/unit"))))["n"].value) == 0
        named = "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
        from_named = f"SELECT DISTINCT ?g FROM NAMED <{EX}other> FROM NAMED <http://127.0.0.1:8000/graph/unit> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
        assert [row["g"].value for row in reader.query(from_named)] == [EX + "other"]
        assert {row["g"].value for row in reader.query(named)} == set(reader.graphs())
        del reader
        # The server's query workers open their own view (api.executor): the same graphs are hidden.
        from api.executor import QueryJob, _open_read_only, execute, without_hidden

        worker_view, hidden = _open_read_only(str(tmp_path / "kg"))
        assert hidden
        graphs = QueryJob(
            sparql="SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
            default_graphs=None,
            named_graphs=None,
            query_has_dataset=False,
            base_iri=None,
            formats={"solutions": "csv"},
            max_rows=10_000,
        )
        answered = execute(worker_view, without_hidden(graphs, worker_view, hidden)).body.decode()
        assert EX + "other" in answered and "/graph/unit" not in answered
        del worker_view
    finally:
        (tmp_path / "go").touch()
        assert writer.wait(timeout=120) == 0
    after = OxigraphStore(tmp_path / "kg", read_only=True)
    assert after.hidden == frozenset()
    assert _document_quads(after, "unit") == _document_quads(expected, "unit")


class _LargestDelete:
    """A pyoxigraph store that records the most quads one update removed."""

    def __init__(self, store: ox.Store) -> None:
        self._store, self.largest = store, 0

    def __getattr__(self, name: str):
        return getattr(self._store, name)

    def update(self, sparql: str, **options) -> None:
        before = len(self._store)
        self._store.update(sparql, **options)
        self.largest = max(self.largest, before - len(self._store))


def test_a_small_new_version_of_a_large_document_drops_the_old_in_parts(tmp_path):
    from kg.ingest import commit, prepare_document
    from kg.settings import Settings

    from conftest import seed

    prepared = prepare_document(seed("000"), Settings(validate=False))
    assert len(prepared.graphs[prepared.report.graph]) > 3000
    store = OxigraphStore(tmp_path / "kg", part_quads=1000)
    store.replace_graph(EX + "other", [quad("b", "1", "other")])
    commit(prepared, store)
    spy = _LargestDelete(store.oxigraph)
    store._store = spy
    small = {graph: [quad("new", "1", "x")] for graph in prepared.graphs}
    store.replace_graphs(small)
    assert 0 < spy.largest <= 1000  # the old version went 1,000 quads a transaction, not in one
    expected = OxigraphStore()
    expected.replace_graph(EX + "other", [quad("b", "1", "other")])
    commit(prepared, expected)
    expected.replace_graphs(small)
    assert set(spy._store) == set(expected.oxigraph)
    assert list(tmp_path.joinpath("kg").glob("budgetkg-replacing*")) == []


class _Writes:
    """A pyoxigraph store that records the quads written in parts and removed one by one."""

    def __init__(self, store: ox.Store) -> None:
        self._store, self.written, self.removed = store, [], []

    def __getattr__(self, name: str):
        return getattr(self._store, name)

    def bulk_extend(self, quads) -> None:
        quads = list(quads)
        self.written.extend(quads)
        self._store.bulk_extend(quads)

    def remove(self, quad: ox.Quad) -> None:
        self.removed.append(quad)
        self._store.remove(quad)


def test_a_replace_in_parts_writes_only_what_changed_comparing_literals_as_stored(tmp_path):
    decimal = ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")
    kept = [quad(f"s{n}", str(n), "doc") for n in range(50)]
    figure = ox.Quad(ox.NamedNode(EX + "figure"), ox.NamedNode(EX + "p"), ox.Literal("3.0", datatype=decimal), ox.NamedNode(EX + "doc"))
    # The same figure printed "3.00": one xsd:decimal as stored, though not one Python quad.
    reprinted = ox.Quad(figure.subject, figure.predicate, ox.Literal("3.00", datatype=decimal), figure.graph_name)
    old = [*kept, figure, quad("stale", "x", "doc")]
    new = [*kept, reprinted, quad("added", "y", "doc")]
    store = OxigraphStore(tmp_path / "kg", part_quads=10)
    store.replace_graph(EX + "other", [quad("b", "1", "other")])
    store.replace_graph(EX + "doc", old)
    spy = _Writes(store.oxigraph)
    store._store = spy
    store.replace_graph(EX + "doc", new)
    assert spy.written == [quad("added", "y", "doc")]
    assert [q.subject for q in spy.removed] == [ox.NamedNode(EX + "stale")]
    expected = OxigraphStore()
    expected.replace_graph(EX + "other", [quad("b", "1", "other")])
    expected.replace_graph(EX + "doc", old)
    expected.replace_graph(EX + "doc", new)
    assert set(spy._store) == set(expected.oxigraph)
    store.replace_graph(EX + "doc", new)  # the same version again: nothing to write or remove
    assert len(spy.written) == 1 and len(spy.removed) == 1
    assert set(spy._store) == set(expected.oxigraph)
    assert list(tmp_path.joinpath("kg").glob("budgetkg-replacing*")) == []


# --- documents committed in groups (kg.ingest.commit_group) ------------------------------


def test_documents_committed_in_a_group_store_what_one_transaction_each_stores(tmp_path):
    from kg.ingest import find_documents, ingest_file, ingest_many
    from kg.settings import Settings

    from conftest import SEEDS

    settings = Settings(validate=False)
    paths = find_documents([str(SEEDS)])
    grouped = OxigraphStore(tmp_path / "kg")
    results = list(ingest_many(paths, grouped, settings, workers=1, skip_unchanged=False))
    assert all(r.report is not None for r in results)
    one_by_one = OxigraphStore()
    for path in paths:
        ingest_file(path, one_by_one, settings)
    from kg.links import relink

    relink(one_by_one, settings, [r.report.document_id for r in results if r.report])
    assert set(grouped.oxigraph) == set(one_by_one.oxigraph)
    assert list(tmp_path.joinpath("kg").glob("budgetkg-replacing*")) == []
    assert (tmp_path / "kg" / "budgetkg-replaced").is_file()  # the group went through the journal


class _FullDiskFor:
    """A pyoxigraph store whose writes fail with ENOSPC when they carry one document's graph."""

    def __init__(self, store: ox.Store, graph: str) -> None:
        self._store, self._graph = store, graph

    def __getattr__(self, name: str):
        return getattr(self._store, name)

    def _check(self, quads) -> list[ox.Quad]:
        import errno

        quads = list(quads)
        if any(q.graph_name.value == self._graph for q in quads):
            raise OSError(errno.ENOSPC, "No space left on device")
        return quads

    def extend(self, quads) -> None:
        self._store.extend(self._check(quads))

    def bulk_extend(self, quads) -> None:
        self._store.bulk_extend(self._check(quads))


def test_a_group_whose_write_fails_is_written_one_document_at_a_time_and_only_the_failing_one_is_reported(tmp_path):
    from kg.ingest import find_documents, ingest_many
    from kg.iris import Iris
    from kg.parse import document_id_for
    from kg.settings import Settings

    from conftest import SEEDS

    settings = Settings(validate=False)
    paths = find_documents([str(SEEDS)])
    failing = paths[2]
    store = OxigraphStore(tmp_path / "kg")
    store._store = _FullDiskFor(store.oxigraph, Iris(settings.base_iri).graph(document_id_for(failing)).value)
    results = {r.path: r for r in ingest_many(paths, store, settings, workers=1, skip_unchanged=False)}
    assert "the disk is full" in (results[failing].message or "")
    assert all(results[p].report is not None for p in paths if p != failing)
    stems = {document_id_for(p): p for p in paths}
    stored = {g.rsplit("/graph/", 1)[1].split("/")[0] for g in store.graphs() if "/graph/" in g}
    assert document_id_for(failing) not in stored
    assert stored >= {d for d, p in stems.items() if p != failing}
    assert list(tmp_path.joinpath("kg").glob("budgetkg-replacing*")) == []


# Ingests the five seeds (one group) and is killed with SIGKILL just before or just after the
# group's quads go in: either way the journal still names every graph of the group.
_KILLED_GROUP = """
import os, signal, sys
from kg.ingest import find_documents, ingest_many
from kg.settings import Settings
from kg.store import OxigraphStore

class KilledAt:
    def __init__(self, store, when):
        self._store, self._when = store, when
    def __getattr__(self, name):
        return getattr(self._store, name)
    def bulk_extend(self, quads):
        if self._when == "before":
            os.kill(os.getpid(), signal.SIGKILL)
        self._store.bulk_extend(quads)
        os.kill(os.getpid(), signal.SIGKILL)

store = OxigraphStore(sys.argv[1])
store._store = KilledAt(store._store, sys.argv[3])
list(ingest_many(find_documents([sys.argv[2]]), store, Settings(validate=False), workers=1))
"""


@pytest.mark.parametrize("when", ["before", "after"])
def test_a_group_killed_while_written_leaves_every_document_of_it_absent_and_a_rerun_completes_them(tmp_path, when):
    import signal
    import subprocess
    import sys

    from kg.ingest import find_documents, ingest_file, ingest_many
    from kg.iris import Iris
    from kg.links import relink
    from kg.settings import Settings

    from conftest import SEEDS

    settings = Settings(validate=False)
    store = OxigraphStore(tmp_path / "kg")
    store.replace_graph(EX + "other", [quad("b", "1", "other")])
    store.flush()
    del store
    killed = subprocess.run([sys.executable, "-c", _KILLED_GROUP, str(tmp_path / "kg"), str(SEEDS), when], check=False)
    assert killed.returncode == -signal.SIGKILL
    store = OxigraphStore(tmp_path / "kg")
    # No graph of any seed: each absent, none half written (the shared reference graph aside).
    assert [g for g in store.graphs() if g != Iris(settings.base_iri).reference_graph().value] == [EX + "other"]
    assert not (tmp_path / "kg" / "budgetkg-replacing.json").exists()
    paths = find_documents([str(SEEDS)])
    results = list(ingest_many(paths, store, settings, workers=1))
    assert all(r.report is not None for r in results)  # none skipped as unchanged: no marker survived
    expected = OxigraphStore()
    expected.replace_graph(EX + "other", [quad("b", "1", "other")])
    for path in paths:
        ingest_file(path, expected, settings)
    relink(expected, settings, [r.report.document_id for r in results if r.report])
    # The reference graph's quads written before the kill stay; they are the ones any ingest writes.
    assert set(store.oxigraph) == set(expected.oxigraph)


def _write_groups_until_merged(store: OxigraphStore, directory: Path) -> tuple[int, int]:
    """Write groups of graphs (each adds its own sorted files, which RocksDB merges only in part)
    until ``optimize_when_fragmented`` merges; the sorted files and groups written before it did."""
    group = 0
    while True:
        graphs = {EX + f"g{group}-{n}": [quad(f"s{k}", str(k), f"g{group}-{n}") for k in range(50)] for n in range(3)}
        store.replace_graphs(graphs, group=True)
        before, files_before = set(store.oxigraph), len(list(directory.glob("*.sst")))
        if store.optimize_when_fragmented():
            assert set(store.oxigraph) == before
            return files_before, group + 1
        group += 1
        assert group < 60, "the groups never added enough sorted files"


def test_a_store_whose_sorted_files_doubled_is_merged_once_and_keeps_its_quads(tmp_path):
    directory = tmp_path / "kg"
    store = OxigraphStore(directory)
    assert store.optimize_when_fragmented() is False  # a fresh store: nothing to merge
    # As if the last merge had left 5 files (of no bytes, as before merges recorded bytes):
    # merged again past 10 (a store never merged counts 16).
    (directory / "budgetkg-optimized").write_text("5", encoding="utf-8")
    files_before, _ = _write_groups_until_merged(store, directory)
    files, size = (int(field) for field in (directory / "budgetkg-optimized").read_text(encoding="utf-8").split())
    assert files_before > 10 and files < files_before
    assert files == len(list(directory.glob("*.sst")))
    assert size == sum(path.stat().st_size for path in directory.glob("*.sst"))
    assert store.optimize_when_fragmented() is False  # merged: not again until the files double


def test_a_large_store_is_merged_only_when_its_bytes_grew_by_a_quarter(tmp_path):
    """Files double after a few groups at any size; a merge rewrites the whole store, so a large
    one waits for a quarter more bytes too (else small batches into a big store rewrite it all)."""
    directory = tmp_path / "kg"
    store = OxigraphStore(directory)
    (directory / "budgetkg-optimized").write_text("5", encoding="utf-8")
    _, groups_small = _write_groups_until_merged(store, directory)
    files, size = (int(field) for field in (directory / "budgetkg-optimized").read_text(encoding="utf-8").split())
    # The same store as if its last merge had left ten times the bytes it holds.
    (directory / "budgetkg-optimized").write_text(f"{files} {size * 10}", encoding="utf-8")
    for group in range(2 * groups_small + 4):
        graphs = {EX + f"h{group}-{n}": [quad(f"s{k}", str(k), f"h{group}-{n}") for k in range(50)] for n in range(3)}
        store.replace_graphs(graphs, group=True)
        assert store.optimize_when_fragmented() is False
    assert len(list(directory.glob("*.sst"))) > 2 * files  # fragmented, yet not merged


def test_the_first_graph_is_still_written_last_when_another_graph_is_only_compared(tmp_path):
    """The document graph (first) mostly changed and is dropped; its inferred graph (second) is
    compared and gains one quad: the document's last quad, its ingest marker, still goes in last."""
    inferred = [quad(f"i{n}", str(n), "inferred") for n in range(50)]
    store = OxigraphStore(tmp_path / "kg", part_quads=10)
    store.replace_graphs({EX + "doc": [quad(f"old{n}", "x", "doc") for n in range(50)], EX + "inferred": inferred})
    spy = _Writes(store.oxigraph)
    store._store = spy
    new_doc = [quad(f"new{n}", "y", "doc") for n in range(50)] + [quad("marker", "ingested", "doc")]
    store.replace_graphs({EX + "doc": new_doc, EX + "inferred": [*inferred, quad("i-added", "z", "inferred")]})
    assert spy.written[-1] == quad("marker", "ingested", "doc")
    assert [q for q in spy.written if q.graph_name.value == EX + "inferred"] == [quad("i-added", "z", "inferred")]
    assert {q for q in spy._store if q.graph_name.value == EX + "doc"} == set(new_doc)
