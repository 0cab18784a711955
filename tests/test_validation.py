"""SHACL validation and OWL RL reasoning on the seeds, and mutation tests.

Each finding is asserted by identity and line; the unmutated copy must not show
what the mutation introduces.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import seed
import mutation
from kg.ingest import ingest_file
from kg.settings import Settings
from kg.store import OxigraphStore
from api.validation_html import report_page
from kg.validation import report_as_json, report_as_turtle, validation_report

SHAPES = "https://w3id.org/budgetkg/shapes#"


def _report(path: Path):
    store = OxigraphStore()
    report = ingest_file(path, store, Settings())
    return store, validation_report(store, report.document_id, Settings())


def _found(report, identity: str, line: int, severity: str = "Violation") -> bool:
    return any(r.identity == SHAPES + identity and line in r.lines and r.severity == severity for r in report.results)


@pytest.fixture(scope="module")
def reports():
    return {prefix: _report(seed(prefix))[1] for prefix in ("000", "001", "002", "003", "004")}


def test_000_narrative_government_fund_printed_in_yuan(reports):
    report = reports["000"]
    assert _found(report, "narrative-sum", 41)
    message = next(r for r in report.results if r.identity == SHAPES + "narrative-sum")
    assert "1868.8元" in message.message_zh and "4054.45 万元" in message.message_en  # read as 万元 it adds up


def test_004_weights_add_to_90(reports):
    weights = [r for r in reports["004"].results if r.identity == SHAPES + "weights"]
    assert weights and all(r.value == "90" and r.expected == "100" for r in weights)
    assert _found(reports["004"], "weights", 800)


def test_001_spending_plans_stop_at_october_are_warnings(reports):
    # domain.md §7.7 (corrected): a plan that stops at 10月底 75% is worth a warning, not an error
    ends = [r for r in reports["001"].results if r.identity == SHAPES + "spending-plan-end"]
    assert len(ends) >= 5 and all("10月底" in r.figures for r in ends)
    assert all(r.severity == "Warning" for r in ends)
    assert _found(reports["001"], "spending-plan-end", 658, "Warning")


def test_002_current_year_imbalance_is_info_and_balance_holds(reports):
    report = reports["002"]
    assert _found(report, "current-year-balance", 101, "Info")
    assert not any(r.identity in (SHAPES + "balance", SHAPES + "balance-carryover") for r in report.results)


def test_002_three_public_total_includes_training(reports):
    # The table's 合计 150.8 includes 培训费 10.00 (line 587): the prose's 三公 140.8 (line 634) is
    # compared with the table total of the same scope, 150.8 - 10.00, and agrees.
    assert _found(reports["002"], "three-public-scope", 587, "Warning")
    assert not any(r.identity == SHAPES + "narrative-table" for r in reports["002"].results)


def test_mutation_three_public_prose_of_the_same_scope(tmp_path: Path):
    _, report = _report(_mutate_seed(tmp_path, "002", [(634, "预算支出 140.8 万元", "预算支出 141.8 万元")]))
    found = [r for r in report.results if r.identity == SHAPES + "narrative-table" and 634 in r.lines]
    assert [r.severity for r in found] == ["Violation"]
    assert {566, 587} <= set(found[0].lines) and found[0].expected == "1408000"


def test_004_repeated_codes_add_every_row(reports, tmp_path: Path):
    # 004's project expenditure table prints 2080799 twice (5.25 and 5.00, lines 374-375) and
    # 2130899 twice: 20807 1610.25 = 1600.00 + 5.25 + 5.00 and 21308 10.00 = 5.00 + 5.00.
    assert not any(r.identity == SHAPES + "hierarchy" and r.severity == "Violation" for r in reports["004"].results)
    _, report = _report(_mutate_seed(tmp_path, "004", [(375, "\t5.00\t\t\t5.00", "\t6.00\t\t\t6.00")]))
    found = [r for r in report.results if r.identity == SHAPES + "hierarchy" and r.severity == "Violation"]
    assert any(r.lines[:1] == [372] and {373, 374, 375} <= set(r.lines) and r.difference == "-10000" for r in found)


def test_paired_codes_only_the_three_identities(reports, tmp_path: Path):
    # domain.md §3 (corrected): 2080505↔30108, 2080506↔30109, 2210201↔30113 carry the same money;
    # 2101101 98.05 = 30110 55.28 + 30111 42.77 in 001, and 2080501 contains 30302 and more.
    for prefix in reports:
        assert not any(r.identity == SHAPES + "paired-codes" for r in reports[prefix].results)
    related = [r for r in reports["002"].results if r.identity == SHAPES + "paired-codes-related"]
    assert related and all(r.severity == "Info" for r in related)
    assert any({439, 467, 468} <= set(r.lines) for r in related)
    assert not any(r.identity == SHAPES + "paired-codes-related" and 372 in r.lines for r in reports["001"].results)
    _, report = _report(_mutate_seed(tmp_path, "001", [(416, "132.72\t132.72", "133.72\t133.72")]))
    assert _found(report, "paired-codes", 416)


def test_no_violation_where_the_figures_agree(reports):
    # What remains are real inconsistencies: 000's 政府性基金 printed in 元 (line 41) and its 5.99%
    # (line 51); 004's weights adding to 90 (lines 800, 819); 003's 政府采购预算 806 against its
    # table's 888.2 (431), its 三公 part changes adding to −21.08 against −20.45 (70) and 3 vehicles
    # against the assets table's 4 (72); its 部门基本情况表 合计 row's 在职人数/行政 29 against its one unit's 25 (43).
    violations = {p: sorted((r.identity.rsplit("#", 1)[-1], r.lines[0]) for r in reports[p].results if r.severity == "Violation") for p in reports}
    assert violations == {
        "000": [("narrative-change", 45), ("narrative-sum", 41)],
        "001": [],
        "002": [],
        "003": [("narrative-procurement", 431), ("narrative-vehicles", 72), ("staffing-total", 43), ("three-public-change-sum", 70)],
        "004": [("weights", 800), ("weights", 819)],
    }


def test_001_class_sums_within_rounding_are_warnings(reports):
    rounding = [r for r in reports["001"].results if r.is_rounding]
    assert rounding and all(r.severity == "Warning" and abs(int(r.difference)) <= int(r.tolerance) for r in rounding)


def test_agreeing_figures_raise_no_violation(reports):
    for prefix in ("002", "004"):
        report = reports[prefix]
        assert not any(r.identity == SHAPES + "tables-agree" for r in report.results)
        assert not any(r.identity == SHAPES + "row-total" for r in report.results)
    # 003's money tables agree; its violations are the prose's real ones and its staffing total's
    # (test_no_violation_where_the_figures_agree).
    assert {r.identity.rsplit("#", 1)[-1] for r in reports["003"].results if r.severity == "Violation"} == {"narrative-procurement", "narrative-vehicles", "staffing-total", "three-public-change-sum"}


def _mutate(tmp_path: Path, line: int, old: str, new: str | None) -> Path:
    lines = seed("002").read_text(encoding="utf-8").split("\n")
    if new is None:
        lines[line - 1] = ""  # remove the row, keep the line numbers
    else:
        assert old in lines[line - 1]
        lines[line - 1] = lines[line - 1].replace(old, new, 1)
    path = tmp_path / "mutant.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_mutation_changed_figure(tmp_path: Path, reports):
    _, report = _report(_mutate(tmp_path, 216, "3376.32\t3376.32", "3376.32\t3370.32"))
    assert _found(report, "row-total", 216)
    assert not _found(reports["002"], "row-total", 216)


def test_mutation_removed_row(tmp_path: Path, reports):
    _, report = _report(_mutate(tmp_path, 164, "", None))
    assert _found(report, "hierarchy", 150)
    assert not _found(reports["002"], "hierarchy", 150)


def test_mutation_altered_code(tmp_path: Path, reports):
    _, report = _report(_mutate(tmp_path, 163, "2080 505", "2081 005"))
    assert _found(report, "hierarchy", 150)


def test_renderers(reports):
    report = reports["004"]
    data = report_as_json(report)
    assert data["conforms"] is False and data["violations"] == report.count("Violation")
    assert b"sh:ValidationReport" in report_as_turtle(report) or b"ValidationReport" in report_as_turtle(report)
    page = report_page(report)
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page


def test_report_graph_is_queryable():
    store, _ = _report(seed("004"))
    from conftest import select

    rows = select(store, "SELECT ?line WHERE { GRAPH ?g { ?r sh:resultSeverity sh:Violation ; <https://w3id.org/budgetkg/report#sourceLine> ?line } } ")
    assert {"800", "819"} <= {r["line"] for r in rows}  # the weights adding to 90


# --- grade thresholds, codes, tables, revenue sources (issue 4) -------------------------------


def _mutate_seed(tmp_path: Path, prefix: str, edits) -> Path:
    """A copy of a seed with ``edits`` (line, old, new; new None blanks the line, keeping numbering)."""
    lines = seed(prefix).read_text(encoding="utf-8").split("\n")
    for line, old, new in edits:
        if new is None:
            lines[line - 1] = ""
        elif callable(new):
            lines[line - 1] = new(lines[line - 1])
        else:
            assert old in lines[line - 1]
            lines[line - 1] = lines[line - 1].replace(old, new, 1)
    path = tmp_path / f"{prefix}-mutant.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _swap_best_and_worst(row: str) -> str:
    cells = row.split("\t")
    cells[-4], cells[-1] = cells[-1], cells[-4]  # 优 … 差 are the last four cells
    return "\t".join(cells)


def test_mutation_swapped_grades(tmp_path: Path):
    original = seed("003").read_text(encoding="utf-8").split("\n")[218]
    assert original.endswith("100%\t90%\t80%\t60%以下")
    _, unmutated = _report(_mutate_seed(tmp_path, "003", []))
    assert not any(r.identity == SHAPES + "grade-order" and 219 in r.lines for r in unmutated.results)
    _, report = _report(_mutate_seed(tmp_path, "003", [(219, "", _swap_best_and_worst)]))
    found = [r for r in report.results if r.identity == SHAPES + "grade-order" and 219 in r.lines]
    assert found and all(r.severity == "Violation" for r in found)
    assert "60%以下" in found[0].message_zh and "line 219" in found[0].message_en


def test_grade_overlap_and_gap(tmp_path: Path, reports):
    _, report = _report(_mutate_seed(tmp_path, "003", [(316, "5-10次", "4-12次"), (315, "16-20次", "18-20次")]))
    overlap = [r for r in report.results if r.constraint == SHAPES + "grade-overlap" and 316 in r.lines]
    gap = [r for r in report.results if r.constraint == SHAPES + "grade-gap" and 315 in r.lines]
    assert overlap and "4 至 5" in overlap[0].message_zh
    assert gap and "15 to 18" in gap[0].message_en
    # as printed, 10-15次 / 16-20次 are consecutive counts: no gap
    assert not any(r.identity == SHAPES + "grade-order" for r in reports["003"].results + reports["000"].results)


def test_mutation_missing_parent_code(tmp_path: Path, reports):
    _, report = _report(_mutate_seed(tmp_path, "002", [(150, "", None)]))
    assert {162, 163, 164} <= {line for r in report.results if r.identity == SHAPES + "code-parent" for line in r.lines}
    assert not any(r.identity == SHAPES + "code-parent" for p in reports for r in reports[p].results)


def test_mutation_appropriation_summary(tmp_path: Path, reports):
    _, report = _report(_mutate_seed(tmp_path, "002", [(336, "103.30\t103.30\t", "103.30\t108.30\t")]))
    found = [r for r in report.results if r.identity == SHAPES + "appropriation-tables"]
    assert found and found[0].lines == [336, 440] and found[0].difference == "50000"
    assert not any(r.identity == SHAPES + "appropriation-tables" for p in reports for r in reports[p].results)


def test_mutation_revenue_sources(tmp_path: Path, reports):
    _, report = _report(_mutate_seed(tmp_path, "002", [(162, "6.01\t6.01\t6.01", "6.01\t6.01\t6.51")]))
    assert _found(report, "revenue-sources", 162)
    # the seeds print sources that add up (004 has 小计 columns and a 结转 column)
    assert not any(r.identity == SHAPES + "revenue-sources" for p in reports for r in reports[p].results)


def test_cross_document_code_names(seed_store):
    from kg.validation import cross_document_results

    results = cross_document_results(seed_store, Settings())
    names = [r for r in results if r.identity == SHAPES + "code-names"]
    assert names and all(r.severity == "Info" for r in names)
    name_303 = next(r for r in names if r.focus.endswith("/economic/303"))
    assert {351, 447, 515} <= set(name_303.lines) and "对个人和家庭的补贴" in name_303.message_zh
    assert "004_483341c397df5066" in name_303.message_en


# --- year-on-year percentages, project budgets, official 类 names (§7.5, §7.7, §7.8) ----------------


def test_000_year_on_year_percentage_does_not_fit(reports):
    # 000 line 51: 基本支出增加 184.63 万元，同比增加 5.99%; this year's 基本支出 is 1167.53 万元 (line 45),
    # so last year's was 982.90 万元 and the change 18.78 %. 项目支出 -222 万元 / -7.14 % fits (2886.92, line 47).
    found = [r for r in reports["000"].results if r.identity == SHAPES + "narrative-change"]
    assert len(found) == 1 and found[0].severity == "Violation" and found[0].lines == [45, 51]
    assert found[0].value == "5.99" and found[0].expected.startswith("18.78")
    assert "982.9 万元" in found[0].message_zh and "5.99%" in found[0].message_en
    # every other stated percentage in the seeds fits its amounts (003 lines 60-70, 002 622-634, 004 463-771)
    assert not any(r.identity == SHAPES + "narrative-change" for p in ("001", "002", "003", "004") for r in reports[p].results)


def test_mutation_year_on_year_percentage(tmp_path: Path):
    _, report = _report(_mutate_seed(tmp_path, "003", [(62, "同比减少 1.98%", "同比减少 1.89%"), (70, "同比降低 3.79%", "同比降低 3.77%")]))
    errors = [r for r in report.results if r.constraint == SHAPES + "narrative-change-error"]
    rounding = [r for r in report.results if r.constraint == SHAPES + "narrative-change-rounding"]
    # -37.44 / (1853.35 + 37.44) = -1.98 %, not -1.89 %: an error (line 56 gives the amount)
    assert [r.lines for r in errors] == [[56, 62]] and errors[0].value == "-1.89"
    # -0.08 / 2.11 = -3.7915 %: -3.77 is within what 0.005 万元 on 0.08 万元 allows, but not the rounding of it
    assert [r.lines for r in rounding] == [[70]] and rounding[0].severity == "Warning"


def test_mutation_project_budget(tmp_path: Path, reports):
    _, report = _report(_mutate_seed(tmp_path, "001", [(1347, "\t50.00\t其他建筑工程", "\t55.00\t其他建筑工程"), (1356, "\t50.00\t土地绿化", "\t50.01\t土地绿化")]))
    found = {tuple(r.lines): r for r in report.results if r.identity == SHAPES + "project-budget"}
    assert found[(823, 1347)].severity == "Violation" and found[(823, 1347)].difference == "-50000"
    assert found[(1064, 1356)].severity == "Warning" and found[(1064, 1356)].is_rounding
    assert len(found) == 2
    # as printed, the four traceable projects of 001 (lines 801, 823, 918, 1064) agree with the 政府采购 table
    assert not any(r.identity == SHAPES + "project-budget" for p in reports for r in reports[p].results)


def test_code_official_names(tmp_path: Path, reports):
    found = [r for p in reports for r in reports[p].results if r.identity == SHAPES + "code-official-name"]
    # only 004 prints 303 as 对个人和家庭的补贴; ordinal prefixes (八、社会保障和就业支出) are not differences
    assert [(r.severity, r.lines, r.value, r.expected) for r in found] == [("Warning", [351], "对个人和家庭的补贴", "对个人和家庭的补助")]
    _, report = _report(_mutate_seed(tmp_path, "002", [(149, "业支 出", "业补助支 出")]))
    mutated = [r for r in report.results if r.identity == SHAPES + "code-official-name"]
    assert [(r.lines, r.expected) for r in mutated] == [([149], "社会保障和就业支出")]
    assert "社会保障和就业补助支出" in mutated[0].message_zh


def test_classification_categories_file_is_generated_from_the_classification():
    from importlib import resources

    from kg.classification import ECONOMIC_CATEGORIES, FUNCTIONAL_CATEGORIES
    from kg.validation import CATEGORIES_FILE, classification_categories_turtle, classification_quads

    assert resources.files("shapes").joinpath(CATEGORIES_FILE).read_text(encoding="utf-8") == classification_categories_turtle()
    labels = {q.subject.value.rsplit("/", 1)[-1]: q.object.value for q in classification_quads() if q.predicate.value.endswith("#prefLabel")}
    assert labels == {**FUNCTIONAL_CATEGORIES, **ECONOMIC_CATEGORIES}


def test_grouped_constraints_equal_their_own_queries():
    """Constraints whose queries differ only in the final FILTER (error/rounding pairs) run
    as one query; that must give exactly the rows of each constraint's own sh:select."""
    import pyoxigraph as ox

    from kg.iris import Iris
    from kg.mapping import map_document
    from kg.parse import parse_file
    from kg.reasoning import infer
    from kg.validation import classification_quads, compiled_groups, ontology_quads
    from kg.validation.engine import FocusNodes, group_results, sparql_results

    groups = compiled_groups()
    grouped = {c.constraint.rsplit("#", 1)[-1] for g in groups if g.select for c in g.constraints}
    assert {"hierarchy-error", "hierarchy-rounding", "row-total-error", "row-total-rounding", "grade-order"} <= grouped
    settings = Settings()
    checked = 0
    for prefix in ("001", "002"):
        document = parse_file(seed(prefix))
        mapped = map_document(document, settings)
        quads = mapped.quads + mapped.reference_quads
        quads += infer(quads, Iris(settings.base_iri).inferred_graph(document.document_id)).quads
        data = ox.Store()
        data.extend(list(ontology_quads()) + list(classification_quads()) + list(quads))
        for group in groups:
            if group.select is None:
                continue
            fast = group_results(data, group, FocusNodes(data))
            slow = [r for c in group.constraints for r in sparql_results(data, c, FocusNodes(data))]
            assert fast == slow, group.constraints[0].constraint
            checked += len(slow)
    assert checked > 0


