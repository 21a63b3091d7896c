"""How events bear on each other: causes, effects and the drivers of a whole graph.

The analyses take a causal graph from :func:`graph.causal.graph.build_causal_graph` and look only at
its :func:`~graph.causal.graph.filtered_view` (by default the links of a directed kind stated as
facts: supported or qualified, and the ``part_of`` edges from a sub-event to its whole).
Searches are bounded by ``max_depth`` and ``limit``; :func:`rank_drivers` scores the whole
graph with one linear pass and then searches downstream of the few events that can rank
(seconds at a million events: cache its result). Counterfactuals are in :mod:`graph.causal.whatif`;
time order, consistency and comparison in :mod:`graph.causal.comparison`.

>>> from graph.causal.graph import build_graph_from_links
>>> g = build_graph_from_links([("opec", "oil", 0.9), ("oil", "ruble", 0.8)])
>>> [r.event for r in analyze_effects(g, "opec").descendants]
['oil', 'ruble']
"""

from __future__ import annotations

import heapq
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
    max_searches: int | None = 5000,
    statuses: Collection[str] | None = None,
    kinds: Collection[str] | None = None,
) -> list[Driver]:
    """The events that drive the most downstream effects, weighted by confidence.

    The score of an event is the sum, over each distinct event downstream of it, of the
    strength of the strongest chain to it (the highest product of link confidences; a
    ``part_of`` edge counts 1). Each downstream event counts once, however many routes lead
    to it: an effect split into three parallel sub-events, or reached through three sanctions
    that all lead to the same ruble fall, does not count three times. (Katz centrality, which
    this replaced, sums over every chain and so multiplies parallel routes: on events.yaml it
    ranked the Crimea annexation first mostly because three sanctions events run from it to
    the same ruble falls.)

    Why this measure: influence travels along chains and weakens with every uncertain link,
    which the product of confidences expresses; counting each effect once by its strongest
    chain says how much of the graph an event bears on, not how densely it is linked.
    Out-degree ignores indirect effects; PageRank and eigenvector centrality measure being
    *caused*; betweenness measures brokerage, not reach.

    Cost: the exact score of one event is a Dijkstra search over its descendants (on
    ``-log(confidence)``, strongest first), too much to run from every one of a million
    events. So the ranking is lazy: the Katz score, computed for every event in one pass over a
    reverse topological order (``k(v) = sum over links v -> w of confidence(v, w) * (1 +
    k(w))``, O(V + E)), bounds the score from above, since it sums over every chain what the
    score takes once per event. Events are searched in decreasing order of that bound until
    the ``limit``-th best score found exceeds the next bound: no event left unsearched could
    rank, and the ranking is exact. A search stops after ``max_descendants`` events, whose
    strengths (the strongest ones: Dijkstra settles them in that order) then make the score,
    a lower bound (``descendants_truncated``).

    Where parallel chains abound, Katz exceeds the score by far (on the synthetic graph of
    100,000 events, a top score of 98 has a bound over 35,000), and proving the ranking exact
    can take thousands of searches (9,702 there, 12 s). ``max_searches`` caps them (at least
    ``limit``): past it, the ranking is that of the events of highest bound searched -- an
    approximation, the same on every run, which may miss an event whose bound ranked it lower.
    With the default 5,000 the top 100 there are the exact ones (1,000 missed 41 of them). On
    events.yaml, and wherever the bounds settle the ranking first, it is exact.

    Parameters
    ----------
    graph : nx.DiGraph
        A causal graph (:func:`~graph.causal.graph.build_causal_graph`).
    limit : int, default 10
        Most drivers returned.
    max_descendants : int, default 10000
        Where each search, and each count of descendants, stops.
    max_searches : int or None, default 5000
        Most events searched (at least ``limit``); None searches until the ranking is exact.
    statuses, kinds : collection of str, optional
        Link filter, as in :func:`~graph.causal.graph.filtered_view`.

    Returns
    -------
    list of Driver
        Highest score first, ties by event id; events without effects score 0.

    Notes
    -----
    Directed links never form cycles in a valid dataset, but a selection with other kinds may.
    The searches do not mind cycles; the bound then condenses the strongly connected
    components (``nx.condensation``): a component bounds each of its events by its other
    events (1 each) plus the Katz score of the links leaving it.

    Examples
    --------
    >>> from graph.causal.graph import build_graph_from_links
    >>> g = build_graph_from_links([("opec", "oil", 0.9), ("oil", "ruble", 0.8),
    ...                             ("oil", "hike", 0.5), ("ruble", "hike", 0.5),
    ...                             ("sanctions", "ruble", 0.6)])
    >>> [(d.event, d.score, d.descendants) for d in rank_drivers(g, limit=3)]
    [('opec', 2.07, 3), ('oil', 1.3, 2), ('sanctions', 0.9, 2)]

    ``hike`` counts once for ``oil``, by its stronger route (0.5 directly, not 0.8 * 0.5),
    where Katz centrality would add both routes (oil 1.7).
    """
    index = index_links(graph, statuses=statuses, kinds=kinds)
    bounds = _katz_bounds(graph, index, statuses=statuses, kinds=kinds)
    most = max(max_descendants, 0)
    limit = max(limit, 0)
    best: list[float] = []  # a min-heap of the `limit` highest scores found so far
    scored: list[tuple[float, str, int]] = []
    searches = None if max_searches is None else max(max_searches, limit)
    for i in sorted(range(len(bounds)), key=lambda i: (-bounds[i], index.events[i])):
        if len(best) >= limit and (limit == 0 or best[0] > bounds[i]):
            break
        if searches is not None and len(scored) >= searches and bounds[i] > 0:
            break
        score = _strongest_reach(index, i, most) if bounds[i] > 0 else 0.0
        scored.append((score, index.events[i], i))
        if len(best) < limit:
            heapq.heappush(best, score)
        elif score > best[0]:
            heapq.heapreplace(best, score)
    top = sorted(scored, key=lambda item: (-item[0], item[1]))[:limit]
    return [
        Driver(event, round(score, 6), *_count_descendants(index, i, most))
        for score, event, i in top
    ]


def _strongest_reach(index: LinkIndex, source: int, most: int) -> float:
    """The sum over the events downstream of ``source`` (the ``most`` strongest at most) of
    the strength of the strongest chain to each: Dijkstra, maximising the product."""
    strength = {source: 1.0}
    settled: set[int] = set()
    waiting = [(-1.0, source)]
    total = 0.0
    while waiting and len(settled) <= most:
        negative, event = heapq.heappop(waiting)
        if event in settled:
            continue
        settled.add(event)
        total -= negative
        for effect, conf in index.effects[event]:
            reached = -negative * conf
            if reached > strength.get(effect, 0.0) and effect not in settled:
                strength[effect] = reached
                heapq.heappush(waiting, (-reached, effect))
    return total - 1.0  # the source itself is no descendant


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


def _katz_bounds(graph: nx.DiGraph, index: LinkIndex, **link_filter: Any) -> list[float]:
    """Katz score of every event, an upper bound of its driver score (see
    :func:`rank_drivers`), condensing cycles if any."""
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
        members = condensed.nodes[key]["members"]
        totals[key] = (len(members) - 1) + sum(
            conf * (1.0 + totals[group[effect]])
            for event in members
            for effect, conf in index.effects[position[event]]
            if group[effect] != key
        )
    return [totals[key] for key in group]
