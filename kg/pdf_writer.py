"""Writing budget documents as PDF: the blocks of ``kg.corpus`` drawn the way published disclosures are.

Real disclosures arrive as PDFs, and a PDF reader is only as good as the PDFs
it has been tried on; the shared corpus has four. This writer draws any
generated document with the quirks a reader must undo (``../shared/domain.md``
§6): a title page, prose pages with paragraphs wrapped at the page edge, and
tables drawn as positioned cells on landscape pages — every column at a fixed
x, borders around each cell, blank cells left blank, amounts right-aligned,
codes split into 类/款/项 columns where the style says so, long names wrapped
onto a second line inside their cell, header cells spanning rows and columns,
a table running over pages with its title, unit lines and header repeated, the
standard tables in 元 with thousands separators in some documents while the
三公 table stays in 万元 (the ``单位：`` line says which), and page numbers.

The text layer comes from fpdf2 with Noto Sans CJK SC (Debian's
fonts-noto-cjk): pure Python, no system PDF library. ``budgetkg generate
--units 20 --years 1 --format pdf`` writes 20 documents, 224 pages, in 18 s here
(2 cores shared, load 5; text: 1.4 s), 0.9 s a document: most of it is fontTools
loading and subsetting the CFF font per document; skipping the bounding-box
recalculation when the subset is saved halved it (37 s before).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import TTFFont

from kg.corpus import Anchor, Block, Cell, DocumentSpec, Heading, Money, Name, Paragraph, Table, Title

FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
_SIMPLIFIED = 2  # the collection's Noto Sans CJK SC
# A fixed date: the same document gives the same bytes.
_CREATED = datetime(2024, 1, 1, tzinfo=timezone.utc)

_MARGIN = 12.0  # mm
_BODY_PT = 9.0
_LINE = 4.4  # mm per line of a cell at 9 pt
_PAD = 1.6  # mm around a cell's text
_NAME_CHARS = 9  # a wrapped-name document's name column holds this many characters a line
_MAX_TEXT_COLUMN = 75.0  # mm: wider text wraps


class MissingFontError(Exception):
    """The CJK font the PDF writer draws with is not installed."""


@dataclass(frozen=True)
class PdfStyle:
    """What varies between published PDFs beyond the document's own spec."""

    yuan: bool = False  # standard money tables in 元 with separators; the 三公 table stays in 万元
    split_codes: bool = False  # functional codes in 类 | 款 | 项 columns


@dataclass(frozen=True)
class PdfRendered:
    pages: int
    anchors: dict[Anchor, int]  # anchor -> page (1-based) of that row


@dataclass(frozen=True)
class _Box:
    """A header cell after merging: column and row span in the header grid."""

    column: int
    row: int
    columns: int
    rows: int
    text: str


def _load_font(pdf: FPDF, font: Path) -> None:
    if not font.is_file():
        raise MissingFontError(f"PDF output needs the CJK font {font} (Debian package fonts-noto-cjk: apt-get install fonts-noto-cjk); not found")
    pdf.add_font("cjk", fname=str(font), collection_font_number=_SIMPLIFIED)
    # Saving the subset would redraw every glyph to recompute bounding boxes the PDF never uses:
    # 2.6 of the 4 s a document took (CFF outlines in Python).
    added = pdf.fonts["cjk"]
    if not isinstance(added, TTFFont):  # add_font with a file name always makes one
        raise TypeError(f"fpdf2 loaded {font} as a {type(added).__name__}, not a TrueType font")
    added.ttfont.recalcBBoxes = False


def _merge_header(rows: list[list[str]]) -> list[_Box]:
    """Header cells with their spans: "" continues the cell above (if it is one column wide) or to the left."""
    boxes: list[_Box] = []
    owner: dict[tuple[int, int], int] = {}
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            above = owner.get((r - 1, c))
            left = owner.get((r, c - 1))
            if text == "" and above is not None and boxes[above].columns == 1:
                box = boxes[above]
                boxes[above] = _Box(box.column, box.row, 1, box.rows + 1, box.text)
                owner[(r, c)] = above
            elif text == "" and left is not None and boxes[left].row == r:
                box = boxes[left]
                boxes[left] = _Box(box.column, box.row, box.columns + 1, box.rows, box.text)
                owner[(r, c)] = left
            else:
                owner[(r, c)] = len(boxes)
                boxes.append(_Box(c, r, 1, 1, text))
    return boxes


