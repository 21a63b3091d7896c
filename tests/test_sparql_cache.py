"""The answer cache of /sparql: a deterministic query is answered once per data version,
then from memory; anything that may change between runs, errors and other data versions
are never served from it."""

from __future__ import annotations

import pytest

JSON = {"Accept": "application/sparql-results+json"}
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?e a sem:Event }"


def ask(client, query, **params):
    return client.get("/sparql", query_string={"query": query, **params}, headers=JSON)


def test_a_repeated_query_is_answered_from_the_cache(app):
    client = app.test_client()
    first, second = ask(client, COUNT), ask(client, COUNT)
    assert first.headers["X-SPARQL-Cache"] == "miss"
    assert second.headers["X-SPARQL-Cache"] == "hit"
    assert first.data == second.data
    assert ask(client, COUNT + " # another text").headers["X-SPARQL-Cache"] == "miss"


def test_the_media_type_and_the_graphs_are_part_of_the_key(app):
    client = app.test_client()
    ask(client, COUNT)
    csv = client.get("/sparql", query_string={"query": COUNT}, headers={"Accept": "text/csv"})
    assert csv.headers["X-SPARQL-Cache"] == "miss" and csv.mimetype == "text/csv"
    graphs = ask(client, COUNT, **{"default-graph-uri": "http://example.org/none"})
    assert graphs.headers["X-SPARQL-Cache"] == "miss"
    assert graphs.get_json()["results"]["bindings"][0]["n"]["value"] == "0"


@pytest.mark.parametrize("call", ["NOW()", "RAND()", "UUID()", "STRUUID()", 'BNODE("x")'])
def test_queries_that_change_between_runs_are_never_cached(app, call):
    client = app.test_client()
    query = f"SELECT ({call} AS ?v) WHERE {{}}"
    assert [ask(client, query).headers["X-SPARQL-Cache"] for _ in range(2)] == ["miss", "miss"]


def test_a_comment_cannot_hide_a_changing_function(app):
    client = app.test_client()
    query = "SELECT (NOW #a comment\n() AS ?t) WHERE {}"
    assert ask(client, query).status_code == 200  # the engine accepts it
    assert ask(client, query).headers["X-SPARQL-Cache"] == "miss"


def test_errors_are_not_cached(app):
    client = app.test_client()
    broken = "SELECT ?x WHERE { ?x ?y }"  # passes the guard, fails in the engine
    for _ in range(2):
        answer = ask(client, broken)
        assert answer.status_code == 400 and "X-SPARQL-Cache" not in answer.headers
        assert answer.get_json()["type"] == "/problems/query-syntax"


def test_a_new_data_version_starts_with_an_empty_cache(app, data):
    client = app.test_client()
    before = ask(client, COUNT)
    ask(client, COUNT)
    data.write_text(data.read_text().replace("Brent falls below $60", "Brent under $60"))
    assert client.post("/-/reload").get_json()["outcome"] == "loaded"
    after = ask(client, COUNT)
    assert after.headers["X-SPARQL-Cache"] == "miss"
    assert after.data == before.data  # same count, computed again for the new version


def test_the_cache_can_be_turned_off(make_app, data):
    client = make_app(data, SPARQL_CACHE_BYTES=0).test_client()
    assert [ask(client, COUNT).headers["X-SPARQL-Cache"] for _ in range(2)] == ["miss", "miss"]
