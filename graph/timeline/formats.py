"""Timeline queries and their JSON shapes for vis-timeline and TimelineJS3.

Queries live in :mod:`graph.timeline.paging` (:class:`EventIndex`, :func:`query_events`) and are
re-exported here. The exports render each date at its precision, never finer: a year-only
event is the whole year, never 1 January; a month-only one is the whole month.

>>> from pathlib import Path
>>> from graph.data.loader import load_dataset
>>> from graph.timeline.paging import EventIndex, query_events
>>> ds = load_dataset(Path(__file__).parents[2] / "tests" / "data" / "tiny.yaml")
>>> page = query_events(EventIndex.from_dataset(ds), lanes=["oil"])
>>> [item["start"] for item in to_vis_items(page.events, ds.links, lanes=ds.lanes)["items"]]
['2014-11-27', '2014-12-12']
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graph.data import Concept, Event, EventDate, Link, Precision
from graph.data.datetext import date_precision, display_date, side_text

__all__ = ["ERAS", "Era", "display_date", "to_timelinejs", "to_vis_items"]


@dataclass(frozen=True)
class Era:
    """A labelled period shown behind TimelineJS events (``first`` .. ``last`` inclusive)."""

    label: str
    first: dt.date
    last: dt.date


ERAS = (
    Era("The 1990s", dt.date(1990, 1, 1), dt.date(1999, 12, 31)),
    Era("2014", dt.date(2014, 1, 1), dt.date(2014, 12, 31)),
)


def to_vis_items(
    events: Iterable[Event],
    links: Iterable[Link],
    *,
    lanes: Sequence[Concept],
    importance: Mapping[str, float] | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """``items``, ``groups`` (lanes) and ``links`` (both ends among ``events``) for vis-timeline.

    A day is a point on that day, an instant a point at its time with its offset; a month, a
    year or an interval is a range whose ``end`` is exclusive, as vis-timeline reads it (a
    month ends on the first day of the next). Labels are HTML-escaped: vis-timeline renders
    ``content`` as HTML. For a page of a large dataset pass
    :meth:`EventIndex.links_among` of the page, not every link. With ``importance``
    (:func:`graph.causal.importance.importance`) each item has its ``importance`` (0 if absent).

    >>> from pathlib import Path
    >>> from graph.data.loader import load_dataset
    >>> ds = load_dataset(Path(__file__).parents[2] / "tests" / "data" / "tiny.yaml")
    >>> vis = to_vis_items(ds.events[1:3], ds.links, lanes=ds.lanes)
    >>> vis["items"][0]
    {'id': 'oil-below-60', 'content': 'Brent falls below $60', 'start': '2014-12-12', \
'end': '2014-12-17', 'type': 'range', 'className': 'precision-interval', \
'title': '12-16 December 2014', 'group': 'oil', 'precision': 'interval', \
'edtf': '2014-12-12/2014-12-16'}
    >>> vis["links"]
    [{'id': 'oil-to-ruble', 'from': 'oil-below-60', 'to': 'ruble-falls', \
'kind': 'contributes_to', 'confidence': 0.75, 'status': 'qualified'}]
    """
    items = [_vis_item(event) for event in events]
    if importance is not None:
        for item in items:
            item["importance"] = importance.get(item["id"], 0.0)
    shown = {item["id"] for item in items}
    return {
        "items": items,
        "groups": [
            {"id": lane.id, "content": html.escape(lane.label), "order": order}
            | ({"colour": lane.colour} if lane.colour else {})
            for order, lane in enumerate(lanes)
        ],
        "links": [
            {
                "id": link.id,
                "from": link.cause,
                "to": link.effect,
                "kind": link.kind,
                "confidence": float(link.confidence),
                "status": link.status,
            }
            for link in links
            if link.cause in shown and link.effect in shown
        ],
    }


def to_timelinejs(
    events: Iterable[Event],
    *,
    title: str,
    lanes: Sequence[Concept],
    eras: Sequence[Era] = ERAS,
) -> dict[str, Any]:
    """TimelineJS3 JSON: a title slide, one slide per event, the ``eras`` the events touch.

    Dates carry only the parts their precision supports (TimelineJS then shows ``1998``, not
    1 January 1998); an interval's end at month or year precision is therefore placed at the
    start of that month or year on TimelineJS's axis, while ``display_date`` says it in full.
    Instants keep their wall-clock time; the offset is named in ``display_date``. Text is
    HTML-escaped (TimelineJS renders it as HTML).

    >>> from pathlib import Path
    >>> from graph.data.loader import load_dataset
    >>> ds = load_dataset(Path(__file__).parents[2] / "tests" / "data" / "tiny.yaml")
    >>> tl = to_timelinejs(ds.events[3:], title="Rate hike", lanes=ds.lanes)
    >>> tl["events"][0]["start_date"], tl["events"][0]["display_date"]
    ({'year': 2014, 'month': 12, 'day': 16, 'hour': 1, 'minute': 0, 'second': 0}, \
'16 December 2014, 01:00 MSK (UTC+03:00)')
    >>> [era["text"]["headline"] for era in tl["eras"]]
    ['2014']
    """
    labels = {lane.id: lane.label for lane in lanes}
    chosen = list(events)
    return {
        "title": {"text": {"headline": html.escape(title), "text": ""}},
        "events": [_slide(event, labels) for event in chosen],
        "eras": [
            {
                "start_date": _date_parts(era.first, "day"),
                "end_date": _date_parts(era.last, "day"),
                "text": {"headline": html.escape(era.label), "text": ""},
            }
            for era in eras
            if any(_touches(event.date, era) for event in chosen)
        ],
    }


def _vis_item(event: Event) -> dict[str, Any]:
    date, precision = event.date, date_precision(event.date)
    item: dict[str, Any] = {"id": event.id, "content": html.escape(event.label)}
    item["start"] = date.begin.isoformat()
    if precision in ("day", "instant"):
        item["type"] = "point"
    else:
        item["end"] = _exclusive_end(date.end)
        item["type"] = "range"
    classes = [f"precision-{precision}"]
    classes += [name for name in ("approximate", "uncertain") if getattr(date, name)]
    item["className"] = " ".join(classes)
    item["title"] = html.escape(_vis_title(date, precision))
    item.update(group=event.lane, precision=precision, edtf=date.edtf)
    if event.part_of:
        item["part_of"] = event.part_of
    return item


def _exclusive_end(end: dt.date | dt.datetime) -> str:
    """vis-timeline's exclusive end: the day after the last day, or the instant itself."""
    if isinstance(end, dt.datetime):
        return end.isoformat()
    if end == dt.date.max:
        return "9999-12-31T23:59:59.999"
    return (end + dt.timedelta(days=1)).isoformat()