def test_dataset_union_holds_a_triple_in_several_graphs_once():
    """validate_quads keeps quads in their named graphs and queries the union default graph,
    which Oxigraph does not deduplicate: a triple in two graphs must still count once."""
    import pyoxigraph as ox

    from kg.validation import build_dataset

    s, p = ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p")
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s <http://example.org/p> ?o }"
    g1, g2 = ox.NamedNode("http://example.org/g1"), ox.NamedNode("http://example.org/g2")
    for graphs in ((g1,), (g1, g2), (g1, ox.DefaultGraph()), (g1, g2, ox.DefaultGraph())):
        data = build_dataset([ox.Quad(s, p, ox.Literal("1"), g) for g in graphs] + [ox.Quad(s, p, ox.Literal("2"), g1)])
        (row,) = data.query(count, use_default_graph_as_union=True)
        assert row["n"].value == "2", graphs
    # The duplicate between two small graphs, beside a large one that holds it not.
    g3 = ox.NamedNode("http://example.org/g3")
    large = [ox.Quad(ox.NamedNode(f"http://example.org/n{i}"), p, ox.Literal("3"), g1) for i in range(500)]
    data = build_dataset(large + [ox.Quad(s, p, ox.Literal("1"), g) for g in (g2, g3)])
    (row,) = data.query(count, use_default_graph_as_union=True)
    assert row["n"].value == "501"


