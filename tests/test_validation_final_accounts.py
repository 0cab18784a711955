"""决算 validation (shapes/final-accounts.ttl), loaded through the document's family.

Mutation style, as tests/test_validation_presentation.py: one figure or table of the real
财政局 决算 PDF is changed on its read lines (pages kept; a deleted table's lines are blanked so
that every other line keeps its number), the document parsed, mapped and validated, and the
new violation asserted at the mutated line and page; the unmutated document has none there.
The unmutated real documents are asserted whole: their violations are real text errors.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import rdflib

import mutation
from conftest import SHARED
from kg.families.final_accounts import REQUIRED_TABLES
from kg.mapping import _TABLE_CLASSES
from kg.ontology import ontology_triples
from kg.reading import SourceText
from kg.validation import Severity, ValidationReport, ValidationResult
from kg.validation.shapes import shapes_files
from kg.vocabulary import BKG

SHAPES = "https://w3id.org/budgetkg/shapes#"
CORPUS = SHARED / "corpus" / "final-accounts"
FINANCE = CORPUS / "上海市普陀区财政局2024年度部门决算.pdf"
PLANNING = CORPUS / "上海市普陀区规划和自然资源局2024年度部门决算.pdf"
SOCIAL = CORPUS / "中共上海市普陀区委社会工作部2024年度部门决算.pdf"


def _blanked(path: Path, first: int, last: int) -> SourceText:
    source = mutation.source(path)
    lines = list(source.lines)
    lines[first - 1 : last] = [""] * (last - first + 1)
    return replace(source, lines=tuple(lines))


def _violations(report: ValidationReport, identity: str | None = None) -> list[ValidationResult]:
    return [r for r in report.results if r.severity is Severity.VIOLATION and (identity is None or r.identity == SHAPES + identity)]


def _at(report: ValidationReport, identity: str, line: int) -> list[ValidationResult]:
    return [r for r in _violations(report, identity) if line in r.lines]


def test_a_final_accounts_is_checked_by_its_familys_shapes_and_the_shared_ones() -> None:
    files = shapes_files("final-accounts")
    assert "final-accounts.ttl" in files and "identities.ttl" not in files
    assert {"core.ttl", "narrative.ttl", "presentation.ttl"} <= set(files)
    budget = shapes_files("budget")
    assert "identities.ttl" in budget and "final-accounts.ttl" not in budget
    # The budget's tables-agree (收入总表 vs 支出总表 per code) does not hold in a 决算 and is not run:
    # it reported 6.2 万元 on 201 of the 财政局, which is the year's 其他收入, not an error.
    assert not [r for r in mutation.report(FINANCE).results if r.identity == SHAPES + "tables-agree"]


def test_the_ontology_requires_the_familys_template_tables() -> None:
    required = {t.object.value for t in ontology_triples() if t.predicate.value == BKG.requiredTable.value}
    assert required == {BKG[_TABLE_CLASSES[kind]].value for kind in REQUIRED_TABLES}


def test_finance_bureau_has_its_two_real_text_errors_and_nothing_else() -> None:
    report = mutation.report(FINANCE)
    found = sorted((r.identity.removeprefix(SHAPES), tuple(r.lines)) for r in _violations(report))
    # 财政拨款收入支出总计0.3万元 (line 307, page 21) where 财政拨款收入支出决算总表 prints 总计 2,961.68
    # (line 202); 一般公共服务支出(类)2106.66万元,占71.73% (line 317) where 2106.66 / 2940.05 = 71.65%.
    assert found == [("fa-narrative-table", (202, 307)), ("fa-share", (317,))]
    appropriation = _violations(report, "fa-narrative-table")[0]
    assert "第21页" in appropriation.message_zh and "2,961.68" in appropriation.message_zh
    # 326.71 (summaries) against 326.72 (code tables) for 208 is 0.01 万元: rounding, a warning.
    rounding = [r for r in report.results if r.identity == SHAPES + "fa-appropriation-tables"]
    assert [(r.severity, tuple(r.lines)) for r in rounding] == [(Severity.WARNING, (178, 215))]


def test_planning_bureau_restates_the_all_funds_basic_expenditure_as_appropriations() -> None:
    # Section 六 says 一般公共预算财政拨款基本支出 5377.64 万元, 人员经费 4896.98 万元: the 支出决算表's
    # all-funds 基本支出; the appropriations tables print 5364.75 and 4884.09 (12.89 万元 less).
    # And section (二) restates 卫生健康支出(类) as 236.63 万元 (line 346-347) where the 一般公共预算财政拨款支出决算表
    # prints 236.64 (line 233); the five classes then add to 9746.49, not the 9746.50 stated (line 345).
    found = sorted((r.identity.removeprefix(SHAPES), tuple(r.lines)) for r in _violations(mutation.report(PLANNING)))
    assert found == [
        ("fa-narrative-table", (250, 417)),
        ("fa-narrative-table", (293, 417)),
        ("narrative-class-amount", (233, 346)),
    ]


def test_social_work_department_has_no_violation() -> None:
    assert _violations(mutation.report(SOCIAL)) == []


MUTATIONS = [
    # (identity, line the result names, page, line changed, old, new)
    ("fa-narrative-table", 304, 21, 304, "2336.91", "2236.91"),  # prose 基本支出 vs 支出决算表 合计
    ("fa-narrative-table", 325, 22, 326, "支出决算为1511.89万", "支出决算为1517.89万"),  # a code's 决算 in prose
    ("fa-completion", 322, 21, 323, "成年初预算的98.20%", "成年初预算的96.20%"),
    ("fa-comparison", 325, 22, 326, "1560.05", "1460.05"),  # 决算数小于预算数 now false
    ("fa-share", 304, 21, 304, "占79.49%", "占76.49%"),
    ("fa-balance", 115, 7, 115, "55.34", "65.34"),
    ("fa-total-of-classes", 94, 6, 94, "326.71", "336.71"),
    ("fa-appropriation-tables", 178, 12, 178, "326.71\t326.71", "326.71\t336.71"),
    ("fa-row-total", 150, 10, 150, "1,511.89", "1,521.89"),
    ("fa-hierarchy", 150, 10, 150, "1,511.89", "1,521.89"),
    ("fa-revenue-sources", 125, 8, 125, "1,511.90", "1,531.90"),
    ("fa-summary-tables", 113, 6, 113, "2,946.25", "2,956.25"),
    ("fa-basic-split", 272, 17, 272, "2,152.26", "2,162.26"),
    ("fa-three-public", 279, 18, 279, "0.95", "1.95"),
    ("fa-change", 395, 24, 395, "增长1.40%", "增长2.40%"),  # 机关运行经费 2.55 / 182.10 = 1.40%
    ("fa-change", 297, 21, 298, "下降1.87%", "下降2.87%"),  # a change stated without its amount
]


@pytest.mark.parametrize("identity, line, page, changed, old, new", MUTATIONS, ids=[f"{m[0]}-{m[3]}" for m in MUTATIONS])
def test_a_changed_figure_is_reported_at_its_line_and_page(identity: str, line: int, page: int, changed: int, old: str, new: str) -> None:
    assert _at(mutation.report(FINANCE), identity, line) == []
    found = _at(mutation.validate(mutation.changed(FINANCE, changed, old, new)), identity, line)
    assert found, identity
    assert any(f"第{page}页" in r.message_zh or f"第 {page} 页" in r.message_zh for r in found), [r.message_zh for r in found]


def test_a_missing_table_still_ingests_with_a_violation_naming_it() -> None:
    # Lines 273-279: the title, unit line, header rows and figures of 财政拨款“三公”经费支出决算表.
    report = mutation.validate(_blanked(FINANCE, 273, 279))
    missing = _violations(report, "fa-table-missing")
    assert len(missing) == 1
    # Named by its 决算 title, with the contents entry that lists it (line 14, page 2).
    assert "财政拨款“三公”经费支出决算表" in missing[0].message_zh and missing[0].lines == [14]
    assert "第2页" in missing[0].message_zh
    assert _violations(mutation.report(FINANCE), "fa-table-missing") == []


def test_a_table_the_contents_list_but_the_body_lacks_is_reported() -> None:
    # The contents name 九、国有资本经营预算财政拨款收入支出决算表 (line 16); its table is blanked.
    report = mutation.validate(_blanked(FINANCE, 287, 293))
    listed = _violations(report, "fa-contents-table-missing")
    assert [r.lines for r in listed] == [[16]]
    assert "国有资本经营预算财政拨款收入支出决算表" in listed[0].message_zh
    assert _violations(mutation.report(FINANCE), "fa-contents-table-missing") == []


def test_an_empty_table_without_its_note_while_the_prose_gives_figures() -> None:
    source = mutation.changed(FINANCE, 286, "注:上海市普陀区财政局无政府性基金预算财政拨款支出,故本表无数据。", "")
    lines = list(source.lines)
    lines[380] = "政府性基金预算财政拨款支出年初预算为10.00万元,支出决算为8.00万元。"  # line 381
    report = mutation.validate(replace(source, lines=tuple(lines)))
    empty = _violations(report, "fa-empty-table")
    assert [r.lines for r in empty] == [[280, 381]]
    assert "第19页" in empty[0].message_zh and "第23页" in empty[0].message_zh
    # With its note the empty table is explained: only the prose figure remains unmatched.
    noted = mutation.validate(
        replace(
            mutation.source(FINANCE), lines=tuple(line if i != 380 else "政府性基金预算财政拨款支出年初预算为10.00万元,支出决算为8.00万元。" for i, line in enumerate(mutation.source(FINANCE).lines))
        )
    )
    assert _violations(noted, "fa-empty-table") == []


def test_every_final_accounts_shape_has_a_label_in_both_languages() -> None:
    graph = rdflib.Graph().parse(Path(__file__).parent.parent / "shapes" / "final-accounts.ttl")
    identities = set(graph.subjects(rdflib.RDF.type, rdflib.URIRef("https://w3id.org/budgetkg/report#Identity")))
    assert len(identities) >= 15
    for identity in identities:
        languages = {label.language for label in graph.objects(identity, rdflib.RDFS.label)}
        assert {"zh", "en"} <= languages, identity
