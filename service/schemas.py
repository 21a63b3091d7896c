"""marshmallow schemas: request parameters (validated, documented) and response shapes.

Every parameter states its accepted range; an invalid one is a 400 problem naming it.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from webargs.fields import DelimitedList

from graph import vocab
from graph.data import EventDate, parse_date
from graph.errors import DateError
from graph.timeline import MAX_LIMIT

STATUSES = list(vocab.LINK_STATUSES)
KINDS = list(vocab.LINK_PREDICATES)
VERDICTS = list(vocab.CLAIM_VERDICTS)


_TIME = r"T[0-9]{2}:[0-9]{2}:[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})?"
_SIDE = rf"[0-9]{{4}}(-[0-9]{{2}}(-[0-9]{{2}}({_TIME})?)?)?[~?%]?"
#: The shape of the dates the API reads (a calendar check -- no 2014-02-30 -- comes after).
DATE_PATTERN = f"^{_SIDE}(/{_SIDE})?$"


class DateParameter(ma.fields.Field):
    """An EDTF (or plain ISO 8601) date, parsed into an :class:`EventDate`."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> EventDate:
        try:
            return parse_date(str(value))
        except DateError as exc:
            raise ma.ValidationError(
                f"{exc.detail}; use an EDTF or ISO 8601 date such as 2014-12-16 or 2014-12"
            ) from exc

    def _jsonschema_type_mapping(self) -> dict[str, Any]:
        return {"type": "string", "pattern": DATE_PATTERN, "maxLength": 64}


def _ids(description: str) -> DelimitedList:
    return DelimitedList(
        ma.fields.String(validate=ma.validate.Length(1, 200)),
        load_default=list,
        validate=ma.validate.Length(max=50),
        metadata={"description": description + " (comma-separated; any of them matches)"},
    )


class ArgsSchema(ma.Schema):
    """Request parameters: an unknown parameter is an error, not silently ignored."""

    class Meta:
        unknown = ma.RAISE


class EventFilterArgs(ArgsSchema):
    """Filters shared by /api/events and the timeline exports."""

    from_ = DateParameter(
        data_key="from",
        load_default=None,
        metadata={
            "description": "events that may end on or after this date (EDTF or ISO 8601)",
            "example": "2014-12",
        },
    )
    to = DateParameter(
        load_default=None,
        metadata={
            "description": "events that may start on or before this date",
            "example": "2014-12-16",
        },
    )
    type = _ids("event type ids")
    actor = _ids("actor ids")
    place = _ids("place ids")
    tag = _ids("tags")
    lane = _ids("lane ids")
    status = DelimitedList(
        ma.fields.String(validate=ma.validate.OneOf(STATUSES)),
        load_default=list,
        metadata={
            "description": "events that are cause or effect of a link with one of these statuses"
        },
    )
    q = ma.fields.String(
        load_default=None,
        validate=ma.validate.Length(1, 200),
        metadata={
            "description": "text contained in label, description, tags, "
            "actors or place (case-insensitive)"
        },
    )
    sort = ma.fields.String(
        load_default="date", validate=ma.validate.OneOf(["date", "-date", "label"])
    )
    limit = ma.fields.Integer(load_default=50, validate=ma.validate.Range(1, MAX_LIMIT))
    next = ma.fields.String(
        load_default=None,
        validate=ma.validate.Length(1, 500),
        metadata={"description": "the `next` token of the previous page"},
    )


class ClaimArgs(ArgsSchema):
    verdict = DelimitedList(
        ma.fields.String(validate=ma.validate.OneOf(VERDICTS)), load_default=list
    )
    about = _ids("event ids the claims are about")


#: The statuses an analysis follows unless told otherwise: the links the graph states as facts,
#: as graph.causal does by default (a contested link is never presented as established).
DEFAULT_STATUSES = [status for status in STATUSES if status in vocab.ASSERTED_STATUSES]