def test_shares_are_checked_against_their_whole_and_against_each_other(tmp_path: Path):
    text = seed("004").read_text(encoding="utf-8")
    assert "占 15.95%" in text and "占 84.29%" in text
    _, unmutated = _report(seed("004"))
    assert not any(r.identity in (SHAPES + "narrative-share", SHAPES + "shares-sum") for r in unmutated.results)

    wrong = tmp_path / "004_share_wrong.txt"
    wrong.write_text(text.replace("占 15.95%", "占 16.95%"), encoding="utf-8")
    _, report = _report(wrong)
    assert _found(report, "narrative-share", 463)  # 341.25 / 2140.09 is 15.95%, not 16.95%

    rounded = tmp_path / "004_share_rounded.txt"
    rounded.write_text(text.replace("占 84.29%", "占 84.28%"), encoding="utf-8")
    _, report = _report(rounded)
    assert _found(report, "narrative-share", 483, "Warning")  # 84.2871…% printed as 84.28
    assert _found(report, "shares-sum", 483, "Warning")  # 15.71 + 84.28 = 99.99
    assert not any(r.severity == "Violation" and r.identity == SHAPES + "shares-sum" for r in report.results)


def test_staffing_total_against_its_bodies() -> None:
    # 003's 部门基本情况表: 合计 | 3 | 33 | 34 | 29 | 44 | 1 | 45 above its one unit's 3 | 33 | 34 | 25 | 44 | 1 | 45.
    path = seed("003")
    [real] = [r for r in mutation.report(path).results if r.identity == SHAPES + "staffing-total"]
    assert real.severity == "Violation" and real.lines == [43, 44]
    assert "在职人数/行政" in real.message_en and (real.value, real.expected) == ("29", "25")
    # One more figure of the 合计 row changed (编制人数/事业 34 -> 36): reported at that row, for that column.
    mutated = mutation.validate(mutation.changed(path, 43, "\t34\t", "\t36\t"))
    found = [r for r in mutated.results if r.identity == SHAPES + "staffing-total"]
    assert sorted((r.severity, r.lines[0], r.value, r.expected) for r in found) == [("Violation", 43, "29", "25"), ("Violation", 43, "36", "34")]
    assert any("编制人数/事业" in r.message_zh and "第43行" in r.message_zh for r in found)
    # The unit row corrected to the total's 29: nothing left to report.
    agreed = mutation.validate(mutation.changed(path, 44, "\t25\t", "\t29\t"))
    assert not any(r.identity == SHAPES + "staffing-total" for r in agreed.results)


