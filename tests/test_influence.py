"""Causes, effects and drivers (graph.causal.influence): ancestors and root chains of an
event, its descendants, and events ranked by their weighted downstream chains."""

from __future__ import annotations

import math
import random
from itertools import pairwise

import networkx as nx

from graph.causal.graph import ALL_STATUSES, build_causal_graph, build_graph_from_links
from graph.causal.influence import (
    Driver,
    EffectAnalysis,
    Reach,
    analyze_causes,
    analyze_effects,
    rank_drivers,
)

from .conftest import chain

# -- causes and effects -------------------------------------------------------------------------


def test_analyze_causes(crisis):
    result = analyze_causes(crisis, "hike")
    assert result.ancestors == (
        Reach("oil", 1), Reach("ruble", 1), Reach("opec", 2), Reach("sanctions", 2),
    )  # fmt: skip
    assert result.roots == ("opec", "sanctions")
    assert result.root_chains == (
        chain("opec", "oil", "ruble", "hike", strength=0.648, weakest="oil>ruble",
              confidence=0.8),
        chain("sanctions", "ruble", "hike", strength=0.54, weakest="sanctions>ruble",
              confidence=0.6),
    )  # fmt: skip
    assert result.truncated is False


def test_analyze_causes_follows_a_contested_link_on_request(crisis):
    result = analyze_causes(crisis, "hike", statuses=ALL_STATUSES)
    assert result.ancestors[-1] == Reach("ufsa", 2)
    assert result.roots == ("opec", "sanctions", "ufsa")
    assert result.root_chains[-1] == chain(
        "ufsa", "ruble", "hike", strength=0.135, weakest="ufsa>ruble", confidence=0.15
    )


def test_analyze_causes_bounds(crisis):
    near = analyze_causes(crisis, "hike", max_depth=1)
    assert (near.ancestors, near.roots, near.root_chains) == (
        (Reach("oil", 1), Reach("ruble", 1)),
        (),
        (),
    )
    cut = analyze_causes(crisis, "hike", limit=3)
    assert len(cut.ancestors) == 3 and cut.truncated
    assert analyze_causes(crisis, "opec") == analyze_causes(crisis, "opec", limit=0)


def test_root_reached_only_through_zero_confidence_has_no_chain():
    g = build_graph_from_links([("a", "b", 0.0), ("b", "c", 1.0), ("d", "c", 0.5)])
    result = analyze_causes(g, "c")
    assert result.roots == ("a", "d")
    assert [c.events for c in result.root_chains] == [("d", "c")]


def test_analyze_effects(crisis):
    assert analyze_effects(crisis, "oil") == EffectAnalysis(
        "oil", (Reach("hike", 1), Reach("ruble", 1)), False
    )
    assert analyze_effects(crisis, "opec", limit=1) == EffectAnalysis(
        "opec", (Reach("oil", 1),), True
    )


def test_real_causes_of_the_hike_to_17(real):
    result = analyze_causes(build_causal_graph(real), "cbr-hike-to-17")
    depths = {a.event: a.depth for a in result.ancestors}
    assert [a for a in result.ancestors if a.depth == 1] == [Reach("ruble-black-monday", 1)]
    assert depths["opec-decides-no-cut"] == 3
    assert "opec-decides-no-cut" in result.roots
    assert "russian-financial-crisis-1998" not in depths  # similar_to, not a cause
    opec = next(c for c in result.root_chains if c.events[0] == "opec-decides-no-cut")
    assert opec.events == (
        "opec-decides-no-cut", "oil-slides-to-60", "ruble-black-monday", "cbr-hike-to-17"
    )  # fmt: skip


# -- drivers ------------------------------------------------------------------------------------


