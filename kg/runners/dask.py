"""The Dask runner: documents prepared on the workers of a Dask distributed scheduler.

``budgetkg ingest PATHS --store S --scheduler tcp://HOST:PORT``. This process
reads each file and submits it, as bytes (``kg.runners.shipped``: cluster machines
do not share this one's file system), to ``prepare_document`` on a worker; results
come back as they complete and are committed here by the single writer of
``kg.ingest``, exactly as a local ingest commits them. Only the scheduler's port
needs to be reachable from here: documents and results pass through it (Dask's
default), so workers may sit on a private network.

Only the preparing moves: measured here, it is 0.15-0.6 CPU s of a document's
cost on a worker, against 0.03-0.32 s for this process to commit it
(docs/deployment.md): one writer keeps about two workers busy, and a larger
cluster wants several ingests on disjoint slices of the corpus.

Memory stays bounded by the documents in flight: at most two per worker thread
are submitted at a time, and a finished document's future is released as soon as
it is committed, so neither this process nor the scheduler holds the batch.

A worker that dies under a document (killed, out of memory) is replaced by its
nanny and the scheduler runs the document elsewhere; a document that kills
``distributed.scheduler.allowed-failures`` + 1 workers (4 by default) fails
with one line (``KilledWorker``) and the batch goes on. Losing the scheduler ends
the batch with one line; what was committed stays, and ingesting again skips it.
"""

from __future__ import annotations

import traceback
import warnings
from collections import deque
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, Sequence

from kg import __version__
from kg.reading import InputError
from kg.runners import Prepare, Prepared, RunnerError
from kg.runners.shipped import prepare_shipped, ship
from kg.settings import Settings
from kg.workers import Failure, Outcome, describe

if TYPE_CHECKING:
    from distributed import Client, Future, as_completed

    from kg.ingest import PreparedDocument

CONNECT_TIMEOUT_SECONDS = 10.0
# As the local pool: enough queued that no worker waits for the next document,
# few enough that memory is bounded by the documents in flight.
IN_FLIGHT_PER_THREAD = 2
WORKER_DIED = "its worker died each time it was run (killed, or out of memory); the document was not stored"
INSTALL = "pip install 'budgetkg[cluster]'"


class DaskRunner:
    """A connection to a scheduler whose workers run budgetkg; ``connect`` it, ``close`` it after."""

    def __init__(self, client: "Client", address: str) -> None:
        self._client = client
        self.address = address

    @classmethod
    def connect(cls, address: str, *, timeout: float = CONNECT_TIMEOUT_SECONDS) -> "DaskRunner":
        """Connect and check the workers, or raise ``RunnerError`` with one line saying what is wrong."""
        try:
            from distributed import Client
            from distributed.comm.addressing import get_address_host_port
        except ImportError:
            raise RunnerError(f"--scheduler needs Dask distributed on this machine and the workers: {INSTALL}") from None
        try:
            # Checked before a Client exists: a Client that fails on a malformed address
            # hangs for 20 s when it is collected, and prints a traceback.
            get_address_host_port(address)
        except ValueError as error:
            raise RunnerError(f"{address}: expected a Dask scheduler address such as tcp://HOST:8786 ({error})") from None
        try:
            client = Client(address, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError, ValueError, TypeError) as error:
            reason = " ".join(str(error).split()) or type(error).__name__
            raise RunnerError(f"{address}: cannot reach the Dask scheduler ({reason}); is `dask scheduler` running there?") from None
        runner = cls(client, address)
        try:
            runner._check_workers(timeout)
        except BaseException:
            client.close()
            raise
        return runner

    def _check_workers(self, timeout: float) -> None:
        """Refuse before any work: a scheduler without workers waits forever, and a worker
        with another budgetkg would write other triples than a local ingest."""
        try:
            self._client.wait_for_workers(1, timeout=timeout)
        except TimeoutError:
            raise RunnerError(f"{self.address}: the Dask scheduler has no workers (waited {timeout:g} s); start them with `dask worker {self.address}`") from None
        try:
            versions: dict[str, str] = self._client.run(worker_version)
        except Exception as error:  # noqa: BLE001 - whatever the workers lack, one line
            raise RunnerError(f"{self.address}: the Dask workers cannot run budgetkg ({describe(error)}); {INSTALL} {__version__} on each") from None
        other = sorted(f"{worker} has {version}" for worker, version in versions.items() if version != __version__)
        if other:
            raise RunnerError(f"{self.address}: Dask workers run another budgetkg than this one ({__version__}): {', '.join(other)}")

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> "DaskRunner":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __str__(self) -> str:
        return f"the Dask cluster at {self.address} ({len(self._client.nthreads())} workers)"

    def run(self, prepare: Prepare, paths: Sequence[Path], settings: Settings) -> Iterator[Prepared]:
        from distributed import as_completed

        queue = deque(paths)
        in_flight: dict[Future[Outcome[PreparedDocument]], Path] = {}
        completed = as_completed(loop=self._client.loop)
        yield from self._submit_more(prepare, queue, in_flight, completed, settings)
        for future in completed:
            path = in_flight.pop(future)
            yield path, self._outcome(future, path)
            future.release()  # the scheduler and the worker drop its result now
            yield from self._submit_more(prepare, queue, in_flight, completed, settings)

    def _submit_more(self, prepare: Prepare, queue: deque[Path], in_flight: dict[Future[Outcome[PreparedDocument]], Path], completed: "as_completed", settings: Settings) -> Iterator[Prepared]:
        """Submit documents until the cluster has enough; a file refused here (too large,
        unreadable) is its outcome at once and never travels."""
        limit = IN_FLIGHT_PER_THREAD * max(1, sum(self._client.nthreads().values()))
        while queue and len(in_flight) < limit:
            path = queue.popleft()
            try:
                shipped = ship(path)
            except InputError as error:
                yield path, Outcome(error=error)
                continue
            with warnings.catch_warnings():
                # The document travels inside its task by design (up to the 128 MB PDF
                # limit); Dask would warn about every task past 10 MB.
                warnings.filterwarnings("ignore", message="Sending large graph")
                future = self._client.submit(prepare_shipped, prepare, shipped, settings, pure=False)
            in_flight[future] = path
            completed.add(future)

    def _outcome(self, future: Future[Outcome[PreparedDocument]], path: Path) -> Outcome[PreparedDocument]:
        from distributed.scheduler import KilledWorker

        if future.status == "cancelled":
            raise RunnerError(f"{self.address}: lost the Dask scheduler while {path} was in flight; documents committed so far are stored, and ingesting again skips them")
        try:
            return future.result()
        except KilledWorker:
            return Outcome(failure=Failure(WORKER_DIED))
        except Exception as error:  # noqa: BLE001 - e.g. a result that cannot travel back: this document only
            return Outcome(failure=Failure(describe(error), traceback.format_exc()))


def worker_version() -> str:
    """Runs on each worker: the budgetkg it would prepare documents with."""
    return __version__
