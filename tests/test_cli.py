"""The budgetkg command line, in the exact forms users and scripts rely on."""

import json
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest

from kg.cli import main

from conftest import REPO, seed


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg.cli", *args], capture_output=True, text=True, cwd=REPO)


def test_ingest_query_export_info(tmp_path: Path, capsys):
    store = str(tmp_path / "kg")
    assert main(["ingest", str(REPO / "examples"), str(seed("004")), "--store", store]) == 0
    out = capsys.readouterr().out
    assert "4 of 4 documents ingested" in out
    assert "004_483341c397df5066" in out

    query = 'SELECT ?yuan WHERE { ?f bkg:functionalClassification/skos:notation "2210201" ; bkg:column bkg:column-total ; qb:dataSet/a bkg:ExpenditureTable ; bkg:amount ?yuan ; bkg:unit/skos:prefLabel "轮台县人力资源和社会保障局"@zh }'
    assert main(["query", "--store", store, query, "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert [b["yuan"]["value"] for b in result["results"]["bindings"]] == ["177100"]

    assert main(["query", "--store", store, "ASK { ?s a bkg:BudgetDocument }"]) == 0
    assert capsys.readouterr().out.strip() == "true"

    target = tmp_path / "out.trig"
    assert main(["export", "--store", store, "--format", "trig", "-o", str(target)]) == 0
    assert "GRAPH" in target.read_text(encoding="utf-8") or "{" in target.read_text(encoding="utf-8")

    assert main(["info", "--store", store]) == 0
    assert "graph/004_483341c397df5066" in capsys.readouterr().out


def test_load_plain_rdf_into_a_named_graph(tmp_path: Path, capsys):
    store = str(tmp_path / "kg")
    data = tmp_path / "extra.ttl"
    data.write_text('<http://example.org/a> <http://example.org/p> "1" .\n', encoding="utf-8")
    assert main(["load", "--store", store, "--graph", "http://example.org/g", str(data)]) == 0
    assert main(["query", "--store", store, "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", "--format", "csv"]) == 0
    assert "http://example.org/g" in capsys.readouterr().out


def test_bad_input_exits_non_zero_with_one_line_naming_the_file(tmp_path: Path):
    bad = tmp_path / "scan.txt"
    bad.write_bytes(b"%PDF-1.4\x00\x00\x00")
    result = run("ingest", str(bad), "--store", str(tmp_path / "kg"))
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("budgetkg: error:")]
    assert errors == [f"budgetkg: error: {bad}: expected a text document (.txt); found a PDF (rename it to .pdf)"]


def test_a_bad_pdf_in_a_batch_is_one_line_and_the_rest_still_ingests(tmp_path: Path):
    corpus = REPO.parent / "shared" / "corpus" / "final-accounts"
    good = corpus / "中共上海市普陀区委社会工作部2024年度部门决算.pdf"
    batch = tmp_path / "batch"
    batch.mkdir()
    (batch / good.name).write_bytes(good.read_bytes())
    (batch / "cut.pdf").write_bytes(good.read_bytes()[:50_000])
    store = tmp_path / "kg"
    result = run("ingest", str(batch), str(seed("004")), "--store", str(store), "--no-reason", "--no-validate", "--workers", "1")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("budgetkg: error:")]
    assert errors == [f"budgetkg: error: {batch / 'cut.pdf'}: truncated: the PDF ends after 50,000 bytes without its end marker (%%EOF); expected a complete file"]
    assert "2 of 3 documents ingested" in result.stdout
    graphs = run("query", "--store", str(store), "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", "--format", "csv").stdout
    assert f"graph/{quote(good.stem)}" in graphs and "graph/004_" in graphs and "graph/cut" not in graphs


def test_malformed_rdf_names_the_file(tmp_path: Path):
    bad = tmp_path / "broken.nt"
    bad.write_text("<http://example.org/a> <http://example.org/p> .\n", encoding="utf-8")
    result = run("load", "--store", str(tmp_path / "kg"), "--graph", "http://example.org/g", str(bad))
    assert result.returncode == 1
    assert result.stderr.startswith(f"budgetkg: error: {bad}")
    assert len(result.stderr.strip().splitlines()) == 1


