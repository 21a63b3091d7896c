"""One measured start of an ``ekg`` server process (:mod:`benchmarks.start`,
:mod:`benchmarks.start_reader`): the first 200 of ``/health``, ``/api/timeline?limit=50`` and
an ``/api/chains`` query, and the summed memory of its process group; and one ``ekg`` command
run to its end, timed (:func:`run_timed`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.harness import group_stats, machine, spawn  # noqa: E402
from support.servers import free_port  # noqa: E402

EKG = Path(sys.executable).parent / "ekg"


def run_timed(command: list[str]) -> dict[str, Any]:
    """Run an ``ekg`` command to its end: wall time, peak RSS (of that process, from
    ``wait4``), the load average after it and its last line of output."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    said = process.stdout.read().decode().strip() if process.stdout else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(command[:2])} failed ({status}): {said}")
    load = machine()["load_1min"]
    figures = {"s": round(seconds, 1), "peak_rss_mb": round(usage.ru_maxrss / 1024), "load": load}
    return {**figures, "said": said.splitlines()[-1] if said else ""}


# -- processes and memory --------------------------------------------------------------------


def status_kb(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def group_rss_mb(group: int, field: str = "VmRSS") -> tuple[float, int]:
    """The sum of ``field`` over the group's processes (MB), and how many there are."""
    pids = list(group_stats(group))
    return round(sum(status_kb(pid, field) for pid in pids) / 1024, 1), len(pids)


class PeakSampler(threading.Thread):
    """Samples the group's summed RSS every ``interval`` s until stopped; keeps the largest."""

    def __init__(self, group: int, interval: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.group, self.interval, self.peak = group, interval, 0.0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(self.interval):
            self.peak = max(self.peak, group_rss_mb(self.group)[0])


# -- the measurement -------------------------------------------------------------------------


def get(url: str, timeout: float) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def first_200(url: str, process: Any, started: float, timeout: float) -> float:
    """Seconds since ``started`` when ``url`` first answered 200 (polled every 50 ms)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"ekg serve exited with status {process.returncode}")
        try:
            if get(url, timeout)[0] == 200:
                return time.monotonic() - started
        except OSError:
            pass
        time.sleep(0.05)
    raise TimeoutError(url)


def measure_start(
    prepared: dict[str, Any],
    command: Callable[[int], list[str]],
    environment: dict[str, str],
    timeout: float,
) -> dict[str, Any]:
    """Start ``command(port)`` with ``environment`` in a process group of its own and time its
    first answers (see the module docstring)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    source, target = prepared["pair"]
    chains = f"{base}/api/chains?" + urllib.parse.urlencode({"source": source, "target": target})
    load_before = machine()["load_1min"]
    started = time.monotonic()
    with spawn(command(port), env=environment) as process:
        sampler = PeakSampler(process.pid)
        sampler.start()
        health = first_200(f"{base}/health", process, started, timeout)
        timeline = first_200(f"{base}/api/timeline?limit=50", process, started, timeout)
        first = first_200(chains, process, started, timeout)
        rss, processes = group_rss_mb(process.pid)
        hwm, _ = group_rss_mb(process.pid, "VmHWM")
        sampler.done.set()
        sampler.join()
        again = time.monotonic()
        status, body = get(chains, timeout)
        warm_ms = (time.monotonic() - again) * 1000
        found = json.loads(body).get("count") if status == 200 else None
    return {
        "health_s": round(health, 2),
        "timeline_s": round(timeline, 2),
        "chains_s": round(first, 2),
        "chains_warm_ms": round(warm_ms, 1),
        "chains_found": found,
        "rss_mb": rss,
        "rss_peak_sampled_mb": max(sampler.peak, rss),
        "hwm_sum_mb": hwm,
        "processes": processes,
        "load_before": load_before,
        "load": machine()["load_1min"],
    }


def measure_steps(
    prepared: dict[str, Any], base: str, process: Any, started: float
) -> dict[str, float]:
    """The three first answers only (for the profiled start)."""
    source, target = prepared["pair"]
    query = urllib.parse.urlencode({"source": source, "target": target})
    return {
        "health_s": first_200(f"{base}/health", process, started, 1800),
        "timeline_s": first_200(f"{base}/api/timeline?limit=50", process, started, 1800),
        "chains_s": first_200(f"{base}/api/chains?{query}", process, started, 1800),
    }
