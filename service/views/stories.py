"""``/api/stories``: the stories the dataset holds, each with what a page needs to show it."""

from __future__ import annotations

from flask.typing import ResponseReturnValue

from graph.timeline import story_record
from service.openapi import ApiBlueprint
from service.runtime.state import built
from service.schemas.stories import StoryListSchema

bp = ApiBlueprint("stories", __name__, url_prefix="/api", description="Stories")


@bp.get("/stories")
@bp.response(200, StoryListSchema)
def list_stories() -> ResponseReturnValue:
    """Every story of the dataset: the IRI of its named graph (for SPARQL: ``FROM``,
    ``default-graph-uri``, ``GRAPH``), its title, intro, time zone, default window and zoom
    presets, lanes in display order, guided steps, an example chain, how many events, links
    and claims it holds, and the span of its events' dates."""
    data = built()
    records = data.remember(
        "stories", lambda: [story_record(data.dataset, story) for story in data.dataset.stories]
    )
    return {"stories": records, "count": len(records)}
