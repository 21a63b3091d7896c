"""A plain ``GET /sparql?query=...`` is answered before Flask (:mod:`service.views.sparql_direct`)
with exactly the answer the Flask view gives: same status, same headers in the same order,
same body. Each case goes through both ways -- the app as served, and the Flask app behind
the direct path -- and counts which of them Flask dispatched."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import count
from typing import Any
from urllib.parse import urlencode

import pytest
from flask import Flask, request_started
from werkzeug.test import Client

from graph.errors import QueryTimeoutError
from service.views import sparql_direct

SELECT = "SELECT ?e ?l WHERE { ?e rdfs:label ?l } ORDER BY ?e LIMIT 3"
JSON = "application/sparql-results+json"
_unique = count()


@pytest.fixture
def dispatched(app: Flask) -> Iterator[list[str]]:
    """The paths Flask dispatched (a request the direct path answers never gets there)."""
    seen: list[str] = []

    def record(_sender: Flask, **_extra: Any) -> None:
        from flask import request

        seen.append(request.path)

    request_started.connect(record, app)
    try:
        yield seen
    finally:
        request_started.disconnect(record, app)


def both(app: Flask, query: str | Callable[[], str], **headers: str) -> tuple[Any, Any]:
    """The answer of the app as served and that of the Flask view behind it, to the query
    string ``query`` (or the one it makes for each: two distinct queries miss the cache)."""
    assert isinstance(app.wsgi_app, sparql_direct.DirectQueries)
    make = query if callable(query) else lambda: query
    served = app.test_client().get("/sparql?" + make(), headers=headers)
    flask_only = Client(app.wsgi_app.inner).get("/sparql?" + make(), headers=headers)
    return served, flask_only


def assert_same(served: Any, flask_only: Any) -> None:
    assert served.status == flask_only.status
    assert list(served.headers.items()) == list(flask_only.headers.items())
    assert served.get_data() == flask_only.get_data()


def distinct(query: str) -> str:
    """``query`` made unique (a comment), so that no answer comes from the answer cache."""
    return f"{query}\n# {next(_unique)}"


def distinct_each(params: dict[str, str]) -> Callable[[], str]:
    """A query string of ``params`` with a query made unique each time."""
    return lambda: urlencode({**params, "query": distinct(params["query"])})


@pytest.mark.parametrize(
    ("params", "accept"),
    [
        ({"query": SELECT}, JSON),
        ({"query": SELECT}, "text/csv"),
        ({"query": SELECT}, "application/sparql-results+xml, */*;q=0.1"),
        ({"query": SELECT, "format": "tsv"}, "*/*"),
        ({"query": "ASK { ?s ?p ?o }"}, JSON),
        ({"query": "CONSTRUCT { ?e rdfs:label ?l } WHERE { ?e rdfs:label ?l } LIMIT 2"}, "*/*"),
        ({"query": "DESCRIBE <event/a>"}, "text/turtle"),
        ({"query": SELECT, "default-graph-uri": "urn:x-nothing"}, JSON),
        ({"query": "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"}, JSON),
    ],
)
def test_plain_queries_are_answered_directly_as_flask_would(app, dispatched, params, accept):
    served, flask_only = both(app, distinct_each(params), Accept=accept)
    assert served.status_code == 200
    assert dispatched == ["/sparql"]  # the second request only: the first never reached Flask
    assert_same(served, flask_only)
    assert served.headers["X-SPARQL-Cache"] == "miss"


def test_cached_and_truncated_answers_carry_the_same_headers(app, dispatched):
    app.config["SPARQL_MAX_ROWS"] = 2
    query = urlencode({"query": distinct(SELECT)})
    both(app, query, Accept=JSON)  # now in the answer cache
    served, flask_only = both(app, query, Accept=JSON)
    assert_same(served, flask_only)
    assert served.headers["X-SPARQL-Cache"] == "hit"
    assert served.headers["X-SPARQL-Truncated"] == "true"
    assert dispatched == ["/sparql", "/sparql"]


def test_cors_headers_are_the_apps(app, dispatched):
    app.config["CORS"] = True
    served, flask_only = both(app, distinct_each({"query": SELECT}), Origin="http://x.org")
    assert served.headers["Access-Control-Allow-Origin"] == "*"
    assert_same(served, flask_only)
    assert dispatched == ["/sparql"]


@pytest.mark.parametrize(
    ("query_string", "headers", "status"),
    [
        ("", {"Accept": "application/n-triples"}, 200),  # the service description
        ("", {"Accept": "text/html"}, 200),  # YASGUI
        (urlencode({"query": "SELECT * { SERVICE <http://x/> { ?s ?p ?o } }"}), {}, 400),
        (urlencode({"query": SELECT}) + "&" + urlencode({"query": SELECT}), {}, 400),
        (urlencode({"update": "CLEAR ALL"}), {}, 403),
        (urlencode({"query": SELECT}), {"Accept": "image/png"}, 406),
        (urlencode({"query": SELECT}), {"Host": "evil.example"}, 400),
        ("query=%FF", {}, 400),
    ],
)
def test_everything_else_goes_to_flask(app, dispatched, query_string, headers, status):
    served, flask_only = both(app, query_string, **headers)
    assert served.status_code == status
    assert dispatched == ["/sparql", "/sparql"]  # both went through Flask
    assert_same(served, flask_only)


def test_engine_errors_are_rendered_by_the_apps_handlers(app, dispatched):
    broken = urlencode({"query": distinct("SELECT ?x WHERE { ?x ?y }")})  # the engine says why
    served, flask_only = both(app, broken, Accept=JSON)
    assert served.status_code == 400
    assert served.headers["Content-Type"] == "application/problem+json"
    assert_same(served, flask_only)
    assert "EKG-Version" in served.headers  # the version it was asked of, as from the view
    generations = app.extensions["ekg_generations"]
    assert generations.current.users == 0  # given back


def test_a_timeout_is_the_apps_504_and_the_generation_is_given_back(app, monkeypatch):
    engine = app.extensions["ekg_generations"].current.engine

    def overrun(*_args: Any, **_kwargs: Any) -> Any:
        raise QueryTimeoutError("the query ran longer than 10 s and was stopped")

    monkeypatch.setattr(engine, "run", overrun)
    served, flask_only = both(app, distinct_each({"query": SELECT}), Accept=JSON)
    assert served.status_code == 504
    assert_same(served, flask_only)
    assert app.extensions["ekg_generations"].current.users == 0


def test_head_post_and_other_paths_are_flasks(app, dispatched):
    client = app.test_client()
    assert client.head("/sparql?" + urlencode({"query": SELECT})).status_code == 200
    posted = client.post("/sparql", data={"query": distinct(SELECT)})
    assert posted.status_code == 200
    assert client.get("/sparql/?query=x").status_code == 404
    assert dispatched == ["/sparql", "/sparql", "/sparql/"]


def test_the_direct_path_knows_every_hook_of_the_app(app, make_app, data):
    """A hook added to the app changes what the Flask view answers: teach the direct path
    (or let such requests go to Flask) before adding it to the list."""
    watching = make_app(data, WATCH_INTERVAL=60.0)
    assert sparql_direct.known_hooks(watching) == sparql_direct.KNOWN_HOOKS
    assert sparql_direct.known_hooks(app) == sparql_direct.KNOWN_HOOKS
