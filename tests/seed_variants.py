"""The seeds as another region or another extractor would present them.

budgetkg is measured on documents of regions and templates it has never seen,
so the seeds are rewritten here the ways real documents differ (domain.md §6):
another title, other table names, no title at all, cells separated by one space
with blank cells dropped, amounts in 元 with thousands separators. Each rewrite
keeps every printed figure, so the facts read from it must be the facts read
from the original: ``facts_kept`` measures how many are.
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal

from kg.extract.document import read_document_info
from kg.parse import parse_source
from kg.readers.text import source_from_bytes
from kg.reading import SourceText
from kg.records import TableKind
from kg.tables import find_tables

# Other regions' names for the standard tables (domain.md §2, §6).
OTHER_TITLES: dict[TableKind, str] = {
    TableKind.revenue_expenditure_summary: "表1 {year}年区级部门财务收支预算总表",
    TableKind.revenue: "表2 部门收入预算表",
    TableKind.expenditure: "表3 部门支出预算表",
    TableKind.appropriation_summary: "表4 {year}年财政拨款收支预算总表",
    TableKind.general_budget_expenditure: "表5 一般公共预算支出功能分类预算表",
    TableKind.basic_expenditure: "表6 一般公共预算基本支出部门预算经济分类预算表",
    TableKind.project_expenditure: "表7 一般公共预算项目支出预算表",
    TableKind.government_fund_expenditure: "表8 政府性基金预算支出预算表",
    TableKind.state_capital_expenditure: "表9 国有资本经营预算支出预算表",
    TableKind.three_public: '表10 "三公"经费和机关运行经费预算表',
}

Fact = tuple[str, str, str, str, Decimal]  # (table kind, side, code or row label, column, yuan)


def _source(text: str, path: str = "variant.txt") -> SourceText:
    return source_from_bytes(text.encode("utf-8"), path)


def _year(text: str) -> int:
    info, _ = read_document_info(_source(text))
    assert info.fiscal_year is not None
    return info.fiscal_year


def _replace_lines(text: str, numbers: range, replacement: str | None) -> str:
    lines = text.split("\n")
    for number in numbers:
        lines[number - 1] = ""  # keep the line count: figures keep their line numbers
    if replacement is not None:
        lines[numbers.start - 1] = replacement
    return "\n".join(lines)


def retitled(text: str) -> str:
    """The document title becomes ``某区2024年区级部门预算`` (no 公开, another unit)."""
    info, _ = read_document_info(_source(text))
    title = f"某区{_year(text)}年区级部门预算"
    if info.title_lines is None:
        return f"{title}\n{text}"
    return _replace_lines(text, range(info.title_lines.first, info.title_lines.last + 1), title)


def untitled(text: str) -> str:
    """The document title line removed entirely."""
    info, _ = read_document_info(_source(text))
    assert info.title_lines is not None
    return _replace_lines(text, range(info.title_lines.first, info.title_lines.last + 1), None)


def _table_title_lines(text: str) -> dict[int, TableKind]:
    return {table.title_line: table.kind for table in find_tables(_source(text)) if table.title_line is not None and table.kind in OTHER_TITLES}


def renamed_tables(text: str) -> str:
    """Every standard table under another region's name for it."""
    year = _year(text)
    title_lines = _table_title_lines(text)
    lines = text.split("\n")
    for number, line in enumerate(lines, start=1):
        kind = next((k for n, k in title_lines.items() if lines[n - 1].strip() == line.strip() and line.strip()), None)
        if kind is not None:  # a title repeated on the next page is renamed too
            lines[number - 1] = OTHER_TITLES[kind].format(year=year)
    return "\n".join(lines)


def untitled_tables(text: str) -> str:
    """The standard tables' titles removed: the header and rows must say what they are."""
    lines = text.split("\n")
    titles = {lines[n - 1].strip() for n in _table_title_lines(text)}
    return "\n".join("" if line.strip() in titles else line for line in lines)


def single_spaced(text: str) -> str:
    """TAB rows as another extractor gives them: cells separated by one space, blank cells dropped."""
    out = []
    for line in text.split("\n"):
        if "\t" in line:
            line = " ".join(cell.strip() for cell in line.split("\t") if cell.strip())
        out.append(line)
    return "\n".join(out)


_PIPE_SEPARATOR = re.compile(r"^\s*\|?(\s*:?-{2,}:?\s*\|?)+\s*$")
_SPACE_RUN = re.compile(r"\s{2,}")


