"""Time order and side-by-side comparison of events.

:func:`describe_temporal_relation` is honest about imprecise dates; :func:`compare_events` sets
two events side by side. The whole dataset's consistency checks are in
:mod:`graph.causal.consistency`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import networkx as nx

from graph.causal.graph import filtered_view, require_events
from graph.data import (
    Dataset,
    Event,
    EventDate,
    possible_allen_relations,
)
from graph.errors import DataError, UnknownEventError
from graph.vocab import DIRECTED_KINDS


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

    >>> from graph.data.dates import parse_date
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

    The possible relations come from :func:`graph.data.dates.possible_allen_relations`. One
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
    >>> from graph.causal.graph import build_graph_from_links
    >>> from graph.data.dates import parse_date
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
    date: EventDate | None = dataset_or_graph.nodes[event].get("date")
    if date is None:
        raise DataError(f"event {event!r} has no date in this graph")
    return date


def _event(dataset: Dataset, event: str) -> Event:
    try:
        return dataset.event(event)
    except KeyError:
        events = dataset.events
        raise UnknownEventError.among(event, (e.id for e in events), len(events)) from None


@dataclass(frozen=True)
class QuantityInfo:
    """A figure of an event; ``previous`` is the value before the event, if recorded, and
    ``note`` what the figure measures when the value alone would mislead (the hike's
    ``11.5`` pp is the rise *since the start of 2014*, not the size of the hike)."""

    kind: str
    value: float
    unit: str
    previous: float | None
    according_to: str | None
    note: str | None = None


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


def compare_events(
    dataset: Dataset,
    graph: nx.DiGraph,
    a: str,
    b: str,
    *,
    statuses: Collection[str] | None = None,
) -> Comparison:
    """Events ``a`` and ``b`` side by side.

    Each side has the event's id, label, type, lane, date and quantities (from ``dataset``)
    and its direct causes and effects (links of a directed kind and of ``statuses`` in
    ``graph``, by id). Then come the ``similar_to`` links between the two, in either
    direction, at any status, and :func:`describe_temporal_relation` of ``a`` to ``b``.

    Parameters
    ----------
    dataset : Dataset
        The dataset.
    graph : nx.DiGraph
        Its causal graph, or a filtered view of it to restrict causes and effects.
    a, b : str
        Event ids.
    statuses : collection of str, optional
        Statuses of the causes and effects listed, as in
        :func:`~graph.causal.graph.filtered_view`: by default those stated as facts
        (supported and qualified), never a contested link as a cause.

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
    >>> from graph.causal.graph import build_causal_graph
    >>> from graph.data.loader import load_dataset
    >>> tiny = load_dataset(Path(__file__).parents[2] / "tests" / "data" / "tiny.yaml")
    >>> result = compare_events(tiny, build_causal_graph(tiny), "ruble-falls", "rate-hike")
    >>> [q.value for q in result.a.quantities], [c.cause for c in result.b.causes]
    ([64.44, 63.4], ['ruble-falls'])
    >>> result.relation.phrase
    'before'
    """
    side_a, side_b = _side(dataset, graph, a, statuses), _side(dataset, graph, b, statuses)
    similar = tuple(
        LinkInfo(link.id, link.cause, link.effect, link.kind, float(link.confidence), link.status)
        for link in dataset.links
        if link.kind == "similar_to" and {link.cause, link.effect} == {a, b}
    )
    return Comparison(side_a, side_b, similar, describe_temporal_relation(dataset, a, b))


def _side(
    dataset: Dataset, graph: nx.DiGraph, event_id: str, statuses: Collection[str] | None
) -> EventSide:
    event = _event(dataset, event_id)
    require_events(graph, event_id)
    view = filtered_view(graph, statuses=statuses, kinds=DIRECTED_KINDS)  # links, not part_of
    quantities = tuple(
        QuantityInfo(q.kind, float(q.value), q.unit, _float(q.previous), q.according_to, q.note)
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
