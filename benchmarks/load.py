"""Load test: many clients at once, a query that hits the timeout, and a reload midway.

Starts ``ekg serve`` (loopback only) on a copy of events.yaml, measures each kind of request
alone (the idle baseline), then runs ``--clients`` keep-alive clients for ``--seconds``
mixing timeline pages, analyses and SPARQL queries, while one more client sends a query that
runs past the SPARQL time limit every few seconds and the data file is edited and reloaded
halfway through. Prints requests, errors by status, p50/p95 per kind under load next to the
idle p50, and whether the goals hold: no 5xx for normal requests, and normal p50 under load
at most 2x its idle value. Writes benchmarks/results/load.json.

    .venv/bin/python benchmarks/load.py                 # 32 clients, 60 s
    .venv/bin/python benchmarks/load.py --clients 8 --seconds 10
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from support.servers import free_port  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
SPARQL = "application/sparql-results+json"
ONE_HOP = (
    "SELECT ?effect ?label WHERE { <http://example.org/ekg/id/event/oil-slides-to-60> "
    "(faro:causes|ekg:contributesTo|faro:enables) ?effect . ?effect rdfs:label ?label }"
)
#: A cross join of every triple with itself four times: far past any time limit.
TOO_SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"

#: The normal mix: (kind, method, path, weight).
MIX = (
    ("timeline", "GET", "/api/timeline?from=2014-12&limit=50", 4),
    ("events", "GET", "/api/events?q=ruble&limit=20", 2),
    (
        "chain",
        "GET",
        "/api/chains?source=opec-decides-no-cut&target=bank-and-energy-shares-fall-dec-16",
        2,
    ),
    ("causes", "GET", "/api/causes/cbr-hike-to-17?max_depth=4", 2),
    ("what-if", "GET", "/api/what-if?remove=oil-slides-to-60", 1),
    ("sparql", "GET", "/sparql?" + urllib.parse.urlencode({"query": ONE_HOP}), 3),
)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument(
        "--timeout-every", type=float, default=3.0, help="seconds between slow queries"
    )
    parser.add_argument(
        "--think-ms",
        type=float,
        default=100.0,
        help="mean pause of each client between requests (exponential): users, not a flood",
    )
    parser.add_argument("--server", choices=("waitress", "gunicorn"), default="waitress")
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    if not 1 <= args.clients <= 256 or not 1 <= args.seconds <= 600:
        parser.error("clients must be 1-256 and seconds 1-600 (a bounded load test)")
    work = Path(tempfile.mkdtemp(prefix="ekg-load-"))
    data = work / "events.yaml"
    shutil.copy(ROOT / "events.yaml", data)
    shutil.copytree(ROOT / "stories", work / "stories")  # the files events.yaml includes
    port = free_port()
    server = start_server(data, port, args)
    try:
        idle = measure_idle(port)
        report = run_load(port, data, args)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)
        shutil.rmtree(work, ignore_errors=True)
    report["idle_p50_ms"] = idle
    report["client_cpu_s"] = round(sum(resource.getrusage(resource.RUSAGE_SELF)[:2]), 1)
    report["config"] = vars(args) | {"cpus": os.cpu_count(), "load_before": os.getloadavg()[0]}
    print_report(report)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "load.json").write_text(json.dumps(report, indent=2) + "\n")
    return report


def start_server(data: Path, port: int, args: argparse.Namespace) -> subprocess.Popen[bytes]:
    env = os.environ | {"EKG_SPARQL_TIMEOUT": "2", "EKG_SPARQL_WAIT": "10"}
    command = [
        sys.executable, "-m", "service.cli", "serve", "--data", str(data), "--port", str(port),
        "--server", args.server, "--threads", str(args.threads), "--workers", str(args.workers),
        "--watch-interval", "0",
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            status, _ = request(
                http.client.HTTPConnection("127.0.0.1", port, timeout=5), "GET", "/health"
            )
            if status == 200:
                return process
        except OSError:
            time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)
    raise SystemExit("the service did not start")


def request(connection: http.client.HTTPConnection, method: str, path: str) -> tuple[int, bytes]:
    connection.request(method, path, headers={"Accept": f"{SPARQL}, application/json"})
    response = connection.getresponse()
    return response.status, response.read()


def measure_idle(port: int, rounds: int = 150) -> dict[str, float]:
    """p50 of each kind of request with the service otherwise idle: after a warm-up, the
    kinds take turns, so a passing disturbance does not land on one kind alone."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for _, method, path, _ in MIX:
        for _ in range(5):
            request(connection, method, path)  # warm caches and the query pool
    samples: dict[str, list[float]] = defaultdict(list)
    for _ in range(rounds):
        for kind, method, path, _ in MIX:
            started = time.perf_counter()
            request(connection, method, path)
            samples[kind].append(time.perf_counter() - started)
    return {kind: round(statistics.median(times) * 1000, 2) for kind, times in samples.items()}


