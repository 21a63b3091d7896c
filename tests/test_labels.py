"""Issue 16: every analysis answer ends with ``event_labels``, the label, EDTF date and display
date of each event id it names -- and nothing else; the fields before it are byte for byte the
bodies the analyses gave before the lookup was added (``dataclasses.asdict`` of the
graph.causal results)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from typing import Any

import pytest

from graph.causal import (
    analyze_causes,
    analyze_effects,
    build_causal_graph,
    check_consistency,
    compare_events,
    describe_temporal_relation,
    find_causal_chains,
    find_longest_chain,
    rank_drivers,
    what_if,
)
from graph.data.datetext import display_date


@pytest.fixture(scope="module")
def graph(real):
    return build_causal_graph(real)


def _old_bodies(real, graph) -> Iterator[tuple[str, Any]]:
    """(url, the body the view built before ``event_labels``) for every analysis operation."""
    longest = find_longest_chain(graph)
    source, target = longest.events[0], longest.events[-1]
    found = find_causal_chains(graph, source, target)
    yield (
        f"/api/chains?source={source}&target={target}",
        {"chains": [dataclasses.asdict(c) for c in found], "count": len(found)},
    )
    yield "/api/longest-chain", dataclasses.asdict(longest)
    drivers = rank_drivers(graph, limit=100)[:10]
    yield "/api/drivers", {"drivers": [dataclasses.asdict(d) for d in drivers], "count": 10}
    yield "/api/consistency", dataclasses.asdict(check_consistency(real, graph))
    for event in (e.id for e in real.events):
        yield f"/api/causes/{event}", dataclasses.asdict(analyze_causes(graph, event))
        yield f"/api/effects/{event}", dataclasses.asdict(analyze_effects(graph, event))
        yield f"/api/what-if?remove={event}", dataclasses.asdict(what_if(graph, [event]))
    a, b = source, longest.events[1]
    yield f"/api/compare?a={a}&b={b}", dataclasses.asdict(compare_events(real, graph, a, b))
    yield f"/api/temporal?a={b}&b={a}", dataclasses.asdict(describe_temporal_relation(graph, b, a))


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _bytes(body: Any) -> bytes:
    return (json.dumps(body, separators=(",", ":")) + "\n").encode()


def test_every_answer_names_its_events_after_its_old_fields(real_client, real, graph):
    events = {event.id: event for event in real.events}
    labelled = 0
    for url, old in _old_bodies(real, graph):
        response = real_client.get(url)
        assert response.status_code == 200, url
        # the fields as they were, byte for byte, then the lookup as the last property
        before = _bytes(old)[: -len("}\n")]
        assert response.data.startswith(before + b',"event_labels":{'), url
        body = response.get_json()
        lookup = body.pop("event_labels")
        assert body == json.loads(before + b"}"), url
        named = {text for text in _strings(body) if text in events}
        assert set(lookup) == named, url
        for event_id, entry in lookup.items():
            event = events[event_id]
            expected = {
                "label": event.label,
                "date": event.date.edtf,
                "display_date": display_date(event.date),
            }
            assert entry == expected, (url, event_id)
        labelled += len(lookup) > 0
    assert labelled > len(events)  # the sweep did name events


def test_display_dates_are_the_event_pages_words(real_client):
    """One wording of dates: the lookup says a date as ``/api/events/<id>`` does."""
    lookup = real_client.get("/api/causes/cbr-hike-to-17").get_json()["event_labels"]
    assert len(lookup) > 1
    for event_id, entry in lookup.items():
        page = real_client.get(f"/api/events/{event_id}").get_json()
        assert (page["label"], page["date"]["edtf"]) == (entry["label"], entry["date"])
        assert page["date"]["display"] == entry["display_date"]


def test_empty_answers_have_an_empty_lookup(real_client, real):
    roots = [e.id for e in real.events if not analyze_causes(build_causal_graph(real), e.id).roots]
    body = real_client.get(f"/api/chains?source={roots[0]}&target={roots[1]}").get_json()
    assert body == {"chains": [], "count": 0, "event_labels": {}}
