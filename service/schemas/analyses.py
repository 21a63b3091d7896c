"""Response bodies of the causal analyses and graph exports (:mod:`service.views.analyses`)."""

from __future__ import annotations

import marshmallow as ma

from graph import vocab
from service.schemas.args import EDGE_KINDS
from service.schemas.bodies import (
    CONFIDENCE,
    LINK_KIND,
    LINK_STATUS,
    PRECISIONS,
    TEMPORAL_PHRASES,
    BodySchema,
    count,
    id_list,
    list_of,
    string,
)

# causal analyses (graph.causal results, as dataclasses.asdict gives them) ------------------------


class EventLabelSchema(BodySchema):
    """An event an analysis answer names (graph.causal.labels.event_labels)."""

    label = string()
    date = string(metadata={"description": "the date as written (EDTF)"})
    display_date = string(metadata={"description": "the date in words, at its precision"})


def event_lookup() -> ma.fields.Dict:
    """``event_labels``: the last property of every analysis answer."""
    return ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.Nested(EventLabelSchema),
        required=True,
        metadata={
            "description": "every event id the answer names (and no other), with its label and "
            "date: once per answer, where the rest of the body gives ids only"
        },
    )


class ChainSchema(BodySchema):
    """A causal chain (graph.causal.graph.Chain): ``events`` joined by ``links``."""

    events = id_list("event ids, cause first")
    links = id_list("link ids; one fewer than events")
    strength = ma.fields.Float(
        required=True,
        validate=CONFIDENCE,
        metadata={"description": "product of the link confidences (1 without links)"},
    )
    weakest_link = string(nullable=True, metadata={"description": "null without links"})
    weakest_confidence = ma.fields.Float(required=True, allow_none=True, validate=CONFIDENCE)


class LongestChainSchema(ChainSchema):
    event_labels = event_lookup()


class ChainListSchema(BodySchema):
    chains = list_of(ChainSchema, metadata={"description": "shortest first, then strongest"})
    count = count()
    event_labels = event_lookup()


class ReachSchema(BodySchema):
    event = string()
    depth = ma.fields.Integer(
        required=True,
        validate=ma.validate.Range(min=1),
        metadata={"description": "fewest links from where the search started"},
    )


class CauseAnalysisSchema(BodySchema):
    event = string()
    ancestors = list_of(ReachSchema, metadata={"description": "nearest first"})
    roots = id_list("ancestors without a causal parent")
    root_chains = list_of(
        ChainSchema, metadata={"description": "the strongest chain from each root, strongest first"}
    )
    truncated = ma.fields.Boolean(
        required=True, metadata={"description": "`limit` cut the search short"}
    )
    event_labels = event_lookup()


class EffectAnalysisSchema(BodySchema):
    event = string()
    descendants = list_of(ReachSchema, metadata={"description": "nearest first"})
    truncated = ma.fields.Boolean(
        required=True, metadata={"description": "`limit` cut the search short"}
    )
    event_labels = event_lookup()


class DriverSchema(BodySchema):
    event = string()
    score = ma.fields.Float(
        required=True,
        validate=ma.validate.Range(min=0),
        metadata={"description": "confidence-weighted number of chains starting at the event"},
    )
    descendants = ma.fields.Integer(required=True, validate=ma.validate.Range(min=0))
    descendants_truncated = ma.fields.Boolean(required=True)


class DriverListSchema(BodySchema):
    drivers = list_of(DriverSchema, metadata={"description": "highest score first"})
    count = count()
    event_labels = event_lookup()


class WhatIfSchema(BodySchema):
    removed = id_list("the removed event ids, sorted")
    orphaned = list_of(
        ReachSchema, metadata={"description": "effects left without a chain from any root"}
    )
    still_supported = list_of(
        ReachSchema, metadata={"description": "effects another chain still reaches"}
    )
    truncated = ma.fields.Boolean(
        required=True, metadata={"description": "`limit` cut the search short"}
    )
    event_labels = event_lookup()


class TimeInversionSchema(BodySchema):
    link = string()
    cause = string()
    effect = string()
    cause_date = string(metadata={"description": "EDTF"})
    effect_date = string(metadata={"description": "EDTF"})
    status = string(validate=LINK_STATUS)
    message = string()


class CausalCycleSchema(BodySchema):
    events = id_list("events[i] -> events[i + 1] by links[i]; the last link closes the loop")
    links = id_list("link ids")
    dates = ma.fields.List(
        ma.fields.String(allow_none=True), required=True, metadata={"description": "EDTF"}
    )
    message = string()


class ContradictedClaimSchema(BodySchema):
    claim = string()
    link = string()
    cause = string()
    effect = string()
    cause_date = string(metadata={"description": "EDTF"})
    effect_date = string(metadata={"description": "EDTF"})
    message = string()


class ConsistencySchema(BodySchema):
    """What the consistency check found, links at every status; all empty when consistent."""

    time_inversions = list_of(TimeInversionSchema)
    cycles = list_of(CausalCycleSchema)
    contradicted_claims = list_of(ContradictedClaimSchema)
    event_labels = event_lookup()


