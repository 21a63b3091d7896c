"""Triple stores and SPARQL execution.

One :class:`Store` interface (:mod:`~graph.store.base`) over three backends
(:mod:`~graph.store.backends`: embedded pyoxigraph, in-memory rdflib, a remote SPARQL 1.1
server), each stating what it can do in its :class:`Capabilities`. Around it: the query guard
that refuses hazards from the text alone (:mod:`~graph.store.guard`), the result formats of
the SPARQL 1.1 Protocol (:mod:`~graph.store.results`), worker processes that stop a query
past its time limit (:mod:`~graph.store.sandbox`) or, in a process that is replaced when it
gives up on one, the serving thread itself under a watchdog (:mod:`~graph.store.deadline`),
on-disk store directories built beside the served one and swapped in atomically
(:mod:`~graph.store.storedir`), and on a shared SPARQL server the catalog of published
versions (:mod:`~graph.store.versions`) with a reader's view pinned to one of them
(:mod:`~graph.store.pinned`).

This package imports nothing else of :mod:`graph` but :mod:`graph.errors` and
:mod:`graph.vocab`.
"""

from typing import TYPE_CHECKING, Any

from graph.store.backends.oxigraph import OxigraphStore
from graph.store.backends.remote import RemoteStore
from graph.store.base import (
    BACKENDS,
    DEFAULT_DATA_GRAPH,
    DEFAULT_PREFIXES,
    EXPORT_FORMATS,
    Capabilities,
    NativeAnswer,
    Quad,
    QueryResult,
    Store,
    Triple,
    open_store,
)
from graph.store.deadline import DeadlineRunner
from graph.store.guard import QueryFacts, check_query, check_syntax, is_deterministic
from graph.store.results import (
    CSV,
    GRAPH_MEDIA_TYPES,
    RESULT_MEDIA_TYPES,
    SPARQL_JSON,
    SPARQL_XML,
    TSV,
    render,
    to_csv,
    to_json_text,
    to_table,
    to_tsv,
)
from graph.store.sandbox import QueryAnswer, QueryJob, QueryPool, StoreSpec, run_job
from graph.store.storedir import (
    chunks_prefix,
    fresh_dir,
    generation_dir,
    is_generation_dir,
    remove_store_dir,
    swap_into_place,
    sweep,
)

__all__ = [
    "BACKENDS",
    "CSV",
    "DEFAULT_DATA_GRAPH",
    "DEFAULT_PREFIXES",
    "EXPORT_FORMATS",
    "GRAPH_MEDIA_TYPES",
    "RESULT_MEDIA_TYPES",
    "SPARQL_JSON",
    "SPARQL_XML",
    "TSV",
    "Capabilities",
    "DeadlineRunner",
    "NativeAnswer",
    "OxigraphStore",
    "Quad",
    "QueryAnswer",
    "QueryFacts",
    "QueryJob",
    "QueryPool",
    "QueryResult",
    "RdflibStore",
    "RemoteStore",
    "Store",
    "StoreSpec",
    "Triple",
    "check_query",
    "check_syntax",
    "chunks_prefix",
    "fresh_dir",
    "generation_dir",
    "is_deterministic",
    "is_generation_dir",
    "open_store",
    "remove_store_dir",
    "render",
    "run_job",
    "swap_into_place",
    "sweep",
    "to_csv",
    "to_json_text",
    "to_table",
    "to_tsv",
]

if TYPE_CHECKING:
    from graph.store.backends.rdflib import RdflibStore


def __getattr__(name: str) -> Any:
    """``RdflibStore``, imported on first use: rdflib's SPARQL engine (its query grammar takes
    a few tenths of a second to import) is not needed to start the service on oxigraph."""
    if name == "RdflibStore":
        from graph.store.backends.rdflib import RdflibStore

        return RdflibStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
