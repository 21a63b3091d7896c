#!/usr/bin/env python3
"""SPARQL over HTTP across stores and servers, on the same data, next to in-process pyoxigraph.

For each size N (``benchmarks.harness.prepare_data``: the project's own triples for N synthetic
events) every contender serves the same triples on a loopback port, one at a time, and answers
the same queries, one request at a time over a keep-alive connection:

* **in-process pyoxigraph** -- the floor: ``Store.query`` + its native JSON serialization, no
  HTTP at all;
* **minimal Flask + pyoxigraph** -- one route, no checks, no worker processes (the floor of
  this stack, ``benchmarks/apps.py``);
* **ours** -- the service's ``/sparql`` (protocol checks, query guard, a worker process per
  query), served with the same WSGI server settings as the minimal endpoint;
* **Oxigraph server** -- the same engine behind its native HTTP server (PyPI ``oxigraph``);
* **Virtuoso** 7 (Debian ``virtuoso-opensource``);
* **rdflib-endpoint** (PyPI) -- the Python peer users would otherwise pick; its load is bounded
  (``--rdflib-load-limit``) and a query that outlives ``--timeout`` ends its series, reported
  as ``n/a (>X s)`` rather than hanging the run.

Queries: a one-hop lookup (the causes of one event, with their labels), a timeline page (the
events of one year, sorted by date, first 100) and an aggregate (events per type). Figures are
p50 / p95 milliseconds of ``--repeat`` requests and the ratio of each p50 to the in-process p50.

Usage: python benchmarks/stores.py [--sizes 10000] [--repeat 100] [--quick]
Writes benchmarks/results/stores.json. Loopback only; never part of the test run.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.harness import (  # noqa: E402
    SPARQL_JSON,
    Client,
    Prepared,
    WsgiConfig,
    machine,
    oxigraph_with,
    percentile,
    prepare_data,
    ratio,
    sample,
    serve_app,
    sparql_path,
    spawn,
    write_result,
)
from support.servers import (  # noqa: E402
    free_port,
    virtuoso_server,
    wait_until_answering,
)

PREFIXES = """PREFIX sem: <http://semanticweb.cs.vu.nl/2009/11/sem/>
PREFIX faro: <http://purl.org/faro/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""
EVENT = "http://example.org/ekg/id/event/"
CONTENDERS = ("in-process", "minimal", "ours", "oxigraph-server", "virtuoso", "rdflib-endpoint")
LABELS = {
    "in-process": "in-process pyoxigraph",
    "minimal": "minimal Flask+pyoxigraph",
    "ours": "ours (/sparql)",
    "oxigraph-server": "Oxigraph server",
    "virtuoso": "Virtuoso 7",
    "rdflib-endpoint": "rdflib-endpoint",
}


def one_hop(event: str) -> str:
    """The causes of one event, with their labels."""
    return (
        PREFIXES + f"SELECT ?cause ?label WHERE {{ ?cause faro:causes <{event}> . "
        "?cause rdfs:label ?label } ORDER BY ?cause"
    )


TIMELINE_PAGE = PREFIXES + (
    "SELECT ?event ?label ?begin WHERE { ?event a sem:Event ; sem:hasBeginTimeStamp ?begin ;"
    ' rdfs:label ?label . FILTER(?begin >= "2005-01-01"^^xsd:date && ?begin < "2006-01-01"'
    "^^xsd:date) } ORDER BY ?begin ?event LIMIT 100"
)
AGGREGATE = PREFIXES + (
    "SELECT ?type (COUNT(?event) AS ?events) WHERE { ?event sem:eventType ?type }"
    " GROUP BY ?type ORDER BY DESC(?events) ?type"
)


def queries_for(data: Prepared) -> dict[str, str]:
    """The measured queries; the one-hop event is the first after the middle with causes."""
    store = ox.Store.read_only(str(data.store_dir))
    found = store.query(
        PREFIXES + "SELECT ?e WHERE { ?c faro:causes ?e } ORDER BY ?e LIMIT 1 "
        f"OFFSET {data.events // 2}",
        use_default_graph_as_union=True,
    )
    event = next(iter(found))["e"].value  # type: ignore[index]
    return {
        "one-hop lookup": one_hop(event),
        "timeline page": TIMELINE_PAGE,
        "aggregate": AGGREGATE,
    }


# -- contenders: each yields ask(query) -> body -------------------------------------------

Ask = Callable[[str], bytes]


