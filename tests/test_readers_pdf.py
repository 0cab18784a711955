"""The PDF reader on real 部门决算 PDFs, and on bad PDFs built here."""

from __future__ import annotations

import io
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from fpdf import FPDF
from PIL import Image

from kg.readers import read_document
from kg.reading import InputError, SourceText

from conftest import SHARED

CORPUS = SHARED / "corpus" / "final-accounts"
FINANCE = CORPUS / "上海市普陀区财政局2024年度部门决算.pdf"  # 财政局, 25 pages


@pytest.fixture(scope="module")
def finance() -> SourceText:
    return read_document(FINANCE)


def lines_on(source: SourceText, page: int) -> list[str]:
    assert source.pages is not None
    return [line for line, on in zip(source.lines, source.pages) if on == page]


# --- real PDFs: rows, cells, blank cells, pages -------------------------------------------


def test_summary_table_rows_keep_blank_cells_in_their_columns(finance: SourceText):
    # 收入支出决算总表: 项目 | 决算数 | 项目 | 决算数; the stream prints
    # "二、政府性基金预算财政拨款收入 二、外交支出" with the blank amount gone.
    page = lines_on(finance, 6)
    assert page[:5] == [
        "第二部分上海市普陀区财政局2024年度部门决算表",
        "收入支出决算总表",
        "单位:万元",
        "收入\t\t支出",
        "项目\t决算数\t项目\t决算数",
    ]
    assert "一、一般公共预算财政拨款收入\t2,940.05\t一、一般公共服务支出\t2,106.66" in page
    assert "二、政府性基金预算财政拨款收入\t\t二、外交支出" in page
    assert "八、其他收入\t6.20\t八、社会保障和就业支出\t326.71" in page
    assert "\t\t九、卫生健康支出\t60.99" in page  # the left half of the row is blank
    assert page[-1] == "本年收入合计\t2,946.25\t本年支出合计\t2,940.05"


def test_header_cells_wrapped_over_lines_are_one_cell_in_their_column(finance: SourceText):
    # 收入决算表: "本年收入合\n计", "附属单\n位上\n缴收入" are wrapped in their cells.
    page = lines_on(finance, 8)
    assert page[2] == "项目\t\t\t\t本年收入合计\t财政拨款收入\t上级补助收入\t事业收入\t经营收入\t附属单位上缴收入\t其他收入"
    assert page[3] == "支出功能分类\t\t\t科目名称"
    assert page[4] == "科目编码"


def test_codes_split_into_columns_and_blank_amounts_stay_in_place(finance: SourceText):
    page = lines_on(finance, 8)
    assert "201\t\t\t一般公共服务支出\t2,112.86\t2,106.66\t\t\t\t\t6.20" in page
    assert "201\t06\t01\t行政运行\t1,511.90\t1,511.89\t\t\t\t\t0.01" in page
    # A name wrapped in its cell stays on its row with its amounts (the stream
    # prints "…基本养老保险" and "缴费支出 160.75 160.75" as two lines).
    assert "208\t05\t05\t机关事业单位基本养老保险缴费支出\t160.75\t160.75" in page
    assert not any(line.startswith("缴费支出") for line in page)


def test_a_table_continued_on_the_next_page_goes_on_with_its_rows(finance: SourceText):
    assert lines_on(finance, 8)[-1] == "210\t11\t\t行政事业单位医疗\t60.99\t60.99"
    assert lines_on(finance, 9)[0] == "210\t11\t01\t行政单位医疗\t60.99\t60.99"


def test_two_tables_side_by_side_keep_their_own_columns(finance: SourceText):
    # 基本支出决算表 prints two code lists side by side; where the left one has
    # ended, its four cells are empty.
    assert "301\t08\t机关事业单位基本养老保险缴费\t160.75\t302\t06\t电费" in lines_on(finance, 16)
    assert "\t\t\t\t310\t02\t办公设备购置\t13.58" in lines_on(finance, 17)


