"""The query runners of ``api.executor``, driven directly (no HTTP)."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import signal
import time

import pyoxigraph as ox
import pytest

from api import negotiation, results
from api.executor import Outcome, ProcessRunner, QueryJob, ThreadRunner, TieredRunner, WorkerStartError, execute

EX = "http://example.org/"
FORMATS = {"solutions": "json", "boolean": "json", "graph": "turtle"}
# Never finishes on 2,000 triples, and blocks inside one operator (no streaming).
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?o . ?b ?p ?o2 . ?c ?p ?o3 . ?d ?p ?o4 }"
ALL = "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s ?o"
SELECT_COUNT = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"


def job(sparql: str, **changes) -> QueryJob:
    return dataclasses.replace(QueryJob(sparql, None, None, False, "http://example.org/sparql", FORMATS, 100_000), **changes)


def build_store(path, triples: int = 0, extra: list[ox.Quad] | None = None) -> str:
    store = ox.Store(str(path))
    g = ox.NamedNode(f"{EX}g")
    store.bulk_extend(ox.Quad(ox.NamedNode(f"{EX}s{i}"), ox.NamedNode(f"{EX}p"), ox.Literal(f"value {i}"), g) for i in range(triples))
    store.extend(extra or [])
    store.flush()
    del store
    return str(path)


def same(a: Outcome, b: Outcome) -> bool:
    return dataclasses.replace(a, elapsed_s=0.0) == dataclasses.replace(b, elapsed_s=0.0)


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


LOOPS = ["asyncio"]
try:
    import uvloop

    LOOPS.append("uvloop")
except ImportError:  # pragma: no cover
    uvloop = None


def run(loop: str, coroutine):
    return (uvloop.run if loop == "uvloop" else asyncio.run)(coroutine)


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    return build_store(tmp_path_factory.mktemp("small") / "store", triples=20)


@pytest.fixture(scope="module")
def slow_store(tmp_path_factory):
    return build_store(tmp_path_factory.mktemp("slow") / "store", triples=2000)


CASES = [
    job(ALL),
    job(ALL, formats={**FORMATS, "solutions": "xml"}),
    job(ALL, formats={**FORMATS, "solutions": "tsv"}, max_rows=5),
    job("ASK { ?s ?p ?o }"),
    job("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", prefixes={"ex": EX}),
    job("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", formats={**FORMATS, "graph": "ntriples"}, max_rows=3),
    job("SELECT * WHERE { ?s ?p ?o } LIMIT 4", solution_limit=4),
    job("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", default_graphs=(), named_graphs=(f"{EX}g",)),
    job("SELECT * WHERE {"),
    job(ALL, formats={**FORMATS, "solutions": None}),
]


@pytest.mark.parametrize("loop", LOOPS)
def test_process_runner_answers_as_inline_execute(small, loop):
    store = ox.Store.read_only(small)
    expected = [execute(store, j) for j in CASES]
    assert [o.status for o in expected] == ["ok"] * 8 + ["syntax", "not-acceptable"]
    assert expected[2].truncated and expected[5].truncated
    runner = ProcessRunner(small, workers=2)
    try:

        async def main():
            return [await runner.run(j, 30) for j in CASES] + list(await asyncio.gather(*(runner.run(j, 30) for j in CASES)))

        got = run(loop, main())
        got += run(loop, main())  # a second event loop: the workers are watched by the new one
    finally:
        runner.close()
    assert len(got) == 4 * len(CASES)
    for i, outcome in enumerate(got):
        assert same(outcome, expected[i % len(CASES)]), (i, outcome.status)


def test_thread_runner_answers_as_inline_execute(small):
    store = ox.Store.read_only(small)
    runner = ThreadRunner(store, threads=3)
    try:

        async def main():
            return await asyncio.gather(*(runner.run(j, 30) for j in CASES * 2))

        got = asyncio.run(main())
    finally:
        runner.close()
    for outcome, j in zip(got, CASES * 2):
        assert same(outcome, execute(store, j))
    assert runner.active == 0


@pytest.mark.parametrize("loop", LOOPS)
def test_large_results_and_requests_cross_the_hop_intact(tmp_path, loop):
    path = build_store(tmp_path / "store", triples=50_000)
    store = ox.Store.read_only(path)
    # No ORDER BY: sorting 50,000 rows takes pyoxigraph seconds; the order is the store's either way.
    big = job("SELECT ?s ?o WHERE { ?s ?p ?o }", formats={**FORMATS, "solutions": "tsv"})
    expected = execute(store, big)
    assert expected.rows == 50_000 and len(expected.body) > 1_000_000
    # A request of megabytes too (a long comment in the query).
    long_query = job("# " + "x" * 3_000_000 + "\nSELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    counted = execute(store, long_query)
    runner = ProcessRunner(path, workers=1)
    try:

        async def main():
            outcomes = []
            for _ in range(3):  # the socket is left ready for the next query
                outcomes.append(await runner.run(big, 60))
                outcomes.append(await runner.run(long_query, 60))
                outcomes.append(await runner.run(job("ASK {}"), 60))
            return outcomes

        got = run(loop, main())
    finally:
        runner.close()
    for i in range(0, 9, 3):
        assert same(got[i], expected)
        assert same(got[i + 1], counted)
        assert got[i + 2].status == "ok" and got[i + 2].kind == "boolean"


@pytest.mark.parametrize("loop", LOOPS)
def test_timeout_kills_and_replaces_the_worker(slow_store, loop):
    runner = ProcessRunner(slow_store, workers=1)
    try:
        pid = runner._pool.idle()[0].process.pid

        async def main():
            started = time.monotonic()
            outcome = await runner.run(job(SLOW), 0.5)
            return outcome, time.monotonic() - started, await runner.run(job("ASK { ?s ?p ?o }"), 30)

        outcome, elapsed, after = run(loop, main())
        assert outcome == Outcome("timeout") and elapsed < 2
        assert gone(pid)
        assert after.status == "ok" and b"true" in after.body
        assert [w.process.pid for w in runner._pool.idle()] != [pid] and len(runner._pool.idle()) == 1
    finally:
        runner.close()


def test_a_cancelled_query_kills_its_worker(slow_store):
    runner = ProcessRunner(slow_store, workers=1)
    try:
        pid = runner._pool.idle()[0].process.pid

        async def main():
            task = asyncio.create_task(runner.run(job(SLOW), 30))
            await asyncio.sleep(0.3)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            return await runner.run(job("ASK {}"), 30)

        assert asyncio.run(main()).status == "ok"
        assert gone(pid)
    finally:
        runner.close()


def wait_for(condition, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.02)


@pytest.mark.parametrize("loop", LOOPS)
def test_a_worker_killed_while_idle_is_replaced_before_a_request_meets_it(small, loop):
    runner = ProcessRunner(small, workers=1)
    try:

        async def main():
            assert (await runner.run(job("ASK {}"), 30)).status == "ok"
            worker = runner._pool.idle()[0]
            os.kill(worker.process.pid, signal.SIGKILL)  # while idle, in the same event loop
            worker.process.join(5)
            await asyncio.sleep(0.05)
            return await runner.run(job("ASK {}"), 30)

        assert run(loop, main()).status == "ok"

        # Killed between event loops: the watcher thread replaces it with no request at all.
        worker = runner._pool.idle()[0]
        os.kill(worker.process.pid, signal.SIGKILL)
        worker.process.join(5)
        wait_for(lambda: [w.process.pid for w in runner._pool.idle()] not in ([], [worker.process.pid]))
        assert runner.status()["ready"] == 1
        assert run(loop, runner.run(job("ASK {}"), 30)).status == "ok"
    finally:
        runner.close()


@pytest.mark.parametrize("loop", LOOPS)
def test_a_request_whose_worker_dies_is_tried_once_more(slow_store, loop):
    runner = ProcessRunner(slow_store, workers=1)
    try:

        async def killed_mid_query():
            pid = runner._pool.idle()[0].process.pid
            asyncio.get_running_loop().call_later(0.3, os.kill, pid, signal.SIGKILL)
            outcome = await runner.run(job(SLOW), 3)
            return pid, outcome

        pid, outcome = run(loop, killed_mid_query())
        # Retried on the replacement, where it ran into its timeout: not "query worker failed".
        assert outcome == Outcome("timeout")
        assert gone(pid)
        wait_for(lambda: runner.status()["ready"] == 1)
        assert run(loop, runner.run(job("ASK {}"), 30)).status == "ok"

    finally:
        runner.close()


def test_every_worker_busy_queues_then_refuses_at_once_when_the_queue_is_full(slow_store):
    runner = ProcessRunner(slow_store, workers=2, max_waiting=1)
    try:

        async def main():
            started = time.monotonic()
            first = asyncio.create_task(runner.run(job(SLOW), 1.5))
            second = asyncio.create_task(runner.run(job(SLOW), 1.5))
            await asyncio.sleep(0.1)
            waiting = asyncio.create_task(runner.run(job("ASK {}"), 0.4))  # both workers busy: waits in line
            await asyncio.sleep(0.05)
            refused_at = time.monotonic()
            refused = await runner.run(job("ASK {}"), 30)  # the line (of one) is full
            refused_after = time.monotonic() - refused_at
            return await first, await second, await waiting, refused, refused_after, time.monotonic() - started

        first, second, waiting, refused, refused_after, elapsed = asyncio.run(main())
        # Two ran side by side (each in its own worker, each killed at its timeout).
        assert first == second == Outcome("timeout") and elapsed < 2.8
        assert waiting == Outcome("timeout", "all query workers are busy")
        assert refused.status == "busy" and "busy" in refused.message and refused_after < 0.4
        # The pool is back to its size (the killed workers replaced) and answers.
        wait_for(lambda: len(runner._pool.idle()) == 2)
        assert runner.status() == {"workers": 2, "ready": 2, "starting": 0, "waiting": 0, "generation": 0}
        assert asyncio.run(runner.run(job("ASK {}"), 30)).status == "ok"
    finally:
        runner.close()


def test_workers_are_recycled_after_max_queries_and_past_max_memory(small):
    runner = ProcessRunner(small, workers=1, max_queries=3)
    try:
        first = runner._pool.idle()[0].process.pid
        outcomes = asyncio.run(_in_turn(runner, [job("ASK {}")] * 3))
        assert all(o.status == "ok" for o in outcomes)
        wait_for(lambda: len(runner._pool.idle()) == 1)
        second = runner._pool.idle()[0].process.pid
        assert second != first and gone(first)
    finally:
        runner.close()
    runner = ProcessRunner(small, workers=1, max_resident_bytes=1)  # every worker is over one byte
    try:
        first = runner._pool.idle()[0].process.pid
        assert runner._pool.idle()[0].resident > 1  # reported with "ready"
        assert asyncio.run(runner.run(job("ASK {}"), 30)).status == "ok"
        wait_for(lambda: len(runner._pool.idle()) == 1)
        assert runner._pool.idle()[0].process.pid != first and gone(first)
    finally:
        runner.close()


async def _in_turn(runner, jobs):
    return [await runner.run(j, 30) for j in jobs]


def test_a_worker_that_cannot_open_the_store_stops_the_runner_with_its_reason(tmp_path):
    not_a_store = tmp_path / "nothing"
    not_a_store.write_text("not a store")
    with pytest.raises(WorkerStartError, match="cannot open the store"):
        ProcessRunner(str(not_a_store), workers=1)


def test_the_thread_runner_refuses_at_once_when_its_queue_is_full(slow_store):
    store = ox.Store.read_only(slow_store)
    runner = ThreadRunner(store, threads=1, max_waiting=1)
    try:

        async def main():
            slow = asyncio.create_task(runner.run(job(SLOW), 0.5))
            await asyncio.sleep(0.05)
            queued = asyncio.create_task(runner.run(job("ASK {}"), 0.5))
            await asyncio.sleep(0.05)
            return await runner.run(job("ASK {}"), 0.5), await slow, await queued

        refused, slow, queued = asyncio.run(main())
        assert refused.status == "busy"
        assert slow == queued == Outcome("timeout")
    finally:
        runner.close()


def test_invalidate_makes_workers_see_a_write(tmp_path):
    path = build_store(tmp_path / "store", triples=3)
    primary = ox.Store(path)
    count = job("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", formats={**FORMATS, "solutions": "csv"})
    runner = ProcessRunner(path, workers=2)
    try:

        async def main():
            before = [await runner.run(count, 30) for _ in range(2)]
            primary.add(ox.Quad(ox.NamedNode(f"{EX}new"), ox.NamedNode(f"{EX}p"), ox.Literal("new"), ox.NamedNode(f"{EX}g")))
            primary.flush()
            runner.invalidate()
            # Both workers (LIFO pool: run two at once so each answers).
            after = await asyncio.gather(runner.run(count, 30), runner.run(count, 30))
            return before, after

        before, after = asyncio.run(main())
        assert [o.body for o in before] == [b"n\r\n3\r\n"] * 2
        assert [o.body for o in after] == [b"n\r\n4\r\n"] * 2
    finally:
        runner.close()


def test_the_worker_honours_changed_prefixes(small):
    construct = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 1"
    runner = ProcessRunner(small, workers=1)
    try:

        async def main():
            prefixes = {"ex": EX}
            return [
                await runner.run(job(construct, prefixes=prefixes), 30),
                await runner.run(job(construct, prefixes=prefixes), 30),
                await runner.run(job(construct, prefixes={"zz": EX}), 30),
                await runner.run(job(construct), 30),
            ]

        a, b, c, d = asyncio.run(main())
    finally:
        runner.close()
    assert a.body == b.body and b"@prefix ex:" in a.body
    assert b"@prefix zz:" in c.body and b"@prefix ex:" not in c.body
    assert b"@prefix" not in d.body


def test_the_thread_runner_answers_503_on_time_and_stops_streaming_at_the_deadline(slow_store):
    store = ox.Store.read_only(slow_store)
    runner = ThreadRunner(store, threads=2)
    try:

        async def main():
            started = time.monotonic()
            outcome = await runner.run(job("SELECT * { ?a ?p ?o . ?b ?p ?o2 }", max_rows=10**9, formats={**FORMATS, "solutions": "tsv"}), 0.3)
            return outcome, time.monotonic() - started

        outcome, elapsed = asyncio.run(main())
        assert outcome == Outcome("timeout") and elapsed < 1
        deadline = time.monotonic() + 2
        while runner.active:
            assert time.monotonic() < deadline, "the timed-out query is still running"
            time.sleep(0.02)
        assert asyncio.run(runner.run(job("ASK {}"), 5)).status == "ok"
    finally:
        runner.close()


# -- solution_limit: the query's own LIMIT lets results skip the TSV carrier ----

TERMS = [
    ox.NamedNode(f"{EX}iri"),
    ox.BlankNode("b1"),
    ox.Literal("plain"),
    ox.Literal('with\nnewline\tand tab "quoted" \\ backslash'),
    ox.Literal("教育支出", language="zh"),
    ox.Literal("chat", language="fr"),
    ox.Literal(42),
    ox.Literal(-1.5),
    ox.Literal("12.50", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")),
    ox.Literal(True),
    ox.Literal("2024-01-31", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")),
    ox.Literal("x", datatype=ox.NamedNode(f"{EX}custom")),
    ox.Literal(""),
]


@pytest.fixture(scope="module")
def varied(tmp_path_factory):
    quads = [ox.Quad(ox.NamedNode(f"{EX}s{i}"), ox.NamedNode(f"{EX}p"), term, ox.NamedNode(f"{EX}g")) for i, term in enumerate(TERMS)]
    quads.append(ox.Quad(ox.BlankNode("b1"), ox.NamedNode(f"{EX}q"), ox.Literal("from a blank node"), ox.NamedNode(f"{EX}g")))
    return build_store(tmp_path_factory.mktemp("varied") / "store", extra=quads)


LIMITED = "SELECT ?s ?o ?other WHERE { ?s ?p ?o OPTIONAL { ?o <http://example.org/q> ?other } } ORDER BY ?s LIMIT 20"


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_a_select_within_the_cap_is_written_directly_and_identically(varied, fmt):
    store = ox.Store.read_only(varied)
    carrier = job(LIMITED, formats={**FORMATS, "solutions": fmt})
    direct = dataclasses.replace(carrier, solution_limit=20)
    expected = _through_the_carrier(store, carrier)
    assert expected.rows == len(TERMS) + 1 and not expected.truncated
    streamed = execute(store, direct, deadline=time.monotonic() + 30)  # the writer that checks the deadline
    at_once = execute(store, direct)  # no deadline: serialised to bytes in one call
    for outcome in (streamed, at_once):
        assert outcome.status == "ok" and outcome.body == expected.body
        assert outcome.rows is None and not outcome.truncated
    # Over the cap the carrier still cuts and says so.
    capped = execute(store, dataclasses.replace(direct, max_rows=5))
    assert capped.truncated and capped.rows == 5


def test_a_direct_select_still_stops_at_the_deadline(varied):
    store = ox.Store.read_only(varied)
    assert execute(store, job(LIMITED, solution_limit=20), deadline=time.monotonic() - 1) == Outcome("timeout")


def _through_the_carrier(store: ox.Store, query_job: QueryJob) -> results.Serialized:
    result = store.query(query_job.sparql, use_default_graph_as_union=True)
    fmt = negotiation.BY_NAME[query_job.formats["solutions"]]
    return results.serialize(result, fmt, max_rows=query_job.max_rows, direct=False)


UNLIMITED = "SELECT ?s ?o ?other WHERE { ?s ?p ?o OPTIONAL { ?o <http://example.org/q> ?other } } ORDER BY ?s"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_json_and_xml_are_written_directly_and_cut_exactly(varied, fmt, monkeypatch):
    store = ox.Store.read_only(varied)
    rows = len(TERMS) + 1
    query_job = job(UNLIMITED, formats={**FORMATS, "solutions": fmt})
    expected = _through_the_carrier(store, query_job)
    # Short enough that the cap cannot bite: written directly, uncounted.
    small = execute(store, query_job)
    assert small.body == expected.body and small.rows is None and not small.truncated
    # A cap the body's length cannot rule out: counted exactly, still not cut.
    exact = execute(store, dataclasses.replace(query_job, max_rows=rows))
    assert exact.body == expected.body and exact.rows == rows and not exact.truncated
    # One row fewer allowed: cut to the cap, like the carrier does.
    cut = execute(store, dataclasses.replace(query_job, max_rows=rows - 1))
    assert cut.truncated and cut.rows == rows - 1
    assert cut.body == _through_the_carrier(store, dataclasses.replace(query_job, max_rows=rows - 1)).body
    # A result longer than DIRECT_BYTES is evaluated again through the carrier.
    monkeypatch.setattr(results, "DIRECT_BYTES", 64)
    again = execute(store, dataclasses.replace(query_job, max_rows=rows - 1))
    assert again.body == cut.body and again.truncated and again.rows == rows - 1


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_body_longer_than_the_cap_allows_is_cleared_by_its_row_marks_without_parsing(varied, fmt, monkeypatch):
    store = ox.Store.read_only(varied)
    rows = len(TERMS) + 1
    expected = _through_the_carrier(store, job(UNLIMITED, formats={**FORMATS, "solutions": fmt}))
    # Longer than 100 rows of the fewest bytes, so its length cannot rule out a cut; its marks can.
    query_job = job(UNLIMITED, formats={**FORMATS, "solutions": fmt}, max_rows=100)
    assert len(expected.body) > 100 * results._MIN_ROW_BYTES[fmt]

    def parsed_back(*args, **kwargs):
        raise AssertionError("the body was parsed back to be counted")

    monkeypatch.setattr(results.ox, "parse_query_results", parsed_back)
    outcome = execute(store, query_job)
    assert outcome.status == "ok" and outcome.body == expected.body and not outcome.truncated
    # XML writes <result> once a row (a value's "<" is escaped): an exact count. JSON's "{" only bounds it.
    assert outcome.rows == (rows if fmt == "xml" else None)


def test_braces_inside_values_never_clear_a_body_that_must_be_cut():
    store = ox.Store()
    braces = "{" * 300
    # Three rows, each value full of braces: more than enough marks; the cap of 2 must still cut.
    query_job = job(f'SELECT ?v WHERE {{ VALUES ?v {{ "{braces}a" "{braces}b" "{braces}c" }} }}', max_rows=2)
    outcome = execute(store, query_job)
    assert outcome.truncated and outcome.rows == 2
    assert [row["v"].value for row in ox.parse_query_results(outcome.body, format=ox.QueryResultsFormat.JSON)] == [braces + "a", braces + "b"]
    # Under a cap of 3 the marks (900 braces) cannot clear it either: counted exactly, not cut.
    whole = execute(store, dataclasses.replace(query_job, max_rows=3))
    assert not whole.truncated and whole.rows == 3


class _Counting:
    """Wraps a runner and counts the jobs it is given."""

    def __init__(self, runner) -> None:
        self.runner = runner
        self.jobs: list[str] = []

    async def run(self, query_job: QueryJob, timeout_s: float) -> Outcome:
        self.jobs.append(query_job.sparql)
        return await self.runner.run(query_job, timeout_s)

    def invalidate(self) -> None:
        self.runner.invalidate()

    def close(self) -> None:
        self.runner.close()

    @property
    def generation(self) -> int:
        return self.runner.generation


def _tiered(path: str, quick_s: float) -> tuple[_Counting, _Counting, TieredRunner]:
    processes = _Counting(ProcessRunner(path, workers=1))
    threads = _Counting(ThreadRunner(ox.Store.read_only(path)))
    return processes, threads, TieredRunner(processes, threads, quick_s=quick_s)  # type: ignore[arg-type]


def test_tiered_runner_moves_a_query_to_threads_once_it_was_quick(tmp_path):
    path = build_store(tmp_path / "store", triples=50)
    processes, threads, tiered = _tiered(path, quick_s=5.0)
    quick = job(SELECT_COUNT)
    try:

        async def main():
            first = await tiered.run(quick, 30)
            second = await tiered.run(quick, 30)
            as_xml = await tiered.run(dataclasses.replace(quick, formats={**FORMATS, "solutions": "xml"}), 30)
            tiered.invalidate()  # an update: what was quick may not be any more
            after_update = await tiered.run(quick, 30)
            return first, second, as_xml, after_update

        first, second, as_xml, after_update = asyncio.run(main())
        assert same(first, second) and first.status == "ok" and b"50" in first.body
        assert processes.jobs == [quick.sparql] * 3  # the first run, the XML run (another job), after the update
        assert threads.jobs == [quick.sparql]
    finally:
        tiered.close()


def test_tiered_runner_does_not_queue_a_quick_query_behind_a_slow_one_on_the_workers(slow_store):
    processes, threads, tiered = _tiered(slow_store, quick_s=5.0)
    quick = job(SELECT_COUNT)
    try:

        async def main():
            await tiered.run(quick, 30)  # on the worker: now known to be quick
            slow = asyncio.create_task(tiered.run(job(SLOW), 3))  # takes the only worker until its timeout
            await asyncio.sleep(0.2)
            started = time.monotonic()
            second = await tiered.run(quick, 30)
            return second, time.monotonic() - started, await slow

        second, elapsed, slow = asyncio.run(main())
        assert second.status == "ok" and b"2000" in second.body
        assert threads.jobs == [SELECT_COUNT] and elapsed < 2  # not queued behind the slow query
        assert slow == Outcome("timeout")
        assert processes.jobs == [SELECT_COUNT, SLOW]
    finally:
        tiered.close()


def test_tiered_runner_keeps_slow_queries_on_workers(tmp_path):
    path = build_store(tmp_path / "store", triples=50)
    processes, threads, tiered = _tiered(path, quick_s=0.0)  # nothing counts as quick
    try:

        async def main():
            return [await tiered.run(job("ASK { ?s ?p ?o }"), 30) for _ in range(3)]

        assert all(o.status == "ok" for o in asyncio.run(main()))
        assert len(processes.jobs) == 3 and threads.jobs == []
    finally:
        tiered.close()


def test_tiered_runner_does_not_remember_long_queries(tmp_path):
    path = build_store(tmp_path / "store", triples=5)
    processes, threads, tiered = _tiered(path, quick_s=5.0)
    long_query = job("ASK { ?s ?p ?o }\n" + "# padding\n" * 2000)
    try:

        async def main():
            return [await tiered.run(long_query, 30) for _ in range(2)]

        assert all(o.status == "ok" for o in asyncio.run(main()))
        assert len(processes.jobs) == 2 and threads.jobs == []
    finally:
        tiered.close()


def _graphs_store() -> ox.Store:
    store = ox.Store()
    for name in ("seen", "half-written"):
        store.add(ox.Quad(ox.NamedNode(f"{EX}{name}-s"), ox.NamedNode(f"{EX}p"), ox.Literal(name), ox.NamedNode(f"{EX}{name}")))
    return store


@pytest.mark.parametrize(
    "sparql",
    [
        f"SELECT ?o FROM <{EX}seen> FROM <{EX}half-written> WHERE {{ ?s ?p ?o }}",
        f"PREFIX ex: <{EX}> SELECT ?o FROM ex:seen FROM ex:half-written WHERE {{ ?s ?p ?o }}",
        # Relative IRIs resolve against the protocol's base (job's base_iri).
        "SELECT ?o FROM <seen> FROM <half-written> WHERE { ?s ?p ?o }",
        f"SELECT ?o FROM NAMED <{EX}seen> FROM NAMED <{EX}half-written> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        # A FROM in a comment or a string is not the dataset: the real one still is narrowed.
        f"SELECT ?o # FROM <{EX}other>\nFROM <{EX}half-written> FROM <{EX}seen> WHERE {{ ?s ?p ?o FILTER(?o != 'FROM <x>') }}",
    ],
)
def test_a_query_naming_its_own_dataset_still_cannot_read_a_half_written_graph(sparql):
    from api.executor import without_hidden

    store = _graphs_store()
    asked = job(sparql, query_has_dataset=True, formats={"solutions": "csv"})
    assert "half-written" in execute(store, asked).body.decode()  # as written, the query reads both
    answered = execute(store, without_hidden(asked, store, frozenset({f"{EX}half-written"}))).body.decode()
    assert answered.split() == ["o", "seen"]


def test_a_query_from_only_named_graphs_keeps_an_empty_default_graph_while_narrowed():
    from api.executor import without_hidden

    store = _graphs_store()
    asked = job(f"SELECT ?o FROM NAMED <{EX}seen> WHERE {{ ?s ?p ?o }}", query_has_dataset=True, formats={"solutions": "csv"})
    narrowed = without_hidden(asked, store, frozenset({f"{EX}half-written"}))
    assert execute(store, narrowed).body.decode().split() == ["o"]


def test_an_unreadable_dataset_while_a_document_is_half_written_is_refused_not_guessed():
    from api.executor import HiddenDatasetUnknown, without_hidden

    # Oxigraph's own parse refuses this too; the point is that nothing is evaluated.
    asked = job("SELECT ?o FROM WHERE { ?s ?p ?o }", query_has_dataset=True)
    with pytest.raises(HiddenDatasetUnknown):
        without_hidden(asked, _graphs_store(), frozenset({f"{EX}half-written"}))


@pytest.mark.parametrize("name", ["json", "xml", "csv", "tsv"])
def test_rows_at_most_never_counts_fewer_rows_than_there_are(name):
    fmt = negotiation.BY_NAME[name]
    store = ox.Store()
    # Values that spell each format's row marks: braces, an escaped <result>, line breaks.
    values = ["plain", "{{}}", "<result></result>", "two\nlines", 'a "quoted", value\r\n', ""]
    store.extend(ox.Quad(ox.NamedNode(f"{EX}s{i}"), ox.NamedNode(f"{EX}p"), ox.Literal(value)) for i, value in enumerate(values))
    for query, rows in (("SELECT ?s ?o { ?s ?p ?o }", len(values)), ("SELECT ?s { ?s ?p ?o } LIMIT 0", 0), ("SELECT * { ?s ?p ?o }", len(values))):
        body = store.query(query).serialize(format=fmt.results_format)
        assert body is not None
        assert results.rows_at_most(body, fmt) >= rows
    if name in ("xml", "tsv"):  # exact in these two
        assert results.rows_at_most(store.query("SELECT ?o { ?s ?p ?o }").serialize(format=fmt.results_format) or b"", fmt) == len(values)
