"""The causal graph of a dataset, and what every analysis over it shares.

:func:`build_causal_graph` turns a :class:`~graph.data.model.Dataset` into an ``nx.DiGraph`` with
one node per event and one edge per linked pair, keeping links of every kind and status.
Besides links, the graph has structural edges of kind ``part_of`` (:data:`graph.vocab.PART_OF`):
a cause of a part is a cause of the whole, so each link into an event with a ``part_of`` also
gives an edge from its cause to the parent, with the link's confidence and status. So the
causes of ``cbr-hike-to-17`` include the troop deployment that led to ``us-eo-13660``, a part of
``first-sanctions-wave``, where the links to the ruble start. A part does not inherit its
whole's effects (some come before the part). These edges are not links (never in link lists,
counts or the RDF's CausalLinks); their id is ``part-of:<link id>``, which no link id (a slug)
can be.
Analyses take that graph first, then event ids, then keyword-only bounds, and look only at
:func:`filtered_view` of it: by default the directed kinds of :data:`graph.vocab.DIRECTED_KINDS`
and ``part_of`` (:data:`graph.vocab.FOLLOWED_KINDS`; ``similar_to`` and ``correlates_with``
state no influence) at the statuses the graph states as
facts, :data:`graph.vocab.ASSERTED_STATUSES` (supported and qualified), as the HTTP API and the
CLI do: a contested link is followed only on request (``statuses=ALL_STATUSES``, or any list).
Every search is bounded by ``max_depth`` and/or ``limit`` (:func:`reach`); no path between
two events is an empty result, not an error. The analyses themselves are in the other
modules of :mod:`graph.causal`.

>>> g = build_graph_from_links([("opec", "oil", 0.9), ("oil", "ruble", 0.8)])
>>> sorted(filtered_view(g).edges)
[('oil', 'ruble'), ('opec', 'oil')]
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import networkx as nx

from graph.causal.parts import add_part_of_edges, takes_over
from graph.data import Dataset
from graph.errors import UnknownEventError
from graph.vocab import ASSERTED_STATUSES, FOLLOWED_KINDS, LINK_STATUSES

# A chain's search cost is one hop (_HOP) plus -log(confidence) per link, so that paths come
# out shortest first and, among equally short ones, strongest first. -log is capped (_MAX_COST)
# so that a link of confidence 0 still counts, and the cap times any depth stays below _HOP.
_HOP = 1e6
_MAX_COST = 50.0
MAX_CHAIN_DEPTH = 1000

#: Every link status: pass ``statuses=ALL_STATUSES`` to follow contested and unsupported links
#: too (checks that must see every link, such as the search for cycles, do).
ALL_STATUSES = frozenset(LINK_STATUSES)


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
    :class:`~graph.data.dates.EventDate`) and ``start`` (ISO form of its begin). Each edge has the
    ``id``, ``kind``, ``confidence`` (float) and ``status`` of one link, and ``links``, the ids
    of every link between that pair. When several links join one pair, the edge describes the
    one of highest confidence, except that a directed kind always wins over ``similar_to`` or
    ``correlates_with``, so that a similarity never hides an influence, and a supported or
    qualified link over a contested or unsupported one. Each event with a ``part_of`` adds
    structural edges into its parent (:mod:`graph.causal.parts`): a cause of a part is a cause of
    the whole.

    Parameters
    ----------
    dataset : Dataset
        A valid dataset, as :func:`graph.data.loader.load_dataset` returns.

    Returns
    -------
    nx.DiGraph
        Links of every kind and status; analyses filter with :func:`filtered_view`.

    Examples
    --------
    >>> from pathlib import Path
    >>> from graph.data.loader import load_dataset
    >>> tiny = load_dataset(Path(__file__).parents[2] / "tests" / "data" / "tiny.yaml")
    >>> g = build_causal_graph(tiny)
    >>> g.nodes["ruble-falls"]["start"], g.edges["oil-below-60", "ruble-falls"]["links"]
    ('2014-12-15', ['oil-to-ruble'])
    """
    nodes = (
        (e.id, {"label": e.label, "lane": e.lane, "type": e.type, "date": e.date})
        for e in dataset.events
    )
    links = (
        (link.cause, link.effect, link.id, link.kind, float(link.confidence), link.status)
        for link in dataset.links
    )
    parts = ((e.id, e.part_of) for e in dataset.events if e.part_of)
    return assemble_causal_graph(dataset.info.id, nodes, links, parts)


