"""Worker processes for ingest: they die with their parent, and hand back failures as values.

Two things a bare ``ProcessPoolExecutor`` got wrong (issue 14):

- after ``kill -9`` of ``budgetkg ingest`` its pool workers lived on as orphans,
  each holding a document's worth of memory. A worker now asks the kernel to
  kill it when its parent dies (``prctl(PR_SET_PDEATHSIG)`` on Linux) and,
  where that is not available, polls its parent's pid;
- an exception in a worker (a bug, ``MemoryError``) came back to the parent as
  an exception that ended the batch with a traceback, and an exception that
  cannot be pickled broke the pool. ``call`` catches everything in the worker
  and returns a ``Failure`` holding the one-line description and the traceback
  as text.
"""

from __future__ import annotations

import ctypes
import errno
import os
import signal
import sys
import threading
import time
import traceback
from dataclasses import dataclass
from typing import Callable, Generic, TypeVar

from kg.reading import InputError

T = TypeVar("T")

_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
_PARENT_POLL_SECONDS = 1.0


@dataclass(frozen=True)
class Failure:
    """Why one document failed: ``message`` for its one line, ``detail`` (a traceback) for --debug."""

    message: str
    detail: str | None = None


@dataclass(frozen=True)
class Outcome(Generic[T]):
    value: T | None = None
    error: InputError | None = None
    failure: Failure | None = None


def describe(error: BaseException) -> str:
    """One line saying what happened, in the words an operator can act on."""
    if isinstance(error, MemoryError):
        return "ran out of memory while ingesting it (the document is too large for this machine)"
    if isinstance(error, OSError):
        if error.errno == errno.ENOSPC:
            return "the disk is full (no space left on device); free space and ingest it again"
        reason = error.strerror or str(error) or type(error).__name__
        return f"system error: {reason}" + (f" ({error.filename})" if error.filename else "")
    text = " ".join(str(error).split())[:200]
    return f"internal error ({type(error).__name__}{': ' + text if text else ''}); this is a bug, run with --debug for the traceback"


def call(function: Callable[..., T], *args: object) -> Outcome[T]:
    """``function(*args)``, with bad input as ``error`` and anything else as ``failure``."""
    try:
        return Outcome(value=function(*args))
    except InputError as error:
        return Outcome(error=error)
    except Exception as error:  # noqa: BLE001 - every failure becomes one line about its document
        return Outcome(failure=Failure(describe(error), traceback.format_exc()))


def die_with_parent(parent_pid: int) -> None:
    """Pool initializer: end this worker when the process that started it ends."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0:
                # The parent may have died before prctl took effect: then nobody will signal us.
                if os.getppid() != parent_pid:
                    os._exit(1)
                return
        except (OSError, AttributeError):
            pass
    threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True, name="watch-parent").start()


def _watch_parent(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(_PARENT_POLL_SECONDS)
    os._exit(1)
