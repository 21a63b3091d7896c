#!/usr/bin/env python3
"""One publisher, many readers (issue 19): what ``ekg publish`` and a reader cost, beside the
baselines of the same run.

On a fresh Oxigraph server (or Virtuoso, ``--server virtuoso``), for the curated
``events.yaml`` and its stories (a copy; ``--events N``: a synthetic dataset of N events in
story files of 1,000 instead):

* ``publish``: the first publish, a publish of a changed version (a comment appended to the
  events file; the median of ``--rounds``) and an unchanged one -- beside the baseline, the
  old writer path every ``ekg serve --sparql-endpoint`` instance ran at start before:
  ``RemoteStore.load`` of the same dataset into one graph;
* ``start``: ``ekg serve`` as a reader from process start to the first ``/health`` and
  ``/api/timeline`` answers, with an empty cache directory (cold) and with the version cached
  (warm) -- beside the baseline, ``ekg serve --data`` on the same files (embedded store);
* ``follow``: after each publish, the seconds until a reader polling every ``--follow`` s
  serves the new version (``/-/status``), min / median / max.

Figures are printed and written to ``benchmarks/results/publish.json`` (one entry per server
and dataset; the others are kept). Not a test.

Usage: python benchmarks/publish.py [--server oxigraph|virtuoso] [--events N] [--rounds 5]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import statistics
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.harness import RESULTS, machine, ratio, spawn, write_result  # noqa: E402
from graph.data import read_dataset  # noqa: E402
from graph.publication import publish  # noqa: E402
from graph.rdf import iter_statements  # noqa: E402
from graph.store import RemoteStore  # noqa: E402
from support.servers import free_port, oxigraph_server, virtuoso_server  # noqa: E402
from support.synthetic import write_events_yaml  # noqa: E402

LAUNCH = {"oxigraph": oxigraph_server, "virtuoso": virtuoso_server}


def store_of(server: Any) -> RemoteStore:
    return RemoteStore(
        server.query_url,
        update_endpoint=server.update_url,
        store_endpoint=server.store_url,
        timeout=600,
    )


def timed(function: Callable[[], Any]) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def first_answers(args: list[str], paths: list[str]) -> list[float]:
    """Seconds from starting ``ekg serve ARGS`` to the first 200 of each of ``paths``."""
    port = free_port()
    command = [sys.executable, "-m", "service.cli", "serve", "--port", str(port), *args]
    base, found = f"http://127.0.0.1:{port}", []
    started = time.perf_counter()
    with spawn(command):
        for path in paths:
            while True:
                try:
                    with urllib.request.urlopen(f"{base}{path}", timeout=60):
                        break
                except OSError:
                    time.sleep(0.02)
            found.append(time.perf_counter() - started)
    return found


def served_version(base: str) -> str:
    with urllib.request.urlopen(f"{base}/-/status", timeout=30) as response:
        return str(json.load(response)["version"])


def data_copy(work: Path, events: int) -> Path:
    top = work / "data" / "events.yaml"
    top.parent.mkdir(parents=True)
    if events:
        write_events_yaml(events, top, story_size=1000)
    else:
        shutil.copy(ROOT / "events.yaml", top)
        shutil.copytree(ROOT / "stories", top.parent / "stories")
    return top


def bump(top: Path, number: int) -> None:
    with top.open("a", encoding="utf-8") as out:
        out.write(f"# revision {number}\n")


def measure(server: Any, top: Path, work: Path, rounds: int, follow: float) -> dict[str, Any]:
    store = store_of(server)
    loaded = read_dataset(top)
    baseline = timed(lambda: store.load(iter_statements(loaded.dataset), "urn:x-bench:writer"))
    store.drop("urn:x-bench:writer")
    first = timed(lambda: publish(top, store))
    changed = []
    for number in range(rounds):
        bump(top, number)
        changed.append(timed(lambda: publish(top, store)))
    unchanged = timed(lambda: publish(top, store))
    remote = ["--sparql-endpoint", server.query_url, "--follow-interval", str(follow)]
    paths = ["/health", "/api/timeline?limit=50"]
    embedded = first_answers(["--data", str(top), "--watch-interval", "0"], paths)
    cold = first_answers([*remote, "--cache-dir", str(work / "cold")], paths)
    first_answers([*remote, "--cache-dir", str(work / "warm")], paths[:1])  # fills the cache
    warm = first_answers([*remote, "--cache-dir", str(work / "warm")], paths)
    return {
        "events": len(loaded.dataset.events),
        "publish": {"writer_load": baseline, "first": first, "changed": changed},
        "unchanged": unchanged,
        "start": {"embedded": embedded, "reader_cold": cold, "reader_warm": warm},
        "follow": converge(server, top, work, rounds, follow),
    }


def converge(server: Any, top: Path, work: Path, rounds: int, follow: float) -> list[float]:
    """Seconds from each publish's return until a polling reader serves the new version."""
    port = free_port()
    command = [sys.executable, "-m", "service.cli", "serve", "--port", str(port)]
    command += ["--sparql-endpoint", server.query_url, "--follow-interval", str(follow)]
    command += ["--cache-dir", str(work / "follow")]
    base, seconds = f"http://127.0.0.1:{port}", []
    with spawn(command):
        while True:
            try:
                served_version(base)
                break
            except OSError:
                time.sleep(0.05)
        for number in range(rounds):
            bump(top, 100 + number)
            version = publish(top, store_of(server)).version
            started = time.perf_counter()
            while served_version(base) != version:
                time.sleep(0.01)
            seconds.append(time.perf_counter() - started)
    return seconds


def report(name: str, found: dict[str, Any], follow: float) -> None:
    publish_ = found["publish"]
    changed = statistics.median(publish_["changed"])
    print(f"\n{name}: {found['events']} events")
    print(f"  writer load (baseline)     {publish_['writer_load']:7.3f} s")
    base = publish_["writer_load"]
    print(
        f"  first publish              {publish_['first']:7.3f} s  {ratio(publish_['first'], base)}"
    )
    print(
        f"  publish, changed (median)  {changed:7.3f} s  {ratio(changed, publish_['writer_load'])}"
    )
    print(f"  publish, unchanged         {found['unchanged']:7.3f} s")
    start = found["start"]
    for label, key in (
        ("embedded serve (baseline)", "embedded"),
        ("reader, cold cache", "reader_cold"),
        ("reader, warm cache", "reader_warm"),
    ):
        health, timeline = start[key]
        versus = ratio(timeline, start["embedded"][1])
        print(f"  {label:26} /health {health:6.2f} s, /api/timeline {timeline:6.2f} s  {versus}")
    seconds = found["follow"]
    print(
        f"  reader on the new version after {min(seconds):.2f} / "
        f"{statistics.median(seconds):.2f} / {max(seconds):.2f} s "
        f"(min / median / max; poll every {follow:g} s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", choices=list(LAUNCH), default="oxigraph")
    parser.add_argument("--events", type=int, default=0)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--follow", type=float, default=0.5)
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ekg-bench-publish-"))
    try:
        top = data_copy(work, options.events)
        with LAUNCH[options.server]() as server:
            found = measure(server, top, work, options.rounds, options.follow)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    name = f"{options.server}, " + (
        f"synthetic {options.events}" if options.events else "events.yaml"
    )
    report(name, found, options.follow)
    runs = {}  # the runs of other servers and datasets are kept
    with contextlib.suppress(OSError, ValueError):
        runs = json.loads((RESULTS / "publish.json").read_text())
    runs[name] = {"machine": machine(), **found}
    print(f"\nwritten to {write_result('publish', runs)}")


if __name__ == "__main__":
    main()
