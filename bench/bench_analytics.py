"""Analytics benchmark: the corpus questions over every figure and over the summary figures.

    python bench/bench_analytics.py [--units 500] [--years 2] [--store DIR] [--runs 3] [--summary-only] [--http]

Generates ``units`` x ``years`` budget + 决算 pairs (``budgetkg generate
--final-accounts``; 500 x 2 = 1,000 pairs, 2,000 documents), ingests them into an
on-disk store (no validation: it is not what is measured) unless ``--store`` already
holds them, then runs each query of ``kg.summary_queries`` in both forms ``runs``
times, interleaved, and prints the median and worst seconds of each and whether the
two forms gave the same rows (issue 12's target: an execution-rate query over 1,000
pairs in < 1 s; issue 13's: the bench mix's GROUP BY within its p95 of 1 s).

Then each query of ``budgetkg bench``'s mix in process (wall and thread CPU ms) and, with
``--http``, also over HTTP against ``budgetkg serve`` on the same store, each round one
request in process and one over HTTP (wall ms and the CPU ms the server's processes spent
on it): what a request costs besides the engine. Side by side, since figures taken minutes
apart differ with the machine's load and the caches more than the two paths do.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx
import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kg.store import OxigraphStore  # noqa: E402
from pairs import build_pair_store  # noqa: E402  (bench/ beside this file)
from kg.scale_bench import QUERY_MIX, post_query, process_tree, serve_store  # noqa: E402
from kg.solutions import named_node, solutions  # noqa: E402
from kg.summary_queries import query_pairs  # noqa: E402
from kg.vocabulary import sparql_prefixes  # noqa: E402


def _timed(store: OxigraphStore, query: str) -> tuple[float, Counter[tuple[str, ...]]]:
    started = time.perf_counter()
    result = solutions(store.query(sparql_prefixes() + "\n" + query))
    names = [v.value for v in result.variables]
    rows = Counter(tuple(str(row[name]) for name in names) for row in result)
    return time.perf_counter() - started, rows


def _mix_in_process(store: OxigraphStore, query: str) -> tuple[float, float]:
    """Wall and thread CPU ms of ``query`` evaluated and written as SPARQL JSON, as the server does."""
    started, cpu_started = time.perf_counter(), time.thread_time()
    solutions(store.query(sparql_prefixes() + "\n" + query)).serialize(format=ox.QueryResultsFormat.JSON)
    return (time.perf_counter() - started) * 1000, (time.thread_time() - cpu_started) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--years", type=int, default=2)
    parser.add_argument("--store", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--summary-only", action="store_true", help="time only the summary form (the figure forms take minutes on 1,000 pairs)")
    parser.add_argument("--http", action="store_true", help="also time the bench mix over HTTP against budgetkg serve on the store, with the server's CPU")
    args = parser.parse_args()
    store_dir = args.store or Path(tempfile.mkdtemp(prefix="budgetkg-analytics-"))
    if not (store_dir.exists() and any(store_dir.iterdir())):
        build_pair_store(store_dir, args.units, args.years, args.workers)
    store = OxigraphStore(store_dir)
    print(f"store {store_dir}: {len(store):,} quads")
    print(f"{'query':38} {'figures s':>10} {'(worst)':>8} {'summary s':>10} {'(worst)':>8} {'rows':>6} same")
    for name, (figures, summary, _) in query_pairs().items():
        slow: list[float] = []
        fast: list[float] = []
        same = True
        for _ in range(args.runs):  # interleaved: both forms meet the same load of the machine
            if not args.summary_only:
                seconds, expected = _timed(store, figures)
                slow.append(seconds)
            seconds, got = _timed(store, summary)
            fast.append(seconds)
            if args.summary_only:
                expected = got
            same = same and (got == expected or name == "biggest under-spends" and sum(got.values()) == sum(expected.values()))
        figure_columns = f"{statistics.median(slow):10.3f} {max(slow):8.3f}" if slow else f"{'-':>10} {'-':>8}"
        print(f"{name:38} {figure_columns} {statistics.median(fast):10.3f} {max(fast):8.3f} {sum(expected.values()):6} {'yes' if same and slow else 'NO' if slow else '-'}", flush=True)
    # Each query of the bench mix alone (in process, no HTTP): which one sets the mix's p95.
    unit = named_node(next(iter(solutions(store.query("SELECT ?u WHERE { ?u a <https://w3id.org/budgetkg/ontology#BudgetUnit> } LIMIT 1")))), "u").value
    server, url = serve_store(store_dir) if args.http else (None, "")
    try:
        with httpx.Client(timeout=120) as client:
            pids = process_tree(server.pid) if server is not None else []
            for name, query in QUERY_MIX.items():
                text = query.replace("{unit}", unit)
                local: list[tuple[float, float]] = []
                remote: list[tuple[float, float | None]] = []
                for round_ in range(args.runs + 1):  # the first round warms both up
                    here = _mix_in_process(store, text)
                    there = post_query(client, url, sparql_prefixes() + text, pids) if server is not None else None
                    if round_:
                        local.append(here)
                        if there is not None:
                            remote.append(there)
                line = f"bench mix: {name:15} in process {statistics.median(ms for ms, _ in local):7.1f} ms (CPU {statistics.median(ms for _, ms in local):6.1f})"
                if remote:
                    spent = [ms for _, ms in remote if ms is not None]
                    line += f", over HTTP {statistics.median(ms for ms, _ in remote):7.1f} ms (server CPU {statistics.median(spent) if spent else float('nan'):6.1f})"
                print(line, flush=True)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
