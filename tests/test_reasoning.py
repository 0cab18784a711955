"""The inferred graph: class hierarchy, inverses, transitive code ancestry, property chains."""

from conftest import seed, select
from kg.ingest import ingest_file
from kg.settings import Settings
from kg.store import OxigraphStore

BASE = "http://127.0.0.1:8000/"


def test_inferred_graph_has_hierarchy_inverses_ancestry_and_chains():
    store = OxigraphStore()
    ingest_file(seed("002"), store, Settings())
    g = f"{BASE}graph/002_2f408c5823397a07/inferred"
    assert g in store.graphs()
    code = f"{BASE}id/classification/function/2080505"
    # Code ancestry is about shared concepts, so it is kept once, in the reference graph.
    reference = f"{BASE}graph/reference"
    rows = select(store, f"SELECT ?a WHERE {{ GRAPH <{reference}> {{ <{code}> skos:broaderTransitive ?a }} }}")
    assert {r["a"].rsplit("/", 1)[1] for r in rows} == {"20805", "208"}
    assert not select(store, f"SELECT ?a WHERE {{ GRAPH <{g}> {{ <{code}> ?p ?a }} }}")
    rows = select(store, f"SELECT ?c WHERE {{ GRAPH <{g}> {{ ?f bkg:functionalClassificationWithin ?c }} ?f bkg:functionalClassification <{code}> }}")
    assert {r["c"].rsplit("/", 1)[1] for r in rows} == {"2080505", "20805", "208"}
    assert select(store, f"SELECT ?f WHERE {{ GRAPH <{g}> {{ ?t bkg:figure ?f }} }} LIMIT 1")  # inverse of qb:dataSet
    assert select(store, f"SELECT ?t WHERE {{ GRAPH <{g}> {{ ?t a qb:DataSet }} }} LIMIT 1")  # class hierarchy


def test_no_reason_leaves_the_inferred_graph_empty():
    store = OxigraphStore()
    ingest_file(seed("003"), store, Settings(reason=False, validate=False))
    assert f"{BASE}graph/003_9baed9ebe13b7321/inferred" not in store.graphs()
