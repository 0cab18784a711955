"""The shipped examples are what the code writes, and they ingest cleanly."""

from pathlib import Path

from kg.examples import EXAMPLES, write_examples
from kg.parse import parse_file

from conftest import REPO


def test_committed_examples_are_what_the_code_writes(tmp_path: Path):
    written = write_examples(tmp_path)
    for path in written:
        assert (REPO / "examples" / path.name).read_text(encoding="utf-8") == path.read_text(encoding="utf-8")


def test_one_example_per_layout_family():
    assert {example.layout for example in EXAMPLES} == {"markdown", "tab", "spaces"}


def test_examples_parse_without_warnings_and_their_totals_balance():
    for path in sorted((REPO / "examples").glob("*.txt")):
        document = parse_file(path)
        assert document.warnings == [], path.name
        totals = {(line.side.value, line.row_label): line.amount.value for line in document.budget_lines if line.is_total and line.table == 1}
        assert totals[("revenue", "收入总计")] == totals[("expenditure", "支出总计")]
        kinds = {table.kind.value for table in document.tables}
        assert {"revenue-expenditure-summary", "expenditure", "basic-expenditure", "three-public", "project-performance"} <= kinds


def test_examples_add_up_so_validation_finds_no_violation():
    from kg.ingest import ingest_file
    from kg.settings import Settings
    from kg.store import OxigraphStore

    store = OxigraphStore()
    for path in sorted((REPO / "examples").glob("*.txt")):
        report = ingest_file(path, store, Settings())
        assert report.violations == 0, path.name
