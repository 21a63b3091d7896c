"""The Store interface: every backend gives the same answers (store-facing suite)."""

from __future__ import annotations

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from graph.errors import QueryError, QuerySyntaxError, StoreError
from graph.pipeline import build_knowledge_graph, write_store_dir
from graph.rdf.build import build_graph, iter_statements, iter_triples
from graph.store.backends.oxigraph import OxigraphStore
from graph.store.base import DEFAULT_DATA_GRAPH, EXPORT_FORMATS, open_store

from .conftest import canonical

PARSERS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "trig": "trig"}


def test_store_holds_exactly_the_built_graph(tiny_store, tiny, quirks):
    expected = build_graph(tiny)
    assert len(tiny_store) == len(expected)
    assert isomorphic(canonical(tiny_store.graph(), quirks), canonical(expected))


@pytest.mark.parametrize("fmt", list(EXPORT_FORMATS))
def test_exports_parse_back_to_the_same_graph(tiny_store, tiny, fmt, quirks):
    data = tiny_store.serialize(fmt)
    if fmt == "trig":
        dataset = Dataset()
        dataset.parse(data=data, format="trig")
        parsed = Graph()
        for s, p, o, graph in dataset.quads((None, None, None, None)):
            assert str(graph) == DEFAULT_DATA_GRAPH  # TriG keeps the named graph
            parsed.add((s, p, o))
    else:
        parsed = Graph().parse(data=data, format=PARSERS[fmt])
    assert isomorphic(canonical(parsed, quirks), canonical(build_graph(tiny)))


def test_select_returns_rdflib_terms_in_variable_order(tiny_store):
    result = tiny_store.query(
        "SELECT ?label ?e WHERE { ?e a sem:Event ; rdfs:label ?label } ORDER BY ?label"
    )
    assert result.kind == "select"
    assert result.variables == ("label", "e")
    assert result.rows[0] == (
        Literal("Bank of Russia raises its key rate to 17 %", lang="en"),
        URIRef("http://example.org/ekg/id/event/rate-hike"),
    )


def test_unbound_cells_are_none(tiny_store):
    result = tiny_store.query(
        "SELECT ?e ?place WHERE { ?e a sem:Event OPTIONAL { ?e sem:hasPlace ?place } } ORDER BY ?e"
    )
    places = {str(row[0]).rsplit("/", 1)[1]: row[1] for row in result.rows}
    assert places["oil-below-60"] is None
    assert places["opec-no-cut"] == URIRef("http://example.org/ekg/id/place/vienna")


def test_ask_and_construct(tiny_store):
    assert tiny_store.query("ASK { ?a faro:causes ?b }").boolean is True
    assert tiny_store.query("ASK { ?a faro:prevents ?b }").boolean is False
    result = tiny_store.query("CONSTRUCT { ?a faro:causes ?b } WHERE { ?a faro:causes ?b }")
    assert result.kind == "graph" and len(result.triples) == 2


def test_property_path_over_direct_triples(tiny_store):
    result = tiny_store.query(
        """SELECT ?cause WHERE {
             ?cause (faro:causes|ekg:contributesTo)+ <http://example.org/ekg/id/event/rate-hike>
           } ORDER BY ?cause"""
    )
    names = [str(row[0]).rsplit("/", 1)[1] for row in result.rows]
    assert names == ["oil-below-60", "opec-no-cut", "ruble-falls"]


def test_transitive_path_with_both_ends_unbound(tiny_store, quirks):
    query = "ASK { ?a faro:causes+ ?b }"
    if "no-unbounded-transitive-paths" in quirks:
        with pytest.raises(QueryError, match="failed to answer"):  # a clear error, no crash
            tiny_store.query(query)
    else:
        assert tiny_store.query(query).boolean is True


def test_typed_values_agree(tiny_store):
    result = tiny_store.query("SELECT ?v WHERE { ?q ekg:previousValue ?p ; qudt:numericValue ?v }")
    assert [row[0].toPython() for row in result.rows] == [17]


