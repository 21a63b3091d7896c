"""``GET /api/links`` (issue 16): the causal links of the dataset, filtered like the events,
with their events, asserters and sources -- and the shipped SPARQL query that lists the
disputed ones over ``ekg:CausalLink`` nodes answers the same."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from graph.queries import load_query
from graph.timeline import Labels, select_links

from .conftest import assert_problem

ID = "http://example.org/ekg/id/"
DISPUTED = {"contested", "unsupported"}


def links(real_client, query: str = "") -> list[dict]:
    response = real_client.get(f"/api/links?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["count"] == len(body["links"]) and body["next"] is None
    return body["links"]


def ids(records: list[dict]) -> set[str]:
    return {record["id"] for record in records}


def test_every_status_is_listed_unless_asked(real_client, real):
    assert ids(links(real_client)) == {link.id for link in real.links}
    assert {record["status"] for record in links(real_client)} >= {"supported", "qualified"}


def test_disputed_links_are_exactly_the_datasets_with_their_asserters(real_client, real):
    expected = {link.id: link for link in real.links if link.status in DISPUTED}
    assert expected  # the dataset has at least one contested link
    names = Labels.of(real)
    found = links(real_client, "status=contested,unsupported")
    assert ids(found) == set(expected)
    for record in found:
        link = expected[record["id"]]
        assert record["status"] in DISPUTED
        assert [a["id"] for a in record["asserted_by"]] == list(link.asserted_by)
        assert record["asserted_by"], record  # each disputed link says who asserts it
        for asserter in record["asserted_by"]:
            assert asserter["label"] != asserter["id"]
            assert asserter["type"] in ("publication", "actor")
        assert record["cause"] == {"id": link.cause, "label": names.events[link.cause]}
        assert record["effect"] == {"id": link.effect, "label": names.events[link.effect]}
        assert record["ref"] == link.ref
        assert [s["url"] for s in record["sources"]] == [s.url for s in link.sources]
    assert ids(links(real_client, "status=contested&status=unsupported")) == set(expected)


def test_the_seed_articles_links_name_it_by_its_title(real_client, real):
    found = links(real_client, "asserter=seed-article")
    assert ids(found) == {link.id for link in real.links if "seed-article" in link.asserted_by}
    title = next(p.title for p in real.publications if p.id == "seed-article")
    for record in found:
        seed = next(a for a in record["asserted_by"] if a["id"] == "seed-article")
        assert seed == {"id": "seed-article", "label": title, "type": "publication"}


def test_filters_by_kind_and_asserter(real_client, real):
    kinds = {"similar_to", "correlates_with"}
    assert ids(links(real_client, "kind=similar_to,correlates_with")) == {
        link.id for link in real.links if link.kind in kinds
    }
    who = {"elvira-nabiullina", "barack-obama"}
    assert ids(links(real_client, "asserter=elvira-nabiullina,barack-obama")) == {
        link.id for link in real.links if who & set(link.asserted_by)
    }


def test_filter_by_event_returns_every_link_touching_it(real_client, real):
    hike = "cbr-hike-to-17"
    found = links(real_client, f"event={hike}")
    assert found and all(hike in (r["cause"]["id"], r["effect"]["id"]) for r in found)
    assert ids(found) == {link.id for link in real.links if hike in (link.cause, link.effect)}


def test_filters_combine(real_client, real):
    found = links(real_client, "event=cbr-hike-to-17&kind=contributes_to,causes&status=supported")
    assert ids(found) == {
        link.id
        for link in real.links
        if "cbr-hike-to-17" in (link.cause, link.effect)
        and link.kind in {"contributes_to", "causes"}
        and link.status == "supported"
    }
    assert links(real_client, "asserter=seed-article&status=supported,qualified,contested") == [
        r for r in links(real_client, "asserter=seed-article") if r["status"] != "unsupported"
    ]
    assert links(real_client, "event=nowhere") == []


def test_the_links_match_the_event_resources_links(real_client):
    hike = real_client.get("/api/events/cbr-hike-to-17").get_json()
    seen = {r["link_id"]: r for r in hike["causes"] + hike["effects"] + hike["similar"]}
    for record in links(real_client, "event=cbr-hike-to-17"):
        other = seen[record["id"]]
        for field in ("kind", "confidence", "status", "note"):
            assert record[field] == other[field]


def test_pages_follow_next_and_the_link_header(real_client, real):
    collected, url = [], "/api/links?limit=7&status=supported,qualified"
    while url:
        response = real_client.get(url)
        body = response.get_json()
        assert body["count"] == sum(
            link.status in ("supported", "qualified") for link in real.links
        )
        collected += body["links"]
        if body["next"] is None:
            assert "Link" not in response.headers
            break
        assert 'rel="next"' in response.headers["Link"]
        assert parse_qs(urlsplit(response.headers["Link"][1:].split(">")[0]).query)["next"] == [
            body["next"]
        ]
        url = f"/api/links?limit=7&status=supported,qualified&next={body['next']}"
    assert [r["id"] for r in collected] == sorted(ids(collected))
    assert len(collected) == len(ids(collected)) == body["count"]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("status=disputed", "status"),
        ("status=contested,nope", "status"),
        ("kind=because", "kind"),
        ("limit=0", "limit"),
        ("limit=1001", "limit"),
        ("colour=red", "colour"),
    ],
)
def test_invalid_parameters_are_problems_naming_them(real_client, query, parameter):
    assert_problem(real_client.get(f"/api/links?{query}"), 400, parameter)


def test_a_page_token_not_made_here_is_a_problem(real_client):
    assert_problem(real_client.get("/api/links?next=garbage"), 400)
    assert_problem(real_client.get("/api/links?next=l1.%%%"), 400)


def test_the_openapi_document_says_status_has_no_default_here(real_client):
    spec = real_client.get("/openapi.json").get_json()
    operation = spec["paths"]["/api/links"]["get"]
    status = next(p for p in operation["parameters"] if p["name"] == "status")
    assert "default" not in status["schema"]
    assert "every status" in status["description"]
    assert {p["name"] for p in operation["parameters"]} == {
        "status", "kind", "asserter", "narrative", "story", "event", "limit", "next", "format"
    }  # fmt: skip


def test_select_links_is_pure_and_ordered(real):
    page = select_links(real, statuses=["contested"], limit=1)
    assert page.count == sum(link.status == "contested" for link in real.links)
    everything = select_links(real)
    assert [link.id for link in everything.links] == sorted(link.id for link in real.links)
    with pytest.raises(ValueError, match="limit"):
        select_links(real, limit=0)


def test_the_disputed_links_query_answers_as_the_api(real_client, real_store, quirks):
    """disputed-links.rq lists, over ekg:CausalLink nodes (ekg:status, prov:wasAttributedTo),
    the same links and asserters as /api/links?status=contested,unsupported."""
    rows = real_store.query(load_query("disputed-links")).rows
    assert rows
    from_sparql = {
        (str(row[0]).removeprefix(f"{ID}link/"), str(row[5]).rsplit("/", 1)[1], str(row[6]))
        for row in rows
    }
    from_api = {
        (record["id"], asserter["id"], asserter["label"])
        for record in links(real_client, "status=contested,unsupported")
        for asserter in record["asserted_by"]
    }
    assert from_sparql == from_api
    statuses = {str(row[2]).rsplit("#", 1)[-1].rsplit("/", 1)[-1].lower() for row in rows}
    assert statuses <= DISPUTED
