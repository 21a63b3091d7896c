"""The claims as schema.org ClaimReview JSON-LD: ``GET /api/claims`` with
``Accept: application/ld+json`` (graph/timeline/claimreview.py).

The document is read as RDF by rdflib's JSON-LD parser and expanded by pyld, both offline: the
``@context`` is inline, and pyld's document loader here refuses any fetch.
"""

from __future__ import annotations

import json

import pytest
import schemathesis
from pyld import jsonld
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF
from werkzeug.test import TestResponse

from graph import vocab
from graph.data.loader import load_dataset
from graph.timeline.claimreview import BEST_RATING, RATING_VALUES, WORST_RATING

from .conftest import assert_problem, running_app

SDO = Namespace("http://schema.org/")
LD = "application/ld+json"


@pytest.fixture(scope="module")
def client(tiny_path):
    with running_app(tiny_path) as app:
        yield app.test_client()


@pytest.fixture(scope="module")
def real_dataset(events_path):
    return load_dataset(events_path)


def _graph(response) -> Graph:
    assert response.status_code == 200
    assert response.mimetype == LD
    return Graph().parse(data=response.data, format="json-ld")


def _reviews(graph: Graph) -> list:
    return list(graph.subjects(RDF.type, SDO.ClaimReview))


def test_every_claim_is_a_claim_review_of_the_article(real_client, real_dataset):
    graph = _graph(real_client.get("/api/claims", headers={"Accept": LD}))
    reviews = _reviews(graph)
    assert len(reviews) == len(real_dataset.claims) > 20
    article = next(p for p in real_dataset.publications if p.id == "seed-article")
    verdicts = {claim.text: claim.verdict for claim in real_dataset.claims}
    for review in reviews:
        text = graph.value(review, SDO.claimReviewed)
        assert str(text) in verdicts
        item = graph.value(review, SDO.itemReviewed)
        assert (item, RDF.type, SDO.CreativeWork) in graph
        assert graph.value(item, SDO.name) == Literal(article.title)
        assert graph.value(item, SDO.datePublished) == Literal("2014-12-16", datatype=SDO.Date)
        rating = graph.value(review, SDO.reviewRating)
        assert (rating, RDF.type, SDO.Rating) in graph
        assert graph.value(rating, SDO.alternateName) == Literal(verdicts[str(text)])
        author = graph.value(review, SDO.author)
        assert (author, RDF.type, SDO.Organization) in graph
        assert graph.value(author, SDO.name) == Literal(real_dataset.info.title)
        assert str(graph.value(review, SDO.url)).startswith(real_dataset.info.base + "claim/")


def test_numeric_ratings_only_for_graded_verdicts(real_client):
    """verified is the best point, misstated the worst, partly-supported the middle;
    article-only and opinion have a name and no number."""
    graph = _graph(real_client.get("/api/claims", headers={"Accept": LD}))
    seen = set()
    for rating in graph.subjects(RDF.type, SDO.Rating):
        verdict = str(graph.value(rating, SDO.alternateName))
        value = graph.value(rating, SDO.ratingValue)
        seen.add(verdict)
        if verdict in RATING_VALUES:
            assert value.toPython() == RATING_VALUES[verdict]
            assert graph.value(rating, SDO.bestRating).toPython() == BEST_RATING
            assert graph.value(rating, SDO.worstRating).toPython() == WORST_RATING
        else:
            assert value is None and graph.value(rating, SDO.bestRating) is None
    assert seen == {"verified", "partly-supported", "article-only", "misstated", "opinion"}


def _no_fetch(url, options=None):
    raise AssertionError(f"the document made pyld fetch {url}")


def test_expands_offline_with_pyld(real_client, real_dataset):
    document = json.loads(real_client.get("/api/claims", headers={"Accept": LD}).data)
    expanded = jsonld.expand(document, {"documentLoader": _no_fetch})
    reviews = [node for node in expanded if f"{SDO}ClaimReview" in node.get("@type", [])]
    assert len(reviews) == len(real_dataset.claims)
    for node in reviews:
        for term in ("claimReviewed", "itemReviewed", "reviewRating", "author", "url"):
            assert f"{SDO}{term}" in node, term
        (rating,) = node[f"{SDO}reviewRating"]
        assert rating[f"{SDO}alternateName"][0]["@value"] in vocab.CLAIM_VERDICTS
    # The same triples as rdflib reads.
    nquads = jsonld.to_rdf(document, {"format": "application/n-quads", "documentLoader": _no_fetch})
    ours = Graph().parse(data=nquads, format="nt")
    theirs = Graph().parse(data=json.dumps(document), format="json-ld")
    assert len(ours) == len(theirs) > 0


