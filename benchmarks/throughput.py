#!/usr/bin/env python3
"""Throughput with 8 and 32 concurrent loopback clients (wrk), errors counted.

Our service and the minimal Flask + pyoxigraph endpoint (``benchmarks/apps.py``: the floor of
this stack) are served in turn -- never both at once -- by the same WSGI server with the same
settings (gunicorn, 2 workers, 8 threads each by default) over the same data
(``benchmarks.harness.prepare_data``, 10 k events by default). Both run at once (the idle one
costs nothing) and wrk (Debian, 2 threads, a fixed ``--duration``) runs the cases in turn,
``--rounds`` times interleaved so that load from other users of the machine hits every case
alike; the (lower) median round is reported. The cases:

* **timeline page** -- ``/api/timeline`` for one year and one lane, limit 100: the same URL
  again and again, so after the first request it is a cached page;
* **SPARQL, ours** -- a small query (the causes of one event, with their labels) on our
  ``/sparql`` (GET, ``Accept: application/sparql-results+json``);
* **SPARQL, minimal** -- the same query on the minimal endpoint: the baseline;
* **SPARQL distinct** -- the same two, with every request's query text made unique by a
  trailing comment (a wrk script), so our answer cache never serves it: the per-query cost
  of the safety layer (time limit, guards) against the in-process floor -- for each design
  of the time limit: **ours** as configured by default (under gunicorn: the query evaluated
  in the gunicorn worker, which exits after a timeout) and **ours, pool** (a second instance
  with ``EKG_SPARQL_ISOLATION=pool``: every query handed to a query worker process, the
  design before issue 19);
* optionally peers (``--peers oxigraph-server``) for scale.

Each case starts with an unrecorded ``--warm-up`` run (2 s at 32 connections), so every
gunicorn worker has started its query pool and the page cache is filled before measuring.

Reported per case: requests/s, wrk's p50 / p99 latency, non-2xx responses and socket errors,
and the CPU time the server's processes spent per request (all of them: gunicorn master and
workers, query workers; from ``/proc``) -- a figure that other load on the machine disturbs
far less than requests/s.
Goals (issue 7): the cached timeline page >= 2,000 req/s; the small SPARQL query >= 0.8x the
minimal endpoint's throughput at the same concurrency; no errors at all. Note that wrk shares
the 2 cores with the server it measures (and anything else running on the machine: the load
average is printed with each figure).

Usage: python benchmarks/throughput.py [--events 10000] [--duration 10] [--quick]
Writes benchmarks/results/throughput.json. Loopback only; never part of the test run.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.harness import (  # noqa: E402
    SERVED,
    SPARQL_JSON,
    Prepared,
    WsgiConfig,
    group_cpu,
    machine,
    oxigraph_with,
    prepare_data,
    serve_app,
    write_result,
)
from benchmarks.stores import queries_for  # noqa: E402

CONNECTIONS = (8, 32)
TIMELINE = "/api/timeline?from=2005-01-01&to=2005-12-31&lane=markets&limit=100"
GOAL_TIMELINE_RPS = 2000.0
GOAL_SPARQL_RATIO = 0.8
#: The second instance of ours: every query in a query worker process (the design before
#: issue 19, still the one under waitress), measured beside the default for comparison.
POOL = {"EKG_SPARQL_ISOLATION": "pool"}
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


#: A wrk script that makes every request's query text unique (a trailing SPARQL comment with
#: the wrk thread and a counter), so no answer cache can serve it: the per-query cost.
DISTINCT_QUERIES = """
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end
function init(args)
  counter = 0
end
function request()
  counter = counter + 1
  return wrk.format(nil, wrk.path .. "%0A%23" .. id .. "-" .. counter)
end
"""


def run_wrk(
    url: str,
    connections: int,
    duration: float,
    headers: dict[str, str],
    script: Path | None = None,
) -> dict[str, Any]:
    """One wrk run: requests/s, p50/p99 ms, non-2xx responses and socket errors."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration:g}s", "--latency", "--timeout=10s"]
    if script is not None:
        command += ["-s", str(script)]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    completed = subprocess.run(
        [*command, url], capture_output=True, text=True, timeout=duration + 60, check=True
    )
    return parse_wrk(completed.stdout)