def _findings(report) -> list[tuple]:
    # GROUP_CONCAT has no order: the same addends may be listed in another order by another dataset
    # (001's paired-codes-related once its graph held the new blank rows), so lines and message words
    # are compared as sorted lists.
    return sorted((r.severity, r.focus, r.identity, tuple(sorted(r.lines)), tuple(sorted(re.split(r"[\s,+/();.]+", r.message_en))), r.expected, r.difference) for r in report.results)


def test_a_stored_document_validates_as_it_did_alone(seed_store):
    """Validated from a store holding every seed, each seed gets the report it got at ingest,
    where the validation saw only its own quads: what the store adds about shared codes
    and units changes nothing."""
    from kg.validation import document_ids, validate_stored_document
    from kg.validation.report_graph import read_report
    from kg.iris import Iris

    settings = Settings()
    documents = document_ids(seed_store, settings)
    assert len(documents) == 5
    for document_id in documents:
        stored = read_report(seed_store, document_id, Iris(settings.base_iri).validation_graph(document_id).value, settings)
        again = validate_stored_document(seed_store, document_id, settings)
        assert stored.results and _findings(again) == _findings(stored), document_id


def test_a_stored_document_is_read_without_other_documents_projects(seed_store):
    """The reference graph holds every document's projects (and grows with the store); reading
    a document for validation takes what it says about the document's own nodes only."""
    from kg.iris import Iris
    from kg.validation import document_ids
    from kg.validation.dataset import stored_document_quads
    from kg.vocabulary import BKG, RDF

    settings = Settings()
    graph = Iris(settings.base_iri).reference_graph().value
    all_projects = {r["p"].value for r in seed_store.query(f"SELECT ?p WHERE {{ GRAPH <{graph}> {{ ?p a <{BKG.Project.value}> }} }}")}
    per_document = []
    for document_id in document_ids(seed_store, settings):
        quads = stored_document_quads(seed_store, document_id, settings)
        projects = {q.subject.value for q in quads if q.predicate == RDF.type and q.object == BKG.Project}
        own = {
            r["p"].value
            for r in seed_store.query(f"SELECT DISTINCT ?p WHERE {{ GRAPH <{Iris(settings.base_iri).graph(document_id).value}> {{ ?x ?r ?p }} GRAPH <{graph}> {{ ?p a <{BKG.Project.value}> }} }}")
        }
        assert projects == own, document_id
        per_document.append(projects)
    # Each document's projects are read, and only those: no document sees them all.
    assert set().union(*per_document) == all_projects
    assert all(len(projects) < len(all_projects) for projects in per_document)


