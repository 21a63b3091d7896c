"""How :func:`graph.timeline.paging.query_events` answers a query over an
:class:`~graph.timeline.paging.EventIndex`: the date window's bounds (:class:`Bound`), the test
an event must pass (:func:`predicate`) and the scan that yields candidates in sort order
(:func:`plan_scan`), entered where the window can first be reached.
"""

from __future__ import annotations

import heapq
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from graph.data.dates import Endpoint
from graph.timeline.indexing import DAY, micros

if TYPE_CHECKING:
    from graph.timeline.paging import EventIndex

OPEN = 2**62  # beyond every representable instant, in µs

Match = Callable[[int], bool]
Plan = Callable[[int | None], Iterator[int]]


@dataclass(frozen=True)
class Bound:
    """One end of the date window in µs: ``wall`` on its wall clock and, for an instant with
    an offset, ``utc`` in UTC; ``scan`` is a wall-clock value no event past the bound can
    cross (an offset moves an instant by less than a day)."""

    wall: int
    utc: int | None = None

    @classmethod
    def of(cls, endpoint: Endpoint, *, early: bool) -> Bound:
        moment = endpoint.earliest if early else endpoint.latest
        if endpoint.offset is None:
            return cls(micros(moment))
        return cls(micros(moment), micros(moment - endpoint.offset))

    def scan(self, early: bool) -> int:
        if self.utc is None:
            return self.wall
        return min(self.wall, self.utc) - DAY if early else max(self.wall, self.utc) + DAY


def predicate(
    index: EventIndex,
    low_bound: Bound,
    high_bound: Bound,
    facets: dict[str, frozenset[str]],
    words: tuple[str, ...],
) -> Match:
    events, masks = index.events, index.status_masks
    starts, finishes, zoned = index.starts, index.finishes, index.zoned
    utc_starts, utc_finishes = index.utc_starts, index.utc_finishes
    low, high = low_bound.wall, high_bound.wall
    low_utc, high_utc = low_bound.utc, high_bound.utc
    text, offsets = index.text, index.offsets
    types, lanes, places = facets.get("types"), facets.get("lanes"), facets.get("places")
    actors, tags = facets.get("actors"), facets.get("tags")
    wanted = facets.get("statuses")
    bits = sum(index.status_bits.get(status, 0) for status in wanted or ())
    in_story = _members(index, facets.get("stories"))

    def match(p: int) -> bool:
        if high_utc is not None and zoned[p] & 1:
            if utc_starts[p] > high_utc:
                return False
        elif starts[p] > high:
            return False
        if low_utc is not None and zoned[p] & 2:
            if utc_finishes[p] < low_utc:
                return False
        elif finishes[p] < low:
            return False
        e = events[p]
        if (types and e.type not in types) or (lanes and e.lane not in lanes):
            return False
        if (places and e.place not in places) or (actors and actors.isdisjoint(e.actors)):
            return False
        if (tags and tags.isdisjoint(e.tags)) or (wanted and not masks[p] & bits):
            return False
        if in_story is not None and p not in in_story:
            return False
        begin, end = offsets[p], offsets[p + 1] - 1
        return all(text.find(word, begin, end) >= 0 for word in words)

    return match


def _members(index: EventIndex, stories: frozenset[str] | None) -> set[int] | None:
    """The positions of the events of ``stories`` (None: no story filter)."""
    if not stories:
        return None
    found: set[int] = set()
    for story in stories:
        found.update(index.postings["stories"].get(story, ()))
    return found


Slices = list[tuple[array, int, int]]  # (ascending positions, from, to): a part of an array
Source = tuple[Callable[[int, int], int], Callable[[int, int], Iterator[int]]]


