"""Issue 13's flat-cost target as a user meets it: the commands, on fresh stores of each size.

    python bench/bench_flat_commands.py [--sizes 100,500] [--workers 1] [--seed 13] [--repeat 3]
        [--repeat-commands ingest,no-validate,validate]

For each size N it generates N budgets (``budgetkg generate --units N/2 --years 2``),
then runs, each in its own process as a user would and timed from outside:
``budgetkg ingest DIR --store S --workers W`` (validation on, the default), the same
with ``--no-validate`` into another fresh store, and ``budgetkg validate --store S
--workers W`` on the first store. It prints each command's wall and CPU ms a
document and peak memory (the largest resident size of the command's process and
of any process it started, from ``wait4``), and each size's ratio to the first size.
The target (500 against 100 documents, one worker): each ratio within 1.25x.

Why rounds, interleaved. This VM's speed for identical work moves by about a fifth
between minutes, so the ratio of two single runs minutes apart is mostly the machine:
three whole runs of the one-pass version gave validate 1.16x / 1.32x / 1.37x, and two
more 0.88x then 1.21x, while a paired measurement in one process, documents of the two
stores alternated, gave the same per-document cost (``stored_document_quads`` 40.4 vs
42.0 ms, the shapes 171 vs 172 ms). So the timed commands run ``--repeat`` rounds; in a
round each command runs on every size back to back (its pair is minutes apart at most,
not a whole size's commands apart), and the sizes' order alternates by round (100, 500
then 500, 100) so that a machine speeding up or slowing down across a round favours
each size equally often. It reports per size the median over rounds and the ratio of
the medians, and each round's ratio, so the spread is on the page beside the verdict.

Which commands repeat (``--repeat-commands``, default all three). ``validate`` reruns
on the same store (it replaces each document's report graph). An ingest rerun needs a
fresh store: each round ingests into a new directory and the previous round's store of
that size is deleted (a 500-document store is about half a GiB); ``validate`` runs on
the store ingested in its round, or on the first round's when ingest does not repeat.
Ingest repeats by default because the target covers its time too and its single runs
spread as widely (1.23x / 0.76x / 1.09x); the price is time. A round of 100 + 500 on this
VM is about 4 min of ingest (45 s + 3 min), under 2 of ``--no-validate`` (0.45 of
ingest's CPU a document in a `--sizes 20,60 --repeat 2` run) and 2 of validate (20 s +
110 s), so three rounds take 20-25 min; ``--repeat-commands validate`` about 12 (the
ingests once, in the first round).

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
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

BUDGETKG = [sys.executable, "-m", "kg.cli"]
ROOT = Path(__file__).resolve().parents[1]

# The commands, in the order a round runs them, by the name --repeat-commands uses.
COMMANDS = {"ingest": "ingest", "no-validate": "ingest --no-validate", "validate": "validate"}


@dataclass(frozen=True)
class CommandCost:
    """What one command cost: per document wall and CPU ms, and its peak memory."""

    wall_ms: float
    cpu_ms: float
    peak_mib: float


@dataclass(frozen=True)
class Measurement:
    """One timed command: which round (from 1), which command (COMMANDS' label), on how many documents."""

    round: int
    command: str
    documents: int
    cost: CommandCost


@dataclass(frozen=True)
class SizeSummary:
    """One command on one size over the rounds: the medians, their ratio to the first size's
    medians, and each round's wall and CPU ratio (the pair measured back to back in that round)."""

    documents: int
    median: CommandCost
    ratio: CommandCost
    round_wall_ratios: list[float]
    round_cpu_ratios: list[float]


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


def round_order(sizes: list[int], round_number: int) -> list[int]:
    """The sizes in the order round ``round_number`` (from 1) runs them: as given in odd
    rounds, reversed in even ones, so a trend in the machine's speed favours no size."""
    return list(sizes) if round_number % 2 == 1 else list(reversed(sizes))


def _generate(documents: int, work: Path, seed: int) -> Path:
    corpus = work / f"corpus-{documents}"
    run_timed(["generate", "--units", str(max(1, documents // 2)), "--years", "2", "--out", str(corpus), "--seed", str(seed)], documents)
    return corpus


def measure_rounds(
    sizes: list[int],
    work: Path,
    *,
    workers: int,
    seed: int,
    repeat: int,
    repeat_commands: frozenset[str] = frozenset(COMMANDS),
    report: Callable[[Measurement], None] = lambda _: None,
) -> list[Measurement]:
    """Every command on every size, ``repeat`` rounds (the commands not in ``repeat_commands``
    in the first round only), in the order run; ``report`` sees each measurement as it lands."""
    corpora = {size: _generate(size, work, seed) for size in sizes}
    common = ["--workers", str(workers)]
    stores: dict[int, Path] = {}
    measured: list[Measurement] = []
    for number in range(1, repeat + 1):
        for key, label in COMMANDS.items():
            if number > 1 and key not in repeat_commands:
                continue
            for size in round_order(sizes, number):
                if key == "ingest":
                    if size in stores:
                        shutil.rmtree(stores[size])
                    stores[size] = work / f"store-{size}-round-{number}"
                    cost = run_timed(["ingest", str(corpora[size]), "--store", str(stores[size]), "--quiet", *common], size)
                elif key == "no-validate":
                    plain = work / f"store-{size}-no-validate-round-{number}"
                    cost = run_timed(["ingest", str(corpora[size]), "--store", str(plain), "--quiet", "--no-validate", *common], size)
                    shutil.rmtree(plain)
                else:
                    cost = run_timed(["validate", "--store", str(stores[size]), *common], size)
                measured.append(Measurement(number, label, size, cost))
                report(measured[-1])
    return measured


def summarize(measured: list[Measurement], command: str, sizes: list[int]) -> list[SizeSummary]:
    """``command``'s medians over its rounds for each size, and ratios to ``sizes[0]``: of the
    medians, and round by round (each round's pair was measured back to back)."""
    by_size = {size: {m.round: m.cost for m in measured if m.command == command and m.documents == size} for size in sizes}
    base_rounds = by_size[sizes[0]]
    base = _median(list(base_rounds.values()))
    summaries = []
    for size in sizes:
        rounds = by_size[size]
        median = _median(list(rounds.values()))
        summaries.append(
            SizeSummary(
                documents=size,
                median=median,
                ratio=CommandCost(median.wall_ms / base.wall_ms, median.cpu_ms / base.cpu_ms, median.peak_mib / base.peak_mib),
                round_wall_ratios=[rounds[n].wall_ms / base_rounds[n].wall_ms for n in sorted(rounds)],
                round_cpu_ratios=[rounds[n].cpu_ms / base_rounds[n].cpu_ms for n in sorted(rounds)],
            )
        )
    return summaries


def _median(costs: list[CommandCost]) -> CommandCost:
    """Each figure's own median (wall, CPU and peak need not come from the same round)."""
    return CommandCost(
        statistics.median(c.wall_ms for c in costs),
        statistics.median(c.cpu_ms for c in costs),
        statistics.median(c.peak_mib for c in costs),
    )


def _print_measurement(m: Measurement) -> None:
    print(f"{m.round:5} {m.documents:6} {m.command:22} {m.cost.wall_ms:11.1f} {m.cost.cpu_ms:10.1f} {m.cost.peak_mib:9.0f}", flush=True)


def _ratios(values: list[float]) -> str:
    return " ".join(f"{value:.2f}" for value in values)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,500", help="corpus sizes, documents; ratios are to the first")
    parser.add_argument("--workers", type=int, default=1, help="--workers of each command (the target: 1)")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--repeat", type=int, default=3, help="rounds of the timed commands, sizes alternating order by round (default 3)")
    parser.add_argument(
        "--repeat-commands",
        default=",".join(COMMANDS),
        help=f"which commands run every round, of {','.join(COMMANDS)}; the others run in the first round only (default all)",
    )
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    repeat_commands = frozenset(key for key in args.repeat_commands.split(",") if key)
    if unknown := repeat_commands - set(COMMANDS):
        parser.error(f"--repeat-commands: unknown {', '.join(sorted(unknown))} (of {', '.join(COMMANDS)})")
    if args.repeat < 1:
        parser.error("--repeat: at least 1")
    print(
        f"budgetkg flat costs by command: --workers {args.workers}, sizes {sizes}, {args.repeat} rounds"
        f" (repeating {','.join(k for k in COMMANDS if k in repeat_commands) or 'none'}), load average {os.getloadavg()[0]:.1f}"
    )
    print(f"{'round':>5} {'docs':>6} {'command':22} {'wall ms/doc':>11} {'CPU ms/doc':>10} {'peak MiB':>9}")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="budgetkg-flat-commands-") as tmp:
        measured = measure_rounds(sizes, Path(tmp), workers=args.workers, seed=args.seed, repeat=args.repeat, repeat_commands=repeat_commands, report=_print_measurement)
    print(f"\nmedians over the rounds; ratios to {sizes[0]} documents: of the medians, then round by round (wall; CPU)")
    print(f"{'docs':>6} {'command':22} {'wall ms/doc':>11} {'CPU ms/doc':>10} {'peak MiB':>9} {'ratio wall':>10} {'CPU':>6} {'peak':>6}  by round wall; CPU")
    for label in COMMANDS.values():
        for s in summarize(measured, label, sizes):
            # The first size's own ratios are all 1: only the others' say anything.
            by_round = f"  {_ratios(s.round_wall_ratios)}; {_ratios(s.round_cpu_ratios)}" if s.documents != sizes[0] else ""
            print(
                f"{s.documents:6} {label:22} {s.median.wall_ms:11.1f} {s.median.cpu_ms:10.1f} {s.median.peak_mib:9.0f} "
                f"{s.ratio.wall_ms:9.2f}x {s.ratio.cpu_ms:5.2f}x {s.ratio.peak_mib:5.2f}x{by_round}"
            )
    print("each command in its own process, timed from outside; CPU: the process and its children (the ingest")
    print("workers); peak: the largest resident size among them (wait4). Rounds alternate the sizes' order.")
    print(f"took {time.perf_counter() - started:.0f} s; load average at the end {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
