"""The JSON API: events, Linked Data resources, timelines, claims, analyses, OpenAPI.

Bodies are compared whole against reviewed files in tests/data/api/ on the tiny fixture; the
real events.yaml answers the product's questions.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from openapi_spec_validator import validate
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from graph.pipeline import build_knowledge_graph
from graph.vocab import SEM

from .conftest import DATA, assert_problem, running_app


@pytest.fixture(scope="module")
def client(tiny_path):
    with running_app(tiny_path) as app:
        yield app.test_client()


def expected(name: str) -> dict:
    return json.loads((DATA / "api" / f"{name}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/api/events", "events"),
        ("/api/events/rate-hike", "event-rate-hike"),
        ("/api/claims", "claims"),
        ("/api/chains?source=opec-no-cut&target=rate-hike", "chains-opec-hike"),
        ("/api/timeline", "timeline"),
        ("/api/timeline/timelinejs", "timelinejs"),
    ],
)
def test_bodies_on_the_tiny_fixture(client, url, name):
    response = client.get(url)
    assert response.status_code == 200
    assert response.get_json() == expected(name)


# -- events: filters and paging -------------------------------------------------------------------


def _ids(response) -> list[str]:
    return [event["id"] for event in response.get_json()["events"]]


WINDOW_15 = ["oil-below-60", "ruble-falls", "rate-hike"]
WINDOW_16 = ["oil-below-60", "rate-hike"]


@pytest.mark.parametrize(
    ("query", "ids"),
    [
        ("lane=oil", ["opec-no-cut", "oil-below-60"]),
        ("lane=oil,markets", ["opec-no-cut", "oil-below-60", "ruble-falls"]),
        ("lane=oil&lane=markets", ["opec-no-cut", "oil-below-60", "ruble-falls"]),
        ("type=key-rate-decision", ["rate-hike"]),
        ("actor=opec", ["opec-no-cut"]),
        ("place=moscow", ["ruble-falls", "rate-hike"]),
        ("from=2014-12-15&to=2014-12-15", ["oil-below-60", "ruble-falls"]),
        ("from=2014-12", ["oil-below-60", "ruble-falls", "rate-hike"]),
        ("to=2014-11", ["opec-no-cut"]),
        # the 01:00 MSK (+03:00) hike of 16 December is 22:00 UTC on the 15th; the events
        # known to a day (ruble-falls on the 15th, oil-below-60 up to the 16th) are met on
        # their own calendar
        ("from=2014-12-15T21:30:00Z&to=2014-12-15T22:30:00Z", WINDOW_15),
        ("from=2014-12-15T21:30:00%2B00:00&to=2014-12-15T22:30:00%2B00:00", WINDOW_15),
        ("from=2014-12-15T21:30:00+00:00&to=2014-12-15T22:30:00+00:00", WINDOW_15),
        ("from=2014-12-16T00:30:00Z&to=2014-12-16T01:30:00Z", ["oil-below-60"]),
        ("from=2014-12-16T00:30:00%2B00:00&to=2014-12-16T01:30:00%2B00:00", ["oil-below-60"]),
        ("from=2014-12-16T00:30:00%2B03:00&to=2014-12-16T01:30:00%2B03:00", WINDOW_16),
        ("from=2014-12-16&to=2014-12-16", ["oil-below-60", "rate-hike"]),
        ("q=RUBLE", ["ruble-falls"]),
        ("sort=-date", ["rate-hike", "ruble-falls", "oil-below-60", "opec-no-cut"]),
        ("sort=label", ["rate-hike", "oil-below-60", "opec-no-cut", "ruble-falls"]),
        ("status=qualified", ["oil-below-60", "ruble-falls"]),
    ],
)
def test_event_filters(client, query, ids):
    assert _ids(client.get(f"/api/events?{query}")) == ids


def test_time_window_in_utc_on_the_real_events(real_client):
    around = "/api/events?from=2014-12-15T21:30:00Z&to=2014-12-15T22:30:00Z"
    assert "cbr-hike-to-17" in _ids(real_client.get(around))
    later = "/api/events?from=2014-12-16T00:30:00Z&to=2014-12-16T01:30:00Z"
    assert "cbr-hike-to-17" not in _ids(real_client.get(later))
    day = "/api/events?from=2014-12-16&to=2014-12-16&limit=1000"
    assert "cbr-hike-to-17" in _ids(real_client.get(day))


def test_keyset_paging_with_link_header(client):
    seen, url = [], "/api/events?limit=1&lane=oil,markets,monetary-policy"
    while url:
        response = client.get(url)
        body = response.get_json()
        assert body["count"] == len(body["events"]) == 1
        seen += _ids(response)
        if body["next"] is None:
            assert "Link" not in response.headers
            break
        link = response.headers["Link"]
        assert link.endswith('>; rel="next"')
        target = urlsplit(link[1 : link.index(">")])
        assert parse_qs(target.query)["next"] == [body["next"]]
        url = f"{target.path}?{target.query}"
    assert seen == ["opec-no-cut", "oil-below-60", "ruble-falls", "rate-hike"]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("limit=0", "limit"),
        ("limit=1001", "limit"),
        ("limit=ten", "limit"),
        ("from=yesterday", "from"),
        ("to=2014-13", "to"),
        ("sort=size", "sort"),
        ("status=maybe", "status"),
        ("colour=red", "colour"),
        ("q=" + "x" * 201, "q"),
        ("limit=2&limit=3", "limit"),
    ],
)
def test_invalid_parameters_are_named(client, query, parameter):
    assert_problem(client.get(f"/api/events?{query}"), 400, parameter)


def test_bad_page_token(client):
    body = assert_problem(client.get("/api/events?next=garbage"), 400)
    assert body["type"] == "/problems/invalid-page-token"


# -- the event resource ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "parser"),
    [
        ("text/turtle", "turtle"),
        ("application/ld+json", "json-ld"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "xml"),
    ],
)
def test_event_as_linked_data(client, accept, parser):
    response = client.get("/api/events/rate-hike", headers={"Accept": accept})
    assert response.mimetype == accept
    assert "Accept" in response.headers["Vary"]
    graph = Graph().parse(data=response.data, format=parser)
    event = URIRef("http://example.org/ekg/id/event/rate-hike")
    assert (event, RDF.type, SEM.Event) in graph
    assert graph.value(URIRef("http://example.org/ekg/id/quantity/rate-hike-1"), RDF.type)
    link = URIRef("http://example.org/ekg/id/link/ruble-to-hike")
    assert (link, RDF.type, None) in graph  # the incoming link's record


def test_event_page_for_browsers(client):
    response = client.get("/api/events/rate-hike", headers={"Accept": "text/html"})
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "Bank of Russia raises its key rate to 17 %" in page
    assert "/api/events/ruble-falls" in page
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_event_iri_resolves(client):
    response = client.get("/ekg/id/event/rate-hike")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/api/events/rate-hike")


def test_unknown_event_and_unacceptable_type(client):
    assert_problem(client.get("/api/events/no-such-event"), 404)
    assert_problem(client.get("/api/events/rate-hike", headers={"Accept": "image/png"}), 406)


def test_claims_filters(client):
    body = client.get("/api/claims?verdict=opinion").get_json()
    assert [c["id"] for c in body["claims"]] == ["claim-world-crisis"]
    body = client.get("/api/claims?about=rate-hike").get_json()
    assert [c["id"] for c in body["claims"]] == ["claim-rate-17"]
    assert_problem(client.get("/api/claims?verdict=true"), 400, "verdict")


# -- analyses on the real data ------------------------------------------------------------------

OPEC, SHARES, HIKE = "opec-decides-no-cut", "bank-and-energy-shares-fall-dec-16", "cbr-hike-to-17"


def test_shortest_chain_from_opec_to_the_sberbank_share_fall(real_client):
    body = real_client.get(f"/api/chains?source={OPEC}&target={SHARES}").get_json()
    first = body["chains"][0]
    assert first == {
        "events": [OPEC, "oil-slides-to-60", "ruble-black-tuesday", SHARES],
        "links": [
            "opec-no-cut-drives-oil-slide",
            "oil-slide-weakens-ruble-dec-16",
            "ruble-fall-hits-bank-shares-dec-16",
        ],
        "strength": 0.421875,
        "weakest_link": "opec-no-cut-drives-oil-slide",
        "weakest_confidence": 0.75,
    }
    lengths = [len(chain["links"]) for chain in body["chains"]]
    assert lengths == sorted(lengths) and body["count"] == len(body["chains"]) > 1


def test_no_chain_is_an_empty_list(real_client):
    body = real_client.get(f"/api/chains?source={SHARES}&target={OPEC}").get_json()
    assert body == {"chains": [], "count": 0, "event_labels": {}}


def test_chain_options(real_client):
    deep = real_client.get(f"/api/chains?source={OPEC}&target={SHARES}&max_depth=2").get_json()
    assert deep["chains"] == []
    only = real_client.get(f"/api/chains?source={OPEC}&target={SHARES}&status=supported")
    assert all(len(c["links"]) >= 3 for c in only.get_json()["chains"])
    assert_problem(
        real_client.get(f"/api/chains?source={OPEC}&target={SHARES}&max_depth=99"), 400, "max_depth"
    )
    assert_problem(real_client.get(f"/api/chains?source={OPEC}&target=nowhere"), 404)
    assert_problem(real_client.get(f"/api/chains?source={OPEC}"), 400, "target")


def test_causes_of_the_rate_hike(real_client):
    body = real_client.get(f"/api/causes/{HIKE}").get_json()
    depths = {reach["event"]: reach["depth"] for reach in body["ancestors"]}
    assert depths["ruble-black-monday"] == 1
    assert depths[OPEC] == 3
    assert "ufsa-passed-by-congress" not in depths  # only via a contested link
    assert OPEC in body["roots"]
    every = real_client.get(f"/api/causes/{HIKE}?status=supported,qualified,unsupported")
    assert "ufsa-passed-by-congress" in {r["event"] for r in every.get_json()["ancestors"]}


def test_analyses_follow_links_stated_as_facts_unless_told(real_client):
    """One default, everywhere (graph.causal's too): a contested link is never followed, nor
    listed as a cause, unless asked for; a `status` list replaces the default, not widens it."""
    monday, ufsa = "ruble-black-monday", "ufsa-passed-by-congress"

    def ancestors(query: str = "") -> set[str]:
        body = real_client.get(f"/api/causes/{monday}?{query}").get_json()
        return {reach["event"] for reach in body["ancestors"]}

    default = ancestors()
    assert ufsa not in default and default == ancestors("status=supported,qualified")
    gulf = "uae-minister-opec-holds-even-at-40"
    assert ancestors("status=unsupported") == {ufsa} and ancestors("status=contested") == set()
    assert ancestors("status=supported,qualified,contested,unsupported") == default | {
        ufsa,
        gulf,  # C13, contested, into Brent's fall below $60: part of the oil slide
        "yanukovych-removed",  # C14, unsupported, into the first sanctions wave
    }

    def causes(query: str = "") -> set[str]:
        body = real_client.get(f"/api/compare?a={monday}&b={HIKE}&{query}").get_json()
        return {link["cause"] for link in body["a"]["causes"]}

    assert ufsa not in causes() and ufsa in causes("status=supported,qualified,unsupported")


def test_effects_what_if_drivers_longest(real_client):
    effects = real_client.get(f"/api/effects/{OPEC}?max_depth=1").get_json()
    assert {r["event"] for r in effects["descendants"]} == {"oil-slides-to-60", "ruble-fall-dec-1"}
    what_if = real_client.get("/api/what-if?remove=ruble-black-monday").get_json()
    assert "cbr-hike-to-17" in {r["event"] for r in what_if["orphaned"]}
    drivers = real_client.get("/api/drivers?limit=3").get_json()
    assert drivers["count"] == 3
    scores = [d["score"] for d in drivers["drivers"]]
    assert scores == sorted(scores, reverse=True)
    longest = real_client.get("/api/longest-chain").get_json()
    assert len(longest["links"]) == len(longest["events"]) - 1 >= 4


def test_consistency_of_the_real_data(real_client):
    body = real_client.get("/api/consistency").get_json()
    assert body["cycles"] == []
    # Supported and qualified links are checked at load time; the one inversion is the seed
    # article's reversed chronology (1993 assault -> 1992 shock therapy), kept as unsupported.
    assert [i["link"] for i in body["time_inversions"]] == ["tank-assault-starts-shock-therapy"]
    # ... which the article states in a claim graded misstated.
    assert [c["claim"] for c in body["contradicted_claims"]] == ["claim-started-with-tank-assault"]


def test_temporal_relation_is_honest(real_client):
    body = real_client.get(f"/api/temporal?a=ruble-black-monday&b={HIKE}").get_json()
    assert body["relations"] == ["before"] and body["decided"] is True
    vague = real_client.get("/api/temporal?a=crimea-troop-deployment&b=cbr-hike-to-7").get_json()
    assert vague["decided"] is False and " or " in vague["phrase"]


def test_compare_1998_and_2014(real_client):
    body = real_client.get(f"/api/compare?a=cbr-refinancing-rate-to-150&b={HIKE}").get_json()
    assert body["a"]["date"]["edtf"] == "1998-05-27"
    assert [link["id"] for link in body["similar_links"]] == ["hike-to-17-like-1998-rate-tripling"]
    assert body["relation"]["relations"] == ["before"]


@pytest.mark.parametrize("fmt", ["cytoscape", "dot", "svg"])
def test_graph_exports(real_client, fmt):
    response = real_client.get(f"/api/graph?focus={HIKE}&depth=1&format={fmt}")
    assert response.status_code == 200, response.data
    if fmt == "cytoscape":
        elements = response.get_json()["elements"]
        assert HIKE in {node["data"]["id"] for node in elements["nodes"]}
        assert elements["edges"]
    elif fmt == "dot":
        assert response.get_data(as_text=True).startswith("digraph")
    else:
        assert response.mimetype == "image/svg+xml"
        assert b"<svg" in response.data


def test_graph_of_a_chain_and_bad_selection(real_client):
    chain = ",".join([OPEC, "oil-slides-to-60", "ruble-black-tuesday", SHARES])
    elements = real_client.get(f"/api/graph?chain={chain}").get_json()["elements"]
    assert len(elements["nodes"]) == 4 and len(elements["edges"]) == 3
    both = f"/api/graph?chain={chain}&focus={HIKE}"  # neither is the whole graph
    assert_problem(real_client.get(both), 400, "focus")
    assert_problem(real_client.get(f"/api/graph?focus={HIKE}&depth=9"), 400, "depth")


# -- OpenAPI ------------------------------------------------------------------------------------


def test_openapi_spec_is_valid_and_complete(client):
    spec = client.get("/openapi.json").get_json()
    validate(spec)
    paths = set(spec["paths"])
    assert {
        "/api/events",
        "/api/events/{event_id}",
        "/api/timeline",
        "/api/chains",
        "/api/causes/{event_id}",
        "/api/what-if",
        "/api/graph",
    } <= paths
    limit = next(
        p for p in spec["paths"]["/api/events"]["get"]["parameters"] if p["name"] == "limit"
    )
    assert limit["schema"]["minimum"] == 1 and limit["schema"]["maximum"] == 1000
    problem = spec["components"]["responses"]["DEFAULT_ERROR"]["content"]
    assert "application/problem+json" in problem


def test_docs_page_is_served_from_vendored_files(client):
    page = client.get("/docs").get_data(as_text=True)
    assert "swagger-ui-bundle-5.35.0.js" in page and "/openapi.json" in page
    assert "cdn" not in page.lower()


def test_docs_page_is_titled_with_the_dataset(client):
    from service.runtime import state

    with client.application.app_context():
        title = state.built().dataset.info.title
    assert title and title != "API documentation"
    page = client.get("/docs").get_data(as_text=True)
    assert f"<title>API documentation \u2013 {title}</title>" in page
    assert " ".join(page.split()).count(f"The HTTP API of {title},") == 1
    assert "The HTTP API of API documentation" not in page


def test_far_future_and_raw_bytes_are_client_errors(client):
    assert client.get("/api/events?from=9999-12").status_code == 200
    raw = client.get("/api/events", environ_overrides={"QUERY_STRING": "q=\xff"})
    assert raw.status_code == 400 and raw.mimetype == "application/problem+json"


@pytest.mark.parametrize("path", ["/api/timeline", "/api/timeline/timelinejs", "/api/events"])
def test_pages_carry_an_etag_and_answer_304(client, path):
    first = client.get(f"{path}?lane=oil&limit=1")
    assert first.status_code == 200 and first.headers["Cache-Control"] == "no-cache"
    etag = first.headers["ETag"]
    again = client.get(f"{path}?limit=1&lane=oil")  # same arguments in another order
    assert again.headers["ETag"] == etag and again.data == first.data
    assert again.headers.get("Link") == first.headers.get("Link")
    unchanged = client.get(f"{path}?lane=oil&limit=1", headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.data == b""
    other = client.get(f"{path}?lane=markets&limit=1", headers={"If-None-Match": etag})
    assert other.status_code == 200 and other.headers["ETag"] != etag


def test_cached_pages_belong_to_one_data_version(make_app, tiny_path, events_path):
    app = make_app(tiny_path)
    client = app.test_client()
    before = client.get("/api/timeline?limit=50")
    assert_problem(client.get("/api/timeline?limit=0"), 400, "limit")  # errors are not kept
    generations = app.extensions["ekg_generations"]
    generations.serve(build_knowledge_graph(events_path))
    after = client.get("/api/timeline?limit=50", headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and after.headers["ETag"] != before.headers["ETag"]
    assert after.get_json()["count"] > before.get_json()["count"]
    assert_problem(client.get("/api/timeline?limit=0"), 400, "limit")
