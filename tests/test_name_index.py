"""kg.name_index: a name search through the index answers what testing every name answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.generate import generate
from kg.ingest import ingest_many, load_ontology
from kg.name_index import name_pieces, narrowing_pattern, rebuild
from kg.settings import Settings
from kg.store import OxigraphStore
from kg.vocabulary import BKG, sparql_prefixes

from conftest import select

EVERY_NAME = "SELECT DISTINCT ?unit ?name WHERE {{ ?unit a bkg:BudgetUnit ; skos:prefLabel ?name . FILTER(CONTAINS(LCASE(?name), {needle})) }}"
THROUGH_INDEX = "SELECT DISTINCT ?unit ?name WHERE {{ {narrowing} ?unit a bkg:BudgetUnit ; skos:prefLabel ?name . FILTER(CONTAINS(LCASE(?name), {needle})) }}"


def test_pieces_are_the_lowercased_name_two_characters_at_a_time_once_each() -> None:
    assert name_pieces("教育局") == ["教育", "育局"]
    assert name_pieces("教育局教育") == ["教育", "育局", "局教"]
    assert name_pieces("ABab") == ["ab", "ba"]
    assert name_pieces("局") == [] and name_pieces("") == []


def test_a_needle_of_one_character_is_not_narrowed() -> None:
    assert narrowing_pattern("unit", "局") == ""
    assert narrowing_pattern("unit", "教育局") == f'?unit {BKG.nameBigram} "教育" .'


@pytest.fixture(scope="module")
def generated_store(tmp_path_factory: pytest.TempPathFactory) -> OxigraphStore:
    """40 generated budgets of 20 units, on disk, as ``budgetkg ingest`` writes them."""
    folder = tmp_path_factory.mktemp("names")
    store = OxigraphStore(folder / "store")
    load_ontology(store)
    list(ingest_many(generate(20, 2, folder / "docs", seed=5), store, Settings(validate=False), workers=1))
    return store


def _needles(store: OxigraphStore) -> list[str]:
    """Every piece, every three characters and every whole name of the stored units, and one
    character of each: what the index must not lose."""
    names = [row["name"] for row in select(store, "SELECT DISTINCT ?name WHERE { ?unit a bkg:BudgetUnit ; skos:prefLabel ?name }")]
    assert names
    needles = {name for name in names}
    for name in names:
        needles.update(name[i : i + 2] for i in range(len(name) - 1))
        needles.update(name[i : i + 3] for i in range(len(name) - 2))
        needles.add(name[0])
    return sorted(needles)


def _same_answers(store: OxigraphStore) -> int:
    compared = 0
    for needle in _needles(store):
        literal = '"' + needle.lower().replace("\\", "\\\\").replace('"', '\\"') + '"'
        expected = select(store, EVERY_NAME.format(needle=literal))
        narrowed = select(store, THROUGH_INDEX.format(narrowing=narrowing_pattern("unit", needle), needle=literal))
        assert sorted(map(str, narrowed)) == sorted(map(str, expected)), needle
        compared += bool(expected)
    return compared


def test_the_seeds_and_corpus_units_are_found_through_the_index_exactly(seed_and_corpus_store: OxigraphStore) -> None:
    assert _same_answers(seed_and_corpus_store) > 50


def test_generated_units_are_found_through_the_index_exactly(generated_store: OxigraphStore) -> None:
    assert _same_answers(generated_store) > 100


def test_a_store_written_without_the_index_gets_it_from_summarize(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from kg.cli import main

    store_dir = tmp_path / "store"
    store = OxigraphStore(store_dir)
    list(ingest_many(generate(3, 1, tmp_path / "docs", seed=2), store, Settings(reason=False, validate=False), workers=1))
    written = select(store, "SELECT ?unit ?piece WHERE { ?unit bkg:nameBigram ?piece }")
    store.update(sparql_prefixes() + "DELETE WHERE { GRAPH ?g { ?unit bkg:nameBigram ?piece } }")
    assert not select(store, "SELECT ?unit WHERE { ?unit bkg:nameBigram ?piece }")
    store.flush()
    del store
    assert main(["summarize", "--store", str(store_dir)]) == 0
    assert f"name index: {len(written)} quads" in capsys.readouterr().out
    rebuilt = select(OxigraphStore(store_dir), "SELECT ?unit ?piece WHERE { ?unit bkg:nameBigram ?piece }")
    assert written and sorted(map(str, rebuilt)) == sorted(map(str, written))


def test_rebuild_on_a_store_without_units_writes_nothing() -> None:
    assert rebuild(OxigraphStore(), Settings()) == 0


def test_search_finds_units_with_the_index_and_without_it(tmp_path: Path) -> None:
    from api.describe import Graph
    from api.search import search

    store = OxigraphStore()
    list(ingest_many(generate(3, 1, tmp_path / "docs", seed=4), store, Settings(reason=False, validate=False), workers=1))
    names = sorted(row["name"] for row in select(store, "SELECT ?name WHERE { ?unit a bkg:BudgetUnit ; skos:prefLabel ?name }"))
    needle = names[0][-4:]  # the end of a name: its first piece is not the name's first
    expected = sorted(name for name in names if needle in name)
    with_index = [hit.label for hit in search(Graph(store.oxigraph), needle)["unit"]]
    store.update(sparql_prefixes() + "DELETE WHERE { GRAPH ?g { ?unit bkg:nameBigram ?piece } }")
    without_index = [hit.label for hit in search(Graph(store.oxigraph), needle)["unit"]]
    assert sorted(with_index) == sorted(without_index) == expected
