"""What ``/sparql`` answers, on every store backend: content negotiation of results and
graphs, the service description, the YASGUI query page (CORS: test_cors.py); every answer is parsed
back with rdflib."""

from __future__ import annotations

import io
import json

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import FOAF, RDF
from rdflib.query import Result

from graph.store.base import BACKENDS

from .conftest import assert_problem, running_app

K = "http://kasei.us/2009/09/sparql/data/"


@pytest.fixture(scope="module", params=BACKENDS)
def app(request, tiny_path):
    """The same app as test_sparql_protocol.py's: tiny.yaml plus the W3C manifest's graphs."""
    with running_app(tiny_path, BACKEND=request.param, SPARQL_TIMEOUT=3.0) as app:
        store = app.extensions["ekg"].store
        for n in (1, 2, 3):  # the manifest's ut:graphData
            document = URIRef(f"{K}data{n}.rdf")
            store.load([(document, RDF.type, FOAF.Document)], str(document))
        yield app


# -- content negotiation ------------------------------------------------------------------------

SELECT = "SELECT ?e ?label WHERE { ?e a sem:Event ; rdfs:label ?label } ORDER BY ?e"


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "application/sparql-results+json"),
        ("*/*", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("application/json", "application/sparql-results+json"),
        ("text/csv;q=0.4, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
        ("text/tab-separated-values, text/csv", "text/tab-separated-values"),  # tie: document order
        ("text/csv, text/tab-separated-values", "text/csv"),
        ("text/*;q=0.9, text/csv;q=0.1", "text/tab-separated-values"),  # specific range wins
        ("image/png, */*;q=0.1", "application/sparql-results+json"),
    ],
)
def test_select_negotiation(client, accept, expected):
    headers = {"Accept": accept} if accept else {}
    response = client.get("/sparql", query_string={"query": SELECT}, headers=headers)
    assert response.status_code == 200
    assert response.mimetype == expected
    assert "Accept" in response.headers["Vary"]


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_select_results_parse_back(client, fmt):
    response = client.get("/sparql", query_string={"query": SELECT, "format": fmt})
    result = Result.parse(io.BytesIO(response.data), format=fmt)
    labels = sorted(str(row[1]) for row in result)
    assert labels[0] == "Bank of Russia raises its key rate to 17 %"
    assert len(labels) == 4


def test_json_results_keep_datatypes_and_languages(client):
    query = "SELECT ?label ?v { ?q ekg:previousValue ?v . ?e ekg:quantity ?q ; rdfs:label ?label }"
    bindings = client.get("/sparql", query_string={"query": query}).get_json()["results"][
        "bindings"
    ]
    assert bindings == [
        {
            "label": {
                "type": "literal",
                "value": "Bank of Russia raises its key rate to 17 %",
                "xml:lang": "en",
            },
            "v": {
                "type": "literal",
                "value": "10.5",
                "datatype": "http://www.w3.org/2001/XMLSchema#decimal",
            },
        }
    ]


@pytest.mark.parametrize(
    ("accept", "expected", "parser"),
    [
        (None, "text/turtle", "turtle"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/rdf+xml", "application/rdf+xml", "xml"),
        ("application/trig", "application/trig", "trig"),
        ("text/plain", "application/n-triples", "nt"),
    ],
)
def test_construct_negotiation_and_parse_back(client, accept, expected, parser):
    headers = {"Accept": accept} if accept else {}
    query = "CONSTRUCT WHERE { ?a faro:causes ?b }"
    response = client.get("/sparql", query_string={"query": query}, headers=headers)
    assert response.mimetype == expected
    graph = Graph().parse(data=response.data, format=parser)
    assert len(graph) == 2


def test_a_long_query_nobody_can_accept_is_406_not_a_parse_failure(client):
    """The syntax check behind a 406 once used rdflib's parser, which the dates library's
    packrat mode left recursing too deeply on 60 triple patterns (a 400 "nested too
    deeply"); a syntax error still wins over the 406."""
    patterns = " . ".join(f"?s <x:p{i}> ?o{i}" for i in range(60))
    response = client.get(
        "/sparql",
        query_string={"query": f"SELECT * {{ {patterns} }}"},
        headers={"Accept": "image/png"},
    )
    assert_problem(response, 406)
    broken = client.get(
        "/sparql",
        query_string={"query": f"SELECT * {{ {patterns} ?s }}"},
        headers={"Accept": "image/png"},
    )
    assert_problem(broken, 400)


@pytest.mark.parametrize(
    ("query", "accept"),
    [
        ("ASK {}", "text/turtle"),
        (SELECT, "text/turtle"),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "text/csv"),
    ],
)
def test_nothing_acceptable_is_406(client, query, accept):
    response = client.get("/sparql", query_string={"query": query}, headers={"Accept": accept})
    assert_problem(response, 406)


