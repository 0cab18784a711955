"""Single-space rows -> positional rows: undoing an extractor that dropped blank cells.

Some extractors print a table row as its cells separated by one space with the
blank cells dropped (``210 卫生健康支出 1,203,400 1,203,400`` for 合计 / 基本支出
/ 项目支出, domain.md §6). Positions are lost, and a space inside a cell (a
wrapped label ``项 目``, an OCR gap ``4409 .55``) looks like a cell boundary.
This module rebuilds what can be rebuilt and no more:

- header lines are cut into cells by the words they hold (a cell holds one
  column's words: ``一般公共预 算财政拨款`` is one cell, ``基本支出 项目支出`` two),
  and the header rows are stacked into a tree (``本年收入`` over its sources);
- each row is read as sequence number, code, name, figures (two-sided summary
  tables: two such parts);
- when a row has a figure for every money column it is placed as printed;
  otherwise every order-keeping placement of its figures is tried against the
  identities the header tree implies (合计 = 基本支出 + 项目支出, 小计 = Σ
  sources …). A figure goes where every valid placement puts it; a figure with
  several possible columns is left out with a warning, never guessed.

On the five seeds rewritten this way (tests/seed_variants.py) the identities
place most figures; the rest are named in warnings.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from kg.extract.columns import MEANING_RULES, column_meaning
from kg.extract.numbers import NOT_APPLICABLE, is_figure, looks_like_number
from kg.extract.placement import Identity, RowChoice, half_unit, resolve, row_options, settle
from kg.records import Lines, ParseWarning, TableKind
from kg.tables import Row, is_column_number_row

TOTAL_ROW = ""  # Bound.row for a table's 合计 row
EVERY_ROW = "*"  # Bound.row for every row of a table


@dataclass(frozen=True)
class Bound:
    """What another part of the document says about one cell: low <= figure <= high, in yuan (blank = 0).

    ``row`` is a code's notation, ``TOTAL_ROW`` or ``EVERY_ROW``; ``meaning`` a
    column meaning (``extract.columns``); ``high`` None for no upper bound.
    """

    kind: TableKind
    row: str
    meaning: str
    low: Decimal
    high: Decimal | None

    def admits(self, value: Decimal, slack: Decimal) -> bool:
        return self.low - slack <= value and (self.high is None or value <= self.high + slack)


_SEQ = re.compile(r"^(?:序号|栏次|行次)$")
_CODE = re.compile(r"编码|代码|编号|^[类款项]$")
_NAME = re.compile(r"名称|^项目$|内容$|科目$|^功能分类$|^经济分类$|明细$|^支出项目|^收入项目")
# Labels that only group columns (a side, a fund source) or head a money column.
_GROUP_WORDS = re.compile(r"^(?:收入|支出|资金性质|预算来源|资金来源|资金构成|预算数|金额|支出预算|本年预算)$")
# Generic totals: a column of its own, never a group over others.
_TOTAL = re.compile(r"^(?:合计|总计|小计|计|预算数|金额|预算金额)$")
_TOTAL_WORD = re.compile(r"合计|总计|小计")
# part -> whole: a column label may name a part and then its whole (一般公共预算 财政拨款).
_PART_OF: dict[str, str] = {
    "general_budget": "fiscal_appropriation",
    "government_fund": "fiscal_appropriation",
    "state_capital": "fiscal_appropriation",
    "general_budget_transfer": "fiscal_appropriation",
    "government_fund_transfer": "fiscal_appropriation",
    "state_capital_transfer": "fiscal_appropriation",
    "personnel": "basic",
    "public": "basic",
    "vehicle_purchase": "vehicles",
    "vehicle_operation": "vehicles",
}
_MAX_CELL_TOKENS = 5
_TOTAL_ROW = re.compile(r"^(?:合计|总计)$")


# --- header ---------------------------------------------------------------------


# The meaning rules with their gaps bounded: "财政拨款.*结转" must not span three cells run together.
_ATOM_RULES = tuple((re.compile(pattern.pattern.replace(".*", ".{0,6}?")), key) for pattern, key in MEANING_RULES)
_TOTAL_ATOM = re.compile(r"合计|总计|小计|预算数|金额|价值")
_NOTE = re.compile(r"\([^)]*\)")  # "(金额单位:万元)" annotates a label; it is not one
_SIDE_ATOM = re.compile(r"收入|支出")
# Key-column words: one atom each ("功能分类科目编码" is one, "科目编码 科目名称" two).
_KEY_ATOM = re.compile(r"序号|栏次|行次|(?:(?:功能|经济)分类)?科目(?:编码|代码|名称)?|(?:功能|经济)分类|编码|代码|编号|名称|项目|内容|明细")
_GROUP_ATOM = re.compile(r"资金性质|预算来源|资金来源|资金构成")
_CODE_PART = re.compile(r"^[类款项]$")


def _atoms(text: str) -> list[tuple[int, int, str]]:
    """(start, end, meaning) of each label word, leftmost first; each span is claimed once, specific rules first."""
    taken: list[tuple[int, int, str]] = []

    def claim(pattern: re.Pattern[str], key: str | None) -> None:
        for match in pattern.finditer(text):
            if not any(match.start() < end and start < match.end() for start, end, _ in taken):
                taken.append((match.start(), match.end(), key or "key"))

    for pattern, key in _ATOM_RULES:
        claim(pattern, key)
    claim(_TOTAL_ATOM, "total")
    claim(_KEY_ATOM, None)
    claim(_GROUP_ATOM, "group")
    claim(_SIDE_ATOM, "side")
    return sorted(taken)


def _is_key_label(text: str) -> bool:
    return bool(_SEQ.match(text) or _CODE.search(text) or _NAME.search(text))


def _is_label(text: str) -> bool:
    return _is_key_label(text) or bool(_GROUP_WORDS.match(text) or _TOTAL.match(text) or _atoms(text))


def _qualifies(first: str, second: str) -> bool:
    """Two label words that still name one column: a part and its whole, or money and 支出/收入."""
    if second == "side":
        return first not in ("key", "side", "total")
    return _PART_OF.get(first) == second


def _cell_cost(text: str) -> int:
    """Lower is likelier one header cell: one label word (or a part and its whole: 一般公共预算财政拨款)."""
    text = _NOTE.sub("", text)
    atoms = _atoms(text)
    if not atoms:
        return 1 if _GROUP_WORDS.match(text) or _CODE_PART.match(text) else 6
    extra = sum(not _qualifies(a[2], b[2]) for a, b in zip(atoms, atoms[1:]))
    # A cell starts with its label; leading leftovers ("支出对附属单位…") belong to the cell before,
    # and a key or total word ends its label (项目, 科目编码, 合计), so what follows it is another cell's.
    leading = atoms[0][0] > 0
    trailing = atoms[-1][2] in ("key", "total") and text[atoms[-1][1] :].strip("()（）")
    return 1 + 5 * (extra + bool(leading) + bool(trailing))


def header_cells(tokens: list[str]) -> list[str]:
    """Space-separated header words -> cells, by the fewest cells that each name one column."""
    best: list[tuple[int, list[str]]] = [(0, [])]
    for end in range(1, len(tokens) + 1):
        options = []
        for start in range(max(0, end - _MAX_CELL_TOKENS), end):
            cost, cells = best[start]
            cell = "".join(tokens[start:end])
            # A word that is a whole group label by itself (支出预算 in "项 目 支出预算") heads its own
            # cell: joined to the wrapped word before it, it would read as another label (项目支出).
            whole_label = any(_GROUP_WORDS.match(token) or _TOTAL.match(token) for token in tokens[start + 1 : end])
            options.append((cost + _cell_cost(cell) + 5 * whole_label, cells + [cell]))
        best.append(min(options, key=lambda option: option[0]))
    return best[-1][1]


@dataclass(frozen=True)
class _Node:
    label: str
    children: tuple["_Node", ...] = ()

    @property
    def is_key(self) -> bool:
        return _is_key_label(self.label)

    def leaves(self, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
        here = path + (self.label,)
        if not self.children:
            return [here]
        return [leaf for child in self.children for leaf in child.leaves(here)]


def _can_group(label: str) -> bool:
    return not _SEQ.match(label) and not _TOTAL.match(label) and not _CODE.search(label) or label.endswith(("编码", "代码"))


def _takes(group: _Node, child: _Node, taken: list[_Node]) -> bool:
    """Whether ``child`` (on the row below) sits under ``group``: keys under keys, money under money."""
    if any(node.label == child.label for node in taken):
        return False  # a second 项目 / 预算数 starts the next group
    if any(not node.is_key for node in taken) and child.is_key:
        return False  # within a group, keys come before amounts
    if _SEQ.match(child.label):
        return False
    if group.is_key and not _GROUP_WORDS.match(group.label):
        return child.is_key
    if _GROUP_WORDS.match(group.label) and group.label in ("收入", "支出"):
        return True
    return not child.is_key


def header_tree(lines: list[list[str]]) -> list[_Node]:
    """Header lines (top first, already cut into cells) -> top-level nodes, left to right."""
    nodes = [_Node(cell) for cell in lines[-1]] if lines else []
    for cells in reversed(lines[:-1]):
        upper: list[_Node] = []
        index = 0
        for cell in cells:
            group = _Node(cell)
            taken: list[_Node] = []
            if _can_group(cell):
                while index < len(nodes) and _takes(group, nodes[index], taken):
                    taken.append(nodes[index])
                    index += 1
            upper.append(_Node(cell, tuple(taken)))
        if index < len(nodes):
            # Cells of the lower row that no upper label claims stand on their own.
            upper.extend(nodes[index:])
        nodes = upper
    return nodes


def _leaf_paths(nodes: list[_Node]) -> list[tuple[str, ...]]:
    return [leaf for node in nodes for leaf in node.leaves()]


def positional_header(nodes: list[_Node], first_line: int) -> list[Row]:
    """The tree as positional header rows, as a TAB extraction would have printed them."""
    paths = _leaf_paths(nodes)
    depth = max((len(path) for path in paths), default=0)
    rows: list[list[str]] = [[""] * len(paths) for _ in range(depth)]
    for column, path in enumerate(paths):
        for level, label in enumerate(path):
            previous = paths[column - 1] if column else ()
            if previous[: level + 1] != path[: level + 1]:
                rows[level][column] = label
    return [Row(tuple(cells), first_line) for cells in rows]


# --- identities -------------------------------------------------------------------


def _value_columns(node: _Node, columns: dict[int, int], start: int) -> tuple[tuple[int, ...], int]:
    """(columns whose figures make up the node's value, next leaf index)."""
    if not node.children:
        return ((columns[start],) if start in columns else ()), start + 1
    index = start
    child_values: list[tuple[int, ...]] = []
    for child in node.children:
        value, index = _value_columns(child, columns, index)
        child_values.append(value)
    labels = [child.label for child in node.children]
    total = next((i for i, label in enumerate(labels) if _TOTAL_WORD.search(label) or _TOTAL.match(label)), None)
    if total is not None and child_values[total]:
        return child_values[total], index
    return tuple(c for value in child_values for c in value), index


def identities(nodes: list[_Node], columns: dict[int, int]) -> list[Identity]:
    """The sums the header implies; ``columns`` maps leaf index -> amount column index.

    A group whose first money cell is a total (小计/合计) sums its siblings, and
    so does a part's first top-level total (合计 = 本年收入 + 上年结转).
    """
    found: list[Identity] = []

    def visit(level: list[_Node], start: int) -> int:
        index = start
        spans: list[tuple[_Node, int, tuple[int, ...]]] = []
        for node in level:
            value, after = _value_columns(node, columns, index)
            spans.append((node, index, value))
            if node.children:
                visit(list(node.children), index)
            index = after
        money = [(node, first, value) for node, first, value in spans if value and not node.is_key]
        if len(money) > 1:
            node, first, value = money[0]
            if not node.children and (_TOTAL.match(node.label) or _TOTAL_WORD.search(node.label)) and len(value) == 1:
                found.append(Identity(value[0], tuple(v for _, _, v in money[1:])))
        return index

    visit(nodes, 0)
    return found


# --- rows ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    """One part of a row: its key words and its figures, in printed order."""

    code: str
    name: str
    figures: tuple[str, ...]


_DIGITS = re.compile(r"^\d+$")
_ORDINAL = re.compile(r"^[一二三四五六七八九十]+、")
_CODE_LENGTHS = (3, 5, 7)


def _join_figure_fragments(tokens: list[str]) -> list[str]:
    """``4409 .55`` -> ``4409.55``: an OCR gap is not a cell boundary."""
    joined: list[str] = []
    for token in tokens:
        if joined and token.startswith(".") and _DIGITS.match(joined[-1]):
            joined[-1] += token
        else:
            joined.append(token)
    return joined


def _is_row_figure(token: str) -> bool:
    # A token printed as a number that does not read as one (1e308) still holds a cell.
    return is_figure(token) or token in NOT_APPLICABLE or looks_like_number(token)


def is_unreadable(token: str) -> bool:
    return token not in NOT_APPLICABLE and not is_figure(token)


def _starts_code(tokens: list[str], index: int) -> bool:
    """A whole number of code length followed by words is a code, not a figure (``… 9383.02 201 一般公共服务支出``)."""
    token = tokens[index]
    if not _DIGITS.match(token):
        return False
    digits = token
    following = index + 1
    while following < len(tokens) and _DIGITS.match(tokens[following]) and len(digits) < 7:
        digits += tokens[following]
        following += 1
    return (
        len(digits) in _CODE_LENGTHS
        and following < len(tokens)
        and not _is_row_figure(tokens[following])
        and not _ORDINAL.match(tokens[following])  # "900 二、外交支出": a figure, then the other side's item
    )


def _read_code(tokens: list[str], index: int) -> tuple[str, int]:
    """Split code cells (``208 05 05``) or one code, joined; ("", index) when none starts here."""
    digits = ""
    end = index
    while end < len(tokens) and _DIGITS.match(tokens[end]) and len(digits + tokens[end]) <= 7:
        digits += tokens[end]
        end += 1
    while end > index and len(digits) not in _CODE_LENGTHS:
        end -= 1
        digits = digits[: len(digits) - len(tokens[end])]
    return digits, end


def _is_sequence_number(tokens: list[str]) -> bool:
    """``10 20406 司法``: a number before a code, or a short one before a name, is the row's 序号."""
    first = tokens[0]
    if not _DIGITS.match(first):
        return False
    return _DIGITS.match(tokens[1]) is not None or len(first) not in _CODE_LENGTHS


def _without_blank_code_parts(tokens: list[str]) -> list[str]:
    """``208 — — 社会保障和就业支出``: dashes in split code cells (and before 合计) are blank code parts, not figures."""
    end = 0
    while end < len(tokens) and (_DIGITS.match(tokens[end]) or tokens[end] in NOT_APPLICABLE):
        end += 1
    if end == len(tokens) or end == 0 or is_figure(tokens[end]) or looks_like_number(tokens[end]):
        return tokens
    return [t for t in tokens[:end] if t not in NOT_APPLICABLE] + tokens[end:]


def row_segments(tokens: list[str], has_seq: bool, has_code: bool) -> tuple[str, list[Segment]]:
    """(sequence number, parts) of a row; each part is code, name and the figures after them."""
    tokens = _join_figure_fragments(tokens)
    if has_code:
        tokens = _without_blank_code_parts(tokens)
    seq = ""
    if has_seq and len(tokens) > 1 and _is_sequence_number(tokens):
        seq, tokens = tokens[0], tokens[1:]
    segments: list[Segment] = []
    index = 0
    while index < len(tokens):
        code = ""
        if has_code or _starts_code(tokens, index):
            code, index = _read_code(tokens, index)
        name: list[str] = []
        while index < len(tokens) and not _is_row_figure(tokens[index]):
            if name and _ORDINAL.match(tokens[index]):
                break  # "四、财政专户管理资金收入 四、公共安全支出 240.00": the other side's item
            name.append(tokens[index])
            index += 1
        figures: list[str] = []
        while index < len(tokens) and _is_row_figure(tokens[index]) and not _starts_code(tokens, index):
            figures.append(tokens[index])
            index += 1
        if not (code or name or figures):
            break
        segments.append(Segment(code, " ".join(name), tuple(figures)))
    return seq, segments


# --- the table ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Rebuilt:
    header: list[Row]
    body: list[Row]
    warnings: list[ParseWarning]


@dataclass(frozen=True)
class _Part:
    seq: int | None
    code: int | None
    name: int | None
    amounts: list[int]


def _parts(paths: list[tuple[str, ...]]) -> list[_Part]:
    """Columns by role; a key column after amounts starts the next part (two-sided tables)."""
    parts: list[_Part] = []
    seq: int | None = None
    # The part being read: its code and name columns and its amount columns.
    code: int | None = None
    name: int | None = None
    amounts: list[int] = []
    for column, path in enumerate(paths):
        label = path[-1]
        if _SEQ.match(label):
            seq = column
            continue
        is_key = _CODE.search(label) or _NAME.search(label)
        if is_key and amounts:
            parts.append(_Part(seq, code, name, amounts))
            code, name, amounts = None, None, []
        if is_key and _CODE.search(label) and not _NAME.search(label):
            if code is None:
                code = column
        elif is_key:
            if name is None:
                name = column
        else:
            amounts.append(column)
    parts.append(_Part(seq, code, name, amounts))
    return parts


def _label_of(paths: list[tuple[str, ...]], column: int) -> str:
    return "/".join(paths[column])


@dataclass(frozen=True)
class _Figures:
    """One part of one row whose figures await their columns."""

    row: int  # index into the body
    part: _Part
    code: str
    is_total: bool
    choice: RowChoice


def rebuild(
    header: list[Row],
    body: list[Row],
    lines: Lines,
    bounds: Sequence[Bound] = (),
    yuan_per_unit: Decimal = Decimal(10000),
) -> Rebuilt:
    """A single-space table's header and body as positional rows, figures placed by the identities.

    ``bounds`` (from ``extract.evidence``) narrow a row's placements where
    they fit it; ``yuan_per_unit`` converts the table's printed figures to them.
    """
    header_lines = [header_cells([c for c in row.cells if c]) for row in header if not is_column_number_row(row.cells)]
    nodes = header_tree(header_lines)
    paths = _leaf_paths(nodes)
    if not paths:
        return Rebuilt(header, body, [ParseWarning(lines, "single-space table without a header: its columns cannot be read")])
    width = len(paths)
    parts = _parts(paths)
    rules = identities(nodes, {leaf: leaf for leaf in range(width)})
    seq_column = parts[0].seq
    has_seq = seq_column is not None
    has_code = any(part.code is not None for part in parts)
    warnings: list[ParseWarning] = []
    cells_of: list[list[str]] = []
    pending: list[_Figures] = []
    half = half_unit([cell for row in body for cell in row.cells])
    for index, row in enumerate(body):
        cells = [""] * width
        cells_of.append(cells)
        seq, segments = row_segments([c for c in row.cells if c], has_seq, has_code)
        if seq_column is not None and seq:
            cells[seq_column] = seq
        assigned = _assign_parts(segments, parts)
        if assigned is None:
            warnings.append(_row_warning(row, f"expected at most {len(parts)} parts (key and figures) in a row, found {len(segments)}; row not read"))
            continue
        for part, segment in assigned:
            _fill_keys(cells, part, segment)
            if not segment.figures:
                continue
            unreadable = [f for f in segment.figures if is_unreadable(f)]
            if unreadable and len(segment.figures) != len(part.amounts):
                warnings.append(
                    _row_warning(row, (f"figure {unreadable[0]!r} cannot be read as a number, so the row's figures ({' '.join(segment.figures)}) cannot be placed by the identities; left out"))
                )
                continue
            part_rules = [rule for rule in rules if rule.total in part.amounts]
            covered = {c for rule in part_rules for c in (rule.total, *(c for group in rule.parts for c in group))}
            if len(segment.figures) < len(part.amounts) and not covered >= set(part.amounts):
                # A column no identity constrains (数量, 单价) could take any figure: no placement is safe.
                free = ", ".join("/".join(paths[c]) for c in part.amounts if c not in covered)
                warnings.append(_row_warning(row, (f"{len(segment.figures)} figures ({' '.join(segment.figures)}) for {len(part.amounts)} columns, and no identity constrains {free}; left out")))
                continue
            options = row_options(segment.figures, part.amounts, part_rules, half)
            if not options:
                reason = "too many ways to place them" if options is None else "no placement the identities allow"
                warnings.append(_row_warning(row, f"{len(segment.figures)} figures ({' '.join(segment.figures)}) for {len(part.amounts)} columns: {reason}; left out"))
                continue
            is_total = not segment.code and bool(_TOTAL_ROW.match(segment.name.replace(" ", "")))
            pending.append(_Figures(index, part, segment.code, is_total, RowChoice(segment.figures, tuple(options))))
    if bounds:
        meanings = [column_meaning(list(path)) for path in paths]
        pending = [_bounded(f, bounds, meanings, yuan_per_unit, half) for f in pending]
    by_identity = _place(pending, parts, cells_of, body, paths, warnings, half)
    rows = [Row(tuple(cells), row.line, starts_page=row.starts_page) for cells, row in zip(cells_of, body)]
    if by_identity:
        warnings.append(ParseWarning(lines, _identity_note(by_identity, rules, paths)))
    first = header[0].line if header else lines.first
    return Rebuilt(positional_header(nodes, first), rows, warnings)


def _bounded(figures: _Figures, bounds: Sequence[Bound], meanings: list[str], yuan_per_unit: Decimal, half: Decimal) -> _Figures:
    """The row's placements that every bound on its cells admits (all of them when none does)."""
    key = figures.code or (TOTAL_ROW if figures.is_total else None)
    applying = [b for b in bounds if b.row == EVERY_ROW or (key is not None and b.row == key)]
    applying = [b for b in applying if any(meanings[c] == b.meaning for c in figures.part.amounts)]
    if not applying:
        return figures
    slack = 4 * half * yuan_per_unit  # the other figures were printed rounded too

    def keep(values: dict[int, Decimal]) -> bool:
        for bound in applying:
            value = sum((v for c, v in values.items() if meanings[c] == bound.meaning), Decimal(0))
            if not bound.admits(value * yuan_per_unit, slack):
                return False
        return True

    return replace(figures, choice=figures.choice.narrowed(keep))


def _row_warning(row: Row, message: str) -> ParseWarning:
    return ParseWarning(Lines(row.line, row.line), message)


def _hierarchy(pending: list[_Figures]) -> dict[int, int]:
    """Which pending row each row's code sums into: 项 -> 款 -> 类 -> the 合计 row."""
    by_code: dict[str, int] = {}
    total: int | None = None
    for index, figures in enumerate(pending):
        if figures.code:
            by_code.setdefault(figures.code, index)
        elif figures.is_total and total is None:
            total = index
    parent_of: dict[int, int] = {}
    for code, index in by_code.items():
        if len(code) > 3 and code[:-2] in by_code:
            parent_of[index] = by_code[code[:-2]]
        elif len(code) == 3 and total is not None:
            parent_of[index] = total
    return parent_of


def _place(
    pending: list[_Figures],
    parts: list[_Part],
    cells_of: list[list[str]],
    body: list[Row],
    paths: list[tuple[str, ...]],
    warnings: list[ParseWarning],
    half: Decimal,
) -> int:
    """Fill in the figures; returns how many rows needed the identities."""
    open_: list[set[tuple[int, ...]]] = [set(f.choice.options) for f in pending]
    if len(parts) == 1:
        open_ = resolve([f.choice for f in pending], _hierarchy(pending), parts[0].amounts, half)
    by_identity = 0
    for figures, options in zip(pending, open_):
        placement = settle(figures.choice.figures, options)
        cells = cells_of[figures.row]
        for column, figure in placement.columns.items():
            cells[column] = figure
        if len(figures.choice.figures) < len(figures.part.amounts):
            by_identity += 1
        for figure, columns in placement.unplaced:
            labels = ", ".join("/".join(paths[c]) for c in columns)
            warnings.append(_row_warning(body[figures.row], f"figure {figure} could be in any of {labels} (blank cells dropped); left out"))
    return by_identity


def _identity_note(rows: int, rules: list[Identity], paths: list[tuple[str, ...]]) -> str:
    def label(columns: tuple[int, ...]) -> str:
        names = ["/".join(paths[c]) for c in columns]
        return names[0] if len(names) == 1 else "(" + " + ".join(names) + ")"

    sums = "; ".join(f"{label((rule.total,))} = " + " + ".join(label(part) for part in rule.parts) for rule in rules)
    return (
        "cells separated by single spaces with blank cells dropped: the figures of "
        f"{rows} rows were placed in their columns by the identities {sums or '(none)'} "
        "and the code hierarchy (类 = Σ 款, 款 = Σ 项, 合计 = Σ 类, in every column)"
    )


def _assign_parts(segments: list[Segment], parts: list[_Part]) -> list[tuple[_Part, Segment]] | None:
    """Which part each segment belongs to; in a two-sided row with one side blank, by its words."""
    segments = [s for s in segments if s.code or s.name or s.figures]
    if len(segments) > len(parts):
        return None
    if len(segments) == len(parts) or len(parts) == 1:
        return list(zip(parts, segments))
    # One side of a two-sided row is blank: the expenditure side names 支出 or a code.
    assigned: list[tuple[_Part, Segment]] = []
    for segment in segments:
        name = segment.name.replace(" ", "")  # wrapped: "二十、住房保障支 出"
        index = 1 if (segment.code or "支出" in name or "结余" in name and "年终" in name) else 0
        assigned.append((parts[min(index, len(parts) - 1)], segment))
    return assigned


def _fill_keys(cells: list[str], part: _Part, segment: Segment) -> None:
    if part.code is not None and segment.code:
        cells[part.code] = segment.code
        name = segment.name
    else:
        name = (segment.code + " " + segment.name).strip()
    if part.name is not None:
        cells[part.name] = name
    elif part.code is not None and name:
        cells[part.code] = (cells[part.code] + " " + name).strip()
