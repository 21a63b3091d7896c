"""The fast store build: N-Triples and N-Quads text equal to build.py's graphs (the dataset's
and its narratives' named graphs), streamed bulk loads into an on-disk store, its manifest,
and reuse of a store whose data has not changed."""

from __future__ import annotations

import itertools
import os
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset as RdfDataset
from rdflib import Graph, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from graph.data import loader
from graph.data.dates import parse_date, possible_allen_relations
from graph.data.loader import load_dataset
from graph.data.model import Dataset
from graph.errors import StoreError, ValidationError
from graph.pipeline import build_knowledge_graph
from graph.rdf import bulk
from graph.rdf.build import build_dataset, build_graph
from graph.rdf.bulk import MANIFEST, ChunkLoader, build_store_dir, read_manifest
from graph.rdf.ntriples import NTriplesWriter, dataset_nquads, iter_ntriples
from graph.rdf.scheme import graph_iri, story_graph_iri
from support import synthetic

from .conftest import DATA


def assert_same_graph(built: Graph, expected: Graph) -> None:
    if not isomorphic(built, expected):
        _, missing, extra = graph_diff(to_isomorphic(expected), to_isomorphic(built))
        raise AssertionError(
            f"missing:\n{missing.serialize(format='nt')}\nextra:\n{extra.serialize(format='nt')}"
        )


def ntriples_graph(dataset: Dataset) -> Graph:
    return Graph().parse(data="".join(iter_ntriples(dataset, chunk=7)), format="nt")


def written_dataset(dataset: Dataset) -> RdfDataset:
    """The graphs the N-Triples writer gives: the dataset's own and the N-Quads' named ones."""
    rdf = RdfDataset()
    rdf.parse(data=dataset_nquads(dataset), format="nquads")
    own = rdf.graph(URIRef(graph_iri(dataset.info)))
    own.parse(data="".join(iter_ntriples(dataset, chunk=7)), format="nt")
    return rdf


def named_graphs(rdf: RdfDataset) -> dict[str, Graph]:
    return {str(g.identifier): g for g in rdf.graphs() if len(g)}


def assert_same_graphs(built: RdfDataset, expected: RdfDataset) -> None:
    """Graph by graph: the same names, each graph isomorphic."""
    built_graphs, expected_graphs = named_graphs(built), named_graphs(expected)
    assert sorted(built_graphs) == sorted(expected_graphs)
    for name, graph in expected_graphs.items():
        assert_same_graph(built_graphs[name], graph)


def story_graph(dataset: Dataset, story: str) -> str:
    return story_graph_iri(dataset.info.base, story)


def assert_writers_agree(dataset: Dataset) -> None:
    assert_same_graphs(written_dataset(dataset), build_dataset(dataset, graph_iri(dataset.info)))


@pytest.mark.parametrize(
    "name", ["tiny.yaml", "features.yaml", "multi/events.yaml", "stories/events.yaml"]
)
def test_ntriples_equal_build_graph_on_fixtures(name):
    assert_writers_agree(load_dataset(DATA / name))


def test_ntriples_equal_build_graph_on_real_data(real):
    assert_writers_agree(real)
    graphs = named_graphs(build_dataset(real, graph_iri(real.info)))
    stories = len(real.stories)
    assert len(graphs) == 1 + stories + 4 * len(real.narratives)  # + a story's, a nanopub's four
    own = graph_iri(real.info)
    records = [graphs[own], *(graphs[story_graph(real, s.id)] for s in real.stories)]
    # 4095 before issue 16, 4212 before its accounts, 4327 before the story's node
    assert sum(map(len, records)) == 11719  # 4330 with the 2014 story alone
    assert len(graphs[f"{real.info.base}narrative/seed-article/assertion"]) == 28  # one a link


def test_ntriples_equal_build_graph_on_synthetic_data():
    dataset = synthetic.generate_dataset(800, seed=3)
    assert_writers_agree(dataset)


