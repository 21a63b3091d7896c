"""The remote backend's own promises: nothing half-loaded, clear errors when the server is
down, slow or refuses data, both upload paths, and the causal graph read back from a store.
The shared store suite (test_store.py, test_dataset.py) runs on the same real servers."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.parse
import urllib.request

import networkx as nx
import pytest
from rdflib import Literal, URIRef

from graph.causal.graph import build_causal_graph
from graph.causal.readback import read_causal_graph
from graph.errors import QueryTimeoutError, StoreError, StoreUnavailableError
from graph.publication import publish
from graph.rdf.build import iter_statements, iter_triples
from graph.store.backends.remote import RemoteStore
from graph.store.base import DEFAULT_DATA_GRAPH

from .conftest import LAUNCHERS, assert_problem, remote_store

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture(params=list(LAUNCHERS))
def server(request, sparql_servers):
    return sparql_servers[request.param]


def count(store, **options):
    return store.query(COUNT, **options).rows[0][0].toPython()


def server_graphs(server):
    """Every named graph on the server, asked without the store's catalog."""
    body = urllib.parse.urlencode(
        {"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"}
    ).encode()
    request = urllib.request.Request(
        server.query_url, body, {"Accept": "application/sparql-results+json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        rows = json.load(response)["results"]["bindings"]
    return {row["g"]["value"] for row in rows}


def test_a_failed_load_leaves_the_served_graph_and_no_staging_graph(server, tiny):
    store = remote_store(server, chunk_size=20)
    store.load(iter_triples(tiny))
    before = count(store)

    def dies_midway():
        for number, triple in enumerate(iter_triples(tiny)):
            if number == 50:  # two chunks are on the server by now
                raise RuntimeError("killed midway")
            yield triple

    with pytest.raises(RuntimeError):
        store.load(dies_midway())
    assert count(store) == before
    assert not [g for g in server_graphs(server) if g.startswith("urn:x-ekg:staging")]


def test_rejected_data_is_a_clear_error_and_changes_nothing(server, tiny):
    store = remote_store(server)
    store.load(iter_triples(tiny))
    before = count(store)
    bad = [(URIRef("http://example.org/a\x01b"), URIRef("http://example.org/p"), Literal("x"))]
    with pytest.raises(StoreError, match="refused"):
        store.load(bad)
    assert count(store) == before
    assert not [g for g in server_graphs(server) if g.startswith("urn:x-ekg:staging")]


def test_insert_data_is_the_fallback_without_a_graph_store_endpoint(server, tiny):
    remote_store(server)  # empty
    store = RemoteStore(server.query_url, update_endpoint=server.update_url, chunk_size=40)
    store.load(iter_triples(tiny), "http://example.org/ekg/graph/inserted")
    assert store.graphs() == ["http://example.org/ekg/graph/inserted"]
    assert count(store) == len(set(iter_triples(tiny)))


def test_a_term_no_syntax_can_carry_is_refused_before_sending(server):
    store = remote_store(server)
    with pytest.raises(StoreError, match="cannot store"):
        store.load([(URIRef("http://example.org/a b"), URIRef("http://example.org/p"), Literal(1))])
    assert store.graphs() == []


def test_another_store_on_the_same_server_sees_the_loaded_graphs(server, tiny):
    store = remote_store(server)
    store.load(iter_triples(tiny))
    other = RemoteStore(server.query_url)
    assert other.graphs() == [DEFAULT_DATA_GRAPH]
    assert len(other) == len(store)


def test_a_server_that_is_down_is_retried_then_reported():
    with socket.socket() as sock:  # a port that refuses connections
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    store = RemoteStore(f"http://127.0.0.1:{port}/query", retries=2, backoff=0.05)
    started = time.monotonic()
    with pytest.raises(StoreUnavailableError, match=r"cannot reach the SPARQL server: .*refused"):
        store.query("ASK {}", default_graphs=[], named_graphs=[])
    assert time.monotonic() - started >= 0.05 + 0.1  # two waits: 0.05 s, then 0.1 s


def test_a_server_that_does_not_answer_times_out():
    listener = socket.create_server(("127.0.0.1", 0))  # accepts, never answers
    accepted = []
    threading.Thread(target=lambda: accepted.append(listener.accept()), daemon=True).start()
    store = RemoteStore(f"http://127.0.0.1:{listener.getsockname()[1]}/query", timeout=1)
    started = time.monotonic()
    with pytest.raises(QueryTimeoutError, match="within 1 s"):
        store.query("ASK {}", default_graphs=[], named_graphs=[])
    assert time.monotonic() - started < 5  # not retried
    for connection, _ in accepted:
        connection.close()
    listener.close()


def test_causal_graph_read_from_a_remote_store_equals_the_datasets(server, real):
    store = remote_store(server)
    store.load(iter_statements(real))
    pulled = read_causal_graph(store, real.info.base, page_size=25)  # several pages
    expected = build_causal_graph(real)
    assert nx.utils.nodes_equal(pulled.nodes(data=True), expected.nodes(data=True))
    for graph in (pulled, expected):
        for _, _, data in graph.edges(data=True):
            data["links"] = sorted(data["links"])
    assert nx.utils.edges_equal(pulled.edges(data=True), expected.edges(data=True))
    assert pulled.graph == expected.graph


# -- the service in front of a remote store ------------------------------------------------------


@pytest.fixture
def remote_app(server, events_path, make_app, tmp_path):
    """A reader of the server, after ``ekg publish`` of the curated data (the only writer)."""
    publish(events_path, remote_store(server))  # emptied first
    return make_app(
        events_path,
        CACHE_DIR=tmp_path / "cache",
        FOLLOW_INTERVAL=0.0,
        BACKEND="sparql",
        SPARQL_ENDPOINT=server.query_url,
        SPARQL_UPDATE_ENDPOINT=server.update_url,
        SPARQL_STORE_ENDPOINT=server.store_url,
    )


def test_service_answers_from_a_remote_store(remote_app, real):
    client = remote_app.test_client()
    status = client.get("/-/status").get_json()
    assert status["backend"] == "sparql"
    assert status["counts"]["triples"] == len(set(iter_statements(real)))
    answer = client.post(
        "/sparql",
        data={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?e a sem:Event }"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert answer.status_code == 200
    rows = answer.get_json()["results"]["bindings"]
    assert int(rows[0]["n"]["value"]) == len(real.events)
    chains = client.get(
        "/api/chains?source=opec-decides-no-cut&target=bank-and-energy-shares-fall-dec-16"
    ).get_json()
    assert chains["chains"][0]["events"][1] == "oil-slides-to-60"


def test_a_remote_store_that_goes_away_is_a_503_problem(remote_app):
    remote_app.extensions["ekg"].store.remote.endpoint = "http://127.0.0.1:9/query"
    remote_app.extensions["ekg"].store.remote.retries = 0
    answer = remote_app.test_client().get("/sparql?query=ASK%20%7B%7D")
    assert "cannot reach the SPARQL server" in assert_problem(answer, 503)["detail"]


def test_configured_headers_reach_every_request(tiny):
    """A login the server requires (Fuseki, GraphDB: Basic; QLever: Bearer) is sent with
    queries, updates and uploads alike."""
    import http.server

    seen = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            seen.append((self.path.split("?")[0], self.headers.get("Authorization")))
            self.rfile.read(int(self.headers["Content-Length"]))
            body = b'{"head": {"vars": ["g"]}, "results": {"bindings": []}}'
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    store = RemoteStore(
        f"{base}/query",
        update_endpoint=f"{base}/update",
        store_endpoint=f"{base}/store",
        headers={"Authorization": "Basic ZWtnOnNlY3JldA=="},
    )
    try:
        store.load(list(iter_triples(tiny))[:5])
        store.query("ASK {}")
    finally:
        server.shutdown()
        server.server_close()
    assert {path for path, _ in seen} == {"/query", "/update", "/store"}
    assert {auth for _, auth in seen} == {"Basic ZWtnOnNlY3JldA=="}
