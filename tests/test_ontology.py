"""The built graph passes the SHACL shapes, and every term it uses is declared."""

from __future__ import annotations

import pyshacl
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from graph import ontology_file
from graph.rdf.build import build_graph
from graph.vocab import EKG, FARO, PROV


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(ontology_file("shapes.ttl"))


@pytest.fixture(scope="module")
def vocabulary() -> Graph:
    return Graph().parse(ontology_file("ekg.ttl"))


@pytest.mark.parametrize("name", ["tiny", "real"])
def test_built_graph_conforms(name, request, shapes, vocabulary):
    graph = build_graph(request.getfixturevalue(name))
    conforms, _, text = pyshacl.validate(graph, shacl_graph=shapes, ont_graph=vocabulary)
    assert conforms, text


def test_shapes_catch_a_link_without_source(tiny, shapes, vocabulary):
    graph = build_graph(tiny)
    link = URIRef("http://example.org/ekg/id/link/ruble-to-hike")
    graph.remove((link, PROV.wasDerivedFrom, None))
    conforms, _, text = pyshacl.validate(graph, shacl_graph=shapes, ont_graph=vocabulary)
    assert not conforms
    assert "wasDerivedFrom" in text


def _used_terms(graph: Graph) -> set[URIRef]:
    terms = set(graph.predicates())
    terms |= {o for o in graph.objects(None, RDF.type)}
    terms |= {o for o in graph.objects() if isinstance(o, URIRef)}
    return terms


def test_every_ekg_and_faro_term_is_declared(real, tiny, vocabulary):
    used = _used_terms(build_graph(real)) | _used_terms(build_graph(tiny))
    ours = {t for t in used if str(t).startswith((str(EKG), str(FARO)))}
    undeclared = sorted(t for t in ours if (t, RDF.type, None) not in vocabulary)
    assert not undeclared, undeclared


def test_declared_terms_have_labels(vocabulary):
    for term in set(vocabulary.subjects(RDF.type, None)):
        if (term, RDF.type, OWL.Ontology) in vocabulary:
            continue
        assert vocabulary.value(term, RDFS.label) is not None, term
