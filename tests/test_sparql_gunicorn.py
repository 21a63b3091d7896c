"""``/sparql`` under gunicorn, where each worker evaluates queries itself (no query process):
the time limit and crash isolation hold there as under waitress, by replacing the worker.

A real ``ekg serve --server gunicorn`` in a subprocess of its own session. A query past
``EKG_SPARQL_TIMEOUT`` is answered 504 (problem+json); its worker then stops taking requests
and exits -- which is what frees the CPU -- and the master forks a fresh one, which serves the
next request. A worker killed mid-query (as an engine abort would) costs the requests it had in
flight; the other worker serves meanwhile, and the master replaces it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from support.servers import free_port

ROOT = Path(__file__).resolve().parent.parent
CROSS_JOIN = (
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
)
NORMAL = "SELECT ?e WHERE { ?e a sem:Event }"
TIMEOUT = 2.0
TICK = os.sysconf("SC_CLK_TCK")


@pytest.fixture(scope="module", params=["4", "1"], ids=["gthread", "sync"])
def gunicorn(request, tiny_path) -> Iterator[tuple[int, str]]:
    """``ekg serve --server gunicorn --workers 2``, with 4 threads per worker or one (the sync
    worker): (the master's pid, the base URL)."""
    port = free_port()
    serve = ["serve", "--data", str(tiny_path), "--port", str(port), "--server", "gunicorn"]
    process = subprocess.Popen(
        [sys.executable, "-m", "service.cli", *serve, "--workers", "2", "--threads", request.param],
        env={**os.environ, "EKG_SPARQL_TIMEOUT": str(TIMEOUT), "EKG_SPARQL_ISOLATION": "auto"},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its workers go with it
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while len(workers(process.pid)) < 2 or get(base, NORMAL)[0] != 200:
            assert process.poll() is None, process.communicate()[1].decode()
            assert time.monotonic() < deadline, "the server did not come up"
            time.sleep(0.2)
        yield process.pid, base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.communicate(timeout=60)


def get(base: str, query: str, timeout: float = 30) -> tuple[int, dict, float]:
    """Status, JSON body (a problem, or results) and seconds of one GET /sparql; status 0
    when the connection failed."""
    url = f"{base}/sparql?" + urllib.parse.urlencode({"query": query})
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.load(response), time.monotonic() - started
    except urllib.error.HTTPError as error:
        assert error.headers["Content-Type"] == "application/problem+json"
        return error.code, json.load(error), time.monotonic() - started
    except (ConnectionError, urllib.error.URLError) as error:
        return 0, {"error": repr(error)}, time.monotonic() - started


def workers(master: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{master}/task").iterdir():
        found |= {int(pid) for pid in (task / "children").read_text().split()}
    return {pid for pid in found if cpu_ticks(pid) is not None}


def cpu_ticks(pid: int) -> int | None:
    """User + system CPU time of ``pid`` in clock ticks; None if it is gone (or a zombie)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return None if fields[0] == "Z" else int(fields[11]) + int(fields[12])


def settled(master: int, before: set[int], seconds: float = 20) -> set[int]:
    """The workers once two are up again, one of ``before`` replaced."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        now = workers(master)
        if len(now) == 2 and now != before:
            return now
        time.sleep(0.1)
    raise AssertionError(f"no worker was replaced: {before} -> {workers(master)}")


def busy_worker(master: int) -> int:
    """The worker burning CPU (the one evaluating a heavy query)."""
    first = {pid: cpu_ticks(pid) or 0 for pid in workers(master)}
    time.sleep(0.5)
    spent = {pid: (cpu_ticks(pid) or 0) - ticks for pid, ticks in first.items()}
    return max(spent, key=lambda pid: spent[pid])


def group_cpu_seconds(master: int, over: float) -> float:
    pids = {master, *workers(master)}
    first = {pid: cpu_ticks(pid) or 0 for pid in pids}
    time.sleep(over)
    return sum((cpu_ticks(pid) or first[pid]) - first[pid] for pid in pids) / TICK


def test_past_the_limit_504_then_the_worker_exits_and_a_fresh_one_serves(gunicorn):
    master, base = gunicorn
    before = workers(master)
    status, body, seconds = get(base, CROSS_JOIN)
    assert status == 504 and seconds < TIMEOUT + 4
    assert body["type"] == "/problems/query-timeout" and body["status"] == 504
    after = settled(master, before)
    gone = before - after
    assert len(gone) == 1 and all(cpu_ticks(pid) is None for pid in gone)  # the CPU is freed
    assert group_cpu_seconds(master, 1.0) < 0.5  # nothing left burning a core
    for _ in range(6):  # both workers, the fresh one included, answer
        status, body, _ = get(base, NORMAL)
        assert status == 200 and len(body["results"]["bindings"]) == 4


def test_other_clients_are_served_during_a_heavy_query(gunicorn):
    master, base = gunicorn
    before = workers(master)
    with ThreadPoolExecutor(max_workers=2) as pool:
        heavy = pool.submit(get, base, CROSS_JOIN)
        time.sleep(0.3)
        quick = [get(base, NORMAL) for _ in range(5)]
        assert heavy.result()[0] == 504
    assert [status for status, _, _ in quick] == [200] * 5
    assert max(seconds for _, _, seconds in quick) < 1.5
    settled(master, before)


def test_a_worker_killed_mid_query_is_replaced_and_the_other_serves(gunicorn):
    """What an engine abort does to the worker evaluating it: its requests in flight end
    without an answer (the connection closes), no other client notices."""
    master, base = gunicorn
    before = workers(master)
    with ThreadPoolExecutor(max_workers=2) as pool:
        heavy = pool.submit(get, base, CROSS_JOIN)
        time.sleep(0.3)
        victim = busy_worker(master)
        os.kill(victim, signal.SIGKILL)
        quick = [get(base, NORMAL) for _ in range(5)]
        status, body, seconds = heavy.result()
    assert status == 0 and seconds < TIMEOUT, body  # dropped at once, not at the time limit
    assert [status for status, _, _ in quick] == [200] * 5
    assert victim not in settled(master, before)
    assert get(base, NORMAL)[0] == 200
