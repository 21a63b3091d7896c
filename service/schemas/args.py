"""Request parameters of the JSON API, validated and documented: every parameter states its
accepted range, and an invalid one is a 400 problem naming it."""

from __future__ import annotations

import re
from typing import Any

import marshmallow as ma
from webargs.fields import DelimitedList

from graph import vocab
from graph.causal import MAX_SELECT_EVENTS, statuses_outside_lens
from graph.data import EventDate, parse_date
from graph.errors import DateError
from graph.timeline import MAX_LIMIT, MAX_LINKS, query_words

STATUSES = list(vocab.LINK_STATUSES)
KINDS = list(vocab.LINK_PREDICATES)
#: What an analysis may follow: the link kinds and the structural part_of edges.
EDGE_KINDS = [*KINDS, vocab.PART_OF]
VERDICTS = list(vocab.CLAIM_VERDICTS)


_TIME = r"T[0-9]{2}:[0-9]{2}:[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})?"
_SIDE = rf"[0-9]{{4}}(-[0-9]{{2}}(-[0-9]{{2}}({_TIME})?)?)?[~?%]?"
#: The shape of the dates the API reads (a calendar check -- no 2014-02-30 -- comes after).
DATE_PATTERN = f"^{_SIDE}(/{_SIDE})?$"


# An offset whose "+" an unencoded query string turned into a space (``T22:00:00 03:00``).
_SPACED_OFFSET = re.compile(r"(T[0-9]{2}:[0-9]{2}:[0-9]{2}) ([0-9]{2}:[0-9]{2})")


class DateParameter(ma.fields.Field):
    """An EDTF (or plain ISO 8601) date, parsed into an :class:`EventDate`.

    An instant with an offset (``Z``, ``+00:00``, ``+03:00``) is compared in UTC with the
    instants of the data; a day, month or year is a calendar date (see
    :func:`graph.timeline.query_events`).
    """

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> EventDate:
        try:
            return parse_date(_SPACED_OFFSET.sub(r"\1+\2", str(value)))
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


def lens_field(description: str) -> ma.fields.String:
    return ma.fields.String(
        load_default=None,
        validate=ma.validate.Length(1, 200),
        metadata={
            "description": f"{description}: `evidence` (the default: supported and qualified "
            "links, the ones stated as facts), `all` (every link, whatever its status), or a "
            "narrative's id (/api/narratives: the links that account asserts, whatever their "
            "status); an unknown lens is a 404 problem",
            "example": "seed-article",
            "default": "evidence",
        },
    )


def query_field(*, required: bool = False) -> ma.fields.String:
    options: dict[str, Any] = {"required": True} if required else {"load_default": None}
    return ma.fields.String(
        validate=ma.validate.Length(1, 200),
        metadata={
            "description": "words that must all occur in the label, description, tags, actor "
            "or place labels or id of an event, whole or as part of a word (case and accents "
            "do not matter: `bank shares`, `economie`)",
            "example": "bank shares",
        },
        **options,
    )


def story_field(description: str) -> ma.fields.String:
    return ma.fields.String(
        load_default=None,
        validate=ma.validate.Length(1, 200),
        metadata={
            "description": f"{description} (a story id, /api/stories; unknown: a 404 problem)",
            "example": "ruble-crisis-2014",
        },
    )


class ArgsSchema(ma.Schema):
    """Request parameters: an unknown parameter is an error, not silently ignored."""

    class Meta:
        unknown = ma.RAISE


def format_field() -> ma.fields.String:
    """``format``: the list as JSON (the default) or as a CSV table (service.tables)."""
    return ma.fields.String(
        validate=ma.validate.OneOf(["json", "csv"]),
        metadata={
            "description": "`json` (the default) or `csv`: one RFC 4180 table, a row per item "
            "of the JSON list, list-valued cells joined with `|`. Without it, `Accept: "
            "text/csv` asks for the CSV too",
        },
    )


class TableArgs(ArgsSchema):
    """The parameters of a list that answers CSV too."""

    format = format_field()