def _link_statuses(description: str) -> DelimitedList:
    return DelimitedList(
        ma.fields.String(validate=ma.validate.OneOf(STATUSES)),
        load_default=list,
        metadata={
            "description": f"{description} (default: {', '.join(DEFAULT_STATUSES)}, the links "
            "the graph states as facts; a list replaces the default: list every status to "
            "include contested and unsupported links)",
            "default": DEFAULT_STATUSES,
        },
    )


class LinkFilterArgs(ArgsSchema):
    """Which links an analysis follows."""

    status = _link_statuses("follow only links with these statuses")
    kind = DelimitedList(
        ma.fields.String(validate=ma.validate.OneOf(KINDS)),
        load_default=list,
        metadata={
            "description": "follow only these kinds (default: causes, "
            "enables, prevents, contributes_to)",
            "default": [kind for kind in KINDS if kind in vocab.DIRECTED_KINDS],
        },
    )


class ChainArgs(LinkFilterArgs):
    source = ma.fields.String(required=True, validate=ma.validate.Length(1, 200))
    target = ma.fields.String(required=True, validate=ma.validate.Length(1, 200))
    max_depth = ma.fields.Integer(load_default=6, validate=ma.validate.Range(1, 12))
    limit = ma.fields.Integer(load_default=10, validate=ma.validate.Range(1, 100))


class ReachArgs(LinkFilterArgs):
    max_depth = ma.fields.Integer(load_default=None, validate=ma.validate.Range(1, 100))
    limit = ma.fields.Integer(load_default=1000, validate=ma.validate.Range(1, 10_000))


class DriverArgs(LinkFilterArgs):
    limit = ma.fields.Integer(load_default=10, validate=ma.validate.Range(1, 100))


class WhatIfArgs(ReachArgs):
    remove = DelimitedList(
        ma.fields.String(validate=ma.validate.Length(1, 200)),
        required=True,
        validate=ma.validate.Length(1, 50),
        metadata={"description": "event ids to remove (comma-separated)"},
    )


class PairArgs(ArgsSchema):
    a = ma.fields.String(required=True, validate=ma.validate.Length(1, 200))
    b = ma.fields.String(required=True, validate=ma.validate.Length(1, 200))


class CompareArgs(PairArgs):
    status = _link_statuses("list only the causes and effects linked with these statuses")


class GraphArgs(LinkFilterArgs):
    focus = ma.fields.String(load_default=None, validate=ma.validate.Length(1, 200))
    depth = ma.fields.Integer(load_default=1, validate=ma.validate.Range(0, 6))
    chain = DelimitedList(
        ma.fields.String(validate=ma.validate.Length(1, 200)),
        load_default=list,
        validate=ma.validate.Length(max=50),
    )
    format = ma.fields.String(
        load_default="cytoscape", validate=ma.validate.OneOf(["cytoscape", "dot", "svg"])
    )

    @ma.validates_schema
    def _one_selection(self, data: dict[str, Any], **kwargs: Any) -> None:
        if bool(data.get("focus")) == bool(data.get("chain")):
            raise ma.ValidationError("give either focus (with depth) or chain", "focus")


# -- responses -------------------------------------------------------------------------------------
#
# The views build their bodies themselves (graph.timeline.records and .formats, dataclasses.asdict
# of the graph.causal results). These schemas describe those bodies for the OpenAPI document --
# every field, its type, whether it is always there (required) and may be null (nullable), closed
# value sets as enums -- and the document is the contract that schemathesis and
# tests/test_contracts.py hold every answer to. They do not serialize: dumping returns the body
# as the view built it, so the bytes on the wire are the views' own.

_LINK_KIND = ma.validate.OneOf(KINDS)
_LINK_STATUS = ma.validate.OneOf(STATUSES)
_CONFIDENCE = ma.validate.Range(0, 1)
_PRECISIONS = ["year", "month", "day", "second"]
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


def _string(*, nullable: bool = False, **kwargs: Any) -> ma.fields.String:
    """A string that is always present (null only if ``nullable``)."""
    return ma.fields.String(required=True, allow_none=nullable, **kwargs)


