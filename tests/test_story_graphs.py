"""Each story's records in a named graph of its own: what goes where, both writers and the bulk
build agreeing graph by graph, reloads that drop a story's graph, and queries of one story
(``FROM``, ``default-graph-uri``, ``GRAPH``)."""

from __future__ import annotations

from collections import Counter
from urllib.parse import quote

import pytest
from rdflib import Dataset as RdfDataset
from rdflib import URIRef

from graph.causal.graph import build_causal_graph
from graph.causal.readback import read_causal_graph
from graph.data.loader import load_dataset
from graph.rdf import bulk
from graph.rdf.build import build_dataset, iter_statements
from graph.rdf.bulk import build_store_dir
from graph.rdf.scheme import graph_iri, story_graph_iri
from graph.store import open_store

from .conftest import DATA, STORE_BACKENDS, open_test_store, running_app
from .test_bulk import assert_same_graphs, named_graphs

STORIES = DATA / "stories" / "events.yaml"
BASE = "http://example.org/ekg/id/"
FIRST, SECOND = story_graph_iri(BASE, "first"), story_graph_iri(BASE, "second")


@pytest.fixture(scope="module")
def stories():
    return load_dataset(STORIES)


def graphs_of(dataset) -> dict[str, object]:
    return named_graphs(build_dataset(dataset, graph_iri(dataset.info)))


def test_each_storys_records_are_in_its_graph_and_shared_ones_in_the_datasets(stories):
    graphs = graphs_of(stories)
    own = graphs[graph_iri(stories.info)]
    for story in stories.stories:
        graph = graphs[story_graph_iri(BASE, story.id)]
        for section, cls in (("events", "sem:Event"), ("links", "ekg:CausalLink")):
            rows = graph.query(f"SELECT ?x WHERE {{ ?x a {cls} }}")
            assert sorted(str(r[0]).rsplit("/", 1)[1] for r in rows) == sorted(
                getattr(story, section)
            )
        claims = graph.query("SELECT ?x WHERE { ?x a ekg:Claim }")
        assert sorted(str(r[0]).rsplit("/", 1)[1] for r in claims) == sorted(story.claims)
        # The story's node, in the dataset's graph: its IRI names its graph.
        node = URIRef(story_graph_iri(BASE, story.id))
        assert own.value(node, URIRef("http://www.w3.org/2000/01/rdf-schema#label")).value == (
            story.title
        )
    assert not list(own.query("SELECT ?e WHERE { ?e a sem:Event }"))
    # A quantity is in its event's story; a source document's own triples, once, in the shared.
    assert graphs[SECOND].query("ASK { ?q a qudt:QuantityValue }").askAnswer
    titles = own.query("SELECT ?d ?t WHERE { ?d dct:title ?t ; dct:publisher ?p }")
    assert len({row[0] for row in titles}) == len(titles) == 3
    for name, graph in graphs.items():
        if name != graph_iri(stories.info):
            assert not graph.query("ASK { ?d dct:publisher ?p }").askAnswer, name


def test_no_triple_is_in_two_graphs(stories, real):
    for dataset in (stories, real):
        seen = Counter(t for graph in graphs_of(dataset).values() for t in graph)
        assert [t for t, n in seen.items() if n > 1] == []


def test_lane_order_runs_within_each_story(stories):
    """c (1998) comes before a (2014) in lane oil, but they are in different stories: each
    story's graph orders its own events, and nothing orders across stories."""
    graphs = graphs_of(stories)
    query = "SELECT ?a ?b WHERE { ?a ekg:nextInLane ?b }"

    def pairs(graph):
        return [tuple(str(e).rsplit("/", 1)[1] for e in row) for row in graph.query(query)]

    assert pairs(graphs[FIRST]) == [("a", "b")]
    assert pairs(graphs[SECOND]) == [("c", "e")]
    assert pairs(graphs[graph_iri(stories.info)]) == []


@pytest.mark.parametrize("streamed", [True, False])
def test_bulk_store_holds_the_story_graphs(tmp_path, stories, streamed, monkeypatch):
    monkeypatch.setattr(bulk, "CHUNK_BYTES", 1 << 10)  # several N-Quads chunks
    if not streamed:
        monkeypatch.setattr(bulk, "read_manifest", lambda path: None)
        (tmp_path / "work").mkdir()
        loaded = bulk.read_dataset(STORIES)
        bulk._load_into(tmp_path / "store", loaded, str(tmp_path / "work"))
        store = open_store("oxigraph", tmp_path / "store")
    else:
        loaded, store = build_store_dir(STORIES, tmp_path / "store")
        assert loaded.streamed
    expected = build_dataset(stories, graph_iri(stories.info))
    assert store.graphs() == sorted(named_graphs(expected))
    dumped = RdfDataset()
    dumped.parse(data=store.serialize("trig"), format="trig")
    assert_same_graphs(dumped, expected)


