"""Causal graph and analyses (graph.causal): tiny literal graphs with exact expected results,
then the curated events.yaml."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import xml.etree.ElementTree as ET
from decimal import Decimal
from itertools import pairwise

import networkx as nx
import pytest

from graph.causal.chains import find_causal_chains, find_longest_chain
from graph.causal.comparison import (
    CausalCycle,
    Consistency,
    ContradictedClaim,
    DateInfo,
    LinkInfo,
    TimeInversion,
    check_consistency,
    compare_events,
    describe_temporal_relation,
)
from graph.causal.export import render_svg, select_subgraph, to_cytoscape, to_dot
from graph.causal.graph import (
    ALL_STATUSES,
    Chain,
    build_causal_graph,
    build_graph_from_links,
    filtered_view,
    reach,
)
from graph.causal.influence import (
    Driver,
    EffectAnalysis,
    Reach,
    analyze_causes,
    analyze_effects,
    rank_drivers,
)
from graph.causal.whatif import WhatIf, what_if
from graph.data.dates import parse_date
from graph.errors import DataError, EkgError, GraphvizError, UnknownEventError


def chain(*events: str, strength: float, weakest: str, confidence: float) -> Chain:
    """A Chain of a graph from build_graph_from_links (link ids are ``cause>effect``)."""
    links = tuple(f"{u}>{v}" for u, v in pairwise(events))
    return Chain(events, links, strength, weakest, confidence)


@pytest.fixture
def crisis() -> nx.DiGraph:
    """opec -> oil -> ruble -> hike, a shortcut oil -> hike, a second root sanctions -> ruble,
    a similarity (not causal) and a contested link."""
    return build_graph_from_links(
        [
            ("opec", "oil", 0.9),
            ("oil", "ruble", 0.8),
            ("ruble", "hike", 0.9),
            ("oil", "hike", 0.5),
            ("sanctions", "ruble", 0.6),
            ("crisis-1998", "hike", 0.9, {"kind": "similar_to"}),
            ("ufsa", "ruble", 0.15, {"kind": "contributes_to", "status": "contested"}),
        ]
    )


# -- building the graph -------------------------------------------------------------------------


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
    assert (g.number_of_nodes(), g.number_of_edges()) == (65, 39)
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
    ]  # fmt: skip


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
        Driver("crimea-annexation-treaty", 9.447188, 9, False),
        Driver("opec-decides-no-cut", 5.642812, 9, False),
    ]


# -- what if ------------------------------------------------------------------------------------


def test_what_if_orphans_effects_without_another_root(crisis):
    assert what_if(crisis, ["opec"]) == WhatIf(
        removed=("opec",),
        orphaned=(Reach("oil", 1),),
        still_supported=(Reach("hike", 2), Reach("ruble", 2)),
        truncated=False,
    )
    assert what_if(crisis, ["opec", "sanctions", "ufsa"]).orphaned == (
        Reach("oil", 1), Reach("ruble", 1), Reach("hike", 2),
    )  # fmt: skip


def test_what_if_removing_a_root_or_leaf():
    g = build_graph_from_links([("a", "b", 1), ("b", "c", 1), ("c", "d", 1), ("x", "c", 1)])
    assert what_if(g, ["b"]).orphaned == ()
    assert what_if(g, ["b", "x"]).orphaned == (Reach("c", 1), Reach("d", 2))
    assert what_if(g, ["d"]) == WhatIf(("d",), (), (), False)
    assert what_if(g, []) == WhatIf((), (), (), False)


def test_what_if_bounds():
    g = build_graph_from_links([("a", "b", 1), ("b", "c", 1), ("c", "d", 1)])
    assert what_if(g, ["a"], max_depth=2).orphaned == (Reach("b", 1), Reach("c", 2))
    assert what_if(g, ["a"], limit=1) == WhatIf(("a",), (Reach("b", 1),), (), True)


def test_what_if_on_a_cycle_without_root_orphans_nothing():
    # c and d feed each other and have no root: never supported, so never orphaned
    g = build_graph_from_links([("c", "d", 1), ("d", "c", 1), ("a", "b", 1)])
    assert what_if(g, ["c"], kinds={"causes"}).orphaned == ()


def test_real_what_if_without_black_monday(real):
    assert what_if(build_causal_graph(real), ["ruble-black-monday"]) == WhatIf(
        removed=("ruble-black-monday",),
        orphaned=(Reach("cbr-hike-to-17", 1), Reach("moscow-stocks-fall-dec-15", 1)),
        still_supported=(
            Reach("bank-and-energy-shares-fall-dec-16", 2),
            Reach("moscow-stocks-slump-dec-16", 2),
        ),
        truncated=False,
    )


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
    # four links; the chain from opec-decides-no-cut ties exactly (0.75 * 0.75 * 0.9 * 0.75)
    # and the one found first in the file's order is kept
    assert find_longest_chain(build_causal_graph(real)) == Chain(
        events=("crimea-annexation-treaty", "us-sectoral-sanctions-jul-16", "ruble-black-monday",
                "cbr-hike-to-17", "bank-and-energy-shares-fall-dec-16"),
        links=("annexation-leads-to-jul-16-sanctions", "jul-16-sanctions-weaken-ruble",
               "black-monday-forces-hike-to-17", "hike-to-17-hits-bank-shares-dec-16"),
        strength=0.379687,
        weakest_link="annexation-leads-to-jul-16-sanctions",
        weakest_confidence=0.75,
    )  # fmt: skip


# -- consistency, time order, comparison -------------------------------------------------------


def test_check_consistency_finds_inversions_cycles_and_claims(tiny):
    backwards = dataclasses.replace(
        tiny.links[0], id="hike-to-opec", cause="rate-hike", effect="opec-no-cut",
        status="contested", kind="contributes_to",
    )  # fmt: skip
    similar = dataclasses.replace(backwards, id="hike-like-opec", kind="similar_to")
    claim = dataclasses.replace(
        tiny.claims[0], id="claim-backwards", asserts_links=("hike-to-opec", "hike-like-opec")
    )
    data = dataclasses.replace(
        tiny, links=(*tiny.links, backwards, similar), claims=(*tiny.claims, claim)
    )
    message = "rate-hike (2014-12-16T01:00:00+03:00) starts after its effect opec-no-cut " \
        "(2014-11-27)"  # fmt: skip
    assert check_consistency(data, build_causal_graph(data)) == Consistency(
        time_inversions=(
            TimeInversion("hike-to-opec", "rate-hike", "opec-no-cut",
                          "2014-12-16T01:00:00+03:00", "2014-11-27", "contested", message),
        ),
        cycles=(
            CausalCycle(
                ("oil-below-60", "ruble-falls", "rate-hike", "opec-no-cut"),
                ("oil-to-ruble", "ruble-to-hike", "hike-to-opec", "opec-to-oil"),
                ("2014-12-12/2014-12-16", "2014-12-15", "2014-12-16T01:00:00+03:00",
                 "2014-11-27"),
                "causal links form a cycle: oil-below-60 -> ruble-falls -> rate-hike -> "
                "opec-no-cut -> oil-below-60",
            ),
        ),
        contradicted_claims=(
            ContradictedClaim("claim-backwards", "hike-to-opec", "rate-hike", "opec-no-cut",
                              "2014-12-16T01:00:00+03:00", "2014-11-27",
                              f"claim claim-backwards asserts hike-to-opec, but {message}"),
        ),
    )  # fmt: skip


def test_check_consistency_reports_self_loops(tiny):
    g = build_causal_graph(tiny)
    g.add_edge("ruble-falls", "ruble-falls", id="loop", kind="causes", confidence=1.0,
               status="supported", links=["loop"])  # fmt: skip
    (cycle,) = check_consistency(tiny, g).cycles
    assert (cycle.events, cycle.links) == (("ruble-falls",), ("loop",))


def test_real_data_is_consistent(real):
    assert check_consistency(real, build_causal_graph(real)) == Consistency((), (), ())


@pytest.mark.parametrize(
    ("a", "b", "relations", "phrase"),
    [
        ("2014-11-27", "2014-12-15", ("before",), "before"),
        ("2014-12-15", "2014-11-27", ("after",), "after"),
        ("2014-12-12/2014-12-16", "2014-12-15", ("contains",), "contains"),
        ("2014-12-15", "2014-12-12/2014-12-16", ("during",), "during"),
        ("2014-12-16T01:00:00+03:00", "2014-12-15T22:00:00Z", ("equals",), "equals"),
        ("2014-12-15", "2014-12-16T01:00:00+03:00", ("before",), "before"),
        ("2014-12", "2014-12-20/2015-01-10",
         ("before", "during", "meets", "overlaps", "starts"), "before or overlapping"),
        ("2014-12-20/2015-01-10", "2014-12",
         ("after", "contains", "met_by", "overlapped_by", "started_by"), "overlapping or after"),
        ("2014-12-15", "2014-12-15", tuple(sorted(
            ["before", "meets", "overlaps", "starts", "during", "finishes", "equals", "after",
             "met_by", "overlapped_by", "started_by", "contains", "finished_by"])),
         "before, overlapping or after"),
    ],
)  # fmt: skip
def test_temporal_relation_phrases(a, b, relations, phrase):
    g = build_graph_from_links([("a", "b", 1)])
    g.nodes["a"]["date"], g.nodes["b"]["date"] = parse_date(a), parse_date(b)
    result = describe_temporal_relation(g, "a", "b")
    assert (result.relations, result.decided, result.phrase) == (
        relations,
        len(relations) == 1,
        phrase,
    )


def test_temporal_relation_from_a_dataset(real):
    result = describe_temporal_relation(real, "ruble-black-monday", "cbr-hike-to-17")
    assert result.a_date == DateInfo("2014-12-15", "2014-12-15", "2014-12-15", "day")
    assert result.b_date == DateInfo(
        "2014-12-16T01:00:00+03:00", "2014-12-16T01:00:00+03:00", "2014-12-16T01:00:00+03:00",
        "second",
    )  # fmt: skip
    assert (result.relations, result.phrase) == (("before",), "before")
    with pytest.raises(UnknownEventError, match="'nowhere'"):
        describe_temporal_relation(real, "nowhere", "cbr-hike-to-17")


def test_temporal_relation_needs_dates(crisis):
    with pytest.raises(DataError, match="'oil' has no date"):
        describe_temporal_relation(crisis, "oil", "ruble")


def test_compare_events(tiny):
    result = compare_events(tiny, build_causal_graph(tiny), "oil-below-60", "ruble-falls")
    assert json.loads(json.dumps(dataclasses.asdict(result))) == {
        "a": {
            "id": "oil-below-60", "label": "Brent falls below $60", "type": "oil-market",
            "lane": "oil",
            "date": {"edtf": "2014-12-12/2014-12-16", "begin": "2014-12-12",
                     "end": "2014-12-16", "precision": "day"},
            "quantities": [],
            "causes": [{"id": "opec-to-oil", "cause": "opec-no-cut", "effect": "oil-below-60",
                        "kind": "causes", "confidence": 0.9, "status": "supported"}],
            "effects": [{"id": "oil-to-ruble", "cause": "oil-below-60", "effect": "ruble-falls",
                         "kind": "contributes_to", "confidence": 0.75, "status": "qualified"}],
        },
        "b": {
            "id": "ruble-falls", "label": "Ruble's record one-day fall", "type": "currency-move",
            "lane": "markets",
            "date": {"edtf": "2014-12-15", "begin": "2014-12-15", "end": "2014-12-15",
                     "precision": "day"},
            "quantities": [
                {"kind": "exchange-rate", "value": 64.44, "unit": "rub-per-usd",
                 "previous": None, "according_to": "RBC"},
                {"kind": "exchange-rate", "value": 63.4, "unit": "rub-per-usd",
                 "previous": None, "according_to": "TASS"},
            ],
            "causes": [{"id": "oil-to-ruble", "cause": "oil-below-60", "effect": "ruble-falls",
                        "kind": "contributes_to", "confidence": 0.75, "status": "qualified"}],
            "effects": [{"id": "ruble-to-hike", "cause": "ruble-falls", "effect": "rate-hike",
                         "kind": "causes", "confidence": 0.9, "status": "supported"}],
        },
        "similar_links": [],
        "relation": {
            "a": "oil-below-60", "b": "ruble-falls",
            "a_date": {"edtf": "2014-12-12/2014-12-16", "begin": "2014-12-12",
                       "end": "2014-12-16", "precision": "day"},
            "b_date": {"edtf": "2014-12-15", "begin": "2014-12-15", "end": "2014-12-15",
                       "precision": "day"},
            "relations": ["contains"], "decided": True, "phrase": "contains",
        },
    }  # fmt: skip


def test_compare_events_lists_similarities_both_ways(real):
    g = build_causal_graph(real)
    forward = compare_events(real, g, "cbr-hike-to-17", "russian-financial-crisis-1998")
    backward = compare_events(real, g, "russian-financial-crisis-1998", "cbr-hike-to-17")
    expected = (
        LinkInfo("hike-to-17-like-1998-crisis", "russian-financial-crisis-1998",
                 "cbr-hike-to-17", "similar_to", 0.9, "supported"),
    )  # fmt: skip
    assert forward.similar_links == backward.similar_links == expected
    assert (forward.relation.phrase, backward.relation.phrase) == ("after", "before")
    with pytest.raises(UnknownEventError, match="'nowhere'"):
        compare_events(real, g, "cbr-hike-to-17", "nowhere")


def test_compare_events_lists_contested_causes_only_on_request(real):
    g = build_causal_graph(real)
    side = compare_events(real, g, "ruble-black-monday", "cbr-hike-to-17").a
    assert "ufsa-designed-to-collapse-ruble" not in {link.id for link in side.causes}
    side = compare_events(real, g, "ruble-black-monday", "cbr-hike-to-17", statuses=ALL_STATUSES).a
    contested = next(link for link in side.causes if link.id == "ufsa-designed-to-collapse-ruble")
    assert contested.status == "contested"


def test_consistency_sees_links_at_every_status(tiny):
    # a cycle closed by an unsupported link is reported, although analyses do not follow it
    back = dataclasses.replace(
        tiny.links[0], id="back", cause="rate-hike", effect="opec-no-cut", status="unsupported"
    )
    g = build_causal_graph(dataclasses.replace(tiny, links=(*tiny.links, back)))
    (cycle,) = check_consistency(tiny, g).cycles
    assert "back" in cycle.links
    assert find_causal_chains(g, "rate-hike", "opec-no-cut") == []


# -- selection and export -----------------------------------------------------------------------


def test_select_subgraph_around_a_focus(crisis):
    assert sorted(select_subgraph(crisis, focus="opec").edges) == [("opec", "oil")]
    two = select_subgraph(crisis, focus="opec", depth=2)
    assert sorted(two.nodes) == ["hike", "oil", "opec", "ruble"]
    assert sorted(two.edges) == [
        ("oil", "hike"), ("oil", "ruble"), ("opec", "oil"), ("ruble", "hike")
    ]  # fmt: skip
    assert sorted(select_subgraph(crisis, focus="opec", depth=99).nodes) == sorted(
        set(crisis) - {"crisis-1998", "ufsa"}  # a similarity, a contested link
    )
    everything = select_subgraph(crisis, focus="opec", depth=99, statuses=ALL_STATUSES)
    assert sorted(everything.nodes) == sorted(set(crisis) - {"crisis-1998"})
    assert list(select_subgraph(crisis, focus="opec", depth=-1).nodes) == ["opec"]
    assert select_subgraph(crisis, focus="hike", limit=1).number_of_nodes() == 2


def test_select_subgraph_along_a_chain_and_both(crisis):
    along = select_subgraph(crisis, chain=["opec", "oil", "ruble", "hike"])
    assert sorted(along.edges) == [("oil", "ruble"), ("opec", "oil"), ("ruble", "hike")]
    both = select_subgraph(crisis, chain=["sanctions", "ruble"], focus="opec")
    assert sorted(both.edges) == [("opec", "oil"), ("sanctions", "ruble")]
    assert sorted(select_subgraph(crisis).edges) == sorted(filtered_view(crisis).edges)


def test_to_cytoscape():
    g = build_graph_from_links([("b", "c", 0.5), ("a", "b", 0.9, {"status": "qualified"})])
    g.nodes["a"].update(lane="oil", type="oil-market", start="2014-11-27")
    assert to_cytoscape(g) == {
        "elements": {
            "nodes": [
                {"data": {"id": "a", "label": "a", "lane": "oil", "type": "oil-market",
                          "start": "2014-11-27"}},
                {"data": {"id": "b", "label": "b", "lane": None, "type": None, "start": None}},
                {"data": {"id": "c", "label": "c", "lane": None, "type": None, "start": None}},
            ],
            "edges": [
                {"data": {"id": "a>b", "source": "a", "target": "b", "kind": "causes",
                          "confidence": 0.9, "status": "qualified"}},
                {"data": {"id": "b>c", "source": "b", "target": "c", "kind": "causes",
                          "confidence": 0.5, "status": "supported"}},
            ],
        }
    }  # fmt: skip


def test_to_dot_escapes_every_string():
    g = build_graph_from_links(
        [("a", "b", 0.5, {"status": "contested", "kind": "enables"}),
         ("b", "c", 1.0, {"status": "unsupported"})]
    )  # fmt: skip
    g.nodes["a"].update(label='"Black Monday" \\N', date=parse_date("2014-12-15"))
    g.nodes["b"]["label"] = "Рубль\nпадает"  # noqa: RUF001 - Cyrillic, as in the data
    assert to_dot(g, title='Crisis "week"') == "\n".join(
        [
            "digraph causal {",
            '  graph [rankdir=LR, charset="UTF-8", label="Crisis \\"week\\"", labelloc=t];',
            '  node [shape=box, style=rounded, fontname="Helvetica", fontsize=10];',
            '  edge [fontname="Helvetica", fontsize=9];',
            '  "a" [id="event-a", label="\\"Black Monday\\" \\\\N\\n2014-12-15"];',
            '  "b" [id="event-b", label="Рубль\\nпадает"];',  # noqa: RUF001
            '  "c" [id="event-c", label="c"];',
            '  "a" -> "b" [id="link-a>b", color="#2e7d32", style=dashed, penwidth=2.50, '
            'tooltip="a>b: enables, confidence 0.5, contested"];',
            '  "b" -> "c" [id="link-b>c", color="#1f4e79", style=dotted, penwidth=4.00, '
            'tooltip="b>c: causes, confidence 1, unsupported"];',
            "}",
            "",
        ]
    )


def test_render_svg_draws_the_escaped_labels():
    g = build_graph_from_links([("a", "b", 0.5)])
    g.nodes["a"]["label"] = 'The "Black Monday" & <Рубль> \\'
    svg = ET.fromstring(render_svg(to_dot(g)))
    texts = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")]
    assert 'The "Black Monday" & <Рубль> \\' in texts
    assert {g.get("id") for g in svg.iter("{http://www.w3.org/2000/svg}g")} >= {
        "event-a", "event-b", "link-a>b"
    }  # fmt: skip


def test_render_svg_without_graphviz(monkeypatch):
    monkeypatch.setenv("PATH", "")
    with pytest.raises(GraphvizError, match="not installed"):
        render_svg("digraph { a }")


def test_render_svg_reports_a_failure():
    with pytest.raises(GraphvizError, match=r"could not draw the graph: .*syntax error"):
        render_svg("digraph { a -> }")


def test_render_svg_stops_at_the_timeout(monkeypatch):
    def slow(*args, **kwargs):
        raise subprocess.TimeoutExpired(args[0], kwargs["timeout"])

    monkeypatch.setattr(subprocess, "run", slow)
    with pytest.raises(GraphvizError, match=r"longer than 0\.5 s"):
        render_svg("digraph { a }", timeout=0.5)


# -- results are JSON-friendly ------------------------------------------------------------------


def test_results_serialise_with_asdict(real):
    g = build_causal_graph(real)
    results = [
        *find_causal_chains(g, "opec-decides-no-cut", "cbr-hike-to-17"),
        analyze_causes(g, "cbr-hike-to-17"),
        analyze_effects(g, "opec-decides-no-cut"),
        *rank_drivers(g),
        what_if(g, ["oil-slides-to-60"]),
        find_longest_chain(g),
        check_consistency(real, g),
        describe_temporal_relation(real, "oil-slides-to-60", "brent-below-60"),
        compare_events(real, g, "ruble-black-monday", "ruble-black-tuesday"),
    ]
    for result in results:
        json.dumps(dataclasses.asdict(result), allow_nan=False)
    json.dumps(to_cytoscape(select_subgraph(g, focus="cbr-hike-to-17", depth=2)))


@pytest.mark.parametrize(
    ("possible", "phrase"),
    [
        ({"met_by"}, "met by"),
        ({"finished_by"}, "finished by"),
        ({"before", "meets"}, "before"),
        ({"before", "after"}, "before or after"),
        ({"during", "starts", "equals"}, "overlapping"),
        (set(), "unknown"),
    ],
)
def test_temporal_phrase_of_each_possible_set(monkeypatch, crisis, possible, phrase):
    monkeypatch.setattr("graph.causal.comparison.possible_allen_relations", lambda a, b: possible)
    for event in ("oil", "ruble"):
        crisis.nodes[event]["date"] = parse_date("2014-12")
    assert describe_temporal_relation(crisis, "oil", "ruble").phrase == phrase
