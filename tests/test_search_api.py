"""Search over HTTP: /api/search (type-ahead, best matches with score and matched words) and
/api/events?q= (every word must match; best match first unless a sort is asked for)."""

from urllib.parse import quote

import pytest

from tests.conftest import assert_problem

FALL = "bank-and-energy-shares-fall-dec-16"


def ids(items) -> list[str]:
    return [item["id"] for item in items]


def test_search_finds_bank_shares_first(real_client):
    body = real_client.get("/api/search?q=bank%20shares&limit=3").get_json()
    first = body["matches"][0]
    assert first["id"] == FALL
    assert first["story"] == "ruble-crisis-2014"
    assert first["score"] == 2_004_000
    assert first["matched"] == {"label": ["shares", "bank"], "other": []}
    assert first["date"]["display"] == "16 December 2014"
    assert body["count"] == len(body["matches"]) <= 3
    scores = [m["score"] for m in body["matches"]]
    assert scores == sorted(scores, reverse=True)


def test_search_bank_gives_label_whole_words_first_within_a_story(real_client):
    body = real_client.get("/api/search?q=BANK&story=ruble-crisis-2014&limit=50").get_json()
    assert {m["story"] for m in body["matches"]} == {"ruble-crisis-2014"}
    in_label = [m for m in body["matches"] if m["matched"]["label"]]
    assert body["matches"][: len(in_label)] == in_label and len(in_label) > 10
    assert FALL in ids(in_label)


def test_search_with_a_word_nothing_has_is_empty(real_client):
    assert real_client.get("/api/search?q=bank%20zzyzx").get_json() == {"matches": [], "count": 0}
    body = real_client.get("/api/events?q=bank%20zzyzx").get_json()
    assert body["events"] == [] and body["next"] is None


def test_search_ignores_case_and_accents(real_client):
    plain = real_client.get("/api/search?q=bank%20shares").get_json()
    accented = real_client.get("/api/search?q=" + quote("BÄNK Shàres")).get_json()
    assert plain == accented


@pytest.mark.parametrize(
    ("query", "parameter"),
    [("", "q"), ("q=", "q"), ("q=bank&limit=0", "limit"), ("q=bank&limit=51", "limit")],
)
def test_search_parameters_are_checked(real_client, query, parameter):
    problem = assert_problem(real_client.get(f"/api/search?{query}"), 400, parameter)
    if not query:
        assert "give q" in problem["detail"]


def test_search_of_an_unknown_story_is_404(real_client):
    assert_problem(real_client.get("/api/search?q=bank&story=no-such-story"), 404)


def test_events_q_defaults_to_relevance_order(real_client):
    best = real_client.get("/api/search?q=bank%20shares&limit=50").get_json()["matches"]
    events = real_client.get("/api/events?q=bank%20shares&limit=50").get_json()["events"]
    assert ids(events) == ids(best)
    assert ids(events)[0] == FALL
    dated = real_client.get("/api/events?q=bank%20shares&sort=date&limit=50").get_json()
    assert sorted(ids(dated["events"])) == sorted(ids(events))
    begins = [e["date"]["begin"][:10] for e in dated["events"]]
    assert begins == sorted(begins)


def test_events_relevance_pages_join_up(real_client):
    every = ids(real_client.get("/api/search?q=bank&limit=50").get_json()["matches"])
    seen, url = [], "/api/events?q=bank&limit=4"
    while url:
        response = real_client.get(url)
        body = response.get_json()
        seen += ids(body["events"])
        url = body["next"] and f"/api/events?q=bank&limit=4&next={body['next']}"
        if body["next"]:
            assert 'rel="next"' in response.headers["Link"]
    assert seen[: len(every)] == every and len(seen) >= len(every) == 50


def test_relevance_token_of_another_query_is_a_400(real_client):
    token = real_client.get("/api/events?q=bank&limit=2").get_json()["next"]
    assert_problem(real_client.get(f"/api/events?q=ruble&limit=2&next={token}"), 400)
    assert_problem(real_client.get(f"/api/events?q=bank&sort=date&next={token}"), 400)


def test_sort_relevance_needs_q(real_client):
    problem = assert_problem(real_client.get("/api/events?sort=relevance"), 400, "sort")
    assert "give q" in problem["detail"]
    assert_problem(real_client.get("/api/events?sort=relevance&q=%20"), 400, "sort")


def test_timeline_takes_q_in_relevance_order(real_client):
    body = real_client.get("/api/timeline?q=bank%20shares&limit=5").get_json()
    assert str(body["items"][0]["id"]) == FALL


def test_openapi_documents_search(real_client):
    spec = real_client.get("/openapi.json").get_json()
    operation = spec["paths"]["/api/search"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"q", "story", "limit"} <= names
    sort = next(p for p in spec["paths"]["/api/events"]["get"]["parameters"] if p["name"] == "sort")
    assert "relevance" in sort["schema"]["enum"] and "relevance" in sort["description"]


@pytest.mark.parametrize("q", ["e", "a b c", "é", "-"])
def test_search_needs_a_word_of_two_characters(real_client, q):
    body = assert_problem(real_client.get("/api/search?q=" + quote(q)), 400, "q")
    assert "2 or more characters" in body["detail"]
    assert body["errors"][0]["location"] == "query"


def test_a_two_letter_word_is_enough(real_client):
    assert real_client.get("/api/search?q=a%20oi").status_code == 200
    assert real_client.get("/api/search?q=--").status_code == 200  # no letters: itself a word
