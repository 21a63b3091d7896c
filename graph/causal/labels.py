"""The events an analysis answer names, with their labels and dates.

The analyses name events by id only (chains, reaches, drivers, links). :func:`mentioned_events`
gathers every event id a result names, and :func:`event_labels` looks them up in the causal
graph's node attributes (``label`` and ``date``, as :func:`~graph.causal.graph.build_causal_graph`
and :func:`~graph.causal.readback.read_causal_graph` store them): one lookup per answer rather
than a label repeated beside every id.

>>> from graph.causal.graph import build_graph_from_links, make_chain
>>> from graph.data import parse_date
>>> g = build_graph_from_links([("a", "b", 0.5), ("b", "c", 0.8)])
>>> g.nodes["a"].update(label="The start", date=parse_date("2014-12-16~"))
>>> event_labels(g, mentioned_events(make_chain(g, ["a", "b"])))["a"]
{'label': 'The start', 'date': '2014-12-16~', 'display_date': 'about 16 December 2014'}
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import singledispatch
from typing import Any

import networkx as nx

from graph.causal.comparison import Comparison, EventSide, LinkInfo, TemporalRelation
from graph.causal.consistency import CausalCycle, Consistency, ContradictedClaim, TimeInversion
from graph.causal.graph import Chain
from graph.causal.influence import CauseAnalysis, Driver, EffectAnalysis, Reach
from graph.causal.whatif import WhatIf
from graph.data.dates import EventDate
from graph.data.datetext import display_date

__all__ = ["event_labels", "mentioned_events"]


def mentioned_events(*results: Any) -> list[str]:
    """Every event id the analysis ``results`` name (results, or lists of them), sorted.

    >>> from graph.causal.graph import build_graph_from_links, make_chain
    >>> from graph.causal.influence import analyze_causes
    >>> g = build_graph_from_links([("a", "b", 0.5), ("b", "c", 0.8)])
    >>> mentioned_events(analyze_causes(g, "c")), mentioned_events([make_chain(g, "ab")])
    (['a', 'b', 'c'], ['a', 'b'])
    """
    found: set[str] = set()
    for result in results:
        found.update(_ids(result))
    return sorted(found)


def event_labels(graph: nx.DiGraph, ids: Iterable[str]) -> dict[str, dict[str, str | None]]:
    """``{id: {label, date (EDTF as written), display_date (in words)}}`` for the events
    ``ids`` of ``graph``, in the order given; ``date`` and ``display_date`` are None for a
    node without a date (graphs built from datasets or stores always have one)."""
    lookup: dict[str, dict[str, str | None]] = {}
    for event in ids:
        attrs = graph.nodes[event]
        date: EventDate | None = attrs.get("date")
        lookup[event] = {
            "label": attrs.get("label", event),
            "date": None if date is None else date.edtf,
            "display_date": None if date is None else display_date(date),
        }
    return lookup


@singledispatch
def _ids(result: Any) -> Iterable[str]:
    if isinstance(result, list | tuple):
        return (event for item in result for event in _ids(item))
    raise TypeError(f"not an analysis result: {type(result).__name__}")


@_ids.register
def _(result: Chain) -> Iterable[str]:
    return result.events


@_ids.register
def _(result: Reach) -> Iterable[str]:
    return (result.event,)


@_ids.register
def _(result: Driver) -> Iterable[str]:
    return (result.event,)


@_ids.register
def _(result: CauseAnalysis) -> Iterable[str]:
    return (result.event, *result.roots, *_ids(result.ancestors), *_ids(result.root_chains))


@_ids.register
def _(result: EffectAnalysis) -> Iterable[str]:
    return (result.event, *_ids(result.descendants))


@_ids.register
def _(result: WhatIf) -> Iterable[str]:
    return (*result.removed, *_ids(result.orphaned), *_ids(result.still_supported))


@_ids.register
def _(result: TemporalRelation) -> Iterable[str]:
    return (result.a, result.b)


@_ids.register(LinkInfo)
@_ids.register(TimeInversion)
@_ids.register(ContradictedClaim)
def _(result: LinkInfo | TimeInversion | ContradictedClaim) -> Iterable[str]:
    return (result.cause, result.effect)


@_ids.register
def _(result: CausalCycle) -> Iterable[str]:
    return result.events


@_ids.register
def _(result: EventSide) -> Iterable[str]:
    return (result.id, *_ids(result.causes), *_ids(result.effects))


@_ids.register
def _(result: Comparison) -> Iterable[str]:
    return (*_ids(result.a), *_ids(result.b), *_ids(result.similar_links), *_ids(result.relation))


@_ids.register
def _(result: Consistency) -> Iterable[str]:
    parts = (result.time_inversions, result.cycles, result.contradicted_claims)
    return (event for part in parts for event in _ids(part))
