"""One ``Store`` interface over the triple stores, used by everything above it.

Backends:

- :class:`OxigraphStore` -- pyoxigraph, the embedded default, in memory or on disk;
- :class:`RdflibStore` -- rdflib's in-memory graph, the reference implementation.

Results come back as rdflib terms whatever the backend, so callers and tests compare them
directly. The same test suite runs on every backend and must agree.

>>> from pathlib import Path
>>> from graph.events import load_dataset
>>> from graph.build import iter_triples
>>> ds = load_dataset(Path(__file__).parent.parent / "tests" / "data" / "tiny.yaml")
>>> store = open_store("oxigraph")
>>> store.load(iter_triples(ds))
>>> result = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?e a sem:Event }")
>>> result.rows[0][0].toPython()
4
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal as TypingLiteral

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from graph import vocab
from graph.errors import QueryError, QuerySyntaxError, StoreError

Triple = tuple[Node, Node, Node]
ResultKind = TypingLiteral["select", "ask", "graph"]

#: Export format name -> (rdflib serializer, oxigraph format, media type).
EXPORT_FORMATS: dict[str, tuple[str, ox.RdfFormat, str]] = {
    "ttl": ("turtle", ox.RdfFormat.TURTLE, "text/turtle"),
    "nt": ("nt", ox.RdfFormat.N_TRIPLES, "application/n-triples"),
    "jsonld": ("json-ld", ox.RdfFormat.JSON_LD, "application/ld+json"),
    "trig": ("trig", ox.RdfFormat.TRIG, "application/trig"),
}


@dataclass
class QueryResult:
    """The answer to a SPARQL query, as rdflib terms.

    ``kind`` is ``select`` (``variables`` and ``rows``; ``None`` for an unbound cell),
    ``ask`` (``boolean``) or ``graph`` for CONSTRUCT/DESCRIBE (``triples``).
    """

    kind: ResultKind
    variables: tuple[str, ...] = ()
    rows: list[tuple[Node | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[Triple] = field(default_factory=list)

    def graph(self) -> Graph:
        """The triples of a CONSTRUCT/DESCRIBE result as an rdflib graph."""
        graph = Graph(bind_namespaces="none")
        for prefix, namespace in vocab.PREFIXES.items():
            graph.bind(prefix, namespace)
        for triple in self.triples:
            graph.add(triple)
        return graph


class Store(ABC):
    """A triple store holding one dataset in its default graph."""

    backend: str

    @abstractmethod
    def load(self, triples: Iterable[Triple]) -> None:
        """Replace the store's contents with ``triples``, atomically where the backend can."""

    @abstractmethod
    def query(self, sparql: str) -> QueryResult:
        """Evaluate a SPARQL query; :class:`QuerySyntaxError` if it does not parse.

        The prefixes of :data:`graph.vocab.PREFIXES` (``ekg:``, ``sem:``, ``faro:``, ...) are
        predeclared; a query's own ``PREFIX`` declarations take precedence.
        """

    @abstractmethod
    def serialize(self, fmt: str) -> bytes:
        """The whole store as ``ttl``, ``nt``, ``jsonld`` or ``trig`` (:data:`EXPORT_FORMATS`)."""

    @abstractmethod
    def __len__(self) -> int:
        """Number of triples."""

    def close(self) -> None:  # noqa: B027 -- most backends hold nothing to release
        """Release what the store holds open."""

    def graph(self) -> Graph:
        """The store's contents as an rdflib graph (for tests and small exports)."""
        return self.query("CONSTRUCT WHERE { ?s ?p ?o }").graph()


def _check_format(fmt: str) -> None:
    if fmt not in EXPORT_FORMATS:
        raise StoreError(f"unknown export format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}")


_DEFAULT_PREFIXES = {name: str(namespace) for name, namespace in vocab.PREFIXES.items()}

_POSITION = re.compile(r"(?:error at |line:? ?)(\d+)[:, ]+(?:col(?:umn)?:? ?)?(\d+)")


def _syntax_error(message: str) -> QuerySyntaxError:
    match = _POSITION.search(message)
    line, column = (int(match.group(1)), int(match.group(2))) if match else (None, None)
    return QuerySyntaxError(f"SPARQL syntax error: {message}", line, column)


# -- pyoxigraph ------------------------------------------------------------------------------