@contextmanager
def in_process(data: Prepared, _: argparse.Namespace) -> Iterator[Ask]:
    store = ox.Store.read_only(str(data.store_dir))

    def ask(query: str) -> bytes:
        result = store.query(query, use_default_graph_as_union=True)
        return result.serialize(format=ox.QueryResultsFormat.JSON)  # type: ignore[union-attr]

    yield ask


def http_asker(url: str, timeout: float) -> Ask:
    """GET ``url?query=...`` over one keep-alive connection, asking for SPARQL JSON."""
    client = Client(url, timeout=timeout)
    path = urllib.parse.urlsplit(url).path or "/"

    def ask(query: str) -> bytes:
        status, body = client.get(sparql_path(path, query), {"Accept": SPARQL_JSON})
        if status != 200:
            raise RuntimeError(f"HTTP {status}: {body[:200]!r}")
        return body

    return ask


@contextmanager
def app_contender(kind: str, data: Prepared, args: argparse.Namespace) -> Iterator[Ask]:
    with serve_app(kind, data, args.wsgi) as base:
        yield http_asker(f"{base}/sparql", args.timeout)


@contextmanager
def oxigraph_contender(data: Prepared, args: argparse.Namespace) -> Iterator[Ask]:
    with oxigraph_with(data, timeout=args.load_limit) as url:
        yield http_asker(url, args.timeout)


@contextmanager
def virtuoso_contender(data: Prepared, args: argparse.Namespace) -> Iterator[Ask]:
    with virtuoso_server() as server:
        deadline = time.monotonic() + args.load_limit
        for chunk in ntriples_chunks(data.ntriples, 50_000):
            url = f"{server.store_url}?{urllib.parse.urlencode({'graph': data.graph})}"
            request = urllib.request.Request(
                url, chunk, {"Content-Type": "text/turtle; charset=utf-8"}, method="POST"
            )
            with urllib.request.urlopen(request, timeout=args.load_limit) as response:
                response.read()
            if time.monotonic() > deadline:
                raise TimeoutError(f"load took more than {args.load_limit:g} s")
        yield http_asker(server.query_url, args.timeout)


def ntriples_chunks(path: Path, lines: int) -> Iterator[bytes]:
    with path.open("rb") as source:
        chunk: list[bytes] = []
        for line in source:
            chunk.append(line)
            if len(chunk) == lines:
                yield b"".join(chunk)
                chunk = []
        if chunk:
            yield b"".join(chunk)


@contextmanager
def rdflib_endpoint_contender(data: Prepared, args: argparse.Namespace) -> Iterator[Ask]:
    binary = Path(sys.executable).parent / "rdflib-endpoint"
    if not binary.exists():
        raise FileNotFoundError("rdflib-endpoint is not installed: pip install -e '.[bench]'")
    port = free_port()
    command = [str(binary), "serve", str(data.ntriples), "--host", "127.0.0.1"]
    with spawn([*command, "--port", str(port)]) as process:
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_answering(f"{base}/", process, timeout=args.rdflib_load_limit)
        except RuntimeError as exc:
            raise TimeoutError(f"load took more than {args.rdflib_load_limit:g} s") from exc
        yield http_asker(f"{base}/", args.timeout)


CONTEXTS: dict[str, Callable[[Prepared, argparse.Namespace], Any]] = {
    "in-process": in_process,
    "minimal": lambda data, args: app_contender("minimal", data, args),
    "ours": lambda data, args: app_contender("ours", data, args),
    "oxigraph-server": oxigraph_contender,
    "virtuoso": virtuoso_contender,
    "rdflib-endpoint": rdflib_endpoint_contender,
}


# -- measuring --------------------------------------------------------------------------------


def rows_in(body: bytes) -> int:
    return len(json.loads(body)["results"]["bindings"])


def measure_contender(
    name: str, data: Prepared, queries: dict[str, str], args: argparse.Namespace
) -> dict[str, Any]:
    """Start one contender, time every query on it, stop it; a failure or a time limit is
    recorded as the contender's ``error`` (the others still run)."""
    started = time.perf_counter()
    result: dict[str, Any] = {"contender": name, "queries": {}}
    try:
        with CONTEXTS[name](data, args) as ask:
            result["ready_s"] = round(time.perf_counter() - started, 1)
            for label, query in queries.items():
                result["queries"][label] = measure_query(ask, query, args)
    except (TimeoutError, subprocess.TimeoutExpired) as exc:
        result["error"] = f"n/a (>{_limit(name, args):g} s to load)"
        result["detail"] = str(exc)
    except (OSError, RuntimeError, subprocess.CalledProcessError) as exc:
        result["error"] = f"failed: {type(exc).__name__}"
        result["detail"] = str(exc)[:300]
    result["load_1min"] = machine()["load_1min"]
    return result


