"""Causal importance (graph.causal.importance): a cheap centrality in 0..1 on the evidence lens."""

from __future__ import annotations

import time

import networkx as nx

from graph.causal.graph import build_causal_graph, build_graph_from_links
from graph.causal.importance import importance


def test_hub_ranks_first_and_leaves_follow_their_neighbours():
    # a -> hub -> {b, c, d}; e -> f stands apart; g has no link.
    g = build_graph_from_links(
        [
            ("a", "hub", 0.9),
            ("hub", "b", 0.8),
            ("hub", "c", 0.8),
            ("hub", "d", 0.8),
            ("e", "f", 0.9),
        ]
    )
    g.add_node("g")
    scores = importance(g)
    assert set(scores) == set(g.nodes)
    assert scores["hub"] == 1.0
    assert scores["g"] == 0.0
    assert all(0.0 <= value <= 1.0 for value in scores.values())
    # Same degree and confidence, but a's neighbour is the hub: a ranks above e.
    assert scores["a"] > scores["e"] == scores["f"] > 0
    assert scores["b"] == scores["c"] == scores["d"] < scores["a"]


def test_only_the_evidence_lens_counts():
    g = build_graph_from_links(
        [
            ("a", "b", 0.9),
            ("a", "c", 0.9, {"status": "contested"}),
            ("a", "d", 0.9, {"kind": "similar_to"}),
            ("a", "e", 0.9, {"status": "qualified"}),
        ]
    )
    scores = importance(g)
    assert scores["c"] == scores["d"] == 0.0
    assert scores["b"] == scores["e"] > 0


def test_confidence_weighs():
    scores = importance(build_graph_from_links([("a", "b", 0.9), ("c", "d", 0.3)]))
    assert scores["a"] > scores["c"] > 0


def test_empty_and_linkless_inputs():
    assert importance(nx.DiGraph()) == {}
    g = nx.DiGraph()
    g.add_nodes_from(["x", "y"])
    assert importance(g) == {"x": 0.0, "y": 0.0}


def test_dataset_and_its_graph_agree(real):
    from_dataset = importance(real)
    assert set(from_dataset) == {event.id for event in real.events}
    assert max(from_dataset.values()) == 1.0
    from_graph = importance(build_causal_graph(real))
    # The graph keeps one edge per linked pair; the order of events stays the same.
    top = sorted(from_dataset, key=from_dataset.get, reverse=True)[:5]
    assert top[0] == max(from_graph, key=from_graph.get) or from_graph[top[0]] > 0.8


def test_time_grows_linearly_with_the_graph():
    """Ten times the events take about ten times as long, not a hundred (each size timed in
    the same process, best of three, so load on the machine hits both alike)."""

    def seconds(n: int) -> float:
        g = build_graph_from_links((f"e{i}", f"e{(i * 7 + 1) % n}", 0.5) for i in range(n))
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            scores = importance(g)
            best = min(best, time.perf_counter() - started)
        assert len(scores) == n
        return best

    small, large = seconds(10_000), seconds(100_000)
    assert large < 30 * small, (small, large)


def test_timeline_items_carry_importance(client):
    items = client.get("/api/timeline?limit=500").get_json()["items"]
    scores = [item["importance"] for item in items]
    assert scores and all(0.0 <= s <= 1.0 for s in scores)
    assert max(scores) > 0.5 and min(scores) < max(scores)


def test_openapi_documents_importance(client):
    spec = client.get("/openapi.json").get_json()
    item = spec["components"]["schemas"]["TimelineItem"]
    assert "importance" in item["properties"] and "importance" in item["required"]
