#!/usr/bin/env python3
"""Requests to a shared store per publish, per reader poll and per version change, and what
a reader's ``/sparql`` costs -- this tree beside a baseline revision, in the same run.

The review of issue 19's publisher and readers found the catalog read three times per
version change, a read of the whole catalog after every lease write and a query's text
scanned four times per ``/sparql`` on a reader. This counts them. One server (an Oxigraph
server, or Virtuoso with ``--server virtuoso``) serves the run; each tree -- the baseline
revision exported with ``git archive`` (default: where this branch left ``main``) and this
one -- is measured in a child process of its own, on the emptied server, with the same
data (the curated ``events.yaml`` and stories; ``--events N``: a synthetic dataset):

* ``publish``: the requests ``ekg publish`` of a changed version sends, by kind
  (:mod:`support.counting`: the real store, every request answered by the server);
* ``poll``: a reader's requests for one poll that finds nothing new, and for one that
  finds a new version (its build included: fetching the version's source files is counted
  as ``query``);
* ``/sparql``: a reader's median wall time and CPU time (of its own process: the server's
  work is in the wall time only) per query through the Flask test client, over a one-line
  SELECT and the shipped queries a reader accepts, ``--queries`` rounds of them.

Printed, and written to ``benchmarks/results/catalog-requests.json``. Not a test.

Usage: python benchmarks/catalog_requests.py [--server oxigraph|virtuoso] [--baseline REV]
       [--events N] [--queries 30] [--repeat 2]
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
#: The kinds of request shown, in this order (support.counting.kind_of).
KINDS = (
    "requests",
    "catalog read",
    "catalog page",
    "lease check",
    "clock",
    "serving check",
    "query",
    "update",
    "upload",
)
BASE = "http://example.org/ekg/id/"


# -- the child: one tree measured ------------------------------------------------------------


def child(tree: Path, server: dict[str, str], data: Path, rounds: int) -> dict[str, Any]:
    """Everything measured with the code of ``tree`` (first on the import path)."""
    sys.path.insert(0, str(tree))
    spec = importlib.util.spec_from_file_location("counting", ROOT / "support" / "counting.py")
    assert spec is not None and spec.loader is not None
    counting = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(counting)
    import graph
    from graph.publication import publish

    assert Path(graph.__file__).resolve().is_relative_to(tree.resolve()), graph.__file__
    store = counting.CountingStore(
        server["query_url"],
        update_endpoint=server["update_url"],
        store_endpoint=server["store_url"],
        timeout=600,
    )
    wipe(server["query_url"], store)
    work = Path(tempfile.mkdtemp(prefix="ekg-bench-catalog-"))
    try:
        top = work / "data" / data.name
        shutil.copytree(data.parent, top.parent)
        publish(top, store)
        bump(top, 1)
        store.clear()
        publish(top, store)
        found: dict[str, Any] = {"publish": dict(store.counts())}
        found.update(follow(store, top, work, server, publish))
        found["sparql"] = sparql_costs(found.pop("app"), rounds)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return found


def follow(store: Any, top: Path, work: Path, server: dict[str, str], publish: Any) -> dict:
    """A reader's requests per poll with nothing new and per poll that finds a version."""
    from graph.store import RemoteStore
    from service import create_app

    app = create_app(
        {
            "DATA": str(work / "absent.yaml"),
            "TESTING": True,
            "WATCH_INTERVAL": 0.0,
            "BACKEND": "sparql",
            "SPARQL_ENDPOINT": server["query_url"],
            "CACHE_DIR": str(work / "cache"),
            "FOLLOW_INTERVAL": 0.0,
        }
    )
    follower = app.extensions["ekg_follower"]
    follower.store = lambda: store
    store.clear()
    assert follower.check() == "unchanged"
    unchanged = dict(store.counts())
    bump(top, 2)
    version = publish(top, RemoteStore(**_options(server))).version
    store.clear()
    assert follower.check() == "loaded"
    assert app.extensions["ekg_generations"].current.built.version == version
    return {"poll": unchanged, "version change": dict(store.counts()), "app": app}


