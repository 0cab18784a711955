"""Organisation and staffing tables: seeds and the staffing sub-header."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from kg.extract.organisation import extract_bodies
from kg.readers.text import read_source, source_from_bytes
from kg.records import Body, Lines, TableKind
from kg.tables import find_tables

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
KINDS = (TableKind.organisation, TableKind.staffing)


def _bodies(tables) -> tuple[list[Body], list]:
    bodies, warnings = [], []
    for table in tables:
        if table.kind in KINDS:
            found, problems = extract_bodies(table)
            bodies.extend(found)
            warnings.extend(problems)
    return bodies, warnings


def _seed(prefix: str) -> tuple[list[Body], list]:
    return _bodies(find_tables(read_source(next(SEEDS.glob(f"{prefix}_*.txt")))))


def test_markdown_organisation_with_a_second_block() -> None:
    bodies, warnings = _seed("000")
    assert len(bodies) == 12 and not warnings  # the repeated header of the second block is no body
    assert bodies[3] == Body("镇纪律检查委员会", Lines(24, 24), "行政", "副科级", "财政拨款")
    assert bodies[-1].name == "退役军人服务站" and bodies[-1].nature == "行政事业" and bodies[-1].rank == "股级"


def test_single_unit() -> None:
    bodies, _ = _seed("002")
    assert bodies == [Body("承德市公安局高新技术产业开发区分局本级", Lines(616, 616), "行政", "副处(县)级", "财政拨款")]


def test_staffing_counts_under_a_packed_sub_header() -> None:
    bodies, warnings = _seed("003")
    [town] = bodies  # the 合计 row is not a body
    assert town.name == "承德高新区上板镇人民政府" and town.lines == Lines(44, 44)
    assert town.funding == "财政拨款"
    assert town.counts == (
        ("车辆", Decimal(3)),
        ("编制人数/行政", Decimal(33)),
        ("编制人数/事业", Decimal(34)),
        ("在职人数/行政", Decimal(25)),
        ("在职人数/事业", Decimal(44)),
        ("离退人数/离休", Decimal(1)),
        ("离退人数/退休", Decimal(45)),
    )  # 退职 is blank: no count, not zero
    assert not warnings


def test_excerpt_spans_printed_as_empty_cells() -> None:
    text = """\
部门基本情况表

| 单位名称 | 单位性质 | 经费保障形式 | 编制人数 | | 在职人数 | |
|---|---|---|---|---|---|---|
| | | | 行政 | 事业 | 行政 | 事业 |
| 某某镇人民政府 | 行政 | 财政拨款 | 20 | 5 | 18 | x |
"""
    bodies, warnings = _bodies(find_tables(source_from_bytes(text.encode("utf-8"), "excerpt.txt")))
    [town] = bodies
    assert town.counts == (("编制人数/行政", Decimal(20)), ("编制人数/事业", Decimal(5)), ("在职人数/行政", Decimal(18)))
    assert [w.lines for w in warnings] == [Lines(6, 6)]  # "x" is reported, not read as a count