def _to_ox(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise StoreError(f"cannot store term {term!r}")


_XSD_STRING = str(XSD.string)


def _from_ox(term: object) -> Node | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == _XSD_STRING:  # RDF 1.1: a simple literal is an xsd:string
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise StoreError(f"unsupported term in result: {term!r}")


class OxigraphStore(Store):
    """pyoxigraph store: in memory (``path=None``) or on disk in directory ``path``."""

    backend = "oxigraph"

    def __init__(self, path: str | Path | None = None, *, read_only: bool = False) -> None:
        try:
            if path is None:
                self._store = ox.Store()
            elif read_only:
                self._store = ox.Store.read_only(str(path))
            else:
                self._store = ox.Store(str(path))
        except OSError as exc:
            raise StoreError(f"cannot open the oxigraph store at {path}: {exc}") from exc
        self.path = Path(path) if path is not None else None

    def load(self, triples: Iterable[Triple]) -> None:
        graph = ox.DefaultGraph()
        quads = (ox.Quad(_to_ox(s), _to_ox(p), _to_ox(o), graph) for s, p, o in triples)
        try:
            if self.path is None:
                self._store.clear()
                self._store.extend(quads)
            else:  # bulk loading is not transactional: callers build into a fresh directory
                self._store.clear()
                self._store.bulk_extend(quads)
                self._store.flush()
        except OSError as exc:
            raise StoreError(f"cannot write the oxigraph store: {exc}") from exc

    def query(self, sparql: str) -> QueryResult:
        try:
            result = self._store.query(sparql, prefixes=_DEFAULT_PREFIXES)
        except SyntaxError as exc:
            raise _syntax_error(str(exc)) from exc
        except (OSError, RuntimeError, ValueError) as exc:
            raise QueryError(f"query failed: {exc}") from exc
        if isinstance(result, ox.QueryBoolean):
            return QueryResult("ask", boolean=bool(result))
        if isinstance(result, ox.QuerySolutions):
            names = tuple(v.value for v in result.variables)
            rows = [tuple(_from_ox(solution[i]) for i in range(len(names))) for solution in result]
            return QueryResult("select", variables=names, rows=rows)
        triples = [(_from_ox(t.subject), _from_ox(t.predicate), _from_ox(t.object)) for t in result]
        return QueryResult("graph", triples=triples)  # type: ignore[arg-type]

    def serialize(self, fmt: str) -> bytes:
        _check_format(fmt)
        rdf_format = EXPORT_FORMATS[fmt][1]
        kwargs: dict[str, object] = {"format": rdf_format}
        if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG):
            kwargs["prefixes"] = _DEFAULT_PREFIXES
        if rdf_format != ox.RdfFormat.TRIG:
            kwargs["from_graph"] = ox.DefaultGraph()
        return self._store.dump(**kwargs)  # type: ignore[no-any-return, arg-type]

    def __len__(self) -> int:
        return len(self._store)

    def close(self) -> None:
        if self.path is not None:
            self._store.flush()


# -- rdflib ----------------------------------------------------------------------------------


class RdflibStore(Store):
    """rdflib's in-memory graph: slower, but the reference the other backends must match."""

    backend = "rdflib"

    def __init__(self) -> None:
        self._graph = Graph(bind_namespaces="none")
        for prefix, namespace in vocab.PREFIXES.items():
            self._graph.bind(prefix, namespace)

    def load(self, triples: Iterable[Triple]) -> None:
        fresh = Graph(bind_namespaces="none")
        for prefix, namespace in vocab.PREFIXES.items():
            fresh.bind(prefix, namespace)
        for triple in triples:
            fresh.add(triple)
        self._graph = fresh  # swap only once the whole load succeeded

    def query(self, sparql: str) -> QueryResult:
        try:
            result = self._graph.query(sparql, initNs=_DEFAULT_PREFIXES)
        except Exception as exc:  # pyparsing raises its own types; see _rdflib_error
            raise _rdflib_error(exc) from exc
        if result.type == "ASK":
            return QueryResult("ask", boolean=bool(result.askAnswer))
        if result.type == "SELECT":
            names = tuple(str(v) for v in result.vars or ())
            return QueryResult("select", variables=names, rows=[tuple(row) for row in result])
        return QueryResult("graph", triples=list(result.graph or ()))

    def serialize(self, fmt: str) -> bytes:
        _check_format(fmt)
        if fmt == "trig":  # Turtle is TriG whose triples all sit in the default graph
            return self._graph.serialize(format="turtle", encoding="utf-8")
        return self._graph.serialize(format=EXPORT_FORMATS[fmt][0], encoding="utf-8")

    def __len__(self) -> int:
        return len(self._graph)


def _rdflib_error(exc: Exception) -> QueryError:
    """Map rdflib's parser and evaluation errors to domain errors."""
    if type(exc).__name__ == "ParseException":
        line, column = getattr(exc, "lineno", None), getattr(exc, "col", None)
        return QuerySyntaxError(f"SPARQL syntax error: {exc}", line, column)
    return QueryError(f"query failed: {type(exc).__name__}: {exc}")


BACKENDS = ("oxigraph", "rdflib")


def open_store(backend: str = "oxigraph", path: str | Path | None = None) -> Store:
    """Open a store: ``oxigraph`` (in memory, or on disk at ``path``) or ``rdflib``."""
    if backend == "oxigraph":
        return OxigraphStore(path)
    if backend == "rdflib":
        if path is not None:
            raise StoreError("the rdflib backend keeps its graph in memory; it takes no path")
        return RdflibStore()
    raise StoreError(f"unknown store backend {backend!r}; use one of {', '.join(BACKENDS)}")