def plan_scan(
    index: EventIndex,
    low: int,
    high: int,
    facets: dict[str, frozenset[str]],
    words: tuple[str, ...],
    sort: str,
) -> Plan:
    """Candidate positions in sort order, from an optional cut (a decoded page token).

    For the date sorts, each *source* (every position, one facet's posting lists, the text
    search for the first of ``words``, the longest) is scanned from the first position that
    can reach ``low`` at the span of some class, the few events of longer-span classes before
    it merged in (:func:`_reach`); the source and starting class that promise the fewest
    candidates win.
    """
    if sort == "label":
        by_label = index.by_label
        return lambda cut: map(by_label.__getitem__, range(cut or 0, len(by_label)))
    reverse = sort == "-date"
    hi = len(index) if high == OPEN else bisect_right(index.days, high)
    # (a day key is at most a day before the earliest start it stands for)
    reach = [bisect_left(index.days, low - width - DAY) for width, _ in index.spans]
    sources: list[Source] = [(lambda a, b: b - a, lambda a, b: _walk(range(a, b), reverse))]
    for facet, values in facets.items():
        found = [index.postings[facet][v] for v in values if v in index.postings[facet]]
        sources.append(_posting_source(found, reverse))
    if words:  # a C-speed search whose hits are unknown: guess them few
        hits = partial(_text_hits, index, words[0], reverse=reverse)
        sources.append((lambda a, b: (b - a) // 8, hits))

    def plan(cut: int | None) -> Iterator[int]:
        if cut is None:
            first, stop = 0, hi
        else:
            first, stop = (0, min(hi, cut)) if reverse else (cut, hi)
        options = (_reach(index, reach, first, stop, s, reverse) for s in sources)
        return min(options, key=lambda option: option[0])[1]()

    return plan


def _reach(
    index: EventIndex, reach: list[int], first: int, stop: int, source: Source, reverse: bool
) -> tuple[int, Callable[[], Iterator[int]]]:
    """The cheapest way to scan ``source`` for events that can reach the window start: from
    ``reach[j]`` on, plus the members of the classes after ``j`` between their own reach and
    ``reach[j]``; ``j = -1`` scans only the classes (the source is left out)."""
    count, scan = source
    best: tuple[int, int, Slices] | None = None
    for j in range(-1, len(reach)):
        cut = stop if j < 0 else min(stop, max(first, reach[j]))
        head = [
            (members, bisect_left(members, max(first, reach[c])), bisect_left(members, cut))
            for c, (_, members) in enumerate(index.spans)
            if c > j
        ]
        cost = (0 if j < 0 else count(cut, stop)) + sum(max(0, b - a) for _, a, b in head)
        if best is None or cost < best[0]:
            best = (cost, cut, head)
    cost, cut, head = best  # type: ignore[misc]
    walks = [*_slices(head, reverse), scan(cut, stop)]
    return cost, lambda: _unique(heapq.merge(*walks, reverse=reverse))


def _posting_source(found: list[array], reverse: bool) -> Source:
    def count(a: int, b: int) -> int:
        return sum(bisect_left(p, b) - bisect_left(p, a) for p in found)

    def scan(a: int, b: int) -> Iterator[int]:
        parts = [(p, bisect_left(p, a), bisect_left(p, b)) for p in found]
        return heapq.merge(*_slices(parts, reverse), reverse=reverse)

    return count, scan


def _walk(positions: range, reverse: bool) -> Iterator[int]:
    return iter(reversed(positions) if reverse else positions)


def _slices(parts: Slices, reverse: bool) -> list[Iterator[int]]:
    return [map(a.__getitem__, _walk(range(i, j), reverse)) for a, i, j in parts if i < j]


def _unique(positions: Iterable[int]) -> Iterator[int]:
    """``positions`` without repeats (an event is in the posting lists of several actors)."""
    previous = None
    for p in positions:
        if p != previous:
            yield p
            previous = p


def _text_hits(
    index: EventIndex, needle: str, first: int, stop: int, *, reverse: bool
) -> Iterator[int]:
    text, offsets = index.text, index.offsets
    begin, end = offsets[first], offsets[stop]
    while (at := text.rfind(needle, begin, end) if reverse else text.find(needle, begin, end)) >= 0:
        p = bisect_right(offsets, at) - 1
        yield p
        begin, end = (begin, offsets[p]) if reverse else (offsets[p + 1], end)