def test_format_parameter_wins_over_accept(client):
    response = client.get(
        "/sparql",
        query_string={"query": SELECT, "format": "csv"},
        headers={"Accept": "application/sparql-results+xml"},
    )
    assert response.mimetype == "text/csv"
    full = client.get(
        "/sparql", query_string={"query": SELECT, "format": "application/sparql-results+xml"}
    )
    assert full.mimetype == "application/sparql-results+xml"
    ask_as_turtle = client.get("/sparql", query_string={"query": "ASK {}", "format": "ttl"})
    assert_problem(ask_as_turtle, 406)


@pytest.mark.parametrize(
    ("query", "fmt", "expected"),
    [
        ("ASK {}", "csv", b"_askResult\r\ntrue\r\n"),
        ("ASK { ?s ?p 'nothing like this' }", "csv", b"_askResult\r\nfalse\r\n"),
        ("ASK {}", "tsv", b"?_askResult\ntrue\n"),
        ("ASK { ?s ?p 'nothing like this' }", "tsv", b"?_askResult\nfalse\n"),
    ],
)
def test_ask_as_csv_and_tsv_is_a_one_column_table(client, query, fmt, expected):
    """The CSV/TSV formats define no ASK form; as Jena/Fuseki do, one `_askResult` column."""
    response = client.get("/sparql", query_string={"query": query, "format": fmt})
    assert response.status_code == 200
    assert response.mimetype == {"csv": "text/csv", "tsv": "text/tab-separated-values"}[fmt]
    assert response.data == expected
    by_accept = client.get(
        "/sparql", query_string={"query": query}, headers={"Accept": response.mimetype}
    )
    assert by_accept.data == expected


@pytest.mark.parametrize(
    ("params", "accept"),
    [
        ({"format": "xml"}, None),
        ({"format": "rdf"}, None),
        ({"format": "application/rdf+xml"}, None),
        ({}, "application/rdf+xml"),
        ({}, "application/xml"),
    ],
)
@pytest.mark.parametrize(
    "form", ["CONSTRUCT WHERE { ?a faro:causes ?b }", "DESCRIBE ?a WHERE { ?a faro:causes ?b }"]
)
def test_graph_results_as_rdf_xml(client, params, accept, form):
    """For CONSTRUCT/DESCRIBE, ``format=xml`` (and XML in Accept) means RDF/XML."""
    headers = {"Accept": accept} if accept else {}
    response = client.get("/sparql", query_string={"query": form, **params}, headers=headers)
    assert response.status_code == 200
    assert response.mimetype == "application/rdf+xml"
    assert len(Graph().parse(data=response.data, format="xml")) >= 2


def test_select_format_xml_stays_sparql_results_xml(client):
    response = client.get("/sparql", query_string={"query": SELECT, "format": "xml"})
    assert response.mimetype == "application/sparql-results+xml"


# -- service description, YASGUI --------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "parser"),
    [
        (None, "turtle"),
        ("text/turtle", "turtle"),
        ("application/rdf+xml", "xml"),
        ("application/ld+json", "json-ld"),
    ],
)
def test_service_description(client, accept, parser):
    headers = {"Accept": accept} if accept else {}
    response = client.get("/sparql", headers=headers)
    assert response.status_code == 200
    graph = Graph().parse(data=response.data, format=parser)
    sd = "http://www.w3.org/ns/sparql-service-description#"
    endpoint = URIRef("http://localhost/sparql")
    assert (endpoint, RDF.type, URIRef(sd + "Service")) in graph
    assert (endpoint, URIRef(sd + "supportedLanguage"), URIRef(sd + "SPARQL11Query")) in graph
    triples = graph.value(
        URIRef("http://example.org/ekg/id/dataset/tiny"), URIRef("http://rdfs.org/ns/void#triples")
    )
    assert int(triples) == 166


def test_html_clients_get_the_query_page(client):
    response = client.get(
        "/sparql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    )
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "yasgui-4.6.2.min.js" in page
    assert "//cdn" not in page and "unpkg" not in page
    config = json.loads(page.split('id="sparql-config">', 1)[1].split("</script>", 1)[0])
    assert config["endpoint"] == "http://localhost/sparql"
    assert {e["name"] for e in config["examples"]} >= {"causes-of-rate-hike", "key-rate-decisions"}
    assert config["prefixes"]["faro"] == "http://purl.org/faro/"
