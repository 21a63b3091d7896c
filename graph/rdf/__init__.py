"""The RDF mapping of a dataset, and bulk loads of it into on-disk stores.

The mapping is declared once: :mod:`~graph.rdf.scheme` (the IRI scheme, the vocabulary and
:class:`Terms`, what a writer supplies) and :mod:`~graph.rdf.mapping` (which triples each
record gives, in which order). Two writers: :mod:`~graph.rdf.build` makes rdflib terms,
:mod:`~graph.rdf.ntriples` N-Triples text, record by record, for :mod:`~graph.rdf.bulk` to
stream into pyoxigraph's bulk loader; :mod:`~graph.rdf.graphs` says which named graph, the
dataset's or a story's, each triple goes into, and :mod:`~graph.rdf.nanopub` gives the named
graphs of the narratives (nanopublications). :mod:`~graph.rdf.description`
describes the SPARQL endpoint and its data (Service Description, VoID).

This package imports :mod:`graph.data` and :mod:`graph.store`.
"""

from graph.rdf.build import (
    build_dataset,
    build_graph,
    event_iri,
    iter_quads,
    iter_statements,
    iter_triples,
)
from graph.rdf.bulk import MANIFEST, build_store_dir, read_manifest
from graph.rdf.description import describe_service
from graph.rdf.graphs import all_triples
from graph.rdf.nanopub import narrative_quads
from graph.rdf.ntriples import NTriplesWriter, dataset_nquads, iter_ntriples
from graph.rdf.scheme import Terms, graph_iri, iri, local_id, nanopub_iris, story_graph_iri

__all__ = [
    "MANIFEST",
    "NTriplesWriter",
    "Terms",
    "all_triples",
    "build_dataset",
    "build_graph",
    "build_store_dir",
    "dataset_nquads",
    "describe_service",
    "event_iri",
    "graph_iri",
    "iri",
    "iter_ntriples",
    "iter_quads",
    "iter_statements",
    "iter_triples",
    "local_id",
    "nanopub_iris",
    "narrative_quads",
    "read_manifest",
    "story_graph_iri",
]
