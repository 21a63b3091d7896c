"""rdflib backend: an in-memory dataset, slower, the reference the other backends must match.

rdflib would fetch ``FROM <http…>`` and read ``FROM <file:…>`` while evaluating a query; this
module turns that off (``SPARQL_LOAD_GRAPHS``), so dataset clauses only select graphs already
in the store, as in every other backend.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import cast

import rdflib.plugins.sparql
from rdflib import Dataset, Graph, URIRef
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.query import ResultRow

from graph import vocab
from graph.errors import QueryError, StoreError
from graph.store.base import (
    DEFAULT_DATA_GRAPH,
    DEFAULT_PREFIXES,
    Quad,
    QueryResult,
    Store,
    Triple,
    check_format,
    syntax_error,
)

# Never dereference a graph named in a query: a client must not make the server fetch a URL or
# read a local file. With this off, FROM / FROM NAMED select graphs of the store.
rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False

_FORMATS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "trig": "trig"}


class RdflibStore(Store):
    """rdflib's in-memory :class:`~rdflib.Dataset` with a union default graph."""

    backend = "rdflib"

    def __init__(self) -> None:
        self._dataset = _new_dataset()
        #: The parts (other named graphs) each graph's last load wrote: see Store.load.
        self._parts: dict[str, set[str]] = {}

    @classmethod
    def from_trig(cls, path: str) -> RdflibStore:
        """A store holding the graphs of the TriG file at ``path`` (see :meth:`serialize`)."""
        store = cls()
        try:
            store._dataset.parse(path, format="trig")
        except (OSError, SyntaxError, ValueError) as exc:
            raise StoreError(f"cannot read {path}: {exc}") from exc
        return store

    def load(self, triples: Iterable[Triple | Quad], graph: str = DEFAULT_DATA_GRAPH) -> None:
        fresh = _new_dataset()
        replaced = {graph, *self._parts.get(graph, ())}
        for name in self.graphs():
            if name not in replaced:
                target = fresh.graph(URIRef(name))
                for triple in self._dataset.graph(URIRef(name)):
                    target.add(triple)
        target = fresh.graph(URIRef(graph))
        parts: set[str] = set()
        for statement in triples:
            if len(statement) == 3:
                target.add(statement)
            else:
                parts.add(str(statement[3]))
                fresh.graph(URIRef(str(statement[3]))).add(statement[:3])
        self._dataset = fresh  # swap only once the whole load succeeded
        self._parts[graph] = parts - {graph}

    def query(
        self,
        sparql: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        max_rows: int | None = None,
        base_iri: str | None = None,
    ) -> QueryResult:
        try:
            prepared = prepareQuery(sparql, initNs=DEFAULT_PREFIXES, base=base_iri)
        except Exception as exc:  # pyparsing raises its own exception types
            raise _parse_error(exc) from exc
        if default_graphs is not None or named_graphs is not None:
            clauses = [CompValue("DatasetClause", default=URIRef(g)) for g in default_graphs or ()]
            clauses += [CompValue("DatasetClause", named=URIRef(g)) for g in named_graphs or ()]
            if default_graphs is None:  # keep the union default graph, restrict named ones
                clauses += [CompValue("DatasetClause", default=URIRef(g)) for g in self.graphs()]
            prepared.algebra["datasetClause"] = clauses or None
            if not clauses:  # both given and empty: an empty dataset
                return self._run(prepared, Dataset(), max_rows)
        return self._run(prepared, self._dataset, max_rows)

    @staticmethod
    def _run(prepared: object, dataset: Dataset, max_rows: int | None) -> QueryResult:
        try:
            result = dataset.query(prepared)  # type: ignore[arg-type]
            if result.type == "ASK":
                return QueryResult("ask", boolean=bool(result.askAnswer))
            rows = list(result) if result.type == "SELECT" else list(result.graph or ())
        except Exception as exc:  # evaluation errors surface as assorted built-in types
            raise QueryError(f"query failed: {type(exc).__name__}: {exc}") from exc
        truncated = max_rows is not None and len(rows) > max_rows
        rows = rows[:max_rows] if max_rows is not None else rows
        if result.type == "SELECT":
            names = tuple(str(v) for v in result.vars or ())
            selected = cast("list[ResultRow]", rows)
            return QueryResult("select", names, [tuple(r) for r in selected], truncated=truncated)
        return QueryResult("graph", triples=cast("list[Triple]", rows), truncated=truncated)

    def serialize(self, fmt: str) -> bytes:
        check_format(fmt)
        if fmt == "trig":
            return self._dataset.serialize(format="trig", encoding="utf-8")
        merged = _bound(Graph(bind_namespaces="none"))
        for name in self.graphs():
            for triple in self._dataset.graph(URIRef(name)):
                merged.add(triple)
        return merged.serialize(format=_FORMATS[fmt], encoding="utf-8")

    def graphs(self) -> list[str]:
        return sorted(
            str(g.identifier)
            for g in self._dataset.graphs()
            if isinstance(g.identifier, URIRef) and len(g) and g.identifier != _DEFAULT
        )

    def __len__(self) -> int:
        return sum(len(self._dataset.graph(URIRef(name))) for name in self.graphs())


_DEFAULT = URIRef("urn:x-rdflib:default")


def _bound(graph: Graph | Dataset) -> Graph | Dataset:
    for prefix, namespace in vocab.PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


def _new_dataset() -> Dataset:
    return _bound(Dataset(default_union=True))  # type: ignore[return-value]


def _parse_error(exc: Exception) -> QueryError:
    if type(exc).__name__ == "ParseException":
        error = syntax_error(str(exc))
        error.line = error.line or getattr(exc, "lineno", None)
        error.column = error.column or getattr(exc, "col", None)
        return error
    return QueryError(f"query rejected: {type(exc).__name__}: {exc}")
