"""Fuzz: seeded mutations of the seeds and the corpus PDFs through ingest.

Each mutated document is ingested or refused in one line, within bounded time,
never fails with an internal error, and leaves the store holding it completely
or not at all. The corpus is the same on every run (fixed seeds), so a failure
here names a file that reproduces it.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from kg.cli import main
from kg.fuzz import PDF_MUTATIONS, TEXT_MUTATIONS, FuzzResult, fuzz, mutations, summary
from kg.ingest import load_ontology
from kg.settings import Settings
from kg.store import OxigraphStore

from conftest import SEEDS, SHARED

CORPUS_PDFS = sorted((SHARED / "corpus" / "final-accounts").glob("*.pdf"))
TEXT_SEEDS = sorted(SEEDS.glob("*.txt"))
# A seed document takes under a second through the whole pipeline; a mutation that
# made ingest super-linear (a duplicated block, a run of cells) would blow this.
SECONDS_PER_DOCUMENT = 30.0


def _check(results: list[FuzzResult]) -> None:
    report = summary(results)
    assert not [r for r in results if r.outcome == "failed"], report
    assert all(r.consistent for r in results), report
    assert max(r.seconds for r in results) < SECONDS_PER_DOCUMENT, report
    for r in results:
        assert (r.message is None) == (r.outcome == "ingested"), r
        if r.message is not None:
            assert "\n" not in r.message and str(r.path) in r.message, r.message


def _run(tmp_path: Path, seeds: list[Path], count: int, seed: int, settings: Settings) -> list[FuzzResult]:
    corpus = mutations(seeds, count, tmp_path / "corpus", seed=seed)
    store = OxigraphStore()
    load_ontology(store)
    return list(fuzz(corpus, store, settings))


def test_mutations_are_reproducible_and_change_the_document(tmp_path: Path):
    first = mutations(TEXT_SEEDS[:2], 14, tmp_path / "a", seed=7)
    second = mutations(TEXT_SEEDS[:2], 14, tmp_path / "b", seed=7)
    assert [p.read_bytes() for p, _ in first] == [p.read_bytes() for p, _ in second]
    originals = {s.stem: s.read_bytes() for s in TEXT_SEEDS[:2]}
    changed = [path for number, (path, kind) in enumerate(first) if path.read_bytes() != originals[path.stem.removeprefix(f"{number:04d}-{kind}-")]]
    assert len(changed) >= 12  # a mutation may, rarely, pick a no-op (two equal cells swapped)


@pytest.mark.parametrize("kind", sorted(TEXT_MUTATIONS))
def test_each_text_mutation(kind: str):
    data = TEXT_SEEDS[0].read_bytes()
    mutated = TEXT_MUTATIONS[kind](data, random.Random(3))
    assert mutated != data


def test_seeds_mutated_parse_and_map(tmp_path: Path):
    """The bulk: 200 mutations through read, tables, extract, map and store."""
    results = _run(tmp_path, TEXT_SEEDS, 200, seed=1, settings=Settings(reason=False, validate=False))
    _check(results)
    assert {r.mutation for r in results} == set(TEXT_MUTATIONS)
    # Line edits and re-encodings keep a document readable; only damage may refuse it.
    for r in results:
        if r.mutation in ("cut-lines", "swap-cells", "duplicate-block", "cr-only", "utf-16"):
            assert r.outcome == "ingested", r


def test_seeds_mutated_through_the_whole_pipeline(tmp_path: Path):
    """Reasoning and validation see what the mutations leave: 30 documents end to end."""
    _check(_run(tmp_path, TEXT_SEEDS, 30, seed=2, settings=Settings()))


@pytest.mark.skipif(not CORPUS_PDFS, reason="no corpus PDFs beside the checkout")
def test_corpus_pdfs_mutated(tmp_path: Path):
    results = _run(tmp_path, CORPUS_PDFS, 40, seed=3, settings=Settings(reason=False, validate=False))
    _check(results)
    assert {r.mutation for r in results} == set(PDF_MUTATIONS)
    assert any(r.outcome == "refused" for r in results)  # a PDF cut short cannot be read


def test_budgetkg_ingest_on_mutations_exits_0_or_1_with_one_line_each(tmp_path: Path, capsys):
    corpus = mutations(TEXT_SEEDS + CORPUS_PDFS, 30, tmp_path / "corpus", seed=4)
    store = str(tmp_path / "kg")
    code = main(["ingest", str(tmp_path / "corpus"), "--store", store, "--workers", "2", "--quiet", "--no-validate"])
    captured = capsys.readouterr()
    errors = captured.err.splitlines()
    assert code == (1 if errors else 0)
    assert "Traceback" not in captured.err
    names = {str(path) for path, _ in corpus}
    for line in errors:
        assert line.startswith("budgetkg: error: ") and "internal error" not in line, line
        assert any(line.startswith(f"budgetkg: error: {name}") for name in names), line
    assert f"{len(corpus) - len(errors)} of {len(corpus)} documents ingested" in captured.out
