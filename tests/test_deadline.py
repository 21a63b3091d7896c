"""What in-worker SPARQL (:class:`graph.store.DeadlineRunner`) keeps in a process: one
watchdog thread however many runners, and nothing of a closed engine. A gunicorn worker lives
through many reloads; each makes a query engine (a generation), and what a retired one held --
its read-only handle of the store, its threads -- must go with it."""

from __future__ import annotations

import os
import signal
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from graph.errors import EkgError, EngineBusyError, EngineCrashError, QueryError, QueryTimeoutError
from graph.store import DeadlineRunner, OxigraphStore, QueryJob, QueryPool, StoreSpec
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


# -- the same errors whichever way a query is evaluated -----------------------------------------

CROSS_JOIN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
SLOW_QUERY = "ASK { ?s ?p ?o } # slow"


class OddStore(OxigraphStore):
    """Slow over :data:`SLOW_QUERY` (the GIL released), a Rust panic over ``# panic``, an
    engine's ``ValueError`` over ``# odd``."""

    def answer(self, sparql, *args, **kwargs):
        if sparql.endswith("# slow"):
            time.sleep(1.0)
        elif sparql.endswith("# panic"):
            raise BaseException("called `Option::unwrap()` on a `None` value")
        elif sparql.endswith("# odd"):
            raise ValueError("an engine's complaint")
        return super().answer(sparql, *args, **kwargs)


def failure(run, job):
    try:
        run(job)
    except EkgError as error:
        return type(error), str(error)
    raise AssertionError("no error")


def test_the_pool_and_the_runner_fail_with_the_same_errors(tiny_path, tmp_path):
    from graph.data.loader import load_dataset
    from graph.rdf.build import iter_triples

    store = OddStore()
    store.load(iter_triples(load_dataset(tiny_path)))
    runner = DeadlineRunner(store, on_overrun=lambda reason: None, slots=1, timeout=0.3, wait=0.2)
    pool = QueryPool(StoreSpec.of(store, tmp_path), workers=1, timeout=0.5, wait=0.2)
    try:
        timeout = (QueryTimeoutError, str(QueryTimeoutError.after(0.3)))
        assert failure(runner.run, QueryJob(SLOW_QUERY, JSON)) == timeout
        assert (
            failure(lambda job: pool.run(job, timeout=0.3), QueryJob(CROSS_JOIN, JSON)) == timeout
        )
        busy = (EngineBusyError, str(EngineBusyError.waited(1, 0.2)))
        assert failure(runner.run, QueryJob(EVENTS, JSON)) == busy  # the runaway kept its slot
        with ThreadPoolExecutor(max_workers=1) as background:
            heavy = background.submit(failure, pool.run, QueryJob(CROSS_JOIN, JSON))
            time.sleep(0.1)
            assert failure(pool.run, QueryJob(EVENTS, JSON)) == busy
            heavy.result()
        crash = (EngineCrashError, str(EngineCrashError.on_query()))
        fresh = DeadlineRunner(store, on_overrun=lambda reason: None)
        assert failure(fresh.run, QueryJob(EVENTS + " # panic", JSON)) == crash
        time.sleep(1.0)  # the pool's replacement worker starts
        with ThreadPoolExecutor(max_workers=1) as background:
            heavy = background.submit(failure, pool.run, QueryJob(CROSS_JOIN, JSON))
            time.sleep(0.2)
            for pid in pool.worker_pids():
                os.kill(pid, signal.SIGKILL)
            assert heavy.result() == crash
        assert failure(fresh.run, QueryJob(EVENTS + " # odd", JSON)) == (
            QueryError,
            "an engine's complaint",
        )
    finally:
        pool.close()
