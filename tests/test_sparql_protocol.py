"""The SPARQL 1.1 Protocol at ``/sparql``, on every store backend.

The first part replays every ``query_*`` and ``bad_*`` case of the W3C SPARQL 1.1 Protocol test
manifest (w3c/rdf-tests ``sparql/sparql11/protocol/manifest.ttl``) that applies to a read-only
service. As the manifest's ``ut:graphData`` asks, the graphs ``data1``-``data3`` are loaded into
the store under their kasei.us names first: the service selects graphs, it never fetches them.
Then the request rules beyond the manifest: form encodings, updates refused, syntax and encoding
errors as problems. Content negotiation and the service description are in
test_sparql_responses.py, CORS in test_cors.py.
"""

from __future__ import annotations

import io
from urllib.parse import quote

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import FOAF, RDF
from rdflib.query import Result

from graph.store.base import BACKENDS

from .conftest import assert_problem, running_app

K = "http://kasei.us/2009/09/sparql/data/"
D0 = quote(K + "data0.rdf", safe="")
D = {n: quote(f"{K}data{n}.rdf", safe="") for n in (1, 2, 3)}
ASK_DEFAULTS = f"ASK {{ <{K}data1.rdf> a ?type . <{K}data2.rdf> a ?type . }}"
ASK_NAMED = (
    f"ASK {{ GRAPH ?g1 {{ <{K}data1.rdf> a ?type }} GRAPH ?g2 {{ <{K}data2.rdf> a ?type }} }}"
)
ASK_FULL = (
    f"ASK {{ <{K}data3.rdf> a ?type GRAPH ?g1 {{ <{K}data1.rdf> a ?type }} "
    f"GRAPH ?g2 {{ <{K}data2.rdf> a ?type }} }}"
)
DIRECT = "application/sparql-query"
FORM = "application/x-www-form-urlencoded"


@pytest.fixture(scope="module", params=BACKENDS)
def app(request, tiny_path):
    with running_app(tiny_path, BACKEND=request.param, SPARQL_TIMEOUT=3.0) as app:
        store = app.extensions["ekg"].store
        for n in (1, 2, 3):  # the manifest's ut:graphData
            document = URIRef(f"{K}data{n}.rdf")
            store.load([(document, RDF.type, FOAF.Document)], str(document))
        yield app


def boolean(response) -> bool:
    """The boolean of an ASK answer in SPARQL JSON or XML."""
    fmt = "json" if "json" in response.mimetype else "xml"
    return Result.parse(io.BytesIO(response.data), format=fmt).askAnswer


# -- W3C manifest: query_* ----------------------------------------------------------------------

W3C_POSITIVE = {
    "query_post_form": ("POST", f"default-graph-uri={D0}", FORM, "query=ASK%20%7B%7D", True),
    "query_dataset_default_graphs_get": (
        "GET",
        f"query={quote(ASK_DEFAULTS)}&default-graph-uri={D[1]}&default-graph-uri={D[2]}",
        None,
        None,
        True,
    ),
    "query_dataset_default_graphs_post": (
        "POST",
        f"default-graph-uri={D[1]}&default-graph-uri={D[2]}",
        DIRECT,
        ASK_DEFAULTS,
        True,
    ),
    "query_dataset_named_graphs_post": (
        "POST",
        f"named-graph-uri={D[1]}&named-graph-uri={D[2]}",
        DIRECT,
        ASK_NAMED,
        True,
    ),
    "query_dataset_named_graphs_get": (
        "GET",
        f"query={quote(ASK_NAMED)}&named-graph-uri={D[1]}&named-graph-uri={D[2]}",
        None,
        None,
        True,
    ),
    "query_dataset_full": (
        "POST",
        f"default-graph-uri={D[3]}&named-graph-uri={D[1]}&named-graph-uri={D[2]}",
        DIRECT,
        ASK_FULL,
        True,
    ),
    "query_multiple_dataset": (
        "POST",
        f"named-graph-uri={D[1]}&named-graph-uri={D[2]}",
        DIRECT,
        ASK_NAMED.replace("ASK {", f"ASK FROM <{K}data3.rdf> {{", 1),
        True,
    ),
    "query_get": ("GET", f"query=ASK%20%7B%7D&default-graph-uri={D0}", None, None, True),
    "query_post_direct": ("POST", "", DIRECT, "ASK {}", True),
}


@pytest.mark.parametrize("case", W3C_POSITIVE, ids=list(W3C_POSITIVE))
def test_w3c_query_cases(client, case):
    method, query_string, content_type, body, expected = W3C_POSITIVE[case]
    headers = {"Content-Type": content_type} if content_type else {}
    response = client.open(f"/sparql?{query_string}", method=method, data=body, headers=headers)
    assert response.status_code == 200, response.data
    assert response.mimetype in (
        "application/sparql-results+json",
        "application/sparql-results+xml",
    )
    assert boolean(response) is expected


def test_w3c_query_multiple_dataset_really_overrides_from(client):
    """Without the protocol's named graphs the same query finds no GRAPH match."""
    query = ASK_NAMED.replace("ASK {", f"ASK FROM <{K}data3.rdf> {{", 1)
    response = client.post("/sparql", data=query, content_type=DIRECT)
    assert boolean(response) is False