def run_load(port: int, data: Path, args: argparse.Namespace) -> dict:
    latencies: dict[str, list[float]] = defaultdict(list)
    statuses: dict[str, Counter[int]] = defaultdict(Counter)
    failures: Counter[str] = Counter()
    lock = threading.Lock()
    stop = threading.Event()
    weighted = [entry for entry in MIX for _ in range(entry[3])]

    def client(seed: int) -> None:
        rng = random.Random(seed)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while not stop.is_set():
            kind, method, path, _ = rng.choice(weighted)
            started = time.perf_counter()
            try:
                status, _ = request(connection, method, path)
            except (OSError, http.client.HTTPException) as exc:
                with lock:
                    failures[type(exc).__name__] += 1
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            with lock:
                latencies[kind].append(time.perf_counter() - started)
                statuses[kind][status] += 1
            if args.think_ms:
                stop.wait(rng.expovariate(1000 / args.think_ms))

    def slow_client() -> None:
        path = "/sparql?" + urllib.parse.urlencode({"query": TOO_SLOW})
        while not stop.wait(args.timeout_every):
            # A fresh connection each time: an idle keep-alive one may have been closed.
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            try:
                status, _ = request(connection, "GET", path)
            except (OSError, http.client.HTTPException) as exc:
                status = type(exc).__name__
            finally:
                connection.close()
            with lock:
                statuses["too-slow"][status] += 1

    def reload_midway() -> dict:
        time.sleep(args.seconds / 2)
        text = data.read_text()
        data.write_text(text.replace("title: ", "title: (reloaded) ", 1))
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        started = time.perf_counter()
        status, body = request(connection, "POST", "/-/reload")
        outcome = json.loads(body).get("outcome") if status == 200 else body[:200].decode()
        return {
            "status": status,
            "outcome": outcome,
            "seconds": round(time.perf_counter() - started, 2),
        }

    threads = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
    threads.append(threading.Thread(target=slow_client))
    reload_result: dict = {}
    reloader = threading.Thread(target=lambda: reload_result.update(reload_midway()))
    started = time.perf_counter()
    for thread in [*threads, reloader]:
        thread.start()
    time.sleep(args.seconds)
    stop.set()
    for thread in [*threads, reloader]:
        thread.join(120)
    elapsed = time.perf_counter() - started
    return summarize(latencies, statuses, failures, elapsed, reload_result)


def summarize(latencies, statuses, failures, elapsed, reload_result) -> dict:
    kinds = {}
    for kind, samples in sorted(latencies.items()):
        ordered = sorted(samples)
        kinds[kind] = {
            "requests": len(ordered),
            "p50_ms": round(ordered[len(ordered) // 2] * 1000, 2),
            "p95_ms": round(ordered[int(len(ordered) * 0.95)] * 1000, 2),
            "statuses": dict(statuses[kind]),
        }
    normal = [
        s for kind, counter in statuses.items() if kind != "too-slow" for s in counter.elements()
    ]
    return {
        "seconds": round(elapsed, 1),
        "requests": len(normal),
        "requests_per_second": round(len(normal) / elapsed, 1),
        "server_errors": sum(1 for s in normal if s >= 500),
        "client_errors": sum(1 for s in normal if 400 <= s < 500),
        "connection_failures": dict(failures),
        "too_slow_statuses": dict(statuses["too-slow"]),
        "reload": reload_result,
        "kinds": kinds,
    }


def print_report(report: dict) -> None:
    config = report["config"]
    workers = f", {config['workers']} workers" if config["server"] == "gunicorn" else ""
    print(
        f"\nload: {config['clients']} clients + 1 timeout client, {report['seconds']} s, "
        f"{config['server']} ({config['threads']} threads{workers}), "
        f"{config['cpus']} cores, load average before {config['load_before']:.2f}"
    )
    print(f"think time {config['think_ms']:g} ms mean per client")
    header = ("kind", "requests", "idle p50", "p50", "p95", "p50/idle")
    print("{:10} {:>9} {:>9} {:>8} {:>8} {:>9}  statuses".format(*header))
    worst = 0.0
    for kind, row in report["kinds"].items():
        idle = report["idle_p50_ms"][kind]
        ratio = row["p50_ms"] / idle if idle else float("inf")
        worst = max(worst, ratio)
        print(
            f"{kind:10} {row['requests']:9d} {idle:8.2f}ms {row['p50_ms']:6.2f}ms "
            f"{row['p95_ms']:6.2f}ms {ratio:8.2f}x  {row['statuses']}"
        )
    print(
        f"total {report['requests']} requests ({report['requests_per_second']}/s), "
        f"5xx {report['server_errors']}, 4xx {report['client_errors']}, "
        f"connection failures {report['connection_failures'] or 0}"
    )
    print(f"timeout client: {report['too_slow_statuses']} (504 is the designed answer)")
    print(f"the load clients themselves used {report['client_cpu_s']} s of CPU")
    print(f"reload midway: {report['reload']}")
    report["worst_p50_ratio"] = round(worst, 2)
    goals = {
        "no 5xx for normal requests": report["server_errors"] == 0
        and not report["connection_failures"],
        "p50 under load <= 2x idle (every kind)": worst <= 2.0,
        "reload loaded under load": report["reload"].get("outcome") == "loaded",
    }
    report["goals"] = goals
    for goal, held in goals.items():
        print(f"  {'PASS' if held else 'FAIL'}  {goal}")


if __name__ == "__main__":
    main()
