"""A document that travels to another machine as its bytes, not its path.

The machines of a real cluster do not share the client's file system (its /tmp,
an analyst's upload folder), so a path would name nothing on a worker. The
client reads each file and sends its bytes with the task; the worker writes them
under the same file name into a private temporary folder and prepares that file
with the very function a local ingest runs. Only the file name reaches the graph
(``dcterms:source``), and the digest is of the bytes, so the quads are those of a
local ingest. What comes back names the client's path, never the worker's copy.

The cost is the file's size on the wire, twice (client to scheduler to worker):
generated documents are 5 KB, the seeds 50-100 KB and the 决算 PDFs 0.25-3.7 MB,
against 0.15-0.6 CPU seconds of work per document measured on a worker
(docs/deployment.md), so shipping is a small part of a document's cost.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from kg.limits import check_file_size
from kg.reading import InputError
from kg.runners import Prepare
from kg.settings import Settings
from kg.workers import Failure, Outcome, call

if TYPE_CHECKING:
    from kg.ingest import PreparedDocument


@dataclass(frozen=True)
class ShippedDocument:
    path: str  # as the client named it: for messages and reports only
    data: bytes


def ship(path: Path) -> ShippedDocument:
    """Read a file to send; refused by size before it is read, as a local ingest refuses it."""
    check_file_size(path)
    try:
        return ShippedDocument(str(path), path.read_bytes())
    except OSError as error:
        raise InputError(str(path), None, f"cannot read file: {error.strerror}") from None


def prepare_shipped(prepare: Prepare, shipped: ShippedDocument, settings: Settings) -> Outcome[PreparedDocument]:
    """``prepare`` on a worker's copy of the document, with every failure as an outcome."""
    with tempfile.TemporaryDirectory(prefix="budgetkg-") as folder:
        copy = Path(folder) / Path(shipped.path).name
        copy.write_bytes(shipped.data)
        outcome = call(prepare, copy, settings)
    return _named_as_sent(outcome, str(copy), shipped.path)


def _named_as_sent(outcome: Outcome[PreparedDocument], copy: str, path: str) -> Outcome[PreparedDocument]:
    if outcome.value is not None:
        return replace(outcome, value=replace(outcome.value, report=replace(outcome.value.report, path=path)))
    if outcome.error is not None:
        error = outcome.error
        renamed = error.path.replace(copy, path)
        return Outcome(error=InputError(renamed, error.line, error.message.replace(copy, path), error.page))
    failure = outcome.failure
    assert failure is not None
    return Outcome(failure=Failure(failure.message.replace(copy, path), failure.detail))
