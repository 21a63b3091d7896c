"""``/api/timeline/window``: one window of the timeline, for pages that cannot hold every
event -- the most important events in it and counts of the rest (:mod:`graph.timeline.window`).

The window structures are built once per data version and selection (the whole dataset, a
story, some lanes) and remembered; a request then costs two bisects per lane and bucket and a
merge over O(log N) tree nodes, never a scan of the events.
"""

from __future__ import annotations

from typing import Any

from flask.typing import ResponseReturnValue

from graph.causal.importance import importance
from graph.pipeline import BuiltGraph
from graph.timeline import to_vis_items
from graph.timeline.indexing import micros
from graph.timeline.window import TimelineWindow, iso_micros
from service.errors import ProblemError
from service.openapi import ApiBlueprint
from service.runtime.state import built
from service.schemas.window import WindowArgs, WindowSchema
from service.views.api import UNKNOWN_IDS, check_ids, find_story, lens_link_ids
from service.views.pagecache import cached_page

bp = ApiBlueprint("window", __name__, url_prefix="/api", description="Timeline windows")


def scores(data: BuiltGraph) -> dict[str, float]:
    """Every event's causal importance, once per data version (shared with /api/timeline)."""
    return data.remember("importance", lambda: importance(data.dataset))


def timeline_window(data: BuiltGraph, story: str | None, lanes: tuple[str, ...]) -> TimelineWindow:
    """The window structures of a selection, built once per data version (the whole dataset's
    first: the others reuse its importance ranking)."""

    def whole() -> TimelineWindow:
        return TimelineWindow.build(data.index, scores(data))

    everything = data.remember(("timeline-window", None, ()), whole)
    if story is None and not lanes:
        return everything

    def selected() -> TimelineWindow:
        postings = data.index.postings
        chosen: set[int] | None = None
        if story is not None:
            chosen = set(postings["stories"].get(story, ()))
        if lanes:
            in_lanes = {p for lane in lanes for p in postings["lanes"].get(lane, ())}
            chosen = in_lanes if chosen is None else chosen & in_lanes
        return TimelineWindow.build(
            data.index, {}, sorted(chosen or ()), ranking=everything.ranking
        )

    return data.remember(("timeline-window", story, lanes), selected)


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
    first = found.first if args["start"] is None else micros(args["start"].start.earliest)
    last = found.last if args["end"] is None else micros(args["end"].finish.latest)
    if last < first:
        raise ProblemError(
            400,
            "invalid-parameters",
            "Invalid parameters",
            "end: the window ends before it starts",
            errors=[{"parameter": "end", "location": "query", "messages": ["before start"]}],
        )
    answer = found.query(first, last, width=args["width"], include=args["include"])
    lens = args["lens"] or "evidence"
    kept = None if lens == "all" else lens_link_ids(data, lens)
    links = [
        link for link in data.index.links_among(answer.events) if kept is None or link.id in kept
    ]
    body = to_vis_items(answer.events, links, lanes=data.dataset.lanes, importance=scores(data))
    clusters = [
        {"start": iso_micros(c.start), "end": iso_micros(c.end), "lane": c.lane, "count": c.count}
        for c in answer.clusters
    ]
    empty = not len(found.run)
    span = None if empty else {"start": iso_micros(found.first), "end": iso_micros(found.last)}
    return {
        **body,
        "clusters": clusters,
        "count": len(answer.events),
        "total": answer.total,
        "start": iso_micros(first),
        "end": iso_micros(last),
        "span": span,
        "selection": len(found.run),
    }
