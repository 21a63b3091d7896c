"""The two Flask apps the SPARQL and throughput benchmarks serve, each in a process of its own.

* ``ours`` -- the service itself (:func:`service.create_app`), answering from a synthetic
  dataset of N events (``support.synthetic.generate_dataset``) and the on-disk store that
  holds its triples (made by ``benchmarks.harness.prepare_data``): ``/api/...`` reads the
  dataset, ``/sparql`` runs every query through its checks and its time limit (in the gunicorn
  worker, or in query worker processes with ``EKG_SPARQL_ISOLATION=pool``).
* ``minimal`` -- the floor of this stack: Flask + pyoxigraph, one ``/sparql`` route that runs
  the query on the same store in the serving process and returns pyoxigraph's own JSON. No
  protocol checks, no limits, no worker processes: what "Flask + pyoxigraph" costs at least.

Both are served by :func:`service.runtime.wsgi.run_server` with the same settings, so the only
difference measured is the app.

Usage: python -m benchmarks.apps {ours,minimal} --events N --store DIR --port P
       [--seed 42] [--server gunicorn] [--workers 2] [--threads 8]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import pyoxigraph as ox
from flask import Flask, Response, abort, request

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from graph.pipeline import BuiltGraph  # noqa: E402
from graph.store.backends.oxigraph import OxigraphStore  # noqa: E402
from service import create_app  # noqa: E402
from service.runtime.wsgi import run_server  # noqa: E402
from support.synthetic import generate_dataset  # noqa: E402

TINY = ROOT / "tests" / "data" / "tiny.yaml"


def service_app(events: int, seed: int, store_dir: Path) -> Flask:
    """The service on ``events`` synthetic events, its store opened read-only at
    ``store_dir``; index and causal graph built before the server forks."""
    app = create_app({"DATA": str(TINY)})
    dataset = generate_dataset(events, seed)
    store = OxigraphStore(store_dir, read_only=True)
    built = BuiltGraph(dataset, store, 0.0, version=f"synthetic-{events}-{seed}")
    built.index, built.causal  # noqa: B018 (cached properties, built once and shared)
    app.extensions["ekg_generations"].serve(built)  # as a reload would swap it in
    return app


def minimal_app(store_dir: Path) -> Flask:
    """Flask + pyoxigraph and nothing else: the query runs in the serving process."""
    app = Flask(__name__)
    stores: dict[int, ox.Store] = {}

    def store() -> ox.Store:
        pid = os.getpid()  # one read-only handle per (forked) worker process
        if pid not in stores:
            stores[pid] = ox.Store.read_only(str(store_dir))
        return stores[pid]

    @app.route("/sparql", methods=["GET", "POST"])
    def sparql() -> Response:
        query = request.values.get("query")
        if not query:
            abort(400)
        try:
            result = store().query(query, use_default_graph_as_union=True)
        except SyntaxError:
            abort(400)
        body = result.serialize(format=ox.QueryResultsFormat.JSON)
        return Response(body, content_type="application/sparql-results+json")

    return app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=["ours", "minimal"])
    parser.add_argument("--events", type=int, required=True)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--server", default="gunicorn", choices=["gunicorn", "waitress"])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args(argv)
    if args.kind == "ours":
        app = service_app(args.events, args.seed, args.store)
    else:
        app = minimal_app(args.store)
    run_server(
        app,
        server=args.server,
        host="127.0.0.1",
        port=args.port,
        threads=args.threads,
        workers=args.workers,
    )


if __name__ == "__main__":
    main()
