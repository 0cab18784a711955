"""A store of generated budget + 决算 pairs, as the analytics and page benchmarks measure on.

``bench_analytics.py`` and ``bench_pages.py`` time questions over budget against actual, so
they need the same kind of store: ``units`` x ``years`` pairs from ``budgetkg generate
--final-accounts`` (seed 12), ingested without validation (the questions do not read
reports, and validating 2,000 documents would double the build).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from kg.generate import generate
from kg.ingest import find_documents, ingest_many, load_ontology
from kg.settings import Settings
from kg.store import OxigraphStore


def build_pair_store(store_dir: Path, units: int, years: int, workers: int) -> None:
    """Generate the pairs into a temporary folder and ingest them into ``store_dir``."""
    with tempfile.TemporaryDirectory(prefix="budgetkg-pairs-") as folder:
        generate(units, years, Path(folder), seed=12, final_accounts=True)
        paths = find_documents([folder])
        store = OxigraphStore(store_dir)
        load_ontology(store)
        started = time.perf_counter()
        done = sum(1 for r in ingest_many(paths, store, Settings(validate=False), workers=workers) if r.report)
        store.flush()
        print(f"ingested {done} of {len(paths)} documents in {time.perf_counter() - started:.0f} s", flush=True)
