"""The whole pipeline on the seeds, asserted through SPARQL on the store."""

import errno
import os
import shutil
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest

import kg.ingest
import kg.limits
from kg.ingest import ingest_file, ingest_many, prepare_document
from kg.reading import InputError
from kg.settings import Settings
from kg.store import OxigraphStore

from conftest import seed, select


def _nquads(store: OxigraphStore) -> list[str]:
    return sorted(store.export(ox.RdfFormat.N_QUADS).decode().splitlines())


def test_which_units_spend_on_2080505_and_how_much(seed_store):
    rows = select(
        seed_store,
        """
        SELECT ?unitName ?yuan ?line WHERE {
          ?figure a bkg:BudgetFigure ;
                  bkg:functionalClassification/skos:notation "2080505" ;
                  bkg:column bkg:column-total ;
                  qb:dataSet/a bkg:ExpenditureTable ;
                  bkg:unit/skos:prefLabel ?unitName ;
                  bkg:amount ?yuan ;
                  bkg:sourceLine ?line .
        } ORDER BY ?unitName
        """,
    )
    found = {(row["unitName"], Decimal(row["yuan"]), int(row["line"])) for row in rows}
    assert ("石家庄市鹿泉区上庄镇人民政府本级", Decimal("1327200"), 206) in found
    assert any(name == "轮台县人力资源和社会保障局" and yuan == Decimal("216500") for name, yuan, _ in found)


def test_figure_keeps_printed_value_unit_and_document(seed_store):
    rows = select(
        seed_store,
        """
        SELECT ?printed ?unit ?doc WHERE {
          ?f bkg:economicClassification/skos:notation "30108" ; bkg:column bkg:column-personnel ;
             bkg:printedAmount ?printed ; bkg:printedUnit ?unit ; prov:wasDerivedFrom ?doc .
          ?doc dcterms:source ?file . FILTER(STRSTARTS(?file, "004_"))
        }
        """,
    )
    assert rows and rows[0]["unit"] == "万元"


def test_code_hierarchy_is_skos_broader(seed_store):
    rows = select(
        seed_store,
        """SELECT ?kuan ?lei WHERE {
             ?c skos:notation "2080505" ; skos:broader ?k . ?k skos:notation ?kuan ; skos:broader ?l . ?l skos:notation ?lei }""",
    )
    assert rows == [{"kuan": "20805", "lei": "208"}]


def test_project_performance_with_indicators(seed_store):
    rows = select(
        seed_store,
        """
        SELECT ?budget ?target ?comparator ?lower WHERE {
          ?p bkg:projectCode "13011024P00320310576K" ; bkg:budgetTotal ?budget ; bkg:indicator ?i .
          ?i rdfs:label "保障办公人数"@zh ; bkg:target ?t .
          ?t bkg:text ?target ; bkg:comparator ?comparator ; bkg:lowerBound ?lower .
        }
        """,
    )
    assert len(rows) == 1
    assert Decimal(rows[0]["budget"]) == Decimal("300000")
    assert rows[0]["comparator"] == ">=" and Decimal(rows[0]["lower"]) == 40


def test_graded_indicator_thresholds(seed_store):
    rows = select(
        seed_store,
        """
        SELECT ?grade ?text WHERE {
          ?i rdfs:label "返贫率"@zh ; bkg:direction bkg:LowerIsBetter ; bkg:gradeThreshold ?g .
          ?g bkg:grade/skos:notation ?grade ; bkg:target/bkg:text ?text .
          ?i prov:wasDerivedFrom/dcterms:source ?file . FILTER(STRSTARTS(?file, "000_"))
        }
        """,
    )
    assert {row["grade"]: row["text"] for row in rows} == {"优": "0%", "良": "1%", "中": "2%", "差": "3%以上"}


def test_narrative_operating_costs(seed_store):
    rows = select(
        seed_store,
        """
        SELECT ?yuan ?line WHERE {
          ?n bkg:figureKind bkg:figure-operating-costs ; bkg:amount ?yuan ; bkg:sourceLine ?line ;
             prov:wasDerivedFrom/dcterms:source ?file . FILTER(STRSTARTS(?file, "001_"))
        }
        """,
    )
    assert {(Decimal(r["yuan"]), int(r["line"])) for r in rows} == {(Decimal("1656400"), 611)}