class _Canvas:
    def __init__(self, spec: DocumentSpec, style: PdfStyle, font: Path) -> None:
        self.spec = spec
        self.style = style
        self.pdf = FPDF(unit="mm", format="A4")
        self.pdf.set_creation_date(_CREATED)
        self.pdf.set_auto_page_break(False)
        _load_font(self.pdf, font)
        self.anchors: dict[Anchor, int] = {}
        self.previous: Block | None = None
        self.y = 0.0

    # --- pages --------------------------------------------------------------

    def new_page(self, orientation: str) -> None:
        self.pdf.add_page(orientation=orientation)
        if self.pdf.page_no() > 1:
            self.pdf.set_font("cjk", size=8)
            label = f"- {self.pdf.page_no()} -"
            self.pdf.text((self.pdf.w - self.pdf.get_string_width(label)) / 2, self.pdf.h - 6, label)
        self.y = _MARGIN

    @property
    def bottom(self) -> float:
        return self.pdf.h - _MARGIN - 4  # above the page number

    def write_line(self, text: str, size: float, align: str = "L", height: float | None = None) -> None:
        self.pdf.set_font("cjk", size=size)
        width = self.pdf.get_string_width(text)
        x = {"L": _MARGIN, "C": (self.pdf.w - width) / 2, "R": self.pdf.w - _MARGIN - width}[align]
        line = height or size * 0.55
        self.pdf.text(x, self.y + line * 0.8, text)
        self.y += line

    # --- prose --------------------------------------------------------------

    def title(self, block: Title) -> None:
        self.new_page("P")
        self.y = 95.0
        # Covers break the title before the year when it does not fit one line.
        self.pdf.set_font("cjk", size=22)
        text = block.text
        year = next((i for i in range(len(text) - 4) if text[i : i + 4].isdigit() and text[i + 4] == "年"), None)
        parts = [text] if self.pdf.get_string_width(text) < self.pdf.w - 2 * _MARGIN or year is None else [text[:year], text[year:]]
        for part in parts:
            self.write_line(part, 22, "C", height=14)

    def prose_room(self, height: float) -> None:
        if not isinstance(self.previous, (Heading, Paragraph)) or self.y + height > self.bottom:
            self.new_page("P")
            self.y = _MARGIN + 8

    def heading(self, block: Heading) -> None:
        self.prose_room(12)
        self.y += 3
        self.write_line(block.text, 12, height=8)

    def paragraph(self, block: Paragraph) -> None:
        self.pdf.set_font("cjk", size=10.5)
        for text in block.lines:
            # Indented by two ideographic spaces, wrapped at the page edge wherever the line ends.
            lines = self.wrap("\u3000\u3000" + text, self.pdf.w - 2 * _MARGIN)
            for line in lines:
                self.prose_room(6.5)
                self.pdf.set_font("cjk", size=10.5)
                self.pdf.text(_MARGIN, self.y + 5, line)
                self.y += 6.5
                self.previous = block

    def wrap(self, text: str, width: float) -> list[str]:
        """Break text into lines no wider than ``width`` at the current font, by character (Chinese has no spaces)."""
        lines, line = [], ""
        for char in text:
            if line and self.pdf.get_string_width(line + char) > width:
                lines.append(line)
                line = ""
            line += char
        return lines + [line] if line or not lines else lines

    # --- tables -------------------------------------------------------------

    def in_yuan(self, table: Table) -> bool:
        return self.style.yuan and not table.wan_only and any(isinstance(c, Money) for r in table.rows for c in r.cells)

    def text(self, table: Table, cell: Cell) -> str:
        if isinstance(cell, Money):
            if cell.value == 0:
                return ""
            if self.in_yuan(table):
                return f"{cell.value * 10000:,.2f}"
            return f"{cell.value:,.2f}" if self.spec.thousands else f"{cell.value:.2f}"
        return cell.text if isinstance(cell, Name) else cell

    def split(self, table: Table, texts: list[str], header: bool) -> list[str]:
        if table.code_column is None or not self.style.split_codes:
            return texts
        code = texts[table.code_column]
        parts = ["类", "款", "项"] if header else [code[:3], code[3:5], code[5:7]]
        return texts[: table.code_column] + parts + texts[table.code_column + 1 :]

    def widths(self, header: list[list[str]], body: list[list[str]], money: list[bool], names: list[bool]) -> list[float]:
        self.pdf.set_font("cjk", size=_BODY_PT)
        columns = len(header[0])
        natural = [max([self.pdf.get_string_width(row[c]) for row in body] + [self.pdf.get_string_width(h[c]) / 2 for h in header]) + 2 * _PAD for c in range(columns)]
        name_width = self.pdf.get_string_width("国" * _NAME_CHARS) + 2 * _PAD
        narrow = [names[c] and self.spec.wrap_names for c in range(columns)]
        for c in range(columns):
            if narrow[c]:
                natural[c] = min(natural[c], name_width)
            elif not money[c]:
                natural[c] = min(max(natural[c], 12.0), _MAX_TEXT_COLUMN)
        room = self.pdf.w - 2 * _MARGIN
        # Stretched to the page width, as a spreadsheet printed to fit the page is, except a narrow
        # name column (its names wrap); money columns never shrink.
        fixed = sum(w for w, m, n in zip(natural, money, narrow) if m or n)
        flexible = sum(natural) - fixed
        if fixed + flexible <= room:
            stretch = sum(w for w, n in zip(natural, narrow) if not n) or 1.0
            return [w if n else w * (room - (sum(natural) - stretch)) / stretch for w, n in zip(natural, narrow)]
        return [w if m or n else w * (room - fixed) / (flexible or 1.0) for w, m, n in zip(natural, money, narrow)]

    def table_top(self, table: Table, unit: str, boxes: list[_Box], widths: list[float], header_rows: int) -> None:
        self.write_line(table.title, 14, "C", height=10)
        self.y += 1
        for line in table.preamble:
            self.write_line(line, _BODY_PT, height=5.5)
        self.write_line(f"单位：{unit}", _BODY_PT, "R", height=5.5)
        self.y += 1
        self.draw_header(boxes, widths, header_rows)

    def draw_header(self, boxes: list[_Box], widths: list[float], header_rows: int) -> None:
        xs = [_MARGIN + sum(widths[:c]) for c in range(len(widths))]
        height = 2 * _LINE + 2 * _PAD if header_rows == 1 else _LINE + 2 * _PAD
        self.pdf.set_font("cjk", size=_BODY_PT)
        for box in boxes:
            x, y = xs[box.column], self.y + box.row * height
            w, h = sum(widths[box.column : box.column + box.columns]), box.rows * height
            self.pdf.rect(x, y, w, h)
            lines = self.wrap(box.text, w - 2 * _PAD) if box.text else []
            top = y + (h - len(lines) * _LINE) / 2
            for number, line in enumerate(lines):
                self.pdf.text(x + (w - self.pdf.get_string_width(line)) / 2, top + (number + 0.8) * _LINE, line)
        self.y += header_rows * height

    def table(self, table: Table) -> None:
        header = [self.split(table, list(cells), header=True) for cells in table.header]
        body = [self.split(table, [self.text(table, c) for c in row.cells], header=False) for row in table.rows]
        kinds = [self.split(table, ["money" if isinstance(c, Money) else "name" if isinstance(c, Name) else "" for c in row.cells], header=False) for row in table.rows]
        money = [any(k[c] == "money" for k in kinds) for c in range(len(header[0]))]
        names = [any(k[c] == "name" for k in kinds) for c in range(len(header[0]))]
        widths = self.widths(header, body, money, names)
        boxes = _merge_header(header)
        unit = "元" if self.in_yuan(table) else "万元"
        self.pdf.set_font("cjk", size=_BODY_PT)
        cell_lines = [[self.wrap(text, w - 2 * _PAD) if text else [] for text, w in zip(row, widths)] for row in body]
        heights = [max(1, *(len(lines) for lines in row)) * _LINE + 2 * _PAD for row in cell_lines]
        top_height = 10 + 1 + 5.5 * (len(table.preamble) + 1) + 1 + 2 * _LINE + 2 * _PAD + 2 * heights[0]
        # A short form shares the page with the one before it; everything else starts a page.
        if not (table.form and isinstance(self.previous, Table) and self.previous.form and self.y + top_height + sum(heights) < self.bottom):
            self.new_page("L")
        else:
            self.y += 8
        self.table_top(table, unit, boxes, widths, len(header))
        on_page = 0
        xs = [_MARGIN + sum(widths[:c]) for c in range(len(widths))]
        for row, lines, height, kind in zip(table.rows, cell_lines, heights, kinds):
            if self.y + height > self.bottom or (table.paged and on_page == self.spec.rows_per_page):
                self.new_page("L")
                self.table_top(table, unit, boxes, widths, len(header))
                on_page = 0
            self.pdf.set_font("cjk", size=_BODY_PT)
            for x, w, cell, cell_kind in zip(xs, widths, lines, kind):
                self.pdf.rect(x, self.y, w, height)
                for number, line in enumerate(cell):
                    left = x + w - _PAD - self.pdf.get_string_width(line) if cell_kind == "money" else x + _PAD
                    self.pdf.text(left, self.y + _PAD + (number + 0.8) * _LINE, line)
            if row.anchor is not None:
                self.anchors[row.anchor] = self.pdf.page_no()
            self.y += height
            on_page += 1

    def draw(self, blocks: tuple[Block, ...]) -> None:
        for block in blocks:
            if isinstance(block, Title):
                self.title(block)
            elif isinstance(block, Heading):
                self.heading(block)
            elif isinstance(block, Paragraph):
                self.paragraph(block)
            else:
                self.table(block)
            self.previous = block


def lay_out(spec: DocumentSpec, blocks: tuple[Block, ...], style: PdfStyle, font: Path = FONT) -> PdfRendered:
    """Where each anchored row would be printed, without writing the file."""
    canvas = _Canvas(spec, style, font)
    canvas.draw(blocks)
    return PdfRendered(canvas.pdf.page_no(), canvas.anchors)


def write_pdf(path: Path, spec: DocumentSpec, blocks: tuple[Block, ...], style: PdfStyle, font: Path = FONT) -> PdfRendered:
    canvas = _Canvas(spec, style, font)
    canvas.draw(blocks)
    canvas.pdf.output(str(path))
    return PdfRendered(canvas.pdf.page_no(), canvas.anchors)
