#!/usr/bin/env python3
"""What the JSON API costs at 10 k, 100 k and 1 M events: HTTP latency vs the same calls in-process.

For each size N a synthetic dataset (``support/synthetic.py``) is generated in memory and
served without any RDF: the endpoints measured here read only the dataset, its event index and
its causal DiGraph (``BuiltGraph.dataset``, ``.index``, ``.causal``), so the app is created on
``tests/data/tiny.yaml`` and its ``BuiltGraph`` is swapped for one holding the synthetic dataset
(with the tiny store, which none of these endpoints touches). Waitress serves the app on a free
loopback port in a thread; requests go one at a time over real HTTP (urllib, a new connection
each) from the same process. Each request uses a different random input (seeded), and
the baseline runs the same graph/ calls in-process (no Flask, no HTTP, no JSON) on the same
inputs, so each row shows HTTP p50 / p95 next to in-process p50 / p95 and the p50 ratio:

* ``/api/timeline``: one page (limit 100) of a one-year window and one lane, windows anywhere
  in 1990-2020 -- ``query_events`` + ``links_among`` + ``to_vis_items``;
* ``/api/events?q=``: one page (default limit 50) with a text query, a common word (an event
  type) and a rare one (an actor's name) -- ``query_events`` + ``event_summary``;
* ``/api/chains``: pairs connected within 6 links (the target found by walking 2-5 links forward
  from the source) and pairs that are not -- ``find_causal_chains`` (max_depth 6, limit 10);
* ``/api/causes/<id>?max_depth=3&limit=1000`` on events with a cause -- ``analyze_causes``;
* ``/api/what-if?remove=<id>&max_depth=3&limit=1000`` on events with an effect -- ``what_if``.

Analyses follow supported and qualified links, as the views do by default. Also reported once
per size: generation, EventIndex and DiGraph build times; the memory of the index and of the
DiGraph (growth of RSS while the service's cached copy is built, and the net allocation traced
by ``tracemalloc`` over a second, discarded build); peak RSS. Goal: p50 <= 50 ms at 1 M events
for a timeline page and a bounded chain query.

This file is the scenario (data, inputs, cases, report); how a case is timed and how memory
and GC time are measured is in :mod:`benchmarks.api_latency_measure`.

Usage: python benchmarks/api_latency.py [--sizes 10000,100000,1000000] [--repeat 200] [--seed 42]
Writes benchmarks/results/api-latency.json. Loopback only; never part of the test run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import random
import sys
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.api_latency_measure import (  # noqa: E402
    Case,
    measure,
    proc_status,
    reset_peak_rss,
    serve,
    traced,
)
from graph.causal.graph import build_causal_graph, filtered_view  # noqa: E402
from graph.data.dates import parse_date  # noqa: E402
from graph.pipeline import BuiltGraph  # noqa: E402
from graph.timeline.formats import to_vis_items  # noqa: E402
from graph.timeline.paging import EventIndex, query_events  # noqa: E402
from graph.timeline.records import event_summary  # noqa: E402
from graph.vocab import ASSERTED_STATUSES  # noqa: E402
from service import create_app  # noqa: E402
from service.views import analyses as views  # noqa: E402  (the graph/ functions its views call)
from support.synthetic import generate_dataset  # noqa: E402

GOAL_MS = 50.0
GOAL_SIZE = 1_000_000
GOAL_CASES = ("timeline page", "chains, connected", "chains, unconnected")


# -- one-time costs ----------------------------------------------------------------------------


def build_graph(n: int, seed: int, store: Any) -> tuple[BuiltGraph, dict[str, Any]]:
    """Generate, index and link ``n`` events as the service would; timings and memory."""
    costs: dict[str, Any] = {"rss_start_mb": round(proc_status("VmRSS"))}
    started, rss = time.perf_counter(), proc_status("VmRSS")
    dataset = generate_dataset(n, seed)
    costs["generate_s"] = round(time.perf_counter() - started, 2)
    costs["dataset_rss_mb"] = round(proc_status("VmRSS") - rss)
    built = BuiltGraph(dataset, store=store, seconds=0, version=f"synthetic-{n}")
    for part in ("index", "causal"):
        started, rss = time.perf_counter(), proc_status("VmRSS")
        getattr(built, part)  # the cached property the service reads
        costs[f"{part}_s"] = round(time.perf_counter() - started, 2)
        costs[f"{part}_rss_mb"] = round(proc_status("VmRSS") - rss)
    costs["rss_built_mb"] = round(proc_status("VmRSS"))  # what the service would hold
    costs["peak_rss_built_mb"] = round(proc_status("VmHWM"))  # before tracemalloc's overhead
    costs["index_traced"] = traced(lambda: EventIndex.from_dataset(dataset))
    costs["causal_traced"] = traced(lambda: build_causal_graph(dataset))
    return built, costs


# -- inputs and cases --------------------------------------------------------------------------


def pick_inputs(built: BuiltGraph, count: int, rng: random.Random) -> dict[str, list[Any]]:
    """Random inputs for every case, the same for HTTP and in-process."""
    dataset, view = built.dataset, filtered_view(built.causal, statuses=ASSERTED_STATUSES)
    ids = [event.id for event in dataset.events]

    def having(neighbours: Callable[[str], Any]) -> str:
        while True:
            event = rng.choice(ids)
            if any(True for _ in neighbours(event)):
                return event

    def connected() -> tuple[str, str]:
        while True:
            source = target = having(view.successors)
            for _ in range(rng.randint(2, 5)):
                following = list(view.successors(target))
                if not following:
                    break
                target = rng.choice(following)
            if target != source:
                return source, target

    def unconnected() -> tuple[str, str]:
        while True:
            source, target = having(view.successors), rng.choice(ids)
            ahead = nx.single_source_shortest_path_length(view, source, cutoff=6)
            if target not in ahead:  # the source itself is in ``ahead``, at 0
                return source, target

    first, last = dt.date(1990, 1, 1).toordinal(), dt.date(2020, 1, 1).toordinal()
    windows = []
    for _ in range(count):
        start = dt.date.fromordinal(rng.randint(first, last))
        stop = start + dt.timedelta(days=364)
        windows.append((start.isoformat(), stop.isoformat(), rng.choice(dataset.lanes).id))
    return {
        "timeline": windows,
        "common": [rng.choice(dataset.event_types).label.lower() for _ in range(count)],
        "rare": [rng.choice(dataset.actors).label for _ in range(count)],
        "connected": [connected() for _ in range(count)],
        "unconnected": [unconnected() for _ in range(count)],
        "causes": [having(view.predecessors) for _ in range(count)],
        "what_if": [having(view.successors) for _ in range(count)],
    }


def make_cases(built: BuiltGraph, base: str, inputs: dict[str, list[Any]]) -> list[Case]:
    index, graph, dataset = built.index, built.causal, built.dataset
    analysis = {"statuses": ASSERTED_STATUSES, "kinds": None}

    def url(path: str, **query: Any) -> str:
        return f"{base}{urllib.parse.quote(path)}?{urllib.parse.urlencode(query)}"

    def timeline(window: tuple[str, str, str]) -> dict[str, Any]:
        start, end, lane = window
        page = query_events(
            index, start=parse_date(start), end=parse_date(end), lanes=[lane], limit=100
        )
        return to_vis_items(page.events, index.links_among(page.events), lanes=dataset.lanes)

    def events(text: str) -> list[dict[str, Any]]:
        return [event_summary(e) for e in query_events(index, text=text).events]

    def chains(pair: tuple[str, str]) -> list[Any]:
        return views.find_causal_chains(graph, *pair, max_depth=6, limit=10, **analysis)

    def events_case(name: str, key: str) -> Case:
        return Case(
            name, inputs[key], lambda q: url("/api/events", q=q), events,
            lambda body: body["count"], len,
        )  # fmt: skip

    def chains_case(name: str, key: str) -> Case:
        return Case(
            name, inputs[key], lambda p: url("/api/chains", source=p[0], target=p[1]), chains,
            lambda body: body["count"], len,
        )  # fmt: skip

    return [
        Case(
            "timeline page", inputs["timeline"],
            lambda w: url("/api/timeline", **{"from": w[0], "to": w[1], "lane": w[2]}, limit=100),
            timeline, lambda body: len(body["items"]), lambda local: len(local["items"]),
        ),
        events_case("events, q=common word", "common"),
        events_case("events, q=rare name", "rare"),
        chains_case("chains, connected", "connected"),
        chains_case("chains, unconnected", "unconnected"),
        Case(
            "causes, depth 3", inputs["causes"],
            lambda e: url(f"/api/causes/{e}", max_depth=3, limit=1000),
            lambda e: views.analyze_causes(graph, e, max_depth=3, limit=1000, **analysis),
            lambda body: len(body["ancestors"]), lambda local: len(local.ancestors),
        ),
        Case(
            "what-if, depth 3", inputs["what_if"],
            lambda e: url("/api/what-if", remove=e, max_depth=3, limit=1000),
            lambda e: views.what_if(graph, [e], max_depth=3, limit=1000, **analysis),
            lambda body: len(body["orphaned"]) + len(body["still_supported"]),
            lambda local: len(local.orphaned) + len(local.still_supported),
        ),
    ]  # fmt: skip


def run_size(app: Any, base: str, n: int, repeat: int, seed: int) -> dict[str, Any]:
    reset_peak_rss()
    generations = app.extensions["ekg_generations"]
    tiny = generations.current.built
    built, costs = build_graph(n, seed, tiny.store)
    generations.serve(built)  # as a reload swaps a new data version in
    inputs = pick_inputs(built, repeat, random.Random(seed + n))
    rows = [measure(case) for case in make_cases(built, base, inputs)]
    result = {
        "events": n,
        "links": len(built.dataset.links),
        "actors": len(built.dataset.actors),
        "places": len(built.dataset.places),
        "costs": costs,
        "peak_rss_mb": round(proc_status("VmHWM")),
        "load_average_1min": round(os.getloadavg()[0], 2),  # other work on the machine
        "rows": rows,
    }
    generations.serve(tiny)  # the synthetic version and its caches are released
    del built, inputs, rows
    gc.collect()
    return result


# -- output ------------------------------------------------------------------------------------


def goal_note(name: str, n: int, p50: float) -> str:
    if name not in GOAL_CASES:
        return ""
    verdict = "met" if p50 <= GOAL_MS else "MISSED"
    return f"{verdict}{'' if n == GOAL_SIZE else ' (goal at 1 M)'}"


def print_size(result: dict[str, Any]) -> None:
    n, costs = result["events"], result["costs"]
    print(
        f"\nN = {n:,} events, {result['links']:,} links, {result['actors']:,} actors, "
        f"{result['places']:,} places"
    )
    print(
        f"{'endpoint':<24} {'mean n':>7} {'HTTP p50':>9} {'p95':>8} {'local p50':>10} "
        f"{'p95':>8} {'ratio':>6} {'GC ms (full)':>13}  goal p50 <= {GOAL_MS:g} ms"
    )
    for row in result["rows"]:
        flags = [goal_note(row["case"], n, row["http_p50_ms"])]
        if row["http_errors"] or row["answers_differ"]:
            flags.append(f"{row['http_errors']} errors, {row['answers_differ']} differ")
        print(
            f"{row['case']:<24} {row['mean_results']:>7.1f} {row['http_p50_ms']:>9.2f} "
            f"{row['http_p95_ms']:>8.2f} {row['in_process_p50_ms']:>10.2f} "
            f"{row['in_process_p95_ms']:>8.2f} {row['ratio_p50']:>6.2f} "
            f"{row['gc_ms_http']:>8.0f} ({row['gc_full_http']:>2})  {' '.join(flags)}"
        )
    index, causal = costs["index_traced"], costs["causal_traced"]
    print(f"load average (other work on the machine): {result['load_average_1min']}")
    print(
        f"one-time: generate {costs['generate_s']:.1f} s (+{costs['dataset_rss_mb']} MB RSS), "
        f"EventIndex {costs['index_s']:.1f} s, DiGraph {costs['causal_s']:.1f} s"
    )
    print(
        f"memory: EventIndex +{costs['index_rss_mb']} MB RSS, {index['retained_mb']:.0f} MB "
        f"traced (peak {index['peak_mb']:.0f}); DiGraph +{costs['causal_rss_mb']} MB RSS, "
        f"{causal['retained_mb']:.0f} MB traced (peak {causal['peak_mb']:.0f}); "
        f"process RSS once built {costs['rss_built_mb']:,} MB (peak so far "
        f"{costs['peak_rss_built_mb']:,} MB), peak with tracemalloc {result['peak_rss_mb']:,} MB"
    )


def print_summary(results: list[dict[str, Any]]) -> None:
    print("\nsummary: HTTP p50 ms by size (in-process p50 in brackets)")
    sizes = [r["events"] for r in results]
    print(f"{'endpoint':<24}" + "".join(f"{f'{n:,}':>22}" for n in sizes))
    for i, row in enumerate(results[0]["rows"]):
        cells = []
        for result in results:
            other = result["rows"][i]
            cells.append(f"{other['http_p50_ms']:.2f} ({other['in_process_p50_ms']:.2f})")
        print(f"{row['case']:<24}" + "".join(f"{cell:>22}" for cell in cells))
    largest = results[-1]
    missed = [
        row["case"]
        for row in largest["rows"]
        if row["case"] in GOAL_CASES and row["http_p50_ms"] > GOAL_MS
    ]
    scope = f"at {largest['events']:,} events"
    print(f"goal (p50 <= {GOAL_MS:g} ms {scope}): " + (f"MISSED by {missed}" if missed else "met"))
    print(f"peak RSS of the run: {max(r['peak_rss_mb'] for r in results):,} MB")


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", default="10000,100000,1000000", help="comma-separated event counts"
    )
    parser.add_argument("--repeat", type=int, default=200, help="requests (inputs) per endpoint")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    sizes = [int(size.replace("_", "")) for size in args.sizes.split(",")]
    app = create_app({"DATA": str(ROOT / "tests" / "data" / "tiny.yaml")})
    base, server = serve(app)
    results = []
    for n in sizes:
        results.append(run_size(app, base, n, args.repeat, args.seed))
        print_size(results[-1])
    server.close()
    app.extensions["ekg_generations"].close()
    print_summary(results)
    out = ROOT / "benchmarks" / "results" / "api-latency.json"
    result = report(args, results)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {out.relative_to(ROOT)}")
    return result


def report(args: argparse.Namespace, results: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "goal": f"HTTP p50 <= {GOAL_MS:g} ms at {GOAL_SIZE:,} events for {', '.join(GOAL_CASES)}",
        "repeat": args.repeat,
        "seed": args.seed,
        "python": platform.python_version(),
        "networkx": nx.__version__,
        "cpus": os.cpu_count(),
        "peak_rss_mb": max(r["peak_rss_mb"] for r in results),
        "sizes": results,
    }


if __name__ == "__main__":
    main()
