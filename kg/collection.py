"""Pausing Python's cyclic garbage collector while a document is prepared.

Why. Preparing a document allocates millions of objects the collector tracks
(every ``pyoxigraph.Quad`` and term is tracked) and almost none of them ever
forms a cycle: they are freed by reference counting or kept in the prepared
graphs. Each collection of the oldest generation still walks every one of
them, and such collections keep coming while the quads accumulate. Measured on
the 20,000-row stress table (kg.stress_bench.long_table, one process, machine
loaded 5-7, each step of prepare_document timed in one process): with the collector on, mapping 7.2 CPU s,
reasoning 9.1, validation 82, the summary 8.4; with it paused, 3.9, 7.8, 74 and
6.2 (about 14 CPU s less), and the peak memory within 2% (2,341 and 2,390 MiB).
Whatever cyclic garbage the pause leaves is collected as usual once it ends.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic collection inside the block; the collector is left as it was found (usable as a decorator)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
