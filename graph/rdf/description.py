"""SPARQL 1.1 Service Description of the endpoint, with a VoID description of its data.

>>> from pathlib import Path
>>> from graph.pipeline import build_knowledge_graph
>>> built = build_knowledge_graph(Path(__file__).parents[2] / "tests" / "data" / "tiny.yaml")
>>> g = describe_service(built, "http://127.0.0.1:8080/sparql")
>>> int(g.value(URIRef("http://example.org/ekg/id/dataset/tiny"), VOID.triples))
166
"""

from __future__ import annotations

from typing import Protocol

import networkx as nx
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, VOID

from graph import vocab
from graph.data import Dataset
from graph.rdf.build import event_iri
from graph.rdf.scheme import DATASET, graph_iri, iri
from graph.store import Store


class DescribedData(Protocol):
    """What a description is made from: a data version as :mod:`graph.pipeline` builds it."""

    @property
    def store(self) -> Store: ...
    @property
    def dataset(self) -> Dataset: ...
    @property
    def causal(self) -> nx.DiGraph: ...


SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")

_RESULT_FORMATS = (
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "JSON-LD",
    "RDF_XML",
)
_VOCABULARIES = ("sem", "faro", "time", "prov", "dct", "qudt", "skos", "ekg")


def _count(built: DescribedData, expression: str) -> int:
    """A count over the dataset's own graph (the store may hold other graphs too)."""
    result = built.store.query(
        f"SELECT ({expression} AS ?n) WHERE {{ ?s ?p ?o }}",
        default_graphs=[graph_iri(built.dataset.info)],
    )
    return int(result.rows[0][0].toPython())  # type: ignore[union-attr]


def describe_service(built: DescribedData, endpoint: str, *, examples: int = 3) -> Graph:
    """The service description graph of ``endpoint`` serving ``built``.

    Declares the query language, result formats, the union default graph, and a default
    dataset whose graphs carry VoID statistics, the license and example resources.
    """
    info = built.dataset.info
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in {**vocab.PREFIXES, "sd": SD, "formats": FORMATS}.items():
        graph.bind(prefix, namespace)
    service, default_dataset, default_graph = URIRef(endpoint), BNode("dataset"), BNode("union")
    void_dataset = URIRef(iri(info.base, DATASET, info.id))
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, service))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    if built.store.capabilities.union_default_graph:
        graph.add((service, SD.feature, SD.UnionDefaultGraph))
    for name in _RESULT_FORMATS:
        graph.add((service, SD.resultFormat, FORMATS[name]))
    graph.add((service, SD.defaultDataset, default_dataset))
    graph.add((default_dataset, RDF.type, SD.Dataset))
    graph.add((default_dataset, SD.defaultGraph, default_graph))
    graph.add((default_graph, RDF.type, SD.Graph))
    graph.add((default_graph, RDFS.comment, Literal("The union of all named graphs.", lang="en")))
    named = BNode("named")
    graph.add((default_dataset, SD.namedGraph, named))
    graph.add((named, SD.name, URIRef(graph_iri(built.dataset.info))))
    graph.add((named, SD.graph, void_dataset))
    graph.add((void_dataset, RDF.type, SD.Graph))
    graph.add((void_dataset, RDF.type, VOID.Dataset))
    graph.add((void_dataset, DCTERMS.title, Literal(info.title, lang="en")))
    if info.license:
        graph.add((void_dataset, DCTERMS.license, URIRef(info.license)))
    graph.add((void_dataset, VOID.sparqlEndpoint, service))
    graph.add((void_dataset, VOID.triples, Literal(_count(built, "COUNT(*)"))))
    graph.add((void_dataset, VOID.distinctSubjects, Literal(_count(built, "COUNT(DISTINCT ?s)"))))
    graph.add((void_dataset, VOID.properties, Literal(_count(built, "COUNT(DISTINCT ?p)"))))
    graph.add((void_dataset, VOID.entities, Literal(len(built.dataset.events))))
    for prefix in _VOCABULARIES:
        graph.add((void_dataset, VOID.vocabulary, URIRef(str(vocab.PREFIXES[prefix]))))
    degrees = built.causal.degree  # the best connected events make the best examples
    ranked = sorted(built.dataset.events, key=lambda e: (-degrees[e.id], e.id))
    for event in ranked[:examples]:
        graph.add((void_dataset, VOID.exampleResource, event_iri(info.base, event.id)))
    return graph
