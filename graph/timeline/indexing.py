"""Building blocks of :class:`~graph.timeline.paging.EventIndex`: flat arrays of events by date.

Each function is one linear (or N log N) pass over a dataset, so an index of a million events
builds in seconds and keeps about 150 bytes an event.
"""

from __future__ import annotations

import datetime as dt
import heapq
from array import array
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterable
from itertools import accumulate, pairwise

from graph import vocab
from graph.data import Dataset, Event, Link
from graph.timeline.search import event_texts, fold

FACETS = ("types", "actors", "places", "tags", "lanes", "statuses", "stories")
DAY = 86_400 * 10**6
# Upper bounds (µs) of the span classes the date window bisects into: day, month, year, decade;
# longer events form one last class. A class is scanned from (window start - its longest span).
SPAN_LIMITS = (DAY, 31 * DAY, 366 * DAY, 3660 * DAY)


def micros(moment: dt.datetime) -> int:
    """``moment`` (naive) as µs since 0001-01-01, so that bounds fit in flat int arrays."""
    seconds = moment.toordinal() * 86_400 + moment.hour * 3600 + moment.minute * 60
    return (seconds + moment.second) * 10**6 + moment.microsecond


def date_bounds(events: Iterable[Event]) -> tuple[list[int], list[int], list[int], list[int]]:
    """Earliest starts and latest finishes on the wall clock, then the same in UTC for
    endpoints written with an offset (a floating endpoint keeps its wall clock there), computed
    once per distinct EDTF string."""
    seen: dict[str, tuple[int, int, int, int]] = {}
    firsts, lasts, utc_firsts, utc_lasts = [], [], [], []
    for event in events:
        date = event.date
        bounds = seen.get(date.edtf)
        if bounds is None:
            start, finish = date.start, date.finish
            bounds = seen[date.edtf] = (
                micros(start.earliest),
                micros(finish.latest),
                micros(start.earliest - start.offset) if start.offset else micros(start.earliest),
                micros(finish.latest - finish.offset) if finish.offset else micros(finish.latest),
            )
        firsts.append(bounds[0])
        lasts.append(bounds[1])
        utc_firsts.append(bounds[2])
        utc_lasts.append(bounds[3])
    return firsts, lasts, utc_firsts, utc_lasts


def offset_flags(events: Iterable[Event]) -> array:
    """Per event: bit 1 if its start, bit 2 if its finish is an instant with an offset."""
    return array(
        "B",
        (
            (event.date.start.offset is not None) | (event.date.finish.offset is not None) << 1
            for event in events
        ),
    )


def date_order(
    events: tuple[Event, ...], firsts: list[int], utc_firsts: list[int], links: Iterable[Link]
) -> tuple[list[int], list[int]]:
    """The date order of ``events`` (indices into it) and each event's day key (its earliest
    possible start on the wall clock, down to midnight), ascending along the order.

    Days come in order. Within a day: the events without a time of day (days, and months,
    years or intervals that may start on it) first, by earliest start and id, then the
    instants by UTC instant and id -- except that an event comes after the same-day causes of
    its asserted links (supported or qualified, of any kind: a link is written cause ->
    effect), so that a day-precision effect follows the instant that caused it (16 December
    2014: the 01:00 MSK rate hike, then "Black Tuesday"). Causal order never overrides the
    order of two instants; should links contradict each other (a cycle), the earliest event
    in the default order goes first.
    """
    days = [first - first % DAY for first in firsts]
    timed = [
        event.date.start.offset is not None or event.date.begin_precision == "second"
        for event in events
    ]
    prio = [
        (days[i], timed[i], utc_firsts[i] if timed[i] else firsts[i], event.id)
        for i, event in enumerate(events)
    ]
    order = sorted(range(len(events)), key=prio.__getitem__)
    where = {event.id: i for i, event in enumerate(events)}
    causes: defaultdict[int, set[int]] = defaultdict(set)
    for link in links:
        if link.status not in vocab.ASSERTED_STATUSES:
            continue
        cause, effect = where.get(link.cause), where.get(link.effect)
        if cause is None or effect is None or cause == effect or days[cause] != days[effect]:
            continue
        if not (timed[cause] and timed[effect]):
            causes[effect].add(cause)
    if not causes:
        return order, list(map(days.__getitem__, order))
    touched = {days[i] for i in causes}
    result: list[int] = []
    group: list[int] = []
    for i in order:
        if group and days[group[0]] != days[i]:
            result += _causal(group, causes, timed, prio) if days[group[0]] in touched else group
            group = []
        group.append(i)
    if group:
        result += _causal(group, causes, timed, prio) if days[group[0]] in touched else group
    return result, list(map(days.__getitem__, result))


