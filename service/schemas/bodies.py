"""Response bodies of ``/api/events``, ``/api/events/<id>``, ``/api/links``, ``/api/claims`` and
the timelines,
and the field helpers every response schema uses."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from graph import vocab
from service.schemas.args import KINDS, STATUSES, VERDICTS

# -- responses -------------------------------------------------------------------------------------
#
# The views build their bodies themselves (graph.timeline.records and .formats, dataclasses.asdict
# of the graph.causal results). These schemas describe those bodies for the OpenAPI document --
# every field, its type, whether it is always there (required) and may be null (nullable), closed
# value sets as enums -- and the document is the contract that schemathesis and
# tests/test_contracts.py hold every answer to. They do not serialize: dumping returns the body
# as the view built it, so the bytes on the wire are the views' own.

LINK_KIND = ma.validate.OneOf(KINDS)
LINK_STATUS = ma.validate.OneOf(STATUSES)
CONFIDENCE = ma.validate.Range(0, 1)
PRECISIONS = ["year", "month", "day", "second"]
#: Every phrase of graph.causal.comparison.describe_temporal_relation: one Allen relation in
#: words, or the coarse classes (before, overlapping, after) that several relations span.
TEMPORAL_PHRASES = [name.replace("_", " ") for name in vocab.ALLEN_PROPERTIES] + [
    "before or overlapping",
    "overlapping",
    "overlapping or after",
    "before or after",
    "before, overlapping or after",
    "unknown",
]


def string(*, nullable: bool = False, **kwargs: Any) -> ma.fields.String:
    """A string that is always present (null only if ``nullable``)."""
    return ma.fields.String(required=True, allow_none=nullable, **kwargs)


def id_list(description: str) -> ma.fields.List:
    return ma.fields.List(ma.fields.String(), required=True, metadata={"description": description})


def list_of(schema: type[ma.Schema], **kwargs: Any) -> ma.fields.List:
    return ma.fields.List(ma.fields.Nested(schema), required=True, **kwargs)


def count() -> ma.fields.Integer:
    return ma.fields.Integer(
        required=True,
        validate=ma.validate.Range(min=0),
        metadata={"description": "how many items the list holds"},
    )


class BodySchema(ma.Schema):
    """The description of a JSON body the view builds itself (see the comment above): unknown
    properties are not allowed, and dumping returns the body unchanged."""

    def dump(self, obj: Any, *, many: bool | None = None) -> Any:
        return obj


# /api/events, /api/events/<id>, /api/claims ------------------------------------------------------


class DateSchema(BodySchema):
    """An event's date (graph.timeline.records.date_record)."""

    edtf = string(metadata={"description": "the date as written (EDTF)"})
    begin = string(metadata={"description": "first day (or instant), ISO 8601"})
    end = string(metadata={"description": "last day (or instant), ISO 8601"})
    precision = string(validate=ma.validate.OneOf([*PRECISIONS, "interval"]))
    approximate = ma.fields.Boolean(required=True)
    uncertain = ma.fields.Boolean(required=True)
    display = string(metadata={"description": "the date in words, at its precision"})


class EventSummarySchema(BodySchema):
    id = string()
    label = string()
    type = string(metadata={"description": "event type id"})
    lane = string(metadata={"description": "lane id"})
    date = ma.fields.Nested(DateSchema, required=True)
    place = string(nullable=True, metadata={"description": "place id"})
    actors = id_list("actor ids")
    tags = id_list("tags")


class EventPageSchema(BodySchema):
    events = list_of(EventSummarySchema)
    count = ma.fields.Integer(
        required=True,
        validate=ma.validate.Range(min=0),
        metadata={"description": "how many events match the filters, on every page"},
    )
    next = string(
        nullable=True,
        metadata={"description": "token of the next page (the `next` parameter); null on the last"},
    )


class SourceSchema(BodySchema):
    url = string()
    title = string()
    publisher = string()
    via = string(nullable=True)


class ClaimSchema(BodySchema):
    id = string()
    ref = string(nullable=True, metadata={"description": "the claim's reference in the text"})
    text = string()
    verdict = string(validate=ma.validate.OneOf(VERDICTS))
    stated_in = string(metadata={"description": "publication id"})
    about = id_list("ids of the events the claim is about")
    asserts_links = id_list("ids of the causal links the claim asserts")
    evidence = string(nullable=True)
    sources = list_of(SourceSchema)


