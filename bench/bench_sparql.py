"""Benchmark budgetkg's SPARQL endpoint against the Oxigraph server and rdflib-endpoint.

    python bench/bench_sparql.py [--store DIR | --nquads FILE] [--runs N] [--floor] [--baseline DIR] [--schedstat]

Loads the same N-Quads into the three servers (each on a free 127.0.0.1 port),
runs a fixed mix of queries over HTTP with httpx (SPARQL JSON results) and prints
the median and p95 latency per query and server, and budgetkg's ratio to the
Oxigraph server. Without a data argument it generates synthetic budget-like
observations (qb:Observation with bkg:amount, bkg:functionalClassification,
bkg:unit, rdfs:label), one named graph per document.

Needs the ``oxigraph`` (server CLI) and ``rdflib-endpoint`` PyPI packages in the
same environment (their console scripts next to this Python, or on PATH).

``--baseline DIR`` times budgetkg from another checkout in the same rounds
(before/after in one run), ``--only`` picks queries, the ``paired`` column is
the median of each round's ratio, and a last table gives each server's CPU ms
per request (``--schedstat``: from per-thread schedstat, finer for short
queries). On a shared machine the CPU figures say more than latency, which
is mostly waiting for a core. Measured on the default 109k-quad store with
``--no-rdflib --runs 60 --floor --baseline`` (a checkout of 1b0e153, against
an in-loop tier then tried in ``api.executor.TieredRunner``), twice, 2 cores at
load average ~13 from other work: latency ratios to the Oxigraph server moved
by up to 0.3x between the two runs for the same server, and the bare
uvicorn+pyoxigraph app (``--floor``) was itself at 1.01-1.53x on the
code-prefix and label queries. budgetkg's own cost over that app is CPU:
0.2-0.7 ms a short query (point lookup 1.31 vs 0.94 ms, code-prefix 5.31 vs
4.31; per-thread schedstat, first run). The README has the table.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.scale_bench import threads_cpu_ms  # noqa: E402
from kg.vocabulary import BKG, PREFIXES, QB, RDF, RDFS, SKOS  # noqa: E402
from servers import free_port, percentile, stop, tool, wait_until_up  # noqa: E402  (bench/ beside this file)

BASE = "http://127.0.0.1:8000/"
PREFIX_TEXT = "".join(f"PREFIX {p}: <{i}>\n" for p, i in PREFIXES.items() if p in ("bkg", "rdfs", "skos", "qb"))

UNIT_WORDS = ["教育局", "卫生健康委员会", "财政局", "交通运输局", "民政局", "公安局", "文化和旅游局", "农业农村局", "生态环境局", "住房和城乡建设局"]
LEI = ["201", "204", "205", "207", "208", "210", "211", "212", "213", "214", "221", "229"]


def synthetic_nquads(path: Path, observations: int, units: int = 200, seed: int = 7) -> None:
    rng = random.Random(seed)
    codes = sorted({f"{rng.choice(LEI)}{rng.randint(1, 99):02d}{rng.randint(1, 99):02d}" for _ in range(600)})
    quads: list[ox.Quad] = []
    vocab = ox.NamedNode(BASE + "graph/codes")
    for code in codes:
        node = ox.NamedNode(f"{BASE}code/functional/{code}")
        quads += [
            ox.Quad(node, RDF.type, SKOS.Concept, vocab),
            ox.Quad(node, SKOS.notation, ox.Literal(code), vocab),
            ox.Quad(node, SKOS.prefLabel, ox.Literal(f"功能科目{code}", language="zh"), vocab),
        ]
    per_unit = max(1, observations // units)
    for u in range(units):
        unit = ox.NamedNode(f"{BASE}unit/{u}")
        graph = ox.NamedNode(f"{BASE}doc/{u}")
        quads += [
            ox.Quad(unit, RDF.type, ox.NamedNode("http://www.w3.org/ns/org#Organization"), graph),
            ox.Quad(unit, RDFS.label, ox.Literal(f"某市{UNIT_WORDS[u % len(UNIT_WORDS)]}{u}号单位", language="zh"), graph),
        ]
        for i in range(per_unit):
            obs = ox.NamedNode(f"{BASE}obs/{u}/{i}")
            code = rng.choice(codes)
            quads += [
                ox.Quad(obs, RDF.type, QB.Observation, graph),
                ox.Quad(obs, BKG.unit, unit, graph),
                ox.Quad(obs, BKG.functionalClassification, ox.NamedNode(f"{BASE}code/functional/{code}"), graph),
                ox.Quad(obs, BKG.amount, ox.Literal(f"{rng.randint(1, 5_000_000) / 100:.2f}", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")), graph),
                ox.Quad(obs, RDFS.label, ox.Literal(f"功能科目{code}支出", language="zh"), graph),
            ]
            if i % 3 == 0:
                quads.append(ox.Quad(obs, RDFS.comment, ox.Literal("上年结转"), graph))
    ox.serialize(quads, path, format=ox.RdfFormat.N_QUADS)


def mix() -> list[tuple[str, list[str]]]:
    """(name, queries): each run uses the next query of the list, the same for every server."""
    point = [f"SELECT ?p ?o WHERE {{ <{BASE}obs/{u}/{i}> ?p ?o }}" for u, i in ((3, 1), (17, 4), (42, 0), (99, 7), (150, 2))]
    prefix = [
        PREFIX_TEXT + 'SELECT ?obs ?amount WHERE { ?c skos:notation ?n . FILTER(STRSTARTS(?n, "%s")) ?obs bkg:functionalClassification ?c ; bkg:amount ?amount } LIMIT 500' % lei
        for lei in ("2080", "2050", "2101", "2130")
    ]
    group = [PREFIX_TEXT + "SELECT ?unit (SUM(?amount) AS ?total) (COUNT(?obs) AS ?n) WHERE { ?obs bkg:unit ?unit ; bkg:amount ?amount } GROUP BY ?unit ORDER BY DESC(?total)"]
    optional = [
        PREFIX_TEXT + f"SELECT ?obs ?label ?note ?unitLabel WHERE {{ ?obs bkg:unit <{BASE}unit/{u}> ; rdfs:label ?label . "
        f"OPTIONAL {{ ?obs rdfs:comment ?note }} OPTIONAL {{ <{BASE}unit/{u}> rdfs:label ?unitLabel }} }}"
        for u in (5, 60, 120, 180)
    ]
    label = [
        PREFIX_TEXT + f'SELECT ?s ?label WHERE {{ ?s a <http://www.w3.org/ns/org#Organization> ; rdfs:label ?label . FILTER(CONTAINS(STR(?label), "{w}")) }} LIMIT 100'
        for w in ("教育", "卫生", "交通", "民政")
    ]
    return [
        ("point lookup by IRI", point),
        ("code-prefix FILTER", prefix),
        ("GROUP BY sum by unit", group),
        ("OPTIONAL join", optional),
        ("label search", label),
    ]


FLOOR = {"uvicorn only": "constant", "uvicorn+pyoxigraph": "pyoxigraph"}
BASELINE = "baseline"  # --baseline: budgetkg from another checkout, for before/after in one interleaved run


def start_budgetkg(root: Path, store_dir: Path, workers: int | None) -> tuple[str, subprocess.Popen[bytes]]:
    """``budgetkg serve`` as the checkout at ``root`` has it, on ``store_dir``."""
    port = free_port()
    code = "import sys; sys.path.insert(0, %r)\nfrom api.config import ServerConfig\nfrom api.server import run\nrun(ServerConfig(store=%r, port=%d, query_workers=%r))\n" % (
        str(root),
        str(store_dir),
        port,
        workers,
    )
    return f"http://127.0.0.1:{port}/sparql", subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.DEVNULL)


def start_servers(
    nquads: Path,
    store_dir: Path | None,
    work: Path,
    with_rdflib: bool,
    workers: int | None = None,
    floor: bool = False,
    baseline: Path | None = None,
) -> dict[str, tuple[str, subprocess.Popen[bytes]]]:
    servers: dict[str, tuple[str, subprocess.Popen[bytes]]] = {}
    # budgetkg: an embedded Oxigraph store directory.
    if store_dir is None:
        store_dir = work / "budgetkg-store"
        store = ox.Store(str(store_dir))
        store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
        store.flush()
        del store
    servers["budgetkg"] = start_budgetkg(ROOT, store_dir, workers)
    # Oxigraph server, union default graph like budgetkg.
    ox_dir = work / "oxigraph-store"
    subprocess.run([tool("oxigraph", "oxigraph"), "load", "--location", str(ox_dir), "--file", str(nquads)], check=True, capture_output=True)
    port = free_port()
    servers["oxigraph"] = (
        f"http://127.0.0.1:{port}/query",
        subprocess.Popen(
            [tool("oxigraph", "oxigraph"), "serve", "--location", str(ox_dir), "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
            stderr=subprocess.DEVNULL,
        ),
    )
    if baseline is not None:  # the other checkout, on the same store (read-only, as budgetkg opens it)
        servers[BASELINE] = start_budgetkg(baseline, store_dir, workers)
    if floor:  # bench/floor_app.py on budgetkg's store
        for name, kind in FLOOR.items():
            port = free_port()
            servers[name] = (
                f"http://127.0.0.1:{port}/sparql",
                subprocess.Popen([sys.executable, str(ROOT / "bench" / "floor_app.py"), kind, str(store_dir), str(port)], stderr=subprocess.DEVNULL),
            )
    if with_rdflib:
        port = free_port()
        servers["rdflib-endpoint"] = (
            f"http://127.0.0.1:{port}/",
            subprocess.Popen(
                [tool("rdflib-endpoint", "rdflib-endpoint"), "serve", "--host", "127.0.0.1", "--port", str(port), str(nquads)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            ),
        )
    for url, process in servers.values():
        wait_until_up(url, process, limit_s=300)
    return servers


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants (Linux: /proc/PID/task/TID/children); [] where /proc has no such file."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for children in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                todo += [int(child) for child in children.read_text().split()]
            except OSError:
                pass
    return found if Path(f"/proc/{pid}/task").exists() else []


def _cpu_s(pids: list[int]) -> float:
    """CPU seconds so far of ``pids``, threads that have ended included (/proc/PID/stat utime + stime).

    In clock ticks (10 ms), but summed around every request of a server that is
    idle between its requests, so the error over N requests is one tick, not N.
    Per-thread schedstat is finer but forgets a thread once it ends, and the
    Oxigraph server ends threads: it showed 19 ms for a GROUP BY that took
    pyoxigraph 150 ms.
    """
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime: fields 14 and 15 of stat(5)
        except (OSError, ValueError, IndexError):
            pass  # the process ended meanwhile
    return ticks / _TICKS_PER_S


_TICKS_PER_S = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _thread_cpu_s(pids: list[int]) -> float:
    """CPU seconds so far of the live threads of ``pids`` (``kg.scale_bench.threads_cpu_ms``).

    Finer than ``_cpu_s`` (a point lookup's 0.5 ms is two ticks) but blind to
    threads that end: right for budgetkg and the floor apps, whose threads
    outlive their requests, low for the Oxigraph server (``--schedstat``).
    """
    return threads_cpu_ms(pids) / 1000


def run_mix(
    servers: dict[str, tuple[str, subprocess.Popen[bytes]]], runs: int, rdflib_runs: int, names: list[str] | None = None, schedstat: bool = False
) -> tuple[dict[tuple[str, str], list[float]], dict[tuple[str, str], float]]:
    """Latency samples per (query name, server), and each server's CPU ms per request.

    Requests to the servers are interleaved (budgetkg, Oxigraph, budgetkg, ...)
    so that a slow spell of a shared machine hits both alike, in the reverse
    order every other round so that no server always comes first after the
    client's pause; rdflib-endpoint, much slower, gets its own fewer runs after
    them. CPU time is read from the server's process tree (Linux) around each
    request, outside the timed part: on a loaded machine it says what a
    request costs better than latency, which is mostly waiting for a core.
    """
    timings: dict[tuple[str, str], list[float]] = {}
    cpu: dict[tuple[str, str], float] = {}
    cpu_s = _thread_cpu_s if schedstat else _cpu_s
    headers = {"Accept": "application/sparql-results+json"}
    clients = {name: httpx.Client(timeout=120) for name in servers}

    def timed(server: str, query: str) -> float:
        start = time.perf_counter()
        response = clients[server].get(servers[server][0], params={"query": query}, headers=headers)
        response.raise_for_status()
        response.json()
        return (time.perf_counter() - start) * 1000

    try:
        for name, queries in mix():
            if names is not None and name not in names:
                continue
            for server in servers:
                for q in queries[:2]:  # warm-up
                    timed(server, q)
                timings[(name, server)] = []
            interleaved = [s for s in servers if s != "rdflib-endpoint"]
            trees = {server: _tree(servers[server][1].pid) for server in interleaved}
            spent = dict.fromkeys(interleaved, 0.0)
            for i in range(runs):
                for server in interleaved if i % 2 == 0 else interleaved[::-1]:
                    before = cpu_s(trees[server])
                    timings[(name, server)].append(timed(server, queries[i % len(queries)]))
                    spent[server] += cpu_s(trees[server]) - before
            if all(trees.values()):
                cpu.update({(name, server): spent[server] / runs * 1000 for server in interleaved})
            if "rdflib-endpoint" in servers:
                for i in range(rdflib_runs):
                    timings[(name, "rdflib-endpoint")].append(timed("rdflib-endpoint", queries[i % len(queries)]))
    finally:
        for client in clients.values():
            client.close()
    return timings, cpu


def report(timings: dict[tuple[str, str], list[float]], all_servers: list[str], cpu: dict[tuple[str, str], float], schedstat: bool = False) -> None:
    names = [name for name, _ in mix() if (name, "budgetkg") in timings]
    servers = [s for s in all_servers if s not in FLOOR and s != BASELINE]
    header = f"{'query':<22}" + "".join(f"{s + ' med':>22}{s + ' p95':>22}" for s in servers) + f"{'ratio med':>11}{'paired':>9}{'ratio p95':>11}"
    print(header)
    print("-" * len(header))
    for name in names:
        row = f"{name:<22}"
        for server in servers:
            samples = timings[(name, server)]
            row += f"{statistics.median(samples):>19.2f} ms{percentile(samples, 95):>19.2f} ms"
        bkg, oxi = timings[(name, "budgetkg")], timings[(name, "oxigraph")]
        row += f"{statistics.median(bkg) / statistics.median(oxi):>10.2f}x{_paired(bkg, oxi):>8.2f}x{percentile(bkg, 95) / percentile(oxi, 95):>10.2f}x"
        print(row)
    print("ratio = budgetkg / Oxigraph server (target: <= 1.2x); paired = median of each round's ratio (the two requests are sent one after the other)")
    others = [s for s in all_servers if s in FLOOR or s == BASELINE]
    if others:
        compared = [*others, "budgetkg"]
        print()
        print(f"{'/ Oxigraph: med, paired':<24}" + "".join(f"{s:>22}" for s in compared))
        for name in names:
            oxi = timings[(name, "oxigraph")]
            cells = [f"{statistics.median(timings[(name, s)]) / statistics.median(oxi):.2f}x {_paired(timings[(name, s)], oxi):.2f}x" for s in compared]
            print(f"{name:<24}" + "".join(f"{cell:>22}" for cell in cells))
        if any(s in FLOOR for s in others):
            print("uvicorn only: a constant body; uvicorn+pyoxigraph: evaluation in the event loop, nothing else (bench/floor_app.py)")
        if BASELINE in others:
            print("baseline: budgetkg from the --baseline checkout, on the same store, interleaved with the others")
    timed_servers = [s for s in all_servers if s != "rdflib-endpoint"]
    if cpu:
        print()
        print(f"{'server CPU ms/request':<24}" + "".join(f"{s:>22}" for s in timed_servers))
        for name in names:
            print(f"{name:<24}" + "".join(f"{cpu[(name, s)]:>22.3f}" for s in timed_servers))
        if schedstat:
            print("CPU time of each server's live threads while it answered (Linux per-thread schedstat, ns; threads that ended are missed: the Oxigraph server's figure is low)")
        else:
            print("CPU time of each server's processes while it answered (Linux /proc/PID/stat, summed over the runs; one 10 ms tick of error in all)")


def _paired(samples: list[float], reference: list[float]) -> float:
    """The median of each round's ratio: the two requests were sent one after the other."""
    return statistics.median(a / b for a, b in zip(samples, reference))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--store", help="a budgetkg store directory (exported to N-Quads for the other servers)")
    source.add_argument("--nquads", help="an N-Quads file to load into all three servers")
    parser.add_argument("--runs", type=int, default=50, help="requests per query and server (default 50)")
    parser.add_argument("--rdflib-runs", type=int, default=None, help="requests per query for rdflib-endpoint (default: min(runs, 10))")
    parser.add_argument("--observations", type=int, default=20_000, help="synthetic observations when no data is given")
    parser.add_argument("--workers", type=int, default=None, help="budgetkg query worker processes (0: threads; default: auto)")
    parser.add_argument("--no-rdflib", action="store_true", help="skip rdflib-endpoint")
    parser.add_argument("--only", metavar="WORDS", help="only the queries whose name contains one of these comma-separated words (e.g. point,prefix)")
    parser.add_argument("--floor", action="store_true", help="also time bare uvicorn apps (bench/floor_app.py): what any Python server costs here")
    parser.add_argument("--schedstat", action="store_true", help="CPU from per-thread schedstat (finer; misses ended threads, so low for the Oxigraph server)")
    parser.add_argument("--baseline", metavar="DIR", help="also time budgetkg from the checkout at DIR (e.g. a git worktree of an older commit), interleaved: before/after in one run")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench-sparql-") as tmp:
        work = Path(tmp)
        store_dir = None
        if args.nquads:
            nquads = Path(args.nquads)
        elif args.store:
            nquads = work / "data.nq"
            store = ox.Store.read_only(args.store)
            store.dump(nquads, format=ox.RdfFormat.N_QUADS)
            del store
            store_dir = Path(args.store)
        else:
            nquads = work / "data.nq"
            synthetic_nquads(nquads, args.observations)
        count = sum(1 for _ in open(nquads, "rb"))
        print(f"data: {count} quads from {args.nquads or args.store or 'synthetic observations'}; runs={args.runs}; CPUs={os.cpu_count()}")
        servers = start_servers(nquads, store_dir, work, with_rdflib=not args.no_rdflib, workers=args.workers, floor=args.floor, baseline=Path(args.baseline).resolve() if args.baseline else None)
        try:
            names = [name for name, _ in mix() if not args.only or any(w in name for w in args.only.split(","))]
            timings, cpu = run_mix(servers, args.runs, args.rdflib_runs or min(args.runs, 10), names, args.schedstat)
        finally:
            for _, process in servers.values():
                stop(process)
        report(timings, list(servers), cpu, args.schedstat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
