"""Flat costs (issue 13 item 1): what one more document costs as the store grows.

    python bench/bench_flat_costs.py [--sizes 100,1000] [--batch 100] [--sample 20] [--workers 2]

Generates budget + 决算 pairs (``budgetkg generate --final-accounts``) and ingests
them into an on-disk store in batches of ``--batch`` (reasoning on, validation off,
as ``budgetkg bench`` does); when the store reaches each size it prints, for the
batch just ingested: ingest ms per document (the whole batch, links included), the
links step alone (``kg.links``, timed once more on the same store), validation of
``--sample`` of the batch's documents from the store (``validate_stored_document``),
the cross-document check (code names), and this process's peak and current RSS. If
costs are flat, every column but the store's size stays the same from size to size.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kg.generate import generate  # noqa: E402
from kg.ingest import ingest_many, load_ontology  # noqa: E402
from kg.links import relink  # noqa: E402
from kg.parse import document_id_for  # noqa: E402
from kg.settings import Settings  # noqa: E402
from kg.store import OxigraphStore  # noqa: E402
from kg.validation import cross_document_report, validate_stored_document  # noqa: E402


def _rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000", help="store sizes (documents) at which to report")
    parser.add_argument("--batch", type=int, default=100, help="documents per ingest batch")
    parser.add_argument("--sample", type=int, default=20, help="documents of the last batch validated from the store")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    settings = Settings()
    ingest_settings = replace(settings, validate=False)  # validation is timed on its own
    with tempfile.TemporaryDirectory(prefix="budgetkg-flat-") as tmp:
        corpus = Path(tmp) / "corpus"
        # One pair per unit and year: sizes[-1] documents in all, in generation order.
        paths = generate(max(1, sizes[-1] // 4), 2, corpus, seed=13, final_accounts=True)[: sizes[-1]]
        store = OxigraphStore(Path(tmp) / "store")
        load_ontology(store)
        print(f"{'docs':>6} {'ingest ms/doc':>13} {'links s':>8} {'valid docs/s':>12} {'cross s':>8} "
              f"{'peak MiB':>9} {'RSS MiB':>8}", flush=True)
        done = 0
        for size in sizes:
            while done < size:
                batch = paths[done:min(size, done + args.batch)]
                started = time.perf_counter()
                list(ingest_many(batch, store, ingest_settings, workers=args.workers, skip_unchanged=False))
                batch_seconds = time.perf_counter() - started
                done += len(batch)
            store.flush()
            started = time.perf_counter()
            relink(store, settings, [document_id_for(p) for p in batch])
            links_seconds = time.perf_counter() - started
            sample = [document_id_for(p) for p in batch[-args.sample:]]
            started = time.perf_counter()
            for document_id in sample:
                validate_stored_document(store, document_id, settings)
            rate = len(sample) / (time.perf_counter() - started)
            started = time.perf_counter()
            cross_document_report(store, settings)
            cross_seconds = time.perf_counter() - started
            print(f"{done:6} {batch_seconds * 1000 / len(batch):13.0f} {links_seconds:8.2f} {rate:12.1f} "
                  f"{cross_seconds:8.2f} {_peak_mib():9.0f} {_rss_mib():8.0f}", flush=True)
    print("ingest ms/doc: the last batch, reasoning on, validation off, links included; peak/RSS: this process only.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
