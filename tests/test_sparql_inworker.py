"""SPARQL evaluated in the serving process (:class:`graph.store.DeadlineRunner`), as a gunicorn
worker does: the time limit answers 504 and makes the process give up on itself
(:mod:`service.runtime.crashonly`), an engine failure is one 503, and a query reads the
generation its request pinned. These run in the test process with a fake ``stop``; the real
gunicorn worker's exit and replacement are tested in ``test_sparql_gunicorn.py``."""

from __future__ import annotations

import json
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from graph.data.loader import load_dataset
from graph.errors import (
    EngineBusyError,
    EngineCrashError,
    QuerySyntaxError,
    QueryTimeoutError,
)
from graph.rdf.build import iter_triples
from graph.store import DeadlineRunner, OxigraphStore, QueryJob, RdflibStore, Store
from service.runtime import crashonly, state

from .conftest import assert_problem
from .test_reload import NEW_LABEL, OLD_LABEL, edit

#: A query the stores below take ``SLOW`` seconds over (the engine cannot be stopped, so a
#: real runaway would burn a core of the test process until it ends: this one ends soon).
SLOW_QUERY, SLOW = "ASK { ?s ?p ?o } # slow", 3.0
JSON = "application/sparql-results+json"
EVENTS = "SELECT ?e WHERE { ?e a <http://semanticweb.cs.vu.nl/2009/11/sem/Event> }"


@pytest.fixture(params=["oxigraph", "rdflib"])
def store(request, tiny_path):
    store: Store = OxigraphStore() if request.param == "oxigraph" else RdflibStore()
    store.load(iter_triples(load_dataset(tiny_path)))
    return store


@pytest.fixture
def slow(monkeypatch):
    """Both embedded stores take ``SLOW`` seconds over :data:`SLOW_QUERY` (the GIL released
    meanwhile, as pyoxigraph does)."""
    for backend in (OxigraphStore, RdflibStore):
        for name in ("answer", "query"):
            monkeypatch.setattr(backend, name, _slowed(getattr(backend, name)))


def _slowed(method):
    def slowed(self, sparql, *args, **kwargs):
        if sparql == SLOW_QUERY:
            time.sleep(SLOW)
        return method(self, sparql, *args, **kwargs)

    return slowed


class Overruns(list[str]):
    """An ``on_overrun`` that keeps each reason, and in ``at`` when it came."""

    def __init__(self) -> None:
        super().__init__()
        self.at: list[float] = []

    def __call__(self, reason: str) -> None:
        self.append(reason)
        self.at.append(time.monotonic())


def test_a_query_is_evaluated_in_the_calling_thread(store, monkeypatch):
    """No hand-off: the engine is called from the thread that asked (no evaluator thread)."""
    callers = []
    for name in ("answer", "query"):
        method = getattr(store, name)
        monkeypatch.setattr(store, name, _recording(method, callers))
    overruns = Overruns()
    runner = DeadlineRunner(store, on_overrun=overruns, slots=2, timeout=10)
    answers = [runner.run(QueryJob(EVENTS, JSON)) for _ in range(3)]
    assert all(answer.body.count(b'"uri"') == 4 for answer in answers)
    assert callers and set(callers) == {threading.get_ident()}
    assert overruns == []


def _recording(method, callers):
    def recorded(*args, **kwargs):
        callers.append(threading.get_ident())
        return method(*args, **kwargs)

    return recorded


def test_a_query_past_its_limit_raises_and_reports_the_overrun(store, slow):
    overruns = Overruns()
    runner = DeadlineRunner(store, on_overrun=overruns, timeout=1.0)
    started = time.monotonic()
    with pytest.raises(QueryTimeoutError, match="longer than 1 s"):
        runner.run(QueryJob(SLOW_QUERY, JSON))
    assert 1.0 <= overruns.at[0] - started < SLOW  # at the deadline, not when the engine ends
    assert overruns == ["a query ran past its time limit of 1 s"]


def test_the_runaway_keeps_its_slot_so_the_next_waits_then_is_busy(store, slow):
    runner = DeadlineRunner(store, on_overrun=Overruns(), slots=1, timeout=0.5, wait=0.5)
    with pytest.raises(QueryTimeoutError):
        runner.run(QueryJob(SLOW_QUERY, JSON))
    with pytest.raises(EngineBusyError, match="1 query slots"):
        runner.run(QueryJob(EVENTS, JSON))


