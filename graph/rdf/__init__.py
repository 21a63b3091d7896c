"""The RDF mapping of a dataset, and bulk loads of it into on-disk stores.

:mod:`~graph.rdf.build` writes a :class:`~graph.data.Dataset` as rdflib triples,
:mod:`~graph.rdf.ntriples` writes the same triples as N-Triples text, record by record, for
:mod:`~graph.rdf.bulk` to stream into pyoxigraph's bulk loader. :mod:`~graph.rdf.description`
describes the SPARQL endpoint and its data (Service Description, VoID).

This package imports :mod:`graph.data` and :mod:`graph.store`.
"""

from graph.rdf.build import build_graph, dataset_graph_iri, event_iri, iter_triples
from graph.rdf.bulk import MANIFEST, build_store_dir, read_manifest
from graph.rdf.description import describe_service
from graph.rdf.ntriples import NTriplesWriter, iter_ntriples
from graph.rdf.scheme import graph_iri, iri, local_id

__all__ = [
    "MANIFEST",
    "NTriplesWriter",
    "build_graph",
    "build_store_dir",
    "dataset_graph_iri",
    "describe_service",
    "event_iri",
    "graph_iri",
    "iri",
    "iter_ntriples",
    "iter_triples",
    "local_id",
    "read_manifest",
]
