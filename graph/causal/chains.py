"""Causal chains over the link graph: between two events, and the longest one, bounded.

>>> from graph.causal.graph import build_graph_from_links
>>> g = build_graph_from_links([("opec", "oil", 0.9), ("oil", "ruble", 0.8)])
>>> [c.events for c in find_causal_chains(g, "opec", "ruble")]
[('opec', 'oil', 'ruble')]
"""

from __future__ import annotations

import math
from collections.abc import Collection
from itertools import islice

import networkx as nx

from graph.causal.graph import (
    MAX_CHAIN_DEPTH,
    Chain,
    filtered_view,
    hop_cost,
    make_chain,
    reach,
    require_events,
)
from graph.causal.linkindex import index_links, order_causes_first
from graph.data import find_cycles
from graph.errors import DataError


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
    >>> from graph.causal.graph import build_graph_from_links
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
        pruned, source, target, weight=lambda u, v, d: hop_cost(d["confidence"])
    )
    chains = []
    for path in islice(paths, limit):
        if len(path) - 1 > max_depth:
            break
        chains.append(make_chain(view, path))
    return chains


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
    >>> from graph.causal.graph import build_graph_from_links
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
        view = filtered_view(graph, statuses=statuses, kinds=kinds)
        cycle = next(find_cycles(view.edges))
        raise DataError(f"the selected links form a cycle: {' -> '.join(cycle.nodes)}")
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
