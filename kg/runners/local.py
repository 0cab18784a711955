"""The local runner: documents prepared in this process or in a pool of processes here.

A worker that dies (killed, or out of memory past what Python can catch) breaks
the pool and every document then in flight. Those are prepared again, one at a
time in a fresh single-worker pool, so that only the document that kills its
worker again is reported as failed and the rest of the batch goes on (issue 14:
tests/test_ingest.py kills a worker with SIGKILL). At most two documents per
worker are in flight, so the pool never holds the whole batch (issue 13: ingest
memory is to be bounded by the documents in flight, not by the corpus).
"""

from __future__ import annotations

import os
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import TYPE_CHECKING, Generator, Iterator, Sequence

from kg.runners import Prepare, Prepared
from kg.settings import Settings
from kg.workers import Failure, Outcome, call, die_with_parent

if TYPE_CHECKING:
    from kg.ingest import PreparedDocument

WORKER_DIED = "its worker process died while ingesting it (killed, or out of memory); the document was not stored"


class LocalRunner:
    """``workers`` processes on this machine; with one (or one document) no pool is started."""

    def __init__(self, workers: int = 1) -> None:
        self.workers = workers

    def __enter__(self) -> "LocalRunner":
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def __str__(self) -> str:
        return f"{self.workers} local process{'es' if self.workers != 1 else ''}"

    def run(self, prepare: Prepare, paths: Sequence[Path], settings: Settings) -> Iterator[Prepared]:
        if self.workers <= 1 or len(paths) <= 1:
            return _prepare_here(prepare, paths, settings)
        return _prepare_in_pool(prepare, paths, settings, self.workers)


def _prepare_here(prepare: Prepare, paths: Sequence[Path], settings: Settings) -> Iterator[Prepared]:
    for path in paths:
        yield path, call(prepare, path, settings)


def _prepare_in_pool(prepare: Prepare, paths: Sequence[Path], settings: Settings, workers: int) -> Iterator[Prepared]:
    queue = deque(paths)
    while queue:
        suspects = yield from _run_pool(prepare, queue, settings, workers)
        for path in suspects:
            if (yield from _run_pool(prepare, deque([path]), settings, 1)):
                yield path, Outcome(failure=Failure(WORKER_DIED))


def _run_pool(prepare: Prepare, queue: deque[Path], settings: Settings, workers: int) -> Generator[Prepared, None, list[Path]]:
    """Prepare documents from ``queue`` until it is empty or the pool breaks; return the
    documents in flight when it broke."""
    in_flight: dict[Future[Outcome[PreparedDocument]], Path] = {}
    pool = ProcessPoolExecutor(max_workers=workers, initializer=die_with_parent, initargs=(os.getpid(),))
    try:
        while queue or in_flight:
            while queue and len(in_flight) < 2 * workers:
                path = queue.popleft()
                try:
                    in_flight[pool.submit(call, prepare, path, settings)] = path
                except BrokenProcessPool:
                    return [path, *in_flight.values()]
            done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            for future in done:
                path = in_flight.pop(future)  # drop the finished future, and the document it holds
                try:
                    outcome = future.result()
                except BrokenProcessPool:
                    return [path, *in_flight.values()]
                yield path, outcome
        return []
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
