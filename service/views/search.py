"""``/api/search``: the events that best match a few words, best first (type-ahead)."""

from __future__ import annotations

from typing import Any

from flask.typing import ResponseReturnValue

from graph.timeline import event_summary, search_events
from graph.timeline.search import query_words
from service.errors import invalid_parameter
from service.openapi import ApiBlueprint
from service.runtime.state import built
from service.schemas.search import SearchArgs, SearchResultSchema
from service.views.api import find_story

bp = ApiBlueprint("search", __name__, url_prefix="/api", description="Search")

#: The shortest word /api/search needs in `q`: a one-letter query matches nearly every event
#: and costs a scan and a ranking of them all (type-ahead sends one per keystroke).
MIN_WORD = 2


@bp.get("/search")
@bp.arguments(SearchArgs, location="query")
@bp.response(200, SearchResultSchema)
@bp.alt_response(400, description="`q` has no word of two or more characters")
def search(args: dict[str, Any]) -> ResponseReturnValue:
    """The events whose label, description, tags, actor or place labels or id hold every word
    of `q` (case and accents aside; `q` needs a word of two or more characters), best first:
    more words in the label, then whole words before word starts before parts of words, the
    label before the rest; ties by date, then id. Each match carries its `score` and the
    words `matched` in the label and elsewhere. /api/events?q= gives the same order
    (`sort=relevance`, its default with `q`), in pages."""
    if max(map(len, query_words(args["q"])), default=0) < MIN_WORD:
        raise invalid_parameter(
            "q", f"give at least one word of {MIN_WORD} or more characters to search for"
        )
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
