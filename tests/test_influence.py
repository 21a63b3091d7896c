"""Causes, effects and drivers (graph.causal.influence): ancestors and root chains of an
event, its descendants, and events ranked by their weighted downstream chains."""

from __future__ import annotations

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


def test_rank_drivers_counts_weighted_chains(crisis):
    # ruble: 0.9; oil: 0.8 * 1.9 + 0.5 = 2.02; opec: 0.9 * 3.02 = 2.718
    assert rank_drivers(crisis, limit=4) == [
        Driver("opec", 2.718, 3, False),
        Driver("oil", 2.02, 2, False),
        Driver("sanctions", 1.14, 2, False),
        Driver("ruble", 0.9, 1, False),
    ]
    assert rank_drivers(crisis, limit=1, max_descendants=2) == [Driver("opec", 2.718, 2, True)]
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


def test_rank_drivers_condenses_cycles():
    g = build_graph_from_links([("a", "b", 0.5), ("b", "c", 1.0), ("c", "b", 1.0), ("c", "d", 0.5)])
    # {b, c} is one component scoring 0.5 (its link to d); a scores 0.5 * 1.5
    assert rank_drivers(g) == [
        Driver("a", 0.75, 3, False),
        Driver("b", 0.5, 2, False),
        Driver("c", 0.5, 2, False),
        Driver("d", 0.0, 0, False),
    ]


def test_real_drivers(real):
    drivers = rank_drivers(build_causal_graph(real), limit=2)
    assert drivers == [
        Driver("crimea-annexation-treaty", 15.247969, 9, False),  # 11.029219 before C03 -> 16 Dec
        Driver("crimea-troop-deployment", 7.24335, 9, False),  # through us-eo-13660, a part
    ]
