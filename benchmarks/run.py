#!/usr/bin/env python3
"""Every benchmark of issue 7 in one command: tables with baselines, JSON, goals PASS/FAIL.

Parts, in order (``--parts`` picks some), each printing its table and writing
``benchmarks/results/<part>.json``:

* ``build`` -- events.yaml -> on-disk store vs pyoxigraph's bare bulk load of the same
  triples: time and peak RSS (``benchmarks/build.py``), at every size;
* ``stores`` -- SPARQL over HTTP: ours, a minimal Flask + pyoxigraph endpoint, Oxigraph
  server, Virtuoso, rdflib-endpoint vs in-process pyoxigraph (``benchmarks/stores.py``), at
  the sizes up to 100 k;
* ``api`` -- API p50/p95 of a timeline page and bounded chain queries vs the same graph/ calls
  in-process (``benchmarks/api_latency.py``), at every size;
* ``throughput`` -- wrk with 8 and 32 connections: a cached timeline page, a small SPARQL
  query on ours vs on the minimal endpoint (``benchmarks/throughput.py``), at the smallest size.

Then the goals of the issue, each PASS or FAIL, and ``benchmarks/results/summary.json`` (the
exit status is 0 either way: a missed goal is a finding, not a crash). The machine is shared:
every table carries the load average measured with it.

Usage: .venv/bin/python benchmarks/run.py [--sizes 10000,100000] [--quick] [--parts ...]
(``make bench`` runs it with the default sizes). Benchmark-only dependencies (the ``bench``
extra of pyproject.toml: rdflib-endpoint) are installed into the running virtualenv first
unless ``--no-install``; wrk, Virtuoso and the Oxigraph server come from ``make
system-packages`` and the ``dev`` extra.
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import api_latency, stores, throughput  # noqa: E402
from benchmarks.harness import machine, write_result  # noqa: E402

PARTS = ("build", "stores", "api", "throughput")
STORES_MAX_EVENTS = 100_000
BUILD_GOAL_RATIO, BUILD_GOAL_RSS_MB = 1.5, 3 * 1024


def ensure_bench_dependencies(install: bool) -> list[str]:
    """Install the ``bench`` extra's packages if one is missing; what is still missing."""
    wanted = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ].get("bench", [])
    binaries = {"rdflib-endpoint": Path(sys.executable).parent / "rdflib-endpoint"}
    missing = [spec for spec in wanted if not _installed(spec, binaries)]
    if missing and install:
        command = [sys.executable, "-m", "pip", "install", "--quiet", *missing]
        print("installing benchmark dependencies:", " ".join(command[3:]))
        subprocess.run(command, check=True)
        missing = [spec for spec in wanted if not _installed(spec, binaries)]
    problems = [f"pip install '{spec}'  (or: pip install -e '.[bench]')" for spec in missing]
    for tool, hint in (("wrk", "apt-get install wrk"), ("virtuoso-t", "make system-packages")):
        if shutil.which(tool) is None:
            problems.append(f"{tool} is missing: {hint}")
    return problems


def _installed(spec: str, binaries: dict[str, Path]) -> bool:
    name = spec.split("[")[0].split(">")[0].split("<")[0].split("=")[0].strip()
    if name in binaries:
        return binaries[name].exists()
    return importlib.util.find_spec(name.replace("-", "_")) is not None


def run_build(sizes: list[int], quick: bool) -> list[dict[str, Any]] | None:
    """benchmarks/build.py (another engineer's part) if it is there: its rows."""
    if not (ROOT / "benchmarks" / "build.py").exists():
        print("build: benchmarks/build.py is not there yet -- part skipped")
        return None
    from benchmarks import build  # an optional part: imported only when it is there

    argv = ["--sizes", ",".join(map(str, sizes))] + (["--repeat", "1"] if quick else [])
    return build.main(argv)  # type: ignore[no-any-return]