class ClaimListSchema(BodySchema):
    claims = list_of(ClaimSchema)
    count = count()


class QuantitySchema(BodySchema):
    """A figure of an event; numbers are JSON integers when whole."""

    kind = string(metadata={"description": "quantity kind id"})
    kind_label = string()
    value = ma.fields.Float(required=True)
    unit = string(validate=ma.validate.OneOf(list(vocab.UNITS)))
    unit_symbol = string()
    previous = ma.fields.Float(
        required=True, allow_none=True, metadata={"description": "the value before the event"}
    )
    low = ma.fields.Float(required=True, allow_none=True)
    high = ma.fields.Float(required=True, allow_none=True)
    according_to = string(nullable=True)
    observed = string(nullable=True, metadata={"description": "when it was observed (EDTF)"})
    note = string(nullable=True)


class EventLinkSchema(BodySchema):
    """A link seen from one of its events; ``event_id`` is the event at the other end."""

    link_id = string()
    event_id = string()
    label = string(metadata={"description": "label of the other event"})
    kind = string(validate=LINK_KIND)
    confidence = ma.fields.Float(required=True, validate=CONFIDENCE)
    status = string(validate=LINK_STATUS)
    note = string(nullable=True)


class LinkEventSchema(BodySchema):
    id = string(metadata={"description": "event id"})
    label = string()


class AsserterSchema(BodySchema):
    id = string(metadata={"description": "publication or actor id"})
    label = string(metadata={"description": "the publication's title or the actor's label"})
    type = string(validate=ma.validate.OneOf(["publication", "actor"]))


class LinkSchema(BodySchema):
    """A causal link on its own (graph.timeline.links.link_resource); kind, confidence, status
    and note as in the event resource's links."""

    id = string()
    cause = ma.fields.Nested(LinkEventSchema, required=True)
    effect = ma.fields.Nested(LinkEventSchema, required=True)
    kind = string(validate=LINK_KIND)
    confidence = ma.fields.Float(required=True, validate=CONFIDENCE)
    status = string(validate=LINK_STATUS)
    note = string(nullable=True)
    asserted_by = list_of(AsserterSchema, metadata={"description": "who asserts the link"})
    narratives = ma.fields.List(
        ma.fields.String(),
        required=True,
        metadata={"description": "the narratives (accounts) the link belongs to"},
    )
    sources = list_of(SourceSchema)
    disputed_by = list_of(
        SourceSchema,
        metadata={"description": "sources against the link (contested and unsupported links)"},
    )
    ref = string(nullable=True, metadata={"description": "the link's id in the fact sheet"})


class LinkPageSchema(BodySchema):
    links = list_of(LinkSchema)
    count = ma.fields.Integer(
        required=True,
        validate=ma.validate.Range(min=0),
        metadata={"description": "how many links match the filters, on every page"},
    )
    next = string(
        nullable=True,
        metadata={"description": "token of the next page (the `next` parameter); null on the last"},
    )


class EventDetailSchema(EventSummarySchema):
    """Everything about one event (graph.timeline.records.event_detail); its links at every
    status, each with its status."""

    iri = string(metadata={"description": "the event's IRI in the knowledge graph"})
    type_label = string()
    lane_label = string()
    place_label = string(nullable=True)
    actor_labels = id_list("labels of the actors, in the order of `actors`")
    description = string(nullable=True)
    part_of = string(nullable=True, metadata={"description": "id of the enclosing event"})
    quantities = list_of(QuantitySchema)
    sources = list_of(SourceSchema)
    claims = list_of(ClaimSchema, metadata={"description": "the claims about the event"})
    causes = list_of(EventLinkSchema, metadata={"description": "links into the event"})
    effects = list_of(EventLinkSchema, metadata={"description": "links out of the event"})
    similar = list_of(EventLinkSchema, metadata={"description": "`similar_to` links"})


# /api/timeline (vis-timeline), /api/timeline/timelinejs (TimelineJS3) ---------------------------


