"""Time order of the index (graph.timeline.paging): instant bounds compared in UTC, and the
order within a day (instants in UTC order, a cause before its same-day effect), also across
pages."""

import dataclasses

import pytest

from graph.data.dates import parse_date
from graph.timeline.indexing import micros
from graph.timeline.paging import EventIndex, query_events

from .test_timeline_paging import expected, ids, walk


@pytest.mark.parametrize(
    ("start", "end", "found"),
    [
        ("2014-12-15T21:30:00Z", "2014-12-15T22:30:00Z", True),  # 01:00 MSK is 22:00 UTC
        ("2014-12-15T21:30:00+00:00", "2014-12-15T22:30:00+00:00", True),
        ("2014-12-16T00:30:00+03:00", "2014-12-16T01:30:00+03:00", True),
        ("2014-12-16T00:30:00Z", "2014-12-16T01:30:00Z", False),  # 03:30 to 04:30 MSK
        ("2014-12-16T00:30:00+00:00", "2014-12-16T01:30:00+00:00", False),
        ("2014-12-15T22:00:00Z", "2014-12-15T22:00:00Z", True),  # the very instant
        ("2014-12-15T22:00:01Z", None, False),
        (None, "2014-12-15T21:59:59Z", False),
        ("2014-12-16", "2014-12-16", True),  # a calendar day: the day written in the data
        ("2014-12-15", "2014-12-15", False),
        ("2014-12-16T00:30:00", "2014-12-16T01:30:00", True),  # no offset: the wall clock
    ],
)
def test_instant_bounds_compare_in_utc(real_index, start, end, found):
    page = query_events(
        real_index,
        start=parse_date(start) if start else None,
        end=parse_date(end) if end else None,
        limit=1000,
    )
    assert ("cbr-hike-to-17" in ids(page.events)) is found


def test_instant_bounds_compare_floating_days_on_the_wall_clock(real_index):
    """A day-precision event has no offset: an instant bound meets it on its own wall clock."""
    start, end = parse_date("2014-12-16T23:30:00+03:00"), parse_date("2014-12-17T00:30:00+03:00")
    found = ids(query_events(real_index, start=start, end=end, limit=1000).events)
    assert "ruble-black-tuesday" in found  # 16 December, whatever its hour
    assert "cbr-hike-to-17" not in found


def test_same_day_cause_comes_before_its_effect(real_index):
    order = ids(real_index.events)
    assert order.index("cbr-hike-to-17") < order.index("ruble-black-tuesday")
    assert order.index("ruble-black-monday") < order.index("moscow-stocks-fall-dec-15")
    down = ids(query_events(real_index, sort="-date", limit=1000).events)
    assert down == order[::-1]


@pytest.mark.parametrize("sort", ["date", "-date"])
def test_paging_one_event_at_a_time_through_a_reordered_day(real, real_index, sort):
    window = {"start": parse_date("2014-12-16"), "end": parse_date("2014-12-16")}
    assert walk(real_index, 1, sort=sort, **window) == expected(real, sort=sort, **window)


def test_page_token_keyed_by_the_start_itself_still_reads(real_index):
    """Tokens made before the date order had day keys held the event's earliest start."""
    import base64

    hike = real_index.event("cbr-hike-to-17")
    key = str(micros(hike.date.start.earliest))  # 01:00 on the wall clock, not midnight
    payload = base64.urlsafe_b64encode(f"date\ncbr-hike-to-17\n{key}".encode()).decode()
    page = query_events(real_index, after="v1." + payload.rstrip("="), limit=1)
    assert ids(page.events) == ["ruble-black-tuesday"]


def test_causal_cycles_and_same_day_links_keep_every_event(tiny):
    base = tiny.events[0]
    days = {"a": "2014-12-16", "b": "2014-12-16", "c": "2014-12-16T05:00:00Z"}
    days |= {"d": "2014-12-16T01:00:00+03:00", "e": "2014-12"}
    events = tuple(
        dataclasses.replace(base, id=name, date=parse_date(date)) for name, date in days.items()
    )
    pairs = [("a", "b"), ("b", "a"), ("c", "a"), ("d", "c"), ("c", "d"), ("e", "b")]
    links = tuple(
        dataclasses.replace(tiny.links[0], id=f"l{i}", cause=c, effect=e, status="supported")
        for i, (c, e) in enumerate(pairs)
    )
    index = EventIndex.from_dataset(dataclasses.replace(tiny, events=events, links=links))
    # e (December) belongs to 1 December; on the 16th the instants keep their UTC order
    # (d is 22:00 UTC on the 15th) whatever the links say, and a and b follow c, their cause
    assert ids(index.events) == ["e", "d", "c", "a", "b"]
