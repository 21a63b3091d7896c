"""The timeline exports (graph.timeline.formats): whole vis-timeline and TimelineJS
bodies, TimelineJS eras and HTML escaping."""

import dataclasses
import datetime as dt

from graph.data.dates import parse_date
from graph.data.model import Concept
from graph.timeline.formats import Era, to_timelinejs, to_vis_items
from graph.timeline.paging import query_events


def test_vis_items_of_tiny(tiny, tiny_index):
    page = query_events(tiny_index)
    assert to_vis_items(page.events, tiny.links, lanes=tiny.lanes) == {
        "items": [
            {
                "id": "opec-no-cut",
                "content": "OPEC decides not to cut output",
                "start": "2014-11-27",
                "type": "point",
                "className": "precision-day",
                "title": "27 November 2014",
                "group": "oil",
                "precision": "day",
                "edtf": "2014-11-27",
            },
            {
                "id": "oil-below-60",
                "content": "Brent falls below $60",
                "start": "2014-12-12",
                "end": "2014-12-17",
                "type": "range",
                "className": "precision-interval",
                "title": "12-16 December 2014",
                "group": "oil",
                "precision": "interval",
                "edtf": "2014-12-12/2014-12-16",
            },
            {
                "id": "ruble-falls",
                "content": "Ruble&#x27;s record one-day fall",
                "start": "2014-12-15",
                "type": "point",
                "className": "precision-day",
                "title": "15 December 2014",
                "group": "markets",
                "precision": "day",
                "edtf": "2014-12-15",
            },
            {
                "id": "rate-hike",
                "content": "Bank of Russia raises its key rate to 17 %",
                "start": "2014-12-16T01:00:00+03:00",
                "type": "point",
                "className": "precision-instant",
                "title": "16 December 2014, 01:00 MSK (UTC+03:00)",
                "group": "monetary-policy",
                "precision": "instant",
                "edtf": "2014-12-16T01:00:00+03:00",
            },
        ],
        "groups": [
            {"id": "oil", "content": "Oil", "order": 0},
            {"id": "monetary-policy", "content": "Monetary policy", "order": 1},
            {"id": "markets", "content": "Markets", "order": 2},
        ],
        "links": [
            {
                "id": "opec-to-oil",
                "from": "opec-no-cut",
                "to": "oil-below-60",
                "kind": "causes",
                "confidence": 0.9,
                "status": "supported",
            },
            {
                "id": "oil-to-ruble",
                "from": "oil-below-60",
                "to": "ruble-falls",
                "kind": "contributes_to",
                "confidence": 0.75,
                "status": "qualified",
            },
            {
                "id": "ruble-to-hike",
                "from": "ruble-falls",
                "to": "rate-hike",
                "kind": "causes",
                "confidence": 0.9,
                "status": "supported",
            },
        ],
    }


def test_vis_links_need_both_ends_shown(tiny, tiny_index):
    page = query_events(tiny_index, lanes=["oil", "markets"])
    vis = to_vis_items(page.events, tiny.links, lanes=tiny.lanes)
    assert [link["id"] for link in vis["links"]] == ["opec-to-oil", "oil-to-ruble"]


def test_timelinejs_of_tiny(tiny, tiny_index):
    page = query_events(tiny_index)
    assert to_timelinejs(page.events, title=tiny.info.title, lanes=tiny.lanes) == {
        "title": {"text": {"headline": "Tiny ruble crisis", "text": ""}},
        "events": [
            {
                "unique_id": "opec-no-cut",
                "start_date": {"year": 2014, "month": 11, "day": 27},
                "display_date": "27 November 2014",
                "text": {"headline": "OPEC decides not to cut output", "text": ""},
                "group": "Oil",
            },
            {
                "unique_id": "oil-below-60",
                "start_date": {"year": 2014, "month": 12, "day": 12},
                "end_date": {"year": 2014, "month": 12, "day": 16},
                "display_date": "12-16 December 2014",
                "text": {"headline": "Brent falls below $60", "text": ""},
                "group": "Oil",
            },
            {
                "unique_id": "ruble-falls",
                "start_date": {"year": 2014, "month": 12, "day": 15},
                "display_date": "15 December 2014",
                "text": {"headline": "Ruble&#x27;s record one-day fall", "text": ""},
                "group": "Markets",
            },
            {
                "unique_id": "rate-hike",
                "start_date": {
                    "year": 2014,
                    "month": 12,
                    "day": 16,
                    "hour": 1,
                    "minute": 0,
                    "second": 0,
                },
                "display_date": "16 December 2014, 01:00 MSK (UTC+03:00)",
                "text": {"headline": "Bank of Russia raises its key rate to 17 %", "text": ""},
                "group": "Monetary policy",
            },
        ],
        "eras": [
            {
                "start_date": {"year": 2014, "month": 1, "day": 1},
                "end_date": {"year": 2014, "month": 12, "day": 31},
                "text": {"headline": "2014", "text": ""},
            }
        ],
    }


def test_timelinejs_eras_follow_the_selection(real, real_index):
    def eras(**query):
        page = query_events(real_index, limit=1000, **query)
        return [
            e["text"]["headline"] for e in to_timelinejs(page.events, title="t", lanes=())["eras"]
        ]

    assert eras() == ["The 1990s", "2014"]
    assert eras(end=parse_date("1999")) == ["The 1990s"]
    assert eras(start=parse_date("2000"), end=parse_date("2013")) == []
    custom = to_timelinejs([], title="t", lanes=(), eras=[Era("all", dt.date.min, dt.date.max)])
    assert custom["eras"] == []


def test_exports_escape_html(tiny):
    event = dataclasses.replace(
        tiny.events[0], label="<b>Cut</b> & run", description='Said "no" <script>'
    )
    lane = Concept("oil", "Oil & gas")
    item = to_vis_items([event], [], lanes=[lane])
    assert item["items"][0]["content"] == "&lt;b&gt;Cut&lt;/b&gt; &amp; run"
    assert item["groups"] == [{"id": "oil", "content": "Oil &amp; gas", "order": 0}]
    slide = to_timelinejs([event], title="A <i>story</i>", lanes=[lane])
    assert slide["title"]["text"]["headline"] == "A &lt;i&gt;story&lt;/i&gt;"
    assert slide["events"][0]["text"] == {
        "headline": "&lt;b&gt;Cut&lt;/b&gt; &amp; run",
        "text": "Said &quot;no&quot; &lt;script&gt;",
    }
    assert slide["events"][0]["group"] == "Oil &amp; gas"
