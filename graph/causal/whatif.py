"""Counterfactuals: which effects lose every causal chain if some events had not happened.

>>> from graph.causal.graph import build_graph_from_links
>>> g = build_graph_from_links([("opec", "oil", 0.9), ("oil", "ruble", 0.8)])
>>> what_if(g, ["oil"]).orphaned
(Reach(event='ruble', depth=1),)
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

import networkx as nx

from graph.causal.graph import filtered_view, has_parent, reach, require_events
from graph.causal.influence import Reach, by_depth


@dataclass(frozen=True)
class WhatIf:
    """The counterfactual of :func:`what_if`: the effects ``orphaned`` by taking the ``removed``
    events away, and those ``still_supported`` by another chain (both nearest first, depth
    counted from the nearest removed event). ``truncated``: ``limit`` cut the search short."""

    removed: tuple[str, ...]
    orphaned: tuple[Reach, ...]
    still_supported: tuple[Reach, ...]
    truncated: bool


def what_if(
    graph: nx.DiGraph,
    removed: Iterable[str],
    *,
    max_depth: int | None = None,
    limit: int = 1000,
    statuses: Collection[str] | None = None,
    kinds: Collection[str] | None = None,
) -> WhatIf:
    """Which effects lose every causal chain from a root if ``removed`` had not happened.

    A root is an event without a causal parent in the filtered graph (removed events are
    not roots). An event is orphaned when some root reached it before, and no root reaches it
    once the removed events are taken out. Only descendants of the removed events can be
    affected: they are found by a breadth-first search bounded by ``max_depth`` and ``limit``,
    and each is checked by a depth-first search upstream around the removed events, which stops
    at the first root and remembers what it learnt for the next ones.

    Parameters
    ----------
    graph : nx.DiGraph
        A causal graph (:func:`~graph.causal.graph.build_causal_graph`).
    removed : iterable of str
        Event ids to take away; they are not listed among the results.
    max_depth : int, optional
        Most links between a removed event and a descendant examined; None for no bound.
    limit : int, default 1000
        Most descendants examined.
    statuses, kinds : collection of str, optional
        Link filter, as in :func:`~graph.causal.graph.filtered_view`.

    Returns
    -------
    WhatIf

    Raises
    ------
    UnknownEventError
        If a removed id is not an event of ``graph``.

    Examples
    --------
    >>> from graph.causal.graph import build_graph_from_links
    >>> g = build_graph_from_links([("opec", "oil", 0.9), ("oil", "ruble", 0.8),
    ...                             ("ruble", "hike", 0.9), ("sanctions", "ruble", 0.6)])
    >>> result = what_if(g, ["opec"])
    >>> result.orphaned, result.still_supported
    ((Reach(event='oil', depth=1),), (Reach(event='ruble', depth=2), Reach(event='hike', depth=3)))
    """
    gone = sorted(set(removed))
    require_events(graph, *gone)
    view = filtered_view(graph, statuses=statuses, kinds=kinds)
    depths, truncated = reach(
        view.successors, gone, max_depth=max_depth, limit=max(limit, 0), skip=gone
    )
    blocked = frozenset(gone)
    after: dict[str, bool] = {}
    before: dict[str, bool] = {}
    orphaned, supported = [], []
    for node, depth in sorted(depths.items(), key=by_depth):
        if _has_root_above(view, node, blocked, after):
            supported.append(Reach(node, depth))
        elif _has_root_above(view, node, frozenset(), before):
            orphaned.append(Reach(node, depth))
    return WhatIf(tuple(gone), tuple(orphaned), tuple(supported), truncated)


def _has_root_above(
    view: nx.DiGraph, event: str, blocked: frozenset[str], known: dict[str, bool]
) -> bool:
    """True if a root is an ancestor of ``event`` without crossing ``blocked``.

    Depth-first upstream, stopping at the first root. On success every event on the current
    path reaches that root; on failure every event visited reaches none: both go to ``known``.
    """
    if event in known:
        return known[event]
    path = [(event, iter(view.pred[event]))]
    seen = {event}
    while path:
        for parent in path[-1][1]:
            if parent in blocked or parent in seen or known.get(parent) is False:
                continue
            if known.get(parent) or not has_parent(view, parent):
                known.update((node, True) for node, _ in path)
                return True
            seen.add(parent)
            path.append((parent, iter(view.pred[parent])))
            break
        else:
            path.pop()
    known.update((node, False) for node in seen)
    return False