class DateInfoSchema(BodySchema):
    edtf = string()
    begin = string(metadata={"description": "ISO 8601"})
    end = string(metadata={"description": "ISO 8601"})
    precision = string(
        validate=ma.validate.Regexp(r"^({0})(/({0}))?$".format("|".join(PRECISIONS))),
        metadata={"description": "of both ends, or `begin/end` (`day/month`) when they differ"},
    )


class TemporalRelationSchema(BodySchema):
    a = string()
    b = string()
    a_date = ma.fields.Nested(DateInfoSchema, required=True)
    b_date = ma.fields.Nested(DateInfoSchema, required=True)
    relations = ma.fields.List(
        ma.fields.String(validate=ma.validate.OneOf(list(vocab.ALLEN_PROPERTIES))),
        required=True,
        metadata={"description": "the Allen relations of a to b that the dates allow, sorted"},
    )
    decided = ma.fields.Boolean(required=True, metadata={"description": "one relation"})
    phrase = string(validate=ma.validate.OneOf(TEMPORAL_PHRASES))


class TemporalAnswerSchema(TemporalRelationSchema):
    """/api/temporal: the relation, and the two events named."""

    event_labels = event_lookup()


class QuantityInfoSchema(BodySchema):
    kind = string()
    value = ma.fields.Float(required=True)
    unit = string(validate=ma.validate.OneOf(list(vocab.UNITS)))
    previous = ma.fields.Float(required=True, allow_none=True)
    according_to = string(nullable=True)
    note = string(
        nullable=True,
        metadata={"description": "what the figure measures, where the value alone would mislead"},
    )


class LinkInfoSchema(BodySchema):
    id = string()
    cause = string()
    effect = string()
    kind = string(validate=LINK_KIND)
    confidence = ma.fields.Float(required=True, validate=CONFIDENCE)
    status = string(validate=LINK_STATUS)


class EventSideSchema(BodySchema):
    id = string()
    label = string()
    type = string()
    lane = string()
    date = ma.fields.Nested(DateInfoSchema, required=True)
    quantities = list_of(QuantityInfoSchema)
    causes = list_of(LinkInfoSchema, metadata={"description": "direct causes"})
    effects = list_of(LinkInfoSchema, metadata={"description": "direct effects"})


class ComparisonSchema(BodySchema):
    a = ma.fields.Nested(EventSideSchema, required=True)
    b = ma.fields.Nested(EventSideSchema, required=True)
    similar_links = list_of(
        LinkInfoSchema, metadata={"description": "`similar_to` links between a and b"}
    )
    relation = ma.fields.Nested(TemporalRelationSchema, required=True)
    event_labels = event_lookup()


# /api/graph (Cytoscape.js elements JSON) ----------------------------------------------------------


class GraphNodeDataSchema(BodySchema):
    id = string()
    label = string()
    lane = string(nullable=True)
    type = string(nullable=True)
    start = string(
        nullable=True,
        metadata={
            "description": "ISO form of the date's begin, as written: read it with `precision` "
            "(a year-precision event starts on 1 January of the year, and may fall any day in it)"
        },
    )
    end = string(
        nullable=True,
        metadata={"description": "ISO form of the date's last day or instant (inclusive)"},
    )
    precision = string(
        nullable=True,
        validate=ma.validate.OneOf(["year", "month", "day", "instant", "interval"]),
        metadata={"description": "precision of the date: year, month, day, instant or interval"},
    )
    date = string(nullable=True, metadata={"description": "the date as written (EDTF)"})
    display_date = string(
        nullable=True,
        metadata={"description": "the date in words at its own precision (e.g. 1998)"},
    )


class GraphNodeSchema(BodySchema):
    data = ma.fields.Nested(GraphNodeDataSchema, required=True)


class GraphEdgeDataSchema(BodySchema):
    id = string(
        metadata={
            "description": "link id, or `part-of:<link id>` for a part_of edge: from the cause "
            "of a sub-event (that link) to the event the sub-event is part of"
        }
    )
    source = string(metadata={"description": "cause event id"})
    target = string(metadata={"description": "effect event id (for part_of: the whole)"})
    kind = string(validate=ma.validate.OneOf(EDGE_KINDS))
    confidence = ma.fields.Float(required=True, validate=CONFIDENCE)
    status = string(validate=LINK_STATUS)


class GraphEdgeSchema(BodySchema):
    data = ma.fields.Nested(GraphEdgeDataSchema, required=True)


class GraphElementsSchema(BodySchema):
    nodes = list_of(GraphNodeSchema, metadata={"description": "sorted by id"})
    edges = list_of(GraphEdgeSchema, metadata={"description": "sorted by link id"})


class CytoscapeSchema(BodySchema):
    elements = ma.fields.Nested(GraphElementsSchema, required=True)
    count = ma.fields.Integer(
        required=True,
        validate=ma.validate.Range(min=0),
        metadata={"description": "events drawn (the nodes)"},
    )
    total = ma.fields.Integer(
        required=True,
        validate=ma.validate.Range(min=0),
        metadata={
            "description": "events the selection holds without `limit`: exactly when "
            "`total_exact`, else at least (the walk around a `focus` stops just past `limit`)"
        },
    )
    total_exact = ma.fields.Boolean(
        required=True,
        metadata={"description": "`total` is exact; false: a lower bound"},
    )
    truncated = ma.fields.Boolean(
        required=True,
        metadata={"description": "`limit` cut the selection: `count` of `total` events drawn"},
    )
