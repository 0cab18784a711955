"""A corpus generator: many realistic documents, for scale tests and benchmarks.

``budgetkg generate --units N --years Y --out DIR [--seed S] [--errors RATE]``
writes one document per unit and year through ``kg.corpus``: every layout
family, varied units and regions, codes drawn from the classification, a
unit's codes and amounts carried across years with plausible changes,
arithmetic that holds, page breaks, wrapped names, split code columns and
thousands separators. With ``--errors`` a share of the documents gets one
injected error each (a figure changed, a row removed, a code altered, a pair
of grades swapped), listed with its line in ``manifest.json`` so validation
can be tested against known answers. The same seed gives the same corpus.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

from kg.corpus import CODE_NAMES, DocumentSpec, Indicator, LeafLine, ProjectSpec, render

_CENT = Decimal("0.01")

# (kind of unit, the leaf codes it may spend on, which of them carry project money)
_UNIT_KINDS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("镇人民政府", ("2010301", "2010302", "2080505", "2080501", "2101101", "2120501", "2130126", "2130705", "2210201", "2240106"),
     ("2010302", "2120501", "2130126", "2130705", "2240106")),
    ("教育局", ("2050101", "2050201", "2050202", "2050203", "2080505", "2080506", "2101102", "2210201"),
     ("2050201", "2050202", "2050203")),
    ("人力资源和社会保障局", ("2080101", "2080199", "2080505", "2080506", "2080704", "2101101", "2210201"),
     ("2080199", "2080704")),
    ("卫生健康委员会", ("2010350", "2100409", "2080505", "2101102", "2210201", "2081002"), ("2100409", "2081002")),
    ("公安分局", ("2040201", "2040219", "2080505", "2101101", "2210201"), ("2040219",)),
    ("农业农村局", ("2130104", "2130126", "2080505", "2101102", "2110302", "2210201"), ("2130126", "2110302")),
    ("住房和城乡建设局", ("2120201", "2120501", "2080505", "2101101", "2210201"), ("2120201", "2120501")),
    ("文化广电和旅游局", ("2070109", "2080505", "2101101", "2210201"), ("2070109",)),
)
_REGIONS: tuple[tuple[str, str], ...] = (
    ("河北省", "石家庄市鹿泉区"), ("河北省", "承德市双桥区"), ("河北省", "保定市莲池区"), ("山西省", "太原市小店区"),
    ("河南省", "洛阳市西工区"), ("四川省", "绵阳市涪城区"), ("新疆维吾尔自治区", "巴音郭楞蒙古自治州轮台县"),
    ("湖南省", "株洲市芦淞区"), ("江西省", "赣州市章贡区"), ("甘肃省", "天水市秦州区"),
)
_TOWNS = ("青山", "河湾", "石桥", "柳林", "东关", "南庄", "北塘", "西岭", "龙泉", "白沙", "杏园", "松岗")
_BASIC_ONLY = {"2080505", "2080506", "2080501", "2101101", "2101102", "2210201", "2040201", "2050101", "2080101",
               "2010301", "2010350", "2130104"}
_INDICATORS = (
    Indicator("产出指标", "数量指标", "服务对象人数", "≥{n}人"),
    Indicator("产出指标", "质量指标", "工作完成合格率", "≥95%"),
    Indicator("产出指标", "时效指标", "资金拨付及时率", "100%"),
    Indicator("产出指标", "成本指标", "项目成本控制", "≤{amount}万元"),
    Indicator("效益指标", "社会效益指标", "群众满意度", "≥90%"),
)
ERROR_KINDS = ("figure_changed", "row_removed", "code_altered", "grades_swapped")


@dataclass(frozen=True)
class InjectedError:
    document: str
    kind: str
    line: int
    detail: str


def _money(rng: random.Random, low: int, high: int) -> Decimal:
    return (Decimal(rng.randint(low * 100, high * 100)) / 100).quantize(_CENT)


def _first_year(rng: random.Random, index: int, year: int) -> DocumentSpec:
    kind, codes, project_codes = _UNIT_KINDS[index % len(_UNIT_KINDS)]
    province, place = _REGIONS[rng.randrange(len(_REGIONS))]
    town = _TOWNS[index % len(_TOWNS)] + ("" if index < len(_TOWNS) else str(index // len(_TOWNS)))
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
        indicators = tuple(
            replace(i, target=i.target.format(n=20 + number * 7, amount=f"{leaf.project:.2f}")) for i in _INDICATORS
        )
        projects.append(
            ProjectSpec(f"{spec.unit_code}{spec.year % 100:02d}P{number + 1:04d}", f"{CODE_NAMES[leaf.code]}项目", leaf.project, indicators)
        )
    return replace(spec, projects=tuple(projects), file_name=f"{spec.unit_code}_{spec.year}")


def _next_year(rng: random.Random, spec: DocumentSpec) -> DocumentSpec:
    def evolve(value: Decimal) -> Decimal:
        return (value * Decimal(str(round(rng.uniform(0.9, 1.15), 3)))).quantize(_CENT) if value else value

    leaves = tuple(LeafLine(l.code, evolve(l.basic), evolve(l.project)) for l in spec.leaves)
    previous = sum((l.total for l in spec.leaves), Decimal(0))
    return replace(spec, year=spec.year + 1, leaves=leaves, previous_total=previous, vehicles=evolve(spec.vehicles))


def _inject(rng: random.Random, name: str, text: str, anchors: dict[tuple[str, str], int]) -> tuple[str, InjectedError]:
    lines = text.split("\n")
    kinds = [k for k in ERROR_KINDS if k != "grades_swapped" or any(a[0] == "grades" for a in anchors)]
    kind = rng.choice(kinds)
    if kind == "grades_swapped":
        key = rng.choice(sorted(a for a in anchors if a[0] == "grades"))
        line = anchors[key]
        cells = lines[line - 1].split("\t") if "\t" in lines[line - 1] else lines[line - 1].split(" | ")
        cells[-4], cells[-1] = cells[-1], cells[-4]  # 优 <-> 差
        joiner = "\t" if "\t" in lines[line - 1] else " | "
        lines[line - 1] = joiner.join(cells)
        return "\n".join(lines), InjectedError(name, kind, line, "优 and 差 thresholds swapped")
    leaf_anchors = sorted(a for a in anchors if a[0] == "expenditure" and len(a[1]) == 7)
    key = rng.choice(leaf_anchors)
    line = anchors[key]
    original = lines[line - 1]
    if kind == "row_removed":
        del lines[line - 1]
        return "\n".join(lines), InjectedError(name, kind, line, f"row of {key[1]} removed: {original}")
    if kind == "code_altered":
        altered = key[1][:5] + ("98" if key[1][5:] != "98" else "97")
        lines[line - 1] = original.replace(key[1], altered, 1) if key[1] in original else original.replace(
            key[1][5:7], altered[5:7], 1)
        return "\n".join(lines), InjectedError(name, kind, line, f"code {key[1]} printed as {altered}")
    # figure_changed: the row's first figure grows by 1.00 万元, so its parent no longer sums.
    for token in original.replace("|", " ").replace("\t", " ").split():
        if "." in token and token.replace(",", "").replace(".", "").isdigit():
            value = Decimal(token.replace(",", "")) + 1
            lines[line - 1] = original.replace(token, f"{value:.2f}", 1)
            return "\n".join(lines), InjectedError(name, kind, line, f"{key[1]} total {token} printed as {value:.2f}")
    return text, InjectedError(name, "none", line, "no figure to change")


def generate(units: int, years: int, out: Path, *, seed: int = 0, errors: float = 0.0, first_year: int = 2022) -> list[Path]:
    if units < 1 or years < 1:
        raise ValueError("expected at least one unit and one year")
    if not 0.0 <= errors <= 1.0:
        raise ValueError(f"expected --errors between 0 and 1, got {errors}")
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
            rendered = render(spec)
            text = rendered.text
            if error_rng.random() < errors:
                text, error = _inject(error_rng, f"{spec.file_name}.txt", text, rendered.anchors)
                injected.append(error)
            path = out / f"{spec.file_name}.txt"
            path.write_text(text, encoding="utf-8")
            written.append(path)
            spec = _next_year(rng, spec)
    manifest = {
        "seed": seed,
        "units": units,
        "years": years,
        "error_rate": errors,
        "documents": [p.name for p in written],
        "errors": [e.__dict__ for e in injected],
    }
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return written