@pytest.mark.parametrize(
    ("query", "allowed"),
    [
        (
            "SELECT (1 AS ?value) {}",
            {
                "application/sparql-results+json",
                "application/sparql-results+xml",
                "text/csv",
                "text/tab-separated-values",
            },
        ),
        ("ASK {}", {"application/sparql-results+json", "application/sparql-results+xml"}),
        (
            "DESCRIBE <http://example.org/>",
            {"text/turtle", "application/rdf+xml", "application/n-triples"},
        ),
        (
            "CONSTRUCT { <s> <p> 1 } WHERE {}",
            {"text/turtle", "application/rdf+xml", "application/n-triples"},
        ),
    ],
    ids=["select", "ask", "describe", "construct"],
)
def test_w3c_query_content_type_cases(client, query, allowed):
    response = client.post(f"/sparql?default-graph-uri={D0}", data=query, content_type=DIRECT)
    assert response.status_code == 200, response.data
    assert response.mimetype in allowed


def test_w3c_construct_resolves_relative_iris_against_the_endpoint(client):
    response = client.post("/sparql", data="CONSTRUCT { <s> <p> 1 } WHERE {}", content_type=DIRECT)
    graph = Graph().parse(data=response.data, format="turtle")
    assert set(graph) == {(URIRef("http://localhost/s"), URIRef("http://localhost/p"), Literal(1))}


# -- W3C manifest: bad_* ------------------------------------------------------------------------

UTF16 = {"Content-Type": f"{DIRECT}; charset=UTF-16"}
W3C_BAD = {
    "bad_query_method": (
        "PUT",
        f"query=ASK%20%7B%7D&default-graph-uri={D0}",
        {"Content-Type": FORM},
        b"",
        405,
    ),
    "bad_multiple_queries": (
        "GET",
        "query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D",
        {},
        None,
        400,
    ),
    "bad_query_wrong_media_type": ("POST", "", {"Content-Type": "text/plain"}, b"ASK {}", 415),
    "bad_query_missing_form_type": ("POST", "", {}, b"query=ASK%20%7B%7D", 415),
    "bad_query_missing_direct_type": ("POST", "", {}, b"ASK {}", 415),
    "bad_query_non_utf8": ("POST", "", UTF16, "ASK {}".encode("utf-16"), 415),
    "bad_query_syntax": ("GET", "query=ASK%20%7B", {}, None, 400),
    "bad_update_get": ("GET", "update=CLEAR%20ALL", {}, None, 403),
    "bad_multiple_updates": (
        "POST",
        "",
        {"Content-Type": FORM},
        b"update=CLEAR%20NAMED&update=CLEAR%20DEFAULT",
        400,
    ),
    "bad_update_wrong_media_type": (
        "POST",
        "",
        {"Content-Type": "text/plain"},
        b"CLEAR NAMED",
        415,
    ),
    "bad_update_missing_form_type": ("POST", "", {}, b"update=CLEAR%20NAMED", 415),
    "bad_update_non_utf8": (
        "POST",
        "",
        {"Content-Type": "application/sparql-update; charset=UTF-16"},
        "CLEAR NAMED".encode("utf-16"),
        415,
    ),
    "bad_update_syntax": ("POST", "", {"Content-Type": FORM}, b"update=CLEAR%20XYZ", 403),
    "bad_update_dataset_conflict": (
        "POST",
        "using-named-graph-uri=http%3A%2F%2Fexample%2Fpeople",
        {"Content-Type": "application/sparql-update"},
        b"WITH <http://example/addresses> DELETE { ?p <http://x/n> 'Bill' } WHERE { ?p ?q ?o }",
        403,
    ),
}


@pytest.mark.parametrize("case", W3C_BAD, ids=list(W3C_BAD))
def test_w3c_bad_cases(client, case):
    method, query_string, headers, body, status = W3C_BAD[case]
    response = client.open(f"/sparql?{query_string}", method=method, data=body, headers=headers)
    assert_problem(response, status)


# -- beyond the manifest ------------------------------------------------------------------------


def test_post_form_with_charset_and_plus_for_space(client):
    response = client.post(
        "/sparql", data=b"query=ASK+%7B%7D", content_type=f"{FORM}; charset=UTF-8"
    )
    assert boolean(response) is True


def test_query_and_update_together_is_refused(client):
    response = client.post("/sparql", data={"query": "ASK {}", "update": "CLEAR ALL"})
    assert_problem(response, 400)


@pytest.mark.parametrize("content_type", [FORM, "application/sparql-update"])
def test_every_update_binding_is_forbidden(client, content_type):
    body = (
        "update=INSERT+DATA+%7B%3Ca%3E+%3Cb%3E+%3Cc%3E%7D"
        if content_type == FORM
        else ("INSERT DATA { <a> <b> <c> }")
    )
    body = assert_problem(client.post("/sparql", data=body, content_type=content_type), 403)
    assert body["type"] == "/problems/read-only"
    assert boolean(client.get("/sparql", query_string={"query": "ASK { <a> <b> <c> }"})) is False


def test_post_without_query_is_400(client):
    assert_problem(client.post("/sparql", data={"format": "json"}), 400)


def test_syntax_error_reports_line_and_column(client):
    response = client.get("/sparql", query_string={"query": "SELECT ?s\nWHERE { ?s ?p }"})
    body = assert_problem(response, 400)
    assert body["type"] == "/problems/query-syntax"
    assert body["line"] == 2 and isinstance(body["column"], int)


def test_invalid_utf8_in_query_string_and_body(client):
    assert_problem(client.get("/sparql?query=ASK%20%7B%7D%FF"), 400)
    assert_problem(client.post("/sparql", data=b"ASK {} \xff", content_type=DIRECT), 400)
    assert_problem(client.post("/sparql", data=b"query=ASK%FF", content_type=FORM), 400)


def test_problem_as_plain_text_for_clients_that_prefer_it(client):
    response = client.get("/sparql?query=ASK%20%7B", headers={"Accept": "text/plain"})
    assert response.status_code == 400
    assert response.mimetype == "text/plain"
    assert response.get_data(as_text=True).startswith("400 SPARQL syntax error\n")
