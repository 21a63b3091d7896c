#!/usr/bin/env python3
"""How much the /sparql endpoint adds over the engine: HTTP latency vs in-process pyoxigraph.

For each query, over the curated events.yaml and over a synthetic graph of N events
(``shared/bench/gen_events.py``), this prints the median in-process time (pyoxigraph query +
its native SPARQL JSON serialization, the work a client gets) next to the median time of the
same query through the whole service (HTTP on loopback, waitress, Flask, protocol checks,
worker process, rendering), measured in the same run, and their ratio. The goal is a ratio of
at most 1.3 for queries that take 5 ms or more in-process.

Usage: python benchmarks/sparql_endpoint.py [--events 100000] [--repeat 25]
Writes benchmarks/results/sparql-endpoint.json. Loopback only; never part of the test run.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
from waitress.server import create_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph.store.base import DEFAULT_PREFIXES  # noqa: E402
from graph.store.sandbox import StoreSpec  # noqa: E402
from service import create_app  # noqa: E402
from service.runtime.engine import QueryEngine  # noqa: E402

GENERATOR = ROOT.parent / "shared" / "bench" / "gen_events.py"
SYN = "http://example.org/ekg/"
PREFIX = "".join(f"PREFIX {k}: <{v}>\n" for k, v in DEFAULT_PREFIXES.items())

CURATED = {
    "count triples": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "events by date": "SELECT ?e ?d WHERE { ?e sem:hasBeginTimeStamp ?d } ORDER BY ?d",
    "causes of the hike (path)": (
        "SELECT DISTINCT ?c WHERE { ?c (faro:causes|faro:enables|ekg:contributesTo)+ "
        "<http://example.org/ekg/id/event/cbr-hike-to-17> }"
    ),
    "links with labels": (
        "SELECT ?l ?a ?b ?conf WHERE { ?l ekg:cause/rdfs:label ?a ; ekg:effect/rdfs:label ?b ;"
        " ekg:confidence ?conf } ORDER BY DESC(?conf)"
    ),
    "all triples": "SELECT * WHERE { ?s ?p ?o }",
}
SYNTHETIC = {
    "count events": f"SELECT (COUNT(*) AS ?n) WHERE {{ ?e a <{SYN}Event> }}",
    "timeline page (1995)": (
        f"SELECT ?e ?b WHERE {{ ?e <{SYN}begin> ?b FILTER(?b >= '1995-01-01'^^xsd:date && "
        f"?b < '1996-01-01'^^xsd:date) }} ORDER BY ?b LIMIT 100"
    ),
    "one hop causes": (
        f"SELECT ?c WHERE {{ ?c <{SYN}causes> <http://example.org/ekg/id/event/5000> }}"
    ),
    "ancestors (path, bounded)": (
        f"SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{ ?c <{SYN}causes>/<{SYN}causes>?/<{SYN}causes>?"
        f" <http://example.org/ekg/id/event/90000> }}"
    ),
    "events per type": (
        f"SELECT ?t (COUNT(?e) AS ?n) WHERE {{ ?e <{SYN}eventType> ?t }} GROUP BY ?t ORDER BY ?t"
    ),
    "top actors": (
        f"SELECT ?a (COUNT(?e) AS ?n) WHERE {{ ?e <{SYN}actor> ?a }} GROUP BY ?a "
        f"ORDER BY DESC(?n) LIMIT 20"
    ),
    "1000 links": f"SELECT ?l ?c WHERE {{ ?l <{SYN}confidence> ?c }} LIMIT 1000",
}


def median_ms(function, repeat: int) -> float:
    function()  # warm up
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def in_process(store: ox.Store, query: str) -> bytes:
    result = store.query(PREFIX + query, use_default_graph_as_union=True)
    return result.serialize(format=ox.QueryResultsFormat.JSON)


def over_http(url: str, query: str) -> bytes:
    data = urllib.parse.urlencode({"query": PREFIX + query}).encode()
    request = urllib.request.Request(
        url, data=data, method="POST", headers={"Accept": "application/sparql-results+json"}
    )
    with urllib.request.urlopen(request, timeout=120) as response:
        return response.read()


def serve(spec: StoreSpec) -> tuple[str, object]:
    app = create_app(
        {
            "DATA": str(ROOT / "events.yaml"),
            "SPARQL_TIMEOUT": 120.0,
            "SPARQL_MAX_ROWS": 1_000_000,
            "SPARQL_MAX_BYTES": 500_000_000,
        }
    )
    generation = app.extensions["ekg_generations"].current  # what views answer from
    generation.engine.close()
    generation.engine = engine = QueryEngine(generation.built, app.config, spec)
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    threading.Thread(target=server.run, daemon=True).start()
    return f"http://127.0.0.1:{server.effective_port}/sparql", (server, engine)


def measure(name: str, directory: Path, queries: dict[str, str], repeat: int) -> list[dict]:
    url, (server, engine) = serve(StoreSpec("oxigraph", str(directory)))
    store = ox.Store.read_only(str(directory))
    rows = []
    for label, query in queries.items():
        body = over_http(url, query)
        count = len(json.loads(body).get("results", {}).get("bindings", []))
        local = median_ms(lambda q=query: in_process(store, q), repeat)
        http = median_ms(lambda q=query: over_http(url, q), repeat)
        rows.append(
            {
                "dataset": name,
                "query": label,
                "rows": count,
                "in_process_ms": round(local, 3),
                "http_ms": round(http, 3),
                "ratio": round(http / local, 2) if local else None,
            }
        )
    engine.close()
    server.close()
    return rows


def synthetic_store(events: int, work: Path) -> Path:
    nt = work / f"events-{events}.nt"
    subprocess.run(
        [sys.executable, str(GENERATOR), str(events), str(nt)],
        check=True,
        stderr=subprocess.DEVNULL,
    )
    directory = work / f"store-{events}"
    store = ox.Store(str(directory))
    store.bulk_load(
        path=str(nt),
        format=ox.RdfFormat.N_TRIPLES,
        to_graph=ox.NamedNode("http://example.org/ekg/graph/synthetic"),
    )
    store.flush()
    del store
    return directory


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=25)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ekg-bench-") as tmp:
        work = Path(tmp)
        curated = work / "curated"
        app = create_app({"DATA": str(ROOT / "events.yaml")})
        app.extensions["ekg"].store.copy_to(curated).close()
        rows = measure("events.yaml", curated, CURATED, args.repeat)
        rows += measure(
            f"synthetic {args.events}", synthetic_store(args.events, work), SYNTHETIC, args.repeat
        )
    print(
        f"{'dataset':<18} {'query':<28} {'rows':>7} {'in-process ms':>14} {'HTTP ms':>9} "
        f"{'ratio':>6}"
    )
    for row in rows:
        flag = "  <- goal <= 1.3" if row["in_process_ms"] >= 5 else ""
        print(
            f"{row['dataset']:<18} {row['query']:<28} {row['rows']:>7} "
            f"{row['in_process_ms']:>14.2f} {row['http_ms']:>9.2f} {row['ratio']:>6}{flag}"
        )
    heavy = [r["ratio"] for r in rows if r["in_process_ms"] >= 5]
    if heavy:
        print(
            f"queries >= 5 ms in-process: median ratio {statistics.median(heavy):.2f}, "
            f"worst {max(heavy):.2f}"
        )
    out = ROOT / "benchmarks" / "results" / "sparql-endpoint.json"
    out.write_text(
        json.dumps({"events": args.events, "repeat": args.repeat, "rows": rows}, indent=2) + "\n"
    )
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
