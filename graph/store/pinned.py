"""A reader's view of one published version on a shared SPARQL store.

:class:`PinnedStore` answers every query -- a client's ``/sparql`` and the service's own --
from exactly the graphs of one version (:mod:`graph.store.versions`): they are sent as the
query's ``default-graph-uri`` and ``named-graph-uri``, so neither other versions nor the
version's source graph can be seen. Graph names stay the dataset's own: a ``FROM``,
``FROM NAMED``, ``GRAPH <name>``, ``default-graph-uri`` or ``named-graph-uri`` naming one of
the dataset's graphs reads that version's copy, and a graph the answer names (``GRAPH ?g``)
is given back by its own name.

After each query it checks that the version is still published; once the publisher has
begun to drop it (retention), every query raises :class:`StoreUnavailableError` (503) -- an
answer from a half-dropped version could be silently empty -- until the reader serves the
new version. It never writes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from rdflib import URIRef

from graph.errors import StoreError, StoreUnavailableError
from graph.store.backends.remote import RemoteStore
from graph.store.base import (
    DEFAULT_DATA_GRAPH,
    Capabilities,
    Quad,
    QueryResult,
    Store,
    Triple,
)
from graph.store.guard import scan
from graph.store.versions import (
    NO_GRAPH,
    VERSIONS_GRAPH,
    VersionRecord,
    is_serving_query,
)

_FROM = re.compile(r"FROM\s+(NAMED\s+)?(<[^<>\s]*>|[A-Za-z][\w.-]*:[\w.-]*|:[\w.-]*)", re.I)
_GRAPH = re.compile(r"GRAPH\s*<([^<>\s]*)>", re.I)


class PinnedStore(Store):
    """The graphs of ``record``'s version on ``remote``, read-only (see the module docs)."""

    backend = "sparql"

    def __init__(self, remote: RemoteStore, record: VersionRecord) -> None:
        self.remote = remote
        self.record = record
        self.version = record.version
        self._names = dict(record.graphs)  # dataset graph name -> versioned graph
        self._back = {graph: URIRef(name) for name, graph in self._names.items()}
        self.gone = False

    @property
    def capabilities(self) -> Capabilities:
        return Capabilities(remote=True, pinned=True)

    def query(
        self,
        sparql: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        max_rows: int | None = None,
        base_iri: str | None = None,
    ) -> QueryResult:
        self._refuse_if_gone()
        text, from_default, from_named = self._pin(sparql)
        if default_graphs is None and named_graphs is None and from_default is not None:
            default_graphs, named_graphs = from_default, from_named
        result = self.remote.query(
            text,
            default_graphs=self._map(default_graphs),
            named_graphs=self._map(named_graphs),
            max_rows=max_rows,
            base_iri=base_iri,
        )
        self._confirm_serving()
        if result.rows:
            back = self._back
            result.rows = [
                tuple(
                    back.get(str(cell), cell) if isinstance(cell, URIRef) else cell for cell in row
                )
                for row in result.rows
            ]
        return result

    def _confirm_serving(self) -> None:
        """After a query: the version was still published, so its graphs were whole while
        the query ran (the publisher marks a version ``dropping`` before dropping a graph)."""
        if not self.gone:
            answer = self.remote.query(
                is_serving_query(self.version, self.record.upload),
                default_graphs=[NO_GRAPH],
                named_graphs=[VERSIONS_GRAPH],
            )
            self.gone = not answer.boolean
        self._refuse_if_gone()

    def _refuse_if_gone(self) -> None:
        if self.gone:
            raise StoreUnavailableError(
                f"data version {self.version} has been removed from the SPARQL store; this "
                "instance is switching to the current version -- try again shortly"
            )

    def _map(self, graphs: Sequence[str] | None) -> list[str]:
        """Dataset graph names -> this version's graphs (all of them for ``None``)."""
        if graphs is None:
            return sorted(self._names.values()) or [NO_GRAPH]
        return [self._names.get(name, NO_GRAPH) for name in graphs] or [NO_GRAPH]

    def _pin(self, sparql: str) -> tuple[str, list[str] | None, list[str] | None]:
        """``sparql`` without its FROM / FROM NAMED clauses (returned as graph lists, or
        ``None`` if it has none) and with ``GRAPH <name>`` naming this version's graph."""
        words = [w for w in scan(sparql, max_nesting=10**9) if w.text.upper() in ("FROM", "GRAPH")]
        if not words:
            return sparql, None, None
        pieces: list[str] = []
        defaults: list[str] = []
        named: list[str] = []
        last = 0
        for word in words:
            if word.text.upper() == "FROM" and (match := _FROM.match(sparql, word.offset)):
                iri = match.group(2).strip("<>") if match.group(2).startswith("<") else NO_GRAPH
                (named if match.group(1) else defaults).append(iri)
                pieces.append(sparql[last : word.offset])
            elif word.text.upper() == "GRAPH" and (match := _GRAPH.match(sparql, word.offset)):
                pieces.append(sparql[last : word.offset])
                pieces.append(f"GRAPH <{self._names.get(match.group(1), NO_GRAPH)}>")
            else:
                continue
            last = match.end()
        pieces.append(sparql[last:])
        if not defaults and not named:
            return "".join(pieces), None, None
        return "".join(pieces), defaults or [NO_GRAPH], named or [NO_GRAPH]

    def count_triples(self, graphs: Sequence[str]) -> dict[str, int]:
        """The triples of each of ``graphs`` (dataset names), as the catalog recorded them
        at publish time: no query."""
        return {name: self.record.triples.get(name, 0) for name in graphs}

    def graphs(self) -> list[str]:
        return sorted(self._names)

    def __len__(self) -> int:
        return sum(self.record.triples.values())

    def serialize(self, fmt: str) -> bytes:
        raise StoreError("a reader exports nothing: export from the data files")

    def load(self, triples: Iterable[Triple | Quad], graph: str = DEFAULT_DATA_GRAPH) -> None:
        raise StoreError("a reader never writes to the store: use ekg publish")
