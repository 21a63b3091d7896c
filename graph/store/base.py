"""One ``Store`` interface over the triple stores, used by everything above it.

Backends (in :mod:`graph.store.backends`):

- ``oxigraph`` -- pyoxigraph, the embedded default, in memory or on disk;
- ``rdflib`` -- rdflib's in-memory dataset, the reference implementation;
- ``sparql`` -- any SPARQL 1.1 server, over the SPARQL Protocol and the Graph Store Protocol.

A store holds each dataset in a named graph (so a new version can be loaded beside the old
one) and queries see the union of its graphs as their default graph, as Fuseki's and
Oxigraph's "union default graph" options do; ``default_graphs`` / ``named_graphs`` select
graphs the way the SPARQL Protocol's ``default-graph-uri`` / ``named-graph-uri`` do. Results
come back as rdflib terms whatever the backend; the same test suite runs on every backend.

>>> from pathlib import Path
>>> from graph.data.loader import load_dataset
>>> from graph.rdf.build import iter_triples
>>> ds = load_dataset(Path(__file__).parents[2] / "tests" / "data" / "tiny.yaml")
>>> store = open_store("oxigraph")
>>> store.load(iter_triples(ds))
>>> store.query("SELECT (COUNT(*) AS ?n) WHERE { ?e a sem:Event }").rows[0][0].toPython()
4
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from typing import Literal as TypingLiteral

from rdflib import Graph
from rdflib.term import Node

from graph import vocab
from graph.errors import QuerySyntaxError, StoreError

Triple = tuple[Node, Node, Node]
#: A triple and the named graph that holds it (last).
Quad = tuple[Node, Node, Node, Node]
ResultKind = TypingLiteral["select", "ask", "graph"]

#: The named graph a dataset is loaded into when the caller names none.
DEFAULT_DATA_GRAPH = "urn:x-ekg:graph:data"

#: Export format name -> media type.
EXPORT_FORMATS: dict[str, str] = {
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "trig": "application/trig",
}

#: Prefixes every query gets predeclared; a query's own PREFIX declarations take precedence.
DEFAULT_PREFIXES: dict[str, str] = {name: str(ns) for name, ns in vocab.PREFIXES.items()}


@dataclass
class QueryResult:
    """The answer to a SPARQL query, as rdflib terms.

    ``kind`` is ``select`` (``variables`` and ``rows``; ``None`` for an unbound cell),
    ``ask`` (``boolean``) or ``graph`` for CONSTRUCT/DESCRIBE (``triples``). ``truncated`` is
    true when ``max_rows`` cut the rows or triples short.
    """

    kind: ResultKind
    variables: tuple[str, ...] = ()
    rows: list[tuple[Node | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[Triple] = field(default_factory=list)
    truncated: bool = False

    def graph(self) -> Graph:
        """The triples of a CONSTRUCT/DESCRIBE result as an rdflib graph."""
        graph = Graph(bind_namespaces="none")
        for prefix, namespace in vocab.PREFIXES.items():
            graph.bind(prefix, namespace)
        for triple in self.triples:
            graph.add(triple)
        return graph


@dataclass(frozen=True)
class Capabilities:
    """What a store can do, stated by its backend: callers ask these, never its name or class.

    ``remote``: the data lives on a SPARQL server that others may write to; queries go over
    HTTP and the server enforces its own limits. Otherwise no engine here can stop a running
    query, so client queries run in worker processes that can be killed
    (:mod:`graph.store.sandbox`). ``directory``: the on-disk directory other processes can
    open read-only. ``union_default_graph``: without
    ``default_graphs`` the default graph is the union of the named graphs.
    ``native_media_types``: result formats :meth:`Store.answer` writes itself, faster than
    rendering rdflib terms. ``pinned``: a reader's view of one published version
    (:mod:`graph.store.pinned`), which holds exactly the dataset the service read.
    """

    remote: bool = False
    directory: Path | None = None
    union_default_graph: bool = True
    native_media_types: frozenset[str] = frozenset()
    pinned: bool = False


#: An answer the engine rendered itself: body, result kind, whether a cap cut it.
NativeAnswer = tuple[bytes, ResultKind, bool]


class Store(ABC):
    """A triple store holding datasets in named graphs."""

    #: The backend's name, for status pages and messages (never to decide behaviour: see
    #: :attr:`capabilities`).
    backend: str

    @property
    def capabilities(self) -> Capabilities:
        """What this store can do."""
        return Capabilities()

    @abstractmethod
    def load(self, triples: Iterable[Triple | Quad], graph: str = DEFAULT_DATA_GRAPH) -> None:
        """Replace named graph ``graph`` with ``triples``, atomically where the backend can.

        A quad ``(s, p, o, g)`` goes into named graph ``g`` instead: a *part* of the load
        (a narrative's nanopublication graphs, beside the dataset's graph). A load of
        ``graph`` replaces the parts the store's previous load of ``graph`` wrote, too, so a
        reload never leaves a part behind. (The local backends remember the parts in the
        store object: a store directory is always built fresh.)"""

    @abstractmethod
    def query(
        self,
        sparql: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        max_rows: int | None = None,
        base_iri: str | None = None,
    ) -> QueryResult:
        """Evaluate a SPARQL query; :class:`QuerySyntaxError` if it does not parse.

        Without ``default_graphs`` the default graph is the union of all named graphs;
        without ``named_graphs`` every named graph is visible to ``GRAPH``. The prefixes of
        :data:`DEFAULT_PREFIXES` are predeclared. At most ``max_rows`` rows (or triples) are
        returned; ``truncated`` says whether more existed. Relative IRIs in the query resolve
        against ``base_iri`` (the endpoint's URL, per the SPARQL Protocol) unless it has BASE.
        """

    @abstractmethod
    def serialize(self, fmt: str) -> bytes:
        """Everything as ``ttl``, ``nt``, ``jsonld`` (all graphs merged) or ``trig``."""

    @abstractmethod
    def graphs(self) -> list[str]:
        """IRIs of the named graphs, sorted."""

    @abstractmethod
    def __len__(self) -> int:
        """Number of triples in all graphs."""

    def answer(
        self,
        sparql: str,
        media_type: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        base_iri: str | None = None,
        names_dataset: bool | None = None,
        max_rows: int,
        max_bytes: int,
    ) -> NativeAnswer | None:
        """The answer rendered by the engine itself, for a ``media_type`` of
        :attr:`Capabilities.native_media_types`; ``None`` when it cannot (then the caller
        renders :meth:`query`'s result). ``names_dataset`` says whether the query has FROM,
        if known. At most ``max_rows`` rows and ``max_bytes`` bytes are kept (the flag says if
        they cut it); an answer far past ``max_bytes`` is abandoned (``None``)."""
        return None

    def worker_copy(self, directory: Path) -> tuple[str, Path]:
        """Where a query worker process finds this store's data, as ``(backend, path)`` for
        :class:`graph.store.sandbox.StoreSpec`: by default everything as TriG in
        ``directory``, which rdflib workers read. A remote store has none: its server answers."""
        if self.capabilities.remote:
            raise StoreError("a remote store's queries go to its server, not to query workers")
        target = directory / "data.trig"
        target.write_bytes(self.serialize("trig"))
        return "rdflib", target

    def count_triples(self, graphs: Sequence[str]) -> dict[str, int]:
        """The triples of each named graph of ``graphs`` (one query, with exactly those as
        its named graphs: on a shared server, graphs outside the store's catalog too)."""
        if not graphs:
            return {}
        rows = self.query(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
            named_graphs=list(graphs),
        ).rows
        found = {str(g): int(n.toPython()) for g, n in rows}  # type: ignore[union-attr]
        return {iri: found.get(iri, 0) for iri in graphs}

    def reader(self) -> Store:
        """A handle on this store's data for evaluating queries in the calling process -- a
        process forked after the store was opened, too. By default the store itself (what it
        holds is in memory, inherited with the fork)."""
        return self

    def close(self) -> None:  # noqa: B027 -- most backends hold nothing to release
        """Release what the store holds open."""

    def graph(self) -> Graph:
        """All triples as an rdflib graph (for tests and small exports)."""
        return self.query("CONSTRUCT WHERE { ?s ?p ?o }").graph()


def check_format(fmt: str) -> None:
    """Raise :class:`StoreError` unless ``fmt`` is one of :data:`EXPORT_FORMATS`."""
    if fmt not in EXPORT_FORMATS:
        raise StoreError(f"unknown export format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}")


_POSITION = re.compile(r"(?:error at |line:? ?)(\d+)[:, ]+(?:col(?:umn)?:? ?)?(\d+)")


def syntax_error(message: str) -> QuerySyntaxError:
    """A :class:`QuerySyntaxError` with the line and column found in an engine's message."""
    match = _POSITION.search(message)
    line, column = (int(match.group(1)), int(match.group(2))) if match else (None, None)
    return QuerySyntaxError(f"SPARQL syntax error: {message}", line, column)


#: Backends :func:`open_store` opens by name alone (``sparql`` also needs an endpoint).
BACKENDS = ("oxigraph", "rdflib")


def open_store(
    backend: str = "oxigraph",
    path: str | Path | None = None,
    *,
    endpoint: str | None = None,
    **options: Any,
) -> Store:
    """Open a store: ``oxigraph`` (in memory, or on disk at ``path``), ``rdflib``, or
    ``sparql`` at query ``endpoint`` (``options`` go to
    :class:`~graph.store.backends.remote.RemoteStore`: ``update_endpoint``, ``store_endpoint``,
    ``timeout``, ...)."""
    # The backends import this module for the base class, so they are imported here.
    if backend == "oxigraph":
        from graph.store.backends.oxigraph import OxigraphStore

        return OxigraphStore(path)
    if backend == "rdflib":
        from graph.store.backends.rdflib import RdflibStore

        if path is not None:
            raise StoreError("the rdflib backend keeps its graph in memory; it takes no path")
        return RdflibStore()
    if backend == "sparql":
        from graph.store.backends.remote import RemoteStore

        if endpoint is None:
            raise StoreError("the sparql backend needs the URL of a SPARQL query endpoint")
        return RemoteStore(endpoint, **options)
    raise StoreError(
        f"unknown store backend {backend!r}; use one of {', '.join(BACKENDS)} or sparql"
    )