def parse_wrk(text: str) -> dict[str, Any]:
    """The figures of wrk's text report."""

    def latency(percent: str) -> float | None:
        found = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
        return round(float(found[1]) * _UNITS[found[2]], 3) if found else None

    requests = re.search(r"(\d+) requests in ([\d.]+)(\w+)", text)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text
    )
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
    return {
        "requests": int(requests[1]) if requests else 0,
        "rps": float(rps[1]) if rps else 0.0,
        "p50_ms": latency("50"),
        "p99_ms": latency("99"),
        "non_2xx": int(non_2xx[1]) if non_2xx else 0,
        "socket_errors": sum(int(n) for n in sockets.groups()) if sockets else 0,
    }


def sparql_url(base: str, path: str, query: str) -> str:
    return f"{base}{path}?{urllib.parse.urlencode({'query': query})}"


@contextmanager
def peer(name: str, data: Prepared) -> Iterator[str]:
    """A peer server's query URL (for scale), loaded with the same triples."""
    if name != "oxigraph-server":
        raise ValueError(f"unknown peer {name!r}")
    with oxigraph_with(data) as url:
        yield url


def measure(
    case: str,
    url: str,
    headers: dict[str, str],
    connections: int,
    args: argparse.Namespace,
    script: Path | None = None,
) -> dict[str, Any]:
    """One wrk run of ``case``, with the load average just before it and the CPU time the
    server (all its processes) spent per request."""
    load = machine()["load_1min"]
    group = SERVED.get("/".join(url.split("/", 3)[:3]))  # (a peer is not ours to measure)
    cpu = group_cpu(group) if group else 0.0
    figures = run_wrk(url, connections, args.duration, headers, script)
    figures["cpu_ms"] = None
    if group and figures["requests"]:
        figures["cpu_ms"] = round((group_cpu(group) - cpu) * 1000 / figures["requests"], 3)
    time.sleep(1)  # let the server settle between runs
    return {"case": case, "connections": connections, **figures, "load_1min": load}