def test_query_errors_come_back_as_they_are(store):
    runner = DeadlineRunner(store, on_overrun=Overruns())
    with pytest.raises(QuerySyntaxError):
        runner.run(QueryJob("SELECT * WHERE { ?s ?p }", JSON))
    assert runner.run(QueryJob(EVENTS, JSON)).body.count(b'"uri"') == 4  # same thread, fine


class PanickingStore(OxigraphStore):
    def query_native(self, *args, **kwargs):  # as pyo3 raises a Rust panic
        raise BaseException("called `Option::unwrap()` on a `None` value")


def test_an_engine_failure_is_a_crash_and_the_process_gives_up():
    overruns = Overruns()
    runner = DeadlineRunner(PanickingStore(), on_overrun=overruns)
    with pytest.raises(EngineCrashError):
        runner.run(QueryJob(EVENTS, JSON))
    assert len(overruns) == 1 and "unwrap" in overruns[0]


# -- the service, as in a gunicorn worker -------------------------------------------------------


@pytest.fixture
def worker():
    """This process marked as a replaceable worker, with a ``stop`` that only counts calls
    and an end that does not end it."""
    stops: list[float] = []
    crashonly.enable(lambda: stops.append(time.monotonic()), grace=600.0, end=lambda code: None)
    try:
        yield stops
    finally:
        crashonly.disable()


def test_in_a_replaceable_worker_queries_run_in_process(make_app, data, worker):
    app = make_app(data, SPARQL_TIMEOUT=2.0)
    client = app.test_client()
    response = client.get("/sparql", query_string={"query": EVENTS}, headers={"Accept": JSON})
    assert response.status_code == 200
    assert len(response.get_json()["results"]["bindings"]) == 4
    engine = app.extensions["ekg_engine"]
    assert engine.in_worker() and not engine.pool_started  # no query process started
    assert worker == []


def test_the_time_limit_answers_504_problem_json_and_the_worker_gives_up(
    make_app, data, worker, slow
):
    app = make_app(data, SPARQL_TIMEOUT=1.0)
    client = app.test_client()
    ours, theirs = socket.socketpair()  # the client's connection, as gunicorn hands it over
    client.environ_base["gunicorn.socket"] = ours
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=1) as pool:
        stuck = pool.submit(client.get, "/sparql", query_string={"query": SLOW_QUERY})
        head, _, body = _read_to_end(theirs).partition(b"\r\n\r\n")
        assert time.monotonic() - started < SLOW
        assert head.startswith(b"HTTP/1.1 504 ")
        assert json.loads(body)["type"] == "/problems/query-timeout"
        assert_problem(stuck.result(), 504)  # (once the engine ends: on a socket shut already)
    ours.close()
    theirs.close()
    del client.environ_base["gunicorn.socket"]
    assert len(worker) == 1  # stop() called: no more requests, exit once those in flight end
    assert crashonly.given_up() == "a query ran past its time limit of 1 s"
    again = client.get("/sparql", query_string={"query": EVENTS}, headers={"Accept": JSON})
    assert again.status_code == 200  # a request in flight meanwhile is still answered
    assert len(worker) == 1  # given up once


def _read_to_end(sock: socket.socket) -> bytes:
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return data


def test_pool_isolation_keeps_queries_out_of_the_worker(make_app, data, worker):
    app = make_app(data, SPARQL_ISOLATION="pool")
    client = app.test_client()
    assert client.get("/sparql", query_string={"query": EVENTS}).status_code == 200
    engine = app.extensions["ekg_engine"]
    assert not engine.in_worker() and engine.pool().worker_pids()


def test_not_a_replaceable_worker_means_the_pool(make_app, data):
    app = make_app(data)
    assert app.test_client().get("/sparql", query_string={"query": EVENTS}).status_code == 200
    assert app.extensions["ekg_engine"].pool().worker_pids()


