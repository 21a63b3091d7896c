"""How the timeline exports show each date precision: vis-timeline items, TimelineJS
dates and display_date, from instants to intervals, approximate and uncertain."""

import dataclasses

import pytest

from graph.data.dates import parse_date
from graph.timeline.formats import display_date, to_timelinejs, to_vis_items


@pytest.mark.parametrize(
    ("edtf", "start", "end", "kind", "class_name", "title", "precision"),
    [
        ("2014-12-15", "2014-12-15", None, "point", "precision-day", "15 December 2014", "day"),
        (
            "2014-12",
            "2014-12-01",
            "2015-01-01",
            "range",
            "precision-month",
            "some time in December 2014",
            "month",
        ),
        (
            "2016-02",
            "2016-02-01",
            "2016-03-01",
            "range",
            "precision-month",
            "some time in February 2016",
            "month",
        ),
        (
            "1998",
            "1998-01-01",
            "1999-01-01",
            "range",
            "precision-year",
            "some time in 1998",
            "year",
        ),
        (
            "2014-12-16T01:00:00+03:00",
            "2014-12-16T01:00:00+03:00",
            None,
            "point",
            "precision-instant",
            "16 December 2014, 01:00 MSK (UTC+03:00)",
            "instant",
        ),
        (
            "2014-12-16T10:42:30Z",
            "2014-12-16T10:42:30+00:00",
            None,
            "point",
            "precision-instant",
            "16 December 2014, 10:42:30 UTC",
            "instant",
        ),
        (
            "2014-07-29/2014-08-01",
            "2014-07-29",
            "2014-08-02",
            "range",
            "precision-interval",
            "29 July - 1 August 2014",
            "interval",
        ),
        (
            "1990-08/1990-09",
            "1990-08-01",
            "1990-10-01",
            "range",
            "precision-interval",
            "August - September 1990",
            "interval",
        ),
        (
            "1917/1991",
            "1917-01-01",
            "1992-01-01",
            "range",
            "precision-interval",
            "1917-1991",
            "interval",
        ),
        (
            "2014-12-16~",
            "2014-12-16",
            None,
            "point",
            "precision-day approximate",
            "about 16 December 2014",
            "day",
        ),
        (
            "2014-12~",
            "2014-12-01",
            "2015-01-01",
            "range",
            "precision-month approximate",
            "some time around December 2014",
            "month",
        ),
        (
            "1998?",
            "1998-01-01",
            "1999-01-01",
            "range",
            "precision-year uncertain",
            "some time in 1998 (uncertain)",
            "year",
        ),
        (
            "1917-11-07%",
            "1917-11-07",
            None,
            "point",
            "precision-day approximate uncertain",
            "about 7 November 1917 (uncertain)",
            "day",
        ),
        (
            "2014-02~/2014-03~",
            "2014-02-01",
            "2014-04-01",
            "range",
            "precision-interval approximate",
            "about February - March 2014",
            "interval",
        ),
    ],
)
def test_vis_precision(tiny, edtf, start, end, kind, class_name, title, precision):
    event = dataclasses.replace(tiny.events[0], date=parse_date(edtf))
    item = to_vis_items([event], [], lanes=())["items"][0]
    shown = {"start": start, "end": end, "type": kind, "className": class_name, "title": title}
    assert {key: item.get(key) for key in shown} == shown
    assert (item["precision"], item["edtf"]) == (precision, edtf)


@pytest.mark.parametrize(
    ("edtf", "start_date", "end_date", "shown"),
    [
        ("1998", {"year": 1998}, None, "1998"),
        ("2014-12", {"year": 2014, "month": 12}, None, "December 2014"),
        ("2014-12-15", {"year": 2014, "month": 12, "day": 15}, None, "15 December 2014"),
        (
            "1999-12-31T12:00:00+03:00",
            {"year": 1999, "month": 12, "day": 31, "hour": 12, "minute": 0, "second": 0},
            None,
            "31 December 1999, 12:00 MSK (UTC+03:00)",
        ),
        (
            "2014-12-16T01:00:00-05:30",
            {"year": 2014, "month": 12, "day": 16, "hour": 1, "minute": 0, "second": 0},
            None,
            "16 December 2014, 01:00 UTC-05:30",
        ),
        ("1990-08/1990-09", {"year": 1990, "month": 8}, {"year": 1990, "month": 9}, None),
        ("1917/1991", {"year": 1917}, {"year": 1991}, "1917-1991"),
        (
            "1993-09-21/1993-10-04",
            {"year": 1993, "month": 9, "day": 21},
            {"year": 1993, "month": 10, "day": 4},
            "21 September - 4 October 1993",
        ),
        (
            "2014-12-30/2015-01-02",
            {"year": 2014, "month": 12, "day": 30},
            {"year": 2015, "month": 1, "day": 2},
            "30 December 2014 - 2 January 2015",
        ),
        ("2014-12?", {"year": 2014, "month": 12}, None, "December 2014 (uncertain)"),
    ],
)
def test_timelinejs_precision(tiny, edtf, start_date, end_date, shown):
    event = dataclasses.replace(tiny.events[0], date=parse_date(edtf))
    slide = to_timelinejs([event], title="t", lanes=())["events"][0]
    assert slide["start_date"] == start_date
    assert slide.get("end_date") == end_date
    assert slide["display_date"] == (shown or display_date(event.date))


def test_display_date_of_a_floating_instant():
    assert display_date(parse_date("2014-12-16T01:00:00")) == "16 December 2014, 01:00"
