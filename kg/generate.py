"""A corpus generator: many realistic documents, for scale tests and benchmarks.

``budgetkg generate --units N --years Y --out DIR [--seed S] [--errors RATE] [--format text|pdf|both]``
writes one document per unit and year through ``kg.corpus``: every layout
family, varied units and regions, codes drawn from the classification, a
unit's codes and amounts carried across years with plausible changes,
arithmetic that holds, page breaks, wrapped names, split code columns and
thousands separators. ``--format pdf`` draws the same documents as PDFs
(``kg.pdf_writer``; about 0.9 s a document here, against 0.07 s for text),
each with its own PDF style (元 or 万元 tables, split codes) drawn from a
stream of its own, so the text corpus of a seed is the same whether PDFs are
asked for or not. With ``--errors`` a share of the documents gets one
injected error each (a figure changed, a row removed, a code altered, a pair
of grades swapped), made in the document model so that the text and the PDF
carry the same error, and listed in ``manifest.json`` with its line in the
text and its page in the PDF, so validation can be tested against known
answers. The same seed gives the same corpus.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from decimal import Decimal
from pathlib import Path

from kg.corpus import (
    CODE_NAMES,
    ActualLine,
    Anchor,
    Block,
    Cell,
    DocumentSpec,
    Indicator,
    LeafLine,
    Money,
    Name,
    ProjectSpec,
    Table,
    TableRow,
    compose,
    compose_final_accounts,
    render_blocks,
)
from kg.pdf_writer import FONT, PdfStyle, lay_out, write_pdf

_CENT = Decimal("0.01")

# (kind of unit, the leaf codes it may spend on, which of them carry project money)
_UNIT_KINDS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("镇人民政府", ("2010301", "2010302", "2080505", "2080501", "2101101", "2120501", "2130126", "2130705", "2210201", "2240106"), ("2010302", "2120501", "2130126", "2130705", "2240106")),
    ("教育局", ("2050101", "2050201", "2050202", "2050203", "2080505", "2080506", "2101102", "2210201"), ("2050201", "2050202", "2050203")),
    ("人力资源和社会保障局", ("2080101", "2080199", "2080505", "2080506", "2080704", "2101101", "2210201"), ("2080199", "2080704")),
    ("卫生健康委员会", ("2010350", "2100409", "2080505", "2101102", "2210201", "2081002"), ("2100409", "2081002")),
    ("公安分局", ("2040201", "2040219", "2080505", "2101101", "2210201"), ("2040219",)),
    ("农业农村局", ("2130104", "2130126", "2080505", "2101102", "2110302", "2210201"), ("2130126", "2110302")),
    ("住房和城乡建设局", ("2120201", "2120501", "2080505", "2101101", "2210201"), ("2120201", "2120501")),
    ("文化广电和旅游局", ("2070109", "2080505", "2101101", "2210201"), ("2070109",)),
)
_REGIONS: tuple[tuple[str, str], ...] = (
    ("河北省", "石家庄市鹿泉区"),
    ("河北省", "承德市双桥区"),
    ("河北省", "保定市莲池区"),
    ("山西省", "太原市小店区"),
    ("河南省", "洛阳市西工区"),
    ("四川省", "绵阳市涪城区"),
    ("新疆维吾尔自治区", "巴音郭楞蒙古自治州轮台县"),
    ("湖南省", "株洲市芦淞区"),
    ("江西省", "赣州市章贡区"),
    ("甘肃省", "天水市秦州区"),
)
_TOWNS = ("青山", "河湾", "石桥", "柳林", "东关", "南庄", "北塘", "西岭", "龙泉", "白沙", "杏园", "松岗")
_CJK_DIGITS = str.maketrans("0123456789", "零一二三四五六七八九")
_BASIC_ONLY = {"2080505", "2080506", "2080501", "2101101", "2101102", "2210201", "2040201", "2050101", "2080101", "2010301", "2010350", "2130104"}
_INDICATORS = (
    Indicator("产出指标", "数量指标", "服务对象人数", "≥{n}人"),
    Indicator("产出指标", "质量指标", "工作完成合格率", "≥95%"),
    Indicator("产出指标", "时效指标", "资金拨付及时率", "100%"),
    Indicator("产出指标", "成本指标", "项目成本控制", "≤{amount}万元"),
    Indicator("效益指标", "社会效益指标", "群众满意度", "≥90%"),
)
ERROR_KINDS = ("figure_changed", "row_removed", "code_altered", "grades_swapped")
FORMATS = ("text", "pdf", "both")


@dataclass(frozen=True)
class InjectedError:
    """One injected error, where it is printed: a line of the text, a page of the PDF."""

    document: str
    kind: str
    line: int | None
    detail: str
    page: int | None = None


@dataclass(frozen=True)
class _Mutation:
    blocks: tuple[Block, ...]
    kind: str
    anchor: Anchor
    detail: str


def _money(rng: random.Random, low: int, high: int) -> Decimal:
    return (Decimal(rng.randint(low * 100, high * 100)) / 100).quantize(_CENT)


def _first_year(rng: random.Random, index: int, year: int) -> DocumentSpec:
    kind, codes, project_codes = _UNIT_KINDS[index % len(_UNIT_KINDS)]
    province, place = _REGIONS[rng.randrange(len(_REGIONS))]
    # Past the list, a Chinese-numeral suffix: an ASCII digit inside a unit name is nothing a disclosure prints.
    town = _TOWNS[index % len(_TOWNS)] + ("" if index < len(_TOWNS) else str(index // len(_TOWNS)).translate(_CJK_DIGITS))
    # A town name keeps units of the same kind in one place apart.
    unit = f"{place}{kind}" if kind != "镇人民政府" and index < len(_UNIT_KINDS) else f"{place}{town}{kind}"
    chosen = sorted(set(rng.sample(codes, k=max(3, len(codes) - rng.randint(0, 2)))))
    leaves = []
    for code in chosen:
        basic = Decimal(0) if code in project_codes and code not in _BASIC_ONLY else _money(rng, 5, 900)
        project = _money(rng, 10, 1500) if code in project_codes else Decimal(0)
        if basic == 0 and project == 0:
            basic = _money(rng, 5, 200)
        leaves.append(LeafLine(code, basic, project))
    layout = ("markdown", "tab", "spaces")[index % 3]
    return DocumentSpec(
        file_name="",
        unit=unit,
        unit_code=f"{900000 + index:06d}",
        year=year,
        layout=layout,
        leaves=tuple(leaves),
        vehicles=_money(rng, 1, 12),
        reception=_money(rng, 0, 3),
        vehicles_held=rng.randint(0, 8),
        scope="department" if kind == "镇人民政府" or rng.random() < 0.5 else "unit",
        region_note=f"按照《{province}预算公开办法》规定，现将预算公开如下。",
        split_codes=layout != "markdown" and rng.random() < 0.3,
        thousands=rng.random() < 0.3,
        wrap_names=rng.random() < 0.3,
        rows_per_page=rng.randint(6, 15),
        graded_activities=kind == "镇人民政府",
    )


def _with_projects(spec: DocumentSpec) -> DocumentSpec:
    projects = []
    for number, leaf in enumerate(l for l in spec.leaves if l.project > 0):
        indicators = tuple(replace(i, target=i.target.format(n=20 + number * 7, amount=f"{leaf.project:.2f}")) for i in _INDICATORS)
        projects.append(ProjectSpec(f"{spec.unit_code}{spec.year % 100:02d}P{number + 1:04d}", f"{CODE_NAMES[leaf.code]}项目", leaf.project, indicators))
    return replace(spec, projects=tuple(projects), file_name=f"{spec.unit_code}_{spec.year}")


def _next_year(rng: random.Random, spec: DocumentSpec) -> DocumentSpec:
    def evolve(value: Decimal) -> Decimal:
        return (value * Decimal(str(round(rng.uniform(0.9, 1.15), 3)))).quantize(_CENT) if value else value

    leaves = tuple(LeafLine(l.code, evolve(l.basic), evolve(l.project)) for l in spec.leaves)
    previous = sum((l.total for l in spec.leaves), Decimal(0))
    return replace(spec, year=spec.year + 1, leaves=leaves, previous_total=previous, vehicles=evolve(spec.vehicles))


def _change_row(blocks: tuple[Block, ...], anchor: Anchor, change: Callable[[TableRow], TableRow | None]) -> tuple[Block, ...]:
    """The blocks with the row of ``anchor`` changed (or removed, when ``change`` gives None)."""
    changed: list[Block] = []
    for block in blocks:
        if isinstance(block, Table) and any(row.anchor == anchor for row in block.rows):
            rows = (change(row) if row.anchor == anchor else row for row in block.rows)
            block = replace(block, rows=tuple(row for row in rows if row is not None))
        changed.append(block)
    return tuple(changed)


def _printed(cell: Cell) -> str:
    return f"{cell.value:.2f}" if isinstance(cell, Money) else cell.text if isinstance(cell, Name) else cell


def _inject(rng: random.Random, blocks: tuple[Block, ...]) -> _Mutation:
    """One error in the document model, so that every format prints the same error."""
    anchors = [row.anchor for block in blocks if isinstance(block, Table) for row in block.rows if row.anchor]
    kinds = [k for k in ERROR_KINDS if k != "grades_swapped" or any(a[0] == "grades" for a in anchors)]
    kind = rng.choice(kinds)
    if kind == "grades_swapped":
        anchor = rng.choice(sorted(a for a in anchors if a[0] == "grades"))

        def swap(row: TableRow) -> TableRow:
            cells = list(row.cells)
            cells[-4], cells[-1] = cells[-1], cells[-4]  # 优 <-> 差
            return replace(row, cells=tuple(cells))

        return _Mutation(_change_row(blocks, anchor, swap), kind, anchor, "优 and 差 thresholds swapped")
    anchor = rng.choice(sorted(a for a in anchors if a[0] == "expenditure" and len(a[1]) == 7))
    code = anchor[1]
    if kind == "row_removed":
        return _Mutation(_change_row(blocks, anchor, lambda row: None), kind, anchor, f"row of {code} removed")
    if kind == "code_altered":
        altered = code[:5] + ("98" if code[5:] != "98" else "97")
        return _Mutation(
            _change_row(blocks, anchor, lambda row: replace(row, cells=(altered, *row.cells[1:]))),
            kind,
            anchor,
            f"code {code} printed as {altered}",
        )
    # figure_changed: the row's total grows by 1.00 万元, so its parent no longer sums.
    total = next(c for c in _row_of(blocks, anchor).cells if isinstance(c, Money))

    def grow(row: TableRow) -> TableRow:
        return replace(row, cells=tuple(Money(c.value + 1) if c is total else c for c in row.cells))

    return _Mutation(_change_row(blocks, anchor, grow), kind, anchor, f"{code} total {_printed(total)} 万元 printed as {total.value + 1:.2f}")


def _row_of(blocks: tuple[Block, ...], anchor: Anchor) -> TableRow:
    return next(row for block in blocks if isinstance(block, Table) for row in block.rows if row.anchor == anchor)


def _pdf_style(seed: int, name: str) -> PdfStyle:
    # Its own stream, so that asking for PDFs does not change the text corpus of a seed.
    rng = random.Random(f"pdf-{seed}-{name}")
    return PdfStyle(yuan=rng.random() < 0.5, split_codes=rng.random() < 0.4)


@dataclass(frozen=True)
class _Written:
    paths: tuple[Path, ...]
    errors: tuple[InjectedError, ...]


def _write_document(spec: DocumentSpec, out: Path, fmt: str, seed: int, error_rng: random.Random, errors: float, font: Path) -> _Written:
    clean = compose(spec)
    mutation = _inject(error_rng, clean) if error_rng.random() < errors else None
    blocks = mutation.blocks if mutation else clean
    paths: list[Path] = []
    injected: list[InjectedError] = []
    if fmt in ("text", "both"):
        path = out / f"{spec.file_name}.txt"
        path.write_text(render_blocks(spec, blocks).text, encoding="utf-8")
        paths.append(path)
        if mutation:
            # The clean text's line: a removed row is missing where it was.
            line = render_blocks(spec, clean).anchors[mutation.anchor]
            injected.append(InjectedError(path.name, mutation.kind, line, mutation.detail))
    if fmt in ("pdf", "both"):
        path = out / f"{spec.file_name}.pdf"
        style = _pdf_style(seed, spec.file_name)
        rendered = write_pdf(path, spec, blocks, style, font)
        paths.append(path)
        if mutation:
            anchors = lay_out(spec, clean, style, font).anchors if mutation.kind == "row_removed" else rendered.anchors
            injected.append(InjectedError(path.name, mutation.kind, None, mutation.detail, anchors[mutation.anchor]))
    return _Written(tuple(paths), tuple(injected))


def _actuals(seed: int, spec: DocumentSpec) -> tuple[ActualLine, ...]:
    """What each 项 of a budget became: basic money nearly all spent, projects anywhere from 60% to 105%.

    Its own stream, so asking for final accounts does not change the budgets of a seed.
    """
    rng = random.Random(f"final-{seed}-{spec.unit}-{spec.year}")
    lines = []
    for leaf in spec.leaves:
        adjusted = (leaf.total * Decimal(rng.uniform(0.95, 1.08))).quantize(_CENT)
        basic = (leaf.basic * Decimal(rng.uniform(0.93, 1.0))).quantize(_CENT)
        project = (leaf.project * Decimal(rng.uniform(0.6, 1.05))).quantize(_CENT)
        lines.append(ActualLine(leaf.code, adjusted, basic, project))
    return tuple(lines)


def _write_final_accounts(spec: DocumentSpec, out: Path, fmt: str, seed: int, font: Path) -> tuple[Path, ...]:
    """The 决算 of ``spec``'s unit and year, beside its budget (``…_决算``), so the two link."""
    final = replace(spec, file_name=f"{spec.file_name}_决算")
    blocks = compose_final_accounts(spec, _actuals(seed, spec))
    paths: list[Path] = []
    if fmt in ("text", "both"):
        path = out / f"{final.file_name}.txt"
        path.write_text(render_blocks(final, blocks).text, encoding="utf-8")
        paths.append(path)
    if fmt in ("pdf", "both"):
        path = out / f"{final.file_name}.pdf"
        write_pdf(path, final, blocks, _pdf_style(seed, final.file_name), font)
        paths.append(path)
    return tuple(paths)


