"""Filtered, keyset-paged event queries over an in-memory :class:`EventIndex`.

Build the index once per data version; a page then costs O(log N + candidates scanned). The
scan walks one *source* in sort order -- every event, one facet's posting lists or the search
text, each entered where the date window can first be reached -- whichever promises the fewest
candidates, and stops as soon as the page is full (plus one event, to know whether there is a
next page). A date window bound that is an instant with an offset (``Z``, ``+00:00``,
``+03:00``) is compared in UTC with the instants of the data that have one, and on its wall
clock with floating dates (days, months, years, and times without an offset), as
:mod:`graph.data.dates` compares dates; a bound without an offset is compared on the wall clock
written in the data. Example: :func:`query_events`.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any

from graph.data import Dataset, Event, EventDate, Link
from graph.timeline.indexing import (
    FACETS,
    date_bounds,
    date_order,
    link_index,
    offset_flags,
    postings,
    search_text,
    span_classes,
)
from graph.timeline.pagetoken import (
    decode_relevance_token,
    decode_token,
    encode_relevance_token,
    encode_token,
)
from graph.timeline.query import OPEN, Bound, Match, Plan, plan_scan, predicate
from graph.timeline.search import SearchHit, query_words, rank_matches, relevance_key

SORTS = ("date", "-date", "label", "relevance")
MAX_LIMIT = 1000


@dataclass(frozen=True)
class EventPage:
    """One page of events; ``next`` is the ``after`` token of the following page, if any.

    ``count`` is the number of events on this page; ``total`` the number of events matching the
    query over all pages, or ``None`` unless asked for (``count_total=True``: costs O(N)).
    """

    events: tuple[Event, ...]
    next: str | None
    count: int
    total: int | None = None


@dataclass(frozen=True, eq=False, repr=False)
class EventIndex:
    """The events of one dataset version, arranged for fast timeline queries.

    Build it with :meth:`from_dataset`. Positions ``0 .. N-1`` number the events in date
    order (:func:`~graph.timeline.indexing.date_order`: by day, then within a day the events
    without a time of day before the instants, in UTC order, a cause before its same-day
    effect); every other structure is a flat array over them.

    Attributes
    ----------
    events : events in date order (a tuple, or a read-only sequence when the index was
        loaded from disk: :mod:`graph.timeline.frozen`).
    days : per position the day key of the date order (earliest possible start on the wall
        clock, down to midnight, in µs): ascending, what page tokens and the date window
        bisect.
    starts, finishes : earliest possible start and latest possible finish per position,
        in µs on the wall clock.
    utc_starts, utc_finishes, zoned : the same in UTC for an endpoint written with an offset
        (else as in ``starts``/``finishes``: the same arrays if no event has an offset), and
        per position bit 1 if the start, bit 2 if the finish has an offset.
    postings : ``facet -> value -> ascending positions`` for each of :data:`FACETS`
        (``statuses``: statuses of the links an event is cause or effect of); the keys of a
        facet are the values it can be filtered on.
    status_bits, status_masks : a bit per link status, and per position the bits of its links.
    links, link_causes : the dataset's links by the position of their cause, and that position.
    spans : (longest span, ascending positions) per span class, for the date window.
    by_id, by_label : positions in id order and in (case-folded label, id) order.
    text, offsets, label_ends : folded search texts (:func:`~graph.timeline.search.fold` of
        label, description, tags, actor and place labels, id) joined by NUL; event ``p``'s
        text is ``text[offsets[p]:offsets[p + 1] - 1]``, its label the first
        ``label_ends[p]`` characters of it.
    """

    events: Sequence[Event]
    days: array
    starts: array
    finishes: array
    utc_starts: array
    utc_finishes: array
    zoned: array
    postings: dict[str, dict[str, array]]
    status_bits: dict[str, int]
    status_masks: array
    links: Sequence[Link]
    link_causes: array
    spans: tuple[tuple[int, array], ...]
    by_id: array[int]
    by_label: array
    text: str
    offsets: array
    label_ends: array

    @classmethod
    def from_dataset(cls, dataset: Dataset) -> EventIndex:
        """Index ``dataset`` in O(N log N) time; ids are assumed unique (the loader checks).

        Per-event work runs in the dataset's order, where the objects lie in memory, and is
        then permuted: at a million events that is several times faster than date order.
        """
        given = dataset.events
        firsts, lasts, utc_firsts, utc_lasts = date_bounds(given)
        order, day_list = date_order(given, firsts, utc_firsts, dataset.links)
        days = array("q", day_list)
        rank = array("i", bytes(4 * len(order)))  # rank[i]: position of given[i]
        for p, i in enumerate(order):
            rank[i] = p
        starts = array("q", map(firsts.__getitem__, order))
        finishes = array("q", map(lasts.__getitem__, order))
        zoned = offset_flags(map(given.__getitem__, order))
        if any(zoned):
            utc_starts = array("q", map(utc_firsts.__getitem__, order))
            utc_finishes = array("q", map(utc_lasts.__getitem__, order))
        else:
            utc_starts, utc_finishes = starts, finishes
        # Lists of a million ints each, freed before the search text (the build's peak).
        del firsts, lasts, utc_firsts, utc_lasts, day_list
        text, offsets, label_ends = search_text(dataset, order)
        ids = [e.id for e in given]
        bits, masks, links, causes = link_index(dataset.links, dict(zip(ids, rank, strict=True)))
        by_id = sorted(range(len(given)), key=ids.__getitem__)
        del ids
        labels = [e.label.casefold() for e in given]
        by_label = sorted(by_id, key=labels.__getitem__)
        del labels
        return cls(
            events=tuple(map(given.__getitem__, order)),
            days=days,
            starts=starts,
            finishes=finishes,
            utc_starts=utc_starts,
            utc_finishes=utc_finishes,
            zoned=zoned,
            postings=postings(given, rank, bits, masks, dataset.story_of),
            status_bits=bits,
            status_masks=masks,
            links=links,
            link_causes=causes,
            spans=span_classes(starts, finishes),
            by_id=array("i", map(rank.__getitem__, by_id)),
            by_label=array("i", map(rank.__getitem__, by_label)),
            text=text,
            offsets=offsets,
            label_ends=label_ends,
        )

    def __len__(self) -> int:
        return len(self.events)

    def __repr__(self) -> str:
        return f"<EventIndex of {len(self)} events>"

    def event(self, event_id: str) -> Event:
        """The event with ``event_id`` (O(log N)); ``KeyError`` if there is none."""
        return self.events[self._position(event_id)]

    def link_statuses(self, event_id: str) -> frozenset[str]:
        """Statuses of the links ``event_id`` is cause or effect of; ``KeyError`` if unknown."""
        mask = self.status_masks[self._position(event_id)]
        return frozenset(name for name, bit in self.status_bits.items() if mask & bit)

    def links_among(self, events: Iterable[Event]) -> tuple[Link, ...]:
        """The links whose cause and effect are both among ``events``, in O(k log L);
        ``KeyError`` for an event the index does not hold."""
        shown = {event.id for event in events}
        causes = sorted(self._position(event_id) for event_id in shown)
        return tuple(
            link
            for p in causes
            for link in self.links[
                bisect_left(self.link_causes, p) : bisect_right(self.link_causes, p)
            ]
            if link.effect in shown
        )

    def _position(self, event_id: str) -> int:
        i = bisect_left(self.by_id, event_id, key=lambda p: self.events[p].id)
        if i < len(self.by_id) and self.events[self.by_id[i]].id == event_id:
            return self.by_id[i]
        raise KeyError(event_id)


def query_events(
    index: EventIndex,
    *,
    start: EventDate | None = None,
    end: EventDate | None = None,
    types: Collection[str] = (),
    actors: Collection[str] = (),
    places: Collection[str] = (),
    tags: Collection[str] = (),
    lanes: Collection[str] = (),
    statuses: Collection[str] = (),
    stories: Collection[str] = (),
    text: str | None = None,
    sort: str = "date",
    limit: int = 50,
    after: str | None = None,
    count_total: bool = False,
) -> EventPage:
    """One page of the events that match every filter given.

    ``start``/``end`` keep the events that *can* overlap ``start.start.earliest ..
    end.finish.latest``: an event known only to a month or a year is kept if it may fall in
    the window. A bound that is an instant with an offset is compared in UTC with the
    instants that have one (``2014-12-15T22:30:00Z`` is after ``2014-12-16T01:00:00+03:00``),
    and on its wall clock with floating dates; a day, month or year bound is a calendar
    date, compared on the wall clock written in the data (``2014-12-16`` holds the 01:00 MSK
    instant of that day). Within ``types``, ``actors``, ``places``, ``tags``, ``lanes``,
    ``statuses`` (of the links an event takes part in) and ``stories`` any value matches (a
    lone string is one value); unknown values match nothing. ``text`` keeps the events whose
    label, description, tags, actor and place labels or id hold every word of it, case- and
    accent-insensitively, as a whole word or a part of one (:func:`search_events`). ``sort`` is
    ``"date"`` (by day of the earliest possible start; within a day the events without a time
    of day first, then the instants in UTC order, and a cause always before its same-day
    effect, so "Black Tuesday" (16 December) follows the 01:00 MSK rate hike that day: see
    :func:`~graph.timeline.indexing.date_order`), ``"-date"`` (its reverse), ``"label"`` or,
    with a ``text``, ``"relevance"`` (best match first, as :func:`search_events` ranks).
    Pass the previous page's ``next`` as ``after`` to get the next page; a token that cannot
    be read raises :class:`PageTokenError`.

    >>> from pathlib import Path
    >>> from graph.data.loader import load_dataset
    >>> index = EventIndex.from_dataset(
    ...     load_dataset(Path(__file__).parents[2] / "tests" / "data" / "tiny.yaml"))
    >>> page = query_events(index, text="MOSCOW", sort="-date", count_total=True)
    >>> [e.id for e in page.events], page.total
    (['rate-hike', 'ruble-falls'], 2)
    >>> [e.id for e in query_events(index, statuses=["qualified"], lanes=["oil"]).events]
    ['oil-below-60']
    """
    if sort not in SORTS:
        raise ValueError(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be between 1 and {MAX_LIMIT}, not {limit}")
    given = zip(FACETS, (types, actors, places, tags, lanes, statuses, stories), strict=True)
    facets = {f: v for f, v in given if v}
    words = query_words(text) if text else ()
    if sort == "relevance":
        if not words:
            raise ValueError("sort=relevance ranks by a text: give one")
        filters = {"start": start, "end": end, **facets}
        return _relevance_page(index, text or "", filters, limit, after, count_total)
    match, plan = _selection(index, start, end, facets, words, sort)
    found = list(islice(filter(match, plan(decode_token(index, after, sort))), limit + 1))
    page = tuple(index.events[p] for p in found[:limit])
    return EventPage(
        events=page,
        next=encode_token(index, found[limit - 1], sort) if len(found) > limit else None,
        count=len(page),
        total=sum(map(match, plan(None))) if count_total else None,
    )


def search_events(
    index: EventIndex,
    text: str,
    *,
    start: EventDate | None = None,
    end: EventDate | None = None,
    limit: int | None = None,
    after: tuple[int, int, str] | None = None,
    **facets: Collection[str],
) -> list[SearchHit]:
    """The events that match each word of ``text`` (:func:`~graph.timeline.search.
    query_words`) and the filters of :func:`query_events`, best first
    (:func:`~graph.timeline.search.rank_matches`): the more query words in the label the
    better, whole words before the start of a word before a substring, the label before the
    rest (description, tags, actor and place labels, id); ties by day, then id. At most
    ``limit`` of them, ranked after the key ``after``; O(hits log limit) after a C-speed
    scan for the longest word.

    >>> from pathlib import Path
    >>> from graph.data.loader import load_dataset
    >>> index = EventIndex.from_dataset(
    ...     load_dataset(Path(__file__).parents[2] / "tests" / "data" / "tiny.yaml"))
    >>> [(h.event.id, h.label_words, h.other_words) for h in search_events(index, "rate moscow")]
    [('rate-hike', ('rate',), ('moscow',))]
    >>> [(hit.event.id, hit.score) for hit in search_events(index, "moscow")]
    [('ruble-falls', 3), ('rate-hike', 3)]
    """
    words = query_words(text)
    if not words:
        return []
    _, plan = _selection(index, start, end, facets, words, "date")
    match, _ = _selection(index, start, end, facets, (), "date")  # rank_matches checks words
    return rank_matches(index, filter(match, plan(None)), text, limit=limit, after=after)


def _relevance_page(
    index: EventIndex,
    text: str,
    filters: dict[str, Any],
    limit: int,
    after: str | None,
    count_total: bool,
) -> EventPage:
    """The page of relevance order (best match first) after the key of the token ``after``."""
    cut = None if after is None else decode_relevance_token(after, text)
    hits = search_events(index, text, limit=limit + 1, after=cut, **filters)
    more, hits = len(hits) > limit, hits[:limit]
    return EventPage(
        events=tuple(hit.event for hit in hits),
        next=encode_relevance_token(text, relevance_key(index, hits[-1])) if more else None,
        count=len(hits),
        total=_count_matches(index, text, filters) if count_total else None,
    )


def _count_matches(index: EventIndex, text: str, filters: dict[str, Any]) -> int:
    """How many events :func:`search_events` finds for ``text`` and ``filters``: the match
    test over the scan, without ranking (no sort, no hit objects)."""
    words = query_words(text)
    if not words:
        return 0
    facets = {k: v for k, v in filters.items() if k not in ("start", "end")}
    match, plan = _selection(index, filters.get("start"), filters.get("end"), facets, words, "date")
    return sum(map(match, plan(None)))


def _selection(
    index: EventIndex,
    start: EventDate | None,
    end: EventDate | None,
    facets: dict[str, Collection[str]],
    words: tuple[str, ...],
    sort: str,
) -> tuple[Match, Plan]:
    """The test an event must pass and the scan of candidates in ``sort`` order."""
    unknown = set(facets) - set(FACETS)
    if unknown:
        raise TypeError(f"unknown filters: {', '.join(sorted(unknown))}")
    low = Bound.of(start.start, early=True) if start is not None else Bound(-OPEN)
    high = Bound.of(end.finish, early=False) if end is not None else Bound(OPEN)
    wanted = {f: frozenset((v,) if isinstance(v, str) else v) for f, v in facets.items() if v}
    match = predicate(index, low, high, wanted, words)
    plan = plan_scan(index, low.scan(early=True), high.scan(early=False), wanted, words, sort)
    return match, plan
