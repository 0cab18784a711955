"""What the endpoint benchmarks share: ports, server commands, readiness, stopping, percentiles.

``bench_sparql.py`` (one client, the query mix) and ``bench_load.py`` (many
clients) both start budgetkg and the Oxigraph server as processes on
127.0.0.1 and time them side by side.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]  # (host, port) for AF_INET, typed Any by typeshed
        return port


def tool(name: str, package: str) -> str:
    """The command ``name`` beside this Python or on PATH; exits naming ``package`` when missing."""
    beside = Path(sys.executable).with_name(name)
    found = str(beside) if beside.exists() else shutil.which(name)
    if not found:
        raise SystemExit(f"{name} not found next to {sys.executable} or on PATH: pip install {package}")
    return found


def wait_until_up(url: str, process: subprocess.Popen[bytes], limit_s: float = 120) -> float:
    """Seconds until ``url`` first answers ``ASK {}`` with 200 (refused connections are retried)."""
    started = time.monotonic()
    while time.monotonic() - started < limit_s:
        if process.poll() is not None:
            raise SystemExit(f"the server for {url} exited with {process.returncode}")
        try:
            if httpx.get(url, params={"query": "ASK {}"}, timeout=30).status_code == 200:
                return time.monotonic() - started
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    raise SystemExit(f"{url} did not answer within {limit_s} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def percentile(values: list[float], p: float) -> float:
    """The nearest-rank percentile; NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]