def generate(units: int, years: int, out: Path, *, seed: int = 0, errors: float = 0.0, first_year: int = 2022, fmt: str = "text", font: Path = FONT, final_accounts: bool = False) -> list[Path]:
    """Write the corpus and its manifest; ``fmt`` is text, pdf or both (one .txt and one .pdf per document).

    With ``final_accounts`` each budget gets its 决算 beside it (same unit and year).
    """
    if units < 1 or years < 1:
        raise ValueError("expected at least one unit and one year")
    if not 0.0 <= errors <= 1.0:
        raise ValueError(f"expected --errors between 0 and 1, got {errors}")
    if fmt not in FORMATS:
        raise ValueError(f"expected --format text, pdf or both, got {fmt}")
    rng = random.Random(seed)
    # Errors draw from their own stream, so a corpus with errors is the clean one plus the errors.
    error_rng = random.Random(f"errors-{seed}")
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    injected: list[InjectedError] = []
    for index in range(units):
        spec = _first_year(rng, index, first_year)
        for _ in range(years):
            spec = _with_projects(spec)
            document = _write_document(spec, out, fmt, seed, error_rng, errors, font)
            written.extend(document.paths)
            injected.extend(document.errors)
            if final_accounts:
                written.extend(_write_final_accounts(spec, out, fmt, seed, font))
            spec = _next_year(rng, spec)
    manifest = {
        "seed": seed,
        "units": units,
        "years": years,
        "error_rate": errors,
        "format": fmt,
        "documents": [p.name for p in written],
        "errors": [asdict(e) for e in injected],
    }
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return written
