"""The causal graph of a dataset and the path analyses over it, networkx style.

:func:`build_causal_graph` turns a :class:`~graph.model.Dataset` into an ``nx.DiGraph`` with
one node per event and one edge per linked pair, keeping links of every kind and status.
Analyses take that graph first, then event ids, then keyword-only bounds, and look only at
:func:`filtered_view` of it: by default the directed kinds of :data:`graph.vocab.DIRECTED_KINDS`
(``similar_to`` and ``correlates_with`` state no influence) at every status. Every search is
bounded by ``max_depth`` and/or ``limit``; no path between two events is an empty result, not
an error. This module also selects parts of the graph and exports them (Cytoscape JSON, DOT,
SVG). Reach, drivers, counterfactuals, time order and comparisons are in
:mod:`graph.influence`.

>>> g = build_graph_from_links([("opec", "oil", 0.9), ("oil", "ruble", 0.8)])
>>> find_causal_chains(g, "opec", "ruble")[0].events
('opec', 'oil', 'ruble')
"""

from __future__ import annotations

import math
import shutil
import subprocess
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from itertools import chain as chain_iter
from itertools import islice, pairwise
from typing import Any

import networkx as nx

from graph.errors import DataError, EkgError
from graph.model import Dataset
from graph.vocab import DIRECTED_KINDS

# A chain's search cost is one hop (_HOP) plus -log(confidence) per link, so that paths come
# out shortest first and, among equally short ones, strongest first. -log is capped (_MAX_COST)
# so that a link of confidence 0 still counts, and the cap times any depth stays below _HOP.
_HOP = 1e6
_MAX_COST = 50.0
MAX_CHAIN_DEPTH = 1000


class UnknownEventError(EkgError, LookupError):
    """An event id that is not a node of the graph (the service answers 404)."""


@dataclass(frozen=True)
class Chain:
    """A causal chain: ``events`` joined by ``links``, with its strength and weakest link.

    ``strength`` is the product of the link confidences (1.0 for a chain without links);
    ``weakest_link`` and ``weakest_confidence`` are None when there is no link.
    """

    events: tuple[str, ...]
    links: tuple[str, ...]
    strength: float
    weakest_link: str | None
    weakest_confidence: float | None


def build_causal_graph(dataset: Dataset) -> nx.DiGraph:
    """The dataset's events and links as a directed graph, cause -> effect.

    Nodes are event ids with ``label``, ``lane``, ``type``, ``date`` (the
    :class:`~graph.dates.EventDate`) and ``start`` (ISO form of its begin). Each edge has the
    ``id``, ``kind``, ``confidence`` (float) and ``status`` of one link, and ``links``, the ids
    of every link between that pair. When several links join one pair, the edge describes the
    one of highest confidence, except that a directed kind always wins over ``similar_to`` or
    ``correlates_with``, so that a similarity never hides an influence.

    Parameters
    ----------
    dataset : Dataset
        A valid dataset, as :func:`graph.events.load_dataset` returns.

    Returns
    -------
    nx.DiGraph
        Links of every kind and status; analyses filter with :func:`filtered_view`.

    Examples
    --------
    >>> from pathlib import Path
    >>> from graph.events import load_dataset
    >>> tiny = load_dataset(Path(__file__).parent.parent / "tests" / "data" / "tiny.yaml")
    >>> g = build_causal_graph(tiny)
    >>> g.nodes["ruble-falls"]["start"], g.edges["oil-below-60", "ruble-falls"]["links"]
    ('2014-12-15', ['oil-to-ruble'])
    """
    graph = nx.DiGraph(dataset=dataset.info.id)
    for event in dataset.events:
        start = event.date.begin.isoformat()
        graph.add_node(
            event.id, label=event.label, lane=event.lane, type=event.type, date=event.date,
            start=start,
        )  # fmt: skip
    for link in dataset.links:
        attrs = {
            "id": link.id,
            "kind": link.kind,
            "confidence": float(link.confidence),
            "status": link.status,
        }
        old = graph.get_edge_data(link.cause, link.effect)
        if old is None:
            graph.add_edge(link.cause, link.effect, **attrs, links=[link.id])
            continue
        old["links"].append(link.id)
        if _precedence(attrs) > _precedence(old):
            old.update(attrs)
    return graph


