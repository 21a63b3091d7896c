"""Event queries over the index (graph.timeline.paging): lookups, date windows, facets,
text search, keyset paging and page tokens, checked against a slow reference."""

import dataclasses
import datetime as dt
import itertools
import random
import re
import unicodedata

import pytest

from graph.data.dates import parse_date
from graph.data.model import Dataset, Event
from graph.errors import EkgError, PageTokenError
from graph.timeline.formats import to_vis_items
from graph.timeline.paging import EventIndex, query_events


def ids(events) -> list[str]:
    return [event.id for event in events]


def expected(dataset: Dataset, *, start=None, end=None, text=None, sort="date", **facets):
    """The matching event ids, the slow and obvious way (the reference for query_events)."""
    low = (start.start, start.start.earliest) if start else None
    high = (end.finish, end.finish.latest) if end else None
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
            "stories": {dataset.story_of(e.id)},
        }

    def searchable(e: Event) -> str:
        words = [e.label, e.description or "", *e.tags, *(actors[a] for a in e.actors)]
        text = " ".join([*words, places.get(e.place, ""), e.id]).casefold()
        return "".join(
            c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
        )

    kept = [
        e
        for e in dataset.events
        if (high is None or not _after((e.date.start, e.date.start.earliest), high))
        and (low is None or not _after(low, (e.date.finish, e.date.finish.latest)))
        and all(values(e)[f] & _values(wanted) for f, wanted in facets.items() if wanted)
        and (not text or all(w in searchable(e) for w in re.findall(r"\w+", text.casefold())))
    ]
    if sort == "label":
        kept.sort(key=lambda e: (e.label.casefold(), e.id))
    else:  # the date order itself is checked by test_date_order_*
        rank = {event.id: p for p, event in enumerate(EventIndex.from_dataset(dataset).events)}
        kept.sort(key=lambda e: rank[e.id], reverse=sort == "-date")
    return ids(kept)


def _after(x, y) -> bool:
    """``x`` (an endpoint and one of its moments) is later than ``y``: in UTC if both have an
    offset, else on their wall clocks."""
    (x_end, x_at), (y_end, y_at) = x, y
    if x_end.offset is not None and y_end.offset is not None:
        return x_at - x_end.offset > y_at - y_end.offset
    return x_at > y_at


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


def assert_date_order(dataset: Dataset, index: EventIndex) -> None:
    """Days in order; within a day instants in UTC order, and every asserted same-day link
    whose ends are not both instants from cause to effect (the datasets here are acyclic)."""
    events = index.events
    days = [e.date.start.earliest.date() for e in events]
    assert days == sorted(days)
    assert list(index.days) == sorted(index.days)
    place = {e.id: p for p, e in enumerate(events)}

    def timed(e: Event) -> bool:
        return e.date.begin_precision == "second"

    def utc(e: Event) -> dt.datetime:
        return e.date.start.earliest - (e.date.start.offset or dt.timedelta())

    for day, group in itertools.groupby(events, key=lambda e: e.date.start.earliest.date()):
        instants = [e for e in group if timed(e)]
        assert [utc(e) for e in instants] == sorted(utc(e) for e in instants), day
    for link in dataset.links:
        cause, effect = dataset.event(link.cause), dataset.event(link.effect)
        if (
            link.status in ("supported", "qualified")
            and cause.date.start.earliest.date() == effect.date.start.earliest.date()
            and cause.id != effect.id
            and not (timed(cause) and timed(effect))
        ):
            assert place[cause.id] < place[effect.id], link.id


def test_index_is_sorted_and_looks_up_ids(real, real_index):
    assert len(real_index) == len(real.events)
    assert_date_order(real, real_index)
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
    assert real_index.link_statuses("ruble-black-monday") == {
        "supported",
        "qualified",
        "unsupported",
    }
    assert real_index.link_statuses("cbr-hike-to-17") == {"supported", "qualified"}
    with pytest.raises(KeyError):
        real_index.link_statuses("no-such-event")


def test_window_of_15_and_16_december(real_index):
    page = query_events(
        real_index, start=parse_date("2014-12-15"), end=parse_date("2014-12-16"), limit=100
    )
    assert ids(page.events) == [
        "capital-flight-2014",  # year precision (2014): may fall in the window
        "oil-slides-to-60",  # 2014-12-12/2014-12-16: overlaps the window
        "cbr-repo-auction",
        "ruble-black-monday",
        "moscow-stocks-fall-dec-15",  # an effect of Black Monday, after it
        # 16 December: the events known to the day that the hike did not cause come first,
        "cbr-shvetsov-calls-situation-critical",
        "kerry-ready-to-ease-sanctions",
        "nabiullina-blames-external-factors",
        "white-house-says-obama-will-sign-ufsa",
        "cbr-hike-to-17",  # then the 01:00 MSK instant,
        "ruble-black-tuesday",  # its effects (cause before effect),
        "bank-and-energy-shares-fall-dec-16",
        "moscow-stocks-slump-dec-16",
        "brent-below-60",  # and the 10:42 MSK instant after the 01:00 one
    ]
    assert (page.next, page.count, page.total) == (None, 14, None)


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
    assert "cbr-hike-to-17" in ids(page.events)
    story = {"actors": ["bank-of-russia"], "stories": ["ruble-crisis-2014"]}
    page = query_events(real_index, **story, limit=100, count_total=True)
    assert ids(page.events) == expected(real, **story)
    assert page.count == page.total == 14  # in the 2014 story (the 1998 decisions moved out)


def test_text_search_is_case_insensitive(real, real_index):
    page = query_events(real_index, text="Ruble", limit=100, count_total=True)
    assert ids(page.events) == expected(real, text="ruble")
    assert ids(query_events(real_index, text="RUBLE", limit=100).events) == ids(page.events)
    story = ["ruble-crisis-2014"]
    page = query_events(real_index, text="Ruble", stories=story, limit=100, count_total=True)
    assert ids(page.events) == expected(real, text="ruble", stories=story)
    assert page.total == 14  # in the 2014 story (its 1998 events moved to their own)


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


INSTANT_BOUNDS = [
    "2014-12-15T21:30:00Z",
    "2014-12-15T22:00:00+00:00",
    "2014-12-15T22:30:00Z",
    "2014-12-16T00:30:00Z",
    "2014-12-16T01:00:00+03:00",
    "2014-12-16T07:42:00Z",
    "2014-12-16T07:43:00-05:00",
    "1999-12-31T12:00:00+11:00",
    "1999-12-31T11:00:00Z",
    "1999-12-31T12:00:00",
]


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
        if rng.random() < 0.3:  # instants with offsets, near the instants of the data
            for side in rng.sample(["start", "end"], rng.randint(1, 2)):
                query[side] = parse_date(rng.choice(INSTANT_BOUNDS))
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
