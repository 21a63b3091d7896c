"""Causal chains (graph.causal.chains): every chain between two events, bounded and
filtered, and the longest chain of a graph."""

from __future__ import annotations

import networkx as nx
import pytest

from graph.causal.chains import find_causal_chains, find_longest_chain
from graph.causal.export import select_subgraph
from graph.causal.graph import Chain, build_causal_graph, build_graph_from_links
from graph.causal.influence import analyze_causes, analyze_effects
from graph.causal.whatif import what_if
from graph.errors import DataError, EkgError, UnknownEventError

from .conftest import chain

# -- chains -------------------------------------------------------------------------------------


def test_chains_shortest_first_then_strongest(crisis):
    assert find_causal_chains(crisis, "opec", "hike") == [
        chain("opec", "oil", "hike", strength=0.45, weakest="oil>hike", confidence=0.5),
        chain("opec", "oil", "ruble", "hike", strength=0.648, weakest="oil>ruble",
              confidence=0.8),
    ]  # fmt: skip


def test_equally_short_chains_strongest_first():
    g = build_graph_from_links(
        [("a", "weak", 0.2), ("weak", "z", 0.9), ("a", "strong", 0.9), ("strong", "z", 0.8)]
    )
    assert [c.events for c in find_causal_chains(g, "a", "z")] == [
        ("a", "strong", "z"),
        ("a", "weak", "z"),
    ]


def test_chains_bounded_by_depth_and_limit(crisis):
    assert [c.events for c in find_causal_chains(crisis, "opec", "hike", max_depth=2)] == [
        ("opec", "oil", "hike")
    ]
    assert len(find_causal_chains(crisis, "opec", "hike", limit=1)) == 1
    assert find_causal_chains(crisis, "opec", "hike", max_depth=1) == []


def test_chains_respect_the_link_filter(crisis):
    assert find_causal_chains(crisis, "ufsa", "hike") == []  # contested: not by default
    assert find_causal_chains(crisis, "ufsa", "hike", statuses={"supported"}) == []
    assert [c.events for c in find_causal_chains(crisis, "ufsa", "hike", statuses={"contested",
            "supported"})] == [("ufsa", "ruble", "hike")]  # fmt: skip
    assert find_causal_chains(crisis, "crisis-1998", "hike") == []  # similar_to is not causal


@pytest.mark.parametrize(("source", "target"), [("hike", "opec"), ("opec", "opec")])
def test_no_chain_is_an_empty_list(crisis, source, target):
    assert find_causal_chains(crisis, source, target) == []


def test_unknown_event_is_named(crisis):
    with pytest.raises(UnknownEventError, match="unknown event 'nowhere'") as caught:
        find_causal_chains(crisis, "opec", "nowhere")
    assert isinstance(caught.value, EkgError) and isinstance(caught.value, LookupError)
    for call in (
        lambda: analyze_causes(crisis, "nowhere"),
        lambda: analyze_effects(crisis, "nowhere"),
        lambda: what_if(crisis, ["oil", "nowhere"]),
        lambda: select_subgraph(crisis, focus="nowhere"),
        lambda: select_subgraph(crisis, chain=["oil", "nowhere"]),
    ):
        with pytest.raises(UnknownEventError, match="'nowhere'"):
            call()


def test_chain_pruning_keeps_only_paths_within_depth():
    # a long detour a-x1-x2-x3-z and a short a-b-z; with max_depth 2 the detour is pruned
    g = build_graph_from_links(
        [("a", "b", 0.5), ("b", "z", 0.5), ("a", "x1", 1), ("x1", "x2", 1), ("x2", "x3", 1),
         ("x3", "z", 1), ("x2", "z", 1)]
    )  # fmt: skip
    assert [c.events for c in find_causal_chains(g, "a", "z", max_depth=2)] == [("a", "b", "z")]
    assert [c.events for c in find_causal_chains(g, "a", "z", max_depth=3)] == [
        ("a", "b", "z"),
        ("a", "x1", "x2", "z"),
    ]