def _id_list(description: str) -> ma.fields.List:
    return ma.fields.List(ma.fields.String(), required=True, metadata={"description": description})


def _list_of(schema: type[ma.Schema], **kwargs: Any) -> ma.fields.List:
    return ma.fields.List(ma.fields.Nested(schema), required=True, **kwargs)


def _count() -> ma.fields.Integer:
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

    edtf = _string(metadata={"description": "the date as written (EDTF)"})
    begin = _string(metadata={"description": "first day (or instant), ISO 8601"})
    end = _string(metadata={"description": "last day (or instant), ISO 8601"})
    precision = _string(validate=ma.validate.OneOf([*_PRECISIONS, "interval"]))
    approximate = ma.fields.Boolean(required=True)
    uncertain = ma.fields.Boolean(required=True)
    display = _string(metadata={"description": "the date in words, at its precision"})


class EventSummarySchema(BodySchema):
    id = _string()
    label = _string()
    type = _string(metadata={"description": "event type id"})
    lane = _string(metadata={"description": "lane id"})
    date = ma.fields.Nested(DateSchema, required=True)
    place = _string(nullable=True, metadata={"description": "place id"})
    actors = _id_list("actor ids")
    tags = _id_list("tags")


class EventPageSchema(BodySchema):
    events = _list_of(EventSummarySchema)
    count = ma.fields.Integer(
        required=True,
        validate=ma.validate.Range(min=0),
        metadata={"description": "how many events match the filters, on every page"},
    )
    next = _string(
        nullable=True,
        metadata={"description": "token of the next page (the `next` parameter); null on the last"},
    )


class SourceSchema(BodySchema):
    url = _string()
    title = _string()
    publisher = _string()
    via = _string(nullable=True)


class ClaimSchema(BodySchema):
    id = _string()
    ref = _string(nullable=True, metadata={"description": "the claim's reference in the text"})
    text = _string()
    verdict = _string(validate=ma.validate.OneOf(VERDICTS))
    stated_in = _string(metadata={"description": "publication id"})
    about = _id_list("ids of the events the claim is about")
    asserts_links = _id_list("ids of the causal links the claim asserts")
    evidence = _string(nullable=True)
    sources = _list_of(SourceSchema)


class ClaimListSchema(BodySchema):
    claims = _list_of(ClaimSchema)
    count = _count()


class QuantitySchema(BodySchema):
    """A figure of an event; numbers are JSON integers when whole."""

    kind = _string(metadata={"description": "quantity kind id"})
    kind_label = _string()
    value = ma.fields.Float(required=True)
    unit = _string(validate=ma.validate.OneOf(list(vocab.UNITS)))
    unit_symbol = _string()
    previous = ma.fields.Float(
        required=True, allow_none=True, metadata={"description": "the value before the event"}
    )
    low = ma.fields.Float(required=True, allow_none=True)
    high = ma.fields.Float(required=True, allow_none=True)
    according_to = _string(nullable=True)
    observed = _string(nullable=True, metadata={"description": "when it was observed (EDTF)"})
    note = _string(nullable=True)


class EventLinkSchema(BodySchema):
    """A link seen from one of its events; ``event_id`` is the event at the other end."""

    link_id = _string()
    event_id = _string()
    label = _string(metadata={"description": "label of the other event"})
    kind = _string(validate=_LINK_KIND)
    confidence = ma.fields.Float(required=True, validate=_CONFIDENCE)
    status = _string(validate=_LINK_STATUS)
    note = _string(nullable=True)


class EventDetailSchema(EventSummarySchema):
    """Everything about one event (graph.timeline.records.event_detail); its links at every
    status, each with its status."""

    iri = _string(metadata={"description": "the event's IRI in the knowledge graph"})
    type_label = _string()
    lane_label = _string()
    place_label = _string(nullable=True)
    actor_labels = _id_list("labels of the actors, in the order of `actors`")
    description = _string(nullable=True)
    part_of = _string(nullable=True, metadata={"description": "id of the enclosing event"})
    quantities = _list_of(QuantitySchema)
    sources = _list_of(SourceSchema)
    claims = _list_of(ClaimSchema, metadata={"description": "the claims about the event"})
    causes = _list_of(EventLinkSchema, metadata={"description": "links into the event"})
    effects = _list_of(EventLinkSchema, metadata={"description": "links out of the event"})
    similar = _list_of(EventLinkSchema, metadata={"description": "`similar_to` links"})


