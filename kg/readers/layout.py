"""Page layout: positioned glyphs and ruling lines -> the page's lines of text.

A PDF's text stream loses what its geometry says. On the 财政局 决算 PDF the
stream (pdfium's ``get_text_range``) drops every blank cell (``八、其他收入
6.20 八、社会保障和就业支出 326.71`` for six columns), splits a header cell
wrapped over three lines into three rows (``附属单`` / ``位上`` / ``缴收入``)
and puts a name wrapped in its cell on one line and its amounts on the next.
Positions keep all of it, so a page is rebuilt from them:

- Ruled tables (every table of the corpus is ruled): the rulings give the cell
  grid, merged cells included. A cell's text is every glyph inside it, wrapped
  lines joined; a row is the band where its cells start, so a header cell
  wrapped over several lines, or a cell spanning several rows, is read once,
  in its own column, and an empty cell stays an empty cell between TABs.
- Text outside any grid: lines by baseline (sorted by position, so runs stored
  out of visual order come out in order), cells where glyphs are at least an
  em apart, and columns aligned across consecutive rows, so a blank cell of a
  table drawn without rulings is still an empty cell.

Rows come out as TAB-joined cells (what ``kg.tables`` reads), prose as plain
lines, top to bottom.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import Iterable, Sequence

# A gap of an em between glyphs separates cells; letter-spaced names
# (因 公 出 国) and justified prose stay well below it.
CELL_GAP_EM = 1.0
# A gap of 0.15 em between a code or figure and a Chinese word is a space: the
# space glyph of CJK fonts is about 0.22 em wide (Noto Sans CJK), justified prose
# spreads its glyphs by less.
MIXED_SPACE_EM = 0.15
# Glyphs on one baseline, within this share of their size, are one line.
BASELINE_TOLERANCE_EM = 0.4
# Consecutive rows of a table drawn without rulings are this close.
ROW_PITCH_EM = 2.5
# Rulings closer than this (points) are one edge: strokes are doubled and offset.
EDGE_TOLERANCE = 2.0
# A path thinner than this (points) is a ruling, not a shaded area.
RULING_THICKNESS = 2.5
RULING_MIN_LENGTH = 3.0


@dataclass(frozen=True)
class Glyph:
    """One character: its horizontal extent, baseline and font size, in page points (y up)."""

    char: str
    x0: float
    x1: float
    y: float
    size: float

    @property
    def centre_x(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def middle_y(self) -> float:
        # The middle of a CJK glyph's body sits about 0.35 em above its baseline.
        return self.y + 0.35 * self.size


@dataclass(frozen=True)
class Ruling:
    """A drawn line (or a thin filled rectangle), by its bounds in page points."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def horizontal(self) -> bool:
        return self.x1 - self.x0 >= self.y1 - self.y0

    @property
    def x(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def y(self) -> float:
        return (self.y0 + self.y1) / 2


def rulings_of_rectangle(x0: float, y0: float, x1: float, y1: float) -> list[Ruling]:
    """A path's bounds as rulings: a thin one is a line; a stroked box is its four edges."""
    width, height = x1 - x0, y1 - y0
    if max(width, height) < RULING_MIN_LENGTH:
        return []  # a dot where strokes cross
    if min(width, height) <= RULING_THICKNESS:
        return [Ruling(x0, y0, x1, y1)]
    return [Ruling(x0, y0, x1, y0), Ruling(x0, y1, x1, y1), Ruling(x0, y0, x0, y1), Ruling(x1, y0, x1, y1)]


@dataclass(frozen=True)
class Grid:
    """A ruled table: elementary bands and columns, merged into cells where a ruling is absent."""

    xs: tuple[float, ...]  # column edges, left to right
    ys: tuple[float, ...]  # row edges, top to bottom (y decreasing)
    cell_ids: tuple[tuple[int, ...], ...]  # [band][column] -> cell id
    origins: tuple[tuple[int, int], ...]  # cell id -> (top band, left column)
    depths: tuple[float, ...]  # -ys, ascending, for bisection

    @property
    def columns(self) -> int:
        return len(self.xs) - 1

    def locate(self, x: float, y: float) -> int | None:
        if not (self.xs[0] <= x <= self.xs[-1] and self.ys[-1] <= y <= self.ys[0]):
            return None
        column = min(bisect_right(self.xs, x) - 1, self.columns - 1)
        band = min(bisect_right(self.depths, -y) - 1, len(self.ys) - 2)
        return self.cell_ids[band][column]


# --- grids from rulings ----------------------------------------------------------


def find_grids(rulings: Sequence[Ruling]) -> list[Grid]:
    grids = []
    for region in _regions(rulings):
        grid = _grid(region)
        if grid is not None:
            grids.append(grid)
    return grids


def _regions(rulings: Sequence[Ruling]) -> list[list[Ruling]]:
    """Rulings that overlap vertically belong to one table; a gap between them starts the next."""
    regions: list[list[Ruling]] = []
    bottom = 0.0
    for ruling in sorted(rulings, key=lambda r: -r.y1):
        if regions and ruling.y1 >= bottom - EDGE_TOLERANCE:
            regions[-1].append(ruling)
            bottom = min(bottom, ruling.y0)
        else:
            regions.append([ruling])
            bottom = ruling.y0
    return regions


def _clusters(values: Iterable[tuple[float, int]]) -> list[tuple[float, list[int]]]:
    """Values within EDGE_TOLERANCE of their neighbour -> (mean, member ids), ascending."""
    clusters: list[tuple[list[float], list[int]]] = []
    for value, member in sorted(values):
        if clusters and value - clusters[-1][0][-1] <= EDGE_TOLERANCE:
            clusters[-1][0].append(value)
            clusters[-1][1].append(member)
        else:
            clusters.append(([value], [member]))
    return [(sum(vals) / len(vals), members) for vals, members in clusters]


def _grid(region: list[Ruling]) -> Grid | None:
    horizontal = [r for r in region if r.horizontal]
    vertical = [r for r in region if not r.horizontal]
    if not horizontal or not vertical:
        return None  # rules under headings, or a table with no column lines: read by gaps instead
    left = min(min(r.x0 for r in horizontal), min(r.x for r in vertical))
    right = max(max(r.x1 for r in horizontal), max(r.x for r in vertical))
    top = max(max(r.y1 for r in vertical), max(r.y for r in horizontal))
    bottom = min(min(r.y0 for r in vertical), min(r.y for r in horizontal))
    # The outer edges count even where a table leaves its sides open.
    x_clusters = _clusters([(r.x, i) for i, r in enumerate(vertical)] + [(left, -1), (right, -1)])
    y_clusters = _clusters([(r.y, i) for i, r in enumerate(horizontal)] + [(top, -1), (bottom, -1)])
    xs = tuple(x for x, _ in x_clusters)
    ys = tuple(y for y, _ in reversed(y_clusters))
    if (len(xs) - 1) * (len(ys) - 1) < 2:
        return None  # one box round a paragraph is not a table
    column_rules = [[vertical[i] for i in members if i >= 0] for _, members in x_clusters]
    row_rules = [[horizontal[i] for i in members if i >= 0] for _, members in reversed(y_clusters)]
    return _merge_cells(xs, ys, column_rules, row_rules)


def _covers(rules: list[Ruling], point: float, *, along_x: bool) -> bool:
    if along_x:
        return any(r.x0 - EDGE_TOLERANCE <= point <= r.x1 + EDGE_TOLERANCE for r in rules)
    return any(r.y0 - EDGE_TOLERANCE <= point <= r.y1 + EDGE_TOLERANCE for r in rules)


def _merge_cells(xs: tuple[float, ...], ys: tuple[float, ...], column_rules: list[list[Ruling]], row_rules: list[list[Ruling]]) -> Grid:
    columns, bands = len(xs) - 1, len(ys) - 1
    parent = list(range(columns * bands))

    def find(cell: int) -> int:
        while parent[cell] != cell:
            parent[cell] = parent[parent[cell]]
            cell = parent[cell]
        return cell

    def union(a: int, b: int) -> None:
        a, b = find(a), find(b)
        if a != b:
            parent[max(a, b)] = min(a, b)  # the top-left cell names the merged one

    for band in range(bands):
        middle = (ys[band] + ys[band + 1]) / 2
        for column in range(1, columns):
            if not _covers(column_rules[column], middle, along_x=False):
                union(band * columns + column - 1, band * columns + column)
    for column in range(columns):
        centre = (xs[column] + xs[column + 1]) / 2
        for band in range(1, bands):
            if not _covers(row_rules[band], centre, along_x=True):
                union((band - 1) * columns + column, band * columns + column)
    roots = [find(cell) for cell in range(columns * bands)]
    ids: dict[int, int] = {}
    for root in roots:
        ids.setdefault(root, len(ids))
    cell_ids = tuple(tuple(ids[roots[band * columns + column]] for column in range(columns)) for band in range(bands))
    origins = tuple(divmod(root, columns) for root in ids)  # roots are top-left cells
    return Grid(xs, ys, cell_ids, origins, tuple(-y for y in ys))


# --- text ------------------------------------------------------------------------------


def text_lines(glyphs: Iterable[Glyph]) -> list[list[Glyph]]:
    """Glyphs -> lines by baseline, top to bottom, each left to right (overprinted bold dropped)."""
    lines: list[list[Glyph]] = []
    anchor = 0.0
    for glyph in sorted(glyphs, key=lambda g: (-g.y, g.x0)):
        if lines and abs(anchor - glyph.y) <= BASELINE_TOLERANCE_EM * max(glyph.size, lines[-1][0].size):
            lines[-1].append(glyph)
        else:
            lines.append([glyph])
            anchor = glyph.y
    return [_without_overprint(sorted(line, key=lambda g: g.x0)) for line in lines]


def _without_overprint(line: list[Glyph]) -> list[Glyph]:
    # Fake bold prints each glyph twice, a fraction of a point apart.
    kept: list[Glyph] = []
    for glyph in line:
        if kept and kept[-1].char == glyph.char and abs(kept[-1].x0 - glyph.x0) < 0.3 * glyph.size:
            continue
        kept.append(glyph)
    return kept


def _is_word_char(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _shows_space(previous: Glyph, glyph: Glyph) -> bool:
    """Whether the page shows a space between two glyphs of one run.

    Between Latin words or figures a fifth of an em is a space. Between a code
    or figure and a Chinese word ("208 社会保障和就业支出", "900026 某局") a
    third of an em is: the code and the name are two things, and the table
    extractors read them apart by that space. Between two Chinese glyphs no gap
    short of a cell's is a space: justified lines spread them.
    """
    gap = glyph.x0 - previous.x1
    if gap > CELL_GAP_EM * glyph.size:
        return True
    latin_before, latin_after = _is_word_char(previous.char), _is_word_char(glyph.char)
    if latin_before and latin_after:
        return gap > 0.2 * glyph.size
    if latin_before or latin_after:
        return gap > MIXED_SPACE_EM * glyph.size
    return False


def _joined(glyphs: Sequence[Glyph]) -> str:
    """One run of text; a space only where the page shows one (``_shows_space``)."""
    parts = [glyphs[0].char]
    for previous, glyph in zip(glyphs, glyphs[1:]):
        if _shows_space(previous, glyph):
            parts.append(" ")
        parts.append(glyph.char)
    return "".join(parts)


def runs(line: Sequence[Glyph]) -> list[list[Glyph]]:
    """A line's cells: glyphs split where the gap between them is an em or more."""
    found: list[list[Glyph]] = [[line[0]]]
    for previous, glyph in zip(line, line[1:]):
        if glyph.x0 - previous.x1 >= CELL_GAP_EM * max(glyph.size, previous.size):
            found.append([glyph])
        else:
            found[-1].append(glyph)
    return found


def cell_text(glyphs: Iterable[Glyph]) -> str:
    """A cell's glyphs as one string: its wrapped lines joined, with a space only between words."""
    text = ""
    for line in text_lines(glyphs):
        part = _joined(line)
        if text and _is_word_char(text[-1]) and _is_word_char(part[0]):
            text += " "
        text += part
    return text


# --- a page ----------------------------------------------------------------------------


def page_lines(glyphs: Sequence[Glyph], rulings: Sequence[Ruling]) -> list[str]:
    """The page as lines of text, top to bottom: table rows TAB-joined, prose plain."""
    grids = find_grids(rulings)
    in_cells: list[dict[int, list[Glyph]]] = [{} for _ in grids]
    free: list[Glyph] = []
    for glyph in glyphs:
        for index, grid in enumerate(grids):
            cell = grid.locate(glyph.centre_x, glyph.middle_y)
            if cell is not None:
                in_cells[index].setdefault(cell, []).append(glyph)
                break
        else:
            free.append(glyph)
    placed: list[tuple[float, str]] = []
    for grid, cells in zip(grids, in_cells):
        placed.extend(_grid_rows(grid, cells))
    placed.extend(_free_lines(free))
    placed.sort(key=lambda item: -item[0])  # stable: rows of one height keep their order
    return [text for _, text in placed]


def _grid_rows(grid: Grid, cells: dict[int, list[Glyph]]) -> list[tuple[float, str]]:
    rows: dict[int, list[str]] = {}
    for cell, glyphs in cells.items():
        band, column = grid.origins[cell]
        row = rows.setdefault(band, [""] * grid.columns)
        row[column] = cell_text(glyphs)
    return [(grid.ys[band], _tab_row(cells)) for band, cells in rows.items()]


def _tab_row(cells: list[str]) -> str:
    while cells and not cells[-1]:
        cells = cells[:-1]
    return "\t".join(cells)


def _free_lines(glyphs: list[Glyph]) -> list[tuple[float, str]]:
    lines = [line for line in text_lines(glyphs) if line]
    placed: list[tuple[float, str]] = []
    block: list[list[list[Glyph]]] = []  # consecutive lines of several cells: a table without rulings
    for line in lines:
        cells = runs(line)
        if len(cells) > 1 and block and _close(block[-1], cells):
            block.append(cells)
            continue
        placed.extend(_block_rows(block))
        block = [cells] if len(cells) > 1 else []
        if len(cells) == 1:
            placed.append((_top(cells), _joined(line)))
    placed.extend(_block_rows(block))
    return placed


def _top(cells: list[list[Glyph]]) -> float:
    return max(g.y + 0.8 * g.size for cell in cells for g in cell)


def _close(previous: list[list[Glyph]], cells: list[list[Glyph]]) -> bool:
    above, below = previous[0][0], cells[0][0]
    return above.y - below.y <= ROW_PITCH_EM * max(above.size, below.size)


def _block_rows(block: list[list[list[Glyph]]]) -> list[tuple[float, str]]:
    """Rows of an unruled table: columns are the x-intervals its cells occupy, so a blank stays blank."""
    if not block:
        return []
    if len(block) == 1 and not any(any(g.char.isdigit() for g in cell) for cell in block[0]):
        # One line with wide gaps and no figure is a spaced heading, not a table.
        return [(_top(block[0]), " ".join(_joined(cell) for cell in block[0]))]
    columns = _column_intervals(cell for cells in block for cell in cells)
    rows = []
    for cells in block:
        row = [""] * len(columns)
        for cell in cells:
            index = _nearest_column(columns, (cell[0].x0 + cell[-1].x1) / 2)
            row[index] = f"{row[index]} {_joined(cell)}".strip()
        rows.append((_top(cells), _tab_row(row)))
    return rows


def _column_intervals(cells: Iterable[list[Glyph]]) -> list[tuple[float, float]]:
    intervals: list[list[float]] = []
    for x0, x1 in sorted((cell[0].x0, cell[-1].x1) for cell in cells):
        if intervals and x0 <= intervals[-1][1]:
            intervals[-1][1] = max(intervals[-1][1], x1)
        else:
            intervals.append([x0, x1])
    return [(x0, x1) for x0, x1 in intervals]


def _nearest_column(columns: list[tuple[float, float]], x: float) -> int:
    return min(range(len(columns)), key=lambda i: 0.0 if columns[i][0] <= x <= columns[i][1] else min(abs(x - columns[i][0]), abs(x - columns[i][1])))