def _options(server: dict[str, str]) -> dict[str, Any]:
    return {
        "endpoint": server["query_url"],
        "update_endpoint": server["update_url"],
        "store_endpoint": server["store_url"],
        "timeout": 600,
    }


def sparql_costs(app: Any, rounds: int) -> dict[str, Any]:
    """Wall and CPU milliseconds per /sparql query on the reader ``app``: each query's
    median over ``rounds``, averaged over the queries."""
    from graph.queries import load_query, query_names

    built = app.extensions["ekg_generations"].current.built
    queries = [f"SELECT ?l WHERE {{ <{BASE}event/opec-no-cut> rdfs:label ?l }}"]
    for name in query_names():
        text = load_query(name, built.dataset.info.base)
        if built.store.refusal(text) is None:
            queries.append(text)
    client = app.test_client()
    headers = {"Accept": "application/sparql-results+json"}

    def ask(query: str) -> tuple[int, float, float]:
        wall, cpu = time.perf_counter(), time.process_time()
        status = client.post("/sparql", data={"query": query}, headers=headers).status_code
        return status, (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000

    # the first round warms up, and leaves out what this server fails on (Virtuoso: TZ()
    # inside an OPTIONAL, README "Known differences") -- the same queries for both trees
    queries = [query for query in queries if ask(query)[0] == 200]
    store = built.store.remote
    store.clear()
    walls: list[list[float]] = [[] for _ in queries]
    cpus: list[list[float]] = [[] for _ in queries]
    for _ in range(rounds):
        for number, query in enumerate(queries):
            status, wall, cpu = ask(query)
            assert status == 200, query
            walls[number].append(wall)
            cpus[number].append(cpu)
    return {  # each query's median, averaged over the queries
        "queries": len(queries),
        "checks_us": checks_cost(built.store, queries),
        "wall_ms": statistics.mean(map(statistics.median, walls)),
        "cpu_ms": statistics.mean(map(statistics.median, cpus)),
        "requests_per_query": store.counts()["requests"] / (len(queries) * rounds),
    }


def checks_cost(store: Any, queries: list[str]) -> float:
    """Microseconds per query of the text checks a reader's /sparql runs before sending a
    query: the guard's (as the view calls it) and the store's (``refusal`` runs what its
    ``query`` runs before sending). The best of 5 passes over all queries in turn (so no
    query follows itself), CPU-bound: the best pass is the one least disturbed."""
    from graph.store.guard import check_query

    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(50):
            for query in queries:
                check_query(query, max_length=100_000, max_nesting=64)
                assert store.refusal(query) is None
        best = min(best, time.perf_counter() - started)
    return best / (50 * len(queries)) * 1e6


def wipe(query_url: str, store: Any) -> None:
    """Drop every graph of ours on the server (listed without any catalog)."""
    body = urllib.parse.urlencode({"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"})
    request = urllib.request.Request(
        query_url, body.encode(), {"Accept": "application/sparql-results+json"}
    )
    with urllib.request.urlopen(request, timeout=600) as response:
        graphs = [row["g"]["value"] for row in json.load(response)["results"]["bindings"]]
    for name in graphs:
        if name.startswith(("urn:x-ekg:", "http://example.org/")):
            store.update(f"DROP SILENT GRAPH <{name}>")


def bump(top: Path, number: int) -> None:
    with top.open("a", encoding="utf-8") as out:
        out.write(f"# revision {number}\n")


# -- the parent: a server, the data, both trees ------------------------------------------------


def export(revision: str, into: Path) -> Path:
    """The tree of ``revision`` of this repository, written to ``into``."""
    into.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", revision], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def measure_tree(tree: Path, server: Any, data: Path, rounds: int) -> dict[str, Any]:
    """Run :func:`child` for ``tree`` in a process of its own; what it measured."""
    where = {"query_url": server.query_url, "update_url": server.update_url}
    where["store_url"] = server.store_url
    command = [sys.executable, str(Path(__file__).resolve()), "--child", str(tree)]
    command += ["--server-json", json.dumps(where), "--data", str(data)]
    command += ["--queries", str(rounds)]
    done = subprocess.run(command, cwd=tree, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"measuring {tree} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def combined(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The runs of one tree as one: its counts (the same in every run) and the median of
    each /sparql figure over the runs."""
    first = runs[0]
    for run in runs[1:]:
        assert all(run[part] == first[part] for part in ("publish", "poll", "version change"))
    sparql = {key: statistics.median(run["sparql"][key] for run in runs) for key in first["sparql"]}
    return {**first, "sparql": sparql, "runs": len(runs)}


def report(found: dict[str, dict[str, Any]], names: list[str]) -> None:
    base, ours = (found[name] for name in names)
    print(f"\n{'':34}{names[0]:>14}{names[1]:>14}")
    for part, title in (
        ("publish", "publish of a changed version"),
        ("poll", "reader poll, nothing new"),
        ("version change", "reader poll, new version"),
    ):
        print(title)
        for kind in KINDS:
            a, b = base[part].get(kind, 0), ours[part].get(kind, 0)
            if a or b:
                print(f"  {kind:32}{a:>14}{b:>14}")
    print(
        f"/sparql on a reader, per query ({ours['sparql']['queries']:.0f} queries: the mean of "
        f"their medians; median of {ours['runs']} runs)"
    )
    for key, label in (
        ("wall_ms", "wall ms"),
        ("cpu_ms", "reader CPU ms"),
        ("requests_per_query", "store requests"),
        ("checks_us", "text checks, us (best of 5)"),
    ):
        a, b = base["sparql"][key], ours["sparql"][key]
        versus = f"{b / a:.2f}x" if a else "-"
        print(f"  {label:32}{a:>14.3f}{b:>14.3f}  {versus}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", choices=["oxigraph", "virtuoso"], default="oxigraph")
    parser.add_argument("--baseline", default=None, help="git revision (default: merge base)")
    parser.add_argument("--events", type=int, default=0)
    parser.add_argument("--queries", type=int, default=30, help="rounds of the queries")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each tree, alternated")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--server-json", help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child is not None:
        found = child(options.child, json.loads(options.server_json), options.data, options.queries)
        print(json.dumps(found))
        return
    parent(options)


def parent(options: argparse.Namespace) -> None:
    sys.path.insert(0, str(ROOT))
    from benchmarks.harness import RESULTS, machine, write_result
    from support.servers import oxigraph_server, virtuoso_server
    from support.synthetic import write_events_yaml

    revision = (
        options.baseline
        or subprocess.run(
            ["git", "-C", str(ROOT), "merge-base", "HEAD", "main"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    work = Path(tempfile.mkdtemp(prefix="ekg-bench-catalog-"))
    names = [f"baseline {revision[:8]}", "this tree"]
    try:
        data = work / "data" / "events.yaml"
        data.parent.mkdir(parents=True)
        if options.events:
            write_events_yaml(options.events, data, story_size=1000)
        else:
            shutil.copy(ROOT / "events.yaml", data)
            shutil.copytree(ROOT / "stories", data.parent / "stories")
        trees = [export(revision, work / "baseline"), ROOT]
        launch = {"oxigraph": oxigraph_server, "virtuoso": virtuoso_server}[options.server]
        runs: dict[str, list[dict[str, Any]]] = {name: [] for name in names}
        with launch() as server:
            for _ in range(options.repeat):  # alternately, so both meet the same load
                for name, tree in zip(names, trees, strict=True):
                    runs[name].append(measure_tree(tree, server, data, options.queries))
        found = {name: combined(found) for name, found in runs.items()}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    dataset = f"synthetic {options.events}" if options.events else "events.yaml"
    print(f"{options.server}, {dataset}")
    report(found, names)
    runs = {}  # the runs of other servers and datasets are kept
    with contextlib.suppress(OSError, ValueError):
        runs = json.loads((RESULTS / "catalog-requests.json").read_text())
    runs[f"{options.server}, {dataset}"] = {"machine": machine(), "baseline": revision, **found}
    print(f"\nwritten to {write_result('catalog-requests', runs)}")


if __name__ == "__main__":
    main()
