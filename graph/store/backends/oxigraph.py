"""pyoxigraph backend: the embedded default store, in memory or in an on-disk directory."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from graph.errors import QueryError, StoreError
from graph.store.base import (
    DEFAULT_DATA_GRAPH,
    DEFAULT_PREFIXES,
    Capabilities,
    NativeAnswer,
    Quad,
    QueryResult,
    Store,
    Triple,
    check_format,
    syntax_error,
)
from graph.store.guard import has_dataset_clause
from graph.store.results import CSV, SPARQL_JSON, SPARQL_XML, TSV, cap_rendered, render

_FORMATS = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "trig": ox.RdfFormat.TRIG,
}
_XSD_STRING = str(XSD.string)

#: Result media types pyoxigraph serializes natively.
_NATIVE = {
    SPARQL_JSON: ox.QueryResultsFormat.JSON,
    SPARQL_XML: ox.QueryResultsFormat.XML,
    CSV: ox.QueryResultsFormat.CSV,
    TSV: ox.QueryResultsFormat.TSV,
}


_PREFIX_MARKS = tuple((f"{name}:", name, iri) for name, iri in DEFAULT_PREFIXES.items())


def _prefixes_in(sparql: str) -> dict[str, str]:
    """The default prefixes ``sparql`` may use: those whose ``name:`` is in its text. A
    prefixed name is always written so; pyoxigraph reads every prefix it is given, for
    every query, at a cost that shows beside a small one.

    >>> list(_prefixes_in("SELECT * { ?e a sem:Event ; rdfs:label ?l }"))
    ['sem', 'rdfs']
    """
    return {name: iri for mark, name, iri in _PREFIX_MARKS if mark in sparql}


def to_ox(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib term as a pyoxigraph term."""
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