def single_spaced_any(text: str) -> str:
    """Every table row as single-space words, whatever its layout: TAB, markdown pipes or runs of spaces.

    The seeds are TAB text; the examples and generated documents print tables
    as pipes or space runs, so this is the rewrite that makes them a held-out
    test of single-space placement.
    """
    out = []
    for line in text.split("\n"):
        stripped = line.strip()
        if _PIPE_SEPARATOR.match(stripped) and "-" in stripped:
            line = ""
        elif stripped.startswith("|"):
            line = " ".join(cell.strip() for cell in stripped.strip("|").split("|") if cell.strip())
        elif "\t" in line:
            line = " ".join(cell.strip() for cell in line.split("\t") if cell.strip())
        elif len(_SPACE_RUN.split(stripped)) >= 3:
            line = " ".join(cell for cell in _SPACE_RUN.split(stripped) if cell)
        out.append(line)
    return "\n".join(out)


_WAN_YUAN = re.compile(r"单位\s*[:：]\s*万元")
_FIGURE = re.compile(r"^-?\d+(?:\.\d+)?$")


def _in_yuan(cell: str) -> str:
    value = Decimal(cell.replace(",", "")) * 10000
    return f"{value:,.2f}"


def in_yuan(text: str) -> str:
    """Every other table in 元 with thousands separators (``2,417,305,116.40``), the rest in 万元.

    Only TAB rows of tables whose unit line says 万元 are converted, with their
    unit line, so each table states its own unit (domain.md §6).
    """
    lines = text.split("\n")
    tables = [t for t in find_tables(_source(text)) if t.kind in OTHER_TITLES and t.money_unit]
    for position, table in enumerate(tables):
        if position % 2:
            continue
        for number in range(table.first_line, table.last_line + 1):
            line = lines[number - 1]
            if _WAN_YUAN.search(line) and len(line) < 40:
                lines[number - 1] = _WAN_YUAN.sub("单位：元", line)
            elif "\t" in line:
                cells = line.split("\t")
                if cells[0].strip() not in ("栏次", "档次"):
                    lines[number - 1] = "\t".join(_in_yuan(cell.strip()) if index and _is_money(cell.strip()) else cell for index, cell in enumerate(cells))
        # The unit line printed just above the table belongs to it as well.
        for number in range(max(1, table.first_line - 8), table.first_line):
            if _WAN_YUAN.search(lines[number - 1]) and len(lines[number - 1]) < 40:
                lines[number - 1] = _WAN_YUAN.sub("单位：元", lines[number - 1])
    return "\n".join(lines)


_CODE = re.compile(r"^(?:\d{2,3}|\d{5}|\d{7})$")


def _is_money(cell: str) -> bool:
    """A printed amount: a decimal figure, or a whole one that is not a code (类/款/项 cells)."""
    return bool(_FIGURE.match(cell.replace(",", ""))) and ("." in cell or not _CODE.match(cell))


def facts(text: str, path: str = "variant.txt") -> Counter[Fact]:
    """(table kind, side, code or row label, column, amount in 元) of every money figure read."""
    document = parse_source(_source(text, path), "variant")
    kinds = {table.index: table.kind.value for table in document.tables}
    return Counter(
        (
            kinds[line.table],
            line.side.value if line.side else "",
            line.code.notation if line.code else line.row_label.replace(" ", ""),
            line.column,
            line.amount.yuan if line.amount.yuan is not None else line.amount.value,
        )
        for line in document.budget_lines
    )


def facts_kept(original: Counter[Fact], variant: Counter[Fact]) -> float:
    """The share of the original's facts that the variant yields too."""
    total = sum(original.values())
    return sum((original & variant).values()) / total if total else 1.0


REWRITES = {
    "retitled": retitled,
    "untitled": untitled,
    "renamed_tables": renamed_tables,
    "untitled_tables": untitled_tables,
    "in_yuan": in_yuan,
    "single_spaced": single_spaced,
    "all": lambda text: single_spaced(in_yuan(renamed_tables(retitled(text)))),
}


def main() -> None:
    """Print facts kept per seed and rewrite: ``.venv/bin/python tests/seed_variants.py``."""
    from pathlib import Path

    seeds = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
    totals = {name: [0, 0] for name in REWRITES}
    for path in sorted(seeds.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        original = facts(text)
        cells = []
        for name, rewrite in REWRITES.items():
            kept = sum((original & facts(rewrite(text))).values())
            totals[name][0] += kept
            totals[name][1] += sum(original.values())
            cells.append(f"{name}={facts_kept(original, facts(rewrite(text))):.3f}")
        print(path.name[:3], sum(original.values()), " ".join(cells))
    print("all seeds", " ".join(f"{name}={kept}/{total}={kept / total:.3f}" for name, (kept, total) in totals.items()))


if __name__ == "__main__":
    main()
