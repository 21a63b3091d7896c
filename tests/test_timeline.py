import dataclasses
import datetime as dt
import itertools
import random

import pytest

from graph.data.dates import parse_date
from graph.data.model import Concept, Dataset, Event
from graph.errors import EkgError, PageTokenError
from graph.timeline.formats import (
    Era,
    EventIndex,
    display_date,
    query_events,
    to_timelinejs,
    to_vis_items,
)


@pytest.fixture(scope="module")
def tiny_index(tiny: Dataset) -> EventIndex:
    return EventIndex.from_dataset(tiny)


@pytest.fixture(scope="module")
def real_index(real: Dataset) -> EventIndex:
    return EventIndex.from_dataset(real)


def ids(events) -> list[str]:
    return [event.id for event in events]


def expected(dataset: Dataset, *, start=None, end=None, text=None, sort="date", **facets):
    """The matching event ids, the slow and obvious way (the reference for query_events)."""
    low = start.start.earliest if start else dt.datetime.min
    high = end.finish.latest if end else dt.datetime.max
    statuses = {e.id: set() for e in dataset.events}
    for link in dataset.links:
        statuses[link.cause].add(link.status)
        statuses[link.effect].add(link.status)
    actors = {a.id: a.label for a in dataset.actors}
    places = {p.id: p.label for p in dataset.places}

    def values(e: Event) -> dict[str, set]:
        return {
            "types": {e.type},
            "lanes": {e.lane},
            "places": {e.place},
            "actors": set(e.actors),
            "tags": set(e.tags),
            "statuses": statuses[e.id],
        }

    def searchable(e: Event) -> str:
        words = [e.label, e.description or "", *e.tags, *(actors[a] for a in e.actors)]
        return " ".join([*words, places.get(e.place, "")]).casefold()

    kept = [
        e
        for e in dataset.events
        if e.date.start.earliest <= high
        and e.date.finish.latest >= low
        and all(values(e)[f] & _values(wanted) for f, wanted in facets.items() if wanted)
        and (not text or text.casefold() in searchable(e))
    ]
    if sort == "label":
        kept.sort(key=lambda e: (e.label.casefold(), e.id))
    else:
        kept.sort(key=lambda e: (e.date.start.earliest, e.id), reverse=sort == "-date")
    return ids(kept)


def _values(wanted) -> set[str]:
    return {wanted} if isinstance(wanted, str) else set(wanted)


def walk(index: EventIndex, limit: int, **query) -> list[str]:
    """Every page of a query, following ``next`` until there is none."""
    seen, after = [], None
    while True:
        page = query_events(index, limit=limit, after=after, **query)
        assert page.count == len(page.events) <= limit
        seen += ids(page.events)
        if page.next is None:
            return seen
        after = page.next


# -- whole JSON bodies on the tiny dataset ---------------------------------------------------


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


# -- precision rendering ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("edtf", "start", "end", "kind", "class_name", "title", "precision"),
    [
        ("2014-12-15", "2014-12-15", None, "point", "precision-day", "15 December 2014", "day"),
        (
            "2014-12",
            "2014-12-01",
            "2015-01-01",
            "range",
            "precision-month",
            "some time in December 2014",
            "month",
        ),
        (
            "2016-02",
            "2016-02-01",
            "2016-03-01",
            "range",
            "precision-month",
            "some time in February 2016",
            "month",
        ),
        (
            "1998",
            "1998-01-01",
            "1999-01-01",
            "range",
            "precision-year",
            "some time in 1998",
            "year",
        ),
        (
            "2014-12-16T01:00:00+03:00",
            "2014-12-16T01:00:00+03:00",
            None,
            "point",
            "precision-instant",
            "16 December 2014, 01:00 MSK (UTC+03:00)",
            "instant",
        ),
        (
            "2014-12-16T10:42:30Z",
            "2014-12-16T10:42:30+00:00",
            None,
            "point",
            "precision-instant",
            "16 December 2014, 10:42:30 UTC",
            "instant",
        ),
        (
            "2014-07-29/2014-08-01",
            "2014-07-29",
            "2014-08-02",
            "range",
            "precision-interval",
            "29 July - 1 August 2014",
            "interval",
        ),
        (
            "1990-08/1990-09",
            "1990-08-01",
            "1990-10-01",
            "range",
            "precision-interval",
            "August - September 1990",
            "interval",
        ),
        (
            "1917/1991",
            "1917-01-01",
            "1992-01-01",
            "range",
            "precision-interval",
            "1917-1991",
            "interval",
        ),
        (
            "2014-12-16~",
            "2014-12-16",
            None,
            "point",
            "precision-day approximate",
            "about 16 December 2014",
            "day",
        ),
        (
            "2014-12~",
            "2014-12-01",
            "2015-01-01",
            "range",
            "precision-month approximate",
            "some time around December 2014",
            "month",
        ),
        (
            "1998?",
            "1998-01-01",
            "1999-01-01",
            "range",
            "precision-year uncertain",
            "some time in 1998 (uncertain)",
            "year",
        ),
        (
            "1917-11-07%",
            "1917-11-07",
            None,
            "point",
            "precision-day approximate uncertain",
            "about 7 November 1917 (uncertain)",
            "day",
        ),
        (
            "2014-02~/2014-03~",
            "2014-02-01",
            "2014-04-01",
            "range",
            "precision-interval approximate",
            "about February - March 2014",
            "interval",
        ),
    ],
)
def test_vis_precision(tiny, edtf, start, end, kind, class_name, title, precision):
    event = dataclasses.replace(tiny.events[0], date=parse_date(edtf))
    item = to_vis_items([event], [], lanes=())["items"][0]
    shown = {"start": start, "end": end, "type": kind, "className": class_name, "title": title}
    assert {key: item.get(key) for key in shown} == shown
    assert (item["precision"], item["edtf"]) == (precision, edtf)


