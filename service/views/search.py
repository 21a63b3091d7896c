"""``/api/search``: the events that best match a few words, best first (type-ahead)."""

from __future__ import annotations

from typing import Any

from flask.typing import ResponseReturnValue

from graph.timeline import event_summary, search_events
from service.openapi import ApiBlueprint
from service.runtime.state import built
from service.schemas.search import SearchArgs, SearchResultSchema
from service.views.api import find_story

bp = ApiBlueprint("search", __name__, url_prefix="/api", description="Search")


@bp.get("/search")
@bp.arguments(SearchArgs, location="query")
@bp.response(200, SearchResultSchema)
def search(args: dict[str, Any]) -> ResponseReturnValue:
    """The events whose label, description, tags, actor or place labels or id hold every word
    of `q` (case and accents aside), best first: more words in the label, then whole words
    before word starts before parts of words, the label before the rest; ties by date, then
    id. Each match carries its `score` and the words `matched` in the label and elsewhere.
    /api/events?q= gives the same order (`sort=relevance`, its default with `q`), in pages."""
    data = built()
    story = args.get("story")
    if story is not None:
        find_story(story)
    stories = () if story is None else (story,)
    hits = search_events(data.index, args["q"], stories=stories, limit=args["limit"])
    matches = [
        {
            **event_summary(hit.event),
            "story": data.dataset.story_of(hit.event.id),
            "score": hit.score,
            "matched": {"label": list(hit.label_words), "other": list(hit.other_words)},
        }
        for hit in hits
    ]
    return {"matches": matches, "count": len(matches)}
