"""Analogies between stories: the stories aligned by stage, with the figures a reader compares.

A stage (``stages:`` in the data) is a comparable step of a crisis -- oil shock, currency fall,
emergency rate hike, default, recovery. An event's ``stage`` says it is its story's instance of
that stage. :func:`analogies` puts the stories side by side, stage by stage: each cell holds the
story's events of that stage and figures read from their quantities, each figure tied to the
event it comes from and that event's sources. Nothing is guessed: a figure computed here from
two recorded numbers says so (``computed``) and names where each number comes from.

Given a chain finder (the service passes one over :mod:`graph.causal`, which this package does
not import), each story's figures also hold ``chain``: the causal chain from its first shock to
its emergency hike (:func:`story_chain` says which shock it starts from), or None.

>>> from pathlib import Path
>>> from graph.data.loader import load_dataset
>>> ds = load_dataset(Path(__file__).parents[2] / "events.yaml")
>>> table = analogies(ds, ["russia-1998", "ruble-crisis-2014", "russia-2022"])
>>> hike = next(s for s in table["stages"] if s["id"] == "emergency-rate-hike")
>>> [(f["name"], f["value"]) for f in hike["cells"]["ruble-crisis-2014"]["figures"][:2]]
[('policy-rate-peak', 17), ('hike-size', 6.5)]
>>> table["figures"]["russia-2022"]["days_first_shock_to_hike"]["value"]
6
>>> table["figures"]["ruble-crisis-2014"]["default"]["text"]
'no default recorded'
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from graph.data import Dataset, Event, Quantity, find_story
from graph.data.dates import EventDate
from graph.timeline.formats import display_date

__all__ = ["SHOCK_STAGES", "ChainFinder", "analogies", "days_between", "story_chain"]

#: Stages that can start a crisis: the earliest such event of a story is its first shock.
SHOCK_STAGES = ("oil-shock", "sanctions", "capital-flight")
HIKE, FALL, DEFAULT, RECOVERY = "emergency-rate-hike", "currency-fall", "default", "recovery"

#: ``find(story, source, target)``: the chain from event ``source`` to event ``target`` among
#: the story's events -- an object with ``events``, ``links`` and ``strength`` (as
#: :class:`graph.causal.Chain`) -- or None when there is none.
ChainFinder = Callable[[str, str, str], Any]


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def days_between(first: EventDate, then: EventDate) -> tuple[int, int]:
    """The fewest and most whole days from the start of ``first`` to the start of ``then``, at
    the dates' own precision (equal when both start on a known day).

    >>> from graph.data.dates import parse_date
    >>> days_between(parse_date("2022-02-22"), parse_date("2022-02-28"))
    (6, 6)
    >>> days_between(parse_date("1997"), parse_date("1998-05-27"))
    (147, 511)
    """
    a, b = first.start, then.start
    low = (b.earliest.date() - a.latest.date()).days
    high = (b.latest.date() - a.earliest.date()).days
    return low, high


def _event_ref(event: Event) -> dict[str, Any]:
    return {
        "id": event.id,
        "label": event.label,
        "date": event.date.edtf,
        "display_date": display_date(event.date),
    }


def _sources(*events: Event) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for event in events:
        for s in event.sources:
            seen.setdefault(s.url, {"url": s.url, "title": s.title, "publisher": s.publisher})
    return list(seen.values())


def _figure(
    name: str, value: Any, unit: str | None, text: str, *events: Event, **more: Any
) -> dict[str, Any]:
    """A figure: its name, value, unit and words, the event it is read from (the first of
    ``events``), every one of their sources, and ``more`` (according_to, computed, ...)."""
    return {
        "name": name,
        "value": value,
        "unit": unit,
        "text": text,
        "event": events[0].id if events else None,
        "events": [e.id for e in events],
        "sources": _sources(*events),
        "according_to": None,
        "computed": False,
        "low": None,
        "high": None,
        **more,
    }


def _hike_figures(event: Event) -> list[dict[str, Any]]:
    figures = []
    for q in event.quantities:
        if q.kind != "key-rate":
            continue
        peak = _number(q.value)
        figures.append(_figure("policy-rate-peak", peak, q.unit, f"{peak} %", event))
        if q.previous is not None:
            size, before = _number(q.value - q.previous), _number(q.previous)
            text = f"+{size} pp (from {before} % to {peak} %)"
            figures.append(_figure("hike-size", size, "percentage-point", text, event))
    return figures


def _fall_figures(events: Sequence[Event]) -> list[dict[str, Any]]:
    """Every exchange rate (RUB/USD) and percentage change recorded on the stage's events, as
    recorded; then the lowest and highest rate, with the ruble's change between them, computed
    here and marked so."""
    figures, rates = [], []
    for event in events:
        for q in event.quantities:
            if q.kind == "exchange-rate" and q.unit == "rub-per-usd":
                rates.append((q, event))
                figures.append(_recorded("exchange-rate", q, event, "RUB/USD"))
            elif q.kind == "exchange-rate-change" and q.unit == "percent":
                figures.append(_recorded("exchange-rate-change", q, event, "%"))
    if len(rates) >= 2:
        (low, low_event), (high, high_event) = min(rates, key=_value), max(rates, key=_value)
        change = round(float(low.value / high.value - 1) * 100, 1)
        whose = f"{low.according_to or 'the event'} and {high.according_to or 'the event'}"
        text = (
            f"{_number(low.value)} -> {_number(high.value)} RUB/USD ({change} % for the ruble):"
            f" the lowest and highest rates recorded on this stage's events, computed here"
            f" from two figures ({whose}), not a figure any one source gives"
        )
        figures.append(
            _figure(
                "recorded-range",
                change,
                "percent",
                text,
                low_event,
                *([high_event] if high_event is not low_event else []),
                computed=True,
                low=_number(low.value),
                high=_number(high.value),
            )
        )
    return figures


def _value(pair: tuple[Quantity, Event]) -> Decimal:
    return pair[0].value


def _recorded(name: str, q: Quantity, event: Event, symbol: str) -> dict[str, Any]:
    value = _number(q.value)
    words = [f"{value} {symbol}"]
    if q.observed is not None:
        words.append(f"on {display_date(q.observed)}")
    if q.note:
        words.append(f"({q.note})")
    return _figure(name, value, q.unit, " ".join(words), event, according_to=q.according_to)


def _days_figure(name: str, first: Event, then: Event, what: str) -> dict[str, Any]:
    low, high = days_between(first.date, then.date)
    if low == high:
        return _figure(name, low, "day", f"{low} days {what}", first, then)
    text = (
        f"{low} to {high} days {what} ({first.date.edtf} to {then.date.edtf}:"
        " not both known to the day)"
    )
    return _figure(name, None, "day", text, first, then, low=low, high=high)


def _earliest(events: Sequence[Event]) -> Event | None:
    return min(events, key=lambda e: (e.date.start.earliest, e.id), default=None)


def _story_figures(by_stage: dict[str, list[Event]]) -> dict[str, Any]:
    shocks = [e for stage in SHOCK_STAGES for e in by_stage.get(stage, [])]
    # The first shock: the one certainly started earliest (by the latest its start can be).
    first = min(shocks, key=lambda e: (e.date.start.latest, e.id), default=None)
    hike = _earliest(by_stage.get(HIKE, []))
    days = None
    if first is not None and hike is not None:
        days = _days_figure("days-first-shock-to-hike", first, hike, "from the first shock")
    defaults = by_stage.get(DEFAULT, [])
    if defaults:
        words = "; ".join(f"{e.label} ({display_date(e.date)})" for e in defaults)
        default = _figure("default", None, None, f"yes: {words}", *defaults)
    else:
        default = _figure("default", None, None, "no default recorded")
    recovery = None
    first_recovery = _earliest(by_stage.get(RECOVERY, []))
    if first_recovery is not None and hike is not None:
        recovery = _days_figure(
            "days-hike-to-recovery", hike, first_recovery, "from the emergency hike"
        )
    return {
        "first_shock": None if first is None else first.id,
        "defaulted": bool(defaults),
        "days_first_shock_to_hike": days,
        "default": default,
        "recovery": recovery,
    }


def story_chain(
    dataset: Dataset, story: str, by_stage: dict[str, list[Event]], find: ChainFinder
) -> dict[str, Any] | None:
    """The chain ``find`` gives from the story's first shock to its emergency hike (the
    earliest event of that stage) as ``{events, links, strength, to}``, each event with its
    ``stage`` and ``to`` the stage it ends in; None when the story has no hike or no chain
    reaches it. When none starts at the first shock, each other event of a shock stage is
    tried in date order (earliest start, then id), and the first that reaches the hike is
    taken. When no shock reaches the hike, the chain to the earliest currency-fall event any
    shock reaches is taken instead (``to``: ``currency-fall``), so that every story with a
    recorded path from a shock shows one.

    >>> from pathlib import Path
    >>> from types import SimpleNamespace
    >>> from graph.data.loader import load_dataset
    >>> ds = load_dataset(Path(__file__).parents[2] / "events.yaml")
    >>> def direct(story, source, target):  # a made-up finder: one link, source -> target
    ...     return SimpleNamespace(events=(source, target), links=("made-up",), strength=0.5)
    >>> chain = analogies(ds, ["russia-2022"], direct)["figures"]["russia-2022"]["chain"]
    >>> [e["stage"] for e in chain["events"]], chain["links"], chain["strength"]
    (['sanctions', 'emergency-rate-hike'], ['made-up'], 0.5)
    >>> story_chain(ds, "russia-2022", {}, direct) is None  # no hike recorded
    True
    """
    hike = _earliest(by_stage.get(HIKE, []))
    first = _story_figures(by_stage)["first_shock"]
    if hike is None or first is None:
        return None
    shocks = sorted(
        (e for stage in SHOCK_STAGES for e in by_stage.get(stage, [])),
        key=lambda e: (e.date.start.earliest, e.id),
    )
    sources = list(dict.fromkeys([first, *(e.id for e in shocks)]))
    falls = sorted(by_stage.get(FALL, []), key=lambda e: (e.date.start.earliest, e.id))
    for target, stage in [(hike, HIKE), *((fall, FALL) for fall in falls)]:
        for source in sources:
            chain = find(story, source, target.id)
            if chain is not None and chain.events:
                events = [dataset.event(ident) for ident in chain.events]
                return {
                    "events": [{**_event_ref(e), "stage": e.stage} for e in events],
                    "links": list(chain.links),
                    "strength": float(chain.strength),
                    "to": stage,
                }
    return None


def _cell(stage: str, events: list[Event], story: dict[str, Any]) -> dict[str, Any]:
    figures: list[dict[str, Any]] = []
    if stage == HIKE:
        for event in events:
            figures.extend(_hike_figures(event))
        if story["days_first_shock_to_hike"]:
            figures.append(story["days_first_shock_to_hike"])
    elif stage == FALL:
        figures = _fall_figures(events)
    elif stage == DEFAULT:
        figures = [story["default"]]
    elif stage == RECOVERY and story["recovery"]:
        figures = [story["recovery"]]
    return {"events": [_event_ref(e) for e in events], "figures": figures}


def analogies(
    dataset: Dataset, story_ids: Sequence[str] | None = None, chains: ChainFinder | None = None
) -> dict[str, Any]:
    """The stories ``story_ids`` (default: every story, in dataset order) aligned by stage:
    ``stories``, ``stages`` (each with a cell per story: its events and figures), ``figures``
    (per story: first shock, days from it to the emergency hike, default, recovery and, given
    ``chains``, the ``chain`` from the shock to the hike: :func:`story_chain`) and ``links``
    (the ``similar_to`` links with an ``aspect`` between two of the stories).
    Raises :class:`UnknownStoryError` for a story the dataset does not have."""
    ids = list(dict.fromkeys(story_ids)) if story_ids else [s.id for s in dataset.stories]
    for ident in ids:
        find_story(dataset, ident)  # an unknown one raises
    by_story: dict[str, dict[str, list[Event]]] = {ident: {} for ident in ids}
    for event in dataset.events:
        story = dataset.story_of(event.id)
        if event.stage and story in by_story:
            by_story[story].setdefault(event.stage, []).append(event)
    for stages in by_story.values():
        for events in stages.values():
            events.sort(key=lambda e: (e.date.start.earliest, e.id))
    figures = {ident: _story_figures(by_story[ident]) for ident in ids}
    if chains is not None:
        for ident in ids:
            figures[ident]["chain"] = story_chain(dataset, ident, by_story[ident], chains)
    rows = []
    for stage in dataset.stages:
        if not any(stage.id in by_story[ident] for ident in ids):
            continue  # a stage none of these stories has
        cells = {
            ident: _cell(stage.id, by_story[ident].get(stage.id, []), figures[ident])
            for ident in ids
        }
        rows.append(
            {"id": stage.id, "label": stage.label, "description": stage.description, "cells": cells}
        )
    links = [
        {
            "id": link.id,
            "aspect": link.aspect,
            "cause": link.cause,
            "effect": link.effect,
            "stories": [dataset.story_of(link.cause), dataset.story_of(link.effect)],
            "status": link.status,
            "confidence": float(link.confidence),
            "ref": link.ref,
            "note": link.note,
            "sources": [
                {"url": s.url, "title": s.title, "publisher": s.publisher} for s in link.sources
            ],
        }
        for link in dataset.links
        if link.kind == "similar_to"
        and link.aspect
        and dataset.story_of(link.cause) in by_story
        and dataset.story_of(link.effect) in by_story
        and dataset.story_of(link.cause) != dataset.story_of(link.effect)
    ]
    return {"stories": ids, "stages": rows, "figures": figures, "links": links}
