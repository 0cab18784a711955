"""Budget against actual on the unit and code pages (api.execution, api.unit_page, api.code_page).

Real input: a budget + 决算 pair written by ``budgetkg generate --final-accounts`` and the
real 决算 PDFs of shared/corpus. The expected figures are read from the documents' own text
here (the generated tables' rows, the PDFs' lines), never from the graph.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from urllib.parse import quote, unquote

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from api import code_page, execution
from api.app import create_app
from api.config import ServerConfig
from api.describe import Graph
from conftest import SHARED, seed
from kg.generate import generate
from kg.readers import read_document
from kg.settings import DEFAULT_BASE_IRI

CORPUS = SHARED / "corpus" / "final-accounts"
HTML = {"accept": "text/html", "accept-language": "zh-CN"}
CENT = Decimal("0.01")


@pytest.fixture(scope="module")
def pair(tmp_path_factory) -> list[Path]:
    return generate(2, 1, tmp_path_factory.mktemp("pair"), seed=3, final_accounts=True)


@pytest.fixture(scope="module")
def store(pair):
    from kg.ingest import ingest_many, load_ontology
    from kg.settings import Settings
    from kg.store import OxigraphStore

    store = OxigraphStore()
    load_ontology(store)
    paths = [*pair, *sorted(p for p in CORPUS.glob("*.pdf") if "模板" not in p.name), seed("001")]
    results = list(ingest_many(paths, store, Settings(validate=False), workers=2))
    assert len(results) == len(paths) and all(r.report for r in results)
    return store


@pytest.fixture(scope="module")
def client(store):
    with TestClient(create_app(ServerConfig(store=None, query_workers=0), store)) as test_client:
        yield test_client


# -- what the documents print -------------------------------------------------------


def _wan(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


BUDGET_HEADER = ("科目编码", "科目名称", "合计", "基本支出", "项目支出")  # 部门支出总表
FINAL_HEADER = ("科目编码", "科目名称", "年初预算数", "调整预算数", "决算数", "基本支出", "项目支出")  # 支出决算表


def _cells(line: str) -> list[str]:
    """A row's cells in the generator's two layouts used here: markdown pipes or TABs."""
    if line.startswith("|"):
        return [c.strip() for c in line.strip().strip("|").split("|")]
    return [c.strip() for c in line.split("\t")]


def _table_rows(path: Path, header: tuple[str, ...]) -> dict[str, tuple[int, list[Decimal | None]]]:
    """The rows (code, name, amounts…) of the table with this header (repeated after a page
    break), by code: (line, amounts in 万元)."""
    rows: dict[str, tuple[int, list[Decimal | None]]] = {}
    inside = False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        cells = _cells(line)
        if cells[0] == "科目编码":
            inside = tuple(cells) == header
        elif inside and len(cells) == len(header) and cells[0].isdigit():
            rows[cells[0]] = (number, [_wan(c) if c else None for c in cells[2:]])
    return rows


def _unit_name(path: Path) -> str:
    """The unit as the generated document names it below each table title ("900000 名称")."""
    return next(line.split(" ", 1)[1] for line in path.read_text(encoding="utf-8").splitlines() if line[:6].isdigit() and line[6:7] == " ")


def _rate(actual: Decimal, budget: Decimal) -> Decimal:
    return (actual * 100 / budget).quantize(CENT, rounding=ROUND_HALF_UP)


# -- what the pages show -------------------------------------------------------------

_CELL = re.compile(
    r'<a class="amount figure" href="(?P<href>[^"]+)" title="(?P<yuan>[\d,.]+) 元 · (?P<file>[^"]*?) 第 (?P<line>\d+) 行'
    r'(?:，第 (?P<page>\d+) 页)?">(?P<wan>[\d,.]+)</a><br><span class="src">(?P<kind>\S+)'
)


def _cell(row: str, css: str) -> dict[str, str] | None:
    match = re.search(rf'<td class="num {css}">(.*?)</td>', row, re.S)
    assert match is not None, css
    found = _CELL.search(match.group(1))
    return found.groupdict() if found else None


def _rate_shown(row: str) -> Decimal | None:
    match = re.search(r'<td class="num rate"><strong>([\d.]+)%</strong>', row)
    return Decimal(match.group(1)) if match else None


def _execution_rows(page: str, year: str) -> dict[str, str]:
    table = re.search(rf'<table class="execution" data-year="{year}">(.*?)</table>', page, re.S)
    assert table is not None, f"no execution table for {year}"
    return dict(re.findall(r'<tr class="level-\d" data-code="(\d+)">(.*?)</tr>', table.group(1), re.S))


def _unit_page(client, name: str) -> str:
    response = client.get(f"/page/unit/{quote(name)}", headers=HTML)
    assert response.status_code == 200
    return response.text


# -- the unit page ---------------------------------------------------------------------


def test_unit_page_shows_budget_and_actual_per_code_as_the_documents_print_them(client, pair):
    budget_doc, final_doc = (p for p in pair if p.name.startswith("900000"))
    budget = _table_rows(budget_doc, BUDGET_HEADER)  # 部门支出总表
    final = _table_rows(final_doc, FINAL_HEADER)  # 支出决算表
    assert len(final) > 10 and set(final) == set(budget)
    rows = _execution_rows(_unit_page(client, _unit_name(final_doc)), "2022")
    assert set(rows) == set(final)
    for code, (line, (_, adjusted, actual, *_)) in final.items():
        row = rows[code]
        shown_initial, shown_adjusted, shown_final = (_cell(row, c) for c in ("initial", "adjusted", "final"))
        assert shown_initial and shown_adjusted and shown_final
        # The budget comes from the budget document (its 支出总表 line), not from the 决算's 年初预算 column.
        budget_line, (budget_total, *_) = budget[code]
        assert (shown_initial["file"], int(shown_initial["line"]), shown_initial["kind"]) == (budget_doc.name, budget_line, "预算表")
        assert _wan(shown_initial["wan"]) == budget_total and _wan(shown_initial["yuan"]) == budget_total * 10000
        assert (shown_adjusted["file"], int(shown_adjusted["line"]), _wan(shown_adjusted["wan"])) == (final_doc.name, line, adjusted)
        assert (shown_final["file"], int(shown_final["line"]), _wan(shown_final["wan"])) == (final_doc.name, line, actual)
        assert _wan(shown_final["yuan"]) == actual * 10000
        assert _rate_shown(row) == _rate(actual, budget_total)
        # Each amount links to the figure page, which names the same line.
        figure = client.get(shown_final["href"], headers=HTML)
        assert figure.status_code == 200 and f"第 {line} 行" in figure.text


def test_unit_page_chart_pairs_budget_and_actual_per_class_and_section(client, pair):
    final_doc = next(p for p in pair if p.name.startswith("900000") and "决算" in p.name)
    final = _table_rows(final_doc, FINAL_HEADER)
    page = _unit_page(client, _unit_name(final_doc))
    chart = re.search(r'<svg class="chart paired".*?</svg>', page, re.S)
    assert chart is not None and "<script" not in chart.group(0)
    pairs = re.findall(
        r'<g class="pair"><title>(\d+) [^<]*?: 预算 ([\d,.]+) 万元, 决算 ([\d,.]+) 万元, ([\d.]+)%</title>'
        r'.*?<rect class="budget"[^>]* width="([\d.]+)".*?<rect class="actual"[^>]* width="([\d.]+)"'
        r'.*?text-anchor="end">([\d.]+)%</text></g>',
        chart.group(0),
        re.S,
    )
    assert [code for code, *_ in pairs] == sorted(c for c in final if len(c) in (3, 5))  # 类 and 款, in order
    for code, budget_wan, actual_wan, tip_rate, budget_px, actual_px, rate in pairs:
        initial, _, actual = final[code][1][:3]
        assert (_wan(budget_wan), _wan(actual_wan)) == (initial, actual)
        assert Decimal(rate) == Decimal(tip_rate) == _rate(actual, initial)
        # Both bars on one scale: their lengths keep the amounts' ratio (to the 0.1 px drawn).
        assert abs(Decimal(actual_px) - Decimal(budget_px) * actual / initial) <= Decimal("0.15")


def test_unit_page_takes_the_budget_from_the_final_accounts_when_no_budget_is_loaded(client):
    pdf = CORPUS / "上海市普陀区财政局2024年度部门决算.pdf"
    text = read_document(pdf)
    rows = _execution_rows(_unit_page(client, "上海市普陀区财政局"), "2024")
    row = rows["2010601"]  # 行政运行
    initial, final = _cell(row, "initial"), _cell(row, "final")
    assert initial and final and _cell(row, "adjusted") is None
    # 年初预算 from the 决算's prose, 决算 from its 一般公共预算财政拨款支出决算表 (both at their page).
    assert (initial["file"], initial["line"], initial["page"], initial["kind"]) == (pdf.name, "325", "22", "决算说明")
    assert "年初预算为 1560.05 万元" in " ".join(text.line(n) for n in range(325, 328))
    assert (final["line"], final["page"], final["kind"]) == ("211", str(text.page_of(211)), "决算表")
    assert "1,511.89" in text.line(211)
    assert (_wan(initial["wan"]), _wan(final["wan"])) == (Decimal("1560.05"), Decimal("1511.89"))
    assert _rate_shown(row) == _rate(Decimal("1511.89"), Decimal("1560.05")) == Decimal("96.91")
    assert "一般公共预算" in row  # the scope the rate is in


def test_a_budget_alone_shows_its_budget_without_a_rate(client):
    """Seed 001 is a budget with no 决算 loaded: every code shows its 年初预算, read from the
    line the page names, and no 决算 or rate."""
    path = seed("001")
    lines = path.read_text(encoding="utf-8").splitlines()
    rows = _execution_rows(_unit_page(client, "石家庄市鹿泉区上庄镇人民政府本级"), "2024")
    assert len(rows) > 10
    for code, row in rows.items():
        initial = _cell(row, "initial")
        assert initial is not None and initial["file"] == path.name and initial["kind"] == "预算表"
        printed = lines[int(initial["line"]) - 1]
        assert code in printed and initial["wan"].replace(",", "") in printed.replace(",", "")
        assert _cell(row, "adjusted") is None and _cell(row, "final") is None and _rate_shown(row) is None


# -- the code page ---------------------------------------------------------------------


def _rate_rows(page: str) -> list[tuple[str, str, str]]:
    return re.findall(r'<tr data-unit="([^"]+)" data-year="(\d+)">(.*?)</tr>', page, re.S)


def test_code_page_lists_execution_rates_across_units_lowest_first(client, pair):
    response = client.get("/page/classification/function/2080505", headers=HTML)
    assert response.status_code == 200
    rows = _rate_rows(response.text)
    rates = [_rate_shown(row) for _, _, row in rows]
    # Five units with a budget and a 决算, lowest rate first; then seed 001's budget alone.
    assert len(rows) == 6 and None not in rates[:5] and rates[:5] == sorted(rates[:5]) and rates[5] is None  # type: ignore[type-var]
    unit, year, row = rows[5]
    assert unquote(unit).endswith("石家庄市鹿泉区上庄镇人民政府本级") and _cell(row, "budget") and _cell(row, "final") is None
    by_unit = {}
    for unit, year, row in rows[:5]:
        budget, final = _cell(row, "budget"), _cell(row, "final")
        assert budget and final
        assert _rate_shown(row) == _rate(_wan(final["yuan"]), _wan(budget["yuan"]))
        assert 'href="/page/unit/' in row
        by_unit[unit.rsplit("/", 1)[1]] = (year, budget, final, row)
    # The generated pair: budget from the budget document, actual from the 决算, as printed.
    for unit_doc in (p for p in pair if "决算" in p.name):
        budget_doc = unit_doc.with_name(unit_doc.name.replace("_决算", ""))
        code_line, (initial, _, actual, *_) = _table_rows(unit_doc, FINAL_HEADER)["2080505"]
        budget_line, (total, *_) = _table_rows(budget_doc, BUDGET_HEADER)["2080505"]
        year, budget, final, _ = by_unit[quote(_unit_name(unit_doc))]
        assert (budget["file"], int(budget["line"]), _wan(budget["wan"])) == (budget_doc.name, budget_line, total)
        assert (final["file"], int(final["line"]), _wan(final["wan"])) == (unit_doc.name, code_line, actual)
    # 社会工作部 states only a 全年(调整)预算 for 2080505: 6.18 of 9.00 万元.
    year, budget, final, row = by_unit[quote("中共上海市普陀区委社会工作部")]
    assert (year, budget["wan"], final["wan"], _rate_shown(row)) == ("2024", "9.00", "6.18", Decimal("68.67"))
    assert "对调整预算" in row
    text = read_document(CORPUS / "中共上海市普陀区委社会工作部2024年度部门决算.pdf")
    assert "全年预算为 9.00 万元" in " ".join(text.line(n) for n in range(int(budget["line"]), int(budget["line"]) + 3))


def test_code_page_rates_come_a_page_at_a_time(client, monkeypatch):
    monkeypatch.setattr(code_page, "RATES_PAGE", 2)
    first = client.get("/page/classification/function/2080505", headers=HTML).text
    second = client.get("/page/classification/function/2080505?rates=2", headers=HTML).text
    last = client.get("/page/classification/function/2080505?rates=4", headers=HTML).text
    assert [len(_rate_rows(p)) for p in (first, second, last)] == [2, 2, 2]
    assert 'rel="next" href="/page/classification/function/2080505?rates=2#execution"' in first and 'rel="prev"' not in first
    assert 'rel="prev" href="/page/classification/function/2080505?rates=0#execution"' in second
    assert 'rel="next" href="/page/classification/function/2080505?rates=4#execution"' in second
    assert 'rel="next"' not in last and "5–6 / 6" in last
    shown = [r for p in (first, second, last) for r in _rate_rows(p)]
    assert len({(unit, year) for unit, year, _ in shown}) == 6
    rates = [_rate_shown(row) for *_, row in shown]
    assert rates[:5] == sorted(rates[:5]) and rates[5] is None  # type: ignore[type-var]


def test_a_codes_rates_are_kept_until_the_store_changes(store):
    graph = Graph(store.oxigraph)
    code = ox.NamedNode(f"{DEFAULT_BASE_IRI}id/classification/function/2080505")
    generation = [0]
    kept = execution.CodeRates(lambda: generation[0], size=1)
    first = kept(graph, code, "2080505")
    assert kept(graph, code, "2080505") is first  # the next page of rates asks again
    assert first == execution.code_execution(graph, code, "2080505")
    generation[0] += 1  # an update applied by the server
    again = kept(graph, code, "2080505")
    assert again is not first and again == first
    other = ox.NamedNode(f"{DEFAULT_BASE_IRI}id/classification/function/208")
    kept(graph, other, "208")  # size 1: the older code is let go
    assert kept(graph, code, "2080505") is not again


# -- the code's rows through the execution figures (kg.summary) ---------------------------


def _functional_codes(graph: Graph) -> list[tuple[ox.NamedNode, str]]:
    rows = graph.select("SELECT DISTINCT ?c ?n WHERE { ?e a bkg:ExecutionFigure ; bkg:functionalClassification ?c ; bkg:codeNotation ?n }")
    return sorted(((r["c"], r["n"].value) for r in rows), key=lambda c: c[1])  # type: ignore[union-attr,misc]


def test_code_rows_through_execution_figures_equal_the_rows_chosen_from_every_figure(store, pair):
    """For every code of the generated pairs, the real 决算 PDFs and seed 001: the same units and
    years in the same order with the same rates, and the same figures (lines, pages, scope) once read."""
    graph = Graph(store.oxigraph)
    codes = _functional_codes(graph)
    assert len(codes) > 50
    read_off = chosen = 0
    for code, notation in codes:
        rows = execution.code_execution(graph, code, notation)
        exact = execution.code_execution_from_figures(graph, code, notation)
        assert [(r.unit, r.year, r.rate) for r in rows] == [(e.unit, e.year, e.rate) for e in exact], notation
        assert execution.shown(graph, rows) == execution.with_details(graph, exact), notation
        read_off += sum(r.exact is None for r in rows)
        chosen += sum(r.exact is not None for r in rows)
    # Both ways are taken: each code of a generated pair's 支出决算表 rated off its execution figure
    # (one budget document and one 决算), the PDFs' and seed 001's rows chosen from their figures.
    assert read_off == sum(len(_table_rows(p, FINAL_HEADER)) for p in pair if "决算" in p.name)
    assert chosen > 50


def test_a_shown_row_whose_figures_disagree_with_its_execution_figure_is_ordered_by_every_figure(tmp_path):
    """A budget that prints 2080505 twice in its 支出总表, the second time larger: the execution
    figure keeps the larger, the rules take the first printed, and the page shows what the
    rules choose."""
    from kg.ingest import ingest_many, load_ontology
    from kg.settings import Settings
    from kg.store import OxigraphStore

    budget_doc, final_doc = sorted(generate(1, 1, tmp_path, seed=5, final_accounts=True), key=lambda p: "决算" in p.name)
    line, (total, *_) = _table_rows(budget_doc, BUDGET_HEADER)["2080505"]
    lines = budget_doc.read_text(encoding="utf-8").splitlines()
    printed = f"{total:.2f}"
    assert printed in lines[line - 1]
    lines.insert(line, lines[line - 1].replace(printed, "9999.00"))
    budget_doc.write_text("\n".join(lines) + "\n", encoding="utf-8")
    small = OxigraphStore()
    load_ontology(small)
    assert all(r.report for r in ingest_many([budget_doc, final_doc], small, Settings(validate=False), workers=1))
    graph = Graph(small.oxigraph)
    code = ox.NamedNode(f"{DEFAULT_BASE_IRI}id/classification/function/2080505")
    rows = execution.code_execution(graph, code, "2080505")
    exact = execution.code_execution_from_figures(graph, code, "2080505")
    assert len(rows) == len(exact) == 1 and rows[0].exact is None
    actual = _table_rows(final_doc, FINAL_HEADER)["2080505"][1][2]
    assert exact[0].budget is not None and (exact[0].budget.yuan, exact[0].budget.line) == (total * 10000, line)
    assert exact[0].rate == _rate(actual, total) and rows[0].rate == _rate(actual, Decimal("9999.00"))
    assert execution.shown(graph, rows) is None
    page = code_page.rates(graph, code, "2080505", 0)
    assert page.rows == tuple(execution.with_details(graph, exact)) and page.total == 1
