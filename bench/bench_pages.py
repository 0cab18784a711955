"""Page benchmark: the unit and code pages (budget against actual) on a corpus of pairs,
or the document pages of given files.

    python bench/bench_pages.py [--units 500] [--years 2] [--store DIR] [--runs 5] [--sample 5]
    python bench/bench_pages.py --documents FILE... [--runs 9]

Generates ``units`` x ``years`` budget + 决算 pairs (``budgetkg generate --final-accounts``;
500 x 2 = 1,000 pairs, 2,000 documents) and ingests them without validation into an
on-disk store, unless ``--store`` already holds documents (e.g. the store
bench/bench_analytics.py built). Then, for ``--sample`` units and for codes of each level
(a 类, a 款 and the 项 most units use), it times GETs of each page through the app (in
process, no network): the first, then ``runs`` more (a code's rates are kept by the server
after the first), and, apart, the budget-against-actual rows the page adds (``api.execution``,
uncached: a code's through its execution figures, and below it, as they were chosen before,
from every figure of the code); it prints milliseconds, median and worst. Issue 12 wants a
page well under 1 s.

``--documents`` ingests the files (with validation, as a server would show them) into a store
in memory and times each one's document page in Chinese and in English: the process CPU of a
GET (TestClient and app together), median and worst of ``runs``, and the CPU the Jinja2
templates took within it (every ``Template.render`` of the GET, in the thread that ran it).
CPU rather than wall time, since wall time follows whatever else the machine runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import Any, Callable, Sequence
from urllib.parse import unquote

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import jinja2  # noqa: E402
import pyoxigraph as ox  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from api import execution  # noqa: E402
from api.app import create_app  # noqa: E402
from api.config import ServerConfig  # noqa: E402
from api.describe import Graph  # noqa: E402
from api.html import Site  # noqa: E402
from kg.settings import DEFAULT_BASE_IRI  # noqa: E402
from kg.store import OxigraphStore  # noqa: E402
from pairs import build_pair_store  # noqa: E402  (bench/ beside this file)
from kg.vocabulary import sparql_prefixes  # noqa: E402

HTML = {"accept": "text/html", "accept-language": "zh-CN"}


def _ms(action: Callable[[], object], runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times)


def _report(name: str, client: TestClient, path: str, query: Callable[[], Sequence[object]], runs: int) -> None:
    first = _ms(partial(_get, client, path), 1)[0]  # also fills the OS page cache, and the server's kept rates
    page = _ms(partial(_get, client, path), runs)
    rows = len(query())
    alone = _ms(query, runs)
    print(f"{name[:50]:51} {first:7.0f} {page[0]:7.0f} {page[1]:8.0f} {alone[0]:7.0f} {alone[1]:8.0f} {rows}", flush=True)


def _get(client: TestClient, path: str) -> None:
    client.get(path, headers=HTML).raise_for_status()


def _select(store: OxigraphStore, query: str) -> list[str]:
    rows = store.query(sparql_prefixes() + query)
    assert isinstance(rows, ox.QuerySolutions)  # a SELECT
    return [row[0].value for row in rows]


def _timing_templates() -> list[float]:
    """Make every Template.render add its thread CPU (ms) to the returned list."""
    spent: list[float] = []
    render = jinja2.Template.render

    def timed(self: jinja2.Template, *args: Any, **kwargs: Any) -> str:
        started = time.thread_time()
        try:
            return render(self, *args, **kwargs)
        finally:
            spent.append((time.thread_time() - started) * 1000)

    jinja2.Template.render = timed  # type: ignore[method-assign]  # a bench measuring, not the app
    return spent


def document_pages(paths: list[Path], runs: int) -> None:
    """Each document's page, zh and en: process CPU per GET and the templates' part of it."""
    from kg.ingest import ingest_many, load_ontology
    from kg.settings import Settings

    store = OxigraphStore()
    load_ontology(store)
    ids = [r.report.document_id for r in ingest_many(paths, store, Settings()) if r.report]
    spent = _timing_templates()
    app = create_app(ServerConfig(store=None, query_workers=0), store)
    print(f"{'document page':40} {'first':>7} {'CPU ms':>15} {'templates ms':>15} {'bytes':>8}")
    with TestClient(app) as client:
        for doc_id in ids:
            for lang in ("zh-CN", "en"):
                headers = {"accept": "text/html", "accept-language": lang}
                path = "/page/document/" + doc_id
                started = time.process_time()
                size = len(client.get(path, headers=headers).raise_for_status().content)
                first = (time.process_time() - started) * 1000
                cpu, templates = [], []
                for _ in range(runs):
                    spent.clear()
                    started = time.process_time()
                    client.get(path, headers=headers).raise_for_status()
                    cpu.append((time.process_time() - started) * 1000)
                    templates.append(sum(spent))
                print(
                    f"{doc_id[:33] + ' ' + lang[:2]:40} {first:7.0f} {statistics.median(cpu):7.1f} {max(cpu):7.1f} {statistics.median(templates):7.1f} {max(templates):7.1f} {size:8}",
                    flush=True,
                )
    print(f"first: CPU ms of the first GET; then median and worst of {runs} more GETs (process CPU), and of the templates' CPU within them")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--years", type=int, default=2)
    parser.add_argument("--store", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sample", type=int, default=5, help="how many units to time")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--documents", type=Path, nargs="+", metavar="FILE", help="time these documents' pages instead (e.g. ../shared/seeds/001_*.txt)")
    args = parser.parse_args()
    if args.documents:
        document_pages(args.documents, args.runs)
        return 0
    store_dir = args.store or Path(tempfile.mkdtemp(prefix="budgetkg-pages-"))
    if not (store_dir.exists() and any(store_dir.iterdir())):
        build_pair_store(store_dir, args.units, args.years, args.workers)
    store = OxigraphStore(store_dir, read_only=True)  # pages only read; another process may hold it open
    documents = _select(store, "SELECT (COUNT(*) AS ?n) WHERE { ?d a bkg:BudgetDocument }")[0]
    print(f"store {store_dir}: {len(store):,} quads, {documents} documents", flush=True)
    units = _select(store, f"SELECT ?u WHERE {{ ?u a bkg:BudgetUnit }} ORDER BY ?u LIMIT {args.sample}")
    codes = _select(
        store,
        """SELECT ?c WHERE { { SELECT ?c (COUNT(?f) AS ?n) (STRLEN(SAMPLE(?x)) AS ?len) WHERE {
        ?f bkg:functionalClassification ?c . ?c skos:notation ?x } GROUP BY ?c } } ORDER BY ?len DESC(?n)""",
    )
    by_level: dict[int, str] = {}
    for code in codes:
        by_level.setdefault(len(code.rsplit("/", 1)[1]), code)  # the most used code of each length
    graph = Graph(store.oxigraph)
    site = Site(DEFAULT_BASE_IRI, ("zh",), "zh")
    app = create_app(ServerConfig(store=None, query_workers=0), store)
    print(f"{'page':51} {'first':>7} {'again ms':>16} {'query ms':>16} rows")
    with TestClient(app) as client:
        for unit in units:
            _report(f"unit {unquote(unit[len(DEFAULT_BASE_IRI) + 8 :])}", client, site.href(unit), partial(execution.unit_execution, graph, ox.NamedNode(unit)), args.runs)
        for code in (by_level[length] for length in sorted(by_level)):
            notation = code.rsplit("/", 1)[1]
            _report(f"code {notation}", client, site.href(code), partial(execution.code_execution, graph, ox.NamedNode(code), notation), args.runs)
            every = partial(execution.code_execution_from_figures, graph, ox.NamedNode(code), notation)
            alone = _ms(every, args.runs)
            print(f"{'  rows from every figure (before)':51} {'':7} {'':7} {'':8} {alone[0]:7.0f} {alone[1]:8.0f} {len(every())}", flush=True)
    print(
        f"first: the first GET; again: median and worst of {args.runs} more (a code page's rates are then kept by the "
        "server); query: the budget-against-actual rows alone, uncached; GETs go through the app in process (no network)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