@pytest.mark.parametrize(
    ("query", "ids"),
    [("verdict=opinion", ["claim-world-crisis"]), ("about=rate-hike", ["claim-rate-17"])],
)
def test_filters_apply_to_the_json_ld(client, query, ids):
    graph = _graph(client.get(f"/api/claims?{query}", headers={"Accept": LD}))
    urls = sorted(str(graph.value(review, SDO.url)) for review in _reviews(graph))
    assert urls == [f"http://example.org/ekg/id/claim/{claim}" for claim in ids]
    json_ids = [c["id"] for c in client.get(f"/api/claims?{query}").get_json()["claims"]]
    assert json_ids == ids


def test_about_links_the_events(client):
    graph = _graph(client.get("/api/claims?about=rate-hike", headers={"Accept": LD}))
    (review,) = _reviews(graph)
    assert graph.value(review, SDO.about) == URIRef("http://example.org/ekg/id/event/rate-hike")


@pytest.mark.parametrize(
    ("accept", "mimetype"),
    [
        (None, "application/json"),
        ("*/*", "application/json"),
        ("application/json", "application/json"),
        ("application/ld+json", LD),
        ("application/json;q=0.5, application/ld+json", LD),
        ("application/ld+json;q=0.2, application/json", "application/json"),
        ("application/*;q=0.9, application/ld+json", LD),
        ("application/ld+json;q=0, */*", "application/json"),
        ("text/html;q=0.9, application/ld+json;q=0.8", LD),
    ],
)
def test_accept_negotiation(client, accept, mimetype):
    headers = {"Accept": accept} if accept else {}
    response = client.get("/api/claims", headers=headers)
    assert response.status_code == 200
    assert response.mimetype == mimetype
    assert "Accept" in response.headers["Vary"]


def test_json_stays_the_default_body(client):
    plain = client.get("/api/claims")
    assert client.get("/api/claims", headers={"Accept": "application/json"}).data == plain.data
    assert set(plain.get_json()) == {"claims", "count"}


@pytest.mark.parametrize("accept", ["text/turtle", "image/png", "application/ld+json;q=0"])
def test_unsupported_type_is_406(client, accept):
    assert_problem(client.get("/api/claims", headers={"Accept": accept}), 406)


def test_bad_filters_are_400_before_negotiation(client):
    response = client.get("/api/claims?verdict=true", headers={"Accept": LD})
    assert_problem(response, 400, "verdict")


def test_the_document_states_the_json_ld_alternative(client):
    operation = client.get("/openapi.json").get_json()["paths"]["/api/claims"]["get"]
    assert {"application/json", LD} <= set(operation["responses"]["200"]["content"])
    assert "406" in operation["responses"]


# cbr-repo-auction: an event no claim is about (the empty @graph; an unknown id is a 400).
@pytest.mark.parametrize("query", ["", "?verdict=opinion", "?about=cbr-repo-auction"])
def test_json_ld_answers_conform_to_the_document(events_path, make_app, query):
    """The ``application/ld+json`` answer is held to its closed schema in the OpenAPI document,
    and a body off that schema fails the same check."""
    app = make_app(events_path)
    api = schemathesis.openapi.from_wsgi("/openapi.json", app)
    operation = api.find_operation_by_path("GET", "/api/claims")
    response = app.test_client().get(f"/api/claims{query}", headers={"Accept": LD})
    operation.validate_response(response)  # raises, naming every violation
    body = json.loads(response.data)
    body["@graph"].append({**(body["@graph"] or [{}])[0], "unexpected": 1})
    spoiled = TestResponse(
        [json.dumps(body).encode()],
        response.status,
        [(k, v) for k, v in response.headers.items() if k != "Content-Length"],
        request=response.request,
    )
    assert not operation.is_valid_response(spoiled)
