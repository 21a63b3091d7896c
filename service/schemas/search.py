"""Parameters and body of ``/api/search``: the best matches of a few words, for type-ahead."""

from __future__ import annotations

import marshmallow as ma

from service.schemas.args import ArgsSchema, query_field, story_field
from service.schemas.bodies import BodySchema, EventSummarySchema, count, list_of, string

#: The most matches /api/search returns (it is for type-ahead; /api/events pages through all).
MAX_MATCHES = 50


class SearchArgs(ArgsSchema):
    q = query_field(required=True)
    q.error_messages["required"] = "give q: the words to search for"
    story = story_field("matches among the events of this story only")
    limit = ma.fields.Integer(
        load_default=10,
        validate=ma.validate.Range(1, MAX_MATCHES),
        metadata={"description": f"most matches returned (1-{MAX_MATCHES})"},
    )


class MatchedSchema(BodySchema):
    label = ma.fields.List(
        ma.fields.String(),
        required=True,
        metadata={"description": "the words of `q` (folded) found in the label"},
    )
    other = ma.fields.List(
        ma.fields.String(),
        required=True,
        metadata={
            "description": "the words found only in the description, tags, actors, place or id"
        },
    )


class SearchMatchSchema(EventSummarySchema):
    story = string(nullable=True, metadata={"description": "id of the event's story"})
    score = ma.fields.Integer(
        required=True,
        metadata={
            "description": "relevance: 1,000,000 + 2,000 (whole word), 1,000 (start of a "
            "word) or 0 (part of a word) per word found in the label, 3, 2 or 1 per word found "
            "only elsewhere"
        },
    )
    matched = ma.fields.Nested(MatchedSchema, required=True)


class SearchResultSchema(BodySchema):
    matches = list_of(SearchMatchSchema)
    count = count()
