"""Load benchmark: N clients for T seconds against ``budgetkg serve`` and the Oxigraph server.

    python bench/bench_load.py --store DIR [--clients 32] [--seconds 30] [--timeout 5]

Both servers serve copies of the same store (Oxigraph with
``--union-default-graph``, as budgetkg queries by default) on free 127.0.0.1
ports, side by side; the load goes to one at a time, alternating in
``--rounds`` rounds, so both meet the same background load of the machine
(the two cores here are shared). Each client loops over the query UI's example queries
(``api.examples``) for the duration, one request at a time over its own
keep-alive connection, and the run prints throughput, p50/p95/p99 latency and
errors (any status but 200, or a failed connection) per server.

The second scenario adds one client looping a cartesian-product query that no
server can finish: budgetkg should cut it at ``--timeout`` (503) and keep the
others' p95 within 2x of the first scenario's (issue 14's targets live here,
not in timed unit tests). The Oxigraph server gets the same ``--timeout-s``.

Also measured: how long ``budgetkg serve`` takes from launch to its first 200.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from api.examples import EXAMPLES, with_prefixes  # noqa: E402
from servers import free_port, percentile, stop, tool, wait_until_up  # noqa: E402  (bench/ beside this file)

CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
MAX_CLIENTS = 256
MAX_SECONDS = 600


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)

    def error(self, what: str) -> None:
        self.errors[what] = self.errors.get(what, 0) + 1


async def client(url: str, queries: list[str], until: float, tally: Tally, timeout_s: float) -> None:
    async with httpx.AsyncClient(timeout=timeout_s + 30, headers={"Accept": "application/sparql-results+json"}) as http:
        i = 0
        while time.monotonic() < until:
            query = queries[i % len(queries)]
            i += 1
            started = time.monotonic()
            try:
                response = await http.post(url, data={"query": query})
            except httpx.HTTPError as error:
                tally.error(type(error).__name__)
                continue
            if response.status_code == 200:
                tally.latencies.append(time.monotonic() - started)
            else:
                tally.error(str(response.status_code))


async def load(url: str, clients: int, seconds: float, timeout_s: float, hog: bool) -> tuple[Tally, Tally]:
    queries = [with_prefixes(q) for _, q in EXAMPLES]
    until = time.monotonic() + seconds
    tally, hog_tally = Tally(), Tally()
    tasks = [client(url, queries[i % len(queries) :] + queries[: i % len(queries)], until, tally, timeout_s) for i in range(clients)]
    if hog:
        tasks.append(client(url, [CARTESIAN], until, hog_tally, timeout_s))
    await asyncio.gather(*tasks)
    return tally, hog_tally


def merge(into: Tally, tally: Tally) -> None:
    into.latencies += tally.latencies
    for what, count in tally.errors.items():
        into.errors[what] = into.errors.get(what, 0) + count


def row(server: str, scenario: str, seconds: float, tally: Tally, hog: Tally | None) -> str:
    ms = [v * 1000 for v in tally.latencies]
    errors = sum(tally.errors.values())
    detail = ",".join(f"{k}:{v}" for k, v in sorted(tally.errors.items())) or "-"
    hog_text = ""
    if hog is not None:
        hog_text = f"  hog: {len(hog.latencies)} ok, {','.join(f'{k}:{v}' for k, v in sorted(hog.errors.items())) or '-'}"
    return (
        f"{server:<9} {scenario:<10} {len(ms) / seconds:8.1f} {statistics.median(ms) if ms else float('nan'):8.1f} "
        f"{percentile(ms, 95):8.1f} {percentile(ms, 99):8.1f} {len(ms):6d} {errors:6d} {detail}{hog_text}"
    )


def start_budgetkg(store: Path, port: int, timeout_s: float, extra: list[str]) -> subprocess.Popen[bytes]:
    command = [tool("budgetkg", "-e ."), "serve", "--store", str(store), "--host", "127.0.0.1", "--port", str(port), "--timeout", str(timeout_s), *extra]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def start_oxigraph(store: Path, port: int, timeout_s: float) -> subprocess.Popen[bytes]:
    command = [tool("oxigraph", "oxigraph"), "serve", "--location", str(store), "--bind", f"127.0.0.1:{port}", "--union-default-graph", "--timeout-s", str(int(timeout_s))]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", required=True, help="a budgetkg store directory (e.g. built by budgetkg ingest)")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--timeout", type=float, default=30, help="per-query timeout of both servers (default 30, as budgetkg serve)")
    parser.add_argument("--servers", default="budgetkg,oxigraph")
    parser.add_argument("--rounds", type=int, default=3, help="alternations between the servers per scenario (default 3)")
    parser.add_argument("--serve-args", default="", help="extra arguments for budgetkg serve (e.g. '--workers 2')")
    args = parser.parse_args()
    if not 1 <= args.clients <= MAX_CLIENTS or not 0 < args.seconds <= MAX_SECONDS:
        raise SystemExit(f"--clients 1..{MAX_CLIENTS}, --seconds up to {MAX_SECONDS}")
    servers = args.servers.split(",")
    tallies: dict[tuple[str, str], tuple[Tally, Tally]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-load-") as scratch:
        urls, processes = {}, []
        try:
            for server in servers:
                copy = Path(scratch) / server
                shutil.copytree(args.store, copy)
                port = free_port()
                process = start_budgetkg(copy, port, args.timeout, args.serve_args.split()) if server == "budgetkg" else start_oxigraph(copy, port, args.timeout)
                processes.append(process)
                urls[server] = f"http://127.0.0.1:{port}" + ("/sparql" if server == "budgetkg" else "/query")
                print(f"{server}: first 200 {wait_until_up(urls[server], process):.2f} s after launch", flush=True)
                asyncio.run(load(urls[server], 2, 3, args.timeout, hog=False))  # warm-up, not counted
            for scenario, hog in (("examples", False), ("+cartesian", True)):
                for _ in range(args.rounds):
                    for server in servers:
                        tally, hog_tally = asyncio.run(load(urls[server], args.clients, args.seconds / args.rounds, args.timeout, hog))
                        total, hog_total = tallies.setdefault((server, scenario), (Tally(), Tally()))
                        merge(total, tally)
                        merge(hog_total, hog_tally)
        finally:
            for process in processes:
                stop(process)
    rows = []
    for scenario in ("examples", "+cartesian"):
        for server in servers:
            total, hog_total = tallies[server, scenario]
            rows.append(row(server, scenario, args.seconds, total, hog_total if scenario == "+cartesian" else None))
    print(f"\n{args.clients} clients x {args.seconds:g} s, example queries (api/examples.py), timeout {args.timeout:g} s; latency in ms of 200 answers")
    print(f"{'server':<9} {'scenario':<10} {'req/s':>8} {'p50':>8} {'p95':>8} {'p99':>8} {'ok':>6} {'errors':>6} detail")
    for line in rows:
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
