"""part_of as a structural edge of the causal graph (sub-event -> the event it is part of):
followed by the analyses by default, never a link, read back the same from a store."""

from __future__ import annotations

import networkx as nx

from graph.causal import check_consistency, find_longest_chain, to_cytoscape
from graph.causal.graph import assemble_causal_graph, build_causal_graph, filtered_view
from graph.causal.influence import analyze_causes, analyze_effects
from graph.causal.readback import read_causal_graph
from graph.rdf.build import iter_triples
from graph.store.base import open_store
from graph.vocab import DIRECTED_KINDS


def _toy(links, parts):
    events = [(e, {"date": None}) for e in ("a", "b", "c", "w", "x", "y")]
    return assemble_causal_graph("toy", events, links, parts)


def test_a_cause_of_a_part_is_a_cause_of_the_whole():
    # a -> b, b is part of w, w -> c: a and b are causes of c
    g = _toy([("a", "b", "a-b", "causes", 0.5, "supported"),
              ("w", "c", "w-c", "causes", 0.8, "supported")], [("b", "w")])  # fmt: skip
    assert g.edges["b", "w"] == {
        "id": "part-of:b", "kind": "part_of", "confidence": 1.0, "status": "supported",
        "links": [],
    }  # fmt: skip
    result = analyze_causes(g, "c")
    assert [r.event for r in result.ancestors] == ["w", "b", "a"]
    assert [(c.events, c.links, c.strength) for c in result.root_chains] == [
        (("a", "b", "w", "c"), ("a-b", "part-of:b", "w-c"), 0.4)
    ]
    assert [r.event for r in analyze_effects(g, "a").descendants] == ["b", "w", "c"]
    # only on request does an analysis leave part_of out
    assert analyze_causes(g, "c", kinds=DIRECTED_KINDS).roots == ("w",)


def test_a_link_between_part_and_whole_takes_the_place_of_part_of():
    forward = _toy([("b", "w", "b-w", "enables", 0.6, "supported")], [("b", "w")])
    assert forward.edges["b", "w"]["id"] == "b-w"
    backward = _toy([("w", "b", "w-b", "causes", 0.6, "supported")], [("b", "w")])
    assert not backward.has_edge("b", "w")  # no loop w -> b -> w
    similar = _toy([("b", "w", "sim", "similar_to", 0.9, "supported")], [("b", "w")])
    assert similar.edges["b", "w"]["kind"] == "part_of"
    assert similar.edges["b", "w"]["links"] == ["sim"]


def test_real_causes_of_the_hike_include_the_troops_and_the_referendum(real):
    graph = build_causal_graph(real)
    ancestors = {r.event for r in analyze_causes(graph, "cbr-hike-to-17").ancestors}
    assert {"crimea-troop-deployment", "crimea-referendum", "us-eo-13660"} <= ancestors
    assert {"us-eo-13661-and-eu-measures", "first-sanctions-wave"} <= ancestors


def test_real_part_of_edges_are_not_links(real):
    graph = build_causal_graph(real)
    parts = [(e.id, e.part_of) for e in real.events if e.part_of]
    structural = [(u, v) for u, v, kind in graph.edges(data="kind") if kind == "part_of"]
    assert sorted(structural) == sorted(parts)
    link_ids = {link.id for link in real.links}
    assert {data["id"] for _, _, data in graph.edges(data=True)} - link_ids == {
        f"part-of:{part}" for part, _ in parts
    }
    assert sum(len(data["links"]) for _, _, data in graph.edges(data=True)) == len(real.links)
    consistency = check_consistency(real, graph)
    assert consistency.time_inversions == () and consistency.cycles == ()
    kinds = {e["data"]["kind"] for e in to_cytoscape(filtered_view(graph))["elements"]["edges"]}
    assert "part_of" in kinds
    assert find_longest_chain(graph).events  # still a DAG


def test_part_of_edges_read_back_from_a_store_equal_the_datasets(real):
    store = open_store("oxigraph")
    store.load(iter_triples(real))
    pulled = read_causal_graph(store, real.info.base, page_size=7)
    expected = build_causal_graph(real)
    for graph in (pulled, expected):
        for _, _, data in graph.edges(data=True):
            data["links"] = sorted(data["links"])
    assert nx.utils.edges_equal(pulled.edges(data=True), expected.edges(data=True))
