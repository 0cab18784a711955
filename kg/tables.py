"""Tables: normalised lines -> ``RawTable`` (title, header rows, body rows).

What a PDF extraction does to a table, and what this module undoes:

- rows come as markdown pipes, TAB-separated cells or runs of spaces, mixed in
  one document; markdown ``|---|`` separators (and TAB ``---`` rows) are dropped;
- a table breaks at every page: the unit line, ``预算年度``, ``单位：万元``,
  ``表N`` and the table's title repeat, then the header rows and a ``栏次``
  (or ``档次``) row, and the table goes on. Those preambles are skipped and the
  repeated header rows dropped, so one ``RawTable`` holds the whole table;
  each body row remembers whether it opens a page, because a cell cut at a
  page break continues in that row.

Which table a block is comes from ``recognition``: by its title and header in
the words of the document's family (``kg.families``), never by the file it is in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.extract.numbers import is_figure, money_unit_of
from kg.families import Family
from kg.families.budget import BUDGET
from kg.reading import SourceText
from kg.records import Lines, MoneyUnit, TableKind
from kg.recognition import recognise_header, recognise_title


@dataclass(frozen=True)
class Row:
    cells: tuple[str, ...]
    line: int
    starts_page: bool = False  # the first body row after a page break

    def cell(self, index: int) -> str:
        return self.cells[index] if index < len(self.cells) else ""

    @property
    def is_empty(self) -> bool:
        return not any(self.cells)


@dataclass
class RawTable:
    kind: TableKind | None
    title: str
    title_line: int | None
    header: list[Row]
    body: list[Row]
    money_unit: MoneyUnit | None
    first_line: int
    last_line: int
    notes: list[tuple[int, str]] = field(default_factory=list)
    # Cells separated by one space, blank cells dropped: the cells are words, not columns.
    spaced: bool = False

    @property
    def lines(self) -> Lines:
        return Lines(self.first_line, self.last_line)


# --- classifying lines -------------------------------------------------------

_MD_SEPARATOR = re.compile(r"^\s*\|?(\s*:?-{2,}:?\s*\|?)+\s*$")
_TAB_SEPARATOR = re.compile(r"^[\s\-:|]*-{3,}[\s\-:|]*$")
_TOC_LINE = re.compile(r"(\.{4,}|…{2,}|·{4,})\s*\d*\s*$")
_PREAMBLE = re.compile(
    r"^(?:"
    r"(?:金额)?单位\s*[:：]"  # 单位：万元
    r"|预算年度"  # 预算年度：2024
    r"|编制(?:部门|单位)"  # 编制部门：…
    r"|表\s*\d+(?:-\d+)?$"  # 表1
    r"|\(\s*\d{4}\s*年?\s*\)$"  # (2024 年)
    r"|第\s*\d+\s*页"  # 第 3 页
    r"|截[止至](?:时间|日期)?"  # 截止时间：2023-12-31
    r"|-?\s*\d{1,3}\s*-?$"  # a page number
    r"|\d{3,8}\s+(?!年)[\u4e00-\u9fff()（）]+$"  # 817001 石家庄市…  (a unit code and name)
    r")"
)
_SENTENCE = re.compile(r"[。;！？!?]|,(?!\d{3}\b)")
_TOC_ENTRY = re.compile(r"^[^\t]+\t+\d{1,3}$")
_NOTE = re.compile(r"^(?:注|说明)\s*[:：]")
_COLUMN_NUMBERS = re.compile(r"^(?:栏次|档次|栏号)$")
_SPACE_CELLS = re.compile(r"\s{2,}")


def split_row(line: str, *, in_table: bool = False) -> tuple[str, ...] | None:
    """The cells of a table row, or None when the line is not a row.

    Inside a table a TAB line with one filled cell is still a row (a wrapped
    fragment, or an item whose figures are all blank).
    """
    stripped = line.strip()
    if stripped.startswith("|"):
        inner = stripped[1:]
        if inner.endswith("|"):
            inner = inner[:-1]
        return tuple(cell.strip() for cell in inner.split("|"))
    if "\t" in line:
        cells = [cell.strip() for cell in line.rstrip("\n").split("\t")]
        while cells and not cells[-1]:
            cells.pop()  # trailing TABs are layout, not empty columns
        if len(cells) < 2 and not (in_table and cells):
            return None
        if len(cells) < 2:
            cells.append("")
        return tuple(cells)
    parts = _SPACE_CELLS.split(stripped)
    # Space-separated rows are told from prose by having several cells, some of them figures.
    if len(parts) >= 3 and (in_table or any(is_figure(part) for part in parts)) and not _SENTENCE.search(stripped):
        return tuple(part.strip() for part in parts)
    return None


# "第一部分 上海市 XX 局概况": a part of the document begins, not a row of words.
_PART_HEADING = re.compile(r"^第[一二三四五六七八九十]+部分")
_CODE_OR_ITEM = re.compile(r"^(?:\d{3}|\d{5}|\d{7}|[一二三四五六七八九十]+、\S+)$")
_DATED = re.compile(r"\d{4}\s*年")
_MONEY_LIKE = re.compile(r"^[-+]?[\d,]*\d[.,]\d+$")
# Words a table header is made of (收入/支出/资金 groups, 科目编码, 合计, 人员经费 …), or fragments of them.
_HEADER_WORD = re.compile(r"序号|栏次|科目|编码|名称|项目|合计|小计|总计|收入|支出|经费|拨款|预算|资金|金额|性质|来源|^[类款项合计收支出入目]$")


def split_spaced(line: str, *, in_table: bool, in_rows: bool) -> tuple[str, ...] | None:
    """The words of a row whose cells another extractor separated by single spaces.

    Among a single-space table's rows (``in_rows``) a line with a figure, or of
    header words, is a row; after a title (``in_table``) a header or a row; and
    elsewhere only a line that reads like a row (``210 卫生健康支出 1,203,400``: a
    code or item, then amounts). Sentences and headings are never rows.
    """
    stripped = line.strip()
    if "\t" in line or stripped.startswith("|") or _SENTENCE.search(stripped) or _PART_HEADING.match(stripped):
        return None
    words = tuple(stripped.split())
    if len(words) < 2:
        return None
    money = sum(bool(_MONEY_LIKE.match(word)) for word in words)
    header_words = sum(bool(_HEADER_WORD.search(word)) for word in words)
    dated = _DATED.search(stripped) is not None  # "第二部分 2024 年部门预算公开表" is a heading
    looks_like_header = header_words * 2 >= len(words) and not dated
    if in_rows and (any(is_figure(word) for word in words) or looks_like_header):
        return words
    # Under a title, a line of three or more short words is the header (政府采购项目来源 采购物品 名称 …).
    short_words = len(words) >= 3 and all(len(word) <= 12 and not is_figure(word) for word in words) and not dated
    if in_table and (money or looks_like_header or short_words):
        return words
    if _CODE_OR_ITEM.match(words[0]) and money:
        return words
    return None


def is_column_number_row(cells: tuple[str, ...]) -> bool:
    """``栏次 1 2 3 …``: column numbers printed under the header."""
    filled = [c for c in cells if c]
    return bool(filled) and _COLUMN_NUMBERS.match(filled[0].replace(" ", "")) is not None and all(c.isdigit() for c in filled[1:])


def _signature(cells: tuple[str, ...]) -> str:
    return "|".join(c.replace(" ", "") for c in cells if c)


def _normalised_title(title: str) -> str:
    return re.sub(r"^[\d一二三四五六七八九十、.\s]+", "", title).replace(" ", "")


# --- assembling tables --------------------------------------------------------


@dataclass
class _Block:
    title: str
    title_line: int | None
    rows: list[Row] = field(default_factory=list)
    money_unit: MoneyUnit | None = None
    notes: list[tuple[int, str]] = field(default_factory=list)
    page_break: bool = False  # a preamble was seen since the last row
    spaced: bool = False  # rows are single-space words (see split_spaced)


def find_tables(source: SourceText, family: Family = BUDGET) -> list[RawTable]:
    blocks: list[_Block] = []
    current: _Block | None = None
    pending_title: tuple[int, str] | None = None  # a recognised title awaiting its rows
    last_prose: tuple[int, str] | None = None  # an untitled table takes the prose above it
    pending_unit: MoneyUnit | None = None
    in_contents = False  # inside a table of contents (目录)
    after_unit_line = False  # the last line read was a unit line

    for number, line in enumerate(source.lines, start=1):
        text = line.strip()
        if not text or _MD_SEPARATOR.match(text) or ("\t" in line and _TAB_SEPARATOR.match(text)):
            continue
        if _TOC_LINE.search(text):
            in_contents = True
            continue
        if in_contents and _TOC_ENTRY.match(text):
            continue  # a contents entry whose dot leader was lost
        in_contents = False
        unit = money_unit_of(text) if len(text) < 40 else None
        if _PREAMBLE.match(text):
            if unit is not None:
                pending_unit = unit
                after_unit_line = True
            if current is not None:
                current.page_break = True
            continue
        announced, after_unit_line = after_unit_line, False
        if _NOTE.match(text) and current is not None:
            current.notes.append((number, text))
            continue
        cells = split_row(line, in_table=current is not None or pending_title is not None)
        spaced = False
        if cells is None and (current is None or current.spaced) and not _is_title(text, family):
            in_rows = current is not None and pending_title is None
            # A unit line (单位：万元) announces a table even where its title is not recognised.
            cells = split_spaced(line, in_table=pending_title is not None or announced, in_rows=in_rows)
            spaced = cells is not None
        if cells is not None and len(cells) >= 2 and any(cells):
            if current is None or pending_title is not None:
                title_line, title = pending_title or last_prose or (None, "")
                current = _Block(title, title_line, money_unit=pending_unit, spaced=spaced)
                blocks.append(current)
                pending_title = None
            if current.money_unit is None and pending_unit is not None:
                current.money_unit = pending_unit
            current.rows.append(Row(cells, number, starts_page=current.page_break))
            current.page_break = False
            continue
        if _is_title(text, family):
            if current is not None and _normalised_title(text) == _normalised_title(current.title):
                current.page_break = True  # the title repeats on the next page
                continue
            pending_title = (number, text)
            pending_unit = unit
            current = None
            continue
        if (current is not None or pending_title is not None) and _is_page_furniture(text):
            # Short lines between a title (or a page break) and the rows: a unit
            # name wrapped over two lines, "2024" under "预算年度：", a cut-off date.
            if current is not None:
                current.page_break = True
            continue
        # Prose ends any table.
        current = None
        pending_title = None
        pending_unit = unit
        last_prose = (number, text)

    return [_to_table(block, family) for block in blocks]


def _is_title(text: str, family: Family) -> bool:
    return len(text) <= 80 and not text.endswith(("。", ";", "；")) and recognise_title(text, family) is not None


def _is_page_furniture(text: str) -> bool:
    return len(text) <= 30 and not _SENTENCE.search(text) and split_row(text) is None


def _is_data_row(cells: tuple[str, ...]) -> bool:
    return any(is_figure(c) for c in cells) and not is_column_number_row(cells)


def _to_table(block: _Block, family: Family) -> RawTable:
    rows = block.rows
    # Header: leading rows up to the first one that carries a figure.
    header: list[Row] = []
    index = 0
    while index < len(rows) and not _is_data_row(rows[index].cells):
        if not is_column_number_row(rows[index].cells):
            header.append(rows[index])
        index += 1
        if index < len(rows) and is_column_number_row(rows[index - 1].cells):
            break
    title_kind = recognise_title(block.title, family)
    if index == len(rows) and len(rows) > 1:
        if title_kind is not None and title_kind.is_money_table:
            # An empty money table (a 决算's 政府性基金 table "本表无数据"): its header is
            # every leading row of labels, up to 合计 or the first code.
            index = next((i for i, row in enumerate(rows) if i and not _looks_like_header(row.cells)), len(rows))
            header = [row for row in rows[:index] if not is_column_number_row(row.cells)]
        else:
            # A grid of text only (a performance table): the first row is its header.
            header, index = rows[:1], 1
    elif index < len(rows) and header:
        index = _split_level_words(rows, index, header)
    kind = title_kind
    if kind is None:
        kind = recognise_header([c for row in header for c in row.cells] + list(rows[0].cells), family)
    header_signatures = {_signature(row.cells) for row in header}
    body: list[Row] = []
    pending_page = False
    at_page_head = False
    for row in rows[index:]:
        if row.starts_page:
            pending_page, at_page_head = True, True
        if is_column_number_row(row.cells):
            continue
        if _signature(row.cells) in header_signatures or (at_page_head and kind is not None and kind.is_money_table and _looks_like_header(row.cells)):
            # A header repeated after a page break, with or without a preamble:
            # the next body row opens the new page.
            pending_page = True
            continue
        at_page_head = False
        body.append(Row(row.cells, row.line, starts_page=pending_page))
        pending_page = False
    first = block.title_line or rows[0].line
    last = rows[-1].line
    return RawTable(
        kind=kind,
        title=block.title,
        title_line=block.title_line,
        header=header,
        body=body,
        money_unit=block.money_unit,
        first_line=first,
        last_line=last,
        notes=block.notes,
        spaced=block.spaced,
    )


_LEVEL_WORDS = {"类", "款", "项"}


def _split_level_words(rows: list[Row], index: int, header: list[Row]) -> int:
    """A header's last row (类 / 款 / 项) printed on the line of the first data row.

    PDF layout puts "类 款 项" and "合计 2,946.25 …" on one line when the total row
    sits level with the bottom header cells (the Shanghai 决算's 收入决算表): the
    level words go to the header, the figures stay a body row.
    """
    cells = rows[index].cells
    lead = 0
    while lead < len(cells) and cells[lead] in _LEVEL_WORDS:
        lead += 1
    if lead < 2:
        return index
    row = rows[index]
    header.append(Row(cells[:lead], row.line, row.starts_page))
    rows[index] = Row(("",) * lead + cells[lead:], row.line, row.starts_page)
    return index


_CODE_CELL = re.compile(r"^\d{3}(?:\s*\d{2}){0,2}\b")


def _looks_like_header(cells: tuple[str, ...]) -> bool:
    """A money table's header row: two or more labels, no figure, no code."""
    filled = [c for c in cells if c]
    return len(filled) >= 2 and not any(is_figure(c) or _CODE_CELL.match(c) for c in filled)
