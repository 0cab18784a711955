"""The example documents the project ships, so its main command runs on a fresh clone.

One per layout family (markdown pipes, TAB rows, space-separated cells), each
a small consistent budget of a fictional unit written by ``kg.corpus``.
``budgetkg examples --out examples`` rewrites ``examples/``; a test checks the
committed files are what this module writes.
"""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

from kg.corpus import DocumentSpec, Indicator, LeafLine, ProjectSpec, render

_INDICATORS = (
    Indicator("产出指标", "数量指标", "服务对象人数", "≥120人"),
    Indicator("产出指标", "时效指标", "资金拨付及时率", "100%"),
    Indicator("效益指标", "社会效益指标", "群众满意度", "≥95%"),
)

EXAMPLES: tuple[DocumentSpec, ...] = (
    DocumentSpec(
        "example_markdown_township",
        "示例县青山镇人民政府",
        "901001",
        2024,
        "markdown",
        (
            LeafLine("2010301", D("210.50"), D("0")),
            LeafLine("2010302", D("0"), D("45.00")),
            LeafLine("2080505", D("32.16"), D("0")),
            LeafLine("2130126", D("0"), D("120.00")),
            LeafLine("2210201", D("18.40"), D("0")),
        ),
        vehicles=D("3.20"),
        reception=D("0.80"),
        government_fund=D("20.00"),
        vehicles_held=3,
        projects=(
            ProjectSpec("90100124P0001", "乡村公益事业", D("120.00"), _INDICATORS),
            ProjectSpec("90100124P0002", "镇村综合治理", D("45.00"), _INDICATORS[1:]),
        ),
        graded_activities=True,
    ),
    DocumentSpec(
        "example_tab_bureau",
        "示例市河湾区教育局",
        "902015",
        2024,
        "tab",
        (
            LeafLine("2050101", D("188.20"), D("0")),
            LeafLine("2050202", D("1204.35"), D("310.00")),
            LeafLine("2080505", D("96.42"), D("0")),
            LeafLine("2080506", D("48.21"), D("0")),
            LeafLine("2101101", D("40.10"), D("0")),
            LeafLine("2210201", D("72.30"), D("0")),
        ),
        vehicles=D("6.00"),
        reception=D("1.50"),
        scope="unit",
        thousands=True,
        wrap_names=True,
        rows_per_page=8,
        previous_total=D("1900.00"),
        projects=(ProjectSpec("90201524P0007", "小学教育质量提升", D("310.00"), _INDICATORS),),
    ),
    DocumentSpec(
        "example_spaces_county",
        "示例县人力资源和社会保障局",
        "903007",
        2023,
        "spaces",
        (
            LeafLine("2080101", D("150.75"), D("0")),
            LeafLine("2080199", D("0"), D("60.00")),
            LeafLine("2080505", D("20.12"), D("0")),
            LeafLine("2080704", D("0"), D("800.00")),
            LeafLine("2210201", D("15.09"), D("0")),
        ),
        vehicles=D("2.64"),
        reception=D("0.13"),
        split_codes=True,
        rows_per_page=6,
        projects=(ProjectSpec("90300723P0011", "就业补贴资金", D("800.00"), _INDICATORS),),
    ),
)


def write_examples(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for spec in EXAMPLES:
        path = out / f"{spec.file_name}.txt"
        path.write_text(render(spec).text, encoding="utf-8")
        written.append(path)
    return written
