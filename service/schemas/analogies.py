"""Body and arguments of ``/api/analogies``: the stories aligned by stage, with their figures."""

from __future__ import annotations

import marshmallow as ma

from service.schemas.args import ArgsSchema
from service.schemas.bodies import BodySchema, id_list, list_of, string


class AnalogiesArgs(ArgsSchema):
    stories = ma.fields.String(
        load_default=None,
        validate=ma.validate.Length(1, 2000),
        metadata={
            "description": "comma-separated story ids, in column order (default: every story, "
            "in dataset order; an unknown story is a 404 problem)",
            "example": "russia-1998,ruble-crisis-2014,russia-2022",
        },
    )


class AnalogySourceSchema(BodySchema):
    url = string()
    title = string()
    publisher = string()


class FigureSchema(BodySchema):
    """A figure, tied to the event it is read from and that event's sources."""

    name = string(metadata={"description": "e.g. policy-rate-peak, hike-size, exchange-rate"})
    value = ma.fields.Float(
        required=True,
        allow_none=True,
        metadata={"description": "null: a range (low/high) or words only"},
    )
    unit = string(nullable=True)
    text = string(metadata={"description": "the figure in words, with its caveats"})
    event = string(nullable=True, metadata={"description": "the event it is read from"})
    events = id_list("every event it uses")
    sources = list_of(AnalogySourceSchema)
    according_to = string(nullable=True)
    computed = ma.fields.Boolean(
        required=True, metadata={"description": "computed here from recorded figures"}
    )
    low = ma.fields.Float(required=True, allow_none=True)
    high = ma.fields.Float(required=True, allow_none=True)


class EventRefSchema(BodySchema):
    id = string()
    label = string()
    date = string(metadata={"description": "EDTF, as written"})
    display_date = string()


class CellSchema(BodySchema):
    events = list_of(EventRefSchema)
    figures = list_of(FigureSchema)


class StageRowSchema(BodySchema):
    id = string()
    label = string()
    description = string(nullable=True)
    cells = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.Nested(CellSchema),
        required=True,
        metadata={"description": "by story id"},
    )


class ChainEventSchema(EventRefSchema):
    stage = string(nullable=True, metadata={"description": "the event's stage, if it has one"})


class StoryChainSchema(BodySchema):
    """The causal chain from a story's first shock to its emergency hike (or, when no shock
    reaches the hike, to its currency fall: ``to``)."""

    events = list_of(ChainEventSchema, metadata={"description": "cause first, the end last"})
    links = id_list("the link joining each event to the next")
    strength = ma.fields.Float(
        required=True, metadata={"description": "the product of the links' confidences"}
    )
    to = string(
        validate=ma.validate.OneOf(["emergency-rate-hike", "currency-fall"]),
        metadata={"description": "the stage the chain ends in"},
    )


class StoryFiguresSchema(BodySchema):
    first_shock = string(nullable=True)
    defaulted = ma.fields.Boolean(required=True, metadata={"description": "a default recorded"})
    days_first_shock_to_hike = ma.fields.Nested(FigureSchema, required=True, allow_none=True)
    default = ma.fields.Nested(FigureSchema, required=True)
    recovery = ma.fields.Nested(FigureSchema, required=True, allow_none=True)
    chain = ma.fields.Nested(
        StoryChainSchema,
        required=True,
        allow_none=True,
        metadata={
            "description": "the strongest causal chain under the evidence lens (supported and "
            "qualified links) among the story's events, from its first shock to its emergency "
            "hike; when none starts at the first shock, from the first event of a shock stage "
            "(oil shock, sanctions, capital flight), in date order, that reaches the hike. "
            "null: no hike recorded, or no such chain"
        },
    )


class AnalogyLinkSchema(BodySchema):
    id = string()
    aspect = string(metadata={"description": "the stage the analogy is about"})
    cause = string()
    effect = string()
    stories = id_list("the cause's and the effect's story")
    status = string()
    confidence = ma.fields.Float(required=True)
    ref = string(nullable=True)
    note = string(nullable=True)
    sources = list_of(AnalogySourceSchema)


class AnalogiesSchema(BodySchema):
    """The stories side by side: a row per stage, a cell per story."""

    stories = id_list("the story ids, in column order")
    stages = list_of(StageRowSchema)
    figures = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.Nested(StoryFiguresSchema),
        required=True,
        metadata={"description": "per story: first shock, days to the hike, default, recovery"},
    )
    links = list_of(AnalogyLinkSchema, metadata={"description": "cross-story similar_to links"})
