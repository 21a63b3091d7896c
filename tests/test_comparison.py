"""Consistency, time order and comparison (graph.causal.comparison): time inversions,
cycles and contradicted claims, temporal relations between events, and side-by-side
comparisons."""

from __future__ import annotations

import dataclasses
import json

import pytest

from graph.causal.chains import find_causal_chains
from graph.causal.comparison import DateInfo, LinkInfo, compare_events, describe_temporal_relation
from graph.causal.consistency import (
    CausalCycle,
    Consistency,
    ContradictedClaim,
    TimeInversion,
    check_consistency,
)
from graph.causal.graph import ALL_STATUSES, build_causal_graph, build_graph_from_links
from graph.data.dates import parse_date
from graph.errors import DataError, UnknownEventError

# -- consistency --------------------------------------------------------------------------------


def test_check_consistency_finds_inversions_cycles_and_claims(tiny):
    backwards = dataclasses.replace(
        tiny.links[0], id="hike-to-opec", cause="rate-hike", effect="opec-no-cut",
        status="contested", kind="contributes_to",
    )  # fmt: skip
    similar = dataclasses.replace(backwards, id="hike-like-opec", kind="similar_to")
    claim = dataclasses.replace(
        tiny.claims[0], id="claim-backwards", asserts_links=("hike-to-opec", "hike-like-opec")
    )
    data = dataclasses.replace(
        tiny, links=(*tiny.links, backwards, similar), claims=(*tiny.claims, claim)
    )
    message = "rate-hike (2014-12-16T01:00:00+03:00) starts after its effect opec-no-cut " \
        "(2014-11-27)"  # fmt: skip
    assert check_consistency(data, build_causal_graph(data)) == Consistency(
        time_inversions=(
            TimeInversion("hike-to-opec", "rate-hike", "opec-no-cut",
                          "2014-12-16T01:00:00+03:00", "2014-11-27", "contested", message),
        ),
        cycles=(
            CausalCycle(
                ("oil-below-60", "ruble-falls", "rate-hike", "opec-no-cut"),
                ("oil-to-ruble", "ruble-to-hike", "hike-to-opec", "opec-to-oil"),
                ("2014-12-12/2014-12-16", "2014-12-15", "2014-12-16T01:00:00+03:00",
                 "2014-11-27"),
                "causal links form a cycle: oil-below-60 -> ruble-falls -> rate-hike -> "
                "opec-no-cut -> oil-below-60",
            ),
        ),
        contradicted_claims=(
            ContradictedClaim("claim-backwards", "hike-to-opec", "rate-hike", "opec-no-cut",
                              "2014-12-16T01:00:00+03:00", "2014-11-27",
                              f"claim claim-backwards asserts hike-to-opec, but {message}"),
        ),
    )  # fmt: skip


def test_check_consistency_reports_self_loops(tiny):
    g = build_causal_graph(tiny)
    g.add_edge("ruble-falls", "ruble-falls", id="loop", kind="causes", confidence=1.0,
               status="supported", links=["loop"])  # fmt: skip
    (cycle,) = check_consistency(tiny, g).cycles
    assert (cycle.events, cycle.links) == (("ruble-falls",), ("loop",))


def test_real_data_is_consistent_but_for_the_articles_reversed_chronology(real):
    """No cycle and no contradicted claim; the one time inversion is the seed article's own
    link, the 1993 tank assault "starting" the shock therapy of January 1992 (fact sheet
    section 4, item 9), which the data keeps as unsupported."""
    found = check_consistency(real, build_causal_graph(real))
    assert found.cycles == ()
    (inversion,) = found.time_inversions
    (claim,) = found.contradicted_claims  # the claim that states it, graded misstated
    assert (claim.claim, claim.link) == ("claim-started-with-tank-assault", inversion.link)
    assert (inversion.link, inversion.status) == (
        "tank-assault-starts-shock-therapy",
        "unsupported",
    )


def test_consistency_sees_links_at_every_status(tiny):
    # a cycle closed by an unsupported link is reported, although analyses do not follow it
    back = dataclasses.replace(
        tiny.links[0], id="back", cause="rate-hike", effect="opec-no-cut", status="unsupported"
    )
    g = build_causal_graph(dataclasses.replace(tiny, links=(*tiny.links, back)))
    (cycle,) = check_consistency(tiny, g).cycles
    assert "back" in cycle.links
    assert find_causal_chains(g, "rate-hike", "opec-no-cut") == []


# -- time order ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "relations", "phrase"),
    [
        ("2014-11-27", "2014-12-15", ("before",), "before"),
        ("2014-12-15", "2014-11-27", ("after",), "after"),
        ("2014-12-12/2014-12-16", "2014-12-15", ("contains",), "contains"),
        ("2014-12-15", "2014-12-12/2014-12-16", ("during",), "during"),
        ("2014-12-16T01:00:00+03:00", "2014-12-15T22:00:00Z", ("equals",), "equals"),
        ("2014-12-15", "2014-12-16T01:00:00+03:00", ("before",), "before"),
        ("2014-12", "2014-12-20/2015-01-10",
         ("before", "during", "meets", "overlaps", "starts"), "before or overlapping"),
        ("2014-12-20/2015-01-10", "2014-12",
         ("after", "contains", "met_by", "overlapped_by", "started_by"), "overlapping or after"),
        ("2014-12-15", "2014-12-15", tuple(sorted(
            ["before", "meets", "overlaps", "starts", "during", "finishes", "equals", "after",
             "met_by", "overlapped_by", "started_by", "contains", "finished_by"])),
         "before, overlapping or after"),
    ],
)  # fmt: skip
def test_temporal_relation_phrases(a, b, relations, phrase):
    g = build_graph_from_links([("a", "b", 1)])
    g.nodes["a"]["date"], g.nodes["b"]["date"] = parse_date(a), parse_date(b)
    result = describe_temporal_relation(g, "a", "b")
    assert (result.relations, result.decided, result.phrase) == (
        relations,
        len(relations) == 1,
        phrase,
    )


