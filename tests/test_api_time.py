"""The JSON API on the real events.yaml where time matters: same-day order, the dates of
graph nodes at their precision, and what each compared figure measures."""

from __future__ import annotations

from .test_api import HIKE


def _ids(response) -> list[str]:
    return [event["id"] for event in response.get_json()["events"]]


def test_same_day_events_in_instant_then_causal_order(real_client):
    found = _ids(real_client.get("/api/events?from=2014-12-16&to=2014-12-16&sort=date"))
    assert found.index("cbr-hike-to-17") < found.index("ruble-black-tuesday")
    assert found.index("cbr-hike-to-17") < found.index("brent-below-60")


def test_graph_nodes_carry_their_dates_at_their_precision(real_client):
    body = real_client.get("/api/graph?focus=berezovsky-leaves-russia&depth=1").get_json()
    nodes = {node["data"]["id"]: node["data"] for node in body["elements"]["nodes"]}
    year = nodes["berezovsky-leaves-russia"]
    assert (year["start"], year["end"], year["precision"]) == ("2000-01-01", "2000-12-31", "year")
    assert (year["date"], year["display_date"]) == ("2000", "2000")


def test_compare_keeps_what_each_figure_measures(real_client):
    body = real_client.get(f"/api/compare?a=ruble-black-monday&b={HIKE}").get_json()
    rise = [q for q in body["b"]["quantities"] if q["value"] == 11.5]
    assert [(q["unit"], q["note"]) for q in rise] == [
        ("percentage-point", "rise since the start of 2014")
    ]
