"""Dates in words, at their own precision (shared by the timeline and graph exports)."""

from __future__ import annotations

import datetime as dt

from graph.data.dates import EventDate, Precision

__all__ = ["date_precision", "display_date", "side_text"]

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# Names for the UTC offsets the data uses (events.yaml: times are Moscow time).
_ZONE_NAMES = {dt.timedelta(hours=3): "MSK"}


def display_date(date: EventDate) -> str:
    """``date`` in words, at its own precision (English month names whatever the locale).

    >>> from graph.data.dates import parse_date
    >>> [display_date(parse_date(s)) for s in ("1998", "2014-12", "2014-12-16~", "2014-12?")]
    ['1998', 'December 2014', 'about 16 December 2014', 'December 2014 (uncertain)']
    >>> display_date(parse_date("2014-12-16T01:00:00+03:00"))
    '16 December 2014, 01:00 MSK (UTC+03:00)'
    >>> [display_date(parse_date(s)) for s in ("2014-12-12/2014-12-16", "2014-07-29/2014-08-01")]
    ['12-16 December 2014', '29 July - 1 August 2014']
    """
    text = _interval_text(date) if "/" in date.edtf else side_text(date.begin, date.begin_precision)
    if date.approximate:
        text = f"about {text}"
    return f"{text} (uncertain)" if date.uncertain else text


def date_precision(date: EventDate) -> str:
    """``interval``, ``instant``, or the precision of a single date (year, month, day)."""
    if "/" in date.edtf:
        return "interval"
    return "instant" if date.begin_precision == "second" else date.begin_precision


def side_text(value: dt.date | dt.datetime, precision: Precision) -> str:
    if precision == "year":
        return str(value.year)
    month = f"{_MONTHS[value.month - 1]} {value.year}"
    if precision == "month":
        return month
    day = f"{value.day} {month}"
    if not isinstance(value, dt.datetime):
        return day
    clock = f"{value:%H:%M}" if value.second == 0 else f"{value:%H:%M:%S}"
    offset = value.utcoffset()
    if offset is None:  # a floating local time
        return f"{day}, {clock}"
    if not offset:
        return f"{day}, {clock} UTC"
    sign, size = ("-", -offset) if offset < dt.timedelta(0) else ("+", offset)
    hours, minutes = divmod(size.seconds // 60, 60)
    utc = f"UTC{sign}{hours:02}:{minutes:02}"
    name = _ZONE_NAMES.get(offset)
    return f"{day}, {clock} {name} ({utc})" if name else f"{day}, {clock} {utc}"


def _interval_text(date: EventDate) -> str:
    """``12-16 December 2014``, ``29 July - 1 August 2014``: shared month and year once."""
    left = side_text(date.begin, date.begin_precision)
    right = side_text(date.end, date.end_precision)
    plain = not isinstance(date.begin, dt.datetime) and not isinstance(date.end, dt.datetime)
    same = plain and date.begin_precision == date.end_precision != "year"
    if same and date.begin.year == date.end.year:
        if date.begin_precision == "day" and date.begin.month == date.end.month:
            return f"{date.begin.day}-{right}"
        left = left.rsplit(" ", 1)[0]
    return f"{left} - {right}" if " " in left + right else f"{left}-{right}"