class TimelineItemSchema(BodySchema):
    """One event as a vis-timeline item: a point (day, instant) or a range (month, year,
    interval) whose ``end`` is exclusive."""

    id = string()
    content = string(metadata={"description": "the label, HTML-escaped"})
    start = string()
    end = ma.fields.String(metadata={"description": "exclusive end; ranges only"})
    type = string(validate=ma.validate.OneOf(["point", "range"]))
    className = string(  # vis-timeline's name
        validate=ma.validate.Regexp(
            r"^precision-(year|month|day|instant|interval)( approximate)?( uncertain)?$"
        )
    )
    title = string(metadata={"description": "tooltip, HTML-escaped"})
    group = string(metadata={"description": "lane id"})
    precision = string(validate=ma.validate.OneOf(["year", "month", "day", "instant", "interval"]))
    edtf = string()
    part_of = ma.fields.String(
        metadata={"description": "the event this one is part of; only when there is one"}
    )
    importance = ma.fields.Float(
        required=True,
        validate=ma.validate.Range(min=0, max=1),
        metadata={
            "description": "causal centrality on the evidence lens, 0..1 (1: the most central "
            "event of the dataset, 0: no supported or qualified link); the page keeps the labels "
            "of the more important events when labels collide"
        },
    )


class TimelineGroupSchema(BodySchema):
    id = string(metadata={"description": "lane id"})
    content = string(metadata={"description": "the lane's label, HTML-escaped"})
    order = ma.fields.Integer(required=True, validate=ma.validate.Range(min=0))
    colour = ma.fields.String(
        validate=ma.validate.Regexp(vocab.COLOUR_PATTERN),
        metadata={"description": "the lane's display colour, when the data gives one"},
    )


class TimelineLinkSchema(BodySchema):
    """A causal link between two events of the page (for arrows)."""

    id = string()
    from_ = string(data_key="from", metadata={"description": "cause event id"})
    to = string(metadata={"description": "effect event id"})
    kind = string(validate=LINK_KIND)
    confidence = ma.fields.Float(required=True, validate=CONFIDENCE)
    status = string(validate=LINK_STATUS)


class TimelineSchema(BodySchema):
    items = list_of(TimelineItemSchema)
    groups = list_of(TimelineGroupSchema)
    links = list_of(TimelineLinkSchema)
    count = ma.fields.Integer(
        required=True,
        validate=ma.validate.Range(min=0),
        metadata={"description": "how many events match the filters, on every page"},
    )
    next = string(nullable=True, metadata={"description": "token of the next page, or null"})


class TimelineJsDateSchema(BodySchema):
    """A TimelineJS date with only the parts its precision supports."""

    year = ma.fields.Integer(required=True)
    month = ma.fields.Integer(validate=ma.validate.Range(1, 12))
    day = ma.fields.Integer(validate=ma.validate.Range(1, 31))
    hour = ma.fields.Integer(validate=ma.validate.Range(0, 23))
    minute = ma.fields.Integer(validate=ma.validate.Range(0, 59))
    second = ma.fields.Integer(validate=ma.validate.Range(0, 60))


class TimelineJsTextSchema(BodySchema):
    headline = string(metadata={"description": "HTML-escaped"})
    text = string(metadata={"description": "HTML-escaped"})


class TimelineJsTitleSchema(BodySchema):
    text = ma.fields.Nested(TimelineJsTextSchema, required=True)


class TimelineJsSlideSchema(BodySchema):
    unique_id = string(metadata={"description": "event id"})
    start_date = ma.fields.Nested(TimelineJsDateSchema, required=True)
    end_date = ma.fields.Nested(TimelineJsDateSchema, metadata={"description": "intervals only"})
    display_date = string()
    text = ma.fields.Nested(TimelineJsTextSchema, required=True)
    group = string(metadata={"description": "the lane's label, HTML-escaped"})


class TimelineJsEraSchema(BodySchema):
    start_date = ma.fields.Nested(TimelineJsDateSchema, required=True)
    end_date = ma.fields.Nested(TimelineJsDateSchema, required=True)
    text = ma.fields.Nested(TimelineJsTextSchema, required=True)


class TimelineJsSchema(BodySchema):
    title = ma.fields.Nested(TimelineJsTitleSchema, required=True)
    events = list_of(TimelineJsSlideSchema)
    eras = list_of(TimelineJsEraSchema)
    count = ma.fields.Integer(required=True, metadata={"description": "events in `events`"})
    total = ma.fields.Integer(
        required=True, metadata={"description": "events matching the filters"}
    )
    truncated = ma.fields.Boolean(
        required=True,
        metadata={"description": "more events follow these (cut by the cap or `limit`)"},
    )
