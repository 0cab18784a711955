import pyoxigraph as ox
import pytest

from kg.store import OxigraphStore, StoreError, holds_store, open_store

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
