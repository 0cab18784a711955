"""The corpus generator: realistic, reproducible documents with known injected errors."""

import json
from pathlib import Path

from kg.generate import generate
from kg.parse import parse_file


def test_same_seed_same_corpus(tmp_path: Path):
    first = generate(4, 2, tmp_path / "a", seed=3)
    second = generate(4, 2, tmp_path / "b", seed=3)
    assert [p.read_text(encoding="utf-8") for p in first] == [p.read_text(encoding="utf-8") for p in second]
    third = generate(4, 2, tmp_path / "c", seed=4)
    assert [p.read_text(encoding="utf-8") for p in first] != [p.read_text(encoding="utf-8") for p in third]


def test_documents_parse_cleanly_and_carry_across_years(tmp_path: Path):
    paths = generate(6, 2, tmp_path, seed=11)
    assert len(paths) == 12
    documents = [parse_file(path) for path in paths]
    assert all(document.warnings == [] for document in documents)
    layouts = {"|" in p.read_text(encoding="utf-8") for p in paths}
    assert layouts == {True, False}
    by_unit: dict[str, list] = {}
    for document in documents:
        by_unit.setdefault(document.info.issuing_unit, []).append(document)
    assert len(by_unit) == 6
    for versions in by_unit.values():
        years = sorted(d.info.fiscal_year for d in versions)
        assert years == [2022, 2023]
        codes = [{l.code.notation for l in d.budget_lines if l.code and l.table == 2} for d in versions]
        assert codes[0] == codes[1]  # a unit's codes carry across years


def test_expenditure_totals_balance_in_every_generated_document(tmp_path: Path):
    for path in generate(5, 1, tmp_path, seed=5):
        document = parse_file(path)
        totals = {l.column: l.amount.value for l in document.budget_lines if l.table == 2 and l.is_total}
        assert totals["total"] == totals["basic"] + totals.get("project", 0)
        categories = [l for l in document.budget_lines if l.table == 2 and l.column == "total" and l.code and len(l.code.notation) == 3]
        assert sum(l.amount.value for l in categories) == totals["total"]


def test_injected_errors_are_listed_with_their_line(tmp_path: Path):
    paths = generate(10, 1, tmp_path, seed=2, errors=1.0)
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["errors"]) == len(paths) == 10
    generate(10, 1, tmp_path / "clean", seed=2, errors=0.0)
    for error in manifest["errors"]:
        mutated = (tmp_path / error["document"]).read_text(encoding="utf-8").split("\n")
        original = (tmp_path / "clean" / error["document"]).read_text(encoding="utf-8").split("\n")
        line = error["line"]
        if error["kind"] == "row_removed":
            assert len(mutated) == len(original) - 1 and original[line - 1] not in mutated
        else:
            assert mutated[line - 1] != original[line - 1]
            assert [m for i, m in enumerate(mutated) if i != line - 1] == [o for i, o in enumerate(original) if i != line - 1]
