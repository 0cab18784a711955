"""Runners: where documents are prepared (parsed, mapped, reasoned over, validated).

A runner takes the function that prepares one document and a list of files and
hands back each file's outcome, as documents finish. What it never does is write
the store: ``kg.ingest.ingest_many`` commits every outcome through one writer (each
document whole or absent, in groups on disk: ``kg.ingest.commit_group``), whichever
runner prepared it. So a runner can move
the work anywhere (processes on this machine, a Dask cluster) without changing
what is written, and a cluster ingest equals a local ingest quad for quad
(tests/test_runners_dask.py).

- ``kg.runners.local``: this process, or a pool of processes on this machine.
- ``kg.runners.dask``: the workers of a Dask distributed scheduler
  (the ``cluster`` extra); documents travel to them as bytes
  (``kg.runners.shipped``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, Protocol, Sequence

from kg.settings import Settings
from kg.workers import Outcome

if TYPE_CHECKING:
    from kg.ingest import PreparedDocument

Prepare = Callable[[Path, Settings], "PreparedDocument"]
Prepared = tuple[Path, Outcome["PreparedDocument"]]


class RunnerError(Exception):
    """The runner cannot run at all (no scheduler, workers without budgetkg): one line, exit 1."""


class Runner(Protocol):
    """Used as a context manager: a runner may hold a connection (a scheduler) until the batch ends."""

    def __enter__(self) -> Runner: ...

    def __exit__(self, *exc: object) -> None: ...

    def run(self, prepare: Prepare, paths: Sequence[Path], settings: Settings) -> Iterator[Prepared]:
        """Each path with its outcome, in the order documents finish; a failure is an outcome, not an exception."""
        ...
