#!/usr/bin/env python3
"""Start-up of ``ekg serve --store`` as an operator meets it (issue 19).

For each size N, once: a synthetic ``events.yaml`` of N events in story files of 10 k
(``python -m support.synthetic N OUT --story-size 10000``, made once and kept in
``benchmarks/results/.cache/start/``, which is not committed), then ``ekg build --store DIR``
(its time and peak RSS, reported apart; the store holds the snapshot of the data the build
validated), then, twice on that same store, ``ekg serve --store DIR --data OUT --port P`` in a
process group of its own: **before**, with ``EKG_STORE_SNAPSHOT=false`` (the data files read and
validated again, every structure built on first use: the path of every start before the
snapshot), then **after**, with every setting at its default (the snapshot opened). Measured
from the moment each process is started:

* the first 200 of ``/health``, then of ``/api/timeline?limit=50``, then of ``/api/chains``
  between two events three evidence links apart (an early event and one of its descendants,
  picked from the generator's plan of links, so no other request warms the causal graph);
* the resident memory of every process of the group (the server and any child: the sum of
  ``VmRSS``) right after the first chains answer, and the largest such sum seen while
  starting (sampled every 0.2 s).

Each figure is printed, before and after, beside its goal (first chains answer <= 2 s at 1 M
events and <= 1 s at 100 k; all processes <= 3 GB) with the 1-minute load average, and written to
``benchmarks/results/start.json`` (the rows of sizes not run this time are kept).
``--profile`` starts the server a second time under py-spy (sampling, ``--nonblocking``) and
breaks the time to the first chains answer down into phases (:mod:`benchmarks.start_profile`),
then runs the same start in-process to time the cyclic garbage collector in each step.
Not a test: nothing asserts; a missed goal is a FAIL in the table.

``--data-cache DIR`` reads (or makes) the synthetic data there and ``--stores DIR`` builds the
stores there (both default to the cache above), so a checkout can measure on data made once
by another.

``--reader oxigraph`` (or ``virtuoso``) also publishes the data to a fresh SPARQL server and
times a reader's start on it, cold (empty cache directory) and warm
(:mod:`benchmarks.start_reader`), printed as two more columns beside the ``ekg serve --store``
ones (no goal: reported apart); they run first.

Usage: python benchmarks/start.py [--sizes 100000,1000000] [--profile] [--no-build]
                                  [--modes before,after] [--data-cache DIR] [--stores DIR]
                                  [--reader oxigraph|virtuoso]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
from collections import defaultdict, deque
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


from benchmarks.harness import RESULTS, machine, write_result  # noqa: E402
from benchmarks.publish import LAUNCH  # noqa: E402
from benchmarks.start_measure import EKG, measure_start, measure_steps, run_timed  # noqa: E402
from benchmarks.start_profile import gc_share, profiled  # noqa: E402
from benchmarks.start_reader import reader_starts  # noqa: E402
from graph.vocab import ASSERTED_STATUSES, FOLLOWED_KINDS  # noqa: E402
from support.synthetic_draw import KINDS, STATUSES, draw_plan  # noqa: E402

CACHE = RESULTS / ".cache" / "start"
STORY_SIZE = 10_000
#: Seconds from ``ekg serve`` to the first /api/chains answer, per size (issue 19).
CHAINS_GOAL_S = {100_000: 1.0, 1_000_000: 2.0}
RSS_GOAL_MB = 3 * 1024
#: The links /api/chains follows by default (the evidence lens, the followed kinds), as the
#: generator numbers their statuses and kinds.
EVIDENCE = frozenset(i for i, name in enumerate(STATUSES) if name in ASSERTED_STATUSES)
FOLLOWED = frozenset(i for i, name in enumerate(KINDS) if name in FOLLOWED_KINDS)
CHAIN_LINKS = 3


# -- the data --------------------------------------------------------------------------------


def prepare(n: int, seed: int, cache: Path = CACHE) -> dict[str, Any]:
    """The YAML of ``n`` events and a connected pair, made once in the cache and reused."""
    folder = cache / f"synthetic-{n}-{seed}-{STORY_SIZE}"
    meta = folder / "prepared.json"
    if meta.exists():  # (the cache may have moved since: the YAML is the one beside it)
        fields = {**json.loads(meta.read_text()), "yaml": str(folder / "events.yaml")}
        return {**fields, "generate_s": None}
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    out = folder / "events.yaml"
    command = [sys.executable, "-m", "support.synthetic", str(n), str(out)]
    command += ["--story-size", str(STORY_SIZE), "--seed", str(seed)]
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    generated = time.perf_counter() - started
    fields = {"yaml": str(out), "pair": chain_pair(n, seed), "generated_s": round(generated, 1)}
    meta.write_text(json.dumps(fields, indent=2) + "\n")
    return {**fields, "generate_s": round(generated, 1)}


def chain_pair(n: int, seed: int) -> list[str]:
    """The earliest event with a descendant exactly :data:`CHAIN_LINKS` followed links away,
    and that descendant (the generator's events are ``ev-<position in date order>``)."""
    effects: dict[int, list[int]] = defaultdict(list)
    for cause, effect, kind, _confidence, status in draw_plan(n, seed).links:
        if status in EVIDENCE and kind in FOLLOWED:
            effects[cause].append(effect)
    for source in sorted(effects):
        depth = {source: 0}
        todo = deque([source])
        while todo:
            node = todo.popleft()
            if depth[node] == CHAIN_LINKS:
                return [f"ev-{source}", f"ev-{node}"]
            for effect in effects.get(node, ()):
                if effect not in depth:
                    depth[effect] = depth[node] + 1
                    todo.append(effect)
    raise RuntimeError(f"no chain of {CHAIN_LINKS} links in {n} events")


def build(yaml: str, store: Path) -> dict[str, Any]:
    """``ekg build --store``: wall time and peak RSS (of that process, from ``wait4``)."""
    return run_timed([str(EKG), "build", "--data", yaml, "--store", str(store), "--no-progress"])


# -- the measurement -------------------------------------------------------------------------


def serve_command(prepared: dict[str, Any], store: Path, port: int) -> list[str]:
    command = [str(EKG), "serve", "--store", str(store), "--data", prepared["yaml"]]
    return [*command, "--port", str(port)]


#: The environment of each measured start: ``before`` reads and validates the data files.
MODES = {"before": {"EKG_STORE_SNAPSHOT": "false"}, "after": {}}


def measure(prepared: dict[str, Any], store: Path, timeout: float, mode: str) -> dict[str, Any]:
    """Start ``ekg serve --store`` in ``mode`` (:data:`MODES`) and time its first answers (see
    the module docstring)."""
    command = partial(serve_command, prepared, store)
    return measure_start(prepared, command, {**os.environ, **MODES[mode]}, timeout)


def verdict(value: float | None, goal: float | None) -> str:
    if value is None or goal is None:
        return ""
    return "PASS" if value <= goal else "FAIL"


def built(figures: dict[str, Any]) -> str:
    if figures["s"] is None:
        return "(not built: --no-build)"
    return f"{figures['s']} s, peak {figures['peak_rss_mb']:,} MB, load {figures['load']}"


def published(reader: dict[str, Any]) -> str:
    figures = reader["publish"]
    return (
        f"{figures['s']} s, peak {figures['peak_rss_mb']:,} MB, load {figures['load']}; "
        f"{reader['server']} database {figures['store_disk_mb']:,.0f} MB"
    )


def server_rss(start: dict[str, Any]) -> str:
    if "store_rss_mb" not in start:
        return ""
    return f"{start['store_rss_mb']:,.0f} MB; {start['store_cpu_s']} s CPU in the start"


def table(results: list[dict[str, Any]]) -> str:
    """Each size's figures, before and after (the modes run) and the readers' starts, beside
    the goals; the verdict is the last ``ekg serve --store`` mode's."""
    lines = []
    for row in results:
        modes = list(row["serve"])
        judged_mode = [mode for mode in MODES if mode in modes][-1:]
        blank = " |" * (len(modes) + 1)
        lines += [
            f"| {row['events']:,} events | " + " | ".join(modes) + " | goal | |",
            "|---|" + "---|" * len(modes) + "---|---|",
            f"| ekg build --store (once) | {built(row['build'])} |" + blank,
        ]
        if "reader" in row:
            lines.append(f"| ekg publish (once) | {published(row['reader'])} |" + blank)
        goal = CHAINS_GOAL_S.get(row["events"])
        figures = [
            ("first /health", lambda s: f"{s['health_s']} s", None, None),
            ("first /api/timeline?limit=50", lambda s: f"{s['timeline_s']} s", None, None),
            ("first /api/chains", lambda s: f"{s['chains_s']} s", "chains_s", goal),
            (
                "the same chains again",
                lambda s: f"{s['chains_warm_ms']} ms ({s['chains_found']} chains)",
                None,
                None,
            ),
            (
                "RSS, all processes, after it",
                lambda s: (
                    f"{s['rss_mb']:,.0f} MB ({s['processes']}; peak seen "
                    f"{s['rss_peak_sampled_mb']:,.0f})"
                ),
                "rss_mb",
                RSS_GOAL_MB,
            ),
            ("SPARQL server RSS after it; its CPU", server_rss, None, None),
            ("1-min load average", lambda s: f"{s['load_before']} → {s['load']}", None, None),
        ]
        for name, show, key, limit in figures:
            cells = [show(row["serve"][mode]) for mode in modes]
            wanted = f"<= {limit:,} {'MB' if key == 'rss_mb' else 's'}" if limit else ""
            judged = ""
            if key and judged_mode:
                judged = verdict(row["serve"][judged_mode[0]][key], limit)
            lines.append(f"| {name} | " + " | ".join(cells) + f" | {wanted} | {judged} |")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per request")
    parser.add_argument("--no-build", action="store_true", help="reuse a store already built")
    parser.add_argument("--profile", action="store_true", help="a second start under py-spy")
    parser.add_argument("--modes", default="before,after", help="starts measured, in order")
    parser.add_argument("--data-cache", type=Path, default=CACHE, help="where the data is")
    parser.add_argument("--stores", type=Path, default=None, help="where to build the stores")
    parser.add_argument(
        "--reader", choices=sorted(LAUNCH), help="also publish to this server, start readers"
    )
    args = parser.parse_args(argv)
    results = []
    for n in (int(s) for s in args.sizes.split(",") if s):
        results.append(run_size(n, args))
        print(table(results[-1:]), file=sys.stderr, flush=True)
    print(table(results))
    goals = {"chains_s": CHAINS_GOAL_S, "rss_mb": RSS_GOAL_MB}
    kept = earlier_rows({row["events"] for row in results})
    rows = sorted(kept + results, key=lambda row: row["events"])
    out = write_result("start", {"machine": machine(), "goals": goals, "results": rows})
    print(f"\nwritten to {out.relative_to(ROOT)}")
    return results


def earlier_rows(sizes: set[int]) -> list[dict[str, Any]]:
    """The rows of the last ``start.json`` for other sizes (each says when it was measured),
    so that sizes run one at a time end up in one file."""
    try:
        rows = json.loads((RESULTS / "start.json").read_text())["results"]
    except (OSError, ValueError, KeyError):
        return []
    return [row for row in rows if row.get("events") not in sizes]


def run_size(n: int, args: argparse.Namespace) -> dict[str, Any]:
    """Data, build, one measured start and (``--profile``) one profiled start of size ``n``."""
    print(f"{n:,} events: data ...", file=sys.stderr, flush=True)
    prepared = prepare(n, args.seed, args.data_cache)
    store = Path(prepared["yaml"]).parent / "store"
    if args.stores is not None:
        store = args.stores / f"store-{n}-{args.seed}"
    when = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    row: dict[str, Any] = {"events": n, "measured_at": when, "pair": prepared["pair"]}
    row["generate_s"] = prepared["generate_s"]
    readers = {}
    if args.reader:  # first: the longest part (its figures go to stderr at once)
        print(f"{n:,} events: ekg publish, then readers ...", file=sys.stderr, flush=True)
        profile = RESULTS / f"start-profile-reader-{n}.txt" if args.profile else None
        row["reader"] = reader_starts(prepared, args.timeout, args.reader, profile)
        print(json.dumps(row["reader"]), file=sys.stderr, flush=True)
        readers = row["reader"].pop("serve")
    if args.no_build and store.exists():
        row["build"] = {"s": None, "peak_rss_mb": None, "load": None}
    else:
        print(f"{n:,} events: ekg build --store ...", file=sys.stderr, flush=True)
        row["build"] = build(prepared["yaml"], store)
    row["serve"] = {}
    for mode in args.modes.split(","):
        print(f"{n:,} events: ekg serve ({mode}) ...", file=sys.stderr, flush=True)
        row["serve"][mode] = measure(prepared, store, args.timeout, mode)
    row["serve"].update(readers)
    if args.profile:
        print(f"{n:,} events: ekg serve under py-spy ...", file=sys.stderr, flush=True)
        row["profile"] = profiled(
            partial(serve_command, prepared, store),
            partial(measure_steps, prepared),
            RESULTS / f"start-profile-{n}.txt",
        )
        print(f"{n:,} events: the same start in-process, GC timed ...", file=sys.stderr)
        module = [sys.executable, str(ROOT / "benchmarks" / "start_profile.py"), "--gc"]
        row["gc"] = gc_share([*module, prepared["yaml"], str(store), *prepared["pair"]])
    return row


if __name__ == "__main__":
    main()
