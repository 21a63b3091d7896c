"""/api/graph without `focus` or `chain`: the whole graph under the filters, at most `limit`
events, and an answer that says when the cap cut it (never silently)."""

from __future__ import annotations

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


def test_a_truncated_svg_says_so(real_client):
    svg = real_client.get("/api/graph?limit=10&format=svg").get_data(as_text=True)
    assert "truncated: 10 of" in svg


def test_the_focused_export_reports_its_cap_too(real_client):
    chain = real_client.get("/api/longest-chain").get_json()["events"]
    full = elements(real_client, f"/api/graph?focus={chain[2]}&depth=6")
    cut = elements(real_client, f"/api/graph?focus={chain[2]}&depth=6&limit=2")
    assert full["truncated"] is False and full["total"] == full["count"] > 3
    assert full["total_exact"] is True
    # the walk stops at the first event past the cap: total is then a lower bound
    assert cut["truncated"] is True and cut["count"] == 3 and cut["total_exact"] is False
    assert cut["count"] < cut["total"] <= full["total"]


def test_a_hub_walk_stops_just_past_the_limit(monkeypatch):
    """A focus with a huge neighbourhood: the walk expands O(limit) events, not the graph."""
    from graph.causal import export
    from graph.causal.graph import build_graph_from_links

    links = [("hub", f"s{i}", 0.9) for i in range(100)]
    links += [(f"s{i}", f"s{i}-{j}", 0.9) for i in range(100) for j in range(50)]
    graph = build_graph_from_links(links)
    expanded: list[str] = []
    neighbourhood = export._neighbourhood

    def counting(view):
        step = neighbourhood(view)
        return lambda node: (expanded.append(node), step(node))[1]

    monkeypatch.setattr(export, "_neighbourhood", counting)
    cut = select_graph(graph, focus="hub", depth=6, limit=10)
    assert len(cut.graph) == 11 and cut.truncated and not cut.exact and cut.total == 12
    assert len(expanded) <= 2
    whole = select_graph(graph, focus="hub", depth=6, limit=MAX_SELECT_EVENTS)
    assert whole.truncated and not whole.exact and len(whole.graph) == MAX_SELECT_EVENTS + 1
    near = select_graph(graph, focus="s3", depth=1, limit=100)
    assert not near.truncated and near.exact and near.total == len(near.graph) == 52


def test_the_whole_export_is_computed_once_per_version_and_filters(real_client, monkeypatch):
    from service.views import analyses

    calls: list[dict] = []
    real = analyses.select_graph

    def counted(*args, **kwargs):
        calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(analyses, "select_graph", counted)
    first = elements(real_client, "/api/graph?limit=977&kind=causes")
    for _ in range(3):
        assert elements(real_client, "/api/graph?kind=causes&limit=977") == first
    assert len(calls) == 1
    elements(real_client, "/api/graph?limit=976&kind=causes")
    elements(real_client, "/api/graph?limit=977&kind=causes&lens=all")
    assert len(calls) == 3
    chain = real_client.get("/api/longest-chain").get_json()["events"]
    for _ in range(2):
        elements(real_client, f"/api/graph?focus={chain[0]}&limit=977")
    assert len(calls) == 5  # around a focus: O(limit) a request, not remembered


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