def _limit(name: str, args: argparse.Namespace) -> float:
    return args.rdflib_load_limit if name == "rdflib-endpoint" else args.load_limit


def measure_query(ask: Ask, query: str, args: argparse.Namespace) -> dict[str, Any]:
    try:
        first = time.perf_counter()
        rows = rows_in(ask(query))
        if time.perf_counter() - first > args.timeout:
            raise TimeoutError
        times = sample(lambda: ask(query), args.repeat, budget=args.budget)
    except TimeoutError:
        return {"error": f"n/a (>{args.timeout:g} s)"}
    except RuntimeError as exc:
        return {"error": f"failed: {str(exc)[:120]}"}
    return {
        "rows": rows,
        "n": len(times),
        "p50_ms": round(percentile(times, 50), 3),
        "p95_ms": round(percentile(times, 95), 3),
    }


def run(sizes: list[int], args: argparse.Namespace, work: Path) -> dict[str, Any]:
    """Every contender at every size; the JSON-shaped result."""
    results = []
    for n in sizes:
        data = prepare_data(n, work, args.seed)
        queries = queries_for(data)
        contenders = [c for c in args.contenders if n <= args.max_events.get(c, n)]
        measured = [measure_contender(name, data, queries, args) for name in contenders]
        skipped = [
            {"contender": c, "queries": {}, "error": f"n/a (not run above {args.max_events[c]:,})"}
            for c in args.contenders
            if c not in contenders
        ]
        results.append(
            {"events": n, "triples": data.triples, "contenders": measured + skipped,
             "queries": queries}
        )  # fmt: skip
        print_size(results[-1])
    return {
        "wsgi": args.wsgi.label(),
        "repeat": args.repeat,
        "timeout_s": args.timeout,
        "machine": machine(),
        "sizes": results,
    }


# -- output -----------------------------------------------------------------------------------


def print_size(result: dict[str, Any]) -> None:
    print(f"\nSPARQL over HTTP, N = {result['events']:,} events ({result['triples']:,} triples)")
    by_name = {c["contender"]: c for c in result["contenders"]}
    floor = by_name.get("in-process", {}).get("queries", {})
    for label in result["queries"]:
        base = floor.get(label, {}).get("p50_ms")
        print(f"  {label}: p50 / p95 ms, ratio of p50 to in-process pyoxigraph")
        for name in CONTENDERS:
            if name not in by_name:
                continue
            entry = by_name[name]
            cell = entry.get("queries", {}).get(label) or {"error": entry.get("error", "n/a")}
            if "error" in cell:
                print(f"    {LABELS[name]:<26} {cell['error']}")
                continue
            print(
                f"    {LABELS[name]:<26} {cell['rows']:>5} rows {cell['p50_ms']:>9.2f} "
                f"{cell['p95_ms']:>9.2f}  {ratio(cell['p50_ms'], base):>8}"
            )
    loads = [c.get("load_1min") for c in result["contenders"] if c.get("load_1min") is not None]
    if loads:
        print(f"  load average (1 min) while measuring: {min(loads)} - {max(loads)} on 2 cores")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--repeat", type=int, default=100, help="requests per query")
    parser.add_argument("--budget", type=float, default=30, help="seconds per query at most")
    parser.add_argument("--timeout", type=float, default=30, help="seconds per request")
    parser.add_argument("--load-limit", type=float, default=600, help="seconds to load a store")
    parser.add_argument("--rdflib-load-limit", type=float, default=180)
    parser.add_argument("--contenders", default=",".join(CONTENDERS))


def finish_arguments(args: argparse.Namespace) -> argparse.Namespace:
    if isinstance(args.contenders, str):
        args.contenders = [c for c in args.contenders.split(",") if c]
    args.wsgi = WsgiConfig()
    args.max_events = {"rdflib-endpoint": 100_000}
    return args


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000", help="comma-separated event counts")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--work", type=Path, help="keep prepared data here (default: temp)")
    parser.add_argument("--quick", action="store_true", help="fewer requests")
    add_arguments(parser)
    args = finish_arguments(parser.parse_args(argv))
    if args.quick:
        args.repeat, args.budget = min(args.repeat, 30), min(args.budget, 10)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="ekg-bench-") as tmp:
        result = run(sizes, args, args.work or Path(tmp))
    print(f"wrote {write_result('stores', result).relative_to(ROOT)}")
    return result


if __name__ == "__main__":
    main()
