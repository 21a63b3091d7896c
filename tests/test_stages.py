"""Stages (``stages:``, an event's ``stage``, a similar_to link's ``aspect``): loading, RDF,
and the stage tags the fact sheets support."""

from __future__ import annotations

import pytest
from rdflib import RDF, URIRef

from graph.data import Dataset
from graph.data.loader import parse_dataset
from graph.rdf.build import build_graph
from graph.vocab import EKG
from tests.test_events import edit, problems

STAGES = "stages: [{id: oil-shock, label: Oil shock}, {id: currency-fall, label: Currency fall}]\n"


def with_stages(text: str) -> str:
    return text.replace("actors:", STAGES + "actors:", 1)


def test_stage_and_aspect_load_and_map_to_rdf():
    text = with_stages(edit("    lane: oil\n", "    lane: oil\n    stage: oil-shock\n")).replace(
        "kind: causes", "kind: similar_to\n    aspect: currency-fall"
    )
    dataset = parse_dataset(text)
    assert [s.id for s in dataset.stages] == ["oil-shock", "currency-fall"]
    assert dataset.event("first").stage == "oil-shock"
    assert dataset.links[0].aspect == "currency-fall"
    rdf = build_graph(dataset)
    base = "http://example.org/ekg/id/"
    assert (URIRef(base + "event/first"), EKG.stage, URIRef(base + "stage/oil-shock")) in rdf
    assert (
        URIRef(base + "link/first-second"),
        EKG.aspect,
        URIRef(base + "stage/currency-fall"),
    ) in rdf
    assert (URIRef(base + "stage/oil-shock"), RDF.type, EKG.Stage) in rdf


def test_unknown_stage_and_aspect_on_a_directed_link_are_problems():
    text = with_stages(edit("    lane: oil\n", "    lane: oil\n    stage: oil-shok\n")).replace(
        "kind: causes", "kind: causes\n    aspect: oil-shock"
    )
    found = problems(text)
    assert any("'stage': unknown stage 'oil-shok'" in p for p in found), found
    assert any("'aspect' is for similar_to links" in p for p in found), found


EMERGENCY_HIKES = {
    "russia-1998": "cbr-refinancing-rate-to-150",
    "ruble-crisis-2014": "cbr-hike-to-17",
    "russia-2022": "cbr-hike-to-20",
}


@pytest.mark.parametrize(("story", "event"), EMERGENCY_HIKES.items())
def test_each_story_has_its_emergency_hike(real: Dataset, story: str, event: str):
    hikes = [e.id for e in real.events if e.stage == "emergency-rate-hike"]
    assert event in hikes and real.story_of(event) == story
    assert len([e for e in hikes if real.story_of(e) == story]) == 1


def test_every_aspect_is_on_a_cross_story_similarity(real: Dataset):
    with_aspect = [link for link in real.links if link.aspect]
    assert len(with_aspect) >= 9
    for link in with_aspect:
        assert link.kind == "similar_to"
        assert real.story_of(link.cause) != real.story_of(link.effect), link.id
    aspects = {link.id: link.aspect for link in with_aspect}
    assert aspects["hike-to-20-like-hike-to-17"] == "emergency-rate-hike"
    assert aspects["eurobond-default-unlike-1998-ruble-default"] == "default"


def test_no_2014_event_is_a_default_or_capital_control(real: Dataset):
    stages = {e.stage for e in real.events if real.story_of(e.id) == "ruble-crisis-2014"}
    assert not stages & {"default", "capital-controls"}
