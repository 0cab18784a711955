"""Validating the documents of an on-disk store on every core (``budgetkg validate``).

Why. The command checked one stored document after another in one process: its
rate was one core's, whatever the machine (issue 13 measured 2.2 documents/s at
1,000 documents and 0.4 at 10,000; the shapes alone take about 150 ms of CPU a
document, README "What grows with the store"). Documents are independent, so each
worker process opens its own read-only view of the store (``kg.store.open_snapshot``,
as the server's query workers do) and validates the documents it is given, while
the command's process, which holds the store for writing, stores each report as it
comes back, in the documents' order.

Workers are started with ``spawn``: the command's process holds the store open for
writing, with RocksDB's threads, and a forked child would inherit their locks in
whatever state they were.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from pathlib import Path

import pyoxigraph as ox

from kg.settings import Settings
from kg.store import open_snapshot
from kg.validation.documents import validate_stored_document
from kg.validation.results import ValidationReport
from kg.workers import die_with_parent

# Each worker process's view of the store, opened once by the pool's initializer: a view
# per document would reopen the store's files for every document.
_view: ox.Store | None = None


def _open_view(path: str, parent_pid: int) -> None:
    global _view
    die_with_parent(parent_pid)
    _view, _ = open_snapshot(Path(path))


def _validate_in_view(document_id: str, settings: Settings, engine: str) -> ValidationReport:
    if _view is None:
        raise RuntimeError("a validation worker ran before its view of the store was opened")
    return validate_stored_document(_view, document_id, settings, engine)


def validate_stored_documents(path: Path, document_ids: Sequence[str], settings: Settings, *, engine: str, workers: int) -> Iterator[ValidationReport]:
    """Each document's report, in the order of ``document_ids``, computed by ``workers``
    processes that each read their own view of the store at ``path``."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_open_view, initargs=(str(path), os.getpid())) as pool:
        # Two documents per worker in flight: results come back in order, and a slow one
        # holds at most that many finished reports in memory.
        documents = iter(document_ids)
        in_flight: deque[Future[ValidationReport]] = deque(pool.submit(_validate_in_view, document_id, settings, engine) for document_id in islice(documents, 2 * workers))
        while in_flight:
            report = in_flight.popleft().result()
            for document_id in islice(documents, 1):
                in_flight.append(pool.submit(_validate_in_view, document_id, settings, engine))
            yield report
