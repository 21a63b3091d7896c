#!/usr/bin/env python3
"""Key drivers: the ranking `/api/drivers` computes once per data version and lens, against
the one-pass Katz count it replaced (issue 16), on synthetic graphs.

For each size N, :func:`support.synthetic.generate_dataset` gives the data and
:func:`graph.causal.build_causal_graph` the graph; then, ``--repeat`` times, best kept:

- baseline: the Katz count of confidence-weighted paths from every event, one pass in
  causes-first order (what ``rank_drivers`` computed before: a cause whose effects are split
  into parallel events counted the same downstream event once per route);
- ``rank_drivers(limit=100)``, the default cap of exact searches (``max_searches=5000``);
- ``rank_drivers(limit=100, max_searches=None)``, exact, up to ``--exact-max`` events.

It prints seconds beside the baseline's and how many of the capped top 100 the exact ranking
shares. Usage::

    .venv/bin/python benchmarks/drivers.py                      # 10 k and 100 k
    .venv/bin/python benchmarks/drivers.py --sizes 1000000 --repeat 1
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.harness import machine, ratio, write_result  # noqa: E402
from graph.causal import build_causal_graph, rank_drivers  # noqa: E402
from graph.causal.linkindex import index_links, order_causes_first  # noqa: E402
from support.synthetic import generate_dataset  # noqa: E402


def katz_pass(graph: Any) -> list[float]:
    """The baseline: Katz scores (alpha 1, weights = confidences) in one causes-first pass."""
    index = index_links(graph)
    scores = [0.0] * len(index.events)
    for event in reversed(order_causes_first(index)):
        scores[event] = sum(conf * (1.0 + scores[e]) for e, conf in index.effects[event])
    return scores


def best(run: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - started)
    return min(times), result


def measure(n: int, repeat: int, exact_max: int) -> dict[str, Any]:
    graph = build_causal_graph(generate_dataset(n))
    baseline, _ = best(lambda: katz_pass(graph), repeat)
    capped, ranked = best(lambda: rank_drivers(graph, limit=100), repeat)
    row: dict[str, Any] = {"events": n, "katz_s": baseline, "capped_s": capped, **machine()}
    if n <= exact_max:
        exact, truth = best(lambda: rank_drivers(graph, limit=100, max_searches=None), repeat)
        row |= {
            "exact_s": exact,
            "shared_top100": len({d.event for d in ranked} & {d.event for d in truth}),
        }
    return row


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--exact-max", type=int, default=100_000)
    args = parser.parse_args(argv)
    rows = [measure(int(n), args.repeat, args.exact_max) for n in args.sizes.split(",")]
    header = ("events", "Katz pass (baseline)", "drivers, capped", "drivers, exact", "top 100")
    print("  ".join(f"{title:>22}" for title in header), " load")
    for row in rows:
        exact = row.get("exact_s")
        cells = [
            str(row["events"]),
            f"{row['katz_s']:.2f} s",
            f"{row['capped_s']:.2f} s ({ratio(row['capped_s'], row['katz_s'])})",
            "-" if exact is None else f"{exact:.2f} s ({ratio(exact, row['katz_s'])})",
            str(row.get("shared_top100", "-")),
        ]
        print("  ".join(f"{cell:>22}" for cell in cells), f"{row['load_1min']:>5}")
    write_result("drivers", {"rows": rows})
    return rows


if __name__ == "__main__":
    main()