def _precedence(attrs: Mapping[str, Any]) -> tuple[bool, float]:
    return attrs["kind"] in DIRECTED_KINDS, attrs["confidence"]


def build_graph_from_links(links: Iterable[tuple[Any, ...]]) -> nx.DiGraph:
    """A small causal graph from ``(cause, effect, confidence[, attrs])`` tuples.

    For examples and tests. Each edge gets the id ``"cause>effect"``, kind ``causes`` and
    status ``supported`` unless ``attrs`` (a dict) says otherwise; nodes are labelled by id.

    Parameters
    ----------
    links : iterable of tuple
        ``(cause, effect, confidence)`` or ``(cause, effect, confidence, attrs)``.

    Returns
    -------
    nx.DiGraph
        Shaped like the result of :func:`build_causal_graph`, without dates.

    Examples
    --------
    >>> g = build_graph_from_links([("a", "b", 0.5), ("b", "c", 0.9, {"kind": "similar_to"})])
    >>> g.edges["b", "c"]
    {'id': 'b>c', 'kind': 'similar_to', 'confidence': 0.9, 'status': 'supported', 'links': ['b>c']}
    """
    graph = nx.DiGraph()
    for cause, effect, confidence, *rest in links:
        attrs = {"id": f"{cause}>{effect}", "kind": "causes", "confidence": float(confidence)}
        attrs = {**attrs, "status": "supported", **(rest[0] if rest else {})}
        attrs["links"] = [attrs["id"]]
        for event in (cause, effect):
            graph.add_node(event, label=event)
        graph.add_edge(cause, effect, **attrs)
    return graph


def filtered_view(
    graph: nx.DiGraph,
    *,
    statuses: Collection[str] | None = None,
    kinds: Collection[str] | None = None,
    events: Collection[str] | None = None,
) -> nx.DiGraph:
    """A read-only view of ``graph`` with only the links of ``kinds`` and ``statuses``.

    Every node stays, unless ``events`` is given. Nothing is copied: the view follows later
    changes of ``graph``. Values are not checked against the vocabulary; an unknown one
    simply matches no link.

    Parameters
    ----------
    graph : nx.DiGraph
        A causal graph (:func:`build_causal_graph`).
    statuses : collection of str, optional
        Link statuses to keep; None (the default) keeps every status.
    kinds : collection of str, optional
        Link kinds to keep; None (the default) keeps :data:`graph.vocab.DIRECTED_KINDS`.
    events : collection of str, optional
        Events to keep (with the kept links among them); None keeps every event. Restricting
        here, not with ``.subgraph()`` on the view, keeps iteration proportional to ``events``.

    Returns
    -------
    nx.DiGraph
        A subgraph view (``nx.subgraph_view``).

    Examples
    --------
    >>> g = build_graph_from_links([("a", "b", 0.9), ("b", "c", 0.9, {"kind": "similar_to"})])
    >>> list(filtered_view(g).edges), list(filtered_view(g, kinds={"similar_to"}).edges)
    ([('a', 'b')], [('b', 'c')])
    """
    keeps = link_filter(statuses=statuses, kinds=kinds)
    succ = graph.succ
    return nx.subgraph_view(
        graph,
        filter_node=nx.filters.no_filter if events is None else nx.filters.show_nodes(events),
        filter_edge=lambda cause, effect: keeps(succ[cause][effect]),
    )


def link_filter(
    *, statuses: Collection[str] | None = None, kinds: Collection[str] | None = None
) -> Callable[[Mapping[str, Any]], bool]:
    """The predicate on edge data behind :func:`filtered_view` (same defaults).

    >>> keeps = link_filter(statuses={"supported"})
    >>> keeps({"kind": "causes", "status": "supported"}), keeps({"kind": "causes", "status": ""})
    (True, False)
    """
    kept_kinds = DIRECTED_KINDS if kinds is None else frozenset(kinds)
    kept_statuses = None if statuses is None else frozenset(statuses)

    def keeps(data: Mapping[str, Any]) -> bool:
        return data["kind"] in kept_kinds and (
            kept_statuses is None or data["status"] in kept_statuses
        )

    return keeps


