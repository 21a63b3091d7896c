"""Stories as data: the `story:` header of a data file, the records each story holds, and
/api/stories."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from graph.data.loader import load_dataset
from graph.errors import ValidationError

TOP = textwrap.dedent(
    """\
    dataset: {id: crises, title: Crises, base: "http://example.org/ekg/id/"}
    story:
      id: first
      title: First story
      time_zone: Europe/Moscow
      intro: The *first* one.
      window: {from: "2014-11-01", to: "2014-12-31"}
      zoom:
        - {label: Late 2014, from: "2014-10-01", to: "2014-12-31"}
      lanes: [oil]
      steps:
        - {title: Start, text: It starts., events: [a]}
      example_chain: {source: a, target: b}
    lanes: [{id: oil, label: Oil}]
    event_types: [{id: move, label: Move}]
    events:
      - id: a
        label: A
        type: move
        date: 2014-11-27
        lane: oil
        sources: [{url: "https://a.example/1", title: T, publisher: P}]
      - {id: b, label: B, type: move, date: 2014-12-15, lane: oil, sources: ["https://a.example/1"]}
    links:
      - {id: a-b, cause: a, effect: b, kind: causes, confidence: 0.9, status: supported, sources: ["https://a.example/1"]}
    include: [stories/second.yaml]
    """
)
SECOND = textwrap.dedent(
    """\
    story: {id: second, title: Second story, time_zone: Europe/Berlin}
    events:
      - {id: c, label: C, type: move, date: 1998-08-17, lane: oil, sources: ["https://a.example/1"]}
    links:
      - id: c-b
        cause: c
        effect: b
        kind: similar_to
        confidence: 0.5
        status: supported
        sources: ["https://a.example/1"]
    """
)


def write(tmp_path: Path, top: str = TOP, second: str = SECOND) -> Path:
    (tmp_path / "stories").mkdir()
    (tmp_path / "stories" / "second.yaml").write_text(second)
    (tmp_path / "events.yaml").write_text(top)
    return tmp_path / "events.yaml"


def problems(path: Path) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        load_dataset(path)
    return [str(problem) for problem in caught.value.problems]


def test_each_file_is_a_story_holding_its_records(tmp_path):
    dataset = load_dataset(write(tmp_path))
    first, second = dataset.stories
    assert (first.id, first.title, first.time_zone) == ("first", "First story", "Europe/Moscow")
    assert (first.events, first.links, first.claims) == (("a", "b"), ("a-b",), ())
    assert (second.events, second.links) == (("c",), ("c-b",))  # a link may cross stories
    assert first.window is not None and (first.window.start, first.window.end) == (
        "2014-11-01",
        "2014-12-31",
    )
    assert [p.label for p in first.presets] == ["Late 2014"]
    assert first.steps[0].events == ("a",) and first.example_chain == ("a", "b")
    assert dataset.story_of("c") == "second" and dataset.story("first") is first


def test_a_file_without_a_header_belongs_to_the_top_files_story(tmp_path):
    body = SECOND.split("\n", 1)[1]  # the same records, no story header
    dataset = load_dataset(write(tmp_path, second=body))
    (only,) = dataset.stories
    assert only.events == ("a", "b", "c")


def test_story_header_problems_name_their_line(tmp_path):
    top = TOP.replace("time_zone: Europe/Moscow", "time_zone: Moscow/Red-Square").replace(
        "events: [a]}", "events: [nowhere]}"
    )
    assert problems(write(tmp_path, top)) == [
        "events.yaml:5: 'time_zone': 'Moscow/Red-Square' is not an IANA time zone",
        "events.yaml:12: 'events': unknown event 'nowhere'",
    ]


def test_story_ids_are_unique(tmp_path):
    second = SECOND.replace("id: second", "id: first")
    assert problems(write(tmp_path, second=second)) == [
        "stories/second.yaml:1: duplicate story id 'first'"
    ]


def test_window_and_presets_are_checked(tmp_path):
    top = TOP.replace(
        'window: {from: "2014-11-01", to: "2014-12-31"}',
        'window: {from: "2014-12-31", to: "2014-11-01"}',
    )
    top = top.replace('from: "2014-10-01"', 'from: "1 Oct"')
    found = problems(write(tmp_path, top))
    assert "events.yaml:7: window: 'from' 2014-12-31 is after 'to' 2014-11-01" in found
    assert any("zoom preset 'from': '1 Oct' is not an ISO date" in p for p in found)


def test_the_real_data_is_the_2014_story(real):
    (story,) = [s for s in real.stories if s.id == "ruble-crisis-2014"]
    assert len(story.events) == 61 and story.time_zone == "Europe/Moscow"
    assert story.example_chain == ("opec-decides-no-cut", "bank-and-energy-shares-fall-dec-16")


def test_api_stories(real_client, real):
    body = real_client.get("/api/stories").get_json()
    assert body["count"] == len(real.stories) >= 1
    story = next(s for s in body["stories"] if s["id"] == "ruble-crisis-2014")
    assert story["counts"] == {"events": 61, "links": 51, "claims": 37}
    assert story["span"]["start"] == "1917-11-07" and story["span"]["end"] >= "2015-06-08"
    assert story["lanes"][0] == "oil" and story["steps"][1]["events"] == ["ruble-black-monday"]
    assert story["example_chain"] == {
        "source": "opec-decides-no-cut",
        "target": "bank-and-energy-shares-fall-dec-16",
    }


def test_the_story_filter_on_every_api_operation(tmp_path, make_app):
    app = make_app(write(tmp_path))
    client = app.test_client()

    def ids(url: str, key: str, field: str = "id") -> set[str]:
        response = client.get(url)
        assert response.status_code == 200, response.get_data(as_text=True)
        return {item[field] for item in response.get_json()[key]}

    assert ids("/api/events?story=second", "events") == {"c"}
    assert ids("/api/events?story=first", "events") == {"a", "b"}
    assert ids("/api/timeline?story=second&lens=all", "items") == {"c"}
    assert ids("/api/links?story=second", "links") == {"c-b"}
    assert ids("/api/links?story=first", "links") == {"a-b"}
    assert ids("/api/effects/a?story=first", "descendants", "event") == {"b"}
    # an event outside the story is not in its graph
    assert client.get("/api/effects/c?story=first").status_code == 404
    for url in ("/api/events?story=nope", "/api/links?story=nope", "/api/effects/a?story=nope"):
        response = client.get(url)
        assert (
            response.status_code == 404
            and "the stories are first, second" in response.get_json()["detail"]
        )


def test_narratives_by_story(real_client):
    whole = real_client.get("/api/narratives/seed-article").get_json()
    within = real_client.get("/api/narratives/seed-article?story=ruble-crisis-2014").get_json()
    assert within["link_count"] == whole["link_count"] == 28  # every link is the 2014 story's
    assert real_client.get("/api/narratives?story=nope").status_code == 404


def test_a_narrative_is_its_storys_account(tmp_path):
    """The same asserter in two stories: a narrative in one story's file holds that story's
    links only (the Bank of Russia of 2014 is not the account of 2022)."""
    top = TOP.replace(
        'status: supported, sources: ["https://a.example/1"]}',
        'status: supported, asserted_by: [cbr], sources: ["https://a.example/1"]}',
    )
    top = top.replace(
        "include: [stories/second.yaml]",
        "actors: [{id: cbr, label: CBR, kind: organization}]\n"
        "narratives: [{id: cbr-first, label: CBR, asserted_by: [cbr]}]\n"
        "include: [stories/second.yaml]",
    )
    top = top.replace(
        "lanes: [{id: oil, label: Oil}]", 'lanes: [{id: oil, label: Oil, colour: "#8a5a00"}]'
    )
    second = SECOND.replace("status: supported", "status: supported\n    asserted_by: [cbr]")
    dataset = load_dataset(write(tmp_path, top, second))
    (narrative,) = dataset.narratives
    assert narrative.story == "first"
    assert [link.id for link in dataset.narrative_links("cbr-first")] == ["a-b"]
    assert dataset.lanes[0].colour == "#8a5a00"


def test_a_lane_colour_is_hex(tmp_path):
    top = TOP.replace(
        "lanes: [{id: oil, label: Oil}]", "lanes: [{id: oil, label: Oil, colour: brown}]"
    )
    assert problems(write(tmp_path, top)) == ["events.yaml:14: 'colour': 'brown' is not #rrggbb"]


def test_a_story_that_lists_lanes_lists_all_of_its_events_lanes(tmp_path):
    top = TOP.replace(
        "lanes: [{id: oil, label: Oil}]", "lanes: [{id: oil, label: Oil}, {id: x, label: X}]"
    )
    top = top.replace("  lanes: [oil]", "  lanes: [x]")
    assert problems(write(tmp_path, top)) == [
        "events.yaml:3: story 'first': 'lanes' leaves out oil"
    ]