def test_every_seed_has_its_own_named_graph(seed_store):
    documents = select(seed_store, "SELECT ?doc ?graph WHERE { GRAPH ?graph { ?doc a bkg:BudgetDocument } }")
    assert len(documents) == 5
    assert all(row["graph"].replace("/graph/", "/id/document/") == row["doc"] for row in documents)


def test_ingesting_twice_gives_identical_triples(tmp_path: Path):
    first, second = OxigraphStore(), OxigraphStore()
    ingest_file(seed("004"), first, Settings())
    ingest_file(seed("004"), second, Settings())
    ingest_file(seed("004"), second, Settings())
    assert _nquads(first) == _nquads(second)


def test_base_iri_is_configurable():
    store = OxigraphStore()
    report = ingest_file(seed("000"), store, Settings(base_iri="https://budget.example.org/"))
    assert report.graph.startswith("https://budget.example.org/graph/")
    assert all(g.startswith("https://budget.example.org/") for g in store.graphs())


def test_reingest_replaces_and_a_bad_document_leaves_the_old_graph(tmp_path: Path):
    store = OxigraphStore()
    path = tmp_path / "unit.txt"
    shutil.copy(seed("001"), path)
    before = ingest_file(path, store, Settings())
    count = len(store)
    path.write_bytes(b"\x00\x01 not a document")
    with pytest.raises(InputError) as error:
        ingest_file(path, store, Settings())
    assert str(path) in str(error.value)
    assert len(store) == count  # untouched
    text = seed("001").read_text(encoding="utf-8").replace("9383.02", "9383.03", 1)
    path.write_text(text, encoding="utf-8")
    after = ingest_file(path, store, Settings())
    assert after.graph == before.graph
    reference = after.graph.replace("/graph/unit", "/graph/reference")
    # The document's graph, what was inferred from it, its summary (kg.summary) and its validation report; nothing else.
    assert store.graphs() == [reference, after.graph, after.graph + "/inferred", after.graph + "/summary", after.graph + "/validation"]
    rows = select(store, 'SELECT ?p WHERE { ?f bkg:rowLabel "一、一般公共预算拨款收入"@zh ; bkg:printedAmount ?p }')
    assert {r["p"] for r in rows} == {"9383.03"}


def test_a_document_without_a_fiscal_year_ingests_with_a_warning(tmp_path: Path, capsys):
    """Seed 004 with every year taken out: its figures are kept, the year is left out and said so."""
    import re

    from kg.cli import main

    text = seed("004").read_text(encoding="utf-8")
    path = tmp_path / "bureau.txt"
    path.write_text(re.sub(r"\d{4}(\s*年)", r"\1", text).replace("预算年度", "预算"), encoding="utf-8")
    store_path = str(tmp_path / "kg")
    assert main(["ingest", str(path), "--store", store_path]) == 0
    assert "1 of 1 documents ingested" in capsys.readouterr().out

    store = OxigraphStore(store_path)
    assert select(store, "SELECT ?y WHERE { ?d a bkg:BudgetDocument ; bkg:fiscalYear ?y }") == []
    assert select(store, "SELECT ?y WHERE { ?f a bkg:BudgetFigure ; bkg:fiscalYear ?y }") == []
    warnings = select(store, "SELECT ?m WHERE { ?d a bkg:BudgetDocument ; bkg:warning/bkg:message ?m }")
    assert any("no fiscal year found" in w["m"] for w in warnings)
    rows = select(
        store,
        'SELECT ?yuan WHERE { ?f bkg:functionalClassification/skos:notation "2210201" ; bkg:column bkg:column-total ;'
        " qb:dataSet/a bkg:ExpenditureTable ; bkg:amount ?yuan ; bkg:unit/skos:prefLabel ?unit }",
    )
    assert [r["yuan"] for r in rows] == ["177100"]


def test_a_document_with_neither_year_nor_unit_is_ingested_without_them(tmp_path: Path):
    path = tmp_path / "notes.txt"
    path.write_text("会议纪要\n今天讨论了工作安排。\n", encoding="utf-8")
    store = OxigraphStore()
    ingest_file(path, store, Settings())
    assert select(store, "SELECT ?o WHERE { ?d a bkg:BudgetDocument ; bkg:fiscalYear|bkg:unit ?o }") == []
    messages = {r["m"] for r in select(store, "SELECT ?m WHERE { ?d bkg:warning/bkg:message ?m }")}
    assert any("no fiscal year" in m for m in messages) and any("no issuing unit" in m for m in messages)