def test_allen_relations_on_day_numbers_match_the_reference():
    texts = [
        "2014", "2015", "2014-12", "2014-11", "2014-12-01", "2014-12-16", "2014-12-31",
        "2014-12-12/2014-12-16", "2014-12-16/2014-12-20", "2014-11/2014-12", "2014/2015",
        "2014-12-16~", "2013-06?", "2014-12-15/2014-12-16", "2014-12-17",
    ]  # fmt: skip
    dates = [parse_date(text) for text in texts]
    writer = NTriplesWriter(lambda text: None)
    for a, b in itertools.product(dates, repeat=2):
        assert writer.relations(a, b) == possible_allen_relations(a, b), (a.edtf, b.edtf)


def store_graph(path: Path, name: str) -> Graph:
    store = ox.Store.read_only(str(path))
    text = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(name)).decode()
    return Graph().parse(data=text, format="nt")


def test_store_dir_holds_the_graph_and_a_manifest(tmp_path, tiny):
    target = tmp_path / "store"
    loaded, store = build_store_dir(DATA / "multi" / "events.yaml", target)
    assert loaded.streamed and loaded.dataset == tiny
    assert store.graphs() == [graph_iri(tiny.info)]
    assert len(store) == len(build_graph(tiny))
    del store
    assert_same_graph(store_graph(target, graph_iri(tiny.info)), build_graph(tiny))
    assert read_manifest(target) == {
        "format": 1,
        "version": loaded.version,
        "files": ["events.yaml", "stories/oil.yaml", "stories/crisis-week.yaml"],
        "graph": graph_iri(tiny.info),
        "snapshot": True,
    }
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store"]  # nothing left beside


def test_many_chunks_load_everything(tmp_path, monkeypatch):
    monkeypatch.setattr(bulk, "CHUNK_BYTES", 1 << 16)
    data = tmp_path / "data" / "events.yaml"
    data.parent.mkdir()
    synthetic.write_events_yaml(600, data, story_size=200)
    dataset = load_dataset(data)
    assert sum(map(len, iter_ntriples(dataset))) > 4 * bulk.CHUNK_BYTES  # several chunks
    _, store = build_store_dir(data, tmp_path / "store")
    assert len(store) == len(build_graph(dataset))


def test_reuse_opens_the_same_store_and_rebuilds_on_change(tmp_path):
    shutil.copytree(DATA / "multi", tmp_path / "data")
    data, target = tmp_path / "data" / "events.yaml", tmp_path / "store"
    first = build_knowledge_graph(data, store_dir=target)
    inode = os.stat(target).st_ino
    first.store.close()
    del first
    again = build_knowledge_graph(data, store_dir=target)
    assert os.stat(target).st_ino == inode  # the very directory: nothing was loaded
    assert again.counts()["triples"] == 166
    again.store.close()
    del again
    story = tmp_path / "data" / "stories" / "oil.yaml"
    story.write_text(story.read_text().replace("Platts report", "Platts note"), "utf-8")
    changed = build_knowledge_graph(data, store_dir=target)
    assert os.stat(target).st_ino != inode
    assert read_manifest(target)["version"].startswith(changed.version)
    titles = changed.store.query("SELECT ?t WHERE { ?d dct:publisher 'Platts' ; dct:title ?t }")
    assert [str(row[0]) for row in titles.rows] == ["Platts note"]


def test_no_reuse_always_rebuilds(tmp_path, tiny_path):
    target = tmp_path / "store"
    build_knowledge_graph(tiny_path, store_dir=target).store.close()
    inode = os.stat(target).st_ino
    build_knowledge_graph(tiny_path, store_dir=target, reuse=False).store.close()
    assert os.stat(target).st_ino != inode