def test_streamed_and_rebuilt_real_data_are_equal(tmp_path, real, events_path):
    _, store = build_store_dir(events_path, tmp_path / "store")
    expected = build_dataset(real, graph_iri(real.info))
    assert store.graphs() == sorted(named_graphs(expected))
    assert len(store) == sum(len(g) for g in named_graphs(expected).values())


def without_second(tmp_path):
    (tmp_path / "events.yaml").write_text(
        STORIES.read_text().replace("include: [stories/second.yaml]\n", ""), "utf-8"
    )
    return tmp_path / "events.yaml"


def test_a_rebuilt_store_dir_without_a_story_has_no_graph_of_it(tmp_path):
    _, store = build_store_dir(STORIES, tmp_path / "store")
    assert SECOND in store.graphs()
    store.close()
    del store
    loaded, store = build_store_dir(without_second(tmp_path), tmp_path / "store")
    assert SECOND not in store.graphs() and FIRST in store.graphs()
    assert len(store) == len(set(iter_statements(loaded.dataset)))


@pytest.mark.parametrize("backend", [*STORE_BACKENDS, "oxigraph-disk"])
def test_a_reload_without_a_story_leaves_none_of_its_graph(backend, request, tmp_path, stories):
    graph = graph_iri(stories.info)
    if backend == "oxigraph-disk":
        store = open_store("oxigraph", tmp_path / "db")
    else:
        store = open_test_store(backend, request)
    store.load(iter_statements(stories), graph)
    assert {FIRST, SECOND} <= set(store.graphs())
    links = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?l a ekg:CausalLink }").rows
    assert int(links[0][0].toPython()) == len(stories.links)
    pulled = read_causal_graph(store, BASE)
    assert sorted(pulled.edges) == sorted(build_causal_graph(stories).edges)
    fewer = load_dataset(without_second(tmp_path))
    store.load(iter_statements(fewer), graph)
    assert SECOND not in store.graphs() and FIRST in store.graphs()
    # (Virtuoso answers ASK { GRAPH <any IRI> { ?s ?p ?o } } true: list the graphs instead.)
    held = store.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }").rows
    assert SECOND not in {str(row[0]) for row in held} and FIRST in {str(r[0]) for r in held}
    assert len(store) == len(set(iter_statements(fewer)))
    store.close()


@pytest.mark.parametrize("backend", ["oxigraph", "rdflib"])
def test_a_query_of_one_story(backend, stories):
    count = "SELECT (COUNT(*) AS ?n) {from} WHERE {{ ?e a sem:Event }}"
    with running_app(STORIES, BACKEND=backend) as app:
        client = app.test_client()
        for story in stories.stories:
            iri = story_graph_iri(BASE, story.id)
            for params in (
                "query=" + quote(count.format(**{"from": f"FROM <{iri}>"})),
                f"default-graph-uri={quote(iri, safe='')}&query="
                + quote(count.format(**{"from": ""})),
            ):
                answer = client.get(
                    f"/sparql?{params}", headers={"Accept": "application/sparql-results+json"}
                )
                assert answer.status_code == 200, answer.data
                (row,) = answer.get_json()["results"]["bindings"]
                assert int(row["n"]["value"]) == len(story.events), params
        grouped = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?e a sem:Event } } GROUP BY ?g"
        answer = client.get(
            f"/sparql?query={quote(grouped)}", headers={"Accept": "application/sparql-results+json"}
        )
        rows = {
            r["g"]["value"]: int(r["n"]["value"]) for r in answer.get_json()["results"]["bindings"]
        }
        assert rows == {story_graph_iri(BASE, s.id): len(s.events) for s in stories.stories}


def test_status_and_api_stories_give_each_storys_graph(stories):
    with running_app(STORIES) as app:
        client = app.test_client()
        status = client.get("/-/status").get_json()
        listed = client.get("/api/stories").get_json()["stories"]
        built = app.extensions["ekg"]
    graphs = graphs_of(stories)
    assert status["stories"] == [
        {
            "id": story.id,
            "graph": story_graph_iri(BASE, story.id),
            "events": len(story.events),
            "links": len(story.links),
            "claims": len(story.claims),
            "triples": len(graphs[story_graph_iri(BASE, story.id)]),
        }
        for story in stories.stories
    ]
    assert built.story_counts() is built.story_counts()  # counted once per data version
    assert [s["graph"] for s in listed] == [FIRST, SECOND]


def test_status_of_a_dataset_without_stories_lists_none(client):
    assert client.get("/-/status").get_json()["stories"] == []
