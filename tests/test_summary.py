"""Summary figures (kg.summary) answer the corpus questions exactly as the figures do.

Each analytic query that reads the summary is compared with its original over the raw
figures, row for row and term for term (decimal literals, not floats), on the seeds and
the corpus 决算 PDFs (with reasoning and validation), and on generated budget + 决算
pairs; then after a document is replaced, after one is removed, and after a rebuild.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.generate import generate
from kg.iris import Iris
from kg.records import CodeScheme
from kg.ingest import find_documents, ingest_many, load_ontology
from kg.scale_bench import QUERY_MIX
from kg.settings import Settings
from kg.store import OxigraphStore
from kg.summary_queries import FIGURES_SUM_BY_UNIT, example, query_pairs
from kg.summary import document_graphs, rebuild_summaries, stored_document_ids, summary_graph
from kg.vocabulary import BKG, RDFS, SKOS, sparql_prefixes

from conftest import REPO


def _rows(store, query: str, *, ordered: bool = False) -> list[tuple[str, ...]] | Counter:
    result = store.query(sparql_prefixes() + "\n" + query)
    names = [v.value for v in result.variables]
    rows = [tuple(str(row[name]) for name in names) for row in result]  # N-Triples form: value and datatype
    return rows if ordered else Counter(rows)


def _assert_summary_matches(store) -> int:
    """Every pair agrees; the number of rows compared (so a test can insist it compared something)."""
    compared = 0
    for name, (raw, summary, ordered) in query_pairs().items():
        if name == "biggest under-spends":
            continue  # ties at the LIMIT may be cut either way; compared whole without it
        expected = _rows(store, raw, ordered=ordered)
        assert _rows(store, summary, ordered=ordered) == expected, summary
        compared += len(expected) if ordered else sum(expected.values())
    return compared


@pytest.fixture(scope="module")
def pairs_store(tmp_path_factory) -> tuple[OxigraphStore, list[Path]]:
    folder = tmp_path_factory.mktemp("pairs")
    paths = generate(6, 2, folder, seed=11, final_accounts=True, errors=0.3)
    store = OxigraphStore()
    load_ontology(store)
    results = list(ingest_many(find_documents([str(folder)]), store, Settings(reason=False, validate=False), workers=2))
    assert all(r.report for r in results)
    return store, sorted(p for p in paths if p.suffix == ".txt")


def test_seeds_and_corpus_pdfs_give_the_same_answers_from_the_summary(seed_and_corpus_store):
    assert _assert_summary_matches(seed_and_corpus_store) > 0
    # The seeds are budgets only: their totals by unit are among what was compared.
    assert _rows(seed_and_corpus_store, QUERY_MIX["sum by unit"])


def test_generated_pairs_give_the_same_execution_rates_and_under_spends(pairs_store):
    store, _ = pairs_store
    assert _assert_summary_matches(store) > 0
    # Budget and 决算 met in the summary: a rate for every unit-year whose pair prints the code.
    assert len(_rows(store, example("预算执行率"), ordered=True)) >= 6


def test_budget_and_final_accounts_write_their_parts_onto_one_execution_figure(pairs_store):
    store, paths = pairs_store
    budget = next(p for p in paths if not p.stem.endswith("决算") and "| 2080505 |" in p.read_text(encoding="utf-8"))
    final_accounts = budget.with_name(f"{budget.stem}_决算{budget.suffix}")
    assert final_accounts in paths
    settings = Settings()
    rows = store.query(
        sparql_prefixes()
        + """
        SELECT ?execution ?g ?p ?yuan WHERE { GRAPH ?g {
          ?doc bkg:summary ?dataset . ?execution a bkg:ExecutionFigure ; bkg:codeNotation "2080505" ; ?p ?yuan .
          FILTER (?p IN (bkg:initialBudgetAmount, bkg:finalAccountsAmount)) } }"""
    )
    parts = [(row["execution"].value, row["g"].value, row["p"].value.rsplit("#", 1)[1], row["yuan"].value) for row in rows]
    budget_graph = summary_graph(settings, budget.stem).value
    fa_graph = summary_graph(settings, final_accounts.stem).value
    ours = [part for part in parts if part[1] in (budget_graph, fa_graph)]
    # One node, minted alike by both documents: the budget writes its 年初预算, the 决算 its
    # 决算 (and its own 年初预算 column, when it prints one).
    assert len({node for node, *_ in ours}) == 1
    assert (budget_graph, "initialBudgetAmount") in {(g, p) for _, g, p, _ in ours}
    assert (fa_graph, "finalAccountsAmount") in {(g, p) for _, g, p, _ in ours}
    assert (budget_graph, "finalAccountsAmount") not in {(g, p) for _, g, p, _ in ours}
    # The budget's part is the largest 合计 it prints for 2080505 in its expenditure tables.
    iris = Iris(settings.base_iri)
    printed = store.query(
        sparql_prefixes()
        + f"""
        SELECT (MAX(?yuan) AS ?largest) WHERE {{ GRAPH <{iris.graph(budget.stem).value}> {{
          ?figure bkg:functionalClassification <{iris.code(CodeScheme.functional, "2080505").value}> ;
                  bkg:column bkg:column-total ;
                  bkg:side bkg:Expenditure ; bkg:amount ?yuan }} }}"""
    )
    largest = Decimal(next(iter(printed))["largest"].value)
    assert largest > 0
    assert [Decimal(y) for _, g, p, y in ours if g == budget_graph and p == "initialBudgetAmount"] == [largest]


def test_every_summary_term_is_declared_in_both_languages(pairs_store):
    store, _ = pairs_store
    terms = {
        row["t"].value
        for row in store.query(
            sparql_prefixes()
            + """
        SELECT DISTINCT ?t WHERE { GRAPH ?g { ?doc bkg:summary ?d } GRAPH ?g { { ?s ?t ?o } UNION { ?s a ?t } } }"""
        )
    }
    ours = {t for t in terms if t.startswith(BKG.base)}
    assert {BKG.ExecutionFigure.value, BKG.initialBudgetAmount.value, BKG.finalAccountsAmount.value} <= ours
    ontology = ox.Store()
    ontology.load(path=str(REPO / "ontology" / "budgetkg.ttl"), format=ox.RdfFormat.TURTLE)
    for term in sorted(ours):
        node = ox.NamedNode(term)
        labels = {q.object.language for q in ontology.quads_for_pattern(node, RDFS.label, None)}
        assert {"zh", "en"} <= labels, term
        assert list(ontology.quads_for_pattern(node, SKOS.definition, None)), term


def test_a_replaced_document_replaces_its_summary(pairs_store, tmp_path):
    store, paths = pairs_store
    budget = next(p for p in paths if not p.stem.endswith("决算") and "| 2080505 |" in p.read_text(encoding="utf-8"))
    text = budget.read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("| 2080505 |"))
    cells = row.split("|")
    changed_total = str(round(float(cells[3]) * 2, 2))  # the 合计 cell, doubled; formatted as printed
    changed = text.replace(row, "|".join(cells[:3] + [f" {changed_total} "] + cells[4:]), 1)
    edited = tmp_path / budget.name
    edited.write_text(changed, encoding="utf-8")
    before = _rows(store, example("预算执行率"), ordered=True)
    results = list(ingest_many([edited], store, Settings(reason=False, validate=False)))
    assert results[0].report is not None
    assert _rows(store, example("预算执行率"), ordered=True) != before
    _assert_summary_matches(store)
    list(ingest_many([budget], store, Settings(reason=False, validate=False)))  # put it back for the other tests
    assert _rows(store, example("预算执行率"), ordered=True) == before


def test_a_removed_document_takes_its_summary_with_it(tmp_path):
    paths = generate(2, 1, tmp_path, seed=5, final_accounts=True)
    store = OxigraphStore()
    load_ontology(store)
    list(ingest_many(paths, store, Settings(reason=False, validate=False)))
    settings = Settings()
    gone = paths[0].stem
    for graph in document_graphs(settings, gone):
        store.drop_graph(graph)
    assert gone not in stored_document_ids(store, settings)
    assert summary_graph(settings, gone).value not in store.graphs()
    assert _assert_summary_matches(store) > 0


def test_rebuild_writes_what_ingest_wrote(pairs_store):
    store, _ = pairs_store
    settings = Settings()
    ids = stored_document_ids(store, settings)
    assert len(ids) == 24
    before = {i: _sorted_lines(store.export(ox.RdfFormat.N_TRIPLES, summary_graph(settings, i).value)) for i in ids}
    assert all(before.values())
    for i in ids:
        store.drop_graph(summary_graph(settings, i).value)
    assert _rows(store, QUERY_MIX["sum by unit"]) == Counter()
    assert rebuild_summaries(store, settings, ids) > 0
    assert {i: _sorted_lines(store.export(ox.RdfFormat.N_TRIPLES, summary_graph(settings, i).value)) for i in ids} == before
    _assert_summary_matches(store)


def _sorted_lines(data: bytes) -> list[str]:
    return sorted(data.decode().splitlines())


def test_summarize_command_rebuilds_a_store_on_disk(tmp_path, capsys):
    from kg.cli import main

    paths = generate(1, 1, tmp_path / "docs", seed=2, final_accounts=True)
    store_dir = tmp_path / "store"
    store = OxigraphStore(store_dir)
    list(ingest_many(paths, store, Settings(reason=False, validate=False)))
    expected = _rows(store, QUERY_MIX["sum by unit"])
    for document_id in stored_document_ids(store, Settings()):
        store.drop_graph(summary_graph(Settings(), document_id).value)
    store.flush()
    del store
    assert main(["summarize", "--store", str(store_dir)]) == 0
    assert "summaries of 2 documents rebuilt" in capsys.readouterr().out
    assert expected and _rows(OxigraphStore(store_dir), QUERY_MIX["sum by unit"]) == expected


def test_an_execution_figure_resolves_to_a_page_with_both_parts(pairs_store):
    from fastapi.testclient import TestClient

    from api.app import create_app
    from api.config import ServerConfig

    store, _ = pairs_store
    row = next(
        iter(
            store.query(
                sparql_prefixes()
                + """
        SELECT ?execution ?budget ?actual WHERE {
          ?execution a bkg:ExecutionFigure ; bkg:initialBudgetAmount ?budget ; bkg:finalAccountsAmount ?actual }
        ORDER BY ?execution LIMIT 1"""
            )
        )
    )
    iri = row["execution"].value
    assert iri.startswith(Settings().base_iri + "id/execution/")
    with TestClient(create_app(ServerConfig(store=None, query_workers=0), store)) as client:
        page = client.get(iri.removeprefix(Settings().base_iri.rstrip("/")), headers={"accept": "text/html"}, follow_redirects=True)
    assert [r.status_code for r in page.history] == [303] and page.status_code == 200
    assert "年初预算数" in page.text and "决算数" in page.text
    assert row["budget"].value in page.text and row["actual"].value in page.text


def test_a_document_stored_twice_counts_twice_in_the_total_by_unit(tmp_path):
    # Two graphs state the same bkg:documentTotal triple; GRAPH ?g keeps them two rows, as the
    # figures (distinct IRIs in each document) are two, on a store whose union graph is a set too.
    (original,) = generate(1, 1, tmp_path / "docs", seed=8)
    copy = original.with_name(f"copy-{original.name}")
    copy.write_bytes(original.read_bytes())
    store = OxigraphStore()
    list(ingest_many([original], store, Settings(reason=False, validate=False), workers=1))
    (once,) = _rows(store, QUERY_MIX["sum by unit"])
    list(ingest_many([copy], store, Settings(reason=False, validate=False), workers=1))
    (twice,) = _rows(store, QUERY_MIX["sum by unit"])
    assert twice[0] == once[0] and Decimal(twice[1].split('"')[1]) == 2 * Decimal(once[1].split('"')[1])
    assert _rows(store, QUERY_MIX["sum by unit"]) == _rows(store, FIGURES_SUM_BY_UNIT)