def test_a_query_reads_the_generation_its_request_pinned(make_app, data, worker):
    app = make_app(data)
    generations = app.extensions["ekg_generations"]
    query = "SELECT ?l WHERE { ?e <http://www.w3.org/2000/01/rdf-schema#label> ?l }"
    job = QueryJob(query, JSON)
    with app.test_request_context("/sparql"):
        pinned = state.generation()
        edit(data, OLD_LABEL, NEW_LABEL)
        assert generations.reload("test").outcome == "loaded"
        old = state.engine().run(job).body.decode()
        assert OLD_LABEL in old and NEW_LABEL not in old
    new = generations.current.engine.run(job).body.decode()
    assert NEW_LABEL in new and OLD_LABEL not in new
    assert pinned.closed


def test_give_up_happens_once_and_only_in_the_enabled_process(worker):
    threads = [threading.Thread(target=crashonly.give_up, args=(f"r{i}",)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(worker) == 1
    crashonly.disable()
    assert not crashonly.active() and crashonly.given_up() is None
    crashonly.give_up("not replaceable: nothing happens")
    assert len(worker) == 1


# -- the request path, trimmed for small queries -------------------------------------------------


def test_the_base_iri_is_each_requests_own_url(make_app, data):
    """``request.base_url`` is remembered by what makes it (host, path, ...), never reused
    for another host."""
    client = make_app(data).test_client()
    seen = []
    for host in ("localhost", "127.0.0.1:5000", "localhost"):
        response = client.get(
            "/sparql",
            query_string={"query": "SELECT ?x { BIND(<rel> AS ?x) } # " + host},
            headers={"Accept": JSON, "Host": host},
        )
        seen.append(response.get_json()["results"]["bindings"][0]["x"]["value"])
    assert seen == ["http://localhost/rel", "http://127.0.0.1:5000/rel", "http://localhost/rel"]


@pytest.mark.parametrize(
    ("before", "after"),
    [(None, "Accept"), ("Origin", "Origin, Accept"), ("Origin, accept", "Origin, accept")],
)
def test_vary_names_accept_once_beside_what_is_there(before, after):
    from flask import Response

    from service.views.sparql import _vary

    response = Response(headers={"Vary": before} if before else {})
    assert _vary(response).headers["Vary"] == after


# -- watched in the calling thread, answered late (as under gunicorn) ----------------------------


def test_watched_in_the_calling_thread_the_late_answer_comes_at_the_deadline(store, slow):
    overruns, lates = Overruns(), []
    runner = DeadlineRunner(store, on_overrun=overruns, slots=1, timeout=1.0, wait=0.2)
    assert runner.run(QueryJob(EVENTS, JSON), late=lates.append).body.count(b'"uri"') == 4
    started = time.monotonic()
    with pytest.raises(QueryTimeoutError):  # once the engine lets the thread go
        runner.run(QueryJob(SLOW_QUERY, JSON), late=lambda e: lates.append(time.monotonic()))
    assert len(lates) == 1 and 1.0 <= lates[0] - started < 1.5  # answered at the deadline
    assert overruns == ["a query ran past its time limit of 1 s"]
    with pytest.raises(EngineBusyError):  # its slot goes with the process
        runner.run(QueryJob(EVENTS, JSON), late=lates.append)


def test_the_late_answer_is_the_apps_problem_written_on_the_socket(make_app, data, worker):
    import socket

    from graph.errors import QueryTimeoutError as Late
    from service.runtime import lateanswer

    app = make_app(data)
    ours, client = socket.socketpair()
    with app.test_request_context("/sparql", headers={"Accept": JSON}) as context:
        environ = dict(context.request.environ, **{"gunicorn.socket": ours})
    late = lateanswer.late_answer(app, environ)
    assert lateanswer.late_answer(app, {}) is None  # not under gunicorn
    late(Late("the query ran longer than 1 s and was stopped"))
    head, _, body = client.recv(65536).partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    assert lines[0] == "HTTP/1.1 504 GATEWAY TIMEOUT"
    assert "Content-Type: application/problem+json" in lines and "Connection: close" in lines
    assert json.loads(body)["type"] == "/problems/query-timeout"
    assert client.recv(10) == b""  # shut: the stuck thread can never write there
    ours.close()
    client.close()
