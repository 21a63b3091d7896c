"""Pure library of the event knowledge graph: load, validate, build RDF, store, analyse.

Nothing here imports flask, click or the ``service`` package (a test enforces it). The
sub-packages, in the one direction they import each other (no cycles, no private names
across them):

=====================  ================================================================
:mod:`graph.data`      read and validate the curated YAML into frozen dataclasses
:mod:`graph.store`     the ``Store`` interface and its backends; guard, results, sandbox
:mod:`graph.rdf`       the RDF mapping and its two writers (rdflib, N-Triples), bulk loads
:mod:`graph.causal`    the causal graph (networkx) and its analyses
:mod:`graph.timeline`  event paging, timeline exports, JSON records
=====================  ================================================================

Below them all: :mod:`graph.errors` (every exception) and :mod:`graph.vocab` (namespaces
and closed vocabularies); above them all: :mod:`graph.pipeline`, which ties them together
(``events.yaml`` -> dataset -> RDF -> store), and :mod:`graph.publication`, one publisher and
many readers of a shared SPARQL store. :mod:`graph.queries` holds the named SPARQL
queries shipped as package data. The names below are the public API; each is also in the
sub-package that defines it.

>>> from pathlib import Path
>>> import graph
>>> built = graph.build_knowledge_graph(Path(__file__).parent.parent / "tests/data/tiny.yaml")
>>> [c.events for c in graph.find_causal_chains(built.causal, "opec-no-cut", "rate-hike")]
[('opec-no-cut', 'oil-below-60', 'ruble-falls', 'rate-hike')]
"""

from graph.causal import (
    analyze_causes,
    analyze_effects,
    build_causal_graph,
    check_consistency,
    compare_events,
    describe_temporal_relation,
    find_causal_chains,
    find_longest_chain,
    rank_drivers,
    read_causal_graph,
    to_cytoscape,
    to_dot,
    what_if,
)
from graph.data import Dataset, Event, EventDate, Link, load_dataset, parse_date, read_dataset
from graph.errors import (
    DataError,
    DateError,
    EkgError,
    QueryError,
    StoreError,
    UnknownEventError,
    ValidationError,
)
from graph.pipeline import BuiltGraph, build_knowledge_graph
from graph.publication import open_published, publish
from graph.rdf import build_graph, build_store_dir, iter_statements, iter_triples
from graph.store import Store, open_store
from graph.timeline import EventIndex, query_events, to_timelinejs, to_vis_items
from graph.vocab import ontology_file

__all__ = [
    "BuiltGraph",
    "DataError",
    "Dataset",
    "DateError",
    "EkgError",
    "Event",
    "EventDate",
    "EventIndex",
    "Link",
    "QueryError",
    "Store",
    "StoreError",
    "UnknownEventError",
    "ValidationError",
    "analyze_causes",
    "analyze_effects",
    "build_causal_graph",
    "build_graph",
    "build_knowledge_graph",
    "build_store_dir",
    "check_consistency",
    "compare_events",
    "describe_temporal_relation",
    "find_causal_chains",
    "find_longest_chain",
    "iter_statements",
    "iter_triples",
    "load_dataset",
    "ontology_file",
    "open_published",
    "open_store",
    "parse_date",
    "publish",
    "query_events",
    "rank_drivers",
    "read_causal_graph",
    "read_dataset",
    "to_cytoscape",
    "to_dot",
    "to_timelinejs",
    "to_vis_items",
    "what_if",
]