def test_real_chain_from_opec_to_bank_shares(real):
    g = build_causal_graph(real)
    chains = find_causal_chains(g, "opec-decides-no-cut", "bank-and-energy-shares-fall-dec-16")
    assert chains == [
        Chain(
            events=("opec-decides-no-cut", "oil-slides-to-60", "ruble-black-tuesday",
                    "bank-and-energy-shares-fall-dec-16"),
            links=("opec-no-cut-drives-oil-slide", "oil-slide-weakens-ruble-dec-16",
                   "ruble-fall-hits-bank-shares-dec-16"),
            strength=0.421875,
            weakest_link="opec-no-cut-drives-oil-slide",
            weakest_confidence=0.75,
        ),
        Chain(
            events=("opec-decides-no-cut", "oil-slides-to-60", "ruble-black-monday",
                    "cbr-hike-to-17", "bank-and-energy-shares-fall-dec-16"),
            links=("opec-no-cut-drives-oil-slide", "oil-slide-weakens-ruble-dec-15",
                   "black-monday-forces-hike-to-17", "hike-to-17-hits-bank-shares-dec-16"),
            strength=0.379687,
            weakest_link="opec-no-cut-drives-oil-slide",
            weakest_confidence=0.75,
        ),
        # through the failed hike (C07, directed E06 -> E07)
        Chain(
            events=("opec-decides-no-cut", "oil-slides-to-60", "ruble-black-monday",
                    "cbr-hike-to-17", "ruble-black-tuesday", "bank-and-energy-shares-fall-dec-16"),
            links=("opec-no-cut-drives-oil-slide", "oil-slide-weakens-ruble-dec-15",
                   "black-monday-forces-hike-to-17", "hike-to-17-fails-to-stop-ruble-fall",
                   "ruble-fall-hits-bank-shares-dec-16"),
            strength=0.284766,
            weakest_link="opec-no-cut-drives-oil-slide",
            weakest_confidence=0.75,
        ),
    ]  # fmt: skip


# -- longest chain ------------------------------------------------------------------------------


def test_longest_chain_counts_links_then_strength():
    g = build_graph_from_links(
        [("a", "b", 0.5), ("b", "d", 0.5), ("a", "c", 0.9), ("c", "d", 0.9), ("x", "y", 1)]
    )
    assert find_longest_chain(g) == chain(
        "a", "c", "d", strength=0.81, weakest="a>c", confidence=0.9
    )


@pytest.mark.parametrize(
    "graph", [nx.DiGraph(), nx.DiGraph([("a", "b")]).subgraph(["a"]), nx.empty_graph(3, nx.DiGraph)]
)
def test_longest_chain_of_a_graph_without_links(graph):
    assert find_longest_chain(graph) == Chain((), (), 1.0, None, None)


def test_longest_chain_refuses_a_cycle():
    g = build_graph_from_links([("a", "b", 1), ("b", "a", 1)])
    with pytest.raises(DataError, match="cycle: a -> b -> a"):
        find_longest_chain(g)


def test_real_longest_chain(real):
    # five links since C07 is directed (hike -> Black Tuesday); the chains from
    # opec-decides-no-cut and to the bank shares tie exactly (0.75 * 0.75 * 0.9 * 0.75 * 0.75)
    # and the one found first in the file's order is kept
    story = frozenset(real.story("ruble-crisis-2014").events)
    in_2014 = nx.subgraph_view(build_causal_graph(real), filter_node=story.__contains__)
    assert find_longest_chain(in_2014) == Chain(
        events=("crimea-annexation-treaty", "us-sectoral-sanctions-jul-16", "ruble-black-monday",
                "cbr-hike-to-17", "ruble-black-tuesday", "moscow-stocks-slump-dec-16"),
        links=("annexation-leads-to-jul-16-sanctions", "jul-16-sanctions-weaken-ruble",
               "black-monday-forces-hike-to-17", "hike-to-17-fails-to-stop-ruble-fall",
               "ruble-fall-drags-stocks-dec-16"),
        strength=0.284766,
        weakest_link="annexation-leads-to-jul-16-sanctions",
        weakest_confidence=0.75,
    )  # fmt: skip
