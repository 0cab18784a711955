"""The corpus generator: realistic, reproducible documents (text and PDF) with known injected errors."""

import json
import re
from decimal import Decimal
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from kg.cli import main
from kg.corpus import compose
from kg.examples import EXAMPLES
from kg.generate import generate
from kg.parse import parse_file
from kg.pdf_writer import MissingFontError, PdfStyle, write_pdf
from kg.readers import read_document


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
        assert mutated[: line - 1] == original[: line - 1]
        if error["kind"] == "row_removed":
            # The rows after it move up, across page breaks where they fall.
            assert original[line - 1] not in mutated and len(mutated) < len(original)
        else:
            assert mutated[line - 1] != original[line - 1]
            assert [m for i, m in enumerate(mutated) if i != line - 1] == [o for i, o in enumerate(original) if i != line - 1]


def test_a_code_altered_in_split_columns_is_the_code_the_manifest_names(tmp_path: Path):
    # Split 类 | 款 | 项 columns once had the 款 altered while the manifest named the 项.
    generate(30, 1, tmp_path, seed=2, errors=1.0)
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    checked = 0
    for error in manifest["errors"]:
        if error["kind"] != "code_altered":
            continue
        altered = error["detail"].split()[-1]
        cells = [c.strip() for c in re.split(r"\t| {4}|\|", (tmp_path / error["document"]).read_text(encoding="utf-8").split("\n")[error["line"] - 1])]
        assert altered in cells or [altered[:3], altered[3:5], altered[5:7]] == [c for c in cells if c][:3]
        checked += 1
    assert checked >= 3


# --- PDF -------------------------------------------------------------------------


def _pages(path: Path) -> list[str]:
    document = pdfium.PdfDocument(path)
    try:
        return [page.get_textpage().get_text_range() for page in document]
    finally:
        document.close()


def _figures(path: Path) -> list[tuple[str, str, str, Decimal]]:
    """(table kind, code or row label, column meaning, yuan) of every figure of the standard tables."""
    document = parse_file(path)
    kinds = {table.index: table.kind.name for table in document.tables}
    return sorted((kinds[line.table], line.code.notation if line.code else line.row_label.replace(" ", ""), line.column, line.amount.yuan) for line in document.budget_lines)


@pytest.mark.slow
def test_pdf_and_text_of_a_document_give_the_same_figures(tmp_path: Path):
    paths = generate(8, 1, tmp_path, seed=1, fmt="both")
    texts = sorted(p for p in paths if p.suffix == ".txt")
    assert len(texts) == 8 and len(paths) == 16
    styles = set()
    for text in texts:
        pdf = text.with_suffix(".pdf")
        styles.add("单位:元" in read_document(pdf).lines)
        figures = _figures(text)
        assert len(figures) > 40
        assert _figures(pdf) == figures, pdf.name
    assert styles == {True, False}  # tables in 元 and in 万元 both went through


def test_pdf_draws_the_quirks_of_published_pdfs(tmp_path: Path):
    spec = EXAMPLES[1]  # wrapped names, thousands separators, 8 rows a page
    path = tmp_path / "bureau.pdf"
    rendered = write_pdf(path, spec, compose(spec), PdfStyle(yuan=True, split_codes=True))
    pages = _pages(path)
    assert rendered.pages == len(pages) == 11
    expenditure = [text for text in pages if "单位支出总表" in text]
    assert len(expenditure) == 2  # the table runs over a page: title, unit lines and header repeated
    for text in expenditure:
        assert "902015 示例市河湾区教育局" in text and "单位：元" in text and "类 款 项 科目名称 合计 基本支出 项目支出" in text
    assert rendered.anchors[("expenditure", "2080505")] == pages.index(expenditure[1]) + 1
    assert "964,200.00" in expenditure[1]  # 2080505: 96.42 万元, in 元 with separators
    three_public = next(text for text in pages if "三公”经费支出表" in text)
    assert "单位：万元" in three_public and "7.50" in three_public  # 三公 stays in 万元
    assert "示例市河湾区教育局" in pages[0] and "2024年单位预算公开" in pages[0]
    lines = read_document(path).lines
    # A blank cell stays blank in its column (the 项 of a 款 row), and a wrapped name reads as one.
    assert "208\t05\t\t行政事业单位养老支出\t1,446,300.00\t1,446,300.00" in lines
    assert "208\t05\t05\t机关事业单位基本养老保险缴费支出\t964,200.00\t964,200.00" in lines


def test_pdf_errors_are_on_the_page_the_manifest_names(tmp_path: Path):
    generate(6, 1, tmp_path, seed=2, errors=1.0, fmt="pdf")
    generate(6, 1, tmp_path / "clean", seed=2, fmt="pdf")
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["errors"]) == 6 and all(e["document"].endswith(".pdf") and e["page"] for e in manifest["errors"])
    assert {e["kind"] for e in manifest["errors"]} >= {"row_removed", "figure_changed"}
    for error in manifest["errors"]:
        mutated, original = _pages(tmp_path / error["document"]), _pages(tmp_path / "clean" / error["document"])
        page = error["page"]
        assert mutated[: page - 1] == original[: page - 1]
        assert mutated[page - 1] != original[page - 1]
        if error["kind"] != "row_removed":
            assert mutated[page:] == original[page:]


def test_pdf_output_names_the_missing_font(tmp_path: Path):
    missing = tmp_path / "NotoSansCJK-Regular.ttc"
    with pytest.raises(MissingFontError, match="fonts-noto-cjk") as raised:
        generate(1, 1, tmp_path / "out", fmt="pdf", font=missing)
    assert str(missing) in str(raised.value)


def test_cli_generates_both_formats_the_same_for_the_same_seed(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    for out in ("a", "b"):
        assert main(["generate", "--units", "2", "--years", "1", "--out", str(tmp_path / out), "--format", "both", "--seed", "4"]) == 0
    assert "4 files and manifest.json written" in capsys.readouterr().out
    first = sorted((tmp_path / "a").iterdir())
    assert [p.name for p in first] == ["900000_2022.pdf", "900000_2022.txt", "900001_2022.pdf", "900001_2022.txt", "manifest.json"]
    assert all(p.read_bytes() == (tmp_path / "b" / p.name).read_bytes() for p in first)
    with pytest.raises(SystemExit):  # argparse: usage error, exit 2
        main(["generate", "--units", "1", "--years", "1", "--out", str(tmp_path / "c"), "--format", "docx"])
