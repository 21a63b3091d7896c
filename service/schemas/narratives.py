"""Parameters and bodies of ``/api/narratives``: the accounts of what caused what, and how two
lenses (accounts, the evidence, or every link) differ."""

from __future__ import annotations

import marshmallow as ma

from service.schemas.analyses import ChainSchema, event_lookup
from service.schemas.args import ArgsSchema, lens_field, story_field
from service.schemas.bodies import (
    AsserterSchema,
    BodySchema,
    LinkSchema,
    SourceSchema,
    count,
    list_of,
    string,
)


class StatusCountsSchema(BodySchema):
    supported = ma.fields.Integer(required=True)
    qualified = ma.fields.Integer(required=True)
    contested = ma.fields.Integer(required=True)
    unsupported = ma.fields.Integer(required=True)


class NarrativeSchema(BodySchema):
    """An account: who asserts it and how many of its links the evidence supports."""

    id = string(metadata={"description": "the narrative's id, also a `lens` value"})
    label = string()
    description = string(nullable=True)
    asserted_by = list_of(AsserterSchema, metadata={"description": "whose account it is"})
    sources = list_of(SourceSchema)
    links_by_status = ma.fields.Nested(StatusCountsSchema, required=True)
    link_count = count()


class LensSchema(BodySchema):
    id = string(metadata={"description": "a `lens` value"})
    label = string()


class NarrativeListSchema(BodySchema):
    narratives = list_of(NarrativeSchema)
    lenses = list_of(
        LensSchema, metadata={"description": "every lens: evidence, all, then each narrative"}
    )
    count = count()


class NarrativeDetailSchema(NarrativeSchema):
    links = list_of(LinkSchema, metadata={"description": "the account's links, in file order"})


class StoryArgs(ArgsSchema):
    story = story_field("only the links of this story")


class LensCompareArgs(ArgsSchema):
    a = lens_field("the first lens")
    b = lens_field("the second lens")
    story = story_field("only the links of this story")
    source = ma.fields.String(
        load_default=None,
        validate=ma.validate.Length(1, 200),
        metadata={"description": "with `target`: also compare the chains between two events"},
    )
    target = ma.fields.String(load_default=None, validate=ma.validate.Length(1, 200))
    max_depth = ma.fields.Integer(load_default=6, validate=ma.validate.Range(1, 12))
    limit = ma.fields.Integer(load_default=10, validate=ma.validate.Range(1, 100))

    @ma.validates_schema
    def _pair(self, data: dict[str, object], **kwargs: object) -> None:
        if data.get("a") is None or data.get("b") is None:
            raise ma.ValidationError("give both lenses, a and b", "a")
        if (data.get("source") is None) != (data.get("target") is None):
            raise ma.ValidationError("give both source and target, or neither", "source")


class ChainDiffSchema(BodySchema):
    source = string()
    target = string()
    only_a = list_of(ChainSchema, metadata={"description": "chains only lens a follows"})
    only_b = list_of(ChainSchema, metadata={"description": "chains only lens b follows"})
    both = list_of(ChainSchema, metadata={"description": "chains both lenses follow"})


class LensComparisonSchema(BodySchema):
    a = string()
    b = string()
    only_a = list_of(LinkSchema, metadata={"description": "links only in lens a"})
    only_b = list_of(LinkSchema, metadata={"description": "links only in lens b"})
    both = list_of(LinkSchema, metadata={"description": "links in both lenses"})
    chains = ma.fields.Nested(
        ChainDiffSchema,
        required=True,
        allow_none=True,
        metadata={"description": "with source and target: the chains between them, compared"},
    )
    event_labels = event_lookup()