def test_rank_drivers_counts_each_effect_once_by_its_strongest_chain(crisis):
    # ruble: 0.9; oil: ruble 0.8 + hike max(0.5, 0.8 * 0.9) = 1.52; opec: 0.9 + 0.72 + 0.648
    assert rank_drivers(crisis, limit=4) == [
        Driver("opec", 2.268, 3, False),
        Driver("oil", 1.52, 2, False),
        Driver("sanctions", 1.14, 2, False),
        Driver("ruble", 0.9, 1, False),
    ]
    # a search stopped early keeps the strongest descendants: oil 0.9 and ruble 0.72
    assert rank_drivers(crisis, limit=1, max_descendants=2) == [Driver("opec", 1.62, 2, True)]
    assert rank_drivers(crisis, limit=0) == []
    # the contested link counts only on request; ties by id
    assert rank_drivers(crisis, limit=10)[-3:] == [
        Driver("crisis-1998", 0.0, 0, False),
        Driver("hike", 0.0, 0, False),
        Driver("ufsa", 0.0, 0, False),
    ]
    assert rank_drivers(crisis, statuses=ALL_STATUSES, limit=10)[4] == Driver(
        "ufsa", 0.285, 2, False
    )


def test_splitting_an_effect_into_parallel_events_does_not_multiply_what_follows():
    downstream = [("ruble", "hike", 0.8), ("hike", "stocks", 0.9)]
    whole = build_graph_from_links([("treaty", "sanctions", 0.75), ("sanctions", "ruble", 0.8),
                                    *downstream])  # fmt: skip
    split = build_graph_from_links(
        [link for part in ("s1", "s2", "s3")
         for link in (("treaty", part, 0.75), (part, "ruble", 0.8))] + downstream
    )  # fmt: skip
    one, three = rank_drivers(whole, limit=1)[0], rank_drivers(split, limit=1)[0]
    assert (one.event, one.score) == ("treaty", 0.75 + 0.6 + 0.48 + 0.432)
    # the two extra sanctions count themselves; ruble, hike and stocks still count once
    assert (three.event, three.score) == ("treaty", round(one.score + 2 * 0.75, 6))


def test_rank_drivers_stops_early_yet_ranks_as_a_full_search():
    rng = random.Random(7)
    links = [(f"e{i:02}", f"e{j:02}", rng.choice([0.3, 0.5, 0.75, 0.9, 1.0]))
             for i in range(40) for j in range(i + 1, 40) if rng.random() < 0.12]  # fmt: skip
    g = build_graph_from_links(links)
    full = sorted(
        ((-_reference_score(g, event), event) for event in g), key=lambda item: item
    )  # every event searched
    ranked = rank_drivers(g, limit=8)
    assert rank_drivers(g, limit=8, max_searches=None) == ranked
    capped = rank_drivers(g, limit=8, max_searches=1)  # only the 8 highest bounds searched
    assert len(capped) == 8 and capped[0] == ranked[0]
    assert [(d.event, d.score) for d in ranked] == [
        (event, round(-negative, 6)) for negative, event in full[:8]
    ]


def _reference_score(g, source):
    """The strongest chain to each descendant by enumerating every simple path."""
    best = {}
    for target in nx.descendants(g, source):
        for path in nx.all_simple_paths(g, source, target):
            strength = math.prod(g.edges[u, v]["confidence"] for u, v in pairwise(path))
            best[target] = max(best.get(target, 0.0), strength)
    return sum(best.values())


def test_rank_drivers_searches_through_cycles():
    g = build_graph_from_links([("a", "b", 0.5), ("b", "c", 1.0), ("c", "b", 1.0), ("c", "d", 0.5)])
    # b reaches c (1) and d (0.5), c reaches b (1) and d (0.5); a reaches b, c (0.5) and d
    assert rank_drivers(g) == [
        Driver("b", 1.5, 2, False),
        Driver("c", 1.5, 2, False),
        Driver("a", 1.25, 3, False),
        Driver("d", 0.0, 0, False),
    ]


def test_real_drivers(real):
    # was crimea-annexation-treaty 15.247969 first (Katz: its three sanctions events each
    # counted the same ruble falls again), then crimea-troop-deployment 7.24335
    story = frozenset(real.story("ruble-crisis-2014").events)
    in_2014 = nx.subgraph_view(build_causal_graph(real), filter_node=story.__contains__)
    drivers = rank_drivers(in_2014, limit=5)
    assert [(d.event, d.score, d.descendants) for d in drivers] == [
        ("crimea-troop-deployment", 5.676, 9),
        ("crimea-annexation-treaty", 5.175, 9),
        ("opec-decides-no-cut", 4.5375, 8),
        ("crimea-referendum", 4.176, 7),
        ("us-sectoral-sanctions-jul-16", 3.9, 6),
    ]
