#!/usr/bin/env python3
"""Build time and peak memory of ``ekg build --store`` against pyoxigraph's bare bulk load.

For each size N, :mod:`support.synthetic` writes a dataset of N events split into story
files of ``--story-size`` events (a main ``events.yaml`` that includes them). Then, each in a
fresh subprocess, alternately and ``--repeat`` times:

(a) ``ekg build --data events.yaml --store DIR``: parse and validate every file, build the
    triples, bulk-load them into an on-disk store, swap it into place;
(b) the baseline: ``Store(DIR).bulk_load(path=triples.nt)`` of exactly the triples (a) stored
    (dumped from (a)'s store as N-Triples, so no duplicates), into an on-disk store.

Wall time, CPU time (user + system) and peak RSS come from ``os.wait4`` on each child. The
best (lowest wall time) run of each is kept: the machine is shared, and the load average is
printed with each row. The goal: (a) at most 1.5x (b) at 100 k events; at 1 M, peak RSS of
(a) at most 3 GB.

Usage::

    .venv/bin/python benchmarks/build.py                          # 10 k and 100 k
    .venv/bin/python benchmarks/build.py --sizes 10000,100000,1000000 --repeat 1

From another script: ``build.main(["--sizes", "10000"])`` prints the table and writes
``benchmarks/results/build.json``; ``build.run([10000])`` returns the rows without printing.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.harness import RESULTS, machine, write_result  # noqa: E402
from graph.rdf.bulk import read_manifest  # noqa: E402
from support.synthetic import write_events_yaml  # noqa: E402

BASELINE = """
import sys, pyoxigraph as ox
store = ox.Store(sys.argv[2])
store.bulk_load(path=sys.argv[1], format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(sys.argv[3]))
store.flush()
"""


def measure(command: list[str]) -> dict[str, float]:
    """Run ``command`` in a child process; its wall and CPU seconds and peak RSS (MB)."""
    started = time.perf_counter()
    child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise RuntimeError(f"{command[:4]} failed with status {child.returncode}")
    return {
        "seconds": round(time.perf_counter() - started, 2),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
        "peak_rss_mb": round(usage.ru_maxrss / 1024),
    }


def measure_size(n: int, work: Path, story_size: int, repeat: int) -> dict[str, Any]:
    """One row: N events written as YAML, built (a) and bulk-loaded bare (b)."""
    data = work / f"data-{n}" / "events.yaml"
    data.parent.mkdir(parents=True)
    written = write_events_yaml(n, data, story_size=min(story_size, n))
    store, bare, dump = work / f"store-{n}", work / f"bare-{n}", work / f"triples-{n}.nt"
    build = [sys.executable, "-m", "service.cli", "build", "--no-progress"]
    build += ["--data", str(data), "--store", str(store)]
    ours, theirs, loads = [], [], [machine()]
    for attempt in range(repeat):
        ours.append(measure(build))
        if attempt == 0:  # the baseline loads exactly the triples the build stored
            graph = read_manifest(store)["graph"]  # type: ignore[index]
            disk = ox.Store.read_only(str(store))
            disk.dump(
                output=str(dump), format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph)
            )
            triples = len(disk)
            del disk
        shutil.rmtree(bare, ignore_errors=True)
        theirs.append(measure([sys.executable, "-c", BASELINE, str(dump), str(bare), graph]))
        loads.append(machine())
    best, base = min(ours, key=_wall), min(theirs, key=_wall)
    for path in (store, bare, dump, data.parent):
        shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink()
    return {
        "events": n,
        "links": written["links"],
        "files": written["files"],
        "yaml_mb": round(written["bytes"] / 2**20, 1),
        "triples": triples,
        "build": best,
        "bulk_load": base,
        "ratio": round(best["seconds"] / base["seconds"], 2),
        "runs": {"build": ours, "bulk_load": theirs},
        "load": [min(m["load_1min"] for m in loads), max(m["load_1min"] for m in loads)],
    }


def _wall(run: dict[str, float]) -> float:
    return run["seconds"]


def run(
    sizes: list[int], *, story_size: int = 10_000, repeat: int = 2, work: Path | None = None
) -> list[dict[str, Any]]:
    """Measure every size; the rows of the table (see :func:`measure_size`)."""
    if work is not None:
        work.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ekg-build-bench-", dir=work) as folder:
        return [measure_size(n, Path(folder), story_size, repeat) for n in sizes]


def print_table(rows: list[dict[str, Any]]) -> None:
    print(
        f"{'events':>9} {'files':>5} {'triples':>10} | {'build s':>8} {'cpu s':>7} "
        f"{'RSS MB':>7} | {'bulk s':>7} {'cpu s':>7} {'RSS MB':>7} | {'ratio':>5} | load 1 min"
    )
    for row in rows:
        a, b = row["build"], row["bulk_load"]
        print(
            f"{row['events']:>9} {row['files']:>5} {row['triples']:>10} | {a['seconds']:>8} "
            f"{a['cpu_seconds']:>7} {a['peak_rss_mb']:>7} | {b['seconds']:>7} "
            f"{b['cpu_seconds']:>7} {b['peak_rss_mb']:>7} | {row['ratio']:>5} | "
            f"{row['load'][0]} .. {row['load'][1]}"
        )


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated event counts")
    parser.add_argument("--story-size", type=int, default=10_000, help="events per story file")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each, the best kept")
    parser.add_argument("--work", type=Path, default=None, help="where to write (default: tmp)")
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",")]
    rows = run(sizes, story_size=args.story_size, repeat=args.repeat, work=args.work)
    print_table(rows)
    kept = merge_rows(RESULTS / "build.json", rows)
    out = write_result("build", {"machine": machine(), "rows": kept})
    print(f"written to {out.relative_to(ROOT)} (with earlier rows of other sizes)")
    return rows


def merge_rows(path: Path, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``rows`` with the rows of other sizes already in ``path``: a 1 M run (minutes) and a
    10 k / 100 k run then make one table."""
    try:
        earlier = json.loads(path.read_text())["rows"]
    except (OSError, ValueError, KeyError):
        earlier = []
    measured = {row["events"] for row in rows}
    kept = [row for row in earlier if row.get("events") not in measured] + rows
    return sorted(kept, key=lambda row: row["events"])


if __name__ == "__main__":
    main()
