"""The RDF of a validated :class:`~graph.data.model.Dataset` as rdflib terms, deterministically.

The writer of :mod:`graph.rdf.mapping` that makes rdflib terms: the reference the N-Triples
writer (:mod:`graph.rdf.ntriples`) is tested against, and what tests, exports and small
stores use. The triples are declared in :mod:`graph.rdf.mapping`, the IRI scheme in
:mod:`graph.rdf.scheme`.

>>> from pathlib import Path
>>> from graph.data.loader import load_dataset
>>> ds = load_dataset(Path(__file__).parents[2] / "tests" / "data" / "tiny.yaml")
>>> g = build_graph(ds)
>>> hike = event_iri(ds.info.base, "rate-hike")
>>> (event_iri(ds.info.base, "ruble-falls"), vocab.FARO.causes, hike) in g
True

A story's records go into a named graph of the story (:mod:`graph.rdf.graphs`), and a
narrative becomes a nanopublication in named graphs of its own (:mod:`graph.rdf.nanopub`):
:func:`iter_triples` gives the dataset's own graph, :func:`iter_quads` the other named graphs,
:func:`iter_statements` both (what :meth:`graph.store.Store.load` takes),
:func:`build_dataset` all graphs apart, and :func:`build_graph` all triples merged, as a
query's default graph (the union of the named graphs) sees them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import TypeVar

from rdflib import Dataset as RdfDataset
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from graph import vocab
from graph.data import AllenRelations, Dataset
from graph.rdf import graphs, scheme
from graph.rdf.nanopub import narrative_quads
from graph.rdf.scheme import EVENT, Terms, canonical_decimal

Triple = tuple[Node, Node, Node]
Quad = tuple[Node, Node, Node, Node]
G = TypeVar("G", Graph, RdfDataset)


def event_iri(base: str, event_id: str) -> URIRef:
    """IRI of an event: ``base`` + ``event/`` + its id."""
    return URIRef(scheme.iri(base, EVENT, event_id))


class RdflibTerms(Terms[Node]):
    """Terms as rdflib makes them."""

    def term(self, value: str) -> URIRef:
        return URIRef(value)

    def en(self, text: str) -> Literal:
        return Literal(text, lang="en")

    def plain(self, text: str) -> Literal:
        return Literal(text)

    def day(self, value: dt.date | dt.datetime) -> Literal:
        return Literal(value.date() if isinstance(value, dt.datetime) else value)

    def instant(self, value: dt.date | dt.datetime) -> Literal:
        return Literal(value)

    def decimal(self, value: Decimal) -> Literal:
        return decimal_literal(value)


def decimal_literal(value: Decimal) -> Literal:
    """An ``xsd:decimal`` in its canonical XSD 1.1 form (``17.0`` -> ``17``), as stores write it.

    >>> str(decimal_literal(Decimal("17.0"))), str(decimal_literal(Decimal("0.90")))
    ('17', '0.9')
    """
    return Literal(canonical_decimal(value), datatype=XSD.decimal)


def build_graph(dataset: Dataset) -> Graph:
    """All triples of ``dataset``, its named graphs' merged in, in an rdflib graph with the
    project's prefixes bound: what a query's default graph (the union) holds."""
    graph = _bound(Graph(bind_namespaces="none"))
    for statement in iter_statements(dataset):
        graph.add(statement[:3])
    return graph


def build_dataset(dataset: Dataset, graph: str) -> RdfDataset:
    """Every graph of ``dataset`` apart: its own triples in named graph ``graph``, and the
    named graphs of its stories and narratives (:func:`iter_quads`)."""
    rdf = _bound(RdfDataset())
    named = rdf.graph(URIRef(graph))
    for statement in iter_statements(dataset):
        if len(statement) == 3:
            named.add(statement)
        else:
            rdf.add(statement)  # type: ignore[arg-type]
    return rdf


def iter_triples(dataset: Dataset) -> Iterator[Triple]:
    """Yield every triple of the dataset's own graph: all of a dataset without stories; the
    shared records of one with stories (see :mod:`graph.rdf.graphs`)."""
    for graph, triples in _groups(dataset):
        if graph is None:
            yield from triples
        else:
            for _ in triples:  # consumed: the groups after it need it
                pass


def iter_quads(dataset: Dataset) -> Iterator[Quad]:
    """Yield every quad of the named graphs of the dataset's stories and narratives, graph
    last."""
    for graph, triples in _groups(dataset):
        if graph is None:
            for _ in triples:
                pass
        else:
            yield from ((s, p, o, graph) for s, p, o in triples)
    yield from narrative_quads(RdflibTerms(dataset.info.base), dataset)


def iter_statements(dataset: Dataset) -> Iterator[Triple | Quad]:
    """The triples of the dataset's own graph and the quads of its other named graphs, in one
    pass: what a store loads (:meth:`graph.store.Store.load`)."""
    for graph, triples in _groups(dataset):
        if graph is None:
            yield from triples
        else:
            yield from ((s, p, o, graph) for s, p, o in triples)
    yield from narrative_quads(RdflibTerms(dataset.info.base), dataset)


def _groups(dataset: Dataset) -> Iterator[graphs.Group[Node]]:
    return graphs.all_groups(RdflibTerms(dataset.info.base), dataset, AllenRelations())


def _bound(graph: G) -> G:
    for prefix, namespace in vocab.PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph
