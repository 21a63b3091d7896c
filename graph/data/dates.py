"""EDTF dates -> bounds with precision, and honest comparisons under imprecision.

A date written at month precision (``2014-12``) means *some time* in that month, not all of
it. Each end of an event is therefore a range of possible instants, and comparisons answer
"certainly", "certainly not" or "undecided" instead of guessing.

Instants with an offset (``2014-12-16T01:00:00+03:00``) are compared with each other in UTC.
Dates without a time of day are local calendar dates ("floating"), so when one side is
floating both sides are compared on their local wall clocks.

>>> d = parse_date("2014-12")
>>> d.begin, d.end, d.begin_precision
(datetime.date(2014, 12, 1), datetime.date(2014, 12, 31), 'month')
>>> sorted(possible_allen_relations(parse_date("2014-12-15"), parse_date("2014-12-16")))
['before']
>>> "before" in possible_allen_relations(parse_date("2014-12"), parse_date("2014-12-16"))
True
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from dataclasses import dataclass
from typing import Literal

from graph.errors import DateError

Precision = Literal["year", "month", "day", "second"]


@dataclass(frozen=True)
class Endpoint:
    """The possible instants of one end of an event: ``earliest`` .. ``latest`` (inclusive).

    Both are naive wall-clock datetimes; ``offset`` is set only for instants written with a
    UTC offset, and then applies to both.
    """

    earliest: dt.datetime
    latest: dt.datetime
    offset: dt.timedelta | None = None


@dataclass(frozen=True)
class EventDate:
    """A parsed EDTF date: strict bounds, their precision, qualifiers and the original text."""

    edtf: str
    begin: dt.date | dt.datetime
    end: dt.date | dt.datetime
    begin_precision: Precision
    end_precision: Precision
    approximate: bool = False
    uncertain: bool = False

    # Cached: comparisons and sorting ask for them again and again, and dates are shared.
    @functools.cached_property
    def start(self) -> Endpoint:
        """Possible instants at which the event starts."""
        return _endpoint(self.begin, self.begin_precision)

    @functools.cached_property
    def finish(self) -> Endpoint:
        """Possible instants at which the event ends."""
        return _endpoint(self.end, self.end_precision)


def parse_date(text: str) -> EventDate:
    """Parse an EDTF string into an :class:`EventDate`.

    Supported: day, month and year dates, ``~``/``?``/``%`` qualifiers, intervals of those, and
    date-times with seconds (an offset or ``Z`` is kept). Raises :class:`DateError` otherwise.

    >>> parse_date("2014-07-29/2014-08-01").end
    datetime.date(2014, 8, 1)
    >>> parse_date("2014-12-16T01:00:00+03:00").begin.isoformat()
    '2014-12-16T01:00:00+03:00'
    >>> parse_date("2014-12-15T22:00:00+00:00").start == parse_date("2014-12-15T22:00:00Z").start
    True
    >>> parse_date("2014-13-01")
    Traceback (most recent call last):
    ...
    graph.errors.DateError: '2014-13-01' is not a valid EDTF date
    """
    if not isinstance(text, str) or not text.strip():
        raise DateError("a date is required (EDTF, e.g. 2014-12-16, 2014-12, 1998)")
    return _parse_cached(text.strip())


@functools.lru_cache(maxsize=65536)
def _parse_cached(text: str) -> EventDate:
    sides = [_fast_side(part) for part in text.split("/")] if text.count("/") <= 1 else [None]
    if all(side is not None for side in sides):
        return _combine(text, *sides[0], *sides[-1])  # type: ignore[misc]
    return _in_range(parse_with_edtf(text))


def _in_range(date: EventDate) -> EventDate:
    """``date``, if its instants can be compared on UTC: an offset must not carry them past
    year 1 or 9999 (found by the property tests: ``0001-01-01T00:00:00+03:00``)."""
    for value in (date.begin, date.end):
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            try:
                value.astimezone(dt.UTC)
            except OverflowError:
                raise DateError(f"{date.edtf!r} is outside the years 1 to 9999 in UTC") from None
    return date


# The common forms (year, month or day, an optional trailing qualifier) are read with a regular
# expression: the edtf package's parser takes ~12 ms a date, too slow for 100 k events. A test
# checks that both paths agree on every form the fast one accepts.
_FAST = re.compile(r"^([0-9]{4})(?:-(0[1-9]|1[0-2])(?:-([0-3][0-9]))?)?([~?%]?)$")


def _fast_side(part: str) -> tuple[dt.date, Precision] | None:
    match = _FAST.match(part)
    if match is None or match.group(1) == "0000":
        return None
    year, month, day = int(match.group(1)), match.group(2), match.group(3)
    try:
        if day is not None:
            return dt.date(year, int(month), int(day)), "day"
    except ValueError:
        return None  # e.g. 30 February: let the edtf parser produce the error
    if month is not None:
        return dt.date(year, int(month), 1), "month"
    return dt.date(year, 1, 1), "year"


# ISO 8601 writes UTC as ``Z`` or ``+00:00``; the edtf package reads only ``Z``.
_UTC_OFFSET = re.compile(r"(?<=:[0-9]{2})\+00:00(?=$|[~?%/])")


def parse_with_edtf(text: str) -> EventDate:
    """:func:`parse_date` done entirely by the ``edtf`` package (slow; the reference: imported
    here, so that a start that parses no date does not pay for its grammar)."""
    import edtf

    try:
        parsed = edtf.parse_edtf(_UTC_OFFSET.sub("Z", text))
    except Exception as exc:  # the parser raises several unrelated types on bad input
        raise DateError(f"{text!r} is not a valid EDTF date") from exc
    if "/" in text:
        first, _, second = text.partition("/")
        begin, begin_precision = _single(first, parsed.lower, text)
        end, end_precision = _single(second, parsed.upper, text)
    else:
        begin, begin_precision = _single(text, parsed, text)
        end, end_precision = begin, begin_precision
    return _combine(text, begin, begin_precision, end, end_precision)


def _combine(
    text: str,
    begin: dt.date | dt.datetime,
    begin_precision: Precision,
    end: dt.date | dt.datetime,
    end_precision: Precision,
) -> EventDate:
    date = EventDate(
        edtf=text,
        begin=begin,
        end=_last_day(end, end_precision),
        begin_precision=begin_precision,
        end_precision=end_precision,
        approximate="~" in text or "%" in text,
        uncertain="?" in text or "%" in text,
    )
    if date.start.earliest > date.finish.latest:  # (the last day ends where ``end`` does)
        raise DateError(f"{text!r}: the interval ends before it begins")
    return date


def _single(part: str, obj: object, text: str) -> tuple[dt.date | dt.datetime, Precision]:
    """Bounds anchor and precision of one side of an EDTF string (a date or date-time)."""
    kind = type(obj).__name__
    if kind == "UncertainOrApproximate":
        obj = obj.date  # type: ignore[attr-defined]
        kind = type(obj).__name__
    if kind == "DateAndTime":
        core = part.rstrip("~?%")
        try:
            value = dt.datetime.fromisoformat(core.replace("Z", "+00:00"))
        except ValueError as exc:
            raise DateError(f"{text!r}: cannot read the time of day") from exc
        return value, "second"
    if kind != "Date" or getattr(obj, "precision", None) not in ("year", "month", "day"):
        raise DateError(
            f"{text!r}: only day, month and year dates, date-times and intervals of them "
            f"are supported (got EDTF {kind})"
        )
    struct = obj.lower_strict()  # type: ignore[attr-defined]
    if struct.tm_year < 1:
        raise DateError(f"{text!r}: years before 1 CE are not supported")
    try:
        day = dt.date(struct.tm_year, struct.tm_mon, struct.tm_mday)
    except ValueError as exc:  # the edtf grammar lets some impossible days through
        raise DateError(f"{text!r} is not a valid EDTF date: {exc}") from exc
    return day, obj.precision  # type: ignore[attr-defined]


def _last_day(begin: dt.date | dt.datetime, precision: Precision) -> dt.date | dt.datetime:
    """Last day (or the instant itself) of the period that starts at ``begin``."""
    if isinstance(begin, dt.datetime) or precision == "day":
        return begin
    if precision == "year":
        return dt.date(begin.year, 12, 31)
    return dt.date(begin.year, begin.month, calendar.monthrange(begin.year, begin.month)[1])


def _endpoint(value: dt.date | dt.datetime, precision: Precision) -> Endpoint:
    """Possible instants of an endpoint written as ``value`` at ``precision``."""
    if isinstance(value, dt.datetime):
        naive = value.replace(tzinfo=None)
        return Endpoint(naive, naive, value.utcoffset())
    if precision == "year":
        first = dt.date(value.year, 1, 1)
        last = dt.date(value.year, 12, 31)
    elif precision == "month":
        first = dt.date(value.year, value.month, 1)
        last = _last_day(first, "month")
    else:
        first = last = value
    start = dt.datetime.combine(first, dt.time())
    stop = dt.datetime.combine(last, dt.time.max)
    return Endpoint(start, stop)


def _pair(x: Endpoint, y: Endpoint) -> tuple[dt.datetime, dt.datetime, dt.datetime, dt.datetime]:
    """Bounds of ``x`` and ``y`` on one comparable clock (UTC if both have offsets)."""
    if x.offset is not None and y.offset is not None:
        return (
            x.earliest - x.offset,
            x.latest - x.offset,
            y.earliest - y.offset,
            y.latest - y.offset,
        )
    return x.earliest, x.latest, y.earliest, y.latest


def can_be_less(x: Endpoint, y: Endpoint) -> bool:
    """True if some instant of ``x`` can be earlier than some instant of ``y``."""
    x_lo, _, _, y_hi = _pair(x, y)
    return x_lo < y_hi


def can_be_equal(x: Endpoint, y: Endpoint) -> bool:
    """True if ``x`` and ``y`` can be the same instant."""
    x_lo, x_hi, y_lo, y_hi = _pair(x, y)
    return x_lo <= y_hi and y_lo <= x_hi


def starts_certainly_after(a: EventDate, b: EventDate) -> bool:
    """True if ``a`` certainly starts after ``b`` starts, whatever the imprecision.

    >>> starts_certainly_after(parse_date("2014-12-16"), parse_date("2014-12-15"))
    True
    >>> starts_certainly_after(parse_date("2014-12-16"), parse_date("2014-12"))
    False
    """
    return not can_be_less(a.start, b.start) and not can_be_equal(a.start, b.start)


#: Allen's 13 relations as conditions on endpoints: (x, op, y) with x, y in as/ae (A's
#: start/end) and bs/be (B's), op "<" or "=". Interval properness (as < ae) is part of the
#: relations that need it, so that instants get the relation points really have.
ALLEN_CONDITIONS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "before": (("ae", "<", "bs"),),
    "meets": (("as", "<", "ae"), ("ae", "=", "bs"), ("bs", "<", "be")),
    "overlaps": (("as", "<", "bs"), ("bs", "<", "ae"), ("ae", "<", "be")),
    "starts": (("as", "=", "bs"), ("ae", "<", "be")),
    "during": (("bs", "<", "as"), ("ae", "<", "be")),
    "finishes": (("bs", "<", "as"), ("ae", "=", "be")),
    "equals": (("as", "=", "bs"), ("ae", "=", "be")),
    "after": (("be", "<", "as"),),
    "met_by": (("bs", "<", "be"), ("be", "=", "as"), ("as", "<", "ae")),
    "overlapped_by": (("bs", "<", "as"), ("as", "<", "be"), ("be", "<", "ae")),
    "started_by": (("as", "=", "bs"), ("be", "<", "ae")),
    "contains": (("as", "<", "bs"), ("be", "<", "ae")),
    "finished_by": (("as", "<", "bs"), ("ae", "=", "be")),
}

ALLEN_RELATIONS: tuple[str, ...] = tuple(ALLEN_CONDITIONS)


def possible_allen_relations(a: EventDate, b: EventDate) -> frozenset[str]:
    """Allen relations of ``a`` to ``b`` that the dates, with their precision, allow.

    One element means the relation is decided. Each endpoint comparison is checked on its own,
    so the set may be a little larger than the exact one, never smaller.

    >>> sorted(possible_allen_relations(parse_date("1998"), parse_date("2014-12-16")))
    ['before']
    >>> hike = parse_date("2014-12-16T01:00:00+03:00")
    >>> sorted(possible_allen_relations(hike, hike))
    ['equals']
    """
    ends = {"as": a.start, "ae": a.finish, "bs": b.start, "be": b.finish}
    result = set()
    for name, conditions in ALLEN_CONDITIONS.items():
        if all(
            can_be_less(ends[x], ends[y]) if op == "<" else can_be_equal(ends[x], ends[y])
            for x, op, y in conditions
        ):
            result.add(name)
    return frozenset(result)