@dataclass(frozen=True)
class LinkIndex:
    """The kept links of a graph as integer adjacency lists, for whole-graph passes.

    ``events[i]`` is the id of event ``i`` (graph order) and ``effects[i]`` lists
    ``(j, confidence)`` for each of its kept links. Walking lists of integers is several times
    faster than walking dicts keyed by id once a graph has a million events.
    """

    events: list[str]
    effects: list[list[tuple[int, float]]]


def index_links(
    graph: nx.DiGraph,
    *,
    statuses: Collection[str] | None = None,
    kinds: Collection[str] | None = None,
) -> LinkIndex:
    """The links of :func:`filtered_view` as a :class:`LinkIndex`, in one pass.

    >>> g = build_graph_from_links([("a", "b", 0.5), ("a", "c", 1, {"kind": "similar_to"})])
    >>> index_links(g)
    LinkIndex(events=['a', 'b', 'c'], effects=[[(1, 0.5)], [], []])
    """
    keeps = link_filter(statuses=statuses, kinds=kinds)
    events = list(graph)
    position = {event: i for i, event in enumerate(events)}
    effects = [
        [(position[effect], data["confidence"]) for effect, data in links.items() if keeps(data)]
        for _, links in graph.adjacency()
    ]
    return LinkIndex(events, effects)


def order_causes_first(index: LinkIndex) -> list[int]:
    """A topological order of the events of ``index`` (Kahn's algorithm, O(V + E)).

    Events on a cycle, or downstream of one, are left out: the order is complete exactly
    when the links form no cycle.

    >>> order_causes_first(LinkIndex(["b", "a", "c"], [[(2, 1.0)], [(0, 1.0)], []]))
    [1, 0, 2]
    >>> order_causes_first(LinkIndex(["a", "b", "c"], [[(1, 1.0)], [(0, 1.0)], []]))
    [2]
    """
    waiting = [0] * len(index.events)
    for links in index.effects:
        for effect, _ in links:
            waiting[effect] += 1
    ready = [event for event, count in enumerate(waiting) if count == 0]
    ready.reverse()
    order = []
    while ready:
        event = ready.pop()
        order.append(event)
        for effect, _ in reversed(index.effects[event]):
            waiting[effect] -= 1
            if waiting[effect] == 0:
                ready.append(effect)
    return order


def require_events(graph: nx.DiGraph, *events: str) -> None:
    """Raise :class:`UnknownEventError` naming the first of ``events`` not in ``graph``.

    >>> require_events(build_graph_from_links([("a", "b", 1)]), "a", "z")
    Traceback (most recent call last):
    ...
    graph.causal.UnknownEventError: unknown event 'z'
    """
    for event in events:
        if event not in graph:
            raise UnknownEventError(f"unknown event {event!r}")


def make_chain(graph: nx.DiGraph, events: Iterable[str]) -> Chain:
    """The :class:`Chain` along ``events``, consecutive ones joined by edges of ``graph``.

    >>> make_chain(build_graph_from_links([("a", "b", 0.5), ("b", "c", 0.8)]), ["a", "b", "c"])
    Chain(events=('a', 'b', 'c'), links=('a>b', 'b>c'), strength=0.4, weakest_link='a>b', \
weakest_confidence=0.5)
    """
    events = tuple(events)
    edges = [graph.succ[u][v] for u, v in pairwise(events)]
    weakest = min(edges, key=lambda data: data["confidence"], default=None)
    return Chain(
        events=events,
        links=tuple(data["id"] for data in edges),
        strength=round(math.prod((data["confidence"] for data in edges), start=1.0), 6),
        weakest_link=None if weakest is None else weakest["id"],
        weakest_confidence=None if weakest is None else weakest["confidence"],
    )


def link_cost(confidence: float) -> float:
    """``-log(confidence)``, capped: the additive cost whose minimum is the strongest path."""
    if confidence <= math.exp(-_MAX_COST):
        return _MAX_COST
    return min(-math.log(min(confidence, 1.0)), _MAX_COST)