def test_every_line_has_its_page_and_pages_run_in_order(finance: SourceText):
    assert finance.pages is not None and len(finance.pages) == len(finance.lines)
    assert list(finance.pages) == sorted(finance.pages)
    assert finance.pages[0] == 1 and finance.pages[-1] == 25
    assert lines_on(finance, 1) == ["上海市普陀区财政局", "2024年度部门决算"]
    assert lines_on(finance, 14) == []  # an empty continuation of a ruled table
    assert finance.encoding == "pdf" and len(finance.sha256) == 64


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.pdf")), ids=lambda p: p.stem)
def test_every_corpus_pdf_reads_its_pages_and_tables(path: Path):
    source = read_document(path)
    with pdfium.PdfDocument(str(path)) as document:
        count = len(document)
    assert source.pages is not None and source.pages[-1] == count
    assert any("收入支出决算总表" == line for line in source.lines)
    rows = [line for line in source.lines if "\t" in line]
    assert len(rows) > 100


# --- geometry over stream order (PDFs written here) --------------------------------------------


def _pdf(tmp_path: Path, name: str, draw) -> Path:
    pdf = FPDF(unit="pt", format="A4")
    pdf.add_page()
    pdf.set_font("helvetica", size=10)
    draw(pdf)
    path = tmp_path / name
    pdf.output(str(path))
    return path


def _stream(path: Path) -> str:
    with pdfium.PdfDocument(str(path)) as document:
        return document[0].get_textpage().get_text_range()


def test_lines_come_in_visual_order_whatever_the_stream_order(tmp_path: Path):
    def draw(pdf: FPDF) -> None:  # written bottom first, as an edited document stores it
        pdf.text(72, 300, "third line")
        pdf.text(72, 100, "first line")
        pdf.text(72, 200, "second line")

    path = _pdf(tmp_path, "edited.pdf", draw)
    assert _stream(path).split()[:2] == ["third", "line"]
    assert read_document(path).lines == ("first line", "second line", "third line")


def test_an_unruled_table_keeps_a_blank_cell_as_an_empty_cell(tmp_path: Path):
    rows = [("Item", "Budget", "Final"), ("Salaries", "1,200.00", "1,150.00"), ("Travel", "", "30.00")]

    def draw(pdf: FPDF) -> None:
        for number, row in enumerate(rows):
            for x, cell in zip((72, 200, 320), row):
                if cell:
                    pdf.text(x, 100 + 16 * number, cell)

    path = _pdf(tmp_path, "unruled.pdf", draw)
    assert "Travel 30.00" in _stream(path)  # the stream loses the blank
    assert read_document(path).lines == ("Item\tBudget\tFinal", "Salaries\t1,200.00\t1,150.00", "Travel\t\t30.00")


def test_a_ruled_table_reads_cells_by_its_rulings(tmp_path: Path):
    def draw(pdf: FPDF) -> None:
        widths = (120, 80, 80)
        for number, row in enumerate([("Item", "Budget", "Final"), ("Travel", "", "30.00"), ("Hire of a very long name", "5.00", "")]):
            pdf.set_xy(72, 100 + 20 * number)
            for width, cell in zip(widths, row):
                pdf.cell(width, 20, cell, border=1)

    path = _pdf(tmp_path, "ruled.pdf", draw)
    assert read_document(path).lines == ("Item\tBudget\tFinal", "Travel\t\t30.00", "Hire of a very long name\t5.00")


CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


@pytest.mark.skipif(not CJK_FONT.exists(), reason="fonts-noto-cjk is not installed")
def test_a_code_and_its_name_in_one_cell_keep_their_space(tmp_path: Path):
    def draw(pdf: FPDF) -> None:
        pdf.add_font("noto", fname=str(CJK_FONT))
        pdf.set_font("noto", size=10)
        pdf.set_xy(72, 100)
        pdf.cell(200, 20, "208 社会保障和就业支出", border=1)
        pdf.cell(80, 20, "2,012.78", border=1)
        pdf.set_xy(72, 120)
        pdf.cell(200, 20, "行政事业单位养老支出", border=1)
        pdf.cell(80, 20, "518.17", border=1)

    path = _pdf(tmp_path, "code-and-name.pdf", draw)
    # The space glyph is narrower than a cell gap; it still parts the code from the name,
    # and nothing is put between Chinese glyphs.
    assert read_document(path).lines == ("208 社会保障和就业支出\t2,012.78", "行政事业单位养老支出\t518.17")


# --- bad PDFs: one line each, naming the file ------------------------------------------------------


