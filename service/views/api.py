"""``/api``: events, the event resource (Linked Data), links, timelines and claims.

Views parse (the schemas in :mod:`service.schemas`), make one :mod:`graph` call, serialize.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any, cast
from urllib.parse import urlencode

from flask import Response, current_app, render_template, request
from flask.typing import ResponseReturnValue

from graph.causal import is_evidence, lens_links
from graph.causal.lens import ALL, EVIDENCE
from graph.data import Event, Link, Story
from graph.data import find_story as find_dataset_story
from graph.errors import UnknownEventError, did_you_mean
from graph.pipeline import BuiltGraph
from graph.store import GRAPH_MEDIA_TYPES
from graph.timeline import (
    MAX_LIMIT,
    EventPage,
    Labels,
    LinkPage,
    claim_record,
    claim_reviews,
    event_detail,
    event_graph,
    event_summary,
    link_resource,
    links_by_event,
    page_context,
    query_events,
    select_links,
    to_timelinejs,
    to_vis_items,
)
from service.errors import ProblemError, not_acceptable
from service.negotiation import choose
from service.openapi import ApiBlueprint, csv_doc
from service.runtime.state import built
from service.schemas import (
    TIMELINEJS_MAX_EVENTS,
    ClaimArgs,
    ClaimListSchema,
    ClaimReviewDocumentSchema,
    EventDetailSchema,
    EventListArgs,
    EventPageSchema,
    LinkListArgs,
    LinkPageSchema,
    TimelineArgs,
    TimelineJsArgs,
    TimelineJsSchema,
    TimelineSchema,
)
from service.tables import CSV, claim_row, csv_response, event_row, link_row, wants_csv
from service.views.pagecache import cached_page

bp = ApiBlueprint(
    "api", __name__, url_prefix="/api", description="Events, links, timelines and claims"
)

_EVENT_TYPES = ["application/json", *GRAPH_MEDIA_TYPES, "text/html"]
_CLAIM_TYPES = ["application/json", "application/ld+json", CSV]


def labels() -> Labels:
    """Labels of the dataset's lists, built once per data version."""
    data = built()
    return data.remember("labels", lambda: Labels.of(data.dataset))


def lens_link_ids(data: BuiltGraph, lens: str) -> frozenset[str]:
    """The ids of the links under ``lens`` (an unknown lens is a 404), once per data version."""
    return data.remember(
        ("lens-links", lens), lambda: frozenset(link.id for link in lens_links(data.dataset, lens))
    )


def lens_filter(data: BuiltGraph, lens: str) -> Callable[[Link], bool] | None:
    """Whether a link is under ``lens`` (``None``: every link is). The evidence lens is a test
    of the link's status, so a timeline page never needs every link of the data (decoded one
    by one from a snapshot, that takes seconds at a million events); a narrative's links are
    collected once per data version."""
    if lens == ALL:
        return None
    if lens == EVIDENCE:
        return is_evidence
    ids = lens_link_ids(data, lens)
    return lambda link: link.id in ids


def find_story(story_id: str) -> Story:
    """The story ``story_id`` of the data being served; an unknown one is a 404 problem."""
    return find_dataset_story(built().dataset, story_id)


#: The id filters checked against the dataset: parameter -> (what it names, its known ids).
ID_FILTERS: dict[str, tuple[str, Callable[[BuiltGraph], Iterable[str]]]] = {
    "type": ("event type", lambda data: (c.id for c in data.dataset.event_types)),
    "actor": ("actor", lambda data: (a.id for a in data.dataset.actors)),
    "place": ("place", lambda data: (p.id for p in data.dataset.places)),
    "lane": ("lane", lambda data: (c.id for c in data.dataset.lanes)),
    "about": ("event", lambda data: (e.id for e in data.dataset.events)),
    "include": ("event", lambda data: (e.id for e in data.dataset.events)),
}


UNKNOWN_IDS = "An invalid parameter, or an id the data does not have (a problem naming it)"


def check_ids(args: dict[str, Any]) -> None:
    """A 400 problem naming every id filter of ``args`` (see :data:`ID_FILTERS`) given an id
    the data does not have, with the closest known id: a typo is not an empty answer."""
    data, errors = built(), []
    for name, (noun, ids) in ID_FILTERS.items():
        if not args.get(name):
            continue
        if noun == "event":  # (looked up: no set of every event id, unless one is unknown)
            unknown = [value for value in args[name] if not _has_event(data, value)]
        else:
            unknown = [value for value in args[name] if value not in _known(data, name, ids)]
        for value in unknown:
            known = _known(data, name, ids)
            message = f"unknown {noun} {value!r}{did_you_mean(value, sorted(known))}"
            errors.append({"parameter": name, "location": "query", "messages": [message]})
    if errors:
        detail = "; ".join(f"{e['parameter']}: {e['messages'][0]}" for e in errors)
        raise ProblemError(400, "invalid-parameters", "Invalid parameters", detail, errors=errors)


