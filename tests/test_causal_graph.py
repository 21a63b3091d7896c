"""Building the causal graph (graph.causal.graph): events and links as nodes and edges,
filtered views by kind and status, and bounded reach."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from graph.causal.graph import (
    ALL_STATUSES,
    build_causal_graph,
    build_graph_from_links,
    filtered_view,
    reach,
)
from graph.data.dates import parse_date


def test_build_causal_graph_from_tiny(tiny):
    g = build_causal_graph(tiny)
    assert list(g.nodes) == ["opec-no-cut", "oil-below-60", "ruble-falls", "rate-hike"]
    assert g.nodes["rate-hike"] == {
        "label": "Bank of Russia raises its key rate to 17 %",
        "lane": "monetary-policy",
        "type": "key-rate-decision",
        "date": parse_date("2014-12-16T01:00:00+03:00"),
        "start": "2014-12-16T01:00:00+03:00",
    }
    assert list(g.edges(data=True)) == [
        ("opec-no-cut", "oil-below-60", {"id": "opec-to-oil", "kind": "causes",
         "confidence": 0.9, "status": "supported", "links": ["opec-to-oil"]}),
        ("oil-below-60", "ruble-falls", {"id": "oil-to-ruble", "kind": "contributes_to",
         "confidence": 0.75, "status": "qualified", "links": ["oil-to-ruble"]}),
        ("ruble-falls", "rate-hike", {"id": "ruble-to-hike", "kind": "causes",
         "confidence": 0.9, "status": "supported", "links": ["ruble-to-hike"]}),
    ]  # fmt: skip


def test_links_joining_one_pair_share_an_edge(tiny):
    base = tiny.links[0]
    stronger = dataclasses.replace(base, id="stronger", confidence=Decimal("0.95"))
    similar = dataclasses.replace(base, id="similar", kind="similar_to", confidence=Decimal(1))
    g = build_causal_graph(dataclasses.replace(tiny, links=(*tiny.links, similar, stronger)))
    data = g.edges["opec-no-cut", "oil-below-60"]
    # the highest confidence wins, but never a similarity over an influence
    assert (data["id"], data["confidence"]) == ("stronger", 0.95)
    assert data["links"] == ["opec-to-oil", "similar", "stronger"]


def test_real_graph_has_every_event_and_link(real):
    g = build_causal_graph(real)
    # one edge per linked pair, and part_of edges from a cause of a sub-event to its parent
    structural = [d for _, _, d in g.edges(data=True) if d["kind"] == "part_of"]
    pairs = {(link.cause, link.effect) for link in real.links}
    assert (g.number_of_nodes(), g.number_of_edges() - len(structural)) == (
        len(real.events),
        len(pairs),
    )
    assert all(not d["links"] and d["id"].startswith("part-of:") for d in structural)
    assert sorted(link for _, _, ids in g.edges(data="links") for link in ids) == sorted(
        link.id for link in real.links
    )


def test_filtered_view_defaults_to_directed_kinds_stated_as_facts(crisis):
    asserted = [
        ("oil", "hike"), ("oil", "ruble"), ("opec", "oil"), ("ruble", "hike"),
        ("sanctions", "ruble"),
    ]  # fmt: skip
    assert sorted(filtered_view(crisis).edges) == asserted  # not the contested ufsa -> ruble
    assert sorted(filtered_view(crisis, statuses=ALL_STATUSES).edges) == sorted(
        [*asserted, ("ufsa", "ruble")]
    )
    assert sorted(filtered_view(crisis, statuses={"contested"}).edges) == [("ufsa", "ruble")]
    assert sorted(filtered_view(crisis, kinds={"similar_to"}).edges) == [("crisis-1998", "hike")]
    assert filtered_view(crisis).number_of_nodes() == crisis.number_of_nodes()


def test_filtered_view_is_a_view_not_a_copy(crisis):
    view = filtered_view(crisis)
    crisis.add_edge("hike", "rally", id="h", kind="causes", confidence=1.0, status="supported")
    assert view.has_edge("hike", "rally")


def test_reach_respects_depth_limit_and_skip():
    g = build_graph_from_links([("a", "b", 1), ("a", "c", 1), ("b", "d", 1), ("c", "d", 1)])
    assert reach(g.successors, ["a"]) == ({"b": 1, "c": 1, "d": 2}, False)
    assert reach(g.successors, ["a"], max_depth=1) == ({"b": 1, "c": 1}, False)
    assert reach(g.successors, ["a"], limit=2) == ({"b": 1, "c": 1}, True)
    assert reach(g.successors, ["a"], skip={"b"}) == ({"c": 1, "d": 2}, False)