def from_ox(term: object) -> Node | None:
    """A pyoxigraph term (or ``None`` for unbound) as an rdflib term."""
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

    @property
    def capabilities(self) -> Capabilities:
        return self._capabilities  # (asked several times per query: made once)

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
        self.read_only = read_only
        self._capabilities = Capabilities(
            directory=self.path, native_media_types=frozenset(_NATIVE)
        )
        #: The parts (other named graphs) each graph's last load wrote: see Store.load.
        self._parts: dict[str, set[str]] = {}

    def load(self, triples: Iterable[Triple | Quad], graph: str = DEFAULT_DATA_GRAPH) -> None:
        name = ox.NamedNode(graph)
        parts: set[str] = set()

        def quad(statement: Triple | Quad) -> ox.Quad:
            # Quad itself refuses a literal subject or predicate (a "bad term", caught below).
            s, p, o, *g = statement
            if g:
                parts.add(str(g[0]))
            into = to_ox(g[0]) if g else name
            return ox.Quad(to_ox(s), to_ox(p), to_ox(o), into)  # type: ignore[arg-type]

        quads = map(quad, triples)
        try:
            if self.path is None:
                staged = list(quads)  # a bad term fails here, before anything is changed
                self._remove(graph)
                self._store.extend(staged)
            else:  # bulk loading is not transactional: callers build into a fresh directory
                self._remove(graph)
                self._store.bulk_extend(quads)
                self._store.flush()
        except OSError as exc:
            raise StoreError(f"cannot write the oxigraph store: {exc}") from exc
        self._parts[graph] = parts - {graph}

    def _remove(self, graph: str) -> None:
        """Remove named graph ``graph`` and the parts its last load wrote."""
        for name in (graph, *sorted(self._parts.pop(graph, ()))):
            if self._store.contains_named_graph(ox.NamedNode(name)):
                self._store.remove_graph(ox.NamedNode(name))

    def query(
        self,
        sparql: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        max_rows: int | None = None,
        base_iri: str | None = None,
    ) -> QueryResult:
        raw = self.query_native(
            sparql, default_graphs=default_graphs, named_graphs=named_graphs, base_iri=base_iri
        )
        try:
            return convert_result(raw, max_rows)
        except (OSError, RuntimeError, ValueError) as exc:  # evaluation is lazy
            raise QueryError(f"query failed: {exc}") from exc

    def query_native(
        self,
        sparql: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        base_iri: str | None = None,
        names_dataset: bool | None = None,
    ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """:meth:`query` without the conversion: pyoxigraph's own (lazy) result, which it can
        serialize natively -- much faster than any Python rendering of many rows.
        ``names_dataset`` says whether the query has FROM / FROM NAMED, if the caller knows
        (:func:`graph.store.guard.check_query` found out); otherwise the text is scanned for it."""
        options: dict[str, object] = {"prefixes": _prefixes_in(sparql), "base_iri": base_iri}
        if names_dataset is None:
            names_dataset = has_dataset_clause(sparql)
        if default_graphs is not None:
            options["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
        elif not names_dataset:
            options["use_default_graph_as_union"] = True  # (it would override FROM)
        if named_graphs is not None:
            options["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        try:
            return self._store.query(sparql, **options)  # type: ignore[arg-type]
        except SyntaxError as exc:
            raise syntax_error(str(exc)) from exc
        except (OSError, RuntimeError, ValueError) as exc:
            raise QueryError(f"query failed: {exc}") from exc

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
        if media_type not in _NATIVE:
            return None
        raw = self.query_native(
            sparql,
            default_graphs=default_graphs,
            named_graphs=named_graphs,
            base_iri=base_iri,
            names_dataset=names_dataset,
        )
        if isinstance(raw, ox.QueryBoolean):
            if media_type in (CSV, TSV):  # pyoxigraph writes a bare `true`: use Jena's table
                return render(QueryResult("ask", boolean=bool(raw)), media_type), "ask", False
            body = raw.serialize(format=_NATIVE[media_type])  # (None only when given a file)
            return None if body is None else (body, "ask", False)
        if not isinstance(raw, ox.QuerySolutions):
            return None
        body = _serialize_capped(raw, _NATIVE[media_type], 2 * max_bytes)
        if body is None:  # too big to render whole: the caller stops lazily at max_rows
            return None
        body, truncated = cap_rendered(body, media_type, max_rows, max_bytes)
        return body, "select", truncated

    def worker_copy(self, directory: Path) -> tuple[str, Path]:
        """This store's own directory, or a copy of it in ``directory``, for workers to open
        read-only."""
        if self.path is not None:
            return "oxigraph", self.path
        self.copy_to(directory / "store").close()
        return "oxigraph", directory / "store"

    def serialize(self, fmt: str) -> bytes:
        check_format(fmt)
        kwargs: dict[str, object] = {"format": _FORMATS[fmt]}
        if fmt in ("ttl", "trig"):
            kwargs["prefixes"] = DEFAULT_PREFIXES
        if fmt != "trig":
            graphs = self.graphs()
            if len(graphs) != 1:  # merge several graphs (or none) through a query
                triples = self._store.query(
                    "CONSTRUCT WHERE { ?s ?p ?o }", use_default_graph_as_union=True
                )
                assert isinstance(triples, ox.QueryTriples)  # a CONSTRUCT query
                # serialize() and dump() are typed bytes | None; None only with an `output`.
                return triples.serialize(format=_FORMATS[fmt])  # type: ignore[return-value]
            kwargs["from_graph"] = ox.NamedNode(graphs[0])
        return self._store.dump(**kwargs)  # type: ignore[return-value, arg-type]

    def reader(self) -> OxigraphStore:
        """On disk, a read-only handle of the calling process's own (a database handle is
        not to be shared across a fork, as its background threads are not); in memory, the
        store itself."""
        if self.path is None:
            return self
        return OxigraphStore(self.path, read_only=True)

    def copy_to(self, path: str | Path) -> OxigraphStore:
        """A new on-disk store at ``path`` (a fresh directory) with every graph of this one."""
        copy = OxigraphStore(path)
        copy._store.bulk_load(
            self._store.dump(format=ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS
        )
        copy._store.flush()
        return copy

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def __len__(self) -> int:
        return len(self._store)

    def close(self) -> None:
        if self.path is not None and not self.read_only:  # (a read-only store cannot flush)
            self._store.flush()


def convert_result(result: object, max_rows: int | None) -> QueryResult:
    """A pyoxigraph result as a :class:`QueryResult` of rdflib terms, cut at ``max_rows``."""
    if isinstance(result, ox.QueryBoolean):
        return QueryResult("ask", boolean=bool(result))
    rows: list[tuple[Node | None, ...]] = []
    truncated = False
    if isinstance(result, ox.QuerySolutions):
        names = tuple(v.value for v in result.variables)
        width = range(len(names))
        for solution in result:
            if max_rows is not None and len(rows) >= max_rows:
                truncated = True
                break
            rows.append(tuple(from_ox(solution[i]) for i in width))
        return QueryResult("select", variables=names, rows=rows, truncated=truncated)
    for triple in result:  # type: ignore[attr-defined]
        if max_rows is not None and len(rows) >= max_rows:
            truncated = True
            break
        rows.append((from_ox(triple.subject), from_ox(triple.predicate), from_ox(triple.object)))
    return QueryResult("graph", triples=rows, truncated=truncated)  # type: ignore[arg-type]


class _Overflow(Exception):
    """Raised inside a native serialization once the answer passes its byte cap."""


class _CappedWriter(io.BytesIO):
    """A bytes sink that refuses to grow past ``limit``: keeps a huge answer from being built
    in memory before it can be cut."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def write(self, data: Any) -> int:
        written = super().write(data)
        if self.tell() > self.limit:
            raise _Overflow
        return written


def _serialize_capped(
    raw: ox.QuerySolutions, fmt: ox.QueryResultsFormat, limit: int
) -> bytes | None:
    """Natively serialized answer, or ``None`` if it grows past ``limit`` bytes."""
    writer = _CappedWriter(limit)
    try:
        raw.serialize(writer, format=fmt)
    except _Overflow:
        return None
    except (OSError, RuntimeError, ValueError) as exc:
        if isinstance(exc.__context__, _Overflow) or isinstance(exc.__cause__, _Overflow):
            return None
        raise QueryError(f"query failed: {exc}") from exc
    return writer.getvalue()