def _known(
    data: BuiltGraph, name: str, ids: Callable[[BuiltGraph], Iterable[str]]
) -> frozenset[str]:
    """The ids filter ``name`` may name, once per data version."""
    return data.remember(("known-ids", name), lambda: frozenset(ids(data)))


def _has_event(data: BuiltGraph, event_id: str) -> bool:
    try:
        data.dataset.event(event_id)
    except KeyError:
        return False
    return True


def find_page(args: dict[str, Any], *, count_total: bool = False) -> EventPage:
    """The page of events the filter arguments select (one call into graph.timeline.paging)."""
    story = args.get("story")
    if story is not None:
        find_story(story)
    check_ids(args)
    return query_events(
        built().index,
        start=args["from_"],
        end=args["to"],
        types=args["type"],
        actors=args["actor"],
        places=args["place"],
        tags=args["tag"],
        lanes=args["lane"],
        statuses=args["status"],
        stories=() if story is None else (story,),
        text=args["q"],
        sort=args["sort"],
        limit=args["limit"],
        after=args["next"],
        count_total=count_total,
    )


def find_selection(args: dict[str, Any], cap: int) -> EventPage:
    """The events the filter arguments select from ``next`` on, at most ``cap`` of them, read
    page by page; ``total`` counts the whole selection, ``next`` follows the last one read."""
    first = find_page({**args, "limit": min(cap, MAX_LIMIT)}, count_total=True)
    events, after = list(first.events), first.next
    while after is not None and len(events) < cap:
        page = find_page({**args, "limit": min(cap - len(events), MAX_LIMIT), "next": after})
        events.extend(page.events)
        after = page.next
    return EventPage(tuple(events), after, len(events), first.total)


def _next_link(page: EventPage | LinkPage) -> dict[str, str]:
    if page.next is None:
        return {}
    query = {key: value for key, value in request.args.items() if key != "next"}
    url = f"{request.base_url}?{urlencode({**query, 'next': page.next})}"
    return {"Link": f'<{url}>; rel="next"'}


@bp.get("/events")
@cached_page
@bp.arguments(EventListArgs, location="query", as_kwargs=False)
@bp.response(200, EventPageSchema)
@csv_doc("events")
@bp.alt_response(400, description=UNKNOWN_IDS)
def list_events(args: dict[str, Any]) -> ResponseReturnValue:
    """Events matching the filters, in pages (keyset paging: follow `next` or the Link header),
    as JSON or as CSV (`format=csv` or `Accept: text/csv`)."""
    page = find_page(args)
    events = [event_summary(e) for e in page.events]
    if wants_csv(args):
        return csv_response("events", map(event_row, events), _next_link(page))
    body = {"events": events, "count": page.count, "next": page.next}
    return body, 200, {**_next_link(page), "Vary": "Accept"}


@bp.get("/links")
@cached_page
@bp.arguments(LinkListArgs, location="query", as_kwargs=False)
@bp.response(200, LinkPageSchema)
@csv_doc("links")
def list_links(args: dict[str, Any]) -> ResponseReturnValue:
    """The causal links matching the filters, each with its events, asserters and sources, in
    id order and in pages (keyset paging: follow `next` or the Link header), as JSON or CSV.

    Every status is listed unless `status` says otherwise: contested and unsupported links are
    shown here (with who asserts them), whereas the analyses follow only the links the graph
    states as facts unless told otherwise."""
    dataset = built().dataset
    if args["story"] is not None:
        find_story(args["story"])
    page = select_links(
        dataset,
        statuses=args["status"],
        kinds=args["kind"],
        asserters=args["asserter"],
        narratives=args["narrative"],
        stories=() if args["story"] is None else (args["story"],),
        events=args["event"],
        limit=args["limit"],
        after=args["next"],
    )
    names = labels()
    links = [link_resource(link, names, dataset.narratives_of(link.id)) for link in page.links]
    if wants_csv(args):
        return csv_response("links", map(link_row, links), _next_link(page))
    body = {"links": links, "count": page.count, "next": page.next}
    return body, 200, {**_next_link(page), "Vary": "Accept"}


def find_event(event_id: str) -> Event:
    try:
        return built().index.event(event_id)
    except KeyError:
        events = built().index.events
        raise UnknownEventError.among(event_id, (e.id for e in events), len(events)) from None


@bp.get("/events/<event_id>")
@bp.response(200, EventDetailSchema, content_type="application/json")
@bp.alt_response(406, description="None of the accepted media types is available")
def get_event(event_id: str) -> ResponseReturnValue:
    """One event with its figures, sources, claims and causal links.

    Linked Data: `application/json` (default), `text/turtle`, `application/ld+json`,
    `application/n-triples`, `application/rdf+xml`, or `text/html` for the event page.
    """
    event = find_event(event_id)
    chosen = choose(request.headers.get("Accept"), _EVENT_TYPES)
    if chosen is None:
        raise not_acceptable("the event is available as " + ", ".join(_EVENT_TYPES))
    data = built()
    if chosen in GRAPH_MEDIA_TYPES:
        graph = event_graph(data.store, data.dataset, event.id)
        body = graph.serialize(format=GRAPH_MEDIA_TYPES[chosen], encoding="utf-8")
        return _vary(Response(body, content_type=f"{chosen}; charset=utf-8"))
    links = data.remember("links-by-event", lambda: links_by_event(data.dataset))
    detail = event_detail(data.dataset, event, labels(), links.get(event.id, []))
    if chosen == "text/html":
        page = render_template(
            "event.html", event=page_context(detail), dataset_title=data.dataset.info.title
        )
        return _vary(Response(page, content_type="text/html; charset=utf-8"))
    # The JSON provider's response() is typed as werkzeug's base class; it makes app.response_class.
    return _vary(cast(Response, current_app.json.response(detail)))