def test_code_names_are_the_codes_with_a_pair_of_different_names_from_different_documents(seed_store):
    """The query groups each code's names; the identity is stated as pairs (two names that
    differ, from two documents): both, on the seeds, give the same codes."""
    from kg.validation import cross_document_results

    rows = seed_store.query("""
        PREFIX bkg: <https://w3id.org/budgetkg/ontology#>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?code ?label ?doc WHERE { ?n a bkg:CodeName ; bkg:ofCode ?code ; rdfs:label ?label ; prov:wasDerivedFrom ?doc }""")
    names: dict[str, set[tuple[str, str]]] = {}
    for row in rows:
        names.setdefault(row["code"].value, set()).add((row["label"].value, row["doc"].value))
    by_pairs = {code for code, pairs in names.items() if any(la != lb and da != db for la, da in pairs for lb, db in pairs)}
    found = {r.focus for r in cross_document_results(seed_store, Settings())}
    assert by_pairs and found == by_pairs


def _blank_subtotals(report) -> list[tuple[str, int]]:
    return sorted((r.severity, r.lines[0]) for r in report.results if r.identity == SHAPES + "blank-subtotal")


def test_blank_subtotal_above_printed_parts() -> None:
    # 002's “三公” table leaves "“三公”经费 小计" (567) and "二、公务用车 购置及运维费" (571) blank over
    # 公务用车购置费 90.00 (572) and 运行维护费 49.30 (584); 接待费 1.50 (585) is under the 小计 too.
    path = seed("002")
    report = mutation.report(path)
    assert _blank_subtotals(report) == [("Warning", 567), ("Warning", 571)]
    [car] = [r for r in report.results if r.identity == SHAPES + "blank-subtotal" and r.lines[0] == 571]
    assert sorted(car.lines) == [571, 572, 584] and "90.00 (第572行)" in car.message_zh
    # 培训费 (587) is not “三公”: not a part of the 小计.
    [subtotal] = [r for r in report.results if r.identity == SHAPES + "blank-subtotal" and r.lines[0] == 567]
    assert sorted(subtotal.lines) == [567, 572, 584, 585]
    # The 公务用车 row printed: only the 小计 is left.
    filled = mutation.validate(mutation.changed(path, 571, "运维费\t\t", "运维费\t139.30\t"))
    assert _blank_subtotals(filled) == [("Warning", 567)]
    # The other documents print their subtotals; 001's 公务用车 row blanked is reported at its line.
    assert _blank_subtotals(mutation.report(seed("001"))) == []
    blanked = mutation.validate(mutation.changed(seed("001"), 499, "运维费\t8.10\t8.10", "运维费\t\t"))
    assert _blank_subtotals(blanked) == [("Warning", 499)]
    # A 类 row blanked above its 款 and 项 rows (001's 收入总表, 201 一般公共服务支出).
    blanked = mutation.validate(mutation.changed(seed("001"), 77, "3354.94\t3354.94\t3354.94", "\t\t"))
    assert ("Warning", 77) in _blank_subtotals(blanked)


