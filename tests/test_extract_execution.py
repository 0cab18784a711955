"""Budget-against-actual statements of a 决算's explanation, as printed (kg.extract.execution)."""

from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from kg.families import Stage
from kg.parse import parse_file, parse_source
from kg.readers.text import source_from_bytes
from kg.records import NarrativeFigure, ParsedDocument

from conftest import SHARED

CORPUS = SHARED / "corpus" / "final-accounts"


@lru_cache(maxsize=None)
def parsed(name: str) -> ParsedDocument:
    return parse_file(CORPUS / f"{name}2024年度部门决算.pdf")


def stated(document: ParsedDocument, code: str | None, kind: str = "general_budget_expenditure") -> dict[str, NarrativeFigure]:
    figures = [f for f in document.narrative if f.stage and f.kind == kind and (f.code.notation if f.code else None) == code]
    return {f.stage: f for f in figures}


def page(document: ParsedDocument, figure: NarrativeFigure) -> int:
    assert document.pages is not None
    return document.pages[figure.lines.first - 1]


def test_finance_bureau_states_budget_and_actual_for_every_item() -> None:
    document = parsed("上海市普陀区财政局")
    coded = {f.code.notation for f in document.narrative if f.code and f.share_percent is None}
    assert coded == {"2010601", "2010602", "2010607", "2010608", "2080501", "2080505", "2080506", "2080599", "2101101", "2210201", "2210203"}
    # The structure paragraph's class shares (kg.extract.class_shares), 71.73% as printed.
    shares = {f.code.notation: (f.amount.printed, f.share_percent) for f in document.narrative if f.code and f.share_percent is not None}
    assert shares == {"201": ("2106.66", Decimal("71.73")), "208": ("326.72", Decimal("11.11")), "210": ("60.99", Decimal("2.07")), "221": ("445.69", Decimal("15.16"))}
    running = stated(document, "2010601")
    assert running[Stage.initial_budget].amount.printed == "1560.05"
    assert running[Stage.final_accounts].amount.printed == "1511.89"
    assert running[Stage.final_accounts].comparison == "less" and page(document, running[Stage.initial_budget]) == 22
    # An item whose amounts come in the line after its colon ("主要用于:").
    assert stated(document, "2010602")[Stage.initial_budget].amount.value == Decimal("10.00")
    assert stated(document, "2210203")[Stage.final_accounts].comparison == "equal"
    total = stated(document, None)
    assert total[Stage.initial_budget].amount.printed == "2993.92"
    assert total[Stage.final_accounts].completion_percent == Decimal("98.20")
    three = stated(document, None, "three_public_total")
    assert three[Stage.initial_budget].amount.printed == "0.95" and three[Stage.final_accounts].completion_percent == 0


def test_a_full_year_budget_is_the_adjusted_stage_and_a_stated_rate_is_kept_as_printed() -> None:
    document = parsed("中共上海市普陀区委社会工作部")
    total = stated(document, None)
    # 年初预算为 0 万元 … 完成年初预算的 95.89%: printed so, kept so for the validator.
    assert total[Stage.initial_budget].amount.value == 0
    assert total[Stage.adjusted_budget].amount.printed == "321.02"
    assert total[Stage.final_accounts].completion_percent == Decimal("95.89")
    pension = stated(document, "2080505")
    assert pension[Stage.adjusted_budget].amount.printed == "9.00" and pension[Stage.final_accounts].amount.printed == "6.18"


def test_a_path_no_table_prints_is_kept_without_a_code_and_warned() -> None:
    document = parsed("上海市普陀区规划和自然资源局")
    warned = [w for w in document.warnings if "其他国土资源事务支出(项)" in w.message]
    assert len(warned) == 1
    uncoded = [f for f in document.narrative if f.stage and f.code is None and "其他国土资源事务支出" in f.statement]
    assert {f.amount.printed for f in uncoded} == {"45.00"}
    assert stated(document, "2120201")[Stage.final_accounts].completion_percent == Decimal("88.08")


def test_statements_are_read_from_text_too(tmp_path: Path) -> None:
    text = (
        "某某局\n2024年度部门决算\n支出决算表\n单位：万元\n科目编码\t科目名称\t合计\n"
        "2080505\t机关事业单位基本养老保险缴费支出\t98.00\n\n"
        "1、社会保障和就业支出(类)行政事业单位养老支出(款)机关事业单位基本养老保险缴费支出(项)。"
        "年初预算为100.00万元,支出决算为98.00万元,完成年初预算的98.00%。决算数大于预算数的主要原因:调整。\n"
    )
    document = parse_source(source_from_bytes(text.encode("utf-8"), str(tmp_path / "x.txt")), "x")
    figures = stated(document, "2080505")
    assert figures[Stage.initial_budget].amount.value == Decimal("100.00")
    # The stated comparison is what the text says (大于), even where the amounts say otherwise.
    assert figures[Stage.final_accounts].comparison == "greater"
