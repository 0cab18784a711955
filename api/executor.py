"""Running queries with a timeout that really stops them.

pyoxigraph cannot cancel a running query, so the only thing that genuinely
stops one is ending the process that runs it. For a store on disk
(``ProcessRunner``, the default for ``budgetkg serve``) queries run in a small
pool of worker processes, each with the store opened read-only; a query that
outlives its timeout has its worker killed (SIGKILL) and replaced, and the
client gets 503. Only bytes cross the pipe: the worker evaluates and serialises
(see ``api.results``). After an update the runner's generation goes up and each
worker reopens its read-only view before its next query, so it sees the write.

For an in-memory store (tests, embedding) another process cannot see the data,
so ``ThreadRunner`` evaluates in threads of this process. Its timeout answers
503 on time and stops every query whose results stream (the serialiser checks
the deadline between chunks), but a query blocked inside one operator (a big
ORDER BY, GROUP BY, a join's hash build) runs on in its thread until it ends.
That limitation is the reason on-disk stores use processes.

This module must not import FastAPI: worker processes import it.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pyoxigraph as ox

from api import negotiation
from api.results import SerializationError, serialize


@dataclass(frozen=True)
class QueryJob:
    sparql: str
    # None: the server's default dataset (union default graph); else the protocol's.
    default_graphs: tuple[str, ...] | None
    named_graphs: tuple[str, ...] | None
    # The query names its own dataset with FROM / FROM NAMED.
    query_has_dataset: bool
    base_iri: str | None
    # Chosen format name per result kind ("solutions", "boolean", "graph"); None = 406.
    formats: dict[str, str | None]
    max_rows: int
    prefixes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    """What a query came to. ``status`` is one of ok, syntax, not-acceptable, timeout, error."""

    status: str
    message: str = ""
    body: bytes = b""
    format_name: str = ""
    kind: str = ""
    rows: int | None = None
    truncated: bool = False
    elapsed_s: float = 0.0


_FORMATS_BY_NAME = {fmt.name: fmt for formats in negotiation.FORMATS.values() for fmt in formats}


def execute(store: ox.Store, job: QueryJob, deadline: float | None = None) -> Outcome:
    """Evaluate ``job`` on ``store`` and serialise the result; never raises for bad input."""
    started = time.monotonic()
    options: dict = {"base_iri": job.base_iri}
    if job.default_graphs is not None or job.named_graphs is not None:
        options["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs or ()]
        options["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs or ()]
    elif not job.query_has_dataset:
        options["use_default_graph_as_union"] = True
    try:
        result = store.query(job.sparql, **options)
    except SyntaxError as error:
        return Outcome("syntax", str(error))
    except (OSError, ValueError) as error:
        return Outcome("error", str(error))
    kind = (
        "boolean"
        if isinstance(result, ox.QueryBoolean)
        else "solutions"
        if isinstance(result, ox.QuerySolutions)
        else "graph"
    )
    name = job.formats.get(kind)
    if name is None:
        return Outcome("not-acceptable", kind=kind)
    try:
        out = serialize(result, _FORMATS_BY_NAME[name], max_rows=job.max_rows, prefixes=job.prefixes, deadline=deadline)
    except TimeoutError:
        return Outcome("timeout")
    except SerializationError as error:
        return Outcome("not-acceptable", str(error), kind=kind)
    except (OSError, ValueError) as error:
        return Outcome("error", str(error))
    return Outcome("ok", "", out.body, name, kind, out.rows, out.truncated, time.monotonic() - started)


class ThreadRunner:
    """Queries in this process's threads (in-memory stores). See the module docstring."""

    hard_timeout = False

    def __init__(self, store: ox.Store, threads: int = 8) -> None:
        self.store = store
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="sparql")
        self._active_lock = threading.Lock()
        self.active = 0  # queries still running in a thread (including timed-out ones)

    def _execute(self, job: QueryJob, deadline: float) -> Outcome:
        with self._active_lock:
            self.active += 1
        try:
            return execute(self.store, job, deadline)
        finally:
            with self._active_lock:
                self.active -= 1

    async def run(self, job: QueryJob, timeout_s: float) -> Outcome:
        loop = asyncio.get_running_loop()
        deadline = time.monotonic() + timeout_s
        future = loop.run_in_executor(self._pool, self._execute, job, deadline)
        try:
            return await asyncio.wait_for(asyncio.shield(future), timeout_s)
        except asyncio.TimeoutError:
            return Outcome("timeout")

    def invalidate(self) -> None:
        pass  # same store object: writes are visible at once

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def _worker_main(conn, path: str) -> None:  # runs in a worker process
    store = ox.Store.read_only(path)
    generation = 0
    while True:
        try:
            wanted, job = conn.recv()
        except (EOFError, OSError):
            return
        if wanted != generation:
            store = ox.Store.read_only(path)
            generation = wanted
        outcome = execute(store, job)
        if outcome.status == "error":
            # The primary may have compacted files under an old read-only view: reopen, retry once.
            store = ox.Store.read_only(path)
            outcome = execute(store, job)
        conn.send(outcome)


