"""How :mod:`benchmarks.api_latency` measures: one endpoint's latency over HTTP and in-process,
the memory a build keeps, and the time spent in garbage collection.

* :class:`Case` -- one measured endpoint: its inputs, the URL and the in-process call for one;
* :func:`measure` -- p50 / p95 of a case over real HTTP (:func:`fetch`: urllib, a new
  connection each request) and in-process on the same inputs, with the GC time of each
  (:class:`GcClock`) and whether both sides found as many results;
* memory: :func:`proc_status` (VmRSS, VmHWM), :func:`reset_peak_rss`, :func:`traced` (what a
  build allocates and keeps, by ``tracemalloc``);
* :func:`serve` -- the app under waitress on a free loopback port, in a thread.
"""

from __future__ import annotations

import gc
import json
import statistics
import threading
import time
import tracemalloc
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from waitress.server import create_server

WARM_UP = 3
MB = 1024 * 1024


@dataclass(frozen=True)
class Case:
    """One measured endpoint: its inputs, the URL for one, and the in-process call for one.

    ``size`` reads the number of results from the JSON body; ``local_size`` from the
    in-process answer, so both sides can be checked to agree.
    """

    name: str
    inputs: list[Any]
    url: Callable[[Any], str]
    local: Callable[[Any], Any]
    size: Callable[[dict[str, Any]], int]
    local_size: Callable[[Any], int]


# -- memory ------------------------------------------------------------------------------------


def proc_status(field: str) -> float:
    """A ``/proc/self/status`` figure (VmRSS, VmHWM) in MB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def reset_peak_rss() -> None:
    """Restart VmHWM from the current RSS (Linux: clear_refs 5), so peaks are per size."""
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
    except OSError:
        pass


def traced(build: Callable[[], object]) -> dict[str, Any]:
    """Net memory allocated by ``build()`` and kept by its result (tracemalloc snapshot diff),
    the peak traced during the build, and the three files that allocated most."""
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    result = build()
    _, peak = tracemalloc.get_traced_memory()
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    mine = [tracemalloc.Filter(False, tracemalloc.__file__)]
    stats = after.filter_traces(mine).compare_to(before.filter_traces(mine), "filename")
    del result, before, after
    gc.collect()
    top = [(_short(s.traceback[0].filename), round(s.size_diff / MB, 1)) for s in stats[:3]]
    return {
        "retained_mb": round(sum(s.size_diff for s in stats) / MB, 1),
        "peak_mb": round(peak / MB, 1),
        "top_files_mb": top,
    }


def _short(filename: str) -> str:
    parts = Path(filename).parts
    for anchor in ("site-packages", "main"):
        if anchor in parts:
            return "/".join(parts[parts.index(anchor) + 1 :])
    return filename


# -- measuring ---------------------------------------------------------------------------------


class GcClock:
    """Time spent in garbage collection (any thread) while in a ``with`` block, and how many
    of the collections were full (generation 2) ones."""

    def __init__(self) -> None:
        self.ms, self.full, self._started = 0.0, 0, 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
            return
        self.ms += (time.perf_counter() - self._started) * 1000
        self.full += info["generation"] == 2

    def __enter__(self) -> GcClock:
        gc.callbacks.append(self)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self)


def fetch(url: str) -> tuple[float, bytes | int]:
    """Milliseconds for one GET and its body (or the HTTP status of an error)."""
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=600) as response:
            body: bytes | int = response.read()
    except urllib.error.HTTPError as exc:
        body = exc.code
    return (time.perf_counter() - started) * 1000, body


def percentiles(times: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(times, n=20, method="inclusive")
    return round(statistics.median(times), 3), round(cuts[18], 3)


def measure(case: Case) -> dict[str, Any]:
    """p50 / p95 of the case over HTTP and in-process, and whether both found the same."""
    for value in case.inputs[:WARM_UP]:
        case.local(value)
        fetch(case.url(value))
    local_ms, local_sizes = [], []
    with GcClock() as local_gc:
        for value in case.inputs:
            started = time.perf_counter()
            answer = case.local(value)
            local_ms.append((time.perf_counter() - started) * 1000)
            local_sizes.append(case.local_size(answer))
    http_ms, bodies = [], []
    with GcClock() as http_gc:
        for value in case.inputs:
            elapsed, body = fetch(case.url(value))
            http_ms.append(elapsed)
            bodies.append(body)
    sizes = [-1 if isinstance(body, int) else case.size(json.loads(body)) for body in bodies]
    (http50, http95), (local50, local95) = percentiles(http_ms), percentiles(local_ms)
    return {
        "case": case.name,
        "inputs": len(case.inputs),
        "mean_results": round(statistics.fmean(local_sizes), 1),
        "http_p50_ms": http50,
        "http_p95_ms": http95,
        "in_process_p50_ms": local50,
        "in_process_p95_ms": local95,
        "ratio_p50": round(http50 / local50, 2) if local50 else None,
        "http_errors": sum(isinstance(body, int) for body in bodies),
        "gc_ms_http": round(http_gc.ms, 1),
        "gc_full_http": http_gc.full,
        "gc_ms_in_process": round(local_gc.ms, 1),
        "answers_differ": sum(a != b for a, b in zip(sizes, local_sizes, strict=True)),
    }


def serve(app: Any) -> tuple[str, Any]:
    """The app on a free loopback port, served by waitress in a thread."""
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    threading.Thread(target=server.run, daemon=True).start()
    return f"http://127.0.0.1:{server.effective_port}", server