def assemble_causal_graph(
    name: str,
    events: Iterable[tuple[str, dict[str, Any]]],
    links: Iterable[tuple[str, str, str, str, float, str]],
    parts: Iterable[tuple[str, str]] = (),
) -> nx.DiGraph:
    """The graph :func:`build_causal_graph` describes, from plain records: ``events`` as
    ``(id, {label, lane, type, date})``, ``links`` as ``(cause, effect, id, kind,
    confidence, status)`` and ``parts`` as ``(sub-event, parent)`` -- whether they come from a
    dataset or from a store (:func:`graph.causal.readback.read_causal_graph`). Ties of
    precedence go to the smaller link id, so the result does not depend on the order of
    ``links``; ``parts`` are added after every link.

    >>> g = assemble_causal_graph("toy", [("a", {"date": None}), ("b", {"date": None})],
    ...                           [("a", "b", "l2", "causes", 0.5, "supported"),
    ...                            ("a", "b", "l1", "enables", 0.5, "supported")])
    >>> g.edges["a", "b"]["id"], sorted(g.edges["a", "b"]["links"])
    ('l1', ['l1', 'l2'])
    """
    graph: nx.DiGraph[str] = nx.DiGraph(dataset=name)
    for event_id, attrs in events:
        date = attrs["date"]
        graph.add_node(event_id, **attrs, start=date.begin.isoformat() if date else None)
    for cause, effect, link_id, kind, confidence, status in links:
        attrs = {"id": link_id, "kind": kind, "confidence": confidence, "status": status}
        # get_edge_data returns None for a missing edge; the stubs' return type leaves it out.
        old: dict[str, Any] | None = graph.get_edge_data(cause, effect)
        if old is None:
            graph.add_edge(cause, effect, **attrs, links=[link_id])
            continue
        old["links"].append(link_id)
        if takes_over(attrs, old):
            old.update(attrs)
    add_part_of_edges(graph, parts)
    return graph


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
    graph: nx.DiGraph[Any] = nx.DiGraph()
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

    By default only the links stated as facts (supported and qualified) of a directed kind.
    Every node stays, unless ``events`` is given. Nothing is copied: the view follows later
    changes of ``graph``. Values are not checked against the vocabulary; an unknown one
    simply matches no link.

    Parameters
    ----------
    graph : nx.DiGraph
        A causal graph (:func:`build_causal_graph`).
    statuses : collection of str, optional
        Link statuses to keep; None (the default) keeps :data:`graph.vocab.ASSERTED_STATUSES`,
        supported and qualified. :data:`ALL_STATUSES` keeps every status.
    kinds : collection of str, optional
        Edge kinds to keep; None (the default) keeps :data:`graph.vocab.FOLLOWED_KINDS`, the
        directed link kinds and ``part_of``.
    events : collection of str, optional
        Events to keep (with the kept links among them); None keeps every event. Restricting
        here, not with ``.subgraph()`` on the view, keeps iteration proportional to ``events``.

    Returns
    -------
    nx.DiGraph
        A subgraph view (``nx.subgraph_view``).

    Examples
    --------
    >>> g = build_graph_from_links([("a", "b", 0.9), ("b", "c", 0.9, {"kind": "similar_to"}),
    ...                             ("c", "d", 0.2, {"status": "contested"})])
    >>> list(filtered_view(g).edges), list(filtered_view(g, kinds={"similar_to"}).edges)
    ([('a', 'b')], [('b', 'c')])
    >>> list(filtered_view(g, statuses=ALL_STATUSES).edges)
    [('a', 'b'), ('c', 'd')]
    """
    keeps = link_filter(statuses=statuses, kinds=kinds)
    succ = graph.succ
    view: nx.DiGraph = nx.subgraph_view(
        graph,
        filter_node=nx.filters.no_filter if events is None else nx.filters.show_nodes(events),
        filter_edge=lambda cause, effect: keeps(succ[cause][effect]),
    )
    return view


def link_filter(
    *, statuses: Collection[str] | None = None, kinds: Collection[str] | None = None
) -> Callable[[Mapping[str, Any]], bool]:
    """The predicate on edge data behind :func:`filtered_view` (same defaults).

    >>> keeps = link_filter()
    >>> keeps({"kind": "causes", "status": "qualified"}), keeps({"kind": "causes", "status": ""})
    (True, False)
    >>> keeps({"kind": "causes", "status": "contested"})
    False
    """
    kept_kinds = FOLLOWED_KINDS if kinds is None else frozenset(kinds)
    kept_statuses = ASSERTED_STATUSES if statuses is None else frozenset(statuses)

    def keeps(data: Mapping[str, Any]) -> bool:
        return data["kind"] in kept_kinds and data["status"] in kept_statuses

    return keeps


def require_events(graph: nx.DiGraph, *events: str) -> None:
    """Raise :class:`UnknownEventError` naming the first of ``events`` not in ``graph``.

    >>> require_events(build_graph_from_links([("a", "b", 1)]), "a", "z")
    Traceback (most recent call last):
    ...
    graph.errors.UnknownEventError: unknown event 'z'
    >>> require_events(build_graph_from_links([("oil-falls", "b", 1)]), "oil-fall")
    Traceback (most recent call last):
    ...
    graph.errors.UnknownEventError: unknown event 'oil-fall'; did you mean oil-falls?
    """
    for event in events:
        if event not in graph:
            raise UnknownEventError.among(event, graph)


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


def hop_cost(confidence: float) -> float:
    """One hop plus :func:`link_cost`: the cost under which the cheapest path is the shortest
    one and, among equally short ones, the strongest.

    >>> hop_cost(1.0) < hop_cost(0.5) < 2 * hop_cost(1.0)
    True
    """
    return _HOP + link_cost(confidence)


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

    >>> from graph.causal.graph import build_graph_from_links
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

    >>> from graph.causal.graph import build_graph_from_links
    >>> g = build_graph_from_links([("a", "b", 1)])
    >>> has_parent(g, "a"), has_parent(g, "b")
    (False, True)
    """
    return any(True for _ in view.pred[event])