def _at(report, identity: str) -> list[tuple[str, int]]:
    return sorted((r.severity, r.lines[0]) for r in report.results if r.identity == SHAPES + identity)


def test_procurement_item_quantity_times_unit_price() -> None:
    # Seed 003's procurement rows print 数量 × 单价 = 采购金额 to 0.001 万元 (443: 2 × 0.962 = 1.924), 001's
    # to 0.01 (1339: 8 × 0.30 = 2.40); every seed's rows agree.
    assert all(_at(mutation.report(seed(p)), "procurement-item") == [] for p in ("000", "001", "002", "003", "004"))
    assert _at(mutation.validate(mutation.changed(seed("003"), 443, "\t2\t0.962", "\t3\t0.962")), "procurement-item") == [("Violation", 443)]
    # 0.001 万元 on a price printed to 0.001: beyond 2 × 5 元 + 5 元, not within a fixed 50 元 per figure.
    [price] = [r for r in mutation.validate(mutation.changed(seed("003"), 444, "0.538", "0.539")).results if r.identity == SHAPES + "procurement-item"]
    assert (price.severity, price.lines, price.difference) == ("Violation", [444], "-20") and "0.539" in price.message_zh
    # Quantity 1: the price and the amount are one figure printed twice, exact.
    assert _at(mutation.validate(mutation.changed(seed("001"), 1345, "0.10\t0.10", "0.10\t0.11")), "procurement-item") == [("Violation", 1345)]
    # 8 × 0.30 against 2.41: within 8 × 50 元 + 50 元 of a price rounded to 0.01.
    assert _at(mutation.validate(mutation.changed(seed("001"), 1339, "2.40", "2.41")), "procurement-item") == [("Warning", 1339)]