def test_invalid_data_keeps_the_old_store(tmp_path, tiny_path):
    target = tmp_path / "store"
    build_store_dir(tiny_path, target)
    bad = tmp_path / "bad.yaml"
    bad.write_text(tiny_path.read_text().replace("lane: markets", "lane: nowhere"), "utf-8")
    with pytest.raises(ValidationError):
        build_store_dir(bad, target, reuse=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.yaml", "store"]
    assert read_manifest(target) is not None
    assert len(ox.Store.read_only(str(target))) == 166


def test_store_rejecting_a_term_is_a_store_error(tmp_path, tiny_path):
    bad = tmp_path / "events.yaml"
    text = tiny_path.read_text().replace("https://creativecommons.org/licenses/by/4.0/", "CC BY")
    bad.write_text(text, "utf-8")
    with pytest.raises(StoreError, match="cannot load the triples"):
        build_store_dir(bad, tmp_path / "store")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["events.yaml"]


def test_chunk_loader_reports_a_failed_load_among_several(tmp_path, monkeypatch):
    monkeypatch.setattr(bulk, "CHUNK_BYTES", 100)
    store = ox.Store(str(tmp_path / "store"))
    loader = ChunkLoader(store, "http://example.org/g", tmp_path)
    for n in range(20):
        loader.write(f'<http://example.org/a{n}> <http://example.org/p> "{n}" .\n' * 3)
    loader.write("<not an IRI> <http://example.org/p> 1 .\n")
    with pytest.raises(StoreError, match="cannot load the triples"):
        loader.close()
    assert not list(tmp_path.glob("chunk-*"))


def test_chunk_loader_stops_on_the_callers_error(tmp_path):
    store = ox.Store(str(tmp_path / "store"))
    with pytest.raises(KeyError), ChunkLoader(store, "http://example.org/g", tmp_path) as loader:
        loader.write('<http://example.org/a> <http://example.org/p> "1" .\n')
        raise KeyError("stop")
    assert not list(tmp_path.glob("chunk-*"))
    assert MANIFEST not in os.listdir(tmp_path / "store")


def test_false_alarm_of_the_fast_parser_still_builds(tmp_path, tiny_path, monkeypatch):
    # YAML 1.2 (the fast parser) reads 1e3 as a number, YAML 1.1 (the located loader) as
    # text: the fast reading sees a problem, the exact one none, and the store is built anyway.
    monkeypatch.setattr(loader, "FAST_PARSE_BYTES", 0)
    data = tmp_path / "events.yaml"
    data.write_text(tiny_path.read_text().replace("label: Brent falls below $60", "label: 1e3"))
    loaded, store = build_store_dir(data, tmp_path / "store")
    assert not loaded.streamed
    assert loaded.dataset.events[1].label == "1e3"
    assert len(store) == 166


def test_reuse_of_a_store_held_open_reads_it(tmp_path, tiny_path):
    target = tmp_path / "store"
    _, serving = build_store_dir(tiny_path, target)  # e.g. the generation being served
    inode = os.stat(target).st_ino
    _, again = build_store_dir(tiny_path, target)
    assert os.stat(target).st_ino == inode
    assert len(again) == len(serving) == 166


def test_store_dir_holds_the_narratives_named_graphs(tmp_path):
    """The streamed bulk load writes the nanopublication graphs too, equal to build.py's."""
    data = DATA / "features.yaml"
    loaded, store = build_store_dir(data, tmp_path / "store")
    expected = build_dataset(loaded.dataset, graph_iri(loaded.dataset.info))
    assert store.graphs() == sorted(named_graphs(expected))
    dumped = RdfDataset()
    dumped.parse(data=store.serialize("trig"), format="trig")
    assert_same_graphs(dumped, expected)
    assert loaded.streamed
    (tmp_path / "work").mkdir()
    bulk._load_into(tmp_path / "whole", loaded, str(tmp_path / "work"))  # the unstreamed way
    again = ox.Store.read_only(str(tmp_path / "whole"))
    assert len(again) == len(store)
