"""part_of in the causal graph: a cause of a sub-event is a cause of the event it is part of
(a structural edge from the cause to the parent), followed by the analyses by default, never
a link, read back the same from a store; a part never inherits its whole's effects."""

from __future__ import annotations

import networkx as nx

from graph.causal import check_consistency, find_longest_chain, to_cytoscape
from graph.causal.graph import assemble_causal_graph, build_causal_graph, filtered_view
from graph.causal.influence import analyze_causes, analyze_effects
from graph.causal.readback import read_causal_graph
from graph.rdf.build import iter_statements
from graph.store.base import open_store
from graph.vocab import DIRECTED_KINDS


def _toy(links, parts):
    events = [(e, {"date": None}) for e in ("a", "b", "c", "w", "x", "y")]
    return assemble_causal_graph("toy", events, links, parts)


def test_a_cause_of_a_part_is_a_cause_of_the_whole():
    # a -> b, b is part of w, w -> c: a is a cause of w, so of c
    g = _toy([("a", "b", "a-b", "causes", 0.5, "supported"),
              ("w", "c", "w-c", "causes", 0.8, "supported")], [("b", "w")])  # fmt: skip
    assert g.edges["a", "w"] == {
        "id": "part-of:a-b", "kind": "part_of", "confidence": 0.5, "status": "supported",
        "links": [],
    }  # fmt: skip
    result = analyze_causes(g, "c")
    assert [r.event for r in result.ancestors] == ["w", "a"]
    assert [(c.events, c.links, c.strength) for c in result.root_chains] == [
        (("a", "w", "c"), ("part-of:a-b", "w-c"), 0.4)
    ]
    assert [r.event for r in analyze_effects(g, "a").descendants] == ["b", "w", "c"]
    # only on request does an analysis leave part_of out
    assert analyze_causes(g, "c", kinds=DIRECTED_KINDS).roots == ("w",)


def test_a_part_does_not_inherit_its_wholes_effects():
    """Brent below $60 on 16 Dec is part of the oil slide that weakened the ruble on 15 Dec: the
    part must not reach that effect, which came before it."""
    g = _toy([("w", "c", "w-c", "causes", 0.8, "supported")], [("b", "w")])
    assert analyze_effects(g, "b").descendants == ()
    assert not g.has_edge("b", "w")


def test_the_edge_keeps_the_status_of_its_link():
    g = _toy([("a", "b", "a-b", "causes", 0.2, "contested")], [("b", "w")])
    assert g.edges["a", "w"]["status"] == "contested"
    assert not filtered_view(g).has_edge("a", "w")  # the evidence does not follow it


def test_a_link_between_cause_and_whole_takes_the_place_of_part_of():
    direct = _toy([("a", "b", "a-b", "causes", 0.5, "supported"),
                   ("a", "w", "a-w", "enables", 0.6, "supported")], [("b", "w")])  # fmt: skip
    assert direct.edges["a", "w"]["id"] == "a-w"
    whole_causes_part = _toy([("w", "b", "w-b", "causes", 0.6, "supported")], [("b", "w")])
    assert not whole_causes_part.has_edge("w", "w") and not whole_causes_part.has_edge("b", "w")
    similar = _toy([("a", "b", "a-b", "causes", 0.5, "supported"),
                    ("a", "w", "sim", "similar_to", 0.9, "supported")], [("b", "w")])  # fmt: skip
    assert similar.edges["a", "w"]["kind"] == "part_of"
    assert similar.edges["a", "w"]["links"] == ["sim"]


def test_real_causes_of_the_hike_include_the_troops_and_the_referendum(real):
    graph = build_causal_graph(real)
    ancestors = {r.event for r in analyze_causes(graph, "cbr-hike-to-17").ancestors}
    assert {"crimea-troop-deployment", "crimea-referendum", "first-sanctions-wave"} <= ancestors
    # The sub-events themselves lead nowhere but to their wave's causes: not causes of the hike.
    assert not {"us-eo-13660", "us-eo-13661-and-eu-measures"} & ancestors


def test_real_part_of_edges_are_not_links(real):
    graph = build_causal_graph(real)
    parents = {e.id: e.part_of for e in real.events if e.part_of}
    structural = [(u, v, d) for u, v, d in graph.edges(data=True) if d["kind"] == "part_of"]
    assert {(u, v) for u, v, _ in structural} >= {
        ("crimea-troop-deployment", "first-sanctions-wave"),
        ("crimea-referendum", "first-sanctions-wave"),
    }
    links = {link.id: link for link in real.links}

    def ancestors(event: str) -> list[str]:
        found = []
        while event in parents:
            event = parents[event]
            found.append(event)
        return found

    for cause, whole, data in structural:
        link = links[data["id"].removeprefix("part-of:")]
        assert link.cause == cause and whole in ancestors(link.effect)  # up the parents
        assert not data["links"]
    assert sum(len(data["links"]) for _, _, data in graph.edges(data=True)) == len(real.links)
    consistency = check_consistency(real, graph)
    assert consistency.cycles == ()
    assert [i.link for i in consistency.time_inversions] == ["tank-assault-starts-shock-therapy"]
    kinds = {e["data"]["kind"] for e in to_cytoscape(filtered_view(graph))["elements"]["edges"]}
    assert "part_of" in kinds
    assert find_longest_chain(graph).events  # still a DAG
    # Brent below $60 (16 Dec), part of the oil slide, reaches nothing through its whole.
    assert analyze_effects(graph, "brent-below-60").descendants == ()


def test_part_of_edges_read_back_from_a_store_equal_the_datasets(real):
    store = open_store("oxigraph")
    store.load(iter_statements(real))
    pulled = read_causal_graph(store, real.info.base, page_size=7)
    expected = build_causal_graph(real)
    for graph in (pulled, expected):
        for _, _, data in graph.edges(data=True):
            data["links"] = sorted(data["links"])
    assert nx.utils.edges_equal(pulled.edges(data=True), expected.edges(data=True))


def test_a_supported_part_of_edge_replaces_a_disputed_direct_link():
    g = _toy([("a", "b", "a-b", "causes", 0.9, "supported"),
              ("a", "w", "a-w", "causes", 0.15, "contested")], [("b", "w")])  # fmt: skip
    assert g.edges["a", "w"]["kind"] == "part_of" and g.edges["a", "w"]["links"] == ["a-w"]
    assert filtered_view(g).has_edge("a", "w")  # the evidence follows a to w through b


def test_part_of_goes_up_a_chain_of_parents():
    # b is part of w, w part of x: a cause of b is a cause of w and of x
    g = _toy([("a", "b", "a-b", "causes", 0.5, "supported")], [("b", "w"), ("w", "x")])
    assert g.edges["a", "w"]["id"] == g.edges["a", "x"]["id"] == "part-of:a-b"


def test_a_cause_after_one_of_the_wholes_effects_is_not_its_cause():
    """Sibling parts: c is part of w and follows w's effect y; c's cause z (after y) must not
    become a cause of w, which would make it a cause of y, earlier than z."""
    from graph.data import parse_date

    dates = {"w": "2014-12-12/2014-12-16", "y": "2014-12-15", "z": "2014-12-16", "c": "2014-12-16"}
    events = [(e, {"date": parse_date(d)}) for e, d in dates.items()]
    g = assemble_causal_graph(
        "toy",
        events,
        [
            ("w", "y", "w-y", "causes", 0.8, "supported"),
            ("z", "c", "z-c", "causes", 0.8, "supported"),
        ],
        [("c", "w")],
    )
    assert not g.has_edge("z", "w")
    assert "y" not in {r.event for r in analyze_effects(g, "z").descendants}
