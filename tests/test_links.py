"""A generated budget and its 决算 link, and one query gives budget and actual (kg.links, generate --final-accounts)."""

from decimal import Decimal
from pathlib import Path

import pytest

from api.examples import EXAMPLES, with_prefixes
from kg.generate import generate
from kg.ingest import find_documents, ingest_many, load_ontology
from kg.settings import Settings
from kg.links import link_quads, links_graph
from kg.store import OxigraphStore
from kg.vocabulary import BKG, OWL, sparql_prefixes

BUDGET_AND_ACTUAL = """
SELECT ?stage ?yuan WHERE {
  ?figure bkg:unit ?unit ; bkg:fiscalYear ?year ; bkg:functionalClassification/skos:notation ?code ;
          bkg:column bkg:column-total ; qb:dataSet/a bkg:ExpenditureTable ; bkg:stage ?stage ; bkg:amount ?yuan .
  ?unit skos:prefLabel ?name .
  FILTER (STR(?name) = "%s" && STR(?year) = "%s" && ?code = "%s")
}"""


def _store(paths: list[Path]) -> OxigraphStore:
    store = OxigraphStore()
    load_ontology(store)
    results = list(ingest_many(paths, store, Settings(reason=False, validate=False)))
    assert all(r.report for r in results)
    return store


def test_a_generated_pair_links_and_answers_budget_against_actual(tmp_path: Path) -> None:
    written = generate(2, 1, tmp_path, seed=3, final_accounts=True)
    assert sorted(p.name for p in written) == ["900000_2022.txt", "900000_2022_决算.txt", "900001_2022.txt", "900001_2022_决算.txt"]
    store = _store(find_documents([str(tmp_path)]))
    links = list(store.query(sparql_prefixes() + "SELECT ?f ?b { ?f bkg:finalAccountsOf ?b }"))
    assert sorted((r["f"].value.rsplit("/", 1)[1], r["b"].value.rsplit("/", 1)[1]) for r in links) == [
        ("900000_2022_%E5%86%B3%E7%AE%97", "900000_2022"),
        ("900001_2022_%E5%86%B3%E7%AE%97", "900001_2022"),
    ]
    # What the generator wrote for one 项 of unit 900000: the budget's 支出总表 and the 决算's 支出决算表.
    text = (tmp_path / "900000_2022_决算.txt").read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("| 2080505 |"))
    initial, adjusted, actual = (Decimal(cell.strip()) for cell in row.split("|")[3:6])
    name = text.splitlines()[0].split("2022")[0]
    rows = list(store.query(sparql_prefixes() + BUDGET_AND_ACTUAL % (name, 2022, "2080505")))
    by_stage: dict[str, set[Decimal]] = {}
    for r in rows:
        by_stage.setdefault(r["stage"].value.split("#stage-")[1], set()).add(Decimal(r["yuan"].value))
    assert by_stage == {
        "initial-budget": {initial * 10000},  # the budget document and the 决算's 年初预算数 agree
        "adjusted-budget": {adjusted * 10000},
        "final-accounts": {actual * 10000},
    }
    rate = next(query for title, query in EXAMPLES if title.startswith("预算执行率"))
    answers = {r["unitName"].value: Decimal(r["ratePercent"].value) for r in store.query(with_prefixes(rate))}
    assert answers[name] == (actual / initial * 100).quantize(Decimal("0.01"))


def test_links_follow_the_store(tmp_path: Path) -> None:
    generate(1, 1, tmp_path, seed=5, final_accounts=True)
    store = _store([tmp_path / "900000_2022_决算.txt"])
    ask = sparql_prefixes() + "ASK { ?f bkg:finalAccountsOf ?b }"
    assert not store.query(ask)  # the budget is not loaded yet
    list(ingest_many([tmp_path / "900000_2022.txt"], store, Settings(reason=False, validate=False)))
    assert store.query(ask)


def _links(store: OxigraphStore, settings: Settings) -> set[tuple[str, str, str]]:
    rows = store.query(f"SELECT ?s ?p ?o {{ GRAPH <{links_graph(settings).value}> {{ ?s ?p ?o }} }}")
    return {(str(r["s"]), str(r["p"]), str(r["o"])) for r in rows}


def _full_recompute(store: OxigraphStore, settings: Settings) -> set[tuple[str, str, str]]:
    return {(str(q.subject), str(q.predicate), str(q.object)) for q in link_quads(store, settings)}


def _pairs_and_a_renamed_unit(folder: Path) -> list[Path]:
    """Generated pairs, and one budget copied under another file name with its unit renamed
    but the same unit code printed: two unit IRIs the code makes the same (owl:sameAs)."""
    generate(3, 2, folder, seed=11, final_accounts=True)
    original = folder / "900001_2023.txt"
    text = original.read_text(encoding="utf-8")
    name = text.splitlines()[0].split("2023")[0]
    renamed = folder / "900001_2023_renamed.txt"
    renamed.write_text(text.replace(name, "新" + name), encoding="utf-8")
    return find_documents([str(folder)])


@pytest.mark.parametrize("order", ["as found", "reversed", "决算 first"])
def test_batched_links_equal_the_full_recompute(tmp_path: Path, order: str) -> None:
    paths = _pairs_and_a_renamed_unit(tmp_path)
    if order == "reversed":
        paths = paths[::-1]
    elif order == "决算 first":
        paths = sorted(paths, key=lambda p: ("决算" not in p.name, p.name))
    settings = Settings(reason=False, validate=False)
    store = OxigraphStore()
    load_ontology(store)
    for start in range(0, len(paths), 3):
        assert all(r.report for r in ingest_many(paths[start : start + 3], store, settings))
        assert _links(store, settings) == _full_recompute(store, settings)
    links = _links(store, settings)
    assert sum(p == str(BKG.finalAccountsOf) for _, p, _ in links) == 6  # 3 units x 2 years
    assert sum(p == str(OWL.sameAs) for _, p, _ in links) == 1  # the renamed unit and its original


def test_a_link_goes_when_its_document_is_reingested_without_it(tmp_path: Path) -> None:
    generate(2, 1, tmp_path, seed=5, final_accounts=True)
    settings = Settings(reason=False, validate=False)
    store = _store(find_documents([str(tmp_path)]))
    final = tmp_path / "900000_2022_决算.txt"
    assert sum(p == str(BKG.finalAccountsOf) for _, p, _ in _links(store, settings)) == 2
    # The same file now reports another year: it is no longer the 决算 of the 2022 budget.
    final.write_text(final.read_text(encoding="utf-8").replace("2022", "2021"), encoding="utf-8")
    assert all(r.report for r in ingest_many([final], store, settings))
    links = _links(store, settings)
    assert links == _full_recompute(store, settings)
    assert [(s.rsplit("/", 1)[1], o.rsplit("/", 1)[1]) for s, p, o in links if p == str(BKG.finalAccountsOf)] == [("900001_2022_%E5%86%B3%E7%AE%97>", "900001_2022>")]
    # And back: the link returns, the other one is untouched.
    final.write_text(final.read_text(encoding="utf-8").replace("2021", "2022"), encoding="utf-8")
    assert all(r.report for r in ingest_many([final], store, settings))
    assert _links(store, settings) == _full_recompute(store, settings)
    assert sum(p == str(BKG.finalAccountsOf) for _, p, _ in _links(store, settings)) == 2