def goals(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Every goal of the issue that this run measured, PASS or FAIL with its figure."""
    found: list[dict[str, Any]] = []
    for row in results.get("build") or []:
        if row["events"] == 100_000:
            ratio = row["ratio"]
            ok = ratio <= BUILD_GOAL_RATIO
            found.append(_goal("build <= 1.5x bulk load at 100 k", f"{ratio}x", ok))
        if row["events"] == 1_000_000:
            rss = row["build"]["peak_rss_mb"]
            ok = rss <= BUILD_GOAL_RSS_MB
            found.append(_goal("build at 1 M: RSS <= 3 GB", f"{rss:,} MB", ok))
    api = results.get("api")
    if api:
        largest = api["sizes"][-1]
        for row in largest["rows"]:
            if row["case"] in api_latency.GOAL_CASES:
                p50 = row["http_p50_ms"]
                name = f"API {row['case']} p50 <= 50 ms at {largest['events']:,}"
                if largest["events"] != api_latency.GOAL_SIZE:
                    name += " (goal at 1 M)"
                found.append(_goal(name, f"{p50} ms", p50 <= api_latency.GOAL_MS))
    for goal in (results.get("throughput") or {}).get("goals", []):
        found.append({**goal, "value": str(goal["value"])})
    return found


def _goal(name: str, value: str, passed: bool) -> dict[str, Any]:
    return {"goal": name, "value": value, "verdict": "PASS" if passed else "FAIL"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated event counts")
    parser.add_argument(
        "--parts", default=",".join(PARTS), help="comma-separated: " + ", ".join(PARTS)
    )
    parser.add_argument("--quick", action="store_true", help="fewer requests, shorter runs")
    parser.add_argument("--no-install", action="store_true", help="do not pip install extras")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--work", type=Path, help="keep prepared data here (default: temp)")
    parser.add_argument("--throughput-events", type=int, help="default: the smallest size")
    stores.add_arguments(parser)
    throughput.add_arguments(parser)
    args = parser.parse_args(argv)
    stores.finish_arguments(args)
    throughput.finish_arguments(args)
    sizes = sorted(int(size.replace("_", "")) for size in args.sizes.split(","))
    parts = [part for part in args.parts.split(",") if part]
    for problem in ensure_bench_dependencies(not args.no_install):
        print("missing:", problem)
    if args.quick:
        args.repeat, args.budget = min(args.repeat, 30), min(args.budget, 10)
        args.duration, args.rounds = min(args.duration, 3), 1
    started, results = time.monotonic(), {"machine_before": machine()}
    with tempfile.TemporaryDirectory(prefix="ekg-bench-") as tmp:
        work = args.work or Path(tmp)
        if "build" in parts:
            print("\n== build: events.yaml -> store vs bare bulk load ==")
            results["build"] = run_build(sizes, args.quick)
        if "stores" in parts:
            print("\n== stores: SPARQL over HTTP vs in-process pyoxigraph ==")
            small = [n for n in sizes if n <= STORES_MAX_EVENTS] or sizes[:1]
            results["stores"] = stores.run(small, args, work)
            write_result("stores", results["stores"])
        if "api" in parts:
            print("\n== api: JSON API latency vs the same graph/ calls in-process ==")
            repeat = ["--repeat", "30"] if args.quick else []
            sizes_arg = ["--sizes", ",".join(map(str, sizes)), "--seed", str(args.seed)]
            results["api"] = api_latency.main(sizes_arg + repeat)
        if "throughput" in parts:
            print("\n== throughput: wrk, ours vs the minimal Flask + pyoxigraph endpoint ==")
            args.events = args.throughput_events or sizes[0]
            results["throughput"] = throughput.run(args, work)
            write_result("throughput", results["throughput"])
    checked = goals(results)
    print("\n== goals ==")
    for goal in checked:
        print(f"  {goal['verdict']}  {goal['goal']}: {goal['value']}")
    summary = {
        "sizes": sizes,
        "parts": parts,
        "quick": args.quick,
        "minutes": round((time.monotonic() - started) / 60, 1),
        "machine_before": results["machine_before"],
        "machine_after": machine(),
        "goals": checked,
    }
    out = write_result("summary", summary)
    before, after = summary["machine_before"], summary["machine_after"]
    print(
        f"\nwrote {out.relative_to(ROOT)} ({summary['minutes']} min; 1-min load average "
        f"{before['load_1min']} before, {after['load_1min']} after, {after['cpus']} cores)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
