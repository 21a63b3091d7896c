"""Allen relations between dates, computed on whole-day numbers where that is exact.

:func:`graph.data.dates.possible_allen_relations` is the reference; it compares datetimes endpoint
by endpoint and costs about 20 us a pair -- 5 s for the lane and link relations of 100 k
events. For two dates without a time of day the answer depends only on the order of eight
day numbers (the first and last possible day of each start and end), so
:class:`AllenRelations` ranks those numbers and remembers the answer per order: a few hundred
orders cover any dataset. Dates with a time of day go to the reference, which knows about UTC
offsets. A test compares the two on every pair of a grid of dates.

>>> from graph.data.dates import parse_date
>>> relations = AllenRelations()
>>> sorted(relations(parse_date("2014-12-12/2014-12-16"), parse_date("2014-12-15")))
['contains']
>>> sorted(relations(parse_date("1998"), parse_date("2014-12-16")))
['before']
"""

from __future__ import annotations

import datetime as dt
import functools

from graph.data.dates import ALLEN_CONDITIONS as CONDITIONS  # the reference's own table
from graph.data.dates import EventDate, possible_allen_relations

Days = tuple[tuple[int, int], ...]


class AllenRelations:
    """``relations(a, b)``: the Allen relations of ``a`` to ``b`` that the dates allow."""

    def __init__(self) -> None:
        self._days: dict[str, Days] = {}

    def __call__(self, a: EventDate, b: EventDate) -> frozenset[str]:
        first, second = self.days(a), self.days(b)
        if not first or not second:  # an instant: the reference handles UTC offsets
            return possible_allen_relations(a, b)
        days = (*first[0], *first[1], *second[0], *second[1])
        rank = {day: position for position, day in enumerate(sorted(set(days)))}
        return _ranked_relations(tuple(rank[day] for day in days))

    def days(self, date: EventDate) -> Days:
        """(first, last) possible day of the start and of the end; empty for instants."""
        known = self._days.get(date.edtf)
        if known is None:
            known = self._days[date.edtf] = _days(date)
        return known


def _days(date: EventDate) -> Days:
    if isinstance(date.begin, dt.datetime) or isinstance(date.end, dt.datetime):
        return ()
    start, finish = date.start, date.finish
    return (
        (start.earliest.toordinal(), start.latest.toordinal()),
        (finish.earliest.toordinal(), finish.latest.toordinal()),
    )


@functools.cache
def _ranked_relations(days: tuple[int, ...]) -> frozenset[str]:
    # Endpoint x can be before y when x's first day <= y's last day (a day runs 00:00 ..
    # 23:59:59.999999), and the same instant when the two day ranges intersect.
    ends = {"as": days[0:2], "ae": days[2:4], "bs": days[4:6], "be": days[6:8]}
    return frozenset(
        name
        for name, conditions in CONDITIONS.items()
        if all(
            ends[x][0] <= ends[y][1] and (op == "<" or ends[y][0] <= ends[x][1])
            for x, op, y in conditions
        )
    )
