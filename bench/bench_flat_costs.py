"""Flat costs (issue 13 item 1): what one more document costs as the store grows.

    python bench/bench_flat_costs.py [--sizes 100,1000] [--batch 100] [--sample 20] [--workers 2]

Generates budget + 决算 pairs (``budgetkg generate --final-accounts``) and ingests
them into an on-disk store in batches of ``--batch`` (reasoning on, validation off,
as ``budgetkg bench`` does); when the store reaches each size it prints, for the
batch just ingested: ingest ms per document (wall, links included) and the writing
process's CPU per document, all threads and the main thread alone (the commit and
the links: what the store's size could slow; the workers' parsing never sees the
store); the links step alone (``kg.links.relink`` for the batch, run once more on
the same store); validation from the store of the first ``--sample`` documents
ingested (``validate_stored_document``; the same documents at every size; wall
rate and CPU per document); the cross-document check (code names); and this
process's RSS after the batch (with Python's allocated blocks: what Python holds, as
against the store's native memory), its peak and its RSS at the end of the row.
CPU figures are given because the machine is shared and wall times move with its
load. If costs are flat, the CPU and memory columns stay the same from size to size.
"""

from __future__ import annotations

import argparse
import gc
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


def _written_mib() -> float:
    """Bytes this process has caused to be written to disk (all threads: the store's
    compactions too), from Linux's /proc/self/io; 0 where it is not available."""
    try:
        for line in Path("/proc/self/io").read_text().splitlines():
            if line.startswith("write_bytes:"):
                return int(line.split()[1]) / 2**20
    except OSError:
        pass
    return 0.0


def _size_mib(directory: Path) -> float:
    return sum(f.stat().st_size for f in directory.rglob("*") if f.is_file()) / 2**20


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000", help="store sizes (documents) at which to report")
    parser.add_argument("--batch", type=int, default=100, help="documents per ingest batch")
    parser.add_argument("--sample", type=int, default=20, help="documents validated from the store (the first ingested)")
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
        print(
            f"{'docs':>6} {'ingest ms/doc':>13} {'writer CPU':>10} {'main CPU':>8} {'links s':>8} {'valid docs/s':>12} "
            f"{'valid CPU ms':>12} {'cross s':>8} {'ingest RSS':>10} {'py blocks':>9} {'peak MiB':>9} {'RSS MiB':>8} "
            f"{'written MiB':>11} {'store MiB':>9}",
            flush=True,
        )
        done = 0
        for size in sizes:
            while done < size:
                batch = paths[done : min(size, done + args.batch)]
                started, cpu, main = time.perf_counter(), time.process_time(), time.thread_time()
                list(ingest_many(batch, store, ingest_settings, workers=args.workers, skip_unchanged=False))
                batch_seconds, batch_cpu = time.perf_counter() - started, time.process_time() - cpu
                main_cpu = time.thread_time() - main
                done += len(batch)
            store.flush()
            gc.collect()
            ingest_rss, blocks = _rss_mib(), sys.getallocatedblocks()
            # Main-thread CPU: the store's compactions go on in its own threads after a batch.
            cpu = time.thread_time()
            relink(store, settings, [document_id_for(p) for p in batch])
            links_cpu = time.thread_time() - cpu
            # The same documents at every size: only the store around them grows.
            sample = [document_id_for(p) for p in paths[: args.sample]]
            started, cpu = time.perf_counter(), time.thread_time()
            for document_id in sample:
                validate_stored_document(store, document_id, settings)
            rate = len(sample) / (time.perf_counter() - started)
            valid_cpu_ms = (time.thread_time() - cpu) * 1000 / len(sample)
            cpu = time.thread_time()
            cross_document_report(store, settings)
            cross_cpu = time.thread_time() - cpu
            print(
                f"{done:6} {batch_seconds * 1000 / len(batch):13.0f} {batch_cpu * 1000 / len(batch):10.0f} "
                f"{main_cpu * 1000 / len(batch):8.0f} "
                f"{links_cpu:8.3f} {rate:12.1f} {valid_cpu_ms:12.0f} {cross_cpu:8.2f} {ingest_rss:10.0f} "
                f"{blocks / 1000:8.0f}k {_peak_mib():9.0f} {_rss_mib():8.0f} "
                f"{_written_mib():11.0f} {_size_mib(Path(tmp) / 'store'):9.0f}",
                flush=True,
            )
    print("ingest ms/doc: wall time per document of the last batch (reasoning on, validation off, links included);")
    print("writer CPU: this process's CPU ms per document of that batch, all threads (the store's compactions, the")
    print("pool's thread reading prepared documents); main CPU: its main thread (commit and links; the workers parse);")
    print("links, valid CPU and cross: CPU of the main thread; ingest RSS and py blocks (Python's allocated blocks):")
    print("this process after the batch; peak/RSS: this process, at the end of the row; written: bytes this process")
    print("has written to disk so far (/proc/self/io, the store's compactions included); store: its files' size.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
