"""Bodies of ``/api/stories``: each story of the dataset with what a page needs to show it."""

from __future__ import annotations

import marshmallow as ma

from service.schemas.bodies import BodySchema, count, id_list, list_of, string


class PresetSchema(BodySchema):
    label = string()
    start = string(metadata={"description": "ISO date"})
    end = string(metadata={"description": "ISO date"})


class StepSchema(BodySchema):
    title = string()
    text = string()
    events = id_list("the events the step points at")


class ChainEndsSchema(BodySchema):
    source = string()
    target = string()


class StoryCountsSchema(BodySchema):
    events = count()
    links = count()
    claims = count()


class StorySchema(BodySchema):
    """A story: its header (title, intro, time zone, windows, lanes, steps, example chain),
    how many records it holds and the span of its events' dates."""

    id = string(metadata={"description": "the story's id (its file is stories/<id>.yaml)"})
    graph = string(
        metadata={
            "description": "IRI of the named graph of the story's events, links and claims "
            "(and of the story itself), for SPARQL: FROM, default-graph-uri, GRAPH"
        }
    )
    title = string()
    intro = string(nullable=True, metadata={"description": "short Markdown"})
    time_zone = string(metadata={"description": "IANA time zone of the story's local times"})
    window = ma.fields.Nested(PresetSchema, required=True, allow_none=True)
    presets = list_of(PresetSchema, metadata={"description": "zoom presets"})
    lanes = id_list("lane ids in display order")
    steps = list_of(StepSchema)
    example_chain = ma.fields.Nested(ChainEndsSchema, required=True, allow_none=True)
    counts = ma.fields.Nested(StoryCountsSchema, required=True)
    span = ma.fields.Nested(
        PresetSchema,
        required=True,
        allow_none=True,
        metadata={"description": "earliest start and latest end of its events (no label)"},
    )


class StoryListSchema(BodySchema):
    stories = list_of(StorySchema)
    count = count()