def test_malformed_query_is_an_error_not_a_traceback(tmp_path: Path):
    data = tmp_path / "one.nt"
    data.write_text('<http://example.org/a> <http://example.org/p> "1" .\n', encoding="utf-8")
    assert main(["load", "--store", str(tmp_path / "kg"), "--graph", "http://example.org/g", str(data)]) == 0
    result = run("query", "--store", str(tmp_path / "kg"), "SELECT WHERE {")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("budgetkg: error: query:")


@pytest.mark.parametrize(
    "command, code",
    [(["info"], 1), (["query", "ASK { ?s ?p ?o }"], 1), (["export"], 1), (["validate"], 2), (["serve", "--port", "9"], 1)],
)
@pytest.mark.parametrize("where", ["missing", "empty-dir", "file"])
def test_a_path_without_a_store_is_refused_and_nothing_is_created(tmp_path: Path, capsys, command, code, where):
    path = tmp_path / "kg"
    if where == "empty-dir":
        path.mkdir()
    elif where == "file":
        path.write_text("not a store", encoding="utf-8")
    # validate keeps 1 for "violations found"; its errors, this one too, exit 2.
    assert main([command[0], "--store", str(path), *command[1:]]) == code
    err = capsys.readouterr().err
    assert err.startswith(f"budgetkg: error: {path}: no store there") and len(err.splitlines()) == 1
    if where == "missing":
        assert not path.exists()
    elif where == "empty-dir":
        assert list(path.iterdir()) == []


def test_an_unexpected_error_is_one_line_unless_debug(tmp_path: Path, monkeypatch, capsys):
    import kg.store

    def broken(*args, **kwargs):
        raise RuntimeError("something broke")

    store = str(tmp_path / "kg")
    assert main(["ingest", str(seed("000")), "--store", store, "--no-validate", "--quiet"]) == 0
    capsys.readouterr()
    monkeypatch.setattr(kg.store.OxigraphStore, "graphs", broken)
    assert main(["info", "--store", store]) == 1
    err = capsys.readouterr().err
    assert err == "budgetkg: error: internal error (RuntimeError: something broke); this is a bug, run with --debug for the traceback\n"
    assert main(["--debug", "info", "--store", store]) == 1
    assert "Traceback" in capsys.readouterr().err


def test_help_lists_the_commands():
    result = run("--help")
    for command in ("ingest", "export", "query", "load", "info", "serve"):
        assert command in result.stdout


def test_bench_mutations_show_all_lists_every_mutation_not_caught_at_its_line(capsys):
    # Seed 000's prose lists 19 机关运行经费 items; +1 in one last digit is within a sum's rounding.
    assert main(["bench", "--mutations", "60", "--seed", "0", "--show-all", str(seed("000"))]) == 0
    lines = capsys.readouterr().out.splitlines()
    counts = re.match(r".*: (\d+) mutations, \d+ caught, (\d+) caught at the line .* (\d+) refused", lines[0])
    assert counts, lines[0]
    total, at_line, refused = (int(g) for g in counts.groups())
    listed = [line for line in lines if re.match(r"\s+000_\w+\.txt:\d+: ", line)]
    assert len(listed) == total - at_line - refused > 0
    assert not any("more not caught" in line for line in lines)


def test_serve_refuses_a_remote_store_and_creates_nothing(tmp_path: Path, monkeypatch, capsys):
    # serve reads an embedded store; a URL used to become a local directory "http:" with a new,
    # empty store in it, served as if it were the data.
    served: list[object] = []
    monkeypatch.setattr("api.server.run", served.append)
    monkeypatch.chdir(tmp_path)
    assert main(["serve", "--store", "http://127.0.0.1:7878", "--port", "9"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("budgetkg: error: http://127.0.0.1:7878: serve needs a store directory") and len(err.splitlines()) == 1
    assert served == [] and list(tmp_path.iterdir()) == []
