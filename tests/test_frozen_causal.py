"""The causal graph saved as arrays (graph.causal.frozen) and loaded again answers every
analysis exactly as the graph built from the dataset does: on the curated events.yaml (with
part_of edges and narratives), on a synthetic dataset of a few thousand events, and on small
random graphs (hypothesis)."""

from __future__ import annotations

import gc
import json
from collections.abc import Callable
from itertools import islice
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from graph.causal import (
    ALL_STATUSES,
    analyze_causes,
    analyze_effects,
    apply_lens,
    build_causal_graph,
    check_consistency,
    compare_events,
    event_labels,
    find_causal_chains,
    find_longest_chain,
    rank_drivers,
    select_graph,
    to_cytoscape,
    to_dot,
    what_if,
)
from graph.causal import frozen as frozen_module
from graph.causal.frozen import frozen_arrays, load_causal, save_causal, write_causal
from graph.causal.graph import assemble_causal_graph, filtered_view, reach
from graph.causal.importance import importance
from graph.causal.linkindex import index_links
from graph.data.model import Dataset
from graph.errors import DerivedDataError
from graph.vocab import LINK_PREDICATES, LINK_STATUSES
from support.synthetic import generate_dataset


@pytest.fixture(scope="module", params=["real", "synthetic"])
def pair(request, tmp_path_factory) -> tuple[Dataset, nx.DiGraph, nx.DiGraph]:
    """A dataset, its built causal graph and the same graph saved and loaded."""
    if request.param == "real":
        dataset = request.getfixturevalue("real")
    else:
        dataset = generate_dataset(3000, seed=7)
    folder = tmp_path_factory.mktemp("frozen") / "causal"
    save_causal(dataset, folder)
    return dataset, build_causal_graph(dataset), load_causal(folder)


def same(built: nx.DiGraph, frozen: nx.DiGraph, analysis: Callable[[nx.DiGraph], Any]) -> None:
    """``analysis`` gives the same result, or raises the same error, on both graphs."""
    try:
        expected: Any = analysis(built)
    except Exception as error:  # the error itself is compared
        expected = (type(error), str(error))
    try:
        found: Any = analysis(frozen)
    except Exception as error:
        found = (type(error), str(error))
    assert found == expected


