"""How events bear on each other: causes, effects, drivers, counterfactuals, time order.

The analyses take a causal graph from :func:`graph.causal.build_causal_graph` and look only at
its :func:`~graph.causal.filtered_view` (directed kinds by default). Searches are bounded by
``max_depth`` and ``limit``; :func:`rank_drivers` and the cycle check of
:func:`check_consistency` are single linear passes over the whole graph (seconds at a million
events: cache their results). :func:`describe_temporal_relation`, :func:`check_consistency`
and :func:`compare_events` also read the dataset: dates, links and claims.

>>> from graph.causal import build_graph_from_links
>>> g = build_graph_from_links([("opec", "oil", 0.9), ("oil", "ruble", 0.8)])
>>> what_if(g, ["oil"]).orphaned
(Reach(event='ruble', depth=1),)
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import networkx as nx

from graph.causal import (
    Chain,
    LinkIndex,
    UnknownEventError,
    filtered_view,
    has_parent,
    index_links,
    link_cost,
    make_chain,
    order_causes_first,
    reach,
    require_events,
)
from graph.dates import EventDate, possible_allen_relations, starts_certainly_after
from graph.errors import DataError
from graph.model import Dataset, Event
from graph.vocab import DIRECTED_KINDS


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
        A causal graph (:func:`~graph.causal.build_causal_graph`).
    event : str
        Event id.
    max_depth : int, optional
        Most links between an ancestor and ``event``; None for no bound but ``limit``.
    limit : int, default 1000
        Most ancestors.
    statuses, kinds : collection of str, optional
        Link filter, as in :func:`~graph.causal.filtered_view`.

    Returns
    -------
    CauseAnalysis

    Raises
    ------
    UnknownEventError
        If ``event`` is not an event of ``graph``.

    Examples
    --------
    >>> from graph.causal import build_graph_from_links
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
        A causal graph (:func:`~graph.causal.build_causal_graph`).
    event : str
        Event id.
    max_depth : int, optional
        Most links between ``event`` and a descendant; None for no bound but ``limit``.
    limit : int, default 1000
        Most descendants.
    statuses, kinds : collection of str, optional
        Link filter, as in :func:`~graph.causal.filtered_view`.

    Returns
    -------
    EffectAnalysis

    Raises
    ------
    UnknownEventError
        If ``event`` is not an event of ``graph``.

    Examples
    --------
    >>> from graph.causal import build_graph_from_links
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
    return tuple(Reach(node, depth) for node, depth in sorted(depths.items(), key=_by_depth))


def _by_depth(item: tuple[str, int]) -> tuple[int, str]:
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
        A causal graph (:func:`~graph.causal.build_causal_graph`).
    limit : int, default 10
        Most drivers returned.
    max_descendants : int, default 10000
        Where each count of descendants stops.
    statuses, kinds : collection of str, optional
        Link filter, as in :func:`~graph.causal.filtered_view`.

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
    >>> from graph.causal import build_graph_from_links
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
        A causal graph (:func:`~graph.causal.build_causal_graph`).
    removed : iterable of str
        Event ids to take away; they are not listed among the results.
    max_depth : int, optional
        Most links between a removed event and a descendant examined; None for no bound.
    limit : int, default 1000
        Most descendants examined.
    statuses, kinds : collection of str, optional
        Link filter, as in :func:`~graph.causal.filtered_view`.

    Returns
    -------
    WhatIf

    Raises
    ------
    UnknownEventError
        If a removed id is not an event of ``graph``.

    Examples
    --------
    >>> from graph.causal import build_graph_from_links
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
    for node, depth in sorted(depths.items(), key=_by_depth):
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


# -- time order, consistency and comparison ---------------------------------------------------


@dataclass(frozen=True)
class DateInfo:
    """An event's date for display: EDTF text, ISO bounds, precision (``day/month`` when the
    two ends differ)."""

    edtf: str
    begin: str
    end: str
    precision: str


def describe_date(date: EventDate) -> DateInfo:
    """The :class:`DateInfo` of ``date``.

    >>> from graph.dates import parse_date
    >>> describe_date(parse_date("2014-12-12/2014-12"))
    DateInfo(edtf='2014-12-12/2014-12', begin='2014-12-12', end='2014-12-31', precision='day/month')
    """
    precision: str = date.begin_precision
    if date.end_precision != precision:
        precision = f"{precision}/{date.end_precision}"
    return DateInfo(date.edtf, date.begin.isoformat(), date.end.isoformat(), precision)


@dataclass(frozen=True)
class TemporalRelation:
    """How ``a`` lies in time relative to ``b``: the Allen ``relations`` their dates allow
    (sorted), whether that is ``decided`` (one relation), and a ``phrase`` saying it."""

    a: str
    b: str
    a_date: DateInfo
    b_date: DateInfo
    relations: tuple[str, ...]
    decided: bool
    phrase: str


_AFTER_LIKE = {"before": "before", "meets": "before", "after": "after", "met_by": "after"}
_COARSE_ORDER = ("before", "overlapping", "after")


def describe_temporal_relation(
    dataset_or_graph: Dataset | nx.DiGraph, a: str, b: str
) -> TemporalRelation:
    """The Allen relation of event ``a`` to event ``b``, honest about imprecise dates.

    The possible relations come from :func:`graph.dates.possible_allen_relations`. One
    relation is named as it is (``before``, ``meets``, ``during``, ``met by``, ...). Several are
    summarised by coarse class: *before* (before, meets), *after* (after, met by) and
    *overlapping* (the nine others, which share some time), giving ``before``,
    ``before or overlapping``, ``overlapping``, ``overlapping or after``, ``after``,
    ``before or after`` or ``before, overlapping or after``.

    Parameters
    ----------
    dataset_or_graph : Dataset or nx.DiGraph
        A dataset, or a causal graph whose nodes have a ``date``.
    a, b : str
        Event ids.

    Returns
    -------
    TemporalRelation

    Raises
    ------
    UnknownEventError
        If ``a`` or ``b`` is not an event.

    Examples
    --------
    >>> from graph.causal import build_graph_from_links
    >>> from graph.dates import parse_date
    >>> g = build_graph_from_links([("oil", "ruble", 0.8), ("talks", "oil", 0.5)])
    >>> for event, date in [("oil", "2014-12-12/2014-12-16"), ("ruble", "2014-12-15"),
    ...                     ("talks", "2014-12")]:
    ...     g.nodes[event]["date"] = parse_date(date)
    >>> relation = describe_temporal_relation(g, "oil", "ruble")
    >>> relation.relations, relation.decided, relation.phrase
    (('contains',), True, 'contains')
    >>> relation = describe_temporal_relation(g, "talks", "oil")
    >>> len(relation.relations), relation.decided, relation.phrase
    (13, False, 'before, overlapping or after')
    """
    date_a, date_b = _event_date(dataset_or_graph, a), _event_date(dataset_or_graph, b)
    relations = tuple(sorted(possible_allen_relations(date_a, date_b)))
    if len(relations) == 1:
        phrase = relations[0].replace("_", " ")
    else:
        found = {_AFTER_LIKE.get(name, "overlapping") for name in relations}
        classes = [name for name in _COARSE_ORDER if name in found] or ["unknown"]
        phrase = " or ".join([", ".join(classes[:-1]), classes[-1]] if classes[1:] else classes)
    info_a, info_b = describe_date(date_a), describe_date(date_b)
    return TemporalRelation(a, b, info_a, info_b, relations, len(relations) == 1, phrase)


def _event_date(dataset_or_graph: Dataset | nx.DiGraph, event: str) -> EventDate:
    if isinstance(dataset_or_graph, Dataset):
        return _event(dataset_or_graph, event).date
    require_events(dataset_or_graph, event)
    date = dataset_or_graph.nodes[event].get("date")
    if date is None:
        raise DataError(f"event {event!r} has no date in this graph")
    return date


def _event(dataset: Dataset, event: str) -> Event:
    try:
        return dataset.event(event)
    except KeyError:
        raise UnknownEventError(f"unknown event {event!r}") from None


@dataclass(frozen=True)
class TimeInversion:
    """A directed link whose cause certainly starts after its effect starts."""

    link: str
    cause: str
    effect: str
    cause_date: str
    effect_date: str
    status: str
    message: str


@dataclass(frozen=True)
class CausalCycle:
    """Directed links that lead back to where they started: ``events[i] -> events[i + 1]``
    by ``links[i]``, the last link closing the loop."""

    events: tuple[str, ...]
    links: tuple[str, ...]
    dates: tuple[str | None, ...]
    message: str


@dataclass(frozen=True)
class ContradictedClaim:
    """A claim that asserts a directed link whose cause certainly starts after its effect."""

    claim: str
    link: str
    cause: str
    effect: str
    cause_date: str
    effect_date: str
    message: str


@dataclass(frozen=True)
class Consistency:
    """What :func:`check_consistency` found; all three empty when the data is consistent."""

    time_inversions: tuple[TimeInversion, ...]
    cycles: tuple[CausalCycle, ...]
    contradicted_claims: tuple[ContradictedClaim, ...]


def check_consistency(dataset: Dataset, graph: nx.DiGraph) -> Consistency:
    """Links against time order, cycles among directed links, and claims the dates contradict.

    (a) Time inversions: links of a directed kind, at **any** status, whose cause certainly
    starts after its effect starts, honouring each date's precision
    (:func:`graph.dates.starts_certainly_after`). Validation rejects these for supported and
    qualified links; contested and unsupported ones may be wrong on purpose and are reported.
    (b) Cycles among links of a directed kind in ``graph``: one cycle per strongly connected
    component (``nx.find_cycle``), never an enumeration of all cycles. (c) Contradicted
    claims: claims whose ``asserts_links`` include a link of (a); a claim is judged only by
    the links it asserts, not by the events it is ``about``.

    Parameters
    ----------
    dataset : Dataset
        The dataset (for dates, links and claims).
    graph : nx.DiGraph
        Its causal graph (:func:`~graph.causal.build_causal_graph`), searched for cycles.

    Returns
    -------
    Consistency
        Each list in a stable order: link order of the file, then claim order.

    Examples
    --------
    >>> from pathlib import Path
    >>> from graph.causal import build_causal_graph
    >>> from graph.events import load_dataset
    >>> tiny = load_dataset(Path(__file__).parent.parent / "tests" / "data" / "tiny.yaml")
    >>> check_consistency(tiny, build_causal_graph(tiny))
    Consistency(time_inversions=(), cycles=(), contradicted_claims=())
    """
    dates = {event.id: event.date for event in dataset.events}
    inversions = {}
    for link in dataset.links:
        cause, effect = dates[link.cause], dates[link.effect]
        if link.kind in DIRECTED_KINDS and starts_certainly_after(cause, effect):
            message = (
                f"{link.cause} ({cause.edtf}) starts after its effect {link.effect} ({effect.edtf})"
            )
            inversions[link.id] = TimeInversion(
                link.id, link.cause, link.effect, cause.edtf, effect.edtf, link.status, message
            )
    claims = [
        ContradictedClaim(
            claim.id,
            link,
            found.cause,
            found.effect,
            found.cause_date,
            found.effect_date,
            f"claim {claim.id} asserts {link}, but {found.message}",
        )
        for claim in dataset.claims
        for link in claim.asserts_links
        if (found := inversions.get(link)) is not None
    ]
    cycles = _find_cycles(graph, dates)
    return Consistency(tuple(inversions.values()), cycles, tuple(claims))


def _find_cycles(graph: nx.DiGraph, dates: Mapping[str, EventDate]) -> tuple[CausalCycle, ...]:
    """One cycle per strongly connected component of directed links that has a loop, starting
    at its smallest event id; components ordered by that id."""
    index = index_links(graph)
    rest = set(index.events).difference(index.events[i] for i in order_causes_first(index))
    cycles = []
    for component in nx.strongly_connected_components(filtered_view(graph, events=rest)):
        first = min(component)
        view = filtered_view(graph, events=component)
        if len(component) == 1 and not view.has_edge(first, first):
            continue
        edges = nx.find_cycle(view, source=first)
        events = tuple(cause for cause, _ in edges)
        links = tuple(view.succ[cause][effect]["id"] for cause, effect in edges)
        stamps = tuple(dates[e].edtf if e in dates else None for e in events)
        names = " -> ".join([*events, events[0]])
        cycles.append(CausalCycle(events, links, stamps, f"causal links form a cycle: {names}"))
    return tuple(sorted(cycles, key=lambda cycle: cycle.events[0]))


@dataclass(frozen=True)
class QuantityInfo:
    """A figure of an event; ``previous`` is the value before the event, if recorded."""

    kind: str
    value: float
    unit: str
    previous: float | None
    according_to: str | None


@dataclass(frozen=True)
class LinkInfo:
    """One link between two events, as shown next to an event."""

    id: str
    cause: str
    effect: str
    kind: str
    confidence: float
    status: str


@dataclass(frozen=True)
class EventSide:
    """One event of a :class:`Comparison`, with its direct ``causes`` and ``effects``."""

    id: str
    label: str
    type: str
    lane: str
    date: DateInfo
    quantities: tuple[QuantityInfo, ...]
    causes: tuple[LinkInfo, ...]
    effects: tuple[LinkInfo, ...]


@dataclass(frozen=True)
class Comparison:
    """Two events side by side, the ``similar_to`` links between them and their time order."""

    a: EventSide
    b: EventSide
    similar_links: tuple[LinkInfo, ...]
    relation: TemporalRelation


def compare_events(dataset: Dataset, graph: nx.DiGraph, a: str, b: str) -> Comparison:
    """Events ``a`` and ``b`` side by side.

    Each side has the event's id, label, type, lane, date and quantities (from ``dataset``)
    and its direct causes and effects (links of a directed kind in ``graph``, by id). Then come
    the ``similar_to`` links between the two, in either direction, and
    :func:`describe_temporal_relation` of ``a`` to ``b``.

    Parameters
    ----------
    dataset : Dataset
        The dataset.
    graph : nx.DiGraph
        Its causal graph, or a filtered view of it to restrict causes and effects.
    a, b : str
        Event ids.

    Returns
    -------
    Comparison

    Raises
    ------
    UnknownEventError
        If ``a`` or ``b`` is not an event.

    Examples
    --------
    >>> from pathlib import Path
    >>> from graph.causal import build_causal_graph
    >>> from graph.events import load_dataset
    >>> tiny = load_dataset(Path(__file__).parent.parent / "tests" / "data" / "tiny.yaml")
    >>> result = compare_events(tiny, build_causal_graph(tiny), "ruble-falls", "rate-hike")
    >>> [q.value for q in result.a.quantities], [c.cause for c in result.b.causes]
    ([64.44, 63.4], ['ruble-falls'])
    >>> result.relation.phrase
    'before'
    """
    sides = [_side(dataset, graph, event) for event in (a, b)]
    similar = tuple(
        _link_info(link.cause, link.effect, vars(link))
        for link in dataset.links
        if link.kind == "similar_to" and {link.cause, link.effect} == {a, b}
    )
    return Comparison(*sides, similar, describe_temporal_relation(dataset, a, b))


def _side(dataset: Dataset, graph: nx.DiGraph, event_id: str) -> EventSide:
    event = _event(dataset, event_id)
    require_events(graph, event_id)
    view = filtered_view(graph)
    quantities = tuple(
        QuantityInfo(q.kind, float(q.value), q.unit, _float(q.previous), q.according_to)
        for q in event.quantities
    )
    causes = tuple(_link_info(cause, event_id, view.succ[cause][event_id])
                   for cause in sorted(view.pred[event_id]))  # fmt: skip
    effects = tuple(_link_info(event_id, effect, view.succ[event_id][effect])
                    for effect in sorted(view.succ[event_id]))  # fmt: skip
    date = describe_date(event.date)
    return EventSide(
        event.id, event.label, event.type, event.lane, date, quantities, causes, effects
    )


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _link_info(cause: str, effect: str, data: Mapping[str, Any]) -> LinkInfo:
    confidence = float(data["confidence"])
    return LinkInfo(data["id"], cause, effect, data["kind"], confidence, data["status"])
