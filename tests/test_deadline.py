"""What in-worker SPARQL (:class:`graph.store.DeadlineRunner`) keeps in a process: one
watchdog thread however many runners, and nothing of a closed engine. A gunicorn worker lives
through many reloads; each makes a query engine (a generation), and what a retired one held --
its read-only handle of the store, its threads -- must go with it."""

from __future__ import annotations

import os
import socket
import threading

import pytest

from graph.store import DeadlineRunner, OxigraphStore, QueryJob
from service.runtime import crashonly
from service.runtime.engine import QueryEngine

JSON = "application/sparql-results+json"
EVENTS = "SELECT ?e WHERE { ?e a <http://semanticweb.cs.vu.nl/2009/11/sem/Event> }"


@pytest.fixture
def worker():
    """This process marked as a replaceable worker whose ``stop`` does nothing."""
    crashonly.enable(lambda: None, grace=600.0, end=lambda code: None)
    try:
        yield
    finally:
        crashonly.disable()


def counts() -> tuple[int, int]:
    """This process's threads (the system's count: native ones too) and open descriptors."""
    return len(os.listdir("/proc/self/task")), len(os.listdir("/proc/self/fd"))


def test_many_generations_leave_threads_and_handles_flat(make_app, data, tmp_path, worker):
    app = make_app(data, STORE=tmp_path / "store")  # on disk: each engine opens its own reader
    built = app.extensions["ekg"]
    ours, theirs = socket.socketpair()  # the client's connection, as gunicorn hands it over
    engines = []  # still referenced once closed, as by a request that pinned a retired one

    def generation() -> None:
        engine = QueryEngine(built, app.config)
        with app.test_request_context("/sparql", environ_overrides={"gunicorn.socket": ours}):
            assert engine.in_worker()
            assert engine.run(QueryJob(EVENTS, JSON)).body.count(b'"uri"') == 4
        engine.close()
        engines.append(engine)

    generation()  # the first starts what a process keeps (its one watchdog)
    before = counts()
    for _ in range(12):
        generation()
    assert counts() == before
    ours.close()
    theirs.close()


def test_runners_share_one_watchdog_thread(tiny_path):
    from graph.data.loader import load_dataset
    from graph.rdf.build import iter_triples

    store = OxigraphStore()
    store.load(iter_triples(load_dataset(tiny_path)))
    DeadlineRunner(store, on_overrun=print).run(QueryJob(EVENTS, JSON))
    before = threading.active_count()
    for _ in range(5):
        assert DeadlineRunner(store, on_overrun=print).run(QueryJob(EVENTS, JSON)).body
    assert threading.active_count() == before
    dogs = [t for t in threading.enumerate() if t.name == "query-watchdog"]
    assert len(dogs) == 1