@pytest.mark.parametrize(
    ("edtf", "start_date", "end_date", "shown"),
    [
        ("1998", {"year": 1998}, None, "1998"),
        ("2014-12", {"year": 2014, "month": 12}, None, "December 2014"),
        ("2014-12-15", {"year": 2014, "month": 12, "day": 15}, None, "15 December 2014"),
        (
            "1999-12-31T12:00:00+03:00",
            {"year": 1999, "month": 12, "day": 31, "hour": 12, "minute": 0, "second": 0},
            None,
            "31 December 1999, 12:00 MSK (UTC+03:00)",
        ),
        (
            "2014-12-16T01:00:00-05:30",
            {"year": 2014, "month": 12, "day": 16, "hour": 1, "minute": 0, "second": 0},
            None,
            "16 December 2014, 01:00 UTC-05:30",
        ),
        ("1990-08/1990-09", {"year": 1990, "month": 8}, {"year": 1990, "month": 9}, None),
        ("1917/1991", {"year": 1917}, {"year": 1991}, "1917-1991"),
        (
            "1993-09-21/1993-10-04",
            {"year": 1993, "month": 9, "day": 21},
            {"year": 1993, "month": 10, "day": 4},
            "21 September - 4 October 1993",
        ),
        (
            "2014-12-30/2015-01-02",
            {"year": 2014, "month": 12, "day": 30},
            {"year": 2015, "month": 1, "day": 2},
            "30 December 2014 - 2 January 2015",
        ),
        ("2014-12?", {"year": 2014, "month": 12}, None, "December 2014 (uncertain)"),
    ],
)
def test_timelinejs_precision(tiny, edtf, start_date, end_date, shown):
    event = dataclasses.replace(tiny.events[0], date=parse_date(edtf))
    slide = to_timelinejs([event], title="t", lanes=())["events"][0]
    assert slide["start_date"] == start_date
    assert slide.get("end_date") == end_date
    assert slide["display_date"] == (shown or display_date(event.date))


def test_display_date_of_a_floating_instant():
    assert display_date(parse_date("2014-12-16T01:00:00")) == "16 December 2014, 01:00"


# -- the index and queries on the real data --------------------------------------------------


def test_index_is_sorted_and_looks_up_ids(real, real_index):
    assert len(real_index) == len(real.events)
    keys = [(e.date.start.earliest, e.id) for e in real_index.events]
    assert keys == sorted(keys)
    assert real_index.event("cbr-hike-to-17") == real.event("cbr-hike-to-17")
    with pytest.raises(KeyError):
        real_index.event("no-such-event")
    assert sorted(real_index.postings["lanes"]) == sorted(lane.id for lane in real.lanes)


def test_links_among_the_events_of_a_page(real, real_index):
    for query in ({}, {"lanes": ["markets", "monetary-policy"]}, {"text": "oil"}):
        page = query_events(real_index, limit=30, **query)
        shown = set(ids(page.events))
        among = real_index.links_among(page.events)
        assert sorted(k.id for k in among) == sorted(
            k.id for k in real.links if k.cause in shown and k.effect in shown
        )
        by_index = to_vis_items(page.events, among, lanes=())["links"]
        by_scan = to_vis_items(page.events, real.links, lanes=())["links"]
        assert sorted(by_index, key=str) == sorted(by_scan, key=str)


def test_link_statuses(real_index):
    assert real_index.link_statuses("ruble-black-monday") == {"supported", "qualified", "contested"}
    assert real_index.link_statuses("cbr-hike-to-17") == {"supported", "qualified"}
    with pytest.raises(KeyError):
        real_index.link_statuses("no-such-event")


