"""/api/graph without `focus` or `chain`: the whole graph under the filters, at most `limit`
events, and an answer that says when the cap cut it (never silently)."""

from __future__ import annotations

import pytest

from graph.causal import MAX_SELECT_EVENTS, filtered_view, select_graph

from .conftest import assert_problem


def elements(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_json()


def test_no_focus_exports_every_event_and_the_followed_links(real_client):
    body = elements(real_client, "/api/graph")
    nodes, edges = body["elements"]["nodes"], body["elements"]["edges"]
    events = real_client.get("/api/events?limit=1000").get_json()["events"]
    assert {node["data"]["id"] for node in nodes} == {event["id"] for event in events}
    assert body["count"] == body["total"] == len(nodes) and body["truncated"] is False
    assert {edge["data"]["status"] for edge in edges} <= {"supported", "qualified"}
    ids = {node["data"]["id"] for node in nodes}
    assert all({e["data"]["source"], e["data"]["target"]} <= ids for e in edges) and edges


def test_no_focus_follows_the_story_and_the_lens(real_client):
    story = "ruble-crisis-2014"
    body = elements(real_client, f"/api/graph?story={story}")
    in_story = real_client.get(f"/api/events?story={story}&limit=1000").get_json()["events"]
    assert {n["data"]["id"] for n in body["elements"]["nodes"]} == {e["id"] for e in in_story}
    everything = elements(real_client, "/api/graph?lens=all")
    statuses = {edge["data"]["status"] for edge in everything["elements"]["edges"]}
    assert {"contested", "unsupported"} & statuses
    default = elements(real_client, "/api/graph")["elements"]["edges"]
    assert len(everything["elements"]["edges"]) > len(default)
    contested = elements(real_client, "/api/graph?status=contested")["elements"]["edges"]
    assert contested and {edge["data"]["status"] for edge in contested} == {"contested"}


def test_the_cap_truncates_and_says_so_in_every_format(real_client):
    whole = elements(real_client, "/api/graph")
    body = elements(real_client, "/api/graph?limit=10")
    nodes = body["elements"]["nodes"]
    assert len(nodes) == body["count"] == 10 and body["total"] == whole["total"] > 10
    assert body["truncated"] is True
    kept = {node["data"]["id"] for node in nodes}
    assert all(
        {e["data"]["source"], e["data"]["target"]} <= kept for e in body["elements"]["edges"]
    )
    note = f"truncated: 10 of {whole['total']} events (limit=10)"
    dot = real_client.get("/api/graph?limit=10&format=dot").get_data(as_text=True)
    assert dot.startswith(f"// {note}\n") and note in dot.splitlines()[2]
    assert "truncated" not in real_client.get("/api/graph?format=dot").get_data(as_text=True)


@pytest.mark.skipif(not __import__("shutil").which("dot"), reason="graphviz is not installed")
def test_a_truncated_svg_says_so(real_client):
    svg = real_client.get("/api/graph?limit=10&format=svg").get_data(as_text=True)
    assert "truncated: 10 of" in svg


def test_the_focused_export_reports_its_cap_too(real_client):
    chain = real_client.get("/api/longest-chain").get_json()["events"]
    full = elements(real_client, f"/api/graph?focus={chain[2]}&depth=6")
    cut = elements(real_client, f"/api/graph?focus={chain[2]}&depth=6&limit=2")
    assert full["truncated"] is False and full["total"] == full["count"] > 3
    assert cut["truncated"] is True and cut["count"] == 3 and cut["total"] == full["total"]


def test_the_cap_is_a_documented_bounded_parameter(real_client):
    assert_problem(real_client.get(f"/api/graph?limit={MAX_SELECT_EVENTS + 1}"), 400, "limit")
    spec = real_client.get("/openapi.json").get_json()
    operation = spec["paths"]["/api/graph"]["get"]
    limit = next(p for p in operation["parameters"] if p["name"] == "limit")
    assert limit["schema"]["maximum"] == MAX_SELECT_EVENTS and "truncated" in limit["description"]
    text = operation["summary"] + " " + operation.get("description", "")
    assert "the whole graph" in text


def test_select_graph_keeps_the_best_connected_events(crisis):
    view = filtered_view(crisis)  # the links followed by default
    most = min(view, key=lambda node: (-view.degree(node), node))
    selection = select_graph(crisis, limit=1)
    assert list(selection.graph) == [most] and selection.truncated
    assert select_graph(crisis).truncated is False