def find_causal_chains(
    graph: nx.DiGraph,
    source: str,
    target: str,
    *,
    max_depth: int = 6,
    limit: int = 10,
    statuses: Collection[str] | None = None,
    kinds: Collection[str] | None = None,
) -> list[Chain]:
    """Causal chains from ``source`` to ``target``: shortest first, then strongest.

    The graph is first pruned to the events that are both reachable from ``source`` and able to
    reach ``target`` within ``max_depth`` links (a forward breadth-first search, then a backward
    one inside it), so the cost depends on the neighbourhood, not on the graph's size. The
    chains are then enumerated lazily with ``nx.shortest_simple_paths`` (Yen's algorithm) on a
    cost of one hop plus ``-log(confidence)`` per link, and enumeration stops at ``limit``
    chains or at the first chain longer than ``max_depth``.

    Parameters
    ----------
    graph : nx.DiGraph
        A causal graph (:func:`build_causal_graph`).
    source, target : str
        Event ids.
    max_depth : int, default 6
        Most links in a chain (at most :data:`MAX_CHAIN_DEPTH`).
    limit : int, default 10
        Most chains returned.
    statuses, kinds : collection of str, optional
        Link filter, as in :func:`filtered_view`.

    Returns
    -------
    list of Chain
        Empty when there is no chain, or when ``source == target``.

    Raises
    ------
    UnknownEventError
        If ``source`` or ``target`` is not an event of ``graph``.

    Examples
    --------
    >>> g = build_graph_from_links(
    ...     [("opec", "oil", 0.9), ("oil", "ruble", 0.8), ("ruble", "hike", 0.9),
    ...      ("oil", "hike", 0.5), ("sanctions", "ruble", 0.6)])
    >>> [(c.events, c.strength) for c in find_causal_chains(g, "opec", "hike")]
    [(('opec', 'oil', 'hike'), 0.45), (('opec', 'oil', 'ruble', 'hike'), 0.648)]
    >>> find_causal_chains(g, "hike", "opec")
    []
    """
    require_events(graph, source, target)
    max_depth = min(max_depth, MAX_CHAIN_DEPTH)
    if source == target or max_depth < 1 or limit < 1:
        return []
    view = filtered_view(graph, statuses=statuses, kinds=kinds)
    ahead, _ = reach(view.successors, [source], max_depth=max_depth)
    if target not in ahead:
        return []
    behind, _ = reach(
        view.predecessors,
        [target],
        max_depth=max_depth,
        keep=lambda node, depth: node in ahead and ahead[node] + depth <= max_depth,
    )
    kept = [source, target, *(node for node in behind if node in ahead)]
    pruned = filtered_view(graph, statuses=statuses, kinds=kinds, events=kept)
    paths = nx.shortest_simple_paths(
        pruned, source, target, weight=lambda u, v, d: _HOP + link_cost(d["confidence"])
    )
    chains = []
    for path in islice(paths, limit):
        if len(path) - 1 > max_depth:
            break
        chains.append(make_chain(view, path))
    return chains


def reach(
    neighbours: Callable[[str], Iterable[str]],
    starts: Iterable[str],
    *,
    max_depth: int | None = None,
    limit: int | None = None,
    skip: Collection[str] = (),
    keep: Callable[[str, int], bool] | None = None,
) -> tuple[dict[str, int], bool]:
    """Breadth-first search: the events found from ``starts`` with their depth (fewest links),
    and whether ``limit`` cut the search short.

    ``neighbours`` gives the next events: ``view.successors`` downstream,
    ``view.predecessors`` upstream. The starts are not in the result; events in ``skip`` are
    neither found nor crossed, nor those for which ``keep(event, depth)`` is false.

    >>> g = build_graph_from_links([("a", "b", 1), ("b", "c", 1), ("c", "d", 1)])
    >>> reach(g.successors, ["a"], max_depth=2), reach(g.predecessors, ["d"], limit=1)
    (({'b': 1, 'c': 2}, False), ({'c': 1}, True))
    """
    frontier = list(dict.fromkeys(starts))
    seen = {*frontier, *skip}
    found: dict[str, int] = {}
    depth = 0
    while frontier and (max_depth is None or depth < max_depth):
        depth += 1
        following = []
        for node in frontier:
            for other in neighbours(node):
                if other in seen or (keep is not None and not keep(other, depth)):
                    continue
                if limit is not None and len(found) >= limit:
                    return found, True
                seen.add(other)
                found[other] = depth
                following.append(other)
        frontier = following
    return found, False