def test_temporal_relation_from_a_dataset(real):
    result = describe_temporal_relation(real, "ruble-black-monday", "cbr-hike-to-17")
    assert result.a_date == DateInfo("2014-12-15", "2014-12-15", "2014-12-15", "day")
    assert result.b_date == DateInfo(
        "2014-12-16T01:00:00+03:00", "2014-12-16T01:00:00+03:00", "2014-12-16T01:00:00+03:00",
        "second",
    )  # fmt: skip
    assert (result.relations, result.phrase) == (("before",), "before")
    with pytest.raises(UnknownEventError, match="'nowhere'"):
        describe_temporal_relation(real, "nowhere", "cbr-hike-to-17")


def test_temporal_relation_needs_dates(crisis):
    with pytest.raises(DataError, match="'oil' has no date"):
        describe_temporal_relation(crisis, "oil", "ruble")


@pytest.mark.parametrize(
    ("possible", "phrase"),
    [
        ({"met_by"}, "met by"),
        ({"finished_by"}, "finished by"),
        ({"before", "meets"}, "before"),
        ({"before", "after"}, "before or after"),
        ({"during", "starts", "equals"}, "overlapping"),
        (set(), "unknown"),
    ],
)
def test_temporal_phrase_of_each_possible_set(monkeypatch, crisis, possible, phrase):
    monkeypatch.setattr("graph.causal.comparison.possible_allen_relations", lambda a, b: possible)
    for event in ("oil", "ruble"):
        crisis.nodes[event]["date"] = parse_date("2014-12")
    assert describe_temporal_relation(crisis, "oil", "ruble").phrase == phrase


# -- comparison ---------------------------------------------------------------------------------


def test_compare_events(tiny):
    result = compare_events(tiny, build_causal_graph(tiny), "oil-below-60", "ruble-falls")
    assert json.loads(json.dumps(dataclasses.asdict(result))) == {
        "a": {
            "id": "oil-below-60", "label": "Brent falls below $60", "type": "oil-market",
            "lane": "oil",
            "date": {"edtf": "2014-12-12/2014-12-16", "begin": "2014-12-12",
                     "end": "2014-12-16", "precision": "day"},
            "quantities": [],
            "causes": [{"id": "opec-to-oil", "cause": "opec-no-cut", "effect": "oil-below-60",
                        "kind": "causes", "confidence": 0.9, "status": "supported"}],
            "effects": [{"id": "oil-to-ruble", "cause": "oil-below-60", "effect": "ruble-falls",
                         "kind": "contributes_to", "confidence": 0.75, "status": "qualified"}],
        },
        "b": {
            "id": "ruble-falls", "label": "Ruble's record one-day fall", "type": "currency-move",
            "lane": "markets",
            "date": {"edtf": "2014-12-15", "begin": "2014-12-15", "end": "2014-12-15",
                     "precision": "day"},
            "quantities": [
                {"kind": "exchange-rate", "value": 64.44, "unit": "rub-per-usd",
                 "previous": None, "according_to": "RBC", "note": None},
                {"kind": "exchange-rate", "value": 63.4, "unit": "rub-per-usd",
                 "previous": None, "according_to": "TASS", "note": None},
            ],
            "causes": [{"id": "oil-to-ruble", "cause": "oil-below-60", "effect": "ruble-falls",
                        "kind": "contributes_to", "confidence": 0.75, "status": "qualified"}],
            "effects": [{"id": "ruble-to-hike", "cause": "ruble-falls", "effect": "rate-hike",
                         "kind": "causes", "confidence": 0.9, "status": "supported"}],
        },
        "similar_links": [],
        "relation": {
            "a": "oil-below-60", "b": "ruble-falls",
            "a_date": {"edtf": "2014-12-12/2014-12-16", "begin": "2014-12-12",
                       "end": "2014-12-16", "precision": "day"},
            "b_date": {"edtf": "2014-12-15", "begin": "2014-12-15", "end": "2014-12-15",
                       "precision": "day"},
            "relations": ["contains"], "decided": True, "phrase": "contains",
        },
    }  # fmt: skip


def test_compare_events_lists_similarities_both_ways(real):
    g = build_causal_graph(real)
    forward = compare_events(real, g, "cbr-hike-to-17", "russian-financial-crisis-1998")
    backward = compare_events(real, g, "russian-financial-crisis-1998", "cbr-hike-to-17")
    expected = (
        LinkInfo("hike-to-17-like-1998-crisis", "russian-financial-crisis-1998",
                 "cbr-hike-to-17", "similar_to", 0.9, "supported"),
    )  # fmt: skip
    assert forward.similar_links == backward.similar_links == expected
    assert (forward.relation.phrase, backward.relation.phrase) == ("after", "before")
    with pytest.raises(UnknownEventError, match="'nowhere'"):
        compare_events(real, g, "cbr-hike-to-17", "nowhere")


def test_compare_events_lists_contested_causes_only_on_request(real):
    g = build_causal_graph(real)
    side = compare_events(real, g, "ruble-black-monday", "cbr-hike-to-17").a
    assert "ufsa-designed-to-collapse-ruble" not in {link.id for link in side.causes}
    side = compare_events(real, g, "ruble-black-monday", "cbr-hike-to-17", statuses=ALL_STATUSES).a
    contested = next(link for link in side.causes if link.id == "ufsa-designed-to-collapse-ruble")
    assert contested.status == "unsupported"
