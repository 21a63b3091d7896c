"""Parameters and body of ``/api/timeline/window``: one window of a large timeline, the most
important events in it and counts of the rest (:mod:`graph.timeline.window`)."""

from __future__ import annotations

import marshmallow as ma
from webargs.fields import DelimitedList

from graph.timeline.window import MAX_BUCKETS, MAX_ITEMS, PX_PER_BUCKET, PX_PER_ITEM
from service.schemas.args import ArgsSchema, DateParameter, _ids, lens_field, story_field
from service.schemas.bodies import (
    BodySchema,
    TimelineGroupSchema,
    TimelineItemSchema,
    TimelineLinkSchema,
    count,
    list_of,
    string,
)

#: The widest timeline a window is drawn for, in pixels.
MAX_WIDTH = 8192


class WindowArgs(ArgsSchema):
    """The window (both bounds optional: the selection's first and last start), the width it
    is drawn at, and the selection: a story, some lanes, whose links to draw."""

    story = story_field("events of this story")
    lane = _ids("lane ids")
    lens = lens_field("whose links the window draws between its events")
    start = DateParameter(
        load_default=None,
        metadata={
            "description": "events starting on or after this date (wall clock; an EDTF or "
            "ISO 8601 date or date-time without offset). Default: the selection's first start",
            "example": "2014-12-01T00:00:00",
        },
    )
    end = DateParameter(
        load_default=None,
        metadata={
            "description": "events starting on or before this date (its latest moment: "
            "`2014-12` is the whole month). Default: the selection's last start",
            "example": "2014-12-31T23:59:59",
        },
    )
    include = DelimitedList(
        ma.fields.String(validate=ma.validate.Length(1, 200)),
        load_default=list,
        validate=ma.validate.Length(max=50),
        metadata={
            "description": "event ids to draw whatever their rank, if they start in the window "
            "(comma-separated; a page bringing a chosen event into view)"
        },
    )
    width = ma.fields.Integer(
        load_default=1280,
        validate=ma.validate.Range(1, MAX_WIDTH),
        metadata={
            "description": f"the timeline's width in pixels: one event per {PX_PER_ITEM} px "
            f"(at most {MAX_ITEMS}), one time bucket per {PX_PER_BUCKET} px (at most "
            f"{MAX_BUCKETS})"
        },
    )


class ClusterSchema(BodySchema):
    """Events of one lane starting in one time bucket that the window leaves out."""

    start = string(metadata={"description": "bucket start, ISO 8601 wall clock"})
    end = string(metadata={"description": "bucket end (excluded), ISO 8601 wall clock"})
    lane = string(metadata={"description": "lane id"})
    count = ma.fields.Integer(
        required=True,
        validate=ma.validate.Range(min=1),
        metadata={"description": "how many events of the bucket and lane are left out"},
    )


class SpanSchema(BodySchema):
    start = string(metadata={"description": "ISO 8601 wall clock"})
    end = string(metadata={"description": "ISO 8601 wall clock"})


class WindowSchema(BodySchema):
    """The most important events of the window as vis-timeline items, the links among them,
    the lanes, and cluster records counting the rest per time bucket and lane."""

    items = list_of(TimelineItemSchema)
    groups = list_of(TimelineGroupSchema)
    links = list_of(TimelineLinkSchema)
    clusters = list_of(ClusterSchema)
    count = count()
    total = ma.fields.Integer(
        required=True,
        validate=ma.validate.Range(min=0),
        metadata={"description": "how many events of the selection start in the window"},
    )
    start = string(metadata={"description": "the window's start, ISO 8601 wall clock"})
    end = string(metadata={"description": "the window's end (included), ISO 8601 wall clock"})
    span = ma.fields.Nested(
        SpanSchema,
        required=True,
        allow_none=True,
        metadata={"description": "the selection's first and last start (null if empty)"},
    )
    selection = ma.fields.Integer(
        required=True,
        validate=ma.validate.Range(min=0),
        metadata={"description": "how many events the selection holds in all"},
    )