def test_parallel_ingest_writes_what_sequential_ingest_writes(tmp_path: Path):
    from kg.ingest import ingest_many

    paths = [seed("000"), seed("003"), seed("004")]
    sequential, parallel = OxigraphStore(), OxigraphStore()
    settings = Settings(validate=False)
    assert all(r.report for r in ingest_many(paths, sequential, settings, workers=1))
    assert all(r.report for r in ingest_many(paths, parallel, settings, workers=2))
    assert _nquads(sequential) == _nquads(parallel)


def test_unchanged_documents_are_skipped_until_content_or_settings_change(tmp_path: Path):
    from kg.ingest import ingest_many

    path = tmp_path / "bureau.txt"
    shutil.copy(seed("004"), path)
    store = OxigraphStore()
    settings = Settings(validate=False)
    (first,) = ingest_many([path], store, settings)
    assert first.report is not None and not first.skipped
    (again,) = ingest_many([path], store, settings)
    assert again.skipped
    (other_settings,) = ingest_many([path], store, Settings(validate=False, reason=False))
    assert not other_settings.skipped
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    (changed,) = ingest_many([path], store, Settings(validate=False, reason=False))
    assert changed.report is not None
    (forced,) = ingest_many([path], store, Settings(validate=False, reason=False), skip_unchanged=False)
    assert forced.report is not None


def test_a_bad_document_in_a_parallel_batch_is_reported_and_the_rest_ingested(tmp_path: Path):
    from kg.ingest import ingest_many

    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x00binary")
    results = list(ingest_many([seed("000"), bad, seed("003")], OxigraphStore(), Settings(validate=False), workers=2))
    errors = [r for r in results if r.error is not None]
    assert [r.path for r in errors] == [bad] and str(bad) in str(errors[0].error)
    assert len([r for r in results if r.report]) == 2


def test_no_triple_is_stored_in_two_graphs(seed_store):
    # The default graph is the union of all graphs; a triple held by two graphs
    # would come back twice from every query that joins through it.
    rows = select(
        seed_store,
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } GRAPH ?h { ?s ?p ?o } FILTER(STR(?g) < STR(?h)) }",
    )
    assert rows == [{"n": "0"}]


# --- failures: one line per document, the batch goes on --------------------------------


def _prepare_or_fail(path, settings):
    """prepare_document, except for documents named to fail: it runs in pool workers too."""
    stem = Path(path).stem
    if stem == "killed":
        os.kill(os.getpid(), signal.SIGKILL)  # what the kernel's OOM killer does to a worker
    if stem == "oom":
        raise MemoryError()
    if stem == "bug":
        raise KeyError("a bug")
    return prepare_document(path, settings)


def _batch(tmp_path: Path, names: list[str]) -> list[Path]:
    paths = []
    for name in names:
        paths.append(tmp_path / f"{name}.txt")
        shutil.copy(seed("000"), paths[-1])
    return paths


@pytest.mark.parametrize("workers", [1, 2])
def test_memory_errors_dead_workers_and_bugs_are_one_line_each_and_the_batch_goes_on(tmp_path: Path, monkeypatch, workers):
    monkeypatch.setattr(kg.ingest, "prepare_document", _prepare_or_fail)
    names = ["good1", "oom", "bug", "good2"] + (["killed", "good3"] if workers > 1 else [])
    store = OxigraphStore()
    results = {r.path.stem: r for r in ingest_many(_batch(tmp_path, names), store, Settings(validate=False), workers=workers)}
    assert sorted(results) == sorted(names)
    good = [n for n in names if n.startswith("good")]
    assert all(results[n].report is not None for n in good)
    assert "ran out of memory" in results["oom"].message
    assert "internal error (KeyError" in results["bug"].message and "Traceback" in results["bug"].failure.detail
    if workers > 1:
        assert "worker process died" in results["killed"].message
    for name in set(names) - set(good):
        message = results[name].message
        assert message.startswith(f"{tmp_path / name}.txt: ") and "\n" not in message
        assert not bool(store.query(f"ASK {{ GRAPH <http://127.0.0.1:8000/graph/{name}> {{ ?s ?p ?o }} }}"))
    graphs = store.graphs()
    assert all(f"http://127.0.0.1:8000/graph/{n}" in graphs for n in good)


