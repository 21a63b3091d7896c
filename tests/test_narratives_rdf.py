"""Each narrative (account) as a nanopublication in named graphs of its own, on every backend:
its assertion graph holds its links' records, a disputed link is never a direct triple in any
graph, the shipped queries answer over them, and a reload leaves no stale narrative graph."""

from __future__ import annotations

import networkx as nx
import pytest
from rdflib import Dataset as RdfDataset

from graph import vocab
from graph.causal.graph import build_causal_graph
from graph.causal.readback import read_causal_graph
from graph.data.loader import load_dataset
from graph.queries import load_query
from graph.rdf.build import iter_statements
from graph.rdf.scheme import graph_iri, nanopub_iris

from .conftest import DATA, STORE_BACKENDS, open_test_store

ID = "http://example.org/ekg/id/"


def test_the_seed_articles_assertion_graph_holds_its_28_links(real_store, real):
    iris = nanopub_iris(real.info.base, "seed-article")
    assertion, narrative = iris["assertion"], iris["nanopub"]
    result = real_store.query(
        f"SELECT ?link WHERE {{ GRAPH <{assertion}> {{ <{narrative}> ekg:assertsLink ?link }} }}"
    )
    links = [str(row[0]).removeprefix(f"{ID}link/") for row in result.rows]
    assert sorted(links) == sorted(link.id for link in real.narrative_links("seed-article"))
    assert len(links) == 28


def test_no_link_record_is_counted_twice_over_the_union_default_graph(real_store, real):
    """An account's graphs repeat no triple of the dataset's graph: Oxigraph and Virtuoso return
    a triple once per graph that holds it, so every link is one row, not one per account."""
    rows = real_store.query("SELECT ?link WHERE { ?link a ekg:CausalLink }").rows
    assert len(rows) == len(real.links) > 51


def test_narratives_query_counts_each_accounts_links_by_status(real_store, real):
    rows = real_store.query(load_query("narratives")).rows
    counts: dict[tuple[str, str], int] = {}
    for narrative, _, status, links, _ in rows:
        key = (str(narrative).rsplit("/", 1)[1], str(status).rsplit("#", 1)[1].lower())
        counts[key] = int(links.toPython())  # type: ignore[union-attr]
    expected: dict[tuple[str, str], int] = {}
    for narrative in real.narratives:
        for link in real.narrative_links(narrative.id):
            key = (narrative.id, link.status)
            expected[key] = expected.get(key, 0) + 1
    assert counts == expected
    assert sum(n for (name, _), n in counts.items() if name == "seed-article") == 28


def test_disputed_links_name_their_asserters_and_the_sources_against_them(real_store, real):
    rows = real_store.query(load_query("disputed-links")).rows
    disputed = {link.id: link for link in real.links if link.status in vocab.DISPUTED_STATUSES}
    assert len(rows) >= 6
    for row in rows:
        link = disputed[str(row[0]).removeprefix(f"{ID}link/")]
        assert row[5] is not None and row[6] is not None  # an asserter, labelled
        assert set(str(row[7]).split()) == {source.url for source in link.disputed_by}
    assert {str(row[0]).removeprefix(f"{ID}link/") for row in rows} == set(disputed)


def test_no_disputed_link_is_a_direct_triple_in_any_graph(real_store, real):
    def pair(link):
        return link.cause, link.kind, link.effect

    stated = {pair(link) for link in real.links if link.status in vocab.ASSERTED_STATUSES}
    disputed = [link for link in real.links if link.status in vocab.DISPUTED_STATUSES]
    checked = 0
    for link in disputed:
        if pair(link) in stated:  # (the same relation is also a supported link's)
            continue
        predicate = vocab.LINK_PREDICATES[link.kind]
        triple = f"<{ID}event/{link.cause}> <{predicate}> <{ID}event/{link.effect}>"
        assert real_store.query(f"ASK {{ {triple} }}").boolean is False, link.id
        assert real_store.query(f"ASK {{ GRAPH ?g {{ {triple} }} }}").boolean is False, link.id
        checked += 1
    assert checked >= 6
    ufsa = f"<{ID}event/ufsa-passed-by-congress> ekg:contributesTo <{ID}event/ruble-black-monday>"
    assert real_store.query(f"ASK {{ {ufsa} }}").boolean is False


def test_the_causal_graph_read_back_is_the_same(real_store, real):
    pulled = read_causal_graph(real_store, real.info.base)
    expected = build_causal_graph(real)
    assert nx.utils.graphs_equal(pulled, expected)
    assert [pulled.edges[e]["links"] for e in pulled.edges] == [
        expected.edges[e]["links"] for e in pulled.edges
    ]


@pytest.mark.parametrize("backend", STORE_BACKENDS)
def test_a_reload_replaces_the_narrative_graphs(backend, request):
    features = load_dataset(DATA / "features.yaml")
    graph = graph_iri(features.info)
    store = open_test_store(backend, request)
    store.load(iter_statements(features), graph)
    roles = ("head", "assertion", "provenance", "pubinfo")
    graphs = {
        nanopub_iris(features.info.base, n.id)[role] for n in features.narratives for role in roles
    }
    assert set(store.graphs()) == {graph, *graphs}
    traders = set(nanopub_iris(features.info.base, "traders").values())
    kept = [s for s in iter_statements(features) if len(s) == 3 or str(s[3]) not in traders]
    store.load(kept, graph)
    assert set(store.graphs()) == {graph, *(graphs - traders)}
    assert len(store) == len(set(kept))
    assert not store.query(f"ASK {{ <{ID}narrative/traders> ?p ?o }}").boolean
    exported = RdfDataset()
    exported.parse(data=store.serialize("trig"), format="trig")  # TriG keeps the graphs apart
    assert {str(g.identifier) for g in exported.graphs() if len(g)} == set(store.graphs())
    if hasattr(store, "drop"):  # the remote store drops a graph with its parts
        store.drop(graph)
        assert store.graphs() == []
    store.close()
