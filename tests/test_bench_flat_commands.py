"""bench/bench_flat_commands.py: the commands timed from outside, on real generated documents."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from bench_flat_commands import measure_size, run_timed  # noqa: E402


def test_each_command_is_timed_with_its_workers_memory(tmp_path: Path) -> None:
    costs = measure_size(4, tmp_path, workers=1, seed=3)
    assert list(costs) == ["ingest", "ingest --no-validate", "validate"]
    assert (tmp_path / "store-4").is_dir() and (tmp_path / "store-4-no-validate").is_dir()
    for cost in costs.values():
        assert cost.wall_ms > 0 and cost.cpu_ms > 0
        # A Python process with pyoxigraph loaded is tens of MiB; the peak is the command's, not this test's.
        assert 20 < cost.peak_mib < 4096
    # Validation is what ingest does beyond --no-validate: it costs CPU.
    assert costs["ingest"].cpu_ms > costs["ingest --no-validate"].cpu_ms


def test_a_failing_command_says_which_and_why(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match=r"budgetkg validate --store .*missing exited 2: .*no store there"):
        run_timed(["validate", "--store", str(tmp_path / "missing")], 1)