def test_a_figure_restated_in_two_tables_is_exact() -> None:
    # One number printed twice is rounded the same way twice: 0.01 万元 apart is a Violation, not rounding.
    assert all(_at(mutation.report(seed(p)), "restated") == [] for p in ("000", "001", "002", "003", "004"))
    # 收支总表 201 (20) vs 支出总表 201 (173)
    [found] = [r for r in mutation.validate(mutation.changed(seed("001"), 20, "3354.94", "3354.95")).results if r.identity == SHAPES + "restated"]
    assert (found.severity, found.lines, found.difference) == ("Violation", [20, 173], "100")
    assert "3354.95 (第20行)" in found.message_zh and "3354.94 (第173行)" in found.message_zh
    # 基本支出表 合计 (410) vs the general-budget table's 基本支出 (327): only a rounding Warning by its own parts
    assert _at(mutation.validate(mutation.changed(seed("001"), 410, "1763.80", "1763.81")), "restated") == [("Violation", 327)]
    # 财政拨款收支总表 本年支出合计 (299) vs the general-budget table's 合计 (327)
    assert _at(mutation.validate(mutation.changed(seed("001"), 327, "9383.02", "9383.03")), "restated") == [("Violation", 299)]
    # 收支总表 本年收入合计 and 上年结转 vs the 收入总表's 合计 row (002: 101, 102 vs 129)
    assert _at(mutation.validate(mutation.changed(seed("002"), 101, "4402.55", "4402.56")), "restated") == [("Violation", 101)]
    assert _at(mutation.validate(mutation.changed(seed("002"), 102, "7.00", "7.01")), "restated") == [("Violation", 102)]
    # A fund's appropriation in both summaries' revenue halves (the first row naming it): 001 20/258, 004 96/233.
    assert _at(mutation.validate(mutation.changed(seed("001"), 20, "9383.02", "9383.20")), "restated") == [("Violation", 20)]
    assert _at(mutation.validate(mutation.changed(seed("004"), 96, "2,103.50", "21,035.00")), "restated") == [("Violation", 96)]


def test_appropriation_summary_row_total_is_the_sum_of_its_funds() -> None:
    assert all(_at(mutation.report(seed(p)), "appropriation-row") == [] for p in ("000", "001", "002", "003", "004"))
    # 001 line 264: 七、文化旅游体育与传媒支出 合计 1.00 over 一般公共预算 1.00 alone: exact.
    assert _at(mutation.validate(mutation.changed(seed("001"), 264, "1.00\t1.00", "1.01\t1.00")), "appropriation-row") == [("Violation", 264)]
    # 支出总计 10283.02 = 9383.02 + 900.00: two funds, 0.01 is within rounding.
    assert _at(mutation.validate(mutation.changed(seed("001"), 314, "9383.02", "9383.03")), "appropriation-row") == [("Warning", 314)]