def test_window_of_15_and_16_december(real_index):
    page = query_events(
        real_index, start=parse_date("2014-12-15"), end=parse_date("2014-12-16"), limit=100
    )
    assert ids(page.events) == [
        "oil-slides-to-60",  # 2014-12-12/2014-12-16: overlaps the window
        "cbr-repo-auction",
        "moscow-stocks-fall-dec-15",
        "ruble-black-monday",
        "bank-and-energy-shares-fall-dec-16",
        "cbr-shvetsov-calls-situation-critical",
        "kerry-ready-to-ease-sanctions",
        "moscow-stocks-slump-dec-16",
        "nabiullina-blames-external-factors",
        "ruble-black-tuesday",
        "white-house-says-obama-will-sign-ufsa",
        "cbr-hike-to-17",  # instants come after the day-precision events of their day
        "brent-below-60",
    ]
    assert (page.next, page.count, page.total) == (None, 13, None)


def test_window_keeps_events_that_may_fall_in_it(tiny):
    month = dataclasses.replace(tiny.events[0], id="some-day-in-dec", date=parse_date("2014-12"))
    year = dataclasses.replace(tiny.events[0], id="some-day-in-2014", date=parse_date("2014"))
    index = EventIndex.from_dataset(dataclasses.replace(tiny, events=(*tiny.events, month, year)))
    page = query_events(index, start=parse_date("2014-12-20"), end=parse_date("2014-12-21"))
    assert ids(page.events) == ["some-day-in-2014", "some-day-in-dec"]
    assert ids(query_events(index, end=parse_date("2014-11-30")).events) == [
        "some-day-in-2014",
        "opec-no-cut",
    ]


def test_events_of_the_bank_of_russia(real, real_index):
    page = query_events(real_index, actors=["bank-of-russia"], limit=100, count_total=True)
    assert ids(page.events) == expected(real, actors=["bank-of-russia"])
    assert page.count == page.total == 18
    assert "cbr-hike-to-17" in ids(page.events)


def test_text_search_is_case_insensitive(real, real_index):
    page = query_events(real_index, text="Ruble", limit=100, count_total=True)
    assert ids(page.events) == expected(real, text="ruble")
    assert page.total == 17
    assert ids(query_events(real_index, text="RUBLE", limit=100).events) == ids(page.events)


def test_text_search_covers_actor_and_place_labels(tiny_index):
    assert ids(query_events(tiny_index, text="vienna").events) == ["opec-no-cut"]
    assert ids(query_events(tiny_index, text="bank of russia").events) == ["rate-hike"]


@pytest.mark.parametrize(
    "query",
    [
        {"start": "2014-12-15", "end": "2014-12-16"},
        {"start": "1998-06", "end": "1998-07"},
        {"start": "1990-09-15", "end": "1990-09-15"},
        {"start": "2000-06-15"},
        {"end": "2003-05"},
        {"start": "2014-12-01", "lanes": ["markets", "oil"]},
        {"lanes": "markets"},
        {"types": ["key-rate-decision"], "sort": "-date"},
        {"places": ["moscow"], "tags": ["crisis-week"], "sort": "label"},
        {"statuses": ["contested"]},
        {"statuses": ["supported", "qualified"], "lanes": ["sanctions"]},
        {"text": "oil", "start": "2014-06", "sort": "-date"},
        {"text": "oil", "lanes": ["oil"], "end": "2014-12-01", "sort": "label"},
        {"lanes": ["no-such-lane"]},
    ],
)
def test_query_matches_the_reference(real, real_index, query):
    dates = {k: parse_date(v) for k, v in query.items() if k in ("start", "end")}
    query = {**query, **dates}
    page = query_events(real_index, limit=1000, count_total=True, **query)
    assert ids(page.events) == expected(real, **query)
    assert page.total == page.count


@pytest.mark.parametrize("sort", ["date", "-date", "label"])
@pytest.mark.parametrize(
    "query", [{}, {"start": parse_date("2014-03"), "lanes": ["politics", "markets"]}]
)
def test_paging_walks_every_event_once(real, real_index, sort, query):
    walked = walk(real_index, 7, sort=sort, **query)
    assert walked == expected(real, sort=sort, **query)
    assert len(walked) == len(set(walked))


def test_paging_reports_total_on_every_page(real_index):
    first = query_events(real_index, limit=7, count_total=True)
    second = query_events(real_index, limit=7, after=first.next, count_total=True)
    assert first.total == second.total == len(real_index)
    assert first.next is not None and first.next.isascii() and len(first.next) < 80


def test_page_token_survives_a_new_data_version(real, real_index):
    first = query_events(real_index, limit=5)
    dropped = first.events[-1].id
    smaller = dataclasses.replace(real, events=tuple(e for e in real.events if e.id != dropped))
    page = query_events(EventIndex.from_dataset(smaller), limit=5, after=first.next)
    assert ids(page.events) == ids(query_events(real_index, limit=5, after=first.next).events)