def best_of(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Of several rounds of one case, the one with the (lower) median throughput; errors are
    the sums over every round."""
    ordered = sorted(rows, key=lambda row: row["rps"])
    return {
        **ordered[(len(ordered) - 1) // 2],
        "rounds": [round(r["rps"]) for r in rows],
        "cpu_ms": _median([r["cpu_ms"] for r in rows if r["cpu_ms"] is not None]),
        "non_2xx": sum(r["non_2xx"] for r in rows),
        "socket_errors": sum(r["socket_errors"] for r in rows),
    }


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 3) if values else None


def run(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    data = prepare_data(args.events, work, args.seed)
    small = queries_for(data)["one-hop lookup"]
    accept = {"Accept": SPARQL_JSON}
    print(
        f"\nthroughput, N = {args.events:,} events, {args.wsgi.label()}, wrk -t2 "
        f"-d{args.duration:g}s, median of {args.rounds} round(s); load: 1-min load average"
    )
    print_header()
    rows: list[dict[str, Any]] = []
    distinct = work / "distinct-queries.lua"
    distinct.write_text(DISTINCT_QUERIES)
    with (
        serve_app("ours", data, args.wsgi) as ours,
        serve_app("ours", data, args.wsgi, env=POOL) as pool,
        serve_app("minimal", data, args.wsgi) as mini,
    ):
        ours_q, mini_q = sparql_url(ours, "/sparql", small), sparql_url(mini, "/sparql", small)
        pool_q = sparql_url(pool, "/sparql", small)
        cases = [
            ("timeline page (ours)", ours + TIMELINE, {}, None),
            ("SPARQL, ours", ours_q, accept, None),
            ("SPARQL, minimal", mini_q, accept, None),
            ("SPARQL distinct, ours", ours_q, accept, distinct),
            ("SPARQL distinct, ours, pool", pool_q, accept, distinct),
            ("SPARQL distinct, minimal", mini_q, accept, distinct),
        ]
        for _, url, headers, script in cases:  # every worker and pool started, caches filled
            run_wrk(url, max(CONNECTIONS), args.warm_up, headers, script)
        for connections in CONNECTIONS:
            rounds: dict[str, list[dict[str, Any]]] = {case[0]: [] for case in cases}
            for _ in range(args.rounds):  # interleaved, so drifting load hits every case alike
                for case, url, headers, script in cases:
                    rounds[case].append(measure(case, url, headers, connections, args, script))
            for case in rounds:
                rows.append(best_of(rounds[case]))
                print_row(rows[-1])
    for name in args.peers:
        with peer(name, data) as url:
            run_wrk(sparql_url(url, "", small), max(CONNECTIONS), args.warm_up, accept)
            for connections in CONNECTIONS:
                case = f"SPARQL, {name}"
                rows.append(measure(case, sparql_url(url, "", small), accept, connections, args))
                print_row(rows[-1])
    goals = check_goals(rows)
    print_goals(goals)
    return {
        "events": args.events,
        "wsgi": args.wsgi.label(),
        "duration_s": args.duration,
        "rounds": args.rounds,
        "timeline_url": TIMELINE,
        "sparql_query": small,
        "machine": machine(),
        "rows": rows,
        "goals": goals,
    }


def check_goals(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """PASS/FAIL per goal and concurrency."""
    by = {(r["case"], r["connections"]): r for r in rows}
    goals = []
    for c in CONNECTIONS:
        page = by[("timeline page (ours)", c)]["rps"]
        goals.append(_goal(f"cached timeline page >= 2,000 req/s, c={c}", page, page >= 2000))
        for kind, label in (("SPARQL", "repeated query"), ("SPARQL distinct", "distinct queries")):
            ours, floor = by[(f"{kind}, ours", c)]["rps"], by[(f"{kind}, minimal", c)]["rps"]
            share = ours / floor if floor else 0.0
            goals.append(
                _goal(f"SPARQL >= 0.8x minimal, {label}, c={c}", round(share, 2), share >= 0.8)
            )
        pool = by[("SPARQL distinct, ours, pool", c)]["rps"]
        share = pool / floor if floor else 0.0
        goals.append(  # not a goal: the design the default replaced, for comparison
            {
                "goal": f"pool design, distinct queries, c={c}",
                "value": round(share, 2),
                "verdict": "INFO",
            }
        )
    errors = sum(r["non_2xx"] + r["socket_errors"] for r in rows)
    goals.append(_goal("no errors (non-2xx + socket)", errors, errors == 0))
    return goals


def _goal(name: str, value: float, passed: bool) -> dict[str, Any]:
    return {"goal": name, "value": value, "verdict": "PASS" if passed else "FAIL"}


def print_header() -> None:
    print(
        f"  {'case':<28} {'conns':>5} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'non-2xx':>8} {'sock err':>8} {'load':>5} {'cpu ms/req':>10}"
    )


def print_row(row: dict[str, Any]) -> None:
    p50 = "-" if row["p50_ms"] is None else f"{row['p50_ms']:.2f}"
    p99 = "-" if row["p99_ms"] is None else f"{row['p99_ms']:.2f}"
    cpu = "-" if row.get("cpu_ms") is None else f"{row['cpu_ms']:.3f}"
    print(
        f"  {row['case']:<28} {row['connections']:>5} {row['rps']:>9,.0f} {p50:>8} {p99:>8} "
        f"{row['non_2xx']:>8} {row['socket_errors']:>8} {row['load_1min']:>5} {cpu:>10}"
    )


def print_goals(goals: list[dict[str, Any]]) -> None:
    for goal in goals:
        print(f"  {goal['verdict']}  {goal['goal']}: {goal['value']}")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--duration", type=float, default=5, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved runs per case")
    parser.add_argument("--warm-up", type=float, default=2, help="seconds of wrk before each case")
    parser.add_argument("--peers", default="", help="also measure: oxigraph-server")


def finish_arguments(args: argparse.Namespace) -> argparse.Namespace:
    if isinstance(args.peers, str):
        args.peers = [p for p in args.peers.split(",") if p]
    args.wsgi = WsgiConfig()
    return args


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--work", type=Path, help="keep prepared data here (default: temp)")
    parser.add_argument("--quick", action="store_true", help="one round of 3 s per case")
    add_arguments(parser)
    args = finish_arguments(parser.parse_args(argv))
    if args.quick:
        args.duration, args.rounds = min(args.duration, 3), 1
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install wrk")
    with tempfile.TemporaryDirectory(prefix="ekg-bench-") as tmp:
        result = run(args, args.work or Path(tmp))
    print(f"wrote {write_result('throughput', result).relative_to(ROOT)}")
    return result


if __name__ == "__main__":
    main()
