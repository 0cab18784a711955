"""PDF reader: a PDF's text layer -> ``SourceText``, one line per visual row, with pages.

pypdfium2 gives every glyph with its box; on the 25-page 财政局 决算 PDF it
reads all pages with their glyphs and rulings in about 0.1 s, where
pdfplumber needs 1.3-2 s for the same pages, so pdfium is the runtime reader.
The geometry (``kg.readers.layout``) rebuilds rows, cells and blank cells;
this module opens the file, walks it a page at a time (each page is closed
before the next is loaded, and the document is reopened every few dozen pages
to drop what pdfium caches, so memory is bounded by pages, not the file) and
turns what pdfium refuses into one line naming the file and page.

A PDF whose pages hold images and no text is refused: reading it needs OCR,
which budgetkg does not do.
"""

from __future__ import annotations

import ctypes
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, TypeVar

import pypdfium2 as pdfium
import pypdfium2.raw as raw

from kg.reading import InputError, SourceText
from kg.readers.layout import RULING_THICKNESS, Glyph, Ruling, page_lines, rulings_of_rectangle
from kg.readers.text import normalise

# A complete PDF ends with %%EOF; readers accept trailing junk after it within the last KiB.
_END_MARKER = b"%%EOF"
_TAIL = 1024
_ENCRYPTED = "encrypted: it needs a password to open; expected an unencrypted PDF"
_CORRUPT = "corrupt: not a readable PDF (bad structure); expected a PDF with a text layer"
_NO_PAGES = "the PDF has no pages; expected a document with at least one page"
_PAGE_COUNT = re.compile(rb"/Count\s+(\d+)")
# Forms (XObjects) nest page content; deeper nesting than this is not a table.
_FORM_DEPTH = 2

# What holds page objects: a page (FPDF_PAGE) or a form object (FPDF_PAGEOBJECT).
_Container = TypeVar("_Container")


# pdfium keeps what it parsed (fonts, content streams) for as long as the
# document is open, even after its pages are closed: reading a 510-page PDF in
# one opening grew by 0.24 MiB a page (to 145 MiB). Reopening every few dozen
# pages drops that cache (peak 50 MiB for the same file); an opening costs about
# 0.8 ms on that 23 MB file, 16 of them for its 510 pages.
PAGES_PER_OPENING = 32


@dataclass(frozen=True)
class PageText:
    number: int  # 1-based
    count: int  # pages in the document
    lines: tuple[str, ...]
    has_images: bool


def _pages(name: str) -> Iterator[PageText]:
    """Each page's text in order, the document reopened every PAGES_PER_OPENING pages."""
    start, count = 0, None
    while count is None or start < count:
        document = _open(name)
        try:
            count = len(document)
            for index in range(start, min(start + PAGES_PER_OPENING, count)):
                yield _read_page(document, index, count, name)
        finally:
            document.close()
        start += PAGES_PER_OPENING


def read_pdf(path: Path | str) -> SourceText:
    name = str(path)
    digest = _sha256(Path(path))
    _require_complete(Path(path))
    lines: list[str] = []
    pages: list[int] = []
    image_pages: list[int] = []
    count = None
    for page in _pages(name):
        count = page.count
        if not page.lines and page.has_images:
            image_pages.append(page.number)
        lines.extend(page.lines)
        pages.extend([page.number] * len(page.lines))
    if count is None:
        raise InputError(name, None, _NO_PAGES)
    if not any(line.strip() for line in lines):
        if image_pages:
            raise InputError(name, None, f"no text layer: {_page_span(image_pages, count)}; run OCR first")
        raise InputError(name, None, f"no text on any of its {count} pages; expected a budget document")
    return SourceText(name, "pdf", digest, tuple(lines), tuple(pages), tuple(image_pages))


def _sha256(path: Path) -> str:
    try:
        with path.open("rb") as file:
            return hashlib.file_digest(file, "sha256").hexdigest()
    except OSError as error:
        raise InputError(str(path), None, f"cannot read file: {error.strerror}") from None


def _require_complete(path: Path) -> None:
    # pdfium rebuilds a damaged cross-reference table and may open a cut-off file
    # with its last pages missing; a missing end marker says the file was cut.
    with path.open("rb") as file:
        file.seek(0, 2)
        size = file.tell()
        file.seek(max(0, size - _TAIL))
        if _END_MARKER not in file.read():
            raise InputError(str(path), None, f"truncated: the PDF ends after {size:,} bytes without its end marker (%%EOF); expected a complete file")


def _open(name: str) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(name)
    except pdfium.PdfiumError as error:
        raise InputError(name, None, _load_problem(Path(name), error.err_code)) from None


def _load_problem(path: Path, code: int | None) -> str:
    """Why pdfium refused a file, told from the file where pdfium's code cannot be trusted.

    pdfium keeps its last error in a global and does not set it when it refuses
    a document without pages, so the code can be one left by an earlier file
    (an encrypted one, read a moment before, says "password" again).
    """
    if code == raw.FPDF_ERR_FILE:
        return "cannot open the file"
    data = path.read_bytes()  # only on this failure path: the file is not a readable PDF
    if b"/Encrypt" in data:
        return _ENCRYPTED if code != raw.FPDF_ERR_SECURITY else "encrypted with an unsupported security handler; expected an unencrypted PDF"
    counts = [int(count) for count in _PAGE_COUNT.findall(data)]
    if counts and not any(counts):
        return _NO_PAGES
    return _CORRUPT