def test_syntax_error_has_position(tiny_store):
    with pytest.raises(QuerySyntaxError) as info:
        tiny_store.query("SELECT ?s WHERE {\n  ?s ?p \n}")
    assert info.value.line is not None and info.value.line >= 2


def test_load_replaces_contents(tiny_store, tiny):
    tiny_store.load(list(iter_triples(tiny))[:10])
    assert len(tiny_store) <= 10


def test_unknown_backend_and_format():
    with pytest.raises(StoreError, match="unknown store backend"):
        open_store("neo4j")
    with pytest.raises(StoreError, match="unknown export format"):
        open_store("rdflib").serialize("xml")
    with pytest.raises(StoreError, match="takes no path"):
        open_store("rdflib", "/tmp/x")


def test_backends_agree_on_real_data(real):
    answers = []
    for backend in ("oxigraph", "rdflib"):
        store = open_store(backend)
        store.load(iter_statements(real))
        rows = store.query(
            "SELECT ?e ?begin WHERE { ?e sem:hasBeginTimeStamp ?begin } ORDER BY ?begin ?e"
        ).rows
        answers.append((len(store), rows))
    assert answers[0] == answers[1]


def test_on_disk_store_is_swapped_atomically(tmp_path, tiny_path):
    target = tmp_path / "store"
    built = build_knowledge_graph(tiny_path, store_dir=target)
    count = len(built.store)
    del built
    reopened = OxigraphStore(target, read_only=True)
    assert len(reopened) == count
    reopened.close()  # a read-only store closes without flushing (which it cannot do)
    del reopened

    def failing():
        yield from iter_triples(build_knowledge_graph(tiny_path).dataset)
        raise RuntimeError("killed midway")

    with pytest.raises(RuntimeError):
        write_store_dir(failing(), target)
    assert len(OxigraphStore(target, read_only=True)) == count  # the old store survived
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store"]  # nothing left behind


COUNT_EVENTS = "SELECT (COUNT(*) AS ?n) WHERE { ?e a sem:Event }"


def _count(store, sparql=COUNT_EVENTS, **options):
    return store.query(sparql, **options).rows[0][0].toPython()


def test_default_graph_is_the_union_of_named_graphs(tiny_store):
    assert tiny_store.graphs() == [DEFAULT_DATA_GRAPH]
    assert _count(tiny_store) == 4
    assert _count(tiny_store, default_graphs=[DEFAULT_DATA_GRAPH]) == 4
    assert _count(tiny_store, default_graphs=["http://example.org/nowhere"]) == 0


def test_named_graphs_select_what_graph_sees(tiny_store):
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert [str(r[0]) for r in tiny_store.query(query).rows] == [DEFAULT_DATA_GRAPH]
    assert tiny_store.query(query, named_graphs=[]).rows == []
    assert tiny_store.query(query, default_graphs=[], named_graphs=[]).rows == []


def test_from_selects_graphs_of_the_store_and_fetches_nothing(tiny_store):
    assert (
        _count(
            tiny_store,
            f"SELECT (COUNT(*) AS ?n) FROM <{DEFAULT_DATA_GRAPH}> WHERE {{ ?e a sem:Event }}",
        )
        == 4
    )
    for iri in ("http://127.0.0.1:9/data.ttl", "file:///etc/passwd"):
        assert _count(tiny_store, f"SELECT (COUNT(*) AS ?n) FROM <{iri}> WHERE {{ ?s ?p ?o }}") == 0


def test_load_keeps_other_graphs(tiny_store, tiny):
    tiny_store.load(list(iter_triples(tiny))[:5], "http://example.org/other")
    assert tiny_store.graphs() == ["http://example.org/other", DEFAULT_DATA_GRAPH]
    assert _count(tiny_store, default_graphs=["http://example.org/other"]) <= 1


@pytest.mark.parametrize("sparql", ["SELECT * WHERE { ?s ?p ?o }", "CONSTRUCT WHERE { ?s ?p ?o }"])
def test_max_rows_truncates_and_says_so(tiny_store, sparql):
    result = tiny_store.query(sparql, max_rows=7)
    assert len(result.rows or result.triples) == 7
    assert result.truncated
    assert not tiny_store.query(sparql, max_rows=10_000).truncated
