"""The kept links of a causal graph as integer adjacency lists, for the whole-graph passes
(drivers, longest chain) that walk every link and must stay fast at a million events.

>>> from graph.causal.graph import build_graph_from_links
>>> index = index_links(build_graph_from_links([("b", "c", 1), ("a", "b", 1)]))
>>> [index.events[i] for i in order_causes_first(index)]
['a', 'b', 'c']
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from itertools import pairwise

import networkx as nx

from graph.causal.frozen import FrozenCausal, frozen_arrays
from graph.causal.graph import link_filter


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

    >>> from graph.causal.graph import build_graph_from_links
    >>> g = build_graph_from_links([("a", "b", 0.5), ("a", "c", 1, {"kind": "similar_to"})])
    >>> index_links(g)
    LinkIndex(events=['a', 'b', 'c'], effects=[[(1, 0.5)], [], []])
    """
    saved = frozen_arrays(graph)
    if saved is not None:
        return _index_saved(saved, statuses=statuses, kinds=kinds)
    keeps = link_filter(statuses=statuses, kinds=kinds)
    events = list(graph)
    position = {event: i for i, event in enumerate(events)}
    effects = [
        [(position[effect], data["confidence"]) for effect, data in links.items() if keeps(data)]
        for _, links in graph.adjacency()
    ]
    return LinkIndex(events, effects)


def _index_saved(
    saved: FrozenCausal,
    *,
    statuses: Collection[str] | None = None,
    kinds: Collection[str] | None = None,
) -> LinkIndex:
    """:func:`index_links` of a graph loaded by :func:`graph.causal.frozen.load_causal`, read
    from its rows of successors: no node or edge dict is made."""
    keeps = link_filter(statuses=statuses, kinds=kinds)
    kind_codes, status_codes = saved.kinds.codes.tolist(), saved.statuses.codes.tolist()
    kind_of = {code: saved.kinds.value(code) for code in set(kind_codes)}
    status_of = {code: saved.statuses.value(code) for code in set(status_codes)}
    kept_pairs = {
        (k, s)
        for k in kind_of
        for s in status_of
        if keeps({"kind": kind_of[k], "status": status_of[s]})
    }
    indptr, others, numbers = (row.tolist() for row in saved.rows["succ"])
    confidences = saved.confidences.tolist()
    slots = [
        (others[slot], confidences[e]) if (kind_codes[e], status_codes[e]) in kept_pairs else None
        for slot, e in enumerate(numbers)
    ]
    effects = [
        [link for link in slots[first:last] if link is not None] for first, last in pairwise(indptr)
    ]
    return LinkIndex(list(saved.all_names()), effects)


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