def _vary(response: Response) -> Response:
    response.vary.add("Accept")
    return response


@bp.get("/timeline")
@cached_page
@bp.arguments(TimelineArgs, location="query", as_kwargs=False)
@bp.response(200, TimelineSchema)
@bp.alt_response(400, description=UNKNOWN_IDS)
def timeline(args: dict[str, Any]) -> ResponseReturnValue:
    """The selected events as vis-timeline items, lanes as groups, and the causal links between
    them (for arrows) under `lens`: by default the evidence's (supported and qualified), or
    every link (`all`), or one narrative's. Month- and year-precision events span their period
    and say so."""
    data = built()
    lens = args.pop("lens") or "evidence"
    kept = lens_filter(data, lens)
    page = find_page(args)
    links = [link for link in data.index.links_among(page.events) if kept is None or kept(link)]
    body = to_vis_items(page.events, links, lanes=data.dataset.lanes, importance=data.importance())
    return {**body, "count": page.count, "next": page.next}, 200, _next_link(page)


@bp.get("/timeline/timelinejs")
@cached_page
@bp.arguments(TimelineJsArgs, location="query", as_kwargs=False)
@bp.response(200, TimelineJsSchema)
@bp.alt_response(400, description=UNKNOWN_IDS)
def timelinejs(args: dict[str, Any]) -> ResponseReturnValue:
    """The same selection as TimelineJS3 JSON (partial dates, display dates, groups, eras).

    TimelineJS cannot page, so without `limit` the body holds the whole selection, up to
    2,000 events (`TIMELINEJS_MAX_EVENTS`); `count`, `total` and `truncated` say whether it
    was cut (TimelineJS ignores them). With `limit`, one page and a `next` Link, as elsewhere.
    """
    if args["limit"] is None:
        page = find_selection(args, TIMELINEJS_MAX_EVENTS)
    else:
        page = find_page(args, count_total=True)
    data = built()
    body = to_timelinejs(page.events, title=data.dataset.info.title, lanes=data.dataset.lanes)
    total = page.total if page.total is not None else page.count
    counts = {"count": page.count, "total": total, "truncated": page.next is not None}
    return {**body, **counts}, 200, _next_link(page)


@bp.get("/claims")
@bp.arguments(ClaimArgs, location="query", as_kwargs=False)
@bp.alt_response(400, description=UNKNOWN_IDS)
@bp.response(200, ClaimListSchema, content_type="application/json")
@bp.doc(
    responses={200: {"content": {"application/ld+json": {"schema": ClaimReviewDocumentSchema}}}}
)
@csv_doc("claims")
@bp.alt_response(406, description="None of the accepted media types is available")
def list_claims(args: dict[str, Any]) -> ResponseReturnValue:
    """The publications' claims with verdicts, evidence and the events they are about.

    `application/json` (default), or `application/ld+json`: each claim a schema.org
    `ClaimReview` of the publication (`itemReviewed`, a `CreativeWork`) with a `reviewRating`
    whose `alternateName` is the verdict; the `@context` is inline; or `text/csv` (also
    `format=csv`; `format=json` is the plain JSON whatever `Accept` says). The filters apply
    to all.
    """
    formats = {"json": "application/json", "csv": CSV}
    chosen = formats.get(args.get("format", "")) or choose(
        request.headers.get("Accept"), _CLAIM_TYPES
    )
    if chosen is None:
        raise not_acceptable("the claims are available as " + ", ".join(_CLAIM_TYPES))
    check_ids(args)
    verdicts, about = set(args["verdict"]), set(args["about"])
    dataset = built().dataset
    within = None if args["story"] is None else set(find_story(args["story"]).claims)
    selected = [
        claim
        for claim in dataset.claims
        if (not verdicts or claim.verdict in verdicts)
        and (not about or about & set(claim.about))
        and (within is None or claim.id in within)
    ]
    if chosen == "application/ld+json":
        body = json.dumps(claim_reviews(dataset, selected), ensure_ascii=False)
        return _vary(Response(body, content_type="application/ld+json; charset=utf-8"))
    claims = [claim_record(claim) for claim in selected]
    if chosen == CSV:
        return csv_response("claims", map(claim_row, claims))
    return {"claims": claims, "count": len(claims)}, 200, {"Vary": "Accept"}
