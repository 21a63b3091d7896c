"""``/api/stories``: the stories the dataset holds, each with what a page needs to show it."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask.typing import ResponseReturnValue

from graph.data import Dataset, Story
from graph.rdf import story_graph_iri
from service.openapi import ApiBlueprint
from service.runtime.state import built
from service.schemas.stories import StoryListSchema

bp = ApiBlueprint("stories", __name__, url_prefix="/api", description="Stories")


def story_record(dataset: Dataset, story: Story) -> dict[str, Any]:
    """A story's header, the IRI of its named graph, its counts and the span of its events'
    dates."""
    dates = [dataset.event(event).date for event in story.events]
    span = None
    if dates:  # days as ISO text: a date and a date-time compare by their calendar day
        start = min(date.begin.isoformat()[:10] for date in dates)
        end = max(date.end.isoformat()[:10] for date in dates)
        span = {"label": "", "start": start, "end": end}
    return {
        "id": story.id,
        "graph": story_graph_iri(dataset.info.base, story.id),
        "title": story.title,
        "intro": story.intro,
        "time_zone": story.time_zone,
        "window": None if story.window is None else asdict(story.window),
        "presets": [asdict(preset) for preset in story.presets],
        "lanes": list(story.lanes),
        "steps": [asdict(step) | {"events": list(step.events)} for step in story.steps],
        "example_chain": None
        if story.example_chain is None
        else dict(zip(("source", "target"), story.example_chain, strict=True)),
        "counts": {
            "events": len(story.events),
            "links": len(story.links),
            "claims": len(story.claims),
        },
        "span": span,
    }


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
