"""``/api/timeline/window``: one window of the timeline, for pages that cannot hold every
event -- the most important events in it and counts of the rest (:mod:`graph.timeline.window`).

The window structures are built once per data version and selection (the whole dataset, a
story, some lanes) and remembered; a request then costs two bisects per lane and bucket and a
merge over O(log N) tree nodes, never a scan of the events.
"""

from __future__ import annotations

import functools
from collections.abc import Collection
from typing import Any

from flask.typing import ResponseReturnValue

from graph.pipeline import BuiltGraph
from graph.timeline import to_vis_items
from graph.timeline.indexing import micros
from graph.timeline.window import TimelineWindow, WindowUnion, iso_micros
from service.errors import invalid_parameter
from service.openapi import ApiBlueprint
from service.runtime.state import built
from service.schemas.window import WindowArgs, WindowSchema
from service.views.api import UNKNOWN_IDS, check_ids, find_story, lens_filter
from service.views.pagecache import cached_page

bp = ApiBlueprint("window", __name__, url_prefix="/api", description="Timeline windows")


def timeline_window(
    data: BuiltGraph, story: str | None, lanes: tuple[str, ...]
) -> TimelineWindow | WindowUnion:
    """The window structures of a selection, built once per data version: the whole
    dataset's (first: the others reuse its importance ranking), a story's, and one per story
    (or none) and lane; a set of lanes merges its lanes' windows, so the memory stays O(N)
    whatever lane sets are asked for."""

    everything = data.timeline_window()
    postings = data.index.postings

    def part(lane: str | None) -> TimelineWindow:
        chosen: Collection[int] = ()
        if story is not None:
            chosen = postings["stories"].get(story, ())
        if lane is not None:
            in_lane = postings["lanes"].get(lane, ())
            chosen = in_lane if story is None else set(chosen).intersection(in_lane)
        return TimelineWindow.build(data.index, {}, sorted(chosen), ranking=everything.ranking)

    if not lanes:
        if story is None:
            return everything
        return data.remember(("timeline-window", story, ()), lambda: part(None))
    windows = tuple(
        data.remember(("timeline-window", story, (lane,)), functools.partial(part, lane))
        for lane in lanes
    )
    return windows[0] if len(windows) == 1 else WindowUnion(windows)


@bp.get("/timeline/window")
@cached_page
@bp.arguments(WindowArgs, location="query", as_kwargs=False)
@bp.response(200, WindowSchema)
@bp.alt_response(400, description=UNKNOWN_IDS)
def window(args: dict[str, Any]) -> ResponseReturnValue:
    """One window of the timeline drawn `width` pixels wide: the most important events that
    start in it (causal importance; one per 8 px, at most 256) as vis-timeline items with the
    links among them under `lens`, the lanes, and per time bucket (one per 40 px) and lane a
    cluster record counting the events left out; `total` counts every event of the selection
    that starts in the window. Built for pages of large datasets: the answer's size depends on
    the width, not on the data."""
    story = args["story"]
    if story is not None:
        find_story(story)
    check_ids({"lane": args["lane"], "include": args["include"]})
    data = built()
    found = timeline_window(data, story, tuple(sorted(set(args["lane"]))))
    first = None if args["start"] is None else micros(args["start"].start.earliest)
    last = None if args["end"] is None else micros(args["end"].finish.latest)
    if first is not None and last is not None and last < first:
        raise invalid_parameter("end", "the window ends before it starts")
    # a bound not given defaults to the data's; on the wrong side of the other, the window is
    # empty (e.g. a start after the last event)
    first = (found.first if last is None else min(found.first, last)) if first is None else first
    last = max(found.last, first) if last is None else last
    answer = found.query(first, last, width=args["width"], include=args["include"])
    lens = args["lens"] or "evidence"
    kept = lens_filter(data, lens)
    links = [link for link in data.index.links_among(answer.events) if kept is None or kept(link)]
    body = to_vis_items(
        answer.events, links, lanes=data.dataset.lanes, importance=data.importance()
    )
    clusters = [
        {"start": iso_micros(c.start), "end": iso_micros(c.end), "lane": c.lane, "count": c.count}
        for c in answer.clusters
    ]
    empty = not found.size
    span = None if empty else {"start": iso_micros(found.first), "end": iso_micros(found.last)}
    return {
        **body,
        "clusters": clusters,
        "count": len(answer.events),
        "total": answer.total,
        "start": iso_micros(first),
        "end": iso_micros(last),
        "span": span,
        "selection": found.size,
    }