def test_restated_codes_and_three_public_columns_are_exact() -> None:
    # 财政拨款收支总表 per 类 vs the general-budget table (002: 336 vs 440) is one figure printed twice: 0.01 is a Violation.
    [found] = [r for r in mutation.validate(mutation.changed(seed("002"), 336, "103.30\t103.30\t", "103.30\t103.31\t")).results if r.identity == SHAPES + "appropriation-tables"]
    assert (found.severity, found.lines, found.difference) == ("Violation", [336, 440], "100")
    # The “三公” table: every fund column adds up (001 line 494's 一般公共预算 8.10 -> 8.01), and a row's 合计 = its funds.
    changed = mutation.validate(mutation.changed(seed("001"), 494, "8.10\t8.10", "8.10\t8.01"))
    assert _at(changed, "three-public") == [("Violation", 494)] and _at(changed, "appropriation-row") == [("Violation", 494)]
    assert _at(mutation.validate(mutation.changed(seed("004"), 425, "2.64\t2.64", "2.64\t2.46")), "appropriation-row") == [("Violation", 425)]
    assert not any(_at(mutation.report(seed(p)), "three-public") for p in ("000", "001", "002", "003", "004"))


def test_revenue_subtotal_is_the_sum_of_the_columns_under_it() -> None:
    assert all(_at(mutation.report(seed(p)), "revenue-subtotal") == [] for p in ("000", "001", "002", "003", "004"))
    # 001 line 83: 本年收入/小计 100.00 -> 10.00 over 财政拨款收入 100.00; hierarchy's one figure per column
    # meaning kept the other 100.00 and revenue-sources leaves out a 小计 whose parts are printed.
    [found] = [r for r in mutation.validate(mutation.changed(seed("001"), 83, "100.00\t100.00\t100.00", "100.00\t10.00\t100.00")).results if r.identity == SHAPES + "revenue-subtotal"]
    assert (found.severity, found.lines, found.difference) == ("Violation", [83], "-900000")
    # One part printed: the 小计 restates it, 0.01 apart is beyond 50 元 (002 line 130, 204 公共安全支出).
    assert _at(mutation.validate(mutation.changed(seed("002"), 130, "3831 .32\t3831 .32", "3831 .32\t3831 .33")), "revenue-subtotal") == [("Violation", 130)]


def test_procurement_total_is_the_sum_of_its_subtotals() -> None:
    assert all(_at(mutation.report(seed(p)), "procurement-subtotals") == [] for p in ("000", "001", "002", "003", "004"))
    # 001: 合计 170.00 (1337) over the one unit's 小计 170.00 (1338), in 合计 and 一般公共预算拨款.
    changed = mutation.validate(mutation.changed(seed("001"), 1338, "170.00", "1700.00"))
    assert _at(changed, "procurement-subtotals") == [("Violation", 1337)]
    assert any(1338 in r.lines for r in changed.results if r.identity == SHAPES + "procurement-subtotals")


def test_operating_costs_are_not_compared_with_the_public_expenditure_column(tmp_path: Path):
    # 机关运行经费 is a part of 公用经费, not the 基本支出表's 公用经费 合计 (a 决算 states 480.66
    # against 142.80): 001's 165.64 (line 611) equals its 合计 (410), but 160.64 is no discrepancy.
    # narrative-operating-costs checks it (no more than 公用经费); narrative-table compared it
    # with the 公用经费 column and reported any other amount as a Violation.
    _, report = _report(_mutate_seed(tmp_path, "001", [(611, "安排 165.64 万元", "安排 160.64 万元")]))
    assert not [r for r in report.results if 611 in r.lines and r.severity == "Violation"]


def test_a_revenue_table_figure_changed_is_caught_against_the_expenditure_table():
    """tables-agree reads from the 收入总表's figures to the 支出总表's by code (shapes/identities.ttl):
    001 line 84 (收入总表, 204 公共安全支出 合计 240.00) changed to 243.40 disagrees with line 180
    (支出总表, 204 合计 240.00); the result's focus is the expenditure figure."""
    report = mutation.validate(mutation.changed(seed("001"), 84, "240.00\t240.00\t240.00", "243.40\t240.00\t240.00"))
    found = [r for r in report.results if r.identity == SHAPES + "tables-agree"]
    assert [(r.severity, r.lines, r.difference) for r in found] == [("Violation", [84, 180], "-34000")]
    assert "/figure/180/" in found[0].focus