class _FullDiskStore(OxigraphStore):
    def replace_graphs(self, graphs, *, also_insert=()):
        if any("/graph/full" in g for g in graphs):
            raise OSError(errno.ENOSPC, "No space left on device")
        super().replace_graphs(graphs, also_insert=also_insert)


def test_a_full_disk_fails_that_document_only_and_leaves_its_graphs_as_they_were(tmp_path: Path):
    store = _FullDiskStore()
    results = {r.path.stem: r for r in ingest_many(_batch(tmp_path, ["before", "full", "after"]), store, Settings(validate=False))}
    assert results["before"].report and results["after"].report
    assert results["full"].message == f"{tmp_path / 'full.txt'}: the disk is full (no space left on device); free space and ingest it again"
    assert not any("/graph/full" in g for g in store.graphs())


def test_ingest_refuses_files_and_documents_past_the_limits(tmp_path: Path, monkeypatch):
    big = tmp_path / "big.txt"
    with big.open("wb") as file:
        file.truncate(kg.limits.MAX_TEXT_BYTES + 1)  # sparse: the size alone must refuse it
    with pytest.raises(InputError, match=r"big.txt: expected at most 16 MB of text per document; the file has 16.0 MB"):
        prepare_document(big, Settings())
    monkeypatch.setattr(kg.limits, "MAX_RECORDS", 50)
    with pytest.raises(InputError, match=r"expected at most 50 figures and records per document; found \d+"):
        prepare_document(seed("000"), Settings())


_ORPHAN_SCRIPT = """
import sys, time
import kg.ingest
def slow(path, settings):
    time.sleep(120)
kg.ingest.prepare_document = slow
from kg.cli import main
main(["ingest", *sys.argv[1:-1], "--store", sys.argv[-1], "--workers", "2", "--quiet"])
"""


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_pool_workers_exit_when_ingest_is_killed(tmp_path: Path):
    paths = [str(p) for p in _batch(tmp_path, ["a", "b", "c", "d"])]
    parent = subprocess.Popen([sys.executable, "-c", _ORPHAN_SCRIPT, *paths, str(tmp_path / "kg")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 60
        while len(workers := _children(parent.pid)) < 2:
            assert time.time() < deadline and parent.poll() is None, "ingest did not start its workers"
            time.sleep(0.1)
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        deadline = time.time() + 10
        while any(_alive(w) for w in workers):
            assert time.time() < deadline, f"workers {workers} outlived their parent"
            time.sleep(0.1)
    finally:
        parent.kill()


def test_the_report_made_at_ingest_is_the_report_of_the_stored_document():
    """Ingest validates the document, reference and inferred graphs as it writes them (the
    inferred triples about codes and units live in the reference graph only); validating the
    stored document afterwards reads the same triples and finds the same results."""
    from kg.validation import validate_stored_document

    store = OxigraphStore()
    settings = Settings()
    prepared = prepare_document(seed("004"), settings)
    kg.ingest.commit(prepared, store)
    stored = validate_stored_document(store, prepared.report.document_id, settings)
    assert (prepared.report.violations, prepared.report.warnings_found) == (stored.count("Violation"), stored.count("Warning"))
    assert prepared.report.violations and prepared.report.warnings_found  # seed 004 has both (its weights, its rounding)
    found = select(
        store,
        f"SELECT ?focus ?shape WHERE {{ GRAPH <{prepared.report.graph}/validation> {{ ?r sh:focusNode ?focus ; sh:sourceShape ?shape }} }}",
    )
    assert sorted((r["focus"], r["shape"]) for r in found) == sorted((r.focus, r.source_shape) for r in stored.results)


def test_the_collector_is_paused_while_a_document_is_prepared_and_left_as_it_was(monkeypatch):
    """kg.collection: the quads a document makes are not scanned for cycles while it is prepared."""
    import gc

    seen: list[bool] = []
    map_document = kg.ingest.map_document

    def mapping(*args, **kwargs):
        seen.append(gc.isenabled())
        return map_document(*args, **kwargs)

    monkeypatch.setattr(kg.ingest, "map_document", mapping)
    assert gc.isenabled()
    prepared = prepare_document(seed("003"), Settings())
    assert seen == [False] and prepared.report.triples > 1_000
    assert gc.isenabled()
    gc.disable()
    try:
        prepare_document(seed("003"), Settings())
        assert not gc.isenabled()  # a caller that had paused it finds it paused
    finally:
        gc.enable()