def sample(graph: nx.DiGraph, count: int) -> list[str]:
    """Up to ``count`` events spread over the graph, the linked ones first."""
    linked = [node for node in graph if graph.succ[node] or graph.pred[node]]
    step = max(1, len(linked) // count)
    return linked[::step][:count]


def chain_pairs(graph: nx.DiGraph, count: int) -> list[tuple[str, str]]:
    """Pairs of events with a chain between them, and one pair without."""
    pairs = []
    view = filtered_view(graph)
    for source in sample(graph, count):
        ahead, _ = reach(view.successors, [source], max_depth=4)
        pairs += [(source, target) for target in islice(reversed(ahead), 2)]
    return [*pairs, (sample(graph, 2)[-1], sample(graph, 2)[0])]


def test_structure_is_the_built_graph(pair):
    _, built, frozen = pair
    assert list(frozen) == list(built)
    assert frozen.graph == built.graph
    assert dict(frozen.nodes(data=True)) == dict(built.nodes(data=True))
    assert list(frozen.edges(data=True)) == list(built.edges(data=True))
    for node in built:
        assert list(frozen.pred[node].items()) == list(built.pred[node].items())
    assert frozen.number_of_edges() == built.number_of_edges()
    assert "no-such-event" not in frozen and 42 not in frozen and "é" * 300 not in frozen


def test_edge_data_is_shared_between_directions(pair):
    _, _, frozen = pair
    cause, effect = next(iter(frozen.edges))
    assert frozen.succ[cause][effect] is frozen.pred[effect][cause]


def test_chains_causes_effects_and_what_if(pair):
    _, built, frozen = pair
    for source, target in chain_pairs(built, 15):
        same(built, frozen, lambda g, s=source, t=target: find_causal_chains(g, s, t))
        same(built, frozen, lambda g, s=source, t=target: find_causal_chains(
            g, s, t, max_depth=3, limit=3, statuses=ALL_STATUSES))  # fmt: skip
    for event in sample(built, 20):
        same(built, frozen, lambda g, e=event: analyze_causes(g, e))
        same(built, frozen, lambda g, e=event: analyze_effects(g, e, max_depth=2, limit=50))
        same(built, frozen, lambda g, e=event: what_if(g, [e]))
        same(built, frozen, lambda g, e=event: select_graph(g, focus=e, depth=2).graph.edges)
    same(built, frozen, lambda g: find_causal_chains(g, "no-such-event", "x"))


def test_whole_graph_analyses(pair):
    dataset, built, frozen = pair
    same(built, frozen, find_longest_chain)
    same(built, frozen, lambda g: find_longest_chain(g, statuses=ALL_STATUSES))
    same(built, frozen, lambda g: rank_drivers(g, limit=5, max_searches=50))
    same(built, frozen, lambda g: check_consistency(dataset, g))
    same(built, frozen, importance)
    same(built, frozen, lambda g: to_cytoscape(select_graph(g, limit=60).graph))
    same(built, frozen, lambda g: to_dot(select_graph(g, limit=60).graph))


def test_labels_comparison_and_lenses(pair):
    dataset, built, frozen = pair
    events = sample(built, 6)
    same(built, frozen, lambda g: event_labels(g, events))
    same(built, frozen, lambda g: compare_events(dataset, g, events[0], events[-1]))
    for lens in [None, "all", *(n.id for n in dataset.narratives)]:
        views = [apply_lens(g, dataset, lens) for g in (built, frozen)]
        assert views[0].statuses == views[1].statuses
        assert list(views[0].graph.edges(data=True)) == list(views[1].graph.edges(data=True))


def test_loaded_graph_is_read_only_and_lazy(pair):
    _, built, frozen = pair
    with pytest.raises(nx.NetworkXError):
        frozen.add_edge("a", "b")
    arrays = frozen_arrays(frozen)
    assert arrays is not None
    fresh = load_causal(arrays.path)
    loaded = frozen_arrays(fresh)
    assert loaded is not None and not loaded.node_data and not loaded.edge_data
    event = next(iter(built))
    assert fresh.nodes[event] == built.nodes[event] and len(loaded.node_data) == 1
    assert frozen_arrays(built) is None


def test_missing_or_foreign_directory_is_refused(tmp_path, tiny):
    with pytest.raises(DerivedDataError, match="no saved causal-graph"):
        load_causal(tmp_path / "nothing")
    save_causal(tiny, tmp_path / "causal", version="v1")
    assert len(load_causal(tmp_path / "causal", version="v1")) == len(tiny.events)
    with pytest.raises(DerivedDataError, match="version v1, not v2"):
        load_causal(tmp_path / "causal", version="v2")
    manifest = tmp_path / "causal" / "manifest.json"
    manifest.write_text(json.dumps({**json.loads(manifest.read_text()), "format": 0}))
    with pytest.raises(DerivedDataError, match="format 0"):
        load_causal(tmp_path / "causal")


def test_saving_again_replaces_the_directory(tmp_path, tiny, real):
    save_causal(real, tmp_path / "causal")
    save_causal(tiny, tmp_path / "causal")
    assert len(load_causal(tmp_path / "causal")) == len(tiny.events)
    assert [p.name for p in tmp_path.iterdir()] == ["causal"]


def test_a_graph_of_another_shape_is_refused(tmp_path, crisis):
    with pytest.raises(ValueError, match="node attributes"):
        write_causal(crisis, tmp_path / "causal")
    assert not (tmp_path / "causal").exists() and not list(tmp_path.iterdir())
    assert gc.isenabled()  # the collector, paused while writing, runs again


EVENTS = [f"e{i}" for i in range(7)]
LINKS = st.lists(
    st.tuples(
        st.sampled_from(EVENTS),
        st.sampled_from(EVENTS),
        st.sampled_from(sorted(LINK_PREDICATES)),
        st.sampled_from([0.0, 0.3, 0.5, 0.9, 1.0]),
        st.sampled_from(sorted(LINK_STATUSES)),
    ),
    max_size=18,
)
PARTS = st.lists(st.tuples(st.sampled_from(EVENTS), st.sampled_from(EVENTS)), max_size=3)


@given(links=LINKS, parts=PARTS)
def test_random_graphs_round_trip(tmp_path_factory, links, parts):
    records = [(c, e, f"l{i}", k, conf, s) for i, (c, e, k, conf, s) in enumerate(links)]
    nodes = [(e, {"label": e.upper(), "lane": "x", "type": "t", "date": None}) for e in EVENTS]
    built = assemble_causal_graph("toy", nodes, records, dict(parts).items())
    folder: Path = tmp_path_factory.mktemp("random") / "causal"
    write_causal(built, folder)
    frozen = load_causal(folder)
    assert list(frozen.edges(data=True)) == list(built.edges(data=True))
    for event in EVENTS:
        assert list(frozen.pred[event].items()) == list(built.pred[event].items())
        same(
            built, frozen, lambda g, e=event: find_causal_chains(g, "e0", e, statuses=ALL_STATUSES)
        )
        same(built, frozen, lambda g, e=event: analyze_effects(g, e, statuses=ALL_STATUSES))
    same(built, frozen, lambda g: find_longest_chain(g, statuses=ALL_STATUSES))


def test_whole_graph_passes_read_the_rows_without_making_dicts(pair):
    _, built, frozen = pair
    fresh = load_causal(frozen_arrays(frozen).path)  # type: ignore[union-attr]
    for options in [{}, {"statuses": ALL_STATUSES}, {"kinds": ["similar_to"]}]:
        assert index_links(fresh, **options) == index_links(built, **options)
    arrays = frozen_arrays(fresh)
    assert arrays is not None and not arrays.node_data and not arrays.edge_data
    same(built, fresh, lambda g: rank_drivers(g, limit=5, max_searches=50))


def test_networkx_views_and_copies_work_on_the_loaded_graph(pair):
    _, built, frozen = pair
    events = sample(built, 30)
    for g in (built, frozen):
        assert nx.is_frozen(g) == (g is frozen)
    adjacency = [{u: dict(vs) for u, vs in g.subgraph(events).adjacency()} for g in (built, frozen)]
    assert adjacency[0] == adjacency[1]
    copy = frozen.subgraph(events).copy()
    copy.add_edge(events[0], "new")  # a copy is an ordinary, mutable graph
    assert "new" not in frozen and copy.nodes[events[1]] == built.nodes[events[1]]
    assert list(frozen.in_degree(events)) == list(built.in_degree(events))
    assert sorted(nx.descendants(frozen, events[0])) == sorted(nx.descendants(built, events[0]))


def test_dicts_made_one_by_one_then_all_at_once_stay_shared(pair):
    _, built, frozen = pair
    fresh = load_causal(frozen_arrays(frozen).path)  # type: ignore[union-attr]
    cause, effect = list(built.edges)[len(built.edges) // 2]
    early = fresh.succ[cause][effect]  # one row made alone
    node = fresh.nodes[cause]
    assert list(fresh.edges(data=True)) == list(built.edges(data=True))  # then every row
    assert fresh.pred[effect][cause] is early and fresh.nodes[cause] is node
    last = list(built.edges)[-1]
    assert fresh.succ[last[0]][last[1]] is fresh.pred[last[1]][last[0]]
    assert dict(fresh.nodes(data=True)) == dict(built.nodes(data=True))


def test_many_rows_asked_one_by_one_are_then_made_at_once(pair, monkeypatch):
    _, built, frozen = pair
    monkeypatch.setattr(frozen_module, "BULK_AFTER", 10)
    fresh = load_causal(frozen_arrays(frozen).path)  # type: ignore[union-attr]
    arrays = frozen_arrays(fresh)
    assert arrays is not None
    degrees = [fresh.degree[n] for n in list(built)[:200]]
    assert degrees == [built.degree[n] for n in list(built)[:200]]
    assert len(arrays.edge_data) == built.number_of_edges()  # the rest made at once
