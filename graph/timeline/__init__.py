"""Events as people page through them: filtered, keyset-paged queries and their JSON shapes.

:mod:`~graph.timeline.paging` answers event queries from an in-memory
:class:`EventIndex` (flat arrays built by :mod:`~graph.timeline.indexing`, page tokens from
:mod:`~graph.timeline.pagetoken`); :mod:`~graph.timeline.formats` shapes a page for
vis-timeline and TimelineJS3; :mod:`~graph.timeline.records` makes the JSON records of
events, links and claims that the HTTP API and pages return, :mod:`~graph.timeline.links`
the filtered list of links, and
:mod:`~graph.timeline.claimreview` the claims as schema.org ``ClaimReview`` JSON-LD;
:mod:`~graph.timeline.search` matches and ranks events by the words of a query.

This package imports :mod:`graph.data`, :mod:`graph.rdf` and :mod:`graph.store`.
"""

from graph.timeline.claimreview import claim_reviews
from graph.timeline.formats import display_date, to_timelinejs, to_vis_items
from graph.timeline.links import (
    MAX_LINKS,
    LinkPage,
    asserter_record,
    link_resource,
    select_links,
)
from graph.timeline.paging import MAX_LIMIT, EventIndex, EventPage, query_events, search_events
from graph.timeline.records import (
    Labels,
    claim_record,
    event_detail,
    event_graph,
    event_summary,
    links_by_event,
    page_context,
    source_record,
    story_record,
)
from graph.timeline.search import SearchHit, fold, query_words, rank_matches

__all__ = [
    "MAX_LIMIT",
    "MAX_LINKS",
    "EventIndex",
    "EventPage",
    "Labels",
    "LinkPage",
    "SearchHit",
    "asserter_record",
    "claim_record",
    "claim_reviews",
    "display_date",
    "event_detail",
    "event_graph",
    "event_summary",
    "fold",
    "link_resource",
    "links_by_event",
    "page_context",
    "query_events",
    "query_words",
    "rank_matches",
    "search_events",
    "select_links",
    "source_record",
    "story_record",
    "to_timelinejs",
    "to_vis_items",
]
