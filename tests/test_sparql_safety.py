"""Abuse of ``/sparql`` never takes the service down, never reaches outside, always answers.

Each test ends by checking that a normal query still succeeds. A real HTTP server on loopback
(waitress) serves the app for the concurrency and SPARQLWrapper tests.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from rdflib import Graph
from SPARQLWrapper import CSV, JSON, POST, TURTLE, XML, SPARQLWrapper

from graph.store.base import BACKENDS

from .conftest import running_app, served

CROSS_JOIN = (
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
)
NORMAL = "SELECT ?e WHERE { ?e a sem:Event }"


@pytest.fixture(scope="module", params=BACKENDS)
def app(request, tiny_path):
    with running_app(tiny_path, BACKEND=request.param, SPARQL_TIMEOUT=2.0, SPARQL_WAIT=10.0) as app:
        yield app


@pytest.fixture(scope="module")
def server(app):
    """The app on a free loopback port, served by waitress in a thread."""
    with served(app) as base:
        yield base


def assert_still_serves(client):
    response = client.get("/sparql", query_string={"query": NORMAL})
    assert response.status_code == 200
    assert len(response.get_json()["results"]["bindings"]) == 4


def test_timeout_stops_the_query_and_answers_504(client):
    started = time.monotonic()
    response = client.get("/sparql", query_string={"query": CROSS_JOIN})
    assert response.status_code == 504
    assert response.get_json()["type"] == "/problems/query-timeout"
    assert time.monotonic() - started < 6
    assert_still_serves(client)


def test_killed_worker_really_stops(client, app):
    """After a timeout the worker process is gone, not left burning a core."""
    before = {p.pid for p in multiprocessing.active_children()}
    client.get("/sparql", query_string={"query": CROSS_JOIN})
    time.sleep(0.5)
    alive = {p.pid for p in multiprocessing.active_children()}
    assert before - alive, "the timed-out worker should have been killed"
    assert_still_serves(client)


def test_other_clients_are_served_during_a_heavy_query(server):
    import urllib.parse
    import urllib.request

    def get(query):
        url = f"{server}/sparql?" + urllib.parse.urlencode({"query": query})
        started = time.monotonic()
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                return response.status, time.monotonic() - started
        except urllib.error.HTTPError as error:
            return error.code, time.monotonic() - started

    with ThreadPoolExecutor(max_workers=4) as pool:
        heavy = pool.submit(get, CROSS_JOIN)
        time.sleep(0.3)
        quick = [get(NORMAL) for _ in range(5)]
        assert heavy.result()[0] == 504
    assert all(status == 200 for status, _ in quick)
    assert max(seconds for _, seconds in quick) < 1.5


def test_crashed_worker_is_replaced(client, app):
    """A worker dying mid-query (as pyoxigraph does on some queries) costs one 503, no more."""
    result = {}

    def run():
        result["response"] = client.get("/sparql", query_string={"query": CROSS_JOIN})

    thread = threading.Thread(target=run)
    thread.start()
    time.sleep(0.5)
    for pid in app.extensions["ekg_engine"].pool().worker_pids():  # only this app's workers
        os.kill(pid, signal.SIGKILL)
    thread.join(10)
    assert result["response"].status_code == 503
    assert result["response"].get_json()["type"] == "/problems/engine-restarted"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # replacements start in the background
        if client.get("/sparql", query_string={"query": NORMAL}).status_code == 200:
            break
        time.sleep(0.5)
    assert_still_serves(client)


@pytest.fixture
def listener():
    """A TCP listener owned by the test; records every connection it receives."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.settimeout(0.2)
    hits: list[str] = []
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except TimeoutError:
                continue
            hits.append("connection")
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{sock.getsockname()[1]}", hits
    stop.set()
    thread.join(2)
    sock.close()


def test_service_clause_is_refused_and_makes_no_request(client, listener):
    url, hits = listener
    query = f"SELECT * WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}"
    response = client.get("/sparql", query_string={"query": query})
    assert response.status_code == 400
    body = response.get_json()
    assert body["type"] == "/problems/query-refused"
    assert "SERVICE" in body["detail"]
    time.sleep(0.5)
    assert hits == []
    assert_still_serves(client)


@pytest.mark.parametrize("clause", ["FROM", "FROM NAMED"])
def test_dataset_clauses_never_fetch(client, listener, clause):
    url, hits = listener
    query = f"SELECT * {clause} <{url}/data.ttl> WHERE {{ ?s ?p ?o }}"
    response = client.get("/sparql", query_string={"query": query})
    assert response.status_code == 200
    assert response.get_json()["results"]["bindings"] == []
    time.sleep(0.5)
    assert hits == []


def test_dataset_clauses_never_read_local_files(client, tmp_path):
    secret = tmp_path / "secret.ttl"
    secret.write_text("<http://x/s> <http://x/p> 'secret' .")
    query = f"SELECT ?o FROM <{secret.as_uri()}> WHERE {{ ?s ?p ?o }}"
    response = client.get("/sparql", query_string={"query": query})
    assert "secret" not in response.get_data(as_text=True)


