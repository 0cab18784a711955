"""Linked data over HTTP: 303 conneg at /id/, /page/ and /data/, 404, escaping, paging, search."""

from __future__ import annotations

import re
from urllib.parse import quote

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.config import ServerConfig
from kg.settings import DEFAULT_BASE_IRI
from kg.store import OxigraphStore

BASE = DEFAULT_BASE_IRI
BKG = "https://w3id.org/budgetkg/ontology#"
DOC = "001_7775ef2f79e893ee"
UNIT = "石家庄市鹿泉区上庄镇人民政府本级"
CODE = "classification/function/2080505"
HTML = {"accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.fixture(scope="module")
def client(seed_store):
    app = create_app(ServerConfig(store=None, query_workers=0), seed_store)
    with TestClient(app) as test_client:
        yield test_client


@pytest.mark.parametrize(
    "accept, location",
    [
        (HTML["accept"], f"/page/document/{DOC}"),
        ("text/turtle", f"/data/document/{DOC}?format=turtle"),
        ("application/ld+json", f"/data/document/{DOC}?format=jsonld"),
        ("application/n-triples", f"/data/document/{DOC}?format=ntriples"),
        ("application/rdf+xml", f"/data/document/{DOC}?format=rdfxml"),
        ("*/*", f"/data/document/{DOC}?format=turtle"),
    ],
)
def test_id_redirects_by_accept(client, accept, location):
    response = client.get(f"/id/document/{DOC}", headers={"accept": accept}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == location
    assert "Accept" in response.headers["vary"]


def test_format_parameter_overrides_accept(client):
    response = client.get(f"/id/document/{DOC}?format=ntriples", headers=HTML, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/data/document/{DOC}?format=ntriples"
    data = client.get(f"/data/document/{DOC}?format=jsonld", headers={"accept": "text/turtle"})
    assert data.headers["content-type"].startswith("application/ld+json")


@pytest.mark.parametrize(
    "media, fmt",
    [("text/turtle", ox.RdfFormat.TURTLE), ("application/n-triples", ox.RdfFormat.N_TRIPLES), ("application/ld+json", ox.RdfFormat.JSON_LD), ("application/rdf+xml", ox.RdfFormat.RDF_XML)],
)
def test_data_describes_the_resource(client, media, fmt):
    response = client.get(f"/id/{CODE}", headers={"accept": media})  # follows the 303
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)
    assert "Accept" in response.headers["vary"]
    code = ox.NamedNode(f"{BASE}id/{CODE}")
    triples = list(ox.parse(response.content, format=fmt))
    outgoing = {(t.predicate.value, t.object.value) for t in triples if t.subject == code}
    assert ("http://www.w3.org/2004/02/skos/core#notation", "2080505") in outgoing
    assert ("http://www.w3.org/2004/02/skos/core#broader", f"{BASE}id/classification/function/20805") in outgoing
    incoming = [t for t in triples if t.object == code]
    assert any(t.predicate.value == BKG + "functionalClassification" for t in incoming)
    # Labels of linked resources come along.
    labelled = {t.subject for t in triples if t.subject != code and t.predicate.value.endswith(("#label", "#prefLabel"))}
    assert any("/code-name/" in s.value for s in labelled)


def test_every_kind_of_minted_iri_resolves(client, seed_store):
    rows = seed_store.oxigraph.query(
        f"""SELECT ?kind (SAMPLE(?s) AS ?x) WHERE {{
              {{ SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{BASE}id/")) }} }}
              BIND(REPLACE(STR(?s), "^{BASE}id/(document/[^/]+/)?([a-z-]+).*$", "$2") AS ?kind) }} GROUP BY ?kind""",
        use_default_graph_as_union=True,
    )
    samples = [row["x"].value for row in rows]
    assert len(samples) >= 8
    for iri in samples:
        path = iri[len(BASE) - 1 :]
        page = client.get(path, headers=HTML)
        assert page.status_code == 200, path
        assert page.headers["content-type"].startswith("text/html")
        data = client.get(path, headers={"accept": "text/turtle"})
        assert data.status_code == 200, path
        assert iri in data.text or quote(iri, safe=":/%") in data.text


def test_unknown_iri_is_404(client):
    for path in ("/id/document/nope", "/page/unit/不存在的单位", "/data/classification/function/9999999", "/graph/nope"):
        assert client.get(path, headers=HTML, follow_redirects=False).status_code == 404, path
        assert client.get(path, headers={"accept": "text/turtle"}, follow_redirects=False).status_code == 404, path
    assert client.get("/page?iri=http://example.org/unknown", headers=HTML).status_code == 404
    assert client.get("/ontology/NoSuchTerm", headers=HTML).status_code == 404


def test_unacceptable_accept_is_406(client):
    response = client.get(f"/id/document/{DOC}", headers={"accept": "image/png"}, follow_redirects=False)
    assert response.status_code == 406


def test_chinese_iris_resolve_encoded_or_not(client):
    encoded = client.get(f"/page/unit/{quote(UNIT)}", headers=HTML)
    assert encoded.status_code == 200 and UNIT in encoded.text
    lower = client.get(f"/page/unit/{quote(UNIT).lower()}", headers=HTML)
    assert lower.status_code == 200


def test_document_page_content(client):
    page = client.get(f"/page/document/{DOC}", headers=HTML).text
    assert "10,283.02" in page  # 102,830,200 yuan total, in 万元
    assert 'title="102,830,200.00 元"' in page
    assert "基本支出" in page and "项目支出" in page
    assert "<svg" in page and "/page/classification/function/208" in re.findall(r"<svg.*?</svg>", page, re.S)[0]
    assert "001_7775ef2f79e893ee.txt 第 172 行" in page
    assert "<script" not in page.lower()


def test_code_page_lists_names_units_and_children(client):
    page = client.get(f"/page/{CODE}", headers=HTML).text
    assert "机关事业单位基本养老保险缴费支出" in page
    assert "/page/classification/function/20805" in page
    parent = client.get("/page/classification/function/208", headers=HTML).text
    assert "/page/classification/function/20805" in parent  # child link


def test_indicator_page_shows_grades(client, seed_store):
    rows = seed_store.oxigraph.query(
        f"SELECT ?i WHERE {{ ?i <{BKG}gradeThreshold> ?a, ?b, ?c, ?d FILTER(?a != ?b && ?a != ?c && ?a != ?d && ?b != ?c && ?b != ?d && ?c != ?d) }} LIMIT 1",
        use_default_graph_as_union=True,
    )
    iri = next(iter(rows))["i"].value
    page = client.get(iri[len(BASE) - 1 :].replace("/id/", "/page/", 1), headers=HTML).text
    for grade in ("优", "良", "中", "差"):
        assert f">{grade}</span>" in page


def test_incoming_links_are_counted_and_paged(client):
    page = client.get("/ontology/BudgetFigure", headers=HTML).text
    match = re.search(r'href="(/ontology/BudgetFigure\?p=[^"]+)"', page)
    assert match, "no link to the paged incoming list"
    first = client.get(match.group(1).replace("&amp;", "&"), headers=HTML).text
    assert 'rel="next"' in first and 'rel="prev"' not in first
    items = re.findall(r"<li>", first)
    assert len(items) == 50
    second_href = re.search(r'rel="next" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    second = client.get(second_href, headers=HTML).text
    assert 'rel="prev"' in second and 'start="51"' in second
    assert set(re.findall(r"figure/[^\"]+", first)).isdisjoint(re.findall(r"figure/[^\"]+", second))


def test_search_finds_chinese_substrings(client):
    page = client.get("/search", params={"q": "养老保险"}, headers=HTML).text
    assert "/page/classification/" in page
    units = client.get("/search", params={"q": "上庄镇"}, headers=HTML).text
    assert f"/page/unit/{quote(UNIT)}" in units
    code = client.get("/search", params={"q": "20805"}, headers=HTML).text
    assert "/page/classification/function/2080505" in code
    assert "没有找到" in client.get("/search", params={"q": "zzzz-无此名称"}, headers=HTML).text


def test_accept_language_picks_labels(client):
    zh = client.get("/ontology/BudgetFigure", headers={**HTML, "accept-language": "zh-CN,zh;q=0.9"}).text
    en = client.get("/ontology/BudgetFigure", headers={**HTML, "accept-language": "en-GB,en;q=0.9"}).text
    assert re.search(r"<h1>(.*?)</h1>", zh).group(1) != re.search(r"<h1>(.*?)</h1>", en).group(1)
    assert '<html lang="en">' in en and '<html lang="zh">' in zh


def test_text_is_escaped_and_assets_are_local():
    store = OxigraphStore()
    evil = "<script>alert('x')</script><b>加粗</b>"
    unit = f"{BASE}id/unit/evil"
    graph = ox.NamedNode(f"{BASE}graph/reference")
    node = ox.NamedNode(unit)
    store.oxigraph.extend(
        [
            ox.Quad(node, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(BKG + "BudgetUnit"), graph),
            ox.Quad(node, ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel"), ox.Literal(evil, language="zh"), graph),
            ox.Quad(node, ox.NamedNode(BKG + "note"), ox.Literal('" onmouseover="x'), graph),
        ]
    )
    app = create_app(ServerConfig(store=None, query_workers=0), store)
    with TestClient(app) as client:
        for path in ("/page/unit/evil", "/", "/search?q=%3Cscript%3E"):
            page = client.get(path, headers=HTML).text
            assert "<script>alert" not in page and "<b>加粗" not in page, path
            assert '" onmouseover="x' not in page
            assert "&lt;script&gt;" in page, path
            # No asset from another host: every src/href for a stylesheet or script is local.
            for ref in re.findall(r'<(?:link|script|img)[^>]+(?:href|src)="([^"]+)"', page):
                assert ref.startswith("/"), ref


def test_a_unit_page_leaves_out_its_name_pieces_and_its_data_keeps_them(client):
    # The pieces are kg.name_index's search index, not a statement of the document.
    page = client.get(f"/page/unit/{quote(UNIT)}", headers=HTML).text
    assert UNIT in page and "名称二字片段" not in page and "上庄" in page
    data = client.get(f"/data/unit/{quote(UNIT)}", params={"format": "ntriples"}).text
    assert f'<{BKG}nameBigram> "上庄"' in data
