"""Problems as people read them: a list parameter's bad value named with the allowed values
(not a Python dict's text), and an id the data does not have named, not an empty 200."""

from __future__ import annotations

import pytest

from .conftest import assert_problem, running_app


@pytest.fixture(scope="module")
def client(tiny_path):
    with running_app(tiny_path) as app:
        yield app.test_client()


@pytest.mark.parametrize(
    ("url", "parameter", "said"),
    [
        (
            "/api/links?status=contested,nope",
            "status",
            "'nope' is not one of supported, qualified, contested, unsupported",
        ),
        ("/api/links?kind=because", "kind", "'because' is not one of causes, enables"),
        ("/api/claims?verdict=true", "verdict", "'true' is not one of verified, partly"),
        ("/api/events?sort=nope", "sort", "'nope' is not one of date, -date, label"),
        (
            "/api/chains?source=opec-no-cut&target=rate-hike&kind=causes,nope",
            "kind",
            "'nope' is not one of causes",
        ),
    ],
)
def test_a_value_not_allowed_is_named_with_the_allowed_ones(client, url, parameter, said):
    body = assert_problem(client.get(url), 400, parameter)
    assert f"{parameter}: {said}" in body["detail"], body
    (error,) = [e for e in body["errors"] if e["parameter"] == parameter]
    assert error["messages"][0].startswith(said), body
    assert "{" not in body["detail"] and "Must be one of" not in body["detail"], body


@pytest.mark.parametrize(
    ("url", "parameter", "said"),
    [
        ("/api/events?lane=oill", "lane", "unknown lane 'oill'; did you mean oil?"),
        ("/api/events?actor=opec,opek", "actor", "unknown actor 'opek'; did you mean opec?"),
        ("/api/events?place=nowhere", "place", "unknown place 'nowhere'"),
        ("/api/events?type=oil-markets", "type", "unknown event type 'oil-markets'"),
        ("/api/timeline?lane=nope", "lane", "unknown lane 'nope'"),
        ("/api/timeline/timelinejs?actor=nope", "actor", "unknown actor 'nope'"),
        ("/api/claims?about=rate-hikes", "about", "unknown event 'rate-hikes'; did you mean"),
    ],
)
def test_an_unknown_id_is_a_problem_naming_it(client, url, parameter, said):
    body = assert_problem(client.get(url), 400, parameter)
    assert f"{parameter}: {said}" in body["detail"], body


def test_known_ids_and_free_tags_still_answer(client):
    assert client.get("/api/events?lane=oil&actor=opec&place=vienna").status_code == 200
    assert client.get("/api/events?tag=no-such-tag").get_json()["count"] == 0
    assert client.get("/api/claims?about=rate-hike").status_code == 200