def _vis_title(date: EventDate, precision: str) -> str:
    """Tooltip: month and year dates say that the event fell *some time* in that period."""
    if precision not in ("month", "year"):
        return display_date(date)
    text = side_text(date.begin, date.begin_precision)
    text = f"some time {'around' if date.approximate else 'in'} {text}"
    return f"{text} (uncertain)" if date.uncertain else text


def _date_parts(value: dt.date | dt.datetime, precision: Precision) -> dict[str, int]:
    """A TimelineJS date with only the parts ``precision`` supports."""
    parts = {"year": value.year}
    if precision != "year":
        parts["month"] = value.month
    if precision in ("day", "second"):
        parts["day"] = value.day
    if isinstance(value, dt.datetime):
        parts.update(hour=value.hour, minute=value.minute, second=value.second)
    return parts


def _slide(event: Event, lane_labels: dict[str, str]) -> dict[str, Any]:
    date = event.date
    slide: dict[str, Any] = {
        "unique_id": event.id,
        "start_date": _date_parts(date.begin, date.begin_precision),
    }
    if "/" in date.edtf:
        slide["end_date"] = _date_parts(date.end, date.end_precision)
    slide["display_date"] = display_date(date)
    slide["text"] = {
        "headline": html.escape(event.label),
        "text": html.escape(event.description or ""),
    }
    slide["group"] = html.escape(lane_labels.get(event.lane, event.lane))
    return slide


def _touches(date: EventDate, era: Era) -> bool:
    """True if an event at ``date`` may fall in ``era`` (the window rule of queries)."""
    return date.start.earliest.date() <= era.last and date.finish.latest.date() >= era.first