class _Worker:
    def __init__(self, context, path: str) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child, path), daemon=True, name="sparql-worker")
        self.process.start()
        child.close()

    def kill(self) -> None:
        try:
            self.process.kill()
            self.process.join(timeout=2)
        except Exception:
            pass
        self.conn.close()


class ProcessRunner:
    """Queries in worker processes that are killed on timeout (stores on disk)."""

    hard_timeout = True

    def __init__(self, path: str, workers: int = 2, max_workers: int | None = None) -> None:
        self.path = path
        self.generation = 0
        self.max_workers = max(workers, max_workers or workers * 2)
        self._context = multiprocessing.get_context("spawn")
        self._lock = threading.Lock()
        self._idle: list[_Worker] = [_Worker(self._context, path) for _ in range(max(1, workers))]
        self._count = len(self._idle)
        self._closed = False

    def _take(self) -> _Worker | None:
        with self._lock:
            if self._idle:
                return self._idle.pop()
            if self._count < self.max_workers:
                self._count += 1
                spawn = True
            else:
                return None
        if spawn:
            return _Worker(self._context, self.path)
        return None

    def _give_back(self, worker: _Worker) -> None:
        with self._lock:
            if self._closed:
                worker.kill()
            else:
                self._idle.append(worker)

    def _discard(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._count -= 1
            if not self._closed and self._count < 1:
                self._count += 1
                self._idle.append(_Worker(self._context, self.path))

    async def run(self, job: QueryJob, timeout_s: float) -> Outcome:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        worker = self._take()
        while worker is None:  # every worker busy: wait for one (bounded by the timeout)
            if loop.time() >= deadline:
                return Outcome("timeout", "all query workers are busy")
            await asyncio.sleep(0.005)
            worker = self._take()
        try:
            worker.conn.send((self.generation, job))
            ready = loop.create_future()
            fd = worker.conn.fileno()
            loop.add_reader(fd, lambda: ready.done() or ready.set_result(None))
            try:
                await asyncio.wait_for(ready, max(0.0, deadline - loop.time()))
            finally:
                loop.remove_reader(fd)
            # uvloop makes a watched fd non-blocking; the message may be larger than
            # the pipe buffer, so read the rest blocking (the worker is writing it).
            os.set_blocking(fd, True)
            outcome = worker.conn.recv()
        except asyncio.TimeoutError:
            self._discard(worker)  # the only way to stop the query
            return Outcome("timeout")
        except asyncio.CancelledError:
            self._discard(worker)  # the client went away mid-query
            raise
        except (EOFError, OSError, BrokenPipeError) as error:
            self._discard(worker)
            return Outcome("error", f"query worker failed: {error or 'it exited'}")
        self._give_back(worker)
        return outcome

    def invalidate(self) -> None:
        """The store was written: workers reopen their read-only view before the next query."""
        self.generation += 1

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.kill()


def default_workers() -> int:
    return max(2, min(4, os.cpu_count() or 2))