# /api/timeline (vis-timeline), /api/timeline/timelinejs (TimelineJS3) ---------------------------


class TimelineItemSchema(BodySchema):
    """One event as a vis-timeline item: a point (day, instant) or a range (month, year,
    interval) whose ``end`` is exclusive."""

    id = _string()
    content = _string(metadata={"description": "the label, HTML-escaped"})
    start = _string()
    end = ma.fields.String(metadata={"description": "exclusive end; ranges only"})
    type = _string(validate=ma.validate.OneOf(["point", "range"]))
    className = _string(  # vis-timeline's name
        validate=ma.validate.Regexp(
            r"^precision-(year|month|day|instant|interval)( approximate)?( uncertain)?$"
        )
    )
    title = _string(metadata={"description": "tooltip, HTML-escaped"})
    group = _string(metadata={"description": "lane id"})
    precision = _string(validate=ma.validate.OneOf(["year", "month", "day", "instant", "interval"]))
    edtf = _string()


class TimelineGroupSchema(BodySchema):
    id = _string(metadata={"description": "lane id"})
    content = _string(metadata={"description": "the lane's label, HTML-escaped"})
    order = ma.fields.Integer(required=True, validate=ma.validate.Range(min=0))


class TimelineLinkSchema(BodySchema):
    """A causal link between two events of the page (for arrows)."""

    id = _string()
    from_ = _string(data_key="from", metadata={"description": "cause event id"})
    to = _string(metadata={"description": "effect event id"})
    kind = _string(validate=_LINK_KIND)
    confidence = ma.fields.Float(required=True, validate=_CONFIDENCE)
    status = _string(validate=_LINK_STATUS)


class TimelineSchema(BodySchema):
    items = _list_of(TimelineItemSchema)
    groups = _list_of(TimelineGroupSchema)
    links = _list_of(TimelineLinkSchema)
    count = ma.fields.Integer(
        required=True,
        validate=ma.validate.Range(min=0),
        metadata={"description": "how many events match the filters, on every page"},
    )
    next = _string(nullable=True, metadata={"description": "token of the next page, or null"})


class TimelineJsDateSchema(BodySchema):
    """A TimelineJS date with only the parts its precision supports."""

    year = ma.fields.Integer(required=True)
    month = ma.fields.Integer(validate=ma.validate.Range(1, 12))
    day = ma.fields.Integer(validate=ma.validate.Range(1, 31))
    hour = ma.fields.Integer(validate=ma.validate.Range(0, 23))
    minute = ma.fields.Integer(validate=ma.validate.Range(0, 59))
    second = ma.fields.Integer(validate=ma.validate.Range(0, 60))


class TimelineJsTextSchema(BodySchema):
    headline = _string(metadata={"description": "HTML-escaped"})
    text = _string(metadata={"description": "HTML-escaped"})


class TimelineJsTitleSchema(BodySchema):
    text = ma.fields.Nested(TimelineJsTextSchema, required=True)


class TimelineJsSlideSchema(BodySchema):
    unique_id = _string(metadata={"description": "event id"})
    start_date = ma.fields.Nested(TimelineJsDateSchema, required=True)
    end_date = ma.fields.Nested(TimelineJsDateSchema, metadata={"description": "intervals only"})
    display_date = _string()
    text = ma.fields.Nested(TimelineJsTextSchema, required=True)
    group = _string(metadata={"description": "the lane's label, HTML-escaped"})


