"""Pages come from Jinja2 templates with autoescape on, so what a document prints is shown as text.

A seed is changed to print markup in a 科目名称 (a row label, a code name, a chart label)
and in a 绩效指标 name, then ingested; every kind of page that shows one of them must show
it escaped. And no module of api/ builds markup in a Python string any more.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.config import ServerConfig
from conftest import REPO, seed
from kg.settings import DEFAULT_BASE_IRI as BASE

EVIL = "<script>alert('x')</script>\" onmouseover=\"x"
HTML = {"accept": "text/html"}
BKG = "https://w3id.org/budgetkg/ontology#"


@pytest.fixture(scope="module")
def evil(tmp_path_factory):
    from kg.ingest import find_documents, ingest_many, load_ontology
    from kg.settings import Settings
    from kg.store import OxigraphStore

    text = seed("001").read_text(encoding="utf-8")
    for printed in ("\t20140\t信访事务\t", "\t保障办公人数\t"):  # a 款 of the 支出总表; an indicator (line 630)
        assert printed in text
        text = text.replace(printed, printed[:-1] + EVIL + "\t")
    folder = tmp_path_factory.mktemp("evil")
    (folder / "001_evil.txt").write_text(text, encoding="utf-8")
    store = OxigraphStore()
    load_ontology(store)
    results = list(ingest_many(find_documents([str(folder)]), store, Settings()))
    assert len(results) == 1 and results[0].report
    with TestClient(create_app(ServerConfig(store=None, query_workers=0), store)) as client:
        yield store, client


def _one(store, sparql: str) -> str:
    rows = list(store.oxigraph.query(sparql, use_default_graph_as_union=True))
    assert rows, sparql
    return rows[0][0].value


def _path(iri: str) -> str:
    return "/page/" + iri[len(BASE + "id/") :]


def _shown_as_text(page: str) -> None:
    assert "<script>alert" not in page
    assert '" onmouseover="x' not in page
    assert "&lt;script&gt;alert(" in page


def test_printed_markup_is_text_on_every_page_that_shows_it(evil):
    store, client = evil
    figure = _one(store, f'SELECT ?f WHERE {{ ?f <{BKG}rowLabel> ?l FILTER(CONTAINS(?l, "<script>")) }} LIMIT 1')
    table = _one(store, f"SELECT ?t WHERE {{ <{figure}> <http://purl.org/linked-data/cube#dataSet> ?t }}")
    document = _one(store, f"SELECT ?d WHERE {{ ?d a <{BKG}BudgetDocument> }}")
    indicator = _one(store, f'SELECT ?i WHERE {{ ?i a <{BKG}Indicator> ; <http://www.w3.org/2000/01/rdf-schema#label> ?l FILTER(CONTAINS(?l, "<script>")) }}')
    target = _one(store, f"SELECT ?p WHERE {{ ?p <{BKG}indicator> <{indicator}> }}")
    pages = {
        "document": _path(document),
        "table": _path(table),
        "figure": _path(figure),
        "code": "/page/classification/function/20140",
        "indicator": _path(indicator),
        "target": _path(target),
        "search": "/search?q=" + quote("信访事务"),
    }
    for kind, path in pages.items():
        response = client.get(path, headers=HTML)
        assert response.status_code == 200, (kind, path)
        _shown_as_text(response.text)
    chart = re.search(r"<svg.*?</svg>", client.get(pages["document"], headers=HTML).text, re.S)
    assert chart is not None
    _shown_as_text(chart.group(0))  # the 款's bar label


# An opening tag, but not a regex's named group such as (?P<code>…).
_TAG = re.compile(
    r"(?<!\?P)<(?:html|head|body|div|section|table|thead|tbody|tr|td|th|a|p|h[1-6]|span|ul|ol|li|dl|dt|dd|details|summary|form|input|"
    r"code|strong|br|svg|rect|text|g|option|select|script|style|link|meta|figure)[\s>/]"
)


def _markup_in_strings(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)
    }
    return [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings and _TAG.search(node.value)]


def test_no_module_of_api_builds_markup_in_python_strings():
    found = {str(path.relative_to(REPO)): lines for path in sorted((REPO / "api").rglob("*.py")) if (lines := _markup_in_strings(path))}
    assert found == {}, f"HTML belongs in api/templates/, not in Python strings: {found}"