@pytest.mark.parametrize(
    "token",
    [
        "",
        "garbage",
        "v1.",
        "v1.!!!",
        "v2.ZGF0ZQpjYnItaGlrZS10by0xNwox",  # a future version
        "v1.ZGF0ZQ",  # "date": no id or key
        "v1.ZGF0ZQpjYnItaGlrZS10by0xNwpub3QtYS1udW1iZXI",  # a key that is not a number
        "v1.__8",  # not UTF-8
    ],
)
def test_bad_page_tokens(real_index, token):
    with pytest.raises(PageTokenError, match="not a valid page token") as caught:
        query_events(real_index, after=token)
    assert isinstance(caught.value, ValueError) and isinstance(caught.value, EkgError)


def test_page_token_of_another_sort(real_index):
    token = query_events(real_index, limit=3, sort="label").next
    with pytest.raises(PageTokenError, match="sort=label, not sort=date"):
        query_events(real_index, after=token)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [({"sort": "date desc"}, "sort must be one of"), ({"limit": 0}, "limit must be between")],
)
def test_bad_arguments(real_index, arguments, message):
    with pytest.raises(ValueError, match=message):
        query_events(real_index, **arguments)


def test_empty_dataset(tiny):
    index = EventIndex.from_dataset(dataclasses.replace(tiny, events=(), links=()))
    page = query_events(index, start=parse_date("2014"), text="x", count_total=True)
    assert (page.events, page.next, page.count, page.total) == ((), None, 0, 0)
    assert list(itertools.chain(*to_vis_items([], [], lanes=()).values())) == []


def synthetic(tiny: Dataset, size: int, seed: int) -> Dataset:
    """``size`` events at every precision, with long intervals and many equal starts."""
    rng = random.Random(seed)
    instants = ["2014-12-16T01:00:00+03:00", "2014-12-16T10:42:00+03:00", "1999-12-31T12:00:00Z"]
    words = ["ruble", "oil", "rate", "sanctions", "crisis"]

    def date() -> str:
        year, month, day = rng.randint(1985, 2020), rng.randint(1, 12), rng.randint(1, 28)
        forms = [
            f"{year}-{month:02}-{day:02}",
            f"{year}-{month:02}",
            f"{year}",
            f"{year}-{month:02}-{day:02}/{year + rng.randint(0, 1)}-12-31",
            f"{year}/{year + rng.randint(2, 30)}",
            f"{year}-{month:02}~",
            rng.choice(instants),
        ]
        return rng.choice(forms)

    events = tuple(
        dataclasses.replace(
            tiny.events[0],
            id=f"e{i:05}",
            label=f"{rng.choice(words).title()} event {rng.randint(0, 99)}",
            type=rng.choice(tiny.event_types).id,
            lane=rng.choice(tiny.lanes).id,
            date=parse_date(date()),
            place=rng.choice([None, "vienna", "moscow"]),
            actors=tuple(rng.sample(["opec", "bank-of-russia"], rng.randint(0, 2))),
            tags=tuple(rng.sample(["a", "b", "c"], rng.randint(0, 2))),
            description=rng.choice([None, "About the RUBLE."]),
        )
        for i in range(size)
    )
    links = tuple(
        dataclasses.replace(
            tiny.links[0],
            id=f"l{i}",
            cause=rng.choice(events).id,
            effect=rng.choice(events).id,
            status=rng.choice(["supported", "qualified", "contested"]),
        )
        for i in range(size // 4)
    )
    return dataclasses.replace(tiny, events=events, links=links)


@pytest.mark.parametrize("seed", range(3))
def test_random_queries_match_the_reference(tiny, seed):
    dataset = synthetic(tiny, 1500, seed)
    index = EventIndex.from_dataset(dataset)
    rng = random.Random(seed)
    for _ in range(40):
        query = {}
        if rng.random() < 0.7:
            query["start"] = parse_date(f"{rng.randint(1984, 2021)}-{rng.randint(1, 12):02}")
        if rng.random() < 0.5:
            query["end"] = parse_date(f"{rng.randint(1984, 2021)}-{rng.randint(1, 12):02}-01")
        for facet, pool in [
            ("lanes", ["oil", "markets"]),
            ("actors", ["opec", "bank-of-russia"]),
            ("tags", ["a", "c"]),
            ("statuses", ["contested", "qualified"]),
            ("places", ["moscow"]),
        ]:
            if rng.random() < 0.25:
                query[facet] = rng.sample(pool, rng.randint(1, len(pool)))
        if rng.random() < 0.25:
            query["text"] = rng.choice(["ruble", "OIL", "event 4", "vienna"])
        query["sort"] = rng.choice(["date", "-date", "label"])
        assert walk(index, rng.randint(1, 60), **query) == expected(dataset, **query), query