class TimelineJsEraSchema(BodySchema):
    start_date = ma.fields.Nested(TimelineJsDateSchema, required=True)
    end_date = ma.fields.Nested(TimelineJsDateSchema, required=True)
    text = ma.fields.Nested(TimelineJsTextSchema, required=True)


class TimelineJsSchema(BodySchema):
    title = ma.fields.Nested(TimelineJsTitleSchema, required=True)
    events = _list_of(TimelineJsSlideSchema)
    eras = _list_of(TimelineJsEraSchema)


# causal analyses (graph.causal results, as dataclasses.asdict gives them) ------------------------


class ChainSchema(BodySchema):
    """A causal chain (graph.causal.graph.Chain): ``events`` joined by ``links``."""

    events = _id_list("event ids, cause first")
    links = _id_list("link ids; one fewer than events")
    strength = ma.fields.Float(
        required=True,
        validate=_CONFIDENCE,
        metadata={"description": "product of the link confidences (1 without links)"},
    )
    weakest_link = _string(nullable=True, metadata={"description": "null without links"})
    weakest_confidence = ma.fields.Float(required=True, allow_none=True, validate=_CONFIDENCE)


class ChainListSchema(BodySchema):
    chains = _list_of(ChainSchema, metadata={"description": "shortest first, then strongest"})
    count = _count()


class ReachSchema(BodySchema):
    event = _string()
    depth = ma.fields.Integer(
        required=True,
        validate=ma.validate.Range(min=1),
        metadata={"description": "fewest links from where the search started"},
    )


class CauseAnalysisSchema(BodySchema):
    event = _string()
    ancestors = _list_of(ReachSchema, metadata={"description": "nearest first"})
    roots = _id_list("ancestors without a causal parent")
    root_chains = _list_of(
        ChainSchema, metadata={"description": "the strongest chain from each root, strongest first"}
    )
    truncated = ma.fields.Boolean(
        required=True, metadata={"description": "`limit` cut the search short"}
    )


class EffectAnalysisSchema(BodySchema):
    event = _string()
    descendants = _list_of(ReachSchema, metadata={"description": "nearest first"})
    truncated = ma.fields.Boolean(
        required=True, metadata={"description": "`limit` cut the search short"}
    )


class DriverSchema(BodySchema):
    event = _string()
    score = ma.fields.Float(
        required=True,
        validate=ma.validate.Range(min=0),
        metadata={"description": "confidence-weighted number of chains starting at the event"},
    )
    descendants = ma.fields.Integer(required=True, validate=ma.validate.Range(min=0))
    descendants_truncated = ma.fields.Boolean(required=True)


class DriverListSchema(BodySchema):
    drivers = _list_of(DriverSchema, metadata={"description": "highest score first"})
    count = _count()


class WhatIfSchema(BodySchema):
    removed = _id_list("the removed event ids, sorted")
    orphaned = _list_of(
        ReachSchema, metadata={"description": "effects left without a chain from any root"}
    )
    still_supported = _list_of(
        ReachSchema, metadata={"description": "effects another chain still reaches"}
    )
    truncated = ma.fields.Boolean(
        required=True, metadata={"description": "`limit` cut the search short"}
    )


class TimeInversionSchema(BodySchema):
    link = _string()
    cause = _string()
    effect = _string()
    cause_date = _string(metadata={"description": "EDTF"})
    effect_date = _string(metadata={"description": "EDTF"})
    status = _string(validate=_LINK_STATUS)
    message = _string()


class CausalCycleSchema(BodySchema):
    events = _id_list("events[i] -> events[i + 1] by links[i]; the last link closes the loop")
    links = _id_list("link ids")
    dates = ma.fields.List(
        ma.fields.String(allow_none=True), required=True, metadata={"description": "EDTF"}
    )
    message = _string()


class ContradictedClaimSchema(BodySchema):
    claim = _string()
    link = _string()
    cause = _string()
    effect = _string()
    cause_date = _string(metadata={"description": "EDTF"})
    effect_date = _string(metadata={"description": "EDTF"})
    message = _string()