def has_parent(view: nx.DiGraph, event: str) -> bool:
    """True if ``event`` has a causal parent (an incoming link) in ``view``.

    >>> g = build_graph_from_links([("a", "b", 1)])
    >>> has_parent(g, "a"), has_parent(g, "b")
    (False, True)
    """
    return any(True for _ in view.pred[event])


def find_longest_chain(
    graph: nx.DiGraph,
    *,
    statuses: Collection[str] | None = None,
    kinds: Collection[str] | None = None,
) -> Chain:
    """The chain with the most links in the graph; among equally long ones, the strongest.

    Dynamic programming over a topological order (:func:`order_causes_first`), O(V + E).
    Like ``nx.dag_longest_path`` with a unit weight, but equally long chains are told apart
    exactly, by the sum of ``log(confidence)``, instead of by iteration order. Chains still
    tied are settled by graph (file) order.

    Parameters
    ----------
    graph : nx.DiGraph
        A causal graph (:func:`build_causal_graph`).
    statuses, kinds : collection of str, optional
        Link filter, as in :func:`filtered_view`.

    Returns
    -------
    Chain
        With no events when the filtered graph has no link.

    Raises
    ------
    DataError
        If the selected links form a cycle (a longest chain is then undefined).

    Examples
    --------
    >>> g = build_graph_from_links([("a", "b", 0.5), ("b", "d", 0.5), ("a", "c", 0.9),
    ...                             ("c", "d", 0.9), ("x", "y", 1.0)])
    >>> find_longest_chain(g).events
    ('a', 'c', 'd')
    >>> find_longest_chain(nx.DiGraph()).events
    ()
    """
    index = index_links(graph, statuses=statuses, kinds=kinds)
    order = order_causes_first(index)
    if len(order) < len(index.events):
        rest = set(index.events).difference(index.events[i] for i in order)
        cycle = nx.find_cycle(filtered_view(graph, statuses=statuses, kinds=kinds, events=rest))
        names = " -> ".join([*(cause for cause, _ in cycle), cycle[0][0]])
        raise DataError(f"the selected links form a cycle: {names}")
    hops, log_strength = [0] * len(order), [0.0] * len(order)
    parent = [-1] * len(order)
    for cause in order:
        for effect, conf in index.effects[cause]:
            step = log_strength[cause] + (math.log(conf) if conf > 0 else -math.inf)
            if (hops[cause] + 1, step) > (hops[effect], log_strength[effect]):
                hops[effect], log_strength[effect], parent[effect] = hops[cause] + 1, step, cause
    end = max(range(len(order)), key=lambda i: (hops[i], log_strength[i]), default=None)
    path = [] if end is None or hops[end] == 0 else [end]
    while path and parent[path[-1]] >= 0:
        path.append(parent[path[-1]])
    return make_chain(graph, [index.events[i] for i in reversed(path)])


# -- selection and export ---------------------------------------------------------------------

MAX_SELECT_DEPTH = 6

_DOT_STYLES = {"contested": "dashed", "unsupported": "dotted"}
_DOT_COLORS = {
    "causes": "#1f4e79",
    "enables": "#2e7d32",
    "prevents": "#b71c1c",
    "contributes_to": "#4a6fa5",
    "correlates_with": "#8c8c8c",
    "similar_to": "#8c8c8c",
}


class GraphvizError(EkgError):
    """The Graphviz ``dot`` program is missing, failed, or ran past its time limit."""


