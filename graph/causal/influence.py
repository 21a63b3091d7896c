"""How events bear on each other: causes, effects and the drivers of a whole graph.

The analyses take a causal graph from :func:`graph.causal.graph.build_causal_graph` and look only at
its :func:`~graph.causal.graph.filtered_view` (by default the links of a directed kind stated as
facts: supported or qualified). Searches are bounded by ``max_depth`` and ``limit``;
:func:`rank_drivers` is a single linear pass over the whole graph (seconds at a million events:
cache its result). Counterfactuals are in :mod:`graph.causal.whatif`;
time order, consistency and comparison in :mod:`graph.causal.comparison`.

>>> from graph.causal.graph import build_graph_from_links
>>> g = build_graph_from_links([("opec", "oil", 0.9), ("oil", "ruble", 0.8)])
>>> [r.event for r in analyze_effects(g, "opec").descendants]
['oil', 'ruble']
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx

from graph.causal.graph import (
    Chain,
    filtered_view,
    has_parent,
    link_cost,
    make_chain,
    reach,
    require_events,
)
from graph.causal.linkindex import LinkIndex, index_links, order_causes_first


@dataclass(frozen=True)
class Reach:
    """An event found by a search, ``depth`` links away from where the search started."""

    event: str
    depth: int


@dataclass(frozen=True)
class CauseAnalysis:
    """What led to ``event``: its ``ancestors`` (nearest first), the ``roots`` among them (no
    causal parent) and, for each root, the strongest chain from it (``root_chains``, strongest
    first). ``truncated`` says that ``limit`` cut the search short."""

    event: str
    ancestors: tuple[Reach, ...]
    roots: tuple[str, ...]
    root_chains: tuple[Chain, ...]
    truncated: bool


@dataclass(frozen=True)
class EffectAnalysis:
    """What ``event`` led to: its ``descendants``, nearest first; ``truncated`` as above."""

    event: str
    descendants: tuple[Reach, ...]
    truncated: bool


def analyze_causes(
    graph: nx.DiGraph,
    event: str,
    *,
    max_depth: int | None = None,
    limit: int = 1000,
    statuses: Collection[str] | None = None,
    kinds: Collection[str] | None = None,
) -> CauseAnalysis:
    """The causes of ``event``, direct and indirect, with the strongest chain from each root.

    A breadth-first search upstream gives each ancestor its depth, the fewest links to
    ``event``; it stops at ``max_depth`` links (None: no depth bound) or after ``limit``
    ancestors, and then says ``truncated``. A root is an ancestor with no causal parent at all
    in the filtered graph. The strongest chain from each root is the one of highest product
    of confidences through the ancestors found: Dijkstra on ``-log(confidence)``, links of
    confidence 0 left out (a root reachable only through them has no chain).

    Parameters
    ----------
    graph : nx.DiGraph
        A causal graph (:func:`~graph.causal.graph.build_causal_graph`).
    event : str
        Event id.
    max_depth : int, optional
        Most links between an ancestor and ``event``; None for no bound but ``limit``.
    limit : int, default 1000
        Most ancestors.
    statuses, kinds : collection of str, optional
        Link filter, as in :func:`~graph.causal.graph.filtered_view`.

    Returns
    -------
    CauseAnalysis

    Raises
    ------
    UnknownEventError
        If ``event`` is not an event of ``graph``.

    Examples
    --------
    >>> from graph.causal.graph import build_graph_from_links
    >>> g = build_graph_from_links(
    ...     [("opec", "oil", 0.9), ("oil", "ruble", 0.8), ("ruble", "hike", 0.9),
    ...      ("oil", "hike", 0.5), ("sanctions", "ruble", 0.6)])
    >>> result = analyze_causes(g, "hike")
    >>> [(a.event, a.depth) for a in result.ancestors], result.roots
    ([('oil', 1), ('ruble', 1), ('opec', 2), ('sanctions', 2)], ('opec', 'sanctions'))
    >>> [(c.events, c.strength) for c in result.root_chains]
    [(('opec', 'oil', 'ruble', 'hike'), 0.648), (('sanctions', 'ruble', 'hike'), 0.54)]
    """
    require_events(graph, event)
    view = filtered_view(graph, statuses=statuses, kinds=kinds)
    depths, truncated = reach(view.predecessors, [event], max_depth=max_depth, limit=max(limit, 0))
    roots = sorted(node for node in depths if not has_parent(view, node))
    found = filtered_view(graph, statuses=statuses, kinds=kinds, events=[event, *depths])
    upstream = found.reverse(copy=False)
    paths = nx.single_source_dijkstra_path(upstream, event, weight=_positive_cost)
    chains = [make_chain(view, reversed(paths[root])) for root in roots if root in paths]
    chains.sort(key=lambda chain: (-chain.strength, chain.events[0]))
    return CauseAnalysis(event, _sorted_reach(depths), tuple(roots), tuple(chains), truncated)


def analyze_effects(
    graph: nx.DiGraph,
    event: str,
    *,
    max_depth: int | None = None,
    limit: int = 1000,
    statuses: Collection[str] | None = None,
    kinds: Collection[str] | None = None,
) -> EffectAnalysis:
    """The effects of ``event``, direct and indirect, each with its depth (fewest links).

    A breadth-first search downstream, bounded like :func:`analyze_causes`.

    Parameters
    ----------
    graph : nx.DiGraph
        A causal graph (:func:`~graph.causal.graph.build_causal_graph`).
    event : str
        Event id.
    max_depth : int, optional
        Most links between ``event`` and a descendant; None for no bound but ``limit``.
    limit : int, default 1000
        Most descendants.
    statuses, kinds : collection of str, optional
        Link filter, as in :func:`~graph.causal.graph.filtered_view`.

    Returns
    -------
    EffectAnalysis

    Raises
    ------
    UnknownEventError
        If ``event`` is not an event of ``graph``.

    Examples
    --------
    >>> from graph.causal.graph import build_graph_from_links
    >>> g = build_graph_from_links([("opec", "oil", 0.9), ("oil", "ruble", 0.8),
    ...                             ("ruble", "hike", 0.9), ("oil", "hike", 0.5)])
    >>> result = analyze_effects(g, "opec", max_depth=2)
    >>> [(d.event, d.depth) for d in result.descendants], result.truncated
    ([('oil', 1), ('hike', 2), ('ruble', 2)], False)
    """
    require_events(graph, event)
    view = filtered_view(graph, statuses=statuses, kinds=kinds)
    depths, truncated = reach(view.successors, [event], max_depth=max_depth, limit=max(limit, 0))
    return EffectAnalysis(event, _sorted_reach(depths), truncated)


def _positive_cost(cause: str, effect: str, data: Mapping[str, Any]) -> float | None:
    """Dijkstra weight: ``-log(confidence)``, or None (no edge) for confidence 0."""
    return None if data["confidence"] <= 0 else link_cost(data["confidence"])


def _sorted_reach(depths: Mapping[str, int]) -> tuple[Reach, ...]:
    return tuple(Reach(node, depth) for node, depth in sorted(depths.items(), key=by_depth))


def by_depth(item: tuple[str, int]) -> tuple[int, str]:
    """Sort key of an ``(event, depth)`` pair: nearest first, then by id."""
    return item[1], item[0]


@dataclass(frozen=True)
class Driver:
    """An event ranked by :func:`rank_drivers`: its ``score`` and how many events it reaches
    (``descendants``; at most ``max_descendants``, and then ``descendants_truncated``)."""

    event: str
    score: float
    descendants: int
    descendants_truncated: bool


def rank_drivers(
    graph: nx.DiGraph,
    *,
    limit: int = 10,
    max_descendants: int = 10_000,
    statuses: Collection[str] | None = None,
    kinds: Collection[str] | None = None,
) -> list[Driver]:
    """The events that drive the most downstream effects, weighted by confidence.

    The score of an event is the confidence-weighted number of causal chains that start at it:
    every chain counts the product of its link confidences. That is Katz centrality on the
    reversed link graph with attenuation 1 and edge weights = confidence, computed exactly in
    one pass over a reverse topological order,
    ``score(v) = sum over links v -> w of confidence(v, w) * (1 + score(w))``, in O(V + E).

    Why this centrality: influence travels along chains and weakens with every uncertain link,
    which is what a product of confidences expresses. Out-degree ignores indirect effects;
    PageRank and eigenvector centrality measure being *caused* (and need a damping guess);
    betweenness measures brokerage between others, not reach. Counting ``descendants`` for
    every event would cost O(V * E), so it is done only for the events returned, each count
    stopping at ``max_descendants``.

    Parameters
    ----------
    graph : nx.DiGraph
        A causal graph (:func:`~graph.causal.graph.build_causal_graph`).
    limit : int, default 10
        Most drivers returned.
    max_descendants : int, default 10000
        Where each count of descendants stops.
    statuses, kinds : collection of str, optional
        Link filter, as in :func:`~graph.causal.graph.filtered_view`.

    Returns
    -------
    list of Driver
        Highest score first, ties by event id; events without effects score 0.

    Notes
    -----
    Directed links never form cycles in a valid dataset, but a selection with other kinds may.
    Then the strongly connected components are condensed (``nx.condensation``): the links
    inside a component are ignored and its events share the component's score.

    Examples
    --------
    >>> from graph.causal.graph import build_graph_from_links
    >>> g = build_graph_from_links([("opec", "oil", 0.9), ("oil", "ruble", 0.8),
    ...                             ("ruble", "hike", 0.5), ("sanctions", "ruble", 0.6)])
    >>> [(d.event, d.score, d.descendants) for d in rank_drivers(g, limit=3)]
    [('opec', 1.98, 3), ('oil', 1.2, 2), ('sanctions', 0.9, 2)]
    """
    index = index_links(graph, statuses=statuses, kinds=kinds)
    scores = _chain_weights(graph, index, statuses=statuses, kinds=kinds)
    cutoff = heapq.nlargest(limit, scores)[-1] if limit > 0 and scores else math.inf
    top = sorted(
        (i for i, score in enumerate(scores) if score >= cutoff),
        key=lambda i: (-scores[i], index.events[i]),
    )[: max(limit, 0)]
    return [
        Driver(index.events[i], round(scores[i], 6), *_count_descendants(index, i, max_descendants))
        for i in top
    ]


def _count_descendants(index: LinkIndex, event: int, most: int) -> tuple[int, bool]:
    """How many events ``event`` reaches, counting up to ``most``; and whether it stopped."""
    seen, stack = {event}, [event]
    while stack:
        for effect, _ in index.effects[stack.pop()]:
            if effect not in seen:
                if len(seen) > most:
                    return most, True
                seen.add(effect)
                stack.append(effect)
    return len(seen) - 1, False


def _chain_weights(graph: nx.DiGraph, index: LinkIndex, **link_filter: Any) -> list[float]:
    """Katz score of every event (see :func:`rank_drivers`), condensing cycles if any."""
    order = order_causes_first(index)
    if len(order) == len(index.events):
        scores = [0.0] * len(order)
        for event in reversed(order):
            total = 0.0
            for effect, conf in index.effects[event]:
                total += conf * (1.0 + scores[effect])
            scores[event] = total
        return scores
    condensed = nx.condensation(filtered_view(graph, **link_filter))
    position = {event: i for i, event in enumerate(index.events)}
    group = [condensed.graph["mapping"][event] for event in index.events]
    totals: dict[int, float] = {}
    for key in reversed(list(nx.topological_sort(condensed))):
        totals[key] = sum(
            conf * (1.0 + totals[group[effect]])
            for event in condensed.nodes[key]["members"]
            for effect, conf in index.effects[position[event]]
            if group[effect] != key
        )
    return [totals[key] for key in group]