@pytest.mark.parametrize("depth", [65, 5_000, 10_000])
def test_deeply_nested_query_is_refused_before_parsing(client, depth):
    query = "SELECT * WHERE " + "{" * depth + " ?s ?p ?o " + "}" * depth
    response = client.post("/sparql", data={"query": query})
    assert response.status_code == 400
    assert "nested" in response.get_json()["detail"]
    assert_still_serves(client)


def test_too_long_query_is_refused(client, app):
    query = "SELECT * WHERE { ?s ?p ?o } #" + "x" * app.config["SPARQL_MAX_QUERY_LENGTH"]
    response = client.post("/sparql", data=query, content_type="application/sparql-query")
    assert response.status_code == 400
    assert_still_serves(client)


def test_oversized_body_is_413(client, app):
    body = b"query=" + b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post("/sparql", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"
    assert_still_serves(client)


def test_row_cap_truncates_with_a_clear_signal(client, app):
    app.config["SPARQL_MAX_ROWS"] = 5
    try:
        response = client.get("/sparql", query_string={"query": "SELECT * { ?s ?p ?o }"})
    finally:
        app.config["SPARQL_MAX_ROWS"] = 10_000
    assert response.status_code == 200
    assert len(response.get_json()["results"]["bindings"]) == 5
    assert response.headers["X-SPARQL-Truncated"] == "true"
    assert response.headers["X-SPARQL-Max-Rows"] == "5"
    assert "X-SPARQL-Truncated" not in client.get("/sparql", query_string={"query": NORMAL}).headers


def test_byte_cap_truncates_with_a_clear_signal(client, app):
    app.config["SPARQL_MAX_BYTES"] = 2_000
    try:
        response = client.get("/sparql", query_string={"query": "SELECT * { ?s ?p ?o }"})
    finally:
        app.config["SPARQL_MAX_BYTES"] = 10_000_000
    assert response.status_code == 200
    assert len(response.data) <= 2_000
    assert response.get_json()["results"]["bindings"]
    assert response.headers["X-SPARQL-Truncated"] == "true"


# -- SPARQLWrapper, a real client over real HTTP ------------------------------------------------


@pytest.mark.parametrize("method", ["GET", POST])
@pytest.mark.parametrize("fmt", [JSON, XML, CSV])
def test_sparqlwrapper_select(server, method, fmt):
    client = SPARQLWrapper(f"{server}/sparql")
    client.setMethod(method)
    client.setReturnFormat(fmt)
    client.setQuery("SELECT ?e WHERE { ?e a <http://semanticweb.cs.vu.nl/2009/11/sem/Event> }")
    result = client.query().convert()
    if fmt == JSON:
        assert len(result["results"]["bindings"]) == 4
    elif fmt == XML:
        assert len(result.getElementsByTagName("result")) == 4
    else:
        assert result.decode().splitlines()[0] == "e" and len(result.decode().splitlines()) == 5


def test_sparqlwrapper_ask_and_construct(server):
    client = SPARQLWrapper(f"{server}/sparql")
    client.setReturnFormat(JSON)
    client.setQuery("ASK { ?a <http://purl.org/faro/causes> ?b }")
    assert client.query().convert()["boolean"] is True
    client.setReturnFormat(TURTLE)
    client.setQuery("CONSTRUCT WHERE { ?a <http://purl.org/faro/causes> ?b }")
    graph = Graph().parse(data=client.query().convert(), format="turtle")
    assert len(graph) == 2


def test_sparqlwrapper_sees_errors_as_errors(server):
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

    client = SPARQLWrapper(f"{server}/sparql")
    client.setReturnFormat(JSON)
    client.setQuery("SELECT * WHERE { ?s ?p }")
    with pytest.raises(QueryBadFormed):
        client.query()


@pytest.mark.parametrize("escape", ["\\#", "\\'", '\\"', "\\{"])
def test_escaped_characters_in_prefixed_names_do_not_hide_service(client, listener, escape):
    url, hits = listener
    query = (
        f"PREFIX ex: <http://x/> SELECT * {{ BIND(ex:a{escape} AS ?z) "
        f"SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}"
    )
    response = client.get("/sparql", query_string={"query": query})
    assert response.status_code == 400
    time.sleep(0.3)
    assert hits == []


def test_escapes_do_not_hide_nesting(client):
    query = "PREFIX ex: <http://x/> SELECT * { BIND(ex:a\\# AS ?z) " + "{" * 3000 + "}" * 3000 + "}"
    for accept in ("application/sparql-results+json", "image/png"):
        response = client.post("/sparql", data={"query": query}, headers={"Accept": accept})
        assert response.status_code == 400, accept
        assert response.get_json()["type"] == "/problems/query-refused"
    assert_still_serves(client)
