"""What a timeline needs to draw one window of a large dataset: the most important events in
it, and counts of the rest per time bucket and lane.

A page cannot hold a million events; it asks for the window it shows, at the width it shows
it, and gets at most one item per few pixels -- the events that matter most (the smallest
importance ranks) -- plus cluster records ``(start, end, lane, count)`` for what was left out.

Build a :class:`TimelineWindow` once per data version and selection (all events, or a story's,
or some lanes'); a query then costs O(log N + K log N): the count of any window is two bisects
on the sorted starts, and the most important events of any range come from a segment tree over
the events in start order whose nodes keep their :data:`NODE` smallest importance ranks (about
two ranks an event in all, whatever :data:`NODE`), merged over the O(log N) nodes that cover the
range. An event belongs to a window if its earliest possible start (wall clock) lies in it.

>>> from pathlib import Path
>>> from graph.data.loader import load_dataset
>>> from graph.timeline.paging import EventIndex
>>> ds = load_dataset(Path(__file__).parents[2] / "tests" / "data" / "tiny.yaml")
>>> index = EventIndex.from_dataset(ds)
>>> window = TimelineWindow.build(index, {e.id: 0.0 for e in ds.events})
>>> answer = window.query(window.first, window.last, width=16)
>>> answer.total == len(ds.events), len(answer.events), sum(c.count for c in answer.clusters)
(True, 2, 2)
"""

from __future__ import annotations

import datetime as dt
import heapq
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain

from graph.data import Event
from graph.timeline.indexing import DAY
from graph.timeline.paging import EventIndex

__all__ = [
    "MAX_BUCKETS",
    "MAX_ITEMS",
    "NODE",
    "PX_PER_BUCKET",
    "PX_PER_ITEM",
    "Cluster",
    "RankedRun",
    "TimelineWindow",
    "WindowAnswer",
    "WindowUnion",
    "iso_micros",
]

#: Ranks kept per segment-tree node (and the size of its leaf blocks): the most items a window
#: can return.
NODE = 256
MAX_ITEMS = NODE
#: One item per this many pixels of timeline width, one time bucket per this many.
PX_PER_ITEM = 8
PX_PER_BUCKET = 40
MAX_BUCKETS = 200
_PAD = 2**31 - 1


def iso_micros(value: int) -> str:
    """µs since 0001-01-01 (as :func:`~graph.timeline.indexing.micros` counts) as an ISO 8601
    wall-clock date-time without offset, e.g. ``2014-12-16T00:00:00``."""
    days, rest = divmod(value, DAY)
    moment = dt.datetime.fromordinal(max(days, 1)) + dt.timedelta(microseconds=rest)
    return moment.isoformat(timespec="seconds")


