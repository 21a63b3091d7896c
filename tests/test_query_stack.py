"""Queries are evaluated on a stack deep enough for any query within the length limit
(:mod:`graph.store.stack`): a sequence that ends a process evaluating it on a thread's default
stack is answered -- here with the guard's operator limit raised so that it gets through."""

from __future__ import annotations

import subprocess
import sys

MINUS_3000 = "SELECT * { ?s ?p ?o " + " MINUS { ?s <x:q> ?o }" * 3_000 + " }"

ON_THE_MAIN_THREAD = """
import sys, pyoxigraph
from graph.store.stack import on_query_stack
query = sys.stdin.read()
from graph.store.stack import use_query_stack
if sys.argv[1] == "query-stack":
    on_query_stack(pyoxigraph.Store().query, query)
elif sys.argv[1] == "raised":  # as a gunicorn sync worker evaluates: on its main thread
    use_query_stack()
    pyoxigraph.Store().query(query)
else:
    pyoxigraph.Store().query(query)
print("answered")
"""


def run(where: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", ON_THE_MAIN_THREAD, where],
        input=MINUS_3000,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_sequence_that_ends_a_process_is_answered_on_the_query_stack():
    assert run("main-thread").returncode != 0  # the stack the process started with: it dies
    for where in ("query-stack", "raised"):
        answered = run(where)
        assert answered.returncode == 0 and answered.stdout.strip() == "answered", where


def test_the_pools_workers_evaluate_on_the_query_stack(make_app, data):
    app = make_app(data, SPARQL_MAX_OPERATORS=10_000)
    client = app.test_client()
    response = client.post("/sparql", data=MINUS_3000, content_type="application/sparql-query")
    assert response.status_code == 200  # not 503: the worker survived
    pool = app.extensions["ekg_engine"].pool()
    before = set(pool.worker_pids())
    assert client.post("/sparql", data={"query": "ASK {}"}).status_code == 200
    assert set(pool.worker_pids()) == before
