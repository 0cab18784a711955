"""Running queries with a timeout that really stops them.

pyoxigraph cannot cancel a running query, so the only thing that genuinely
stops one is ending the process that runs it. For a store on disk
(``ProcessRunner``, the default for ``budgetkg serve``) queries run in a small
pool of worker processes, each with the store opened read-only; a query that
outlives its timeout has its worker killed (SIGKILL) and replaced, and the
client gets 503. The worker evaluates and serialises (see ``api.results``); what
crosses its socket pair is a length-prefixed frame: the job as a tuple of plain
values (the prefixes only when they change) and back the response body as raw
bytes behind a small tuple of the outcome's other fields. After an update the
runner's generation goes up and each worker reopens its read-only view before
its next query, so it sees the write.

For an in-memory store (tests, embedding) another process cannot see the data,
so ``ThreadRunner`` evaluates in threads of this process. Its timeout answers
503 on time and stops every query whose results stream (the serialiser checks
the deadline between chunks), but a query blocked inside one operator (a big
ORDER BY, GROUP BY, a join's hash build) runs on in its thread until it ends.
That limitation is the reason on-disk stores use processes.

``TieredRunner`` (what ``budgetkg serve`` uses for a store on disk) combines
the two: a query seen to end quickly on a worker runs in a thread next time.

This module must not import FastAPI: worker processes import it.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import multiprocessing.connection
import os
import pickle
import queue
import resource
import socket
import struct
import sys
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field, fields, replace
from multiprocessing.context import SpawnContext
from operator import attrgetter
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from api import negotiation
from api.admission import Closed, Pool, QueueFull
from api.memo import MAX_KEPT_CHARS
from api.results import ResultTooLarge, SerializationError, serialize
from kg.query_dataset import query_dataset
from kg.store import open_snapshot

log = logging.getLogger("budgetkg.api")


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
    # The query's own top-level LIMIT, when the endpoint found one. When it is at
    # most max_rows the row cap cannot bite and SELECT results are written
    # directly in the requested format (see api.results.serialize).
    solution_limit: int | None = None


@dataclass(frozen=True)
class Outcome:
    """What a query came to. ``status`` is one of ok, syntax, not-acceptable, timeout, busy, too-large, error.

    ``busy``: refused without waiting, every worker taken and the queue full (api.admission).
    """

    status: str
    message: str = ""
    body: bytes = b""
    format_name: str = ""
    kind: str = ""
    # Rows (or triples) in the body; None for booleans and for SELECT results
    # written directly because of the query's own LIMIT (job.solution_limit).
    rows: int | None = None
    truncated: bool = False
    elapsed_s: float = 0.0


def execute(
    store: ox.Store,
    job: QueryJob,
    deadline: float | None = None,
    max_bytes: int | None = None,
    *,
    sparql: str | None = None,
    max_solutions: int | None = None,
) -> Outcome:
    """Evaluate ``job`` on ``store`` and serialise the result; never raises for bad input.

    With ``max_bytes``, SELECT results are written directly and a result longer
    than that is given up: ``Outcome("too-large")`` (see ``api.lookups``). With
    ``max_solutions``, the text run is ``sparql`` (the job's, bounded by a LIMIT)
    and a SELECT result that may hold more rows is given up the same way
    (``api.results.serialize``).
    """
    started = time.monotonic()
    try:
        result = _evaluate(store, job, sparql or job.sparql)
    except SyntaxError as error:
        return Outcome("syntax", str(error))
    except (OSError, ValueError) as error:
        return Outcome("error", str(error))
    kind = "boolean" if isinstance(result, ox.QueryBoolean) else "solutions" if isinstance(result, ox.QuerySolutions) else "graph"
    name = job.formats.get(kind)
    if name is None:
        return Outcome("not-acceptable", kind=kind)
    fmt = negotiation.BY_NAME[name]
    try:
        try:
            out = serialize(result, fmt, max_rows=job.max_rows, prefixes=job.prefixes, deadline=deadline, solution_limit=job.solution_limit, max_bytes=max_bytes, max_solutions=max_solutions)
        except ResultTooLarge:  # see api.results: evaluate again, through the carrier
            if max_bytes is not None or max_solutions is not None:
                return Outcome("too-large")
            result = _evaluate(store, job, job.sparql)
            out = serialize(result, fmt, max_rows=job.max_rows, prefixes=job.prefixes, deadline=deadline, direct=False)
    except TimeoutError:
        return Outcome("timeout")
    except SerializationError as error:
        return Outcome("not-acceptable", str(error), kind=kind)
    except (OSError, ValueError) as error:
        return Outcome("error", str(error))
    return Outcome("ok", "", out.body, name, kind, out.rows, out.truncated, time.monotonic() - started)


def _evaluate(store: ox.Store, job: QueryJob, text: str) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
    """``text`` evaluated on the job's dataset.

    The keyword arguments are spelt out in each call: a dict of them built per
    query and passed with ``**`` cost 3 µs a point lookup (72.4 against 69.6 µs,
    medians of 40 x 500, in-process).
    """
    if job.default_graphs is not None or job.named_graphs is not None:
        default: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = [ox.NamedNode(g) for g in job.default_graphs or ()]
        named: list[ox.NamedNode | ox.BlankNode] = [ox.NamedNode(g) for g in job.named_graphs or ()]
        return store.query(text, base_iri=job.base_iri, default_graph=default, named_graphs=named)
    if job.query_has_dataset:
        return store.query(text, base_iri=job.base_iri)
    return store.query(text, base_iri=job.base_iri, use_default_graph_as_union=True)


class ThreadRunner:
    """Queries in this process's threads (in-memory stores). See the module docstring."""

    hard_timeout = False

    def __init__(self, store: ox.Store, threads: int = 8, max_waiting: int = 64) -> None:
        self.store = store
        self.threads = max(1, threads)
        # Jobs that may wait for a thread; more are refused at once ("busy"), as in api.admission.
        self.max_waiting = max(0, max_waiting)
        # A lean pool (a queue and up to ``threads`` threads started on demand): a
        # query's hop to a thread and back costs what it must and no more.
        self._queue: queue.SimpleQueue[_ThreadJob | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._started: list[threading.Thread] = []
        self._waiting = 0  # threads free to take a job (and not yet claimed)
        self._closed = False
        self.active = 0  # queries still running in a thread (including timed-out ones)

    def _thread_main(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            job, deadline, loop, future = item
            with self._lock:
                self.active += 1
            outcome: Outcome | BaseException
            try:
                if future.cancelled() or time.monotonic() >= deadline:
                    outcome = _TIMEOUT  # waited in the queue past its time: nobody wants the answer
                else:
                    outcome = execute(self.store, job, deadline)
            except BaseException as error:  # not expected (execute does not raise); hand it to the caller
                outcome = error
            with self._lock:
                self.active -= 1
                self._waiting += 1
            try:
                loop.call_soon_threadsafe(_settle, future, outcome)
            except RuntimeError:
                pass  # the loop is closed: nobody is waiting any more
            del item, future, outcome

    async def run(self, job: QueryJob, timeout_s: float) -> Outcome:
        loop = asyncio.get_running_loop()
        with self._lock:
            if self._closed:
                raise RuntimeError("the query runner is closed")
            if self._waiting:
                self._waiting -= 1
                thread = None
            elif len(self._started) < self.threads:
                thread = threading.Thread(target=self._thread_main, name=f"sparql-{len(self._started)}", daemon=True)
                self._started.append(thread)
            elif self._queue.qsize() >= self.max_waiting:
                return Outcome("busy", f"all {self.threads} query threads are busy and {self.max_waiting} queries are waiting for one")
            else:
                thread = None  # every thread busy: the job waits in the queue
        if thread is not None:
            try:
                thread.start()
            except BaseException:
                with self._lock:
                    self._started.remove(thread)
                raise
        future: asyncio.Future[Outcome] = loop.create_future()
        self._queue.put((job, time.monotonic() + timeout_s, loop, future))
        # On time the caller gets 503 while the thread runs on to its deadline.
        timer = loop.call_later(timeout_s, _settle, future, _TIMEOUT)
        try:
            return await future
        finally:
            timer.cancel()

    def invalidate(self) -> None:
        pass  # same store object: writes are visible at once

    ready = True  # nothing to open: the store is this process's own

    def status(self) -> dict[str, int]:
        return {"threads": self.threads, "running": self.active, "waiting": self._queue.qsize()}

    def close(self) -> None:
        with self._lock:
            self._closed = True
            started = list(self._started)
        while True:  # queued jobs are dropped (their callers time out)
            try:
                self._queue.get_nowait()
            except queue.Empty:
                break
        for _ in started:
            self._queue.put(None)


_TIMEOUT = Outcome("timeout")
# What a query thread takes from the queue: the job, its deadline (time.monotonic) and where to
# settle its outcome; None tells the thread to end.
_ThreadJob = tuple[QueryJob, float, asyncio.AbstractEventLoop, "asyncio.Future[Outcome]"]


def _settle(future: asyncio.Future[Any], value: object) -> None:
    if not future.done():
        if isinstance(value, BaseException):
            future.set_exception(value)
        else:
            future.set_result(value)


# -- worker processes ----------------------------------------------------------
#
# Request frame: 4-byte length, then pickle((generation, prefixes or None, job
# values without the prefixes)); the prefixes go only when they differ from what
# the worker holds. Reply frame: 4-byte length of the pickled tuple of the
# outcome's fields other than the body, 4-byte body length, that tuple, the body.

_REQUEST = struct.Struct("!I")
_REPLY = struct.Struct("!II")
_SENT_FIELDS = tuple(f.name for f in fields(QueryJob) if f.name != "prefixes")
_job_values = attrgetter(*_SENT_FIELDS)
_SMALL = 1 << 16  # bodies up to this size go in the same write as the header


def _recv_exact(sock: socket.socket, buffer: memoryview) -> None:
    got, size = 0, len(buffer)
    while got < size:
        n = sock.recv_into(buffer[got:])
        if not n:
            raise EOFError
        got += n


def _recv_request(sock: socket.socket) -> memoryview | bytearray:
    data = sock.recv(_SMALL)
    if not data:
        raise EOFError
    while len(data) < _REQUEST.size:
        more = sock.recv(_SMALL)
        if not more:
            raise EOFError
        data += more
    (size,) = _REQUEST.unpack_from(data)
    if len(data) - _REQUEST.size == size:
        return memoryview(data)[_REQUEST.size :]
    message = bytearray(size)
    have = len(data) - _REQUEST.size
    message[:have] = memoryview(data)[_REQUEST.size :]
    _recv_exact(sock, memoryview(message)[have:])
    return message


def _send_outcome(sock: socket.socket, outcome: Outcome, resident: int) -> None:
    meta = pickle.dumps(
        (outcome.status, outcome.message, outcome.format_name, outcome.kind, outcome.rows, outcome.truncated, outcome.elapsed_s, resident),
        pickle.HIGHEST_PROTOCOL,
    )
    body = outcome.body
    head = _REPLY.pack(len(meta), len(body))
    if len(body) <= _SMALL:
        sock.sendall(head + meta + body)
    else:
        sock.sendall(head + meta)
        sock.sendall(body)


def _open_read_only(path: str) -> tuple[ox.Store, frozenset[str]]:
    """A read-only view of the store at ``path`` and the graphs to hide in it (kg.store.open_snapshot:
    those of a document being written in parts when the view was taken), trying again for a moment
    if the open fails.

    Opening races with the primary's flushes and compactions: it can read a
    manifest naming a file that is deleted a moment later ("Corruption: ... No
    such file"). A second try sees the new manifest.
    """
    for pause in (0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2):
        try:
            return open_snapshot(Path(path))
        except Exception:
            time.sleep(pause)
    return open_snapshot(Path(path))


def without_hidden(job: QueryJob, store: ox.Store, hidden: frozenset[str]) -> QueryJob:
    """``job`` with its dataset narrowed to the graphs a reader may see: a document half written in
    parts is absent from the server's answers, as it is from ``OxigraphStore``'s.

    The dataset narrowed is the protocol's (default-graph-uri / named-graph-uri), else the
    query's own FROM / FROM NAMED (read by kg.query_dataset: Oxigraph's dataset options replace
    a query's FROM, so the query's list is passed back without the hidden graphs), else the
    union of the visible graphs. Raises ``HiddenDatasetUnknown`` when the query names a
    dataset that cannot be read: answering it might read a half-written document.
    """
    if not hidden:
        return job
    if job.default_graphs is None and job.named_graphs is None and job.query_has_dataset:
        try:
            declared = query_dataset(job.sparql, job.base_iri)
        except ValueError as error:
            raise HiddenDatasetUnknown(str(error)) from error
        if declared is not None:
            job = replace(job, default_graphs=declared.default_graphs, named_graphs=declared.named_graphs)
    if job.default_graphs is None and job.named_graphs is None:
        visible = tuple(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode) and g.value not in hidden)
        return replace(job, default_graphs=visible, named_graphs=visible)
    return replace(
        job,
        default_graphs=tuple(g for g in job.default_graphs or () if g not in hidden),
        named_graphs=tuple(g for g in job.named_graphs or () if g not in hidden),
    )


class HiddenDatasetUnknown(Exception):
    """A query's FROM / FROM NAMED could not be read while a document is half written."""


def _resident_bytes() -> int:
    """This process's resident memory (the runner recycles a worker that has grown past its limit)."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):  # not Linux: the peak is the best there is
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak if sys.platform == "darwin" else peak * 1024


_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _worker_main(sock: socket.socket, path: str) -> None:  # runs in a worker process
    # Open the store before taking any query, and say so: the runner hands this
    # worker no query (and so no query's timeout) until it is ready.
    try:
        store, hidden = _open_read_only(path)
    except Exception as error:
        _send_outcome(sock, Outcome("error", f"cannot open the store at {path}: {error}"), 0)
        return
    _send_outcome(sock, Outcome("ready"), _resident_bytes())
    generation = 0
    prefixes: dict[str, str] = {}
    while True:
        try:
            wanted, new_prefixes, values = pickle.loads(_recv_request(sock))
        except (EOFError, OSError):
            return
        if new_prefixes is not None:
            prefixes = new_prefixes
        job = QueryJob(prefixes=prefixes, **dict(zip(_SENT_FIELDS, values)))
        try:
            if wanted != generation:
                store, hidden = _open_read_only(path)
                generation = wanted
            outcome = execute(store, without_hidden(job, store, hidden))
            if outcome.status == "error":
                # The primary may have compacted files under an old read-only view: reopen, retry once.
                store, hidden = _open_read_only(path)
                outcome = execute(store, without_hidden(job, store, hidden))
        except HiddenDatasetUnknown as error:
            outcome = Outcome("busy", f"a document is being written and the query's FROM could not be read ({error})")
        except Exception as error:  # the store cannot be opened, or worse: answer rather than die
            outcome = Outcome("error", f"{type(error).__name__}: {error}")
        try:
            _send_outcome(sock, outcome, _resident_bytes())
        except OSError:
            return


class _Expired(Exception):
    pass


class WorkerStartError(Exception):
    """A query worker could not open the store (or did not report ready in time)."""


class _Worker:
    def __init__(self, context: SpawnContext, path: str) -> None:
        self.sock, child = socket.socketpair()
        try:
            self.process = context.Process(target=_worker_main, args=(child, path), daemon=True, name="sparql-worker")
            self.process.start()
        except BaseException:
            self.sock.close()
            raise
        finally:
            child.close()
        self.fd = self.sock.fileno()
        self.prefixes: dict[str, str] | None = None  # what the worker holds
        self.loop: asyncio.AbstractEventLoop | None = None  # whose selector watches the socket
        self.future: asyncio.Future[tuple[Outcome, int]] | None = None  # the reply being waited for
        self.head = b""
        self.buffer: bytearray | None = None
        self.got = self.total = 0
        self.pending: memoryview | None = None
        self.queries = 0
        self.resident = 0  # bytes, as the worker last reported
        self.dead = False  # its socket reached end-of-file while idle

    def wait_ready(self, timeout_s: float) -> None:
        """Block until the worker has opened the store (``WorkerStartError`` if it cannot)."""
        self.sock.settimeout(timeout_s)
        try:
            head = bytearray(_REPLY.size)
            _recv_exact(self.sock, memoryview(head))
            meta_size, body_size = _REPLY.unpack_from(head)
            frame = head + bytearray(meta_size + body_size)
            _recv_exact(self.sock, memoryview(frame)[_REPLY.size :])
        except (EOFError, OSError) as error:
            raise WorkerStartError(f"the query worker exited or did not report ready within {timeout_s:g} s ({error or 'end of file'})") from None
        outcome, self.resident = _outcome(frame, meta_size)
        if outcome.status != "ready":
            raise WorkerStartError(outcome.message)
        self.sock.setblocking(False)

    def alive(self) -> bool:
        return not self.dead and self.process.is_alive()

    def request(self, generation: int, job: QueryJob) -> bytes:
        values = _job_values(job)
        prefixes = None
        if job.prefixes != self.prefixes:
            prefixes = self.prefixes = dict(job.prefixes)
        message = pickle.dumps((generation, prefixes, values), pickle.HIGHEST_PROTOCOL)
        return _REQUEST.pack(len(message)) + message

    def _unwatch(self) -> None:
        loop, self.loop = self.loop, None
        if loop is not None:
            try:
                loop.remove_reader(self.fd)
            except Exception:
                pass  # the loop is closed

    async def exchange(self, loop: asyncio.AbstractEventLoop, request: bytes, timeout_s: float) -> Outcome:
        if self.loop is not loop:
            self._unwatch()
            loop.add_reader(self.fd, self._on_readable)
            self.loop = loop
        future: asyncio.Future[tuple[Outcome, int]] = loop.create_future()
        self.future = future
        self.head = b""
        self.buffer = None
        self.pending = memoryview(request)
        timer = loop.call_later(timeout_s, _settle, future, _Expired())
        writing = False
        try:
            if not self._send():
                loop.add_writer(self.fd, self._on_writable)
                writing = True
            outcome, self.resident = await future
            return outcome
        finally:
            timer.cancel()
            self.future = None
            if writing:
                loop.remove_writer(self.fd)

    def _send(self) -> bool:
        pending = self.pending
        while pending:
            try:
                pending = pending[self.sock.send(pending) :]
            except (BlockingIOError, InterruptedError):
                self.pending = pending
                return False
        self.pending = None
        return True

    def _on_writable(self) -> None:
        loop, future = self.loop, self.future
        if loop is None or future is None:
            return  # the exchange is over (its finally removed this writer)
        try:
            if self._send():
                loop.remove_writer(self.fd)
        except OSError as error:
            loop.remove_writer(self.fd)
            _settle(future, error)

    def _on_readable(self) -> None:
        future = self.future
        if future is None or future.done():
            # Idle and readable: the worker died. Marked so that the next request
            # passes it by (ProcessRunner._take); the runner's watcher replaces it.
            self.dead = True
            self._unwatch()
            return
        sock = self.sock
        try:
            if self.buffer is None:
                data = sock.recv(_SMALL)
                if not data:
                    raise EOFError
                head = self.head = self.head + data
                if len(head) < _REPLY.size:
                    return
                meta_size, body_size = _REPLY.unpack_from(head)
                total = self.total = _REPLY.size + meta_size + body_size
                if len(head) >= total:
                    self.head = b""
                    future.set_result(_outcome(head, meta_size))
                    return
                buffer = self.buffer = bytearray(total)
                buffer[: len(head)] = head
                self.got = len(head)
            view = memoryview(self.buffer)
            got, total = self.got, self.total
            try:
                while got < total:
                    n = sock.recv_into(view[got:])
                    if not n:
                        raise EOFError
                    got += n
            finally:
                self.got = got
            buffer, self.buffer, self.head = self.buffer, None, b""  # hold no reply once it is handed over
            future.set_result(_outcome(buffer, _REPLY.unpack_from(buffer)[0]))
        except (BlockingIOError, InterruptedError):
            pass
        except (EOFError, OSError) as error:
            future.set_exception(error)

    def kill(self) -> None:
        """End the process; close the socket in the thread of the loop that watches it.

        The watcher thread retires idle workers too, and a loop's selector must not
        be changed from another thread (the fd number could be reused meanwhile).
        """
        try:
            self.process.kill()
            self.process.join(timeout=2)
        except Exception:
            pass
        loop = self.loop
        if loop is not None and not loop.is_closed() and not _runs_in(loop):
            try:
                loop.call_soon_threadsafe(self._close)
                return
            except RuntimeError:
                pass  # closed meanwhile
        self._close()

    def _close(self) -> None:
        self._unwatch()
        self.sock.close()


def _runs_in(loop: asyncio.AbstractEventLoop) -> bool:
    try:
        return asyncio.get_running_loop() is loop
    except RuntimeError:
        return False


def _outcome(frame: bytes | bytearray, meta_size: int) -> tuple[Outcome, int]:
    start = _REPLY.size + meta_size
    view = memoryview(frame)
    status, message, format_name, kind, rows, truncated, elapsed_s, resident = pickle.loads(view[_REPLY.size : start])
    return Outcome(status, message, bytes(view[start:]), format_name, kind, rows, truncated, elapsed_s), resident


class ProcessRunner:
    """Queries in worker processes that are killed on timeout (stores on disk).

    The pool has a fixed size (``default_workers``: one per core). A worker is
    replaced when it is killed for a timeout, when it dies (noticed while idle
    by a watcher thread, or by the request that meets it, which is then tried
    once more on another worker), after ``max_queries`` queries, and when it
    has grown past ``max_resident_bytes``: pyoxigraph's read-only views keep
    what they read, and two idle workers were seen holding 1.38 GB between
    them (issue 14). A replacement joins the pool only once it has opened the
    store, so no query's timeout ever runs while a worker is opening.
    """

    hard_timeout = True

    def __init__(
        self,
        path: str,
        workers: int | None = None,
        *,
        max_waiting: int = 64,
        max_queries: int = 10_000,
        max_resident_bytes: int = 1 << 30,
        start_timeout_s: float = 600.0,
        watch_interval_s: float = 0.5,
    ) -> None:
        self.path = path
        self.generation = 0
        self.workers = max(1, workers or default_workers())
        self.max_queries = max_queries
        self.max_resident_bytes = max_resident_bytes
        self.start_timeout_s = start_timeout_s
        self._context = multiprocessing.get_context("spawn")
        self._pool: Pool[_Worker] = Pool(max_waiting, discard=_Worker.kill)
        self._lock = threading.Lock()
        self._starting = 0
        self._closed = threading.Event()
        # All start side by side; the runner exists only once every one is ready.
        fresh = [_Worker(self._context, path) for _ in range(self.workers)]
        try:
            for worker in fresh:
                worker.wait_ready(start_timeout_s)
        except BaseException:
            for worker in fresh:
                worker.kill()
            raise
        self._count = len(fresh)  # workers alive or starting
        for worker in fresh:
            self._pool.put(worker)
        self._watcher = threading.Thread(target=self._watch, args=(watch_interval_s,), name="sparql-worker-watch", daemon=True)
        self._watcher.start()

    # -- the pool's upkeep (also from the watcher and starter threads) ---------

    def _watch(self, interval_s: float) -> None:
        """Replace idle workers that die (SIGKILL, the OOM killer) before a request meets them."""
        while not self._closed.is_set():
            by_sentinel = {worker.process.sentinel: worker for worker in self._pool.idle()}
            if not by_sentinel:
                self._closed.wait(interval_s)
                continue
            for sentinel in multiprocessing.connection.wait(list(by_sentinel), timeout=interval_s):
                if not isinstance(sentinel, int):
                    continue  # not so: wait() hands back the sentinels it was given, ints
                worker = by_sentinel[sentinel]
                if self._pool.remove(worker):
                    log.warning("query worker %s exited while idle; starting another", worker.process.pid)
                    self._retire(worker)

    def _retire(self, worker: _Worker) -> None:
        """Kill ``worker`` and start another in the background to keep the pool's size."""
        worker.kill()
        with self._lock:
            self._count -= 1
            replace = not self._closed.is_set() and self._count < self.workers
            if replace:
                self._count += 1
                self._starting += 1
        if replace:
            threading.Thread(target=self._start_replacement, name="sparql-worker-start", daemon=True).start()

    def _start_replacement(self) -> None:
        pause = 0.5
        while True:
            worker = None
            try:
                worker = _Worker(self._context, self.path)
                worker.wait_ready(self.start_timeout_s)
                break
            except Exception as error:
                if worker is not None:
                    worker.kill()
                log.error("a query worker could not start: %s (trying again in %g s)", error, pause)
                if self._closed.wait(pause):
                    with self._lock:
                        self._count -= 1
                        self._starting -= 1
                    return
                pause = min(30.0, pause * 2)
        with self._lock:
            self._starting -= 1
        self._pool.give_back(worker)

    # -- queries ---------------------------------------------------------------

    async def _take(self, timeout_s: float) -> _Worker:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while True:
            worker = await self._pool.take(max(0.0, deadline - loop.time()))
            if worker.alive():
                return worker
            self._retire(worker)  # died while idle, not yet seen by the watcher

    async def run(self, job: QueryJob, timeout_s: float) -> Outcome:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        retried = False
        while True:
            try:
                worker = await self._take(timeout_s)
            except QueueFull:
                return Outcome("busy", f"all {self.workers} query workers are busy and {self._pool.max_waiting} requests are waiting for one")
            except asyncio.TimeoutError:
                return Outcome("timeout", "all query workers are busy")
            except Closed:
                raise RuntimeError("the query runner is closed") from None
            try:
                outcome = await worker.exchange(loop, worker.request(self.generation, job), max(0.0, deadline - loop.time()))
            except _Expired:
                self._retire(worker)  # the only way to stop the query
                return Outcome("timeout")
            except asyncio.CancelledError:
                self._retire(worker)  # the client went away mid-query
                raise
            except (EOFError, OSError) as error:
                self._retire(worker)
                timeout_s = deadline - loop.time()
                if retried or timeout_s <= 0:
                    return Outcome("error", f"query worker failed: {str(error) or 'it exited'}")
                retried = True  # the worker died under this request: once more, on another
                continue
            except BaseException:
                self._retire(worker)  # e.g. a job that cannot be pickled: the socket's state is unknown
                raise
            worker.queries += 1
            if worker.queries >= self.max_queries or worker.resident > self.max_resident_bytes:
                self._retire(worker)
            else:
                self._pool.give_back(worker)
            return outcome

    def invalidate(self) -> None:
        """The store was written: workers reopen their read-only view before the next query."""
        self.generation += 1

    def status(self) -> dict[str, int]:
        with self._lock:
            starting, count = self._starting, self._count
        return {"workers": self.workers, "ready": count - starting, "starting": starting, "waiting": self._pool.waiting, "generation": self.generation}

    @property
    def ready(self) -> bool:
        with self._lock:
            return not self._closed.is_set() and self._count - self._starting > 0

    def close(self) -> None:
        self._closed.set()
        for worker in self._pool.close():
            worker.kill()


class TieredRunner:
    """Worker processes for queries not yet seen to be quick; threads for those that were.

    Reaching a worker costs 0.3-0.9 ms a query here, reaching a thread half that
    or less (``bench/bench_sparql.py``). A query that has run on a worker within
    ``quick_s`` against the same store generation will take about as long again
    (the server's view of the store only changes through an update, which
    starts a new generation), so the next time it runs in a thread. Everything
    else, and every query's first run, keeps the hard timeout of a worker. The
    thread's timeout still answers 503 on time; a query that ended within
    ``quick_s`` once is not expected to need it.

    Why a thread and not the event loop itself, as the Oxigraph server answers
    in the thread that read the request: that was tried (issue 13), for quick
    queries that found no other query running. On the 109k-quad store of
    ``bench/bench_sparql.py``, 2 cores at load average 11-16 from other work,
    it saved 0.2 ms of server CPU a request (code-prefix 4.29 -> 4.04 ms over
    400 requests paired in ABBA order), but the latency ratio to the previous
    version was within the noise (0.94x code-prefix, 0.99x OPTIONAL), and with
    8 clients (``bench/bench_load.py --clients 8 --seconds 20 --rounds 1`` on
    the five seeds, one run each) budgetkg's p95 went from 1.30x to 1.54x the
    Oxigraph server's: a request that arrives while the loop evaluates waits
    for it, unseen. A thread keeps the loop free.
    """

    hard_timeout = True

    def __init__(self, processes: ProcessRunner, threads: ThreadRunner, quick_s: float = 0.1, remembered: int = 4096) -> None:
        self.processes = processes
        self.threads = threads
        self.quick_s = quick_s
        self.remembered = remembered
        self._quick: OrderedDict[tuple[object, ...], int] = OrderedDict()  # job key -> generation it was quick in

    @staticmethod
    def _key(job: QueryJob) -> tuple[object, ...]:
        return (job.sparql, job.default_graphs, job.named_graphs, job.query_has_dataset, job.base_iri, tuple(sorted(job.formats.items())), job.max_rows, job.solution_limit)

    async def run(self, job: QueryJob, timeout_s: float) -> Outcome:
        key = self._key(job)
        generation = self.processes.generation
        if self._quick.get(key) == generation:
            self._quick.move_to_end(key)
            return await self.threads.run(job, timeout_s)
        outcome = await self.processes.run(job, timeout_s)
        remember = len(job.sparql) <= MAX_KEPT_CHARS  # long texts are not kept (api.memo)
        if remember and outcome.status == "ok" and outcome.elapsed_s <= self.quick_s and generation == self.processes.generation:
            self._quick[key] = generation
            if len(self._quick) > self.remembered:
                self._quick.popitem(last=False)
        return outcome

    def invalidate(self) -> None:
        self._quick.clear()
        self.processes.invalidate()
        self.threads.invalidate()

    @property
    def ready(self) -> bool:
        return self.processes.ready

    def status(self) -> dict[str, int]:
        return self.processes.status()

    def close(self) -> None:
        self.threads.close()
        self.processes.close()


def default_workers() -> int:
    """One query worker per core this process may use, and at least two.

    More workers than cores only share the same CPUs (and each holds its own
    view of the store); fewer leaves a core idle while a slow query runs.
    """
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 2
    return max(2, cores)