@dataclass(frozen=True, eq=False, repr=False)
class RankedRun:
    """Index positions in start order (``positions``, starts ``keys``) with their importance
    ranks (``ranks``) and a segment tree over blocks of :data:`NODE` entries: ``levels[j]``
    holds, for each run of ``2**j`` blocks, its :data:`NODE` smallest ranks in ascending order
    (padded with 2**31 - 1)."""

    positions: array
    keys: array
    ranks: array
    levels: tuple[array, ...]

    @classmethod
    def build(cls, positions: Sequence[int], starts: array, rank: array) -> RankedRun:
        ordered = sorted(positions, key=starts.__getitem__)
        ranks = array("i", map(rank.__getitem__, ordered))
        level = array("i")
        for first in range(0, len(ranks) - len(ranks) % NODE, NODE):
            level.extend(sorted(ranks[first : first + NODE]))
        levels = [level]
        while len(level) > NODE:
            upper = array("i")
            for first in range(0, len(level), 2 * NODE):
                merged = sorted(level[first : first + 2 * NODE])[:NODE]
                upper.extend(merged + [_PAD] * (NODE - len(merged)))
            levels.append(upper)
            level = upper
        return cls(
            array("i", ordered), array("q", map(starts.__getitem__, ordered)), ranks, tuple(levels)
        )

    def __len__(self) -> int:
        return len(self.keys)

    def span(self, first: int, last: int) -> tuple[int, int]:
        """The entries ``[a, b)`` whose key lies in ``first .. last`` (both included)."""
        return bisect_left(self.keys, first), bisect_right(self.keys, last)

    def smallest(self, a: int, b: int, m: int) -> list[int]:
        """The ``m`` smallest ranks among entries ``[a, b)``, ascending, in O(NODE log N)."""
        if m <= 0 or a >= b:
            return []
        if b - a <= 2 * NODE:
            return heapq.nsmallest(m, self.ranks[a:b])
        inner_a, inner_b = -(-a // NODE) * NODE, b // NODE * NODE
        pieces = [self.ranks[a:inner_a], self.ranks[inner_b:b]]
        lo, hi, j = inner_a // NODE, inner_b // NODE, 0
        take = min(m, NODE)
        while lo < hi:
            level = self.levels[j]
            if lo & 1:
                pieces.append(level[lo * NODE : lo * NODE + take])
                lo += 1
            if hi & 1:
                hi -= 1
                pieces.append(level[hi * NODE : hi * NODE + take])
            lo, hi, j = lo >> 1, hi >> 1, j + 1
        return [r for r in heapq.nsmallest(m, chain.from_iterable(pieces)) if r != _PAD]


@dataclass(frozen=True)
class Cluster:
    """``count`` events of ``lane`` starting in ``start .. end`` (µs, end excluded) that a
    window answer leaves out."""

    start: int
    end: int
    lane: str
    count: int


@dataclass(frozen=True)
class WindowAnswer:
    """The events a window shows (date order), what it leaves out, and how many it holds."""

    first: int
    last: int
    events: tuple[Event, ...]
    clusters: tuple[Cluster, ...]
    total: int
    bucket: int


@dataclass(frozen=True, eq=False, repr=False)
class TimelineWindow:
    """The windows of one selection of an :class:`EventIndex` (see the module docstring).

    ``order`` lists index positions by importance rank (most important first) and ``rank`` is
    its inverse; ``run`` is the selection in start order, ``lanes`` the starts of each lane's
    events in it, ascending. ``first`` and ``last`` bound the selection's starts.
    """

    index: EventIndex
    order: array
    rank: array
    run: RankedRun
    lanes: dict[str, array]

    @classmethod
    def build(
        cls,
        index: EventIndex,
        scores: Mapping[str, float],
        positions: Collection[int] | None = None,
        *,
        ranking: tuple[array, array] | None = None,
    ) -> TimelineWindow:
        """The windows of ``positions`` (every event by default), ranked by ``scores`` (event
        id -> importance, higher first; ties in date order). ``ranking`` reuses the
        ``(order, rank)`` of another window over the same index and scores."""
        if ranking is None:
            negative = [-scores.get(event.id, 0.0) for event in index.events]
            order = array("i", sorted(range(len(index)), key=negative.__getitem__))
            rank = array("i", bytes(4 * len(order)))
            for r, p in enumerate(order):
                rank[p] = r
        else:
            order, rank = ranking
        chosen = range(len(index)) if positions is None else positions
        run = RankedRun.build(list(chosen), index.starts, rank)
        by_lane: dict[str, list[int]] = {}
        events = index.events
        for p, key in zip(run.positions, run.keys, strict=True):
            by_lane.setdefault(events[p].lane, []).append(key)
        lanes = {lane: array("q", keys) for lane, keys in by_lane.items()}
        return cls(index, order, rank, run, lanes)

    def included(self, ids: Collection[str], a: int, b: int) -> set[int]:
        """The positions of the events ``ids`` that are entries ``[a, b)`` of the selection."""
        found = set()
        for event_id in ids:
            p = self.index._position(event_id)
            c, d = self.run.span(self.index.starts[p], self.index.starts[p])
            if a <= c and d <= b and p in self.run.positions[c:d]:
                found.add(p)
        return found

    @property
    def ranking(self) -> tuple[array, array]:
        return self.order, self.rank

    @property
    def first(self) -> int:
        return self.run.keys[0] if len(self.run) else 0

    @property
    def last(self) -> int:
        return self.run.keys[-1] if len(self.run) else 0

    @property
    def size(self) -> int:
        """The events of the selection."""
        return len(self.run)

    def query(
        self, first: int, last: int, *, width: int, include: Collection[str] = ()
    ) -> WindowAnswer:
        """The window of starts ``first .. last`` (µs, both included) drawn ``width`` pixels
        wide: at most ``width // PX_PER_ITEM`` events (at most :data:`MAX_ITEMS`), the most
        important ones, and per bucket (``width // PX_PER_BUCKET`` of them, 1 to
        :data:`MAX_BUCKETS`) and lane a :class:`Cluster` of the events left out. The events
        ``include`` names are shown too, whatever their rank, if the selection holds them and
        they start in the window."""
        extra = self.included(include, *self.run.span(first, last)) if include else set()
        return _answer(self.index, self.order, (self.run,), self.lanes, first, last, width, extra)


@dataclass(frozen=True, eq=False, repr=False)
class WindowUnion:
    """The windows of a union of disjoint selections (e.g. one :class:`TimelineWindow` per
    lane, ranked alike): a query merges the parts' most important events and sums their
    counts, so one window per lane answers any set of lanes in O(lanes) extra memory."""

    parts: tuple[TimelineWindow, ...]

    @property
    def size(self) -> int:
        return sum(part.size for part in self.parts)

    @property
    def first(self) -> int:
        return min((p.first for p in self.parts if p.size), default=0)

    @property
    def last(self) -> int:
        return max((p.last for p in self.parts if p.size), default=0)

    def query(
        self, first: int, last: int, *, width: int, include: Collection[str] = ()
    ) -> WindowAnswer:
        """As :meth:`TimelineWindow.query`, over every part."""
        if not self.parts:
            return WindowAnswer(first, last, (), (), 0, max(1, last + 1 - first))
        head = self.parts[0]
        lanes = {lane: keys for part in self.parts for lane, keys in part.lanes.items()}
        runs = tuple(part.run for part in self.parts)
        extra: set[int] = set()
        for part in self.parts if include else ():
            extra |= part.included(include, *part.run.span(first, last))
        return _answer(head.index, head.order, runs, lanes, first, last, width, extra)


def _answer(
    index: EventIndex,
    order: array,
    runs: Sequence[RankedRun],
    lanes: Mapping[str, array],
    first: int,
    last: int,
    width: int,
    extra: Collection[int] = (),
) -> WindowAnswer:
    """:meth:`TimelineWindow.query` over the disjoint ``runs`` (ranked alike by ``order``),
    showing the positions ``extra`` too."""
    m = min(MAX_ITEMS, max(1, width // PX_PER_ITEM))
    spans = [run.span(first, last) for run in runs]
    tops = [run.smallest(a, b, m) for run, (a, b) in zip(runs, spans, strict=True)]
    best = tops[0] if len(tops) == 1 else heapq.nsmallest(m, heapq.merge(*tops))
    shown = sorted({order[r] for r in best} | set(extra))
    events = tuple(map(index.events.__getitem__, shown))
    buckets = min(MAX_BUCKETS, max(1, width // PX_PER_BUCKET))
    length = max(1, last + 1 - first)
    size = -(-length // buckets)
    starts = index.starts
    left: dict[tuple[int, str], int] = {}
    for p, event in zip(shown, events, strict=True):
        key = ((starts[p] - first) // size, event.lane)
        left[key] = left.get(key, 0) - 1
    clusters = []
    for lane, keys in lanes.items():
        count_a = bisect_left(keys, first)
        for i in range(buckets):
            edge = min(first + (i + 1) * size, last + 1)
            count_b = bisect_left(keys, edge)
            count = count_b - count_a + left.get((i, lane), 0)
            if count > 0:
                clusters.append(Cluster(first + i * size, edge, lane, count))
            count_a = count_b
            if edge > last:
                break
    clusters.sort(key=lambda c: (c.start, c.lane))
    total = sum(b - a for a, b in spans)
    return WindowAnswer(first, last, events, tuple(clusters), total, size)
