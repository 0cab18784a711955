"""bench/bench_flat_commands.py: the commands timed from outside, on real generated documents, in
interleaved rounds whose medians and per-round ratios are what it reports."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from bench_flat_commands import CommandCost, Measurement, measure_rounds, round_order, run_timed, summarize  # noqa: E402


def test_rounds_alternate_the_order_of_the_sizes() -> None:
    assert round_order([100, 500], 1) == [100, 500]
    assert round_order([100, 500], 2) == [500, 100]
    assert round_order([100, 500], 3) == [100, 500]
    assert round_order([20, 60, 100], 4) == [100, 60, 20]


def test_summary_is_the_median_of_each_figure_and_the_ratios_of_the_pairs() -> None:
    def cost(wall: float, cpu: float, peak: float) -> CommandCost:
        return CommandCost(wall, cpu, peak)

    measured = [
        Measurement(1, "validate", 2, cost(100, 90, 200)),
        Measurement(1, "validate", 4, cost(150, 120, 210)),
        Measurement(2, "validate", 4, cost(100, 100, 230)),
        Measurement(2, "validate", 2, cost(110, 80, 205)),
        Measurement(3, "validate", 2, cost(200, 100, 190)),
        Measurement(3, "validate", 4, cost(210, 80, 220)),
        # Another command's figures are not this one's.
        Measurement(1, "ingest", 2, cost(1, 1, 1)),
        Measurement(1, "ingest", 4, cost(1000, 1000, 1000)),
    ]
    base, larger = summarize(measured, "validate", [2, 4])
    assert base.documents == 2 and larger.documents == 4
    # Medians figure by figure: wall 110 (round 2), CPU 90 (round 1), peak 200 (round 1).
    assert base.median == CommandCost(110, 90, 200)
    assert larger.median == CommandCost(150, 100, 220)
    assert base.ratio == CommandCost(1, 1, 1)
    assert larger.ratio == CommandCost(150 / 110, 100 / 90, 220 / 200)
    # Each round's pair, in round order: the spread a single run hides.
    assert larger.round_wall_ratios == pytest.approx([1.5, 100 / 110, 1.05])
    assert larger.round_cpu_ratios == pytest.approx([120 / 90, 1.25, 0.8])
    assert base.round_wall_ratios == [1.0, 1.0, 1.0]


def test_two_rounds_run_every_command_pair_back_to_back_in_alternating_order(tmp_path: Path) -> None:
    seen: list[Measurement] = []
    measured = measure_rounds([2, 4], tmp_path, workers=1, seed=3, repeat=2, report=seen.append)
    assert seen == measured
    assert [(m.round, m.command, m.documents) for m in measured] == [
        (1, "ingest", 2),
        (1, "ingest", 4),
        (1, "ingest --no-validate", 2),
        (1, "ingest --no-validate", 4),
        (1, "validate", 2),
        (1, "validate", 4),
        (2, "ingest", 4),
        (2, "ingest", 2),
        (2, "ingest --no-validate", 4),
        (2, "ingest --no-validate", 2),
        (2, "validate", 4),
        (2, "validate", 2),
    ]
    for m in measured:
        assert m.cost.wall_ms > 0 and m.cost.cpu_ms > 0
        # A Python process with pyoxigraph loaded is tens of MiB; the peak is the command's, not this test's.
        assert 20 < m.cost.peak_mib < 4096
    # Each round ingests into a fresh store and deletes the last round's; --no-validate's go at once.
    assert sorted(p.name for p in tmp_path.glob("store-*")) == ["store-2-round-2", "store-4-round-2"]
    # Validation is what ingest does beyond --no-validate: it costs CPU.
    cpu = {(m.round, m.command, m.documents): m.cost.cpu_ms for m in measured}
    assert all(cpu[(n, "ingest", 4)] > cpu[(n, "ingest --no-validate", 4)] for n in (1, 2))


def test_commands_not_repeated_run_in_the_first_round_only(tmp_path: Path) -> None:
    measured = measure_rounds([2], tmp_path, workers=1, seed=3, repeat=2, repeat_commands=frozenset({"validate"}))
    assert [(m.round, m.command) for m in measured] == [(1, "ingest"), (1, "ingest --no-validate"), (1, "validate"), (2, "validate")]
    # The second validate ran on the first round's store, which is kept.
    assert [p.name for p in tmp_path.glob("store-*")] == ["store-2-round-1"]
    (only,) = summarize(measured, "ingest", [2])
    assert only.round_wall_ratios == [1.0]


def test_a_failing_command_says_which_and_why(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match=r"budgetkg validate --store .*missing exited 2: .*no store there"):
        run_timed(["validate", "--store", str(tmp_path / "missing")], 1)