def select_subgraph(
    graph: nx.DiGraph,
    *,
    focus: str | None = None,
    depth: int = 1,
    chain: Iterable[str] | None = None,
    limit: int = 1000,
    statuses: Collection[str] | None = None,
    kinds: Collection[str] | None = None,
) -> nx.DiGraph:
    """The part of the graph to draw: around one event, along a chain, or both.

    ``focus`` selects the event and every event within ``depth`` links of it in either
    direction (at most :data:`MAX_SELECT_DEPTH`, and at most ``limit`` events besides the
    focus), with all the filtered links among them. ``chain`` selects the listed events and the
    links between consecutive ones. With neither, the whole filtered graph is returned.

    Parameters
    ----------
    graph : nx.DiGraph
        A causal graph (:func:`build_causal_graph`).
    focus : str, optional
        Event id at the centre.
    depth : int, default 1
        Links from ``focus``; clamped to 0 .. :data:`MAX_SELECT_DEPTH`.
    chain : iterable of str, optional
        Event ids, e.g. ``Chain.events``.
    limit : int, default 1000
        Most events selected around ``focus``.
    statuses, kinds : collection of str, optional
        Link filter, as in :func:`filtered_view`.

    Returns
    -------
    nx.DiGraph
        A read-only view; node and edge attributes are those of ``graph``.

    Raises
    ------
    UnknownEventError
        If ``focus`` or an event of ``chain`` is not an event of ``graph``.

    Examples
    --------
    >>> g = build_graph_from_links([("opec", "oil", 0.9), ("oil", "ruble", 0.8),
    ...                             ("ruble", "hike", 0.9), ("oil", "hike", 0.5)])
    >>> sorted(select_subgraph(g, focus="ruble").edges)
    [('oil', 'hike'), ('oil', 'ruble'), ('ruble', 'hike')]
    >>> sorted(select_subgraph(g, chain=["opec", "oil", "hike"]).edges)
    [('oil', 'hike'), ('opec', 'oil')]
    """
    view = filtered_view(graph, statuses=statuses, kinds=kinds)
    if focus is None and chain is None:
        return view
    around: set[str] = set()
    if focus is not None:
        require_events(graph, focus)
        depth = min(max(depth, 0), MAX_SELECT_DEPTH)
        found, _ = reach(_neighbourhood(view), [focus], max_depth=depth, limit=max(limit, 0))
        around = {focus, *found}
    events = list(chain or ())
    require_events(graph, *events)
    links = {edge for u, v in pairwise(events) for edge in ((u, v), (v, u)) if view.has_edge(*edge)}
    keeps = link_filter(statuses=statuses, kinds=kinds)
    return nx.subgraph_view(
        graph,
        filter_node=nx.filters.show_nodes(around.union(events)),
        filter_edge=lambda u, v: (
            (u, v) in links or (u in around and v in around and keeps(graph.succ[u][v]))
        ),
    )


def _neighbourhood(view: nx.DiGraph) -> Callable[[str], Iterable[str]]:
    return lambda node: chain_iter(view.successors(node), view.predecessors(node))


def to_cytoscape(graph: nx.DiGraph) -> dict[str, Any]:
    """The graph as Cytoscape.js elements JSON, nodes and edges sorted by id.

    >>> g = build_graph_from_links([("opec", "oil", 0.9)])
    >>> to_cytoscape(g)["elements"]["edges"]
    [{'data': {'id': 'opec>oil', 'source': 'opec', 'target': 'oil', 'kind': 'causes', \
'confidence': 0.9, 'status': 'supported'}}]
    """
    nodes = [
        {
            "data": {
                "id": node,
                "label": data.get("label", node),
                "lane": data.get("lane"),
                "type": data.get("type"),
                "start": data.get("start"),
            }
        }
        for node, data in sorted(graph.nodes(data=True), key=lambda item: item[0])
    ]
    edges = [
        {
            "data": {
                "id": data["id"],
                "source": cause,
                "target": effect,
                "kind": data["kind"],
                "confidence": data["confidence"],
                "status": data["status"],
            }
        }
        for cause, effect, data in sorted(graph.edges(data=True), key=_edge_order)
    ]
    return {"elements": {"nodes": nodes, "edges": edges}}


def _edge_order(edge: tuple[str, str, Mapping[str, Any]]) -> tuple[str, str, str]:
    return edge[2]["id"], edge[0], edge[1]


