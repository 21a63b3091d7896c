#!/usr/bin/env python3
"""What the time limit costs one small SPARQL query, in process: the query evaluated with no
limit at all (the baseline: :func:`graph.store.sandbox.run_job`) against the same query under
:class:`graph.store.DeadlineRunner` (evaluated in the calling thread, watched -- what a gunicorn
worker does) and, for scale, in :class:`graph.store.QueryPool` (a query worker process over a
pipe -- what waitress does).

Same store (the tiny test dataset, in memory; the pool's workers open a copy), same query
texts made distinct per call (a trailing comment), the cases interleaved ``--rounds`` times so
that other load hits every case alike; the best round per case is reported, in microseconds
per query, with the difference to the baseline. The runner is also timed with the engine
stubbed out (its ``evaluate`` replaced by a no-op): its own overhead alone. Not a test: nothing
asserts. Usage::

    .venv/bin/python benchmarks/time_limit.py [--queries 5000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from graph.data.loader import load_dataset  # noqa: E402
from graph.errors import QueryTimeoutError  # noqa: E402
from graph.rdf.build import iter_triples  # noqa: E402
from graph.store import (  # noqa: E402
    DeadlineRunner,
    OxigraphStore,
    QueryJob,
    QueryPool,
    StoreSpec,
    deadline,
)
from graph.store.sandbox import evaluate, run_job  # noqa: E402

QUERY = "SELECT ?e WHERE { ?e a <http://semanticweb.cs.vu.nl/2009/11/sem/Event> } # "
JSON = "application/sparql-results+json"


def best_per_query(run: Callable[[QueryJob], object], count: int, serial: itertools.count) -> float:
    """Microseconds per query of ``run`` over ``count`` distinct queries."""
    jobs = [QueryJob(f"{QUERY}{next(serial)}", JSON) for _ in range(count)]
    started = time.perf_counter()
    for job in jobs:
        run(job)
    return (time.perf_counter() - started) / count * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--queries", type=int, default=5000, help="queries per case and round")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    store = OxigraphStore()
    store.load(iter_triples(load_dataset(ROOT / "tests" / "data" / "tiny.yaml")))

    def late(error: QueryTimeoutError) -> None:  # never called: every query ends in time
        raise AssertionError(error)

    runner = DeadlineRunner(store, on_overrun=print, slots=8, timeout=10.0)
    watched = lambda job: runner.run(job, late=late)  # noqa: E731
    serial = itertools.count()
    with tempfile.TemporaryDirectory(prefix="ekg-time-limit-") as scratch:
        pool = QueryPool(StoreSpec.of(store, Path(scratch)), workers=1)
        cases = {
            "no time limit (baseline)": lambda job: run_job(store, job),
            "watched, in the calling thread": watched,
            "query worker process (pool)": pool.run,
        }
        best = {name: float("inf") for name in [*cases, "watched, engine stubbed out"]}
        try:
            for _ in range(args.rounds):
                for name, run in cases.items():
                    best[name] = min(best[name], best_per_query(run, args.queries, serial))
                deadline.evaluate = lambda store, job: None  # type: ignore[assignment, misc]
                try:
                    stub = best_per_query(watched, args.queries, serial)
                finally:
                    deadline.evaluate = evaluate
                best["watched, engine stubbed out"] = min(best["watched, engine stubbed out"], stub)
        finally:
            pool.close()
    baseline = best["no time limit (baseline)"]
    one, five, _ = os.getloadavg()
    print(
        f"{args.queries} distinct small queries x {args.rounds} rounds; load {one:.1f} / {five:.1f}"
    )
    print(f"{'case':34} {'us/query':>9} {'vs baseline':>12}")
    for name, value in best.items():
        extra = (
            "" if name.startswith("no time") or "stubbed" in name else f"{value - baseline:+.1f}"
        )
        print(f"{name:34} {value:9.1f} {extra:>12}")


if __name__ == "__main__":
    main()