def _page_span(numbers: list[int], count: int) -> str:
    if len(numbers) == 1:
        return f"page {numbers[0]} is an image" if count == 1 else f"page {numbers[0]} is an image, the others are blank"
    if numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"pages {numbers[0]}-{numbers[-1]} are images"
    return f"pages {', '.join(map(str, numbers))} are images"


def _read_page(document: pdfium.PdfDocument, index: int, count: int, name: str) -> PageText:
    try:
        page = document[index]
    except pdfium.PdfiumError as error:
        raise InputError(name, None, f"corrupt: pdfium cannot load the page ({error})", page=index + 1) from None
    try:
        textpage = page.get_textpage()
        try:
            glyphs = _glyphs(textpage)
        finally:
            textpage.close()
        if not glyphs:
            return PageText(index + 1, count, (), _has_images(page))
        lines = tuple(normalise(line) for line in page_lines(glyphs, _rulings(page)))
        return PageText(index + 1, count, tuple(line for line in lines if line.strip()), False)
    except pdfium.PdfiumError as error:
        raise InputError(name, None, f"corrupt: pdfium cannot read the page ({error})", page=index + 1) from None
    finally:
        page.close()


def _glyphs(textpage: pdfium.PdfTextPage) -> list[Glyph]:
    """Every drawn character; spaces are left out, since the gaps themselves say where cells part."""
    box = raw.FS_RECTF()
    x, y = ctypes.c_double(), ctypes.c_double()
    glyphs = []
    for index in range(raw.FPDFText_CountChars(textpage)):
        code = raw.FPDFText_GetUnicode(textpage, index)
        if code <= 0x20 or 0xD800 <= code <= 0xDFFF or code in (0xFFFE, 0xFFFF):
            continue  # generated breaks, spaces, and halves of pairs that cannot stand alone
        char = chr(code)
        if char.isspace():
            continue
        raw.FPDFText_GetLooseCharBox(textpage, index, box)
        raw.FPDFText_GetCharOrigin(textpage, index, x, y)
        size = raw.FPDFText_GetFontSize(textpage, index)
        if not 0 < size < 200:
            size = max(box.top - box.bottom, 1.0)
        glyphs.append(Glyph(char, box.left, box.right, y.value, size))
    return glyphs


def _rulings(page: pdfium.PdfPage) -> list[Ruling]:
    found: list[Ruling] = []
    _collect_rulings(page.raw, raw.FPDFPage_CountObjects, raw.FPDFPage_GetObject, None, 0, found)
    return found


def _collect_rulings(
    container: _Container,
    count: Callable[[_Container], int],
    get: Callable[[_Container, int], raw.FPDF_PAGEOBJECT],
    matrix: raw.FS_MATRIX | None,
    depth: int,
    found: list[Ruling],
) -> None:
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    for index in range(count(container)):
        obj = get(container, index)
        kind = raw.FPDFPageObj_GetType(obj)
        if kind == raw.FPDF_PAGEOBJ_FORM and depth < _FORM_DEPTH:
            # Objects in a form are placed by the form's matrix.
            form_matrix = raw.FS_MATRIX()
            raw.FPDFPageObj_GetMatrix(obj, form_matrix)
            _collect_rulings(obj, raw.FPDFFormObj_CountObjects, raw.FPDFFormObj_GetObject, _compose(form_matrix, matrix), depth + 1, found)
            continue
        if kind != raw.FPDF_PAGEOBJ_PATH or not raw.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
            continue
        x0, y0, x1, y1 = _transformed(matrix, left.value, bottom.value, right.value, top.value)
        if min(x1 - x0, y1 - y0) > RULING_THICKNESS:
            raw.FPDFPath_GetDrawMode(obj, fill, stroke)
            if not stroke.value:
                continue  # a shaded area, not a border
        found.extend(rulings_of_rectangle(x0, y0, x1, y1))


def _compose(inner: raw.FS_MATRIX, outer: raw.FS_MATRIX | None) -> raw.FS_MATRIX:
    if outer is None:
        return inner
    result = raw.FS_MATRIX()
    result.a = inner.a * outer.a + inner.b * outer.c
    result.b = inner.a * outer.b + inner.b * outer.d
    result.c = inner.c * outer.a + inner.d * outer.c
    result.d = inner.c * outer.b + inner.d * outer.d
    result.e = inner.e * outer.a + inner.f * outer.c + outer.e
    result.f = inner.e * outer.b + inner.f * outer.d + outer.f
    return result


def _transformed(matrix: raw.FS_MATRIX | None, x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
    if matrix is None:
        return x0, y0, x1, y1
    xs, ys = [], []
    for x, y in ((x0, y0), (x1, y1), (x0, y1), (x1, y0)):
        xs.append(matrix.a * x + matrix.c * y + matrix.e)
        ys.append(matrix.b * x + matrix.d * y + matrix.f)
    return min(xs), min(ys), max(xs), max(ys)


def _has_images(page: pdfium.PdfPage) -> bool:
    return any(True for _ in page.get_objects(filter=[raw.FPDF_PAGEOBJ_IMAGE], max_depth=_FORM_DEPTH + 1))
