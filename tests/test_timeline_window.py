"""Timeline windows (graph.timeline.window, /api/timeline/window): exact counts, the most
important events of any window, links among them only, and the endpoint's contract."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient

from graph.causal.importance import importance
from graph.data import Dataset
from graph.timeline.indexing import micros
from graph.timeline.paging import EventIndex
from graph.timeline.window import NODE, TimelineWindow, iso_micros
from support.synthetic import generate_dataset
from support.synthetic_app import serve_synthetic
from tests.conftest import DATA, assert_problem, running_app

SIZE = 5000


@pytest.fixture(scope="module")
def synthetic() -> Dataset:
    return generate_dataset(SIZE, seed=7)


@pytest.fixture(scope="module")
def index(synthetic: Dataset) -> EventIndex:
    return EventIndex.from_dataset(synthetic)


@pytest.fixture(scope="module")
def scores(synthetic: Dataset) -> dict[str, float]:
    return importance(synthetic)


@pytest.fixture(scope="module")
def whole(index: EventIndex, scores: dict[str, float]) -> TimelineWindow:
    return TimelineWindow.build(index, scores)


def brute(index: EventIndex, first: int, last: int, positions: Any = None) -> list[int]:
    """The positions whose start lies in first .. last, by a scan."""
    chosen = range(len(index)) if positions is None else positions
    return [p for p in chosen if first <= index.starts[p] <= last]


def windows(whole: TimelineWindow, count: int, seed: int) -> Iterator[tuple[int, int]]:
    rng = random.Random(seed)
    yield whole.first, whole.last
    yield whole.first - 10**12, whole.first - 1  # before the data
    for _ in range(count):
        a = rng.randint(whole.first - 10**9, whole.last)
        yield a, rng.choice([a, a + 86_400 * 10**6, rng.randint(a, whole.last + 10**9)])


def test_importance_ranks_every_event_deterministically(synthetic: Dataset) -> None:
    scores = importance(synthetic)
    assert scores == importance(synthetic) and len(scores) == SIZE
    assert min(scores.values()) == 0 and max(scores.values()) == 1
    linked = {end for link in synthetic.links for end in (link.cause, link.effect)}
    assert all(scores[e.id] == 0 for e in synthetic.events if e.id not in linked)


def test_counts_are_exact_for_random_windows(index: EventIndex, whole: TimelineWindow) -> None:
    for first, last in windows(whole, 60, seed=1):
        for width in (40, 390, 1280):
            answer = whole.query(first, last, width=width)
            inside = brute(index, first, last)
            assert answer.total == len(inside)
            # every event of the window is either shown or counted in exactly one cluster
            assert len(answer.events) + sum(c.count for c in answer.clusters) == len(inside)
            per_lane = Counter(index.events[p].lane for p in inside)
            shown = Counter(e.lane for e in answer.events)
            for lane, n in per_lane.items():
                clustered = sum(c.count for c in answer.clusters if c.lane == lane)
                assert clustered + shown[lane] == n


def test_clusters_count_each_bucket(index: EventIndex, whole: TimelineWindow) -> None:
    first, last = whole.first, whole.last
    answer = whole.query(first, last, width=400)
    shown = {e.id for e in answer.events}
    for cluster in answer.clusters:
        members = [
            p
            for p in range(len(index))
            if cluster.start <= index.starts[p] < cluster.end
            and index.events[p].lane == cluster.lane
            and index.events[p].id not in shown
        ]
        assert len(members) == cluster.count > 0


def test_items_are_the_most_important(
    index: EventIndex, whole: TimelineWindow, scores: dict[str, float]
) -> None:
    for first, last in windows(whole, 40, seed=2):
        for width in (8, 400, 1280, 4000):
            answer = whole.query(first, last, width=width)
            inside = brute(index, first, last)
            # expected: by score (higher first), ties in date order; at most width/8 (cap NODE)
            ranked = sorted(inside, key=lambda p: (-scores[index.events[p].id], p))
            wanted = ranked[: min(NODE, max(1, width // 8))]
            assert [e.id for e in answer.events] == [index.events[p].id for p in sorted(wanted)]


def test_a_selection_of_lanes(index: EventIndex, whole: TimelineWindow) -> None:
    lanes = {"markets", "sanctions"}
    chosen = [p for p in range(len(index)) if index.events[p].lane in lanes]
    part = TimelineWindow.build(index, {}, chosen, ranking=whole.ranking)
    for first, last in windows(whole, 20, seed=3):
        answer = part.query(first, last, width=640)
        assert answer.total == len(brute(index, first, last, chosen))
        assert {e.lane for e in answer.events} <= lanes
        assert {c.lane for c in answer.clusters} <= lanes


def test_included_events_are_drawn_whatever_their_rank(
    index: EventIndex, whole: TimelineWindow
) -> None:
    first, last = whole.first, whole.last
    plain = whole.query(first, last, width=80)
    shown = {e.id for e in plain.events}
    left_out = [p for p in brute(index, first, last) if index.events[p].id not in shown]
    early, late = left_out[0], left_out[-1]
    answer = whole.query(
        first, last, width=80, include=[index.events[late].id, index.events[early].id]
    )
    assert {e.id for e in answer.events} == shown | {index.events[early].id, index.events[late].id}
    assert list(answer.events) == sorted(
        answer.events, key=lambda e: index.starts[index.events.index(e)]
    )
    assert answer.total == plain.total
    assert len(answer.events) + sum(c.count for c in answer.clusters) == answer.total
    # outside the window, or outside the selection: not drawn
    before = whole.query(first, index.starts[late] - 1, width=80, include=[index.events[late].id])
    assert index.events[late].id not in {e.id for e in before.events}
    markets = [p for p in range(len(index)) if index.events[p].lane == "markets"]
    part = TimelineWindow.build(index, {}, markets, ranking=whole.ranking)
    other = next(p for p in left_out if index.events[p].lane != "markets")
    drawn = part.query(first, last, width=80, include=[index.events[other].id]).events
    assert index.events[other].id not in {e.id for e in drawn}


# -- the endpoint ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client() -> Iterator[FlaskClient]:
    with running_app(DATA / "tiny.yaml") as app:
        serve_synthetic(app, SIZE, seed=7)
        yield app.test_client()


def test_window_answer(client: FlaskClient, index: EventIndex) -> None:
    body = client.get("/api/timeline/window?width=800").get_json()
    assert body["total"] == body["selection"] == SIZE
    assert body["count"] == len(body["items"]) == 100
    assert body["count"] + sum(c["count"] for c in body["clusters"]) == SIZE
    assert body["span"]["start"] == body["start"] and body["span"]["end"] == body["end"]
    assert {"id", "start", "group", "content"} <= body["items"][0].keys()
    shown = {item["id"] for item in body["items"]}
    assert body["links"] and all(k["from"] in shown and k["to"] in shown for k in body["links"])
    assert {c["lane"] for c in body["clusters"]} <= {g["id"] for g in body["groups"]}


def test_window_links_are_all_among_returned_items(client: FlaskClient, synthetic: Dataset) -> None:
    evidence = client.get("/api/timeline/window?width=2000").get_json()
    every = client.get("/api/timeline/window?width=2000&lens=all").get_json()
    assert evidence["items"] == every["items"]
    shown = {item["id"] for item in every["items"]}
    among = {k.id for k in synthetic.links if k.cause in shown and k.effect in shown}
    assert {k["id"] for k in every["links"]} == among
    assert {k["id"] for k in evidence["links"]} <= among
    assert {k["status"] for k in evidence["links"]} <= {"supported", "qualified"}


def test_a_day_window_and_a_lane(client: FlaskClient) -> None:
    whole = client.get("/api/timeline/window?width=1280").get_json()
    day = whole["items"][0]["start"][:10]
    body = client.get(f"/api/timeline/window?start={day}&end={day}&width=1280").get_json()
    assert body["start"] == f"{day}T00:00:00" and body["total"] >= 1
    assert all(item["start"][:10] == day for item in body["items"])
    lane = client.get("/api/timeline/window?lane=markets&width=1280").get_json()
    assert {item["group"] for item in lane["items"]} == {"markets"}
    assert lane["selection"] < SIZE


def test_window_outside_the_data_is_empty(client: FlaskClient) -> None:
    body = client.get("/api/timeline/window?start=2190-01-01&end=2190-12-31").get_json()
    assert (body["total"], body["items"], body["clusters"], body["links"]) == (0, [], [], [])
    assert body["selection"] == SIZE


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("width=0", "width"),
        ("width=many", "width"),
        ("start=2014-13-45", "start"),
        ("start=2015&end=2014", "end"),
        ("lane=nowhere", "lane"),
        ("include=no-such-event", "include"),
        ("colour=red", "colour"),
    ],
)
def test_bad_parameters_are_problems(client: FlaskClient, query: str, parameter: str) -> None:
    assert_problem(client.get(f"/api/timeline/window?{query}"), 400, parameter)


def test_unknown_story_is_404(client: FlaskClient) -> None:
    assert_problem(client.get("/api/timeline/window?story=nope"), 404)


def test_documented_in_openapi(client: FlaskClient) -> None:
    spec = client.get("/openapi.json").get_json()
    operation = spec["paths"]["/api/timeline/window"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"start", "end", "width", "story", "lane", "lens"} <= names
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema["$ref"].endswith("/Window")
    assert "clusters" in spec["components"]["schemas"]["Window"]["properties"]


def test_a_story_window(real_client: FlaskClient) -> None:
    stories = real_client.get("/api/stories").get_json()["stories"]
    story = stories[0]
    body = real_client.get(f"/api/timeline/window?story={story['id']}&width=4000").get_json()
    assert body["selection"] == body["total"] == story["counts"]["events"]
    assert body["count"] + sum(c["count"] for c in body["clusters"]) == body["total"]
    whole = real_client.get("/api/timeline/window?width=4000").get_json()
    assert whole["selection"] > body["selection"]


def test_an_empty_selection_and_the_clock_text(index: EventIndex, whole: TimelineWindow) -> None:
    empty = TimelineWindow.build(index, {}, [], ranking=whole.ranking)
    answer = empty.query(empty.first, empty.last, width=1280)
    assert (answer.total, answer.events, answer.clusters) == (0, (), ())
    assert iso_micros(micros(dt.datetime(2014, 12, 16, 1, 0, 5))) == "2014-12-16T01:00:05"
    assert iso_micros(0) == "0001-01-01T00:00:00"


# -- lane sets, the per-version memo --------------------------------------------------------------


def test_lane_sets_reuse_one_window_per_lane(synthetic: Dataset) -> None:
    """Any number of lane sets costs one window per lane (memory O(N)), and a set's answer is
    the one a window built over exactly its events gives."""
    from graph.pipeline import BuiltGraph
    from graph.store.backends.oxigraph import OxigraphStore
    from service.views.window import timeline_window

    data = BuiltGraph(synthetic, OxigraphStore(), 0.0, version="lanes")
    whole = timeline_window(data, None, ())
    assert isinstance(whole, TimelineWindow)
    lanes = sorted({e.lane for e in synthetic.events})
    rng = random.Random(5)
    subsets = {tuple(sorted(rng.sample(lanes, rng.randint(1, len(lanes))))) for _ in range(60)}
    assert len(subsets) > 20
    for chosen in sorted(subsets)[:25]:
        found = timeline_window(data, None, chosen)
        positions = [p for p in range(len(data.index)) if data.index.events[p].lane in chosen]
        exact = TimelineWindow.build(data.index, {}, positions, ranking=whole.ranking)
        assert (found.size, found.first, found.last) == (exact.size, exact.first, exact.last)
        for first, last in windows(whole, 4, seed=len(chosen)):
            assert found.query(first, last, width=900) == exact.query(first, last, width=900)
    kept = [key for key in data.remembered() if key[0] == "timeline-window"]  # type: ignore[index]
    assert len(kept) <= 1 + len(lanes)


def test_remember_computes_once_for_concurrent_first_calls() -> None:
    import threading
    import time

    from graph.pipeline import BuiltGraph
    from graph.store.backends.oxigraph import OxigraphStore

    data = BuiltGraph(generate_dataset(10, seed=1), OxigraphStore(), 0.0, version="once")
    calls: list[int] = []
    failures = iter([True])

    def slow() -> int:
        calls.append(1)
        time.sleep(0.2)
        return len(calls)

    def flaky() -> str:
        if next(failures, False):
            raise RuntimeError("first build fails")
        return "built"

    answers: list[int] = []
    threads = [
        threading.Thread(target=lambda: answers.append(data.remember("slow", slow)))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert calls == [1] and answers == [1] * 8
    with pytest.raises(RuntimeError):
        data.remember("flaky", flaky)
    assert data.remember("flaky", flaky) == "built"  # an error does not poison the key


def test_one_bound_past_the_data_is_an_empty_window(client: FlaskClient) -> None:
    for query in ("start=2190-01-01", "end=1900-01-01"):
        body = client.get(f"/api/timeline/window?{query}").get_json()
        assert (body["total"], body["items"], body["clusters"]) == (0, [], []), query
        assert body["selection"] == SIZE
    assert_problem(client.get("/api/timeline/window?start=2190&end=1900"), 400, "end")


def test_one_importance_memo_for_both_timelines(client: FlaskClient) -> None:
    from service.runtime.state import built

    client.get("/api/timeline?limit=5")
    client.get("/api/timeline/window?width=400")
    with client.application.app_context():
        data = built()
        assert data.importance() is data.remember("importance", dict)
