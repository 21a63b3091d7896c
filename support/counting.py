"""A :class:`~graph.store.backends.remote.RemoteStore` that records every request it sends.

It is the real store on a real server -- each request still goes over HTTP and is answered
by the server -- with a list of what was sent beside it, so a test or a benchmark can count
the requests a publish, a follower's poll or a reader's query costs, by kind
(:func:`kind_of`).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from graph.store import QueryResult, RemoteStore, Triple
from graph.store.versions import LEASE_OWNER, VERSIONS_GRAPH

#: The pattern of a read of the whole catalog (:func:`graph.store.versions.read_catalog`).
CATALOG_PATTERN = f"GRAPH <{VERSIONS_GRAPH}> {{ ?s ?p ?o }}"


def kind_of(method: str, text: str) -> str:
    """What one request is: ``catalog read`` (the first page of a read of the whole
    catalog), ``catalog page`` (a further page of one), ``lease check`` (a query about the
    lease), ``clock`` (the store's time), ``serving check`` (a reader's ASK that its version
    is still published), ``query``, ``update`` or ``upload``."""
    if method != "query":
        return method
    if CATALOG_PATTERN in text:
        return "catalog read" if 'FILTER(?k > "")' in text else "catalog page"
    if f"<{LEASE_OWNER}>" in text:
        return "lease check"
    if "(NOW() AS ?now)" in text:
        return "clock"
    if text.startswith("ASK") and f"GRAPH <{VERSIONS_GRAPH}>" in text:
        return "serving check"
    return "query"


class CountingStore(RemoteStore):
    """A remote store that appends ``(method, text)`` to :attr:`sent` for every request:
    ``query``, ``update`` or ``upload`` (an upload sent as ``INSERT DATA`` counts once)."""

    def __init__(self, endpoint: str, **options: Any) -> None:
        super().__init__(endpoint, **options)
        self.sent: list[tuple[str, str]] = []
        self.uploading = False

    def query(self, sparql: str, **options: Any) -> QueryResult:
        self.sent.append(("query", sparql))
        return super().query(sparql, **options)

    def update(self, sparql: str) -> None:
        if not self.uploading:
            self.sent.append(("update", sparql))
        super().update(sparql)

    def upload(self, graph: str, chunk: list[Triple]) -> None:
        self.sent.append(("upload", graph))
        self.uploading = True
        try:
            super().upload(graph, chunk)
        finally:
            self.uploading = False

    def counts(self) -> Counter[str]:
        """The requests sent so far, by :func:`kind_of`, and ``requests`` in all."""
        found = Counter(kind_of(method, text) for method, text in self.sent)
        found["requests"] = len(self.sent)
        return found

    def clear(self) -> None:
        """Forget the requests sent so far."""
        self.sent.clear()


def counting_store(server: Any, **options: Any) -> CountingStore:
    """A counting store on a :class:`~support.servers.SparqlServer` (all three endpoints)."""
    return CountingStore(
        server.query_url,
        update_endpoint=server.update_url,
        store_endpoint=server.store_url,
        **{"timeout": 30, **options},
    )


__all__ = ["CountingStore", "counting_store", "kind_of"]
