"""The RDF build: exact expected graph for the tiny fixture, determinism, temporal relations."""

from __future__ import annotations

import datetime as dt

from rdflib import Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import RDF, TIME, XSD

from graph.data.loader import parse_dataset
from graph.rdf.build import build_graph, event_iri, iter_statements
from graph.vocab import EKG, FARO, LINK_PREDICATES, SEM

from .conftest import DATA, canonical

BASE = "http://example.org/ekg/id/"


def test_tiny_build_matches_reviewed_graph(tiny):
    expected = Graph().parse(DATA / "tiny.expected.ttl")
    built = build_graph(tiny)
    if not isomorphic(canonical(built), canonical(expected)):
        _, missing, extra = graph_diff(
            to_isomorphic(canonical(expected)), to_isomorphic(canonical(built))
        )
        raise AssertionError(
            f"missing:\n{missing.serialize(format='nt')}\nextra:\n{extra.serialize(format='nt')}"
        )


def test_same_yaml_gives_isomorphic_graph(tiny_path):
    text = tiny_path.read_text(encoding="utf-8")
    first, second = build_graph(parse_dataset(text)), build_graph(parse_dataset(text))
    assert isomorphic(first, second)
    assert sorted(first) == sorted(second)  # no blank nodes: even the triples are identical


def test_no_blank_nodes(real):
    assert not any(
        type(term).__name__ == "BNode" for triple in iter_statements(real) for term in triple
    )


def test_link_has_direct_triple_and_reified_node(tiny):
    graph = build_graph(tiny)
    ruble, hike = event_iri(BASE, "ruble-falls"), event_iri(BASE, "rate-hike")
    link = URIRef(BASE + "link/ruble-to-hike")
    assert (ruble, FARO.causes, hike) in graph
    assert (link, EKG.cause, ruble) in graph
    assert (link, EKG.effect, hike) in graph
    assert graph.value(link, EKG.confidence) == Literal("0.9", datatype=XSD.decimal)
    assert graph.value(link, EKG.status) == EKG.Supported
    assert graph.value(link, EKG.allenRelation) == TIME.intervalBefore


def test_contributes_to_uses_our_predicate(tiny):
    graph = build_graph(tiny)
    oil, ruble = event_iri(BASE, "oil-below-60"), event_iri(BASE, "ruble-falls")
    assert (oil, EKG.contributesTo, ruble) in graph
    assert (oil, FARO.contains, ruble) in graph  # 12-16 Dec contains 15 Dec


def test_dates_are_typed_with_precision(tiny):
    graph = build_graph(tiny)
    hike, opec = event_iri(BASE, "rate-hike"), event_iri(BASE, "opec-no-cut")
    assert graph.value(hike, SEM.hasBeginTimeStamp) == Literal("2014-12-16", datatype=XSD.date)
    assert graph.value(hike, EKG.beginInstant) == Literal(
        "2014-12-16T01:00:00+03:00", datatype=XSD.dateTime
    )
    assert graph.value(hike, EKG.beginPrecision) == TIME.unitSecond
    assert graph.value(opec, SEM.hasBeginTimeStamp) == Literal("2014-11-27", datatype=XSD.date)
    assert graph.value(opec, EKG.beginPrecision) == TIME.unitDay
    assert str(graph.value(hike, EKG.edtf)) == "2014-12-16T01:00:00+03:00"


def test_month_precision_gives_undecided_allen_relation(real):
    graph = build_graph(real)
    undecided = set(graph.subjects(EKG.possibleAllenRelation, None))
    for link in undecided:
        assert graph.value(link, EKG.allenRelation) is None
        assert len(set(graph.objects(link, EKG.possibleAllenRelation))) >= 2


def test_lane_chain_is_linear_and_ordered(real):
    graph = build_graph(real)
    events = set(graph.subjects(RDF.type, SEM.Event))
    lanes = {e: graph.value(e, EKG.lane) for e in events}
    chain = list(graph.subject_objects(EKG.nextInLane))
    # a chain per lane within each story: one fewer link than events per (story, lane)
    story = {event_iri(BASE, e.id): real.story_of(e.id) for e in real.events}
    assert len(chain) == len(events) - len({(story[e], lanes[e]) for e in events})
    for earlier, later in chain:
        assert lanes[earlier] == lanes[later]
    for earlier, later in graph.subject_objects(FARO.before):
        end = _day(graph.value(earlier, SEM.hasEndTimeStamp))
        assert end <= _day(graph.value(later, SEM.hasBeginTimeStamp)), (earlier, later)


def _day(literal: Literal) -> dt.date:
    value = literal.toPython()
    assert type(value) is dt.date  # timestamps are uniformly xsd:date
    return value


def test_quantities_keep_attribution(tiny):
    graph = build_graph(tiny)
    ruble = event_iri(BASE, "ruble-falls")
    sources = sorted(
        str(graph.value(q, EKG.accordingTo)) for q in graph.objects(ruble, EKG.quantity)
    )
    assert sources == ["RBC", "TASS"]


def test_contested_links_are_records_not_facts(real):
    graph = build_graph(real)
    contested = [link for link in real.links if link.status in ("contested", "unsupported")]
    assert contested
    for link in contested:
        node = URIRef(BASE + "link/" + link.id)
        assert graph.value(node, EKG.status) is not None
        cause, effect = event_iri(BASE, link.cause), event_iri(BASE, link.effect)
        stated = set(graph.predicates(cause, effect))
        assert not stated & set(LINK_PREDICATES.values()), link.id  # time order may remain