def _causal(
    group: list[int], causes: dict[int, set[int]], timed: list[bool], prio: list[tuple]
) -> list[int]:
    """``group`` (one day, in default order) reordered so that causes come first (Kahn)."""
    members = set(group)
    before = {i: {c for c in causes.get(i, ()) if c in members} for i in group}
    instants = [i for i in group if timed[i]]  # in UTC order: each waits for the previous one
    for earlier, later in pairwise(instants):
        before[later].add(earlier)
    after: defaultdict[int, list[int]] = defaultdict(list)
    for i, firsts in before.items():
        for c in firsts:
            after[c].append(i)
    waiting = {i: len(firsts) for i, firsts in before.items()}
    ready = [prio[i] + (i,) for i in group if not waiting[i]]
    heapq.heapify(ready)
    result: list[int] = []
    placed: set[int] = set()
    while len(result) < len(group):
        if not ready:  # a cycle: release the earliest waiting event
            i = min((i for i in group if i not in placed), key=prio.__getitem__)
            ready.append(prio[i] + (i,))
        i = heapq.heappop(ready)[-1]
        if i in placed:
            continue
        placed.add(i)
        result.append(i)
        for j in after[i]:
            waiting[j] -= 1
            if not waiting[j] and j not in placed:
                heapq.heappush(ready, prio[j] + (j,))
    return result


def link_index(
    links: tuple[Link, ...], position: dict[str, int]
) -> tuple[dict[str, int], array, tuple[Link, ...], array]:
    """A bit per link status, the bits of each position, and the links by cause position
    (links to events the dataset lacks are left out)."""
    links = tuple(k for k in links if k.cause in position and k.effect in position)
    bits = {status: 1 << i for i, status in enumerate(sorted({k.status for k in links}))}
    masks = array("B" if len(bits) <= 8 else "Q", [0]) * len(position)
    for link in links:
        masks[position[link.cause]] |= bits[link.status]
        masks[position[link.effect]] |= bits[link.status]
    causes = [position[link.cause] for link in links]
    order = sorted(range(len(links)), key=causes.__getitem__)
    return bits, masks, tuple(map(links.__getitem__, order)), array("i", sorted(causes))


def postings(
    given: tuple[Event, ...],
    rank: array,
    bits: dict[str, int],
    masks: array,
    story_of: Callable[[str], str | None] = lambda _: None,
) -> dict[str, dict[str, array]]:
    lists: dict[str, defaultdict[str, list[int]]] = {f: defaultdict(list) for f in FACETS}
    types, actors, places, tags, lanes, statuses, stories = lists.values()
    for event, p in zip(given, rank, strict=True):
        types[event.type].append(p)
        story = story_of(event.id)
        if story is not None:
            stories[story].append(p)
        lanes[event.lane].append(p)
        if event.place is not None:
            places[event.place].append(p)
        for actor in event.actors:
            actors[actor].append(p)
        for tag in event.tags:
            tags[tag].append(p)
    for status, bit in bits.items():
        statuses[status] = [p for p, mask in enumerate(masks) if mask & bit]
    return {f: {v: array("i", sorted(ps)) for v, ps in by.items()} for f, by in lists.items()}


def span_classes(starts: array, finishes: array) -> tuple[tuple[int, array], ...]:
    members: list[list[int]] = [[] for _ in range(len(SPAN_LIMITS) + 1)]
    longest = [0] * len(members)
    for p, (first, last) in enumerate(zip(starts, finishes, strict=True)):
        span = last - first
        k = bisect_left(SPAN_LIMITS, span)
        members[k].append(p)
        longest[k] = max(longest[k], span)
    return tuple((w, array("i", ps)) for w, ps in zip(longest, members, strict=True) if ps)


def search_text(dataset: Dataset, order: list[int]) -> tuple[str, array, array]:
    """The folded search texts (:func:`~graph.timeline.search.fold`) of the events in
    ``order`` joined by NUL, where each one starts, and the length of its folded label."""
    actors = {a.id: a.label for a in dataset.actors}
    places = {p.id: p.label for p in dataset.places}
    events = dataset.events
    # Folded one by one, so that the texts before folding, the folded ones and the joined text
    # are never all in memory at once (at a million events 0.1 GB each, as the build peaks).
    folded = [fold(piece) for piece in event_texts(map(events.__getitem__, order), actors, places)]
    offsets = array("q", accumulate((len(piece) + 1 for piece in folded), initial=0))
    text = "\0".join(folded)
    del folded
    label_ends = array("i", (len(fold(events[i].label)) for i in order))
    return text, offsets, label_ends
