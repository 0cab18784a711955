"""The scale benchmark: generated corpora of 100 and 1,000 documents (10,000 with --large).

For each size it prints ingest documents/s and triples/s (parse, map and
reasoning across all cores; validation excluded), the time per document of the
last 100 documents, the store's size on disk, validation documents/s (the last 50
documents, read from the store that holds all the others), the query mix's p50
and p95 over HTTP against ``budgetkg serve``, and the peak memory of this size's
ingest (the writer, reset per size, and its largest worker) and of the server.
Flat costs (issue 13) mean the last-100 time, validation rate and memory stay the
same from size to size; bench/bench_flat_costs.py breaks the per-batch costs down.
Targets on a 2-core machine: 1,000 documents in under 5 minutes, query-mix p50
under 100 ms at 1,000 documents, serve memory under 1 GB.

Validation is also given per second of the validating thread's CPU, and each query of the
mix gets its own median and the median CPU its request cost the server's processes, because
what grows is the store's count of unmerged files, and the wall figures follow the machine's
load: at 3,000 documents (load ~6) the code prefix took 40 ms over HTTP and 39 ms in process,
for 18.5 and 18.9 ms of CPU, so wall time over HTTP read against CPU time in process made the
endpoint look 2-4 times the engine's cost when it adds about 1 ms a request. Measured on stores of 100 / 1,000 / 3,000
generated budgets (load 6-8; README, "What grows with the store"): validation 184 / 222 /
274 ms of CPU a document as ingested (1.6-2.1 documents per wall second at that load), 159 /
165 / 195 after ``pyoxigraph.Store.optimize()``; the mix over HTTP p50 15.6 / 116 / 410 ms
and p95 72 / 217 / 1,110 ms as ingested, 6.9 / 31 / 56 and 35 / 93 / 232 compacted. The
sum by unit, label search and execution rate stay linear in the corpus when compacted (their
answers are); the code prefix and optional join, cut by their LIMITs, stay flat. The
ingest measured here includes the merge ``ingest_many`` makes at the end of a batch when the
store's files have multiplied (``OxigraphStore.optimize_when_fragmented``).
"""

from __future__ import annotations

import gc
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

import httpx

from api.examples import EXAMPLES
from kg.generate import generate
from kg.ingest import ingest_many, load_ontology
from kg.parse import document_id_for
from kg.settings import Settings
from kg.solutions import named_node, solutions
from kg.store import OxigraphStore
from kg.vocabulary import sparql_prefixes

# The fixed query mix: what analysts ask most, one query of each shape.
QUERY_MIX: dict[str, str] = {
    "point lookup": "SELECT ?p ?o WHERE { <{unit}> ?p ?o }",
    # The codes first: Oxigraph's planner has no statistics and, with the figure patterns
    # written first, began from every figure of the store (10-33 s on 1,000 budget + 决算
    # pairs, bench/bench_analytics.py); from the few codes it looks figures up by code (0.12 s).
    "code prefix": """SELECT ?figure ?yuan WHERE {
        ?code skos:notation ?n . FILTER(STRSTARTS(?n, "20805"))
        ?figure bkg:functionalClassification ?code ; bkg:amount ?yuan . } LIMIT 1000""",
    # Over each document's total (kg.summary), not every figure: over the figures this
    # GROUP BY took 12 s at 10,000 documents; the sum is the same (tests/test_summary.py).
    # The total as stated on the unit (bkg:documentTotal), one row per document's graph:
    # 28-33 ms in process at 10,000 documents, against 213 through each total figure's node.
    "sum by unit": """SELECT ?unit (SUM(?yuan) AS ?total) WHERE {
        GRAPH ?summary { ?unit bkg:documentTotal ?yuan } } GROUP BY ?unit""",
    "optional join": """SELECT ?project ?code ?budget WHERE {
        ?p a bkg:ProjectPerformanceTarget ; rdfs:label ?project .
        OPTIONAL { ?p bkg:projectCode ?code } OPTIONAL { ?p bkg:budgetTotal ?budget } } LIMIT 500""",
    # Through the name index (kg.name_index): the units whose name has the piece 教育, then
    # CONTAINS on those names only; the same answer as testing every unit's name, which took
    # 83-95 ms in process at 10,000 documents (5,000 names read from the string table).
    "label search": """SELECT DISTINCT ?unit ?name WHERE {
        ?unit bkg:nameBigram "教育" ; a bkg:BudgetUnit ; skos:prefLabel ?name . FILTER(CONTAINS(?name, "教育")) }""",
    # Budget against actual of one code for every unit and year, over the execution figures
    # (kg.summary); the same text as the example offered in the query UI.
    "execution rate": next(query for title, query in EXAMPLES if title.startswith("预算执行率")),
}


