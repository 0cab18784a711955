"""A real browser (Debian's headless Chromium, driven by Playwright) reads the pages as a person would.

Runs against a real uvicorn server holding the seed documents. Screenshots go to
``test-artifacts/``. Skips only when /usr/bin/chromium or the playwright package
is missing (scripts/test installs both on CI).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from urllib.parse import urlparse

import pytest

from api.app import create_app
from api.config import ServerConfig
from conftest import free_port, running_server

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium; scripts/test does this on CI)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed (pip install playwright)")


@pytest.fixture(scope="module")
def server(seed_store):
    port = free_port()
    app = create_app(ServerConfig(store=None, port=port, query_workers=0), seed_store)
    with running_server(app, port) as url:
        yield url


@pytest.fixture(scope="module")
def browser_context():
    ARTIFACTS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="budgetkg-chromium-") as profile, sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=str(CHROMIUM),
            args=ARGS,
            headless=True,
            java_script_enabled=False,  # the pages must work without JavaScript
            locale="zh-CN",
            viewport={"width": 1280, "height": 900},
        )
        try:
            yield context
        finally:
            context.close()


def test_a_person_browses_units_codes_and_search(server, browser_context):
    page = browser_context.new_page()
    foreign: list[str] = []
    page.on("request", lambda request: foreign.append(request.url) if urlparse(request.url).netloc != urlparse(server).netloc else None)
    failed: list[str] = []
    page.on("response", lambda response: failed.append(f"{response.status} {response.url}") if response.status >= 400 else None)

    # Home: documents, units, counts and a search box.
    page.goto(server + "/")
    assert page.locator("h1").inner_text() == "预算公开知识图谱"
    documents = page.locator("#documents tbody tr")
    assert documents.count() == 5
    assert page.locator("#units").get_by_text("石家庄市鹿泉区上庄镇人民政府本级").is_visible()
    assert page.locator("input[name=q]").first.is_visible()
    page.screenshot(path=str(ARTIFACTS / "01-home.png"), full_page=True)

    # A unit page, reached by following the link.
    page.locator("#units").get_by_role("link", name="石家庄市鹿泉区上庄镇人民政府本级").click()
    page.wait_for_load_state()
    assert "/page/unit/" in page.url
    assert page.locator("h1").inner_text() == "石家庄市鹿泉区上庄镇人民政府本级"
    unit_docs = page.locator("#documents tbody tr")
    assert unit_docs.count() == 1
    assert "10,283.02" in unit_docs.first.inner_text()  # total expenditure in 万元
    assert page.locator("svg.chart").count() == 1
    page.screenshot(path=str(ARTIFACTS / "02-unit.png"), full_page=True)

    # Its document: totals with source lines, the chart, tables and projects.
    page.locator("#documents tbody tr").first.get_by_role("link").first.click()
    page.wait_for_load_state()
    assert "/page/document/001_7775ef2f79e893ee" in page.url
    totals = page.locator("#totals").inner_text()
    assert "基本支出" in totals and "项目支出" in totals and "001_7775ef2f79e893ee.txt 第 172 行" in totals
    amount = page.locator("#totals .amount").first
    assert amount.get_attribute("title").endswith("元")
    page.locator("#tables details").first.locator("summary").click()  # <details> opens without JavaScript
    assert page.locator("#tables details").first.locator("table.grid").is_visible()
    assert page.locator("#projects details").count() > 5
    page.screenshot(path=str(ARTIFACTS / "03-document.png"))

    # A code page from the chart's bar label.
    page.locator("svg.chart a").filter(has_text="208 ").first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/page/classification/function/208")
    assert page.locator("h1").inner_text().startswith("208")

    # Search with a Chinese substring, then open the code.
    page.fill("header input[name=q]", "养老保险缴费")
    page.press("header input[name=q]", "Enter")
    page.wait_for_load_state()
    assert "/search?q=" in page.url
    page.screenshot(path=str(ARTIFACTS / "04-search.png"), full_page=True)
    page.locator("#hits-code").get_by_role("link", name="机关事业单位基本养老保险缴费支出").first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/page/classification/function/2080505")
    assert "机关事业单位基本养老保险缴费支出" in page.locator("main").inner_text()
    amounts = page.locator("#amounts").inner_text()
    assert "石家庄市鹿泉区上庄镇人民政府本级" in amounts and "合计" in amounts
    page.screenshot(path=str(ARTIFACTS / "05-code.png"), full_page=True)

    # Up to the parent code and back down through a child link.
    page.get_by_role("link", name="20805", exact=False).first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/page/classification/function/20805")

    # An indicator with its grade thresholds (优/良/中/差), from search.
    page.goto(server + "/search?q=" + "及时发放")
    page.locator("#hits-indicator a").first.click()
    page.wait_for_load_state()
    assert "/indicator/" in page.url
    page.screenshot(path=str(ARTIFACTS / "06-indicator.png"), full_page=True)

    assert foreign == [], f"requests to other hosts: {foreign}"
    assert failed == [], f"failed requests: {failed}"


@pytest.fixture(scope="module")
def pair_server(tmp_path_factory):
    """A server holding one generated budget + 决算 pair per unit (two units, one year)."""
    from kg.generate import generate
    from kg.ingest import ingest_many, load_ontology
    from kg.settings import Settings
    from kg.store import OxigraphStore

    paths = generate(2, 1, tmp_path_factory.mktemp("pair"), seed=3, final_accounts=True)
    store = OxigraphStore()
    load_ontology(store)
    assert all(r.report for r in ingest_many(paths, store, Settings(validate=False)))
    port = free_port()
    app = create_app(ServerConfig(store=None, port=port, query_workers=0), store)
    with running_server(app, port) as url:
        yield url, paths


def test_a_person_reads_budget_against_actual(pair_server, browser_context):
    server, paths = pair_server
    final_doc = next(p for p in paths if p.name == "900000_2022_决算.txt")
    lines = final_doc.read_text(encoding="utf-8").splitlines()
    unit = next(line.split(" ", 1)[1] for line in lines if line.startswith("900000 "))
    page = browser_context.new_page()
    page.goto(server + "/")
    page.locator("#units").get_by_role("link", name=unit).click()
    page.wait_for_load_state()
    chart = page.locator("#execution svg.chart.paired")
    assert chart.is_visible() and chart.bounding_box()["height"] > 100
    # One pair of bars per 类 and 款 the 支出决算表 prints; the table beside the chart, to the right when wide.
    printed = [line.split("|")[1].strip() for line in lines if line.startswith("| 2") and len(line.split("|")[1].strip()) in (3, 5)]
    assert chart.locator("g.pair").count() == len(set(printed))
    table = page.locator("#execution table.execution")
    assert table.bounding_box()["x"] > chart.bounding_box()["x"]
    row = table.locator("tr[data-code='2080505']")
    assert row.locator("td.rate").inner_text() == "99.23%"  # 342.29 / 344.94
    page.screenshot(path=str(ARTIFACTS / "07-unit-execution.png"), full_page=True)
    # The 决算 amount leads to its figure, at the line the document prints it.
    row.locator("td.final a").click()
    page.wait_for_load_state()
    number = next(i for i, line in enumerate(lines, start=1) if line.startswith("| 2080505 "))
    assert "342.29" in lines[number - 1] and f"第 {number} 行" in page.locator("main").inner_text()
    # The code page: every unit's rate, lowest first, each unit a link to its page.
    page.goto(server + "/page/classification/function/2080505")
    rates = page.locator("#execution tbody tr td.rate strong").all_inner_texts()
    assert len(rates) == 2 and rates == sorted(rates, key=lambda r: float(r.rstrip("%")))
    page.locator("#execution tbody tr").first.get_by_role("link").first.click()
    page.wait_for_load_state()
    assert "/page/unit/" in page.url
    page.screenshot(path=str(ARTIFACTS / "08-unit-from-code.png"), full_page=True)
