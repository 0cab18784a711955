"""Issue 13's flat-cost target as a user meets it: the commands, on fresh stores of each size.

    python bench/bench_flat_commands.py [--sizes 100,500] [--workers 1] [--seed 13]

For each size N it generates N budgets (``budgetkg generate --units N/2 --years 2``),
then runs, each in its own process as a user would and timed from outside:
``budgetkg ingest DIR --store S --workers W`` (validation on, the default), the same
with ``--no-validate`` into another fresh store, and ``budgetkg validate --store S
--workers W`` on the first store. It prints each command's wall and CPU ms a
document and peak memory (the largest resident size of the command's process and
of any process it started, from ``wait4``), and each size's ratio to the first size.
The target (500 against 100 documents, one worker): each ratio within 1.25x.

Why a second benchmark beside ``bench_flat_costs.py``. That one grows one store in
batches and times the last batch alone, to show where a cost grows; a batch that
happens to pay for a merge of the whole store (``OxigraphStore.optimize_when_fragmented``
merges each time the data has grown by a quarter) shows twice the time of the
others (at 04f56a5, idle machine, `--sizes 100,200,300,400,500 --workers 1`: 43-46 ms a document for batches 1-4, 89 for the
fifth). What a user pays to ingest N documents is the whole command, merges included,
which is what this one times.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

BUDGETKG = [sys.executable, "-m", "kg.cli"]
ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class CommandCost:
    """What one command cost: per document wall and CPU ms, and its peak memory."""

    wall_ms: float
    cpu_ms: float
    peak_mib: float


def run_timed(arguments: list[str], documents: int) -> CommandCost:
    """Run ``budgetkg ARGUMENTS`` and measure it from outside: wall, the CPU of it and of its
    children, and the largest resident size among them (Linux's wait4 gives the maximum over
    the process and the descendants it waited for)."""
    started = time.perf_counter()
    process = subprocess.Popen(BUDGETKG + arguments, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        assert process.stderr is not None
        raise RuntimeError(f"budgetkg {' '.join(arguments)} exited {process.returncode}: {process.stderr.read().decode()[-2000:]}")
    cpu = usage.ru_utime + usage.ru_stime
    return CommandCost(wall * 1000 / documents, cpu * 1000 / documents, usage.ru_maxrss / 1024)


def measure_size(documents: int, work: Path, *, workers: int, seed: int) -> dict[str, CommandCost]:
    """The three commands on ``documents`` freshly generated budgets."""
    corpus = work / f"corpus-{documents}"
    units = max(1, documents // 2)
    run_timed(["generate", "--units", str(units), "--years", "2", "--out", str(corpus), "--seed", str(seed)], documents)
    validated, plain = work / f"store-{documents}", work / f"store-{documents}-no-validate"
    common = ["--workers", str(workers)]
    return {
        "ingest": run_timed(["ingest", str(corpus), "--store", str(validated), "--quiet", *common], documents),
        "ingest --no-validate": run_timed(["ingest", str(corpus), "--store", str(plain), "--quiet", "--no-validate", *common], documents),
        "validate": run_timed(["validate", "--store", str(validated), *common], documents),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,500", help="corpus sizes, documents; ratios are to the first")
    parser.add_argument("--workers", type=int, default=1, help="--workers of each command (the target: 1)")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    print(f"budgetkg flat costs by command: --workers {args.workers}, sizes {sizes}, load average {os.getloadavg()[0]:.1f}")
    print(f"{'docs':>6} {'command':22} {'wall ms/doc':>11} {'CPU ms/doc':>10} {'peak MiB':>9} {'ratio wall':>10} {'CPU':>6} {'peak':>6}")
    first: dict[str, CommandCost] = {}
    with tempfile.TemporaryDirectory(prefix="budgetkg-flat-commands-") as tmp:
        for size in sizes:
            costs = measure_size(size, Path(tmp), workers=args.workers, seed=args.seed)
            first = first or costs
            for command, cost in costs.items():
                base = first[command]
                print(
                    f"{size:6} {command:22} {cost.wall_ms:11.1f} {cost.cpu_ms:10.1f} {cost.peak_mib:9.0f} "
                    f"{cost.wall_ms / base.wall_ms:9.2f}x {cost.cpu_ms / base.cpu_ms:5.2f}x {cost.peak_mib / base.peak_mib:5.2f}x",
                    flush=True,
                )
    print("each command in its own process, timed from outside; CPU: the process and its children (the ingest")
    print("workers); peak: the largest resident size among them (wait4). Ratios: to the first size.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