def _refusal(path: Path) -> str:
    with pytest.raises(InputError) as error:
        read_document(path)
    message = str(error.value)
    assert message.startswith(str(path)) and "\n" not in message
    return message


def test_a_truncated_pdf_is_refused(tmp_path: Path):
    path = tmp_path / "cut.pdf"
    path.write_bytes(FINANCE.read_bytes()[:400_000])
    assert "truncated" in _refusal(path) and "%%EOF" in _refusal(path)


def test_a_corrupt_pdf_is_refused(tmp_path: Path):
    path = tmp_path / "corrupt.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n")
    assert "corrupt" in _refusal(path)


def test_an_encrypted_pdf_is_refused(tmp_path: Path):
    def draw(pdf: FPDF) -> None:
        pdf.set_encryption(owner_password="owner", user_password="secret")
        pdf.text(72, 100, "locked")

    path = _pdf(tmp_path, "locked.pdf", draw)
    assert "encrypted: it needs a password" in _refusal(path)


def test_a_pdf_without_pages_is_refused(tmp_path: Path):
    path = tmp_path / "empty.pdf"
    with pdfium.PdfDocument.new() as document:
        document.save(str(path))
    assert "no pages" in _refusal(path)


def test_an_image_only_pdf_needs_ocr_and_says_which_pages(tmp_path: Path):
    scan = Image.new("RGB", (200, 280), "white")
    scan.paste((0, 0, 0), (20, 20, 180, 40))
    buffer = io.BytesIO()
    scan.save(buffer, format="PNG")
    pdf = FPDF(unit="pt", format="A4")
    for _ in range(3):
        pdf.add_page()
        pdf.image(io.BytesIO(buffer.getvalue()), x=50, y=50, w=400)
    path = tmp_path / "scan.pdf"
    pdf.output(str(path))
    assert _refusal(path) == f"{path}: no text layer: pages 1-3 are images; run OCR first"


def test_a_scanned_page_among_text_pages_is_read_around_and_warned_of(tmp_path: Path):
    from kg.parse import parse_source

    scan = Image.new("RGB", (200, 280), "white")
    buffer = io.BytesIO()
    scan.save(buffer, format="PNG")
    pdf = FPDF(unit="pt", format="A4")
    pdf.set_font("helvetica", size=10)
    pdf.add_page()
    pdf.text(72, 100, "first page")
    pdf.add_page()
    pdf.image(io.BytesIO(buffer.getvalue()), x=50, y=50, w=400)
    pdf.add_page()
    pdf.text(72, 100, "third page")
    path = tmp_path / "mixed.pdf"
    pdf.output(str(path))
    source = read_document(path)
    assert source.lines == ("first page", "third page") and source.pages == (1, 3)
    assert source.image_pages == (2,)
    warnings = parse_source(source, "mixed").warnings
    scanned = [w for w in warnings if "page 2 holds images" in w.message]
    assert len(scanned) == 1 and scanned[0].lines.first == 2  # at "third page", the first line after it


def test_a_pdf_that_is_really_text_and_text_that_is_really_a_pdf(tmp_path: Path):
    text_as_pdf = tmp_path / "report.pdf"
    text_as_pdf.write_text("部门预算\n预算年度:2024\n", encoding="utf-8")
    assert _refusal(text_as_pdf) == f"{text_as_pdf}: expected a PDF (a .pdf starts with %PDF-); found text"
    pdf_as_text = tmp_path / "report.txt"
    pdf_as_text.write_bytes(FINANCE.read_bytes())
    assert _refusal(pdf_as_text) == f"{pdf_as_text}: expected a text document (.txt); found a PDF (rename it to .pdf)"


def test_a_long_pdf_reads_every_page_across_reopenings(tmp_path: Path, finance: SourceText):
    # The reader reopens the document every PAGES_PER_OPENING pages to bound memory;
    # three copies of the 25-page PDF cross that boundary twice.
    path = tmp_path / "three.pdf"
    with pdfium.PdfDocument.new() as long, pdfium.PdfDocument(str(FINANCE)) as source:
        for _ in range(3):
            long.import_pages(source)
        long.save(str(path))
    read = read_document(path)
    assert read.lines == finance.lines * 3
    assert read.pages == finance.pages + tuple(p + 25 for p in finance.pages) + tuple(p + 50 for p in finance.pages)