@dataclass
class SizeResult:
    documents: int
    ingest_seconds: float
    triples: int
    store_mib: float
    validation_per_second: float
    # Per validation thread CPU second: what the wall rate would be on a quiet machine.
    validation_cpu_per_second: float
    # The same documents as ``budgetkg validate`` checks them: one process per ingest worker.
    validation_workers_per_second: float
    validation_sample: int
    p50_ms: float
    p95_ms: float
    last_ms_per_document: float
    writer_peak_mib: float
    worker_peak_mib: float
    serve_peak_mib: float
    query_medians_ms: dict[str, float]  # each query of the mix: which ones grow with the corpus
    # Median CPU ms of the server's processes per request of each query (Linux; empty elsewhere):
    # what a request costs, where the wall time also holds the wait for a core of a busy machine.
    query_cpu_ms: dict[str, float]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _directory_mib(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def _vm_hwm_mib(pid: int | str) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    return next((int(line.split()[1]) / 1024 for line in status.splitlines() if line.startswith("VmHWM:")), 0.0)


def _reset_peak() -> None:
    """Start this process's VmHWM again from its current size (Linux: clear_refs 5), so that each
    corpus size reports its own peak, not the largest of the sizes before it."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def _children_peak_mib() -> float:
    """The largest VmHWM among this process's live children (the ingest workers)."""
    peaks = [0.0]
    for task in Path("/proc/self/task").iterdir():
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        peaks.extend(_vm_hwm_mib(child) for child in children)
    return max(peaks)


def _peak_mib(pid: int) -> float:
    """VmHWM of a process and all its descendants (the server and its query workers)."""
    total = 0.0
    stack = [pid]
    while stack:
        current = stack.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                total += int(line.split()[1]) / 1024
        stack.extend(int(child) for child in children)
    return total


def process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants (Linux /proc; [] elsewhere)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        tasks = Path(f"/proc/{current}/task")
        if not tasks.is_dir():
            continue
        found.append(current)
        for children in tasks.glob("*/children"):  # any thread may have started a child (a worker's replacement)
            try:
                todo.extend(int(child) for child in children.read_text().split())
            except OSError:
                pass
    return found


def threads_cpu_ms(pids: list[int]) -> float:
    """CPU time so far of the live threads of ``pids``, in ms (Linux schedstat, nanoseconds).

    Threads that have ended are not counted, so this is read around each request of a server
    whose threads outlive it (the event loop, the query threads and worker processes).
    """
    total = 0
    for pid in pids:
        for stat in Path(f"/proc/{pid}/task").glob("*/schedstat"):
            try:
                total += int(stat.read_text().split()[0])
            except (OSError, ValueError, IndexError):
                pass  # the thread ended meanwhile
    return total / 1e6


def _query_mix(port: int, unit_iri: str, runs: int, server_pid: int | None = None) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Milliseconds of each query of the mix over HTTP, ``runs`` rounds of the whole mix, and the
    server's CPU ms for each request (empty without ``server_pid`` or /proc)."""
    url = f"http://127.0.0.1:{port}/sparql"
    timings: dict[str, list[float]] = {name: [] for name in QUERY_MIX}
    cpu: dict[str, list[float]] = {name: [] for name in QUERY_MIX}
    server = process_tree(server_pid) if server_pid is not None else []
    with httpx.Client(timeout=120) as client:
        for _ in range(runs):
            for name, query in QUERY_MIX.items():
                wall, spent = post_query(client, url, sparql_prefixes() + query.replace("{unit}", unit_iri), server)
                timings[name].append(wall)
                if spent is not None:
                    cpu[name].append(spent)
    return timings, cpu


def post_query(client: httpx.Client, url: str, text: str, server: list[int]) -> tuple[float, float | None]:
    """One query POSTed as the bench sends it: wall ms and the CPU ms of the ``server`` processes
    (``process_tree``) meanwhile, None when there are none to read."""
    spent = threads_cpu_ms(server)
    started = time.perf_counter()
    response = client.post(url, data={"query": text}, headers={"Accept": "application/sparql-results+json"})
    response.raise_for_status()
    wall = (time.perf_counter() - started) * 1000
    return wall, (threads_cpu_ms(server) - spent) if server else None


def serve_store(store_dir: Path) -> tuple[subprocess.Popen[bytes], str]:
    """``budgetkg serve`` on ``store_dir`` on a free port, once it answers: the process and its /sparql URL."""
    port = _free_port()
    return _serve(store_dir, port), f"http://127.0.0.1:{port}/sparql"


def _serve(store_dir: Path, port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, "-m", "kg.cli", "serve", "--store", str(store_dir), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/sparql", timeout=2)
            return process
        except httpx.HTTPError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("budgetkg serve did not start within 60 s")


def measure(documents: int, work: Path, settings: Settings, *, workers: int, runs: int) -> SizeResult:
    corpus = work / f"corpus-{documents}"
    paths = generate(max(1, documents // 2), 2, corpus, seed=documents)[:documents]
    store_dir = work / f"store-{documents}"
    store = OxigraphStore(store_dir)
    load_ontology(store)
    ingest_settings = replace(settings, validate=False)
    _reset_peak()
    started = time.perf_counter()
    triples = 0
    committed: list[float] = []  # when each document was committed
    worker_peak = 0.0
    for result in ingest_many(paths, store, ingest_settings, workers=workers, skip_unchanged=False):
        if result.report is not None:
            triples += result.report.triples + result.report.inferred
        committed.append(time.perf_counter())
        worker_peak = max(worker_peak, _children_peak_mib())
    store.flush()
    ingest_seconds = time.perf_counter() - started
    writer_peak = _vm_hwm_mib("self")
    # Per-document time of the last 100 documents: flat costs keep it at the first 100's.
    last = committed[-min(100, len(committed)) :]
    last_ms = (committed[-1] - (committed[-len(last) - 1] if len(committed) > len(last) else started)) * 1000 / len(last)

    unit_iri = named_node(next(iter(solutions(store.query("SELECT ?u WHERE { ?u a <https://w3id.org/budgetkg/ontology#BudgetUnit> } LIMIT 1")))), "u").value
    del store  # closing the store folds its write-ahead log into the data files
    gc.collect()

    from kg.validation import validate_stored_document

    # The last documents ingested: validating them reads a store that holds all the others. Read
    # through the store opened again, as `budgetkg validate` opens it. Through the writer's own
    # handle, just after it wrote them, the last 50 of 10,000 took 270 ms of CPU each (3.7 a
    # second, --large at 61bea74); the same corpus ingested by `budgetkg ingest` and read by a
    # fresh process, 165 ms (6.0), as at 500 documents (179). Which of the two (the handle, or
    # the merges still running just after the write) costs the difference is not separated.
    sample = [document_id_for(p) for p in paths[-min(len(paths), 50) :]]
    reader = OxigraphStore(store_dir)
    started, cpu_started = time.perf_counter(), time.thread_time()
    for document_id in sample:
        validate_stored_document(reader, document_id, settings)
    validation_rate = len(sample) / (time.perf_counter() - started)
    validation_cpu_rate = len(sample) / (time.thread_time() - cpu_started)
    del reader
    gc.collect()
    from kg.validation.parallel import validate_stored_documents

    started = time.perf_counter()
    for _ in validate_stored_documents(store_dir, sample, settings, engine="oxigraph", workers=max(1, workers)):
        pass
    validation_workers_rate = len(sample) / (time.perf_counter() - started)
    size = _directory_mib(store_dir)

    port = _free_port()
    server = _serve(store_dir, port)
    try:
        _query_mix(port, unit_iri, 1)  # warm-up
        by_query, cpu_by_query = _query_mix(port, unit_iri, runs, server.pid)
        serve_peak = _peak_mib(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    timings = [ms for times in by_query.values() for ms in times]
    quantiles = statistics.quantiles(timings, n=20)
    return SizeResult(
        documents=len(paths),
        ingest_seconds=ingest_seconds,
        triples=triples,
        store_mib=size,
        validation_per_second=validation_rate,
        validation_cpu_per_second=validation_cpu_rate,
        validation_workers_per_second=validation_workers_rate,
        validation_sample=len(sample),
        p50_ms=statistics.median(timings),
        p95_ms=quantiles[18],
        last_ms_per_document=last_ms,
        writer_peak_mib=writer_peak,
        worker_peak_mib=worker_peak,
        serve_peak_mib=serve_peak,
        query_medians_ms={name: statistics.median(times) for name, times in by_query.items()},
        query_cpu_ms={name: statistics.median(spent) for name, spent in cpu_by_query.items() if spent},
    )


def _cpu_column(result: SizeResult, name: str) -> str:
    spent = result.query_cpu_ms.get(name)
    return "-" if spent is None else f"({spent:.1f})"


def run_scale_benchmark(settings: Settings, *, large: bool = False, workers: int | None = None, runs: int = 10) -> None:
    sizes = [100, 1000] + ([10000] if large else [])
    workers = workers or os.cpu_count() or 1
    print(f"budgetkg scale benchmark: {workers} worker processes, query mix of {len(QUERY_MIX)} queries x {runs} runs")
    header = (
        f"{'docs':>6} {'ingest s':>9} {'docs/s':>7} {'triples/s':>10} {'store MiB':>9} {'valid docs/s':>12} {'(CPU)':>6} {'(procs)':>7} "
        f"{'last100 ms/doc':>14} {'p50 ms':>7} {'p95 ms':>7} {'writer MiB':>10} {'worker MiB':>10} {'serve MiB':>9}"
    )
    print(header)
    results: list[SizeResult] = []
    with tempfile.TemporaryDirectory(prefix="budgetkg-bench-") as tmp:
        for size in sizes:
            r = measure(size, Path(tmp), settings, workers=workers, runs=runs)
            results.append(r)
            print(
                f"{r.documents:6} {r.ingest_seconds:9.1f} {r.documents / r.ingest_seconds:7.1f} "
                f"{r.triples / r.ingest_seconds:10,.0f} {r.store_mib:9.1f} {r.validation_per_second:12.1f} "
                f"{r.validation_cpu_per_second:6.1f} {r.validation_workers_per_second:7.1f} {r.last_ms_per_document:14.0f} {r.p50_ms:7.1f} {r.p95_ms:7.1f} {r.writer_peak_mib:10.0f} "
                f"{r.worker_peak_mib:10.0f} {r.serve_peak_mib:9.0f}",
                flush=True,
            )
    print(f"{'median ms (CPU)':16}" + "".join(f"{r.documents:>16}" for r in results))
    for name in QUERY_MIX:
        print(f"{name:16}" + "".join(f"{r.query_medians_ms[name]:9.1f} {_cpu_column(r, name):>6}" for r in results))
    print("ingest: parse + map + OWL RL reasoning, validation excluded; last100 ms/doc: wall time per document of the")
    print("last 100 committed; valid docs/s on the last 50 documents, from the store, per wall second and (CPU) per")
    print("second of the validating thread's CPU, and (procs) per wall second through `budgetkg validate`'s worker")
    print("processes, one per ingest worker, each with its own view of the store (process start-up included);")
    print("p50/p95 over HTTP for the whole mix, then each query's median wall time and (CPU) the median CPU ms the")
    print("server's processes spent on one request of it (Linux);")
    print("memory is peak resident size of this size's ingest: writer (this process), its largest worker, the server.")