class ConsistencySchema(BodySchema):
    """What the consistency check found, links at every status; all empty when consistent."""

    time_inversions = _list_of(TimeInversionSchema)
    cycles = _list_of(CausalCycleSchema)
    contradicted_claims = _list_of(ContradictedClaimSchema)


class DateInfoSchema(BodySchema):
    edtf = _string()
    begin = _string(metadata={"description": "ISO 8601"})
    end = _string(metadata={"description": "ISO 8601"})
    precision = _string(
        validate=ma.validate.Regexp(r"^({0})(/({0}))?$".format("|".join(_PRECISIONS))),
        metadata={"description": "of both ends, or `begin/end` (`day/month`) when they differ"},
    )


class TemporalRelationSchema(BodySchema):
    a = _string()
    b = _string()
    a_date = ma.fields.Nested(DateInfoSchema, required=True)
    b_date = ma.fields.Nested(DateInfoSchema, required=True)
    relations = ma.fields.List(
        ma.fields.String(validate=ma.validate.OneOf(list(vocab.ALLEN_PROPERTIES))),
        required=True,
        metadata={"description": "the Allen relations of a to b that the dates allow, sorted"},
    )
    decided = ma.fields.Boolean(required=True, metadata={"description": "one relation"})
    phrase = _string(validate=ma.validate.OneOf(TEMPORAL_PHRASES))


class QuantityInfoSchema(BodySchema):
    kind = _string()
    value = ma.fields.Float(required=True)
    unit = _string(validate=ma.validate.OneOf(list(vocab.UNITS)))
    previous = ma.fields.Float(required=True, allow_none=True)
    according_to = _string(nullable=True)


class LinkInfoSchema(BodySchema):
    id = _string()
    cause = _string()
    effect = _string()
    kind = _string(validate=_LINK_KIND)
    confidence = ma.fields.Float(required=True, validate=_CONFIDENCE)
    status = _string(validate=_LINK_STATUS)


class EventSideSchema(BodySchema):
    id = _string()
    label = _string()
    type = _string()
    lane = _string()
    date = ma.fields.Nested(DateInfoSchema, required=True)
    quantities = _list_of(QuantityInfoSchema)
    causes = _list_of(LinkInfoSchema, metadata={"description": "direct causes"})
    effects = _list_of(LinkInfoSchema, metadata={"description": "direct effects"})


class ComparisonSchema(BodySchema):
    a = ma.fields.Nested(EventSideSchema, required=True)
    b = ma.fields.Nested(EventSideSchema, required=True)
    similar_links = _list_of(
        LinkInfoSchema, metadata={"description": "`similar_to` links between a and b"}
    )
    relation = ma.fields.Nested(TemporalRelationSchema, required=True)


# /api/graph (Cytoscape.js elements JSON) ----------------------------------------------------------


class GraphNodeDataSchema(BodySchema):
    id = _string()
    label = _string()
    lane = _string(nullable=True)
    type = _string(nullable=True)
    start = _string(nullable=True, metadata={"description": "ISO form of the date's begin"})


class GraphNodeSchema(BodySchema):
    data = ma.fields.Nested(GraphNodeDataSchema, required=True)


class GraphEdgeDataSchema(BodySchema):
    id = _string(metadata={"description": "link id"})
    source = _string(metadata={"description": "cause event id"})
    target = _string(metadata={"description": "effect event id"})
    kind = _string(validate=_LINK_KIND)
    confidence = ma.fields.Float(required=True, validate=_CONFIDENCE)
    status = _string(validate=_LINK_STATUS)


class GraphEdgeSchema(BodySchema):
    data = ma.fields.Nested(GraphEdgeDataSchema, required=True)


class GraphElementsSchema(BodySchema):
    nodes = _list_of(GraphNodeSchema, metadata={"description": "sorted by id"})
    edges = _list_of(GraphEdgeSchema, metadata={"description": "sorted by link id"})


class CytoscapeSchema(BodySchema):
    elements = ma.fields.Nested(GraphElementsSchema, required=True)
