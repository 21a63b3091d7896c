"""/api/timeline/timelinejs returns the whole selection (TimelineJS cannot page), up to a cap."""

from __future__ import annotations

import sys

import pytest

from service.schemas import TIMELINEJS_MAX_EVENTS

URL = "/api/timeline/timelinejs?story=ruble-crisis-2014"


def test_the_2014_story_comes_back_whole_without_limit(real_client):
    response = real_client.get(URL)
    body = response.get_json()
    assert response.status_code == 200 and "Link" not in response.headers
    assert len(body["events"]) == body["count"] == body["total"] == 61
    assert body["truncated"] is False
    assert len({slide["unique_id"] for slide in body["events"]}) == 61


def test_a_selection_over_the_cap_says_it_is_truncated(real_client, monkeypatch):
    monkeypatch.setattr(sys.modules["service.views.api"], "TIMELINEJS_MAX_EVENTS", 5)
    body = real_client.get(f"{URL}&sort=-date").get_json()  # not a page cached before
    assert body["truncated"] is True
    assert len(body["events"]) == body["count"] == 5 and body["total"] == 61


@pytest.mark.parametrize(("cap", "count"), [(20, 20), (100, 61)])
def test_a_cap_over_one_page_is_read_page_by_page(real_client, monkeypatch, cap, count):
    api = sys.modules["service.views.api"]
    monkeypatch.setattr(api, "TIMELINEJS_MAX_EVENTS", cap)
    monkeypatch.setattr(api, "MAX_LIMIT", 7)
    since = f"&from={1000 + cap}"  # the same selection, a URL no earlier test cached
    body = real_client.get(f"{URL}&sort=label{since}").get_json()
    ids = [slide["unique_id"] for slide in body["events"]]
    assert body["count"] == len(set(ids)) == count and body["total"] == 61
    assert body["truncated"] is (count < 61)
    whole = real_client.get(f"{URL}&sort=label&limit=1000").get_json()
    assert ids == [slide["unique_id"] for slide in whole["events"]][:count]


def test_an_explicit_limit_still_pages(real_client):
    response = real_client.get(f"{URL}&limit=10")
    body = response.get_json()
    assert body["count"] == 10 and body["total"] == 61 and body["truncated"] is True
    assert 'rel="next"' in response.headers["Link"]


def test_the_cap_is_documented(real_client):
    spec = real_client.get("/openapi.json").get_json()
    operation = spec["paths"]["/api/timeline/timelinejs"]["get"]
    assert f"{TIMELINEJS_MAX_EVENTS:,} events" in operation["description"]
    limit = next(p for p in operation["parameters"] if p["name"] == "limit")
    assert f"{TIMELINEJS_MAX_EVENTS:,} events" in limit["description"]