def to_dot(graph: nx.DiGraph, *, title: str | None = None) -> str:
    """The graph in the GraphViz DOT language, left to right, ready for :func:`render_svg`.

    Nodes are labelled with their label and EDTF date, edges are coloured by kind, dashed when
    contested, dotted when unsupported, and thicker the higher their confidence. Every string
    is quoted and escaped (quotes, backslashes, newlines), so labels may contain any
    character; the file is UTF-8. In the SVG, nodes get the id ``event-<id>`` and edges
    ``link-<id>``.

    Parameters
    ----------
    graph : nx.DiGraph
        A causal graph or a selection of it (:func:`select_subgraph`).
    title : str, optional
        Shown at the top of the drawing.

    Returns
    -------
    str

    Examples
    --------
    >>> g = build_graph_from_links([("a", "b", 0.5, {"status": "contested"})])
    >>> g.nodes["a"]["label"] = 'The "Black Monday"'
    >>> print(to_dot(g, title="Rouble"))  # doctest: +ELLIPSIS
    digraph causal {
      graph [rankdir=LR, charset="UTF-8", label="Rouble", labelloc=t];
      ...
      "a" [id="event-a", label="The \\"Black Monday\\""];
      "b" [id="event-b", label="b"];
      "a" -> "b" [id="link-a>b", color="#1f4e79", style=dashed, penwidth=2.50, tooltip="..."];
    }
    """
    head = 'rankdir=LR, charset="UTF-8"' + (f", label={_dot(title)}, labelloc=t" if title else "")
    lines = [
        "digraph causal {",
        f"  graph [{head}];",
        '  node [shape=box, style=rounded, fontname="Helvetica", fontsize=10];',
        '  edge [fontname="Helvetica", fontsize=9];',
    ]
    for node, data in sorted(graph.nodes(data=True), key=lambda item: item[0]):
        date = data.get("date")
        label = str(data.get("label", node)) + (f"\n{date.edtf}" if date is not None else "")
        lines.append(f"  {_dot(node)} [id={_dot('event-' + node)}, label={_dot(label)}];")
    for cause, effect, data in sorted(graph.edges(data=True), key=_edge_order):
        confidence = data["confidence"]
        tooltip = f"{data['id']}: {data['kind']}, confidence {confidence:g}, {data['status']}"
        color = _DOT_COLORS.get(data["kind"], "#000000")
        attrs = (
            f"id={_dot('link-' + data['id'])}, color={_dot(color)}, "
            f"style={_DOT_STYLES.get(data['status'], 'solid')}, "
            f"penwidth={1 + 3 * confidence:.2f}, tooltip={_dot(tooltip)}"
        )
        lines.append(f"  {_dot(cause)} -> {_dot(effect)} [{attrs}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _dot(text: str) -> str:
    """``text`` as a DOT quoted string: backslashes and quotes escaped, newlines as ``\\n``."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n") + '"'


def render_svg(dot: str, *, timeout: float = 10) -> bytes:
    """Draw DOT text as SVG with the Graphviz ``dot`` program (Debian package ``graphviz``).

    Parameters
    ----------
    dot : str
        A graph in the DOT language, e.g. from :func:`to_dot`.
    timeout : float, default 10
        Seconds before ``dot`` is stopped.

    Returns
    -------
    bytes
        The SVG document.

    Raises
    ------
    GraphvizError
        If ``dot`` is not installed, fails, or runs past ``timeout``.

    Examples
    --------
    >>> render_svg('digraph { "a" -> "b" }')[:5]
    b'<?xml'
    """
    program = shutil.which("dot")
    if program is None:
        raise GraphvizError("Graphviz is not installed: no `dot` program on the PATH")
    try:
        done = subprocess.run(
            [program, "-Tsvg"], input=dot.encode("utf-8"), capture_output=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        raise GraphvizError(f"Graphviz took longer than {timeout:g} s and was stopped") from None
    except OSError as exc:
        raise GraphvizError(f"cannot run Graphviz: {exc.strerror}") from exc
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = reason[0] if reason else f"exit status {done.returncode}"
        raise GraphvizError(f"Graphviz could not draw the graph: {detail}")
    return done.stdout