class EventFilterArgs(ArgsSchema):
    """Filters shared by /api/events and the timeline exports."""

    story = story_field("events of this story")
    from_ = DateParameter(
        data_key="from",
        load_default=None,
        metadata={
            "description": "events that may end on or after this date (EDTF or ISO 8601; "
            "an instant with an offset such as 2014-12-15T22:00:00Z is compared in UTC)",
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
    q = query_field()
    sort = ma.fields.String(
        load_default=None,
        validate=ma.validate.OneOf(["date", "-date", "label", "relevance"]),
        metadata={
            "description": "`date`, `-date`, `label` or `relevance` (best match of `q` first: "
            "more words of `q` in the label, then whole words before word starts before "
            "parts of words, the label before the rest; ties by date, then id). Default: "
            "`relevance` with `q`, else `date`"
        },
    )
    limit = ma.fields.Integer(load_default=50, validate=ma.validate.Range(1, MAX_LIMIT))
    next = ma.fields.String(
        load_default=None,
        validate=ma.validate.Length(1, 500),
        metadata={"description": "the `next` token of the previous page"},
    )

    @ma.validates_schema
    def _relevance_needs_words(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("sort") == "relevance" and not query_words(data.get("q") or ""):
            raise ma.ValidationError("sort=relevance ranks the matches of q: give q", "sort")

    @ma.post_load
    def _default_sort(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        if data.get("sort") is None:
            data["sort"] = "relevance" if query_words(data.get("q") or "") else "date"
        return data


class EventListArgs(EventFilterArgs, TableArgs):
    """/api/events: the filters, and JSON or CSV."""


#: The most events /api/timeline/timelinejs returns in one body (TimelineJS cannot page).
TIMELINEJS_MAX_EVENTS = 2000


class TimelineJsArgs(EventFilterArgs):
    limit = ma.fields.Integer(
        load_default=None,
        validate=ma.validate.Range(1, MAX_LIMIT),
        metadata={
            "description": "events per page (with `next` and a Link header). Without it the "
            f"whole selection, up to {TIMELINEJS_MAX_EVENTS:,} events: TimelineJS cannot page"
        },
    )


class TimelineArgs(EventFilterArgs):
    lens = lens_field("whose links the timeline draws between its events")


class LinkListArgs(TableArgs):
    """Filters of /api/links: no status by default -- the list shows every link, contested and
    unsupported ones too (the analyses' default differs: they follow links as facts)."""

    status = DelimitedList(
        ma.fields.String(validate=ma.validate.OneOf(STATUSES)),
        load_default=list,
        metadata={
            "description": "links with one of these statuses (comma-separated). No default: "
            "without it the list holds links of every status, contested and unsupported ones "
            "too -- unlike the analyses, which follow only supported and qualified links "
            "unless told otherwise"
        },
    )
    kind = DelimitedList(
        ma.fields.String(validate=ma.validate.OneOf(KINDS)),
        load_default=list,
        metadata={"description": "links of one of these kinds (comma-separated; no default)"},
    )
    asserter = _ids("links asserted by one of these publications or actors (`asserted_by` ids)")
    narrative = _ids("links of one of these narratives (/api/narratives ids)")
    story = story_field("links of this story")
    event = _ids("links whose cause or effect is one of these event ids")
    limit = ma.fields.Integer(
        load_default=MAX_LINKS,
        validate=ma.validate.Range(1, MAX_LINKS),
        metadata={"description": "links per page (in id order)"},
    )
    next = ma.fields.String(
        load_default=None,
        validate=ma.validate.Length(1, 500),
        metadata={"description": "the `next` token of the previous page"},
    )


class ClaimArgs(TableArgs):
    verdict = DelimitedList(
        ma.fields.String(validate=ma.validate.OneOf(VERDICTS)), load_default=list
    )
    about = _ids("event ids the claims are about")
    story = story_field("claims of this story")


#: The statuses an analysis follows unless told otherwise: the links the graph states as facts,
#: as graph.causal does by default (a contested link is never presented as established).
DEFAULT_STATUSES = [status for status in STATUSES if status in vocab.ASSERTED_STATUSES]


def _link_statuses(description: str) -> DelimitedList:
    return DelimitedList(
        ma.fields.String(validate=ma.validate.OneOf(STATUSES)),
        load_default=list,
        metadata={
            "description": f"{description}: the statuses kept, within the lens (comma-separated; "
            "default: every status the lens holds -- under the default lens, evidence, that is "
            f"{', '.join(DEFAULT_STATUSES)}). Given without `lens`, the lens is `all`: "
            "`status=contested` alone follows the contested links",
        },
    )


class LensArgs(ArgsSchema):
    """Parameters with a ``lens`` and a ``status`` that narrows it (the subclass declares
    both): ``lens=evidence`` holds supported and qualified links only, so asking it for others
    is a mistake (`status` alone, or `lens=all`, is what was meant), not an empty answer."""

    @ma.validates_schema
    def _status_within_lens(self, data: dict[str, Any], **kwargs: Any) -> None:
        problem = statuses_outside_lens(data.get("lens"), data.get("status") or ())
        if problem is not None:
            raise ma.ValidationError(f"{problem}: use lens=all or a narrative", "status")


class LinkFilterArgs(LensArgs):
    """Which links an analysis follows: a lens, narrowed by status and kind."""

    lens = lens_field("whose account the analysis follows")
    status = _link_statuses("follow only links with these statuses")
    story = story_field("follow only links between events of this story")

    kind = DelimitedList(
        ma.fields.String(validate=ma.validate.OneOf(EDGE_KINDS)),
        load_default=list,
        metadata={
            "description": "follow only these kinds (default: causes, enables, prevents, "
            "contributes_to, and part_of: the structural edge from a sub-event to the event it "
            "is part of, not a link)",
            "default": [kind for kind in EDGE_KINDS if kind in vocab.FOLLOWED_KINDS],
        },
    )


class LongestChainArgs(LinkFilterArgs, TableArgs):
    """/api/longest-chain: the link filters, and JSON or CSV."""


class ConsistencyArgs(TableArgs):
    """/api/consistency: JSON or CSV."""


class ChainArgs(LinkFilterArgs, TableArgs):
    source = ma.fields.String(required=True, validate=ma.validate.Length(1, 200))
    target = ma.fields.String(required=True, validate=ma.validate.Length(1, 200))
    max_depth = ma.fields.Integer(load_default=6, validate=ma.validate.Range(1, 12))
    limit = ma.fields.Integer(load_default=10, validate=ma.validate.Range(1, 100))


class ReachArgs(LinkFilterArgs, TableArgs):
    max_depth = ma.fields.Integer(load_default=None, validate=ma.validate.Range(1, 100))
    limit = ma.fields.Integer(load_default=1000, validate=ma.validate.Range(1, 10_000))


class DriverArgs(LinkFilterArgs, TableArgs):
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


class CompareArgs(PairArgs, LensArgs):
    lens = lens_field("whose account the causes and effects come from")
    status = _link_statuses("list only the causes and effects linked with these statuses")


class GraphArgs(LinkFilterArgs):
    focus = ma.fields.String(
        load_default=None,
        validate=ma.validate.Length(1, 200),
        metadata={
            "description": "the event at the centre, with every event within `depth` links. "
            "Without `focus` and `chain`, the whole graph (under the lens, status, kind and "
            "story filters)"
        },
    )
    depth = ma.fields.Integer(load_default=1, validate=ma.validate.Range(0, 6))
    chain = DelimitedList(
        ma.fields.String(validate=ma.validate.Length(1, 200)),
        load_default=list,
        validate=ma.validate.Length(max=50),
    )
    limit = ma.fields.Integer(
        load_default=MAX_SELECT_EVENTS,
        validate=ma.validate.Range(1, MAX_SELECT_EVENTS),
        metadata={
            "description": "the most events drawn besides `focus` (the nearest first), or of "
            "the whole graph (the best connected first); when it cuts the selection the "
            "answer says so: `truncated` and `total` in JSON, a note in DOT and SVG"
        },
    )
    format = ma.fields.String(
        load_default="cytoscape", validate=ma.validate.OneOf(["cytoscape", "dot", "svg"])
    )

    @ma.validates_schema
    def _one_selection(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("focus") and data.get("chain"):
            raise ma.ValidationError(
                "give focus (with depth) or chain, not both; neither draws the whole graph",
                "focus",
            )
