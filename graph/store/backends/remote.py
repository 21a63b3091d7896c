"""Remote backend: any SPARQL 1.1 server (Oxigraph server, Virtuoso, Fuseki, GraphDB, ...).

Queries go over the SPARQL 1.1 Protocol with SPARQLWrapper, always as form-encoded POST with
an explicit ``Accept`` header -- the combination every server tested here answers (Virtuoso
hangs on ``application/sparql-query`` bodies and answers HTML without ``Accept``). Loads go
over the Graph Store Protocol in chunks of Turtle when a store endpoint is configured, and as
SPARQL Update ``INSERT DATA`` otherwise.

A server holds graphs that are not ours (Virtuoso keeps thousands of system triples), so the
store keeps a *catalog*: a small named graph listing the data graphs it loaded. The union
default graph of :class:`~graph.store.base.Store` is sent as ``default-graph-uri`` = those graphs,
and only they are visible to ``GRAPH``. Nothing is ever half-loaded: a load goes into a fresh
staging graph and only a single update request -- drop the old graph, ``MOVE`` the staging
graph into its place, record it in the catalog -- makes it visible; a failure before that
drops the staging graph and leaves the served graph as it was. A load's other named graphs
(its quads': a narrative's) are staged and moved the same way, listed in the catalog as parts
of the load's graph (``dct:isPartOf``), and dropped with it by the next load or :meth:`drop`.

Connection failures (refused, reset) and 502/503/504 answers are retried with exponential
backoff; a query that outlives ``timeout`` raises :class:`~graph.errors.QueryTimeoutError`
and is not retried. Error bodies of 5xx answers are treated as opaque: they reach the log,
never an exception message a client could see.
"""

from __future__ import annotations

import ast
import contextlib
import http.client
import logging
import re
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import islice
from typing import TypeVar

from rdflib import Dataset, URIRef
from SPARQLWrapper import JSON, POST, TURTLE, URLENCODED, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException

from graph import vocab
from graph.errors import (
    QueryError,
    QueryTimeoutError,
    StoreError,
    StoreUnavailableError,
)
from graph.store.backends.answers import graph_result, json_result
from graph.store.base import (
    DEFAULT_DATA_GRAPH,
    DEFAULT_PREFIXES,
    Capabilities,
    Quad,
    QueryResult,
    Store,
    Triple,
    check_format,
)
from graph.store.guard import check_syntax, has_dataset_clause

log = logging.getLogger(__name__)
T = TypeVar("T")

#: The named graph listing the data graphs this store manages.
CATALOG_GRAPH = "urn:x-ekg:catalog"
#: A graph that never holds anything: how "no graphs at all" is said in protocol parameters.
EMPTY_GRAPH = "urn:x-ekg:graph:none"
_DATA_GRAPH = f"{vocab.EKG}DataGraph"
#: In the catalog, a part of a load (a narrative's graph) -> the graph it was loaded with.
_PART_OF = "http://purl.org/dc/terms/isPartOf"
_RETRIED_STATUSES = frozenset({502, 503, 504})
_FORMATS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "trig": "trig"}


class RemoteStore(Store):
    """A SPARQL 1.1 server, reached at ``endpoint`` (queries).

    Parameters
    ----------
    endpoint : str
        The SPARQL query endpoint, e.g. ``http://127.0.0.1:7878/query``.
    update_endpoint : str, optional
        The SPARQL Update endpoint; defaults to ``endpoint`` (as Virtuoso and Fuseki's
        ``/dataset`` accept both).
    store_endpoint : str, optional
        The Graph Store Protocol endpoint (``?graph=IRI``) for bulk uploads; without it loads
        use ``INSERT DATA``.
    timeout : float
        Seconds one request may take.
    retries : int
        Extra attempts after a connection failure or a 502/503/504 answer.
    chunk_size : int
        Triples per upload request.
    headers : mapping, optional
        Extra HTTP headers for every request, e.g. ``{"Authorization": "Basic ..."}`` for a
        Fuseki or GraphDB that requires a login, or a bearer token.
    """

    backend = "sparql"

    @property
    def capabilities(self) -> Capabilities:
        return Capabilities(remote=True)

    def __init__(
        self,
        endpoint: str,
        *,
        update_endpoint: str | None = None,
        store_endpoint: str | None = None,
        timeout: float = 60.0,
        retries: int = 3,
        backoff: float = 0.25,
        chunk_size: int = 50_000,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.endpoint = endpoint
        self.update_endpoint = update_endpoint or endpoint
        self.store_endpoint = store_endpoint
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.chunk_size = chunk_size
        self.headers = dict(headers or {})
        self._graphs: list[str] | None = None

    # -- reading -------------------------------------------------------------------------

    def query(
        self,
        sparql: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        max_rows: int | None = None,
        base_iri: str | None = None,
    ) -> QueryResult:
        client = self._client(self.endpoint)
        client.setQuery(_with_prologue(sparql, base_iri))
        if default_graphs is not None or named_graphs is not None or not has_dataset_clause(sparql):
            for iri in _or_empty(self.graphs() if default_graphs is None else default_graphs):
                client.addDefaultGraph(iri)
            for iri in _or_empty(self.graphs() if named_graphs is None else named_graphs):
                client.addNamedGraph(iri)
        is_graph = client.queryType in ("CONSTRUCT", "DESCRIBE")
        client.setReturnFormat(TURTLE if is_graph else JSON)
        body = self._retrying(lambda: self._send_query(client, sparql))
        if is_graph:
            return graph_result(body, max_rows)
        return json_result(body, max_rows)

    def graphs(self) -> list[str]:
        if self._graphs is None:
            result = self.query(
                f"SELECT ?g WHERE {{ GRAPH <{CATALOG_GRAPH}> {{ ?g a <{_DATA_GRAPH}> }} }}",
                default_graphs=[EMPTY_GRAPH],
                named_graphs=[CATALOG_GRAPH],
            )
            self._graphs = sorted(str(row[0]) for row in result.rows)
        return list(self._graphs)

    def refresh(self) -> None:
        """Forget the cached list of graphs (another process may have loaded one)."""
        self._graphs = None

    def __len__(self) -> int:
        result = self.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        return int(result.rows[0][0].toPython())  # type: ignore[union-attr]

    def serialize(self, fmt: str) -> bytes:
        check_format(fmt)
        if fmt != "trig":
            return self.graph().serialize(format=_FORMATS[fmt], encoding="utf-8")
        dataset = Dataset()
        for prefix, namespace in vocab.PREFIXES.items():
            dataset.bind(prefix, namespace)
        for name in self.graphs():
            named = dataset.graph(URIRef(name))
            for triple in self.query(
                "CONSTRUCT WHERE { ?s ?p ?o }", default_graphs=[name], named_graphs=[]
            ).triples:
                named.add(triple)
        return dataset.serialize(format="trig", encoding="utf-8")

    # -- writing -------------------------------------------------------------------------

    def load(self, triples: Iterable[Triple | Quad], graph: str = DEFAULT_DATA_GRAPH) -> None:
        check_iri(graph)
        staging = f"urn:x-ekg:staging:{uuid.uuid4()}"
        targets = {graph: staging}  # graph -> its staging graph
        try:
            for chunk in chunks(triples, self.chunk_size):
                for target, part in by_graph(chunk, graph).items():
                    if target not in targets:
                        check_iri(target)
                        targets[target] = f"{staging}:{len(targets)}"
                    self.upload(targets[target], part)
            old = self._parts_of(graph)
            self.update(self._replacement(graph, old, targets))
        except BaseException:
            for name in targets.values():
                self._drop_quietly(name)
            raise
        self._graphs = sorted({*(self._graphs or self.graphs())} - set(old) | set(targets))

    def _replacement(self, graph: str, old: list[str], targets: dict[str, str]) -> str:
        """One update request: drop ``graph`` and the parts its last load wrote (``old``),
        move each staging graph into place, and record every graph of the load in the catalog."""
        entry = f"INSERT DATA {{ GRAPH <{CATALOG_GRAPH}> {{ <{graph}> a <{_DATA_GRAPH}> }} }}"
        moves = [f"MOVE SILENT GRAPH <{targets[name]}> TO GRAPH <{name}>" for name in targets]
        parts = [_catalog("INSERT", name, graph) for name in targets if name != graph]
        return " ;\n".join([*_removal(graph, old), *moves, entry, *parts])

    def _parts_of(self, graph: str) -> list[str]:
        """The parts (other named graphs) the last load of ``graph`` wrote, from the catalog."""
        result = self.query(
            f"SELECT ?part WHERE {{ GRAPH <{CATALOG_GRAPH}> {{ ?part <{_PART_OF}> <{graph}> }} }}",
            default_graphs=[EMPTY_GRAPH],
            named_graphs=[CATALOG_GRAPH],
        )
        return sorted(str(row[0]) for row in result.rows if isinstance(row[0], URIRef))

    def drop(self, graph: str) -> None:
        """Remove named graph ``graph``, the parts its load wrote, and their catalog entries."""
        check_iri(graph)
        entry = f"DELETE DATA {{ GRAPH <{CATALOG_GRAPH}> {{ <{graph}> a <{_DATA_GRAPH}> }} }}"
        self.update(" ;\n".join([*_removal(graph, self._parts_of(graph)), entry]))
        self._graphs = None

    def clear(self) -> None:
        """Remove every graph this store manages, and the catalog."""
        for graph in self.graphs():
            self.drop(graph)
        self.update(f"DROP SILENT GRAPH <{CATALOG_GRAPH}>")
        self._graphs = []

    def update(self, sparql: str) -> None:
        """Run a SPARQL Update request on the server."""
        client = self._client(self.update_endpoint)
        client.setQuery(sparql)
        self._retrying(lambda: self._send_query(client, sparql, update=True))

    def upload(self, graph: str, chunk: list[Triple]) -> None:
        """Add ``chunk`` to named graph ``graph`` (one request; no catalog entry)."""
        try:
            text = "".join(f"{s.n3()} {p.n3()} {o.n3()} .\n" for s, p, o in chunk)
        except Exception as exc:  # rdflib raises a bare Exception for an unwritable IRI
            raise StoreError(f"cannot store a term of this chunk: {exc}") from exc
        if self.store_endpoint is None:
            self.update(f"INSERT DATA {{ GRAPH <{graph}> {{\n{text}}} }}")
            return
        separator = "&" if "?" in self.store_endpoint else "?"
        url = f"{self.store_endpoint}{separator}{urllib.parse.urlencode({'graph': graph})}"
        headers = {**self.headers, "Content-Type": "text/turtle; charset=utf-8"}
        request = urllib.request.Request(url, text.encode("utf-8"), headers, method="POST")
        self._retrying(lambda: self._send(request))

    def _drop_quietly(self, graph: str) -> None:
        try:
            self.update(f"DROP SILENT GRAPH <{graph}>")
        except StoreError as exc:  # the original failure matters more than this one
            log.warning("could not drop staging graph %s: %s", graph, exc)

    # -- transport -----------------------------------------------------------------------

    def _client(self, url: str) -> SPARQLWrapper:
        client = SPARQLWrapper(url)
        client.setMethod(POST)
        client.setRequestMethod(URLENCODED)
        client.setTimeout(max(1, round(self.timeout)))
        for name, value in self.headers.items():
            client.addCustomHttpHeader(name, value)
        return client

    def _send_query(self, client: SPARQLWrapper, sparql: str, *, update: bool = False) -> bytes:
        try:
            with client.query().response as response:
                return response.read()
        except QueryBadFormed as exc:
            if update:
                raise StoreError(f"the SPARQL server refused an update: {_message(exc)}") from exc
            check_syntax(sparql)  # a syntax error with its line and column when it is one
            raise QueryError(f"the SPARQL server rejected the query: {_message(exc)}") from exc
        except SPARQLWrapperException as exc:
            log.warning("SPARQL server %s failed: %s", client.endpoint, exc)
            raise QueryError(f"the SPARQL server failed to answer ({type(exc).__name__})") from exc

    def _send(self, request: urllib.request.Request) -> bytes:
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.read()  # type: ignore[no-any-return]
        except urllib.error.HTTPError as exc:
            if exc.code in _RETRIED_STATUSES:
                raise
            log.warning("%s %s: %s %s", request.method, request.full_url, exc.code, exc.read())
            raise StoreError(
                f"the SPARQL server refused the upload to {request.full_url} ({exc.code})"
            ) from exc

    def _retrying(self, send: Callable[[], T]) -> T:
        """``send()``, retried with exponential backoff while the server cannot be reached."""
        for attempt in range(self.retries + 1):
            try:
                return send()
            except (OSError, http.client.HTTPException) as exc:  # URLError, timeouts, resets
                if _is_timeout(exc):
                    raise QueryTimeoutError(
                        f"the SPARQL server did not answer within {self.timeout:g} s"
                    ) from exc
                if attempt == self.retries:  # the URL goes to the log, not to clients
                    log.error("cannot reach the SPARQL server at %s: %s", self.endpoint, exc)
                    raise StoreUnavailableError(
                        f"cannot reach the SPARQL server: {_reason(exc)}"
                    ) from exc
                time.sleep(self.backoff * 2**attempt)
        raise AssertionError("unreachable")  # pragma: no cover


def _is_timeout(exc: BaseException) -> bool:
    reason = getattr(exc, "reason", exc)
    return isinstance(reason, TimeoutError) or "timed out" in str(reason)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code}"
    reason = getattr(exc, "reason", exc)
    return getattr(reason, "strerror", None) or str(reason) or type(exc).__name__


def _message(exc: SPARQLWrapperException) -> str:
    """The first line of the server's answer in a SPARQLWrapper exception (which keeps the
    body only inside its message, as the repr of bytes)."""
    text = str(exc)
    if "Response:\n" in text:
        with contextlib.suppress(ValueError, SyntaxError, AttributeError):
            text = ast.literal_eval(text.split("Response:\n", 1)[1]).decode("utf-8", "replace")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0][:300] if lines else "no reason given"


_IRI = re.compile(r'^[^\x00-\x20<>"{}|^`\\]+:[^\x00-\x20<>"{}|^`\\]*$')


def check_iri(iri: str) -> None:
    """Refuse a graph name that is not an absolute IRI: it goes into update requests."""
    if not _IRI.match(iri):
        raise StoreError(f"not an absolute IRI for a graph: {iri!r}")


def _or_empty(graphs: Sequence[str]) -> Sequence[str]:
    return graphs or [EMPTY_GRAPH]


def _with_prologue(sparql: str, base_iri: str | None) -> str:
    """``sparql`` with BASE and the default prefixes it does not declare itself put first."""
    lowered = sparql.lower()
    lines = [
        f"PREFIX {name}: <{iri}>"
        for name, iri in DEFAULT_PREFIXES.items()
        if f"prefix {name}:" not in lowered
    ]
    if base_iri and "base" not in lowered:
        lines.insert(0, f"BASE <{base_iri}>")
    return "\n".join([*lines, sparql])


def chunks(triples: Iterable[T], size: int) -> Iterator[list[T]]:
    """``triples`` in lists of ``size`` (the last one shorter)."""
    iterator = iter(triples)
    while chunk := list(islice(iterator, size)):
        yield chunk


def by_graph(chunk: list[Triple | Quad], graph: str) -> dict[str, list[Triple]]:
    """The triples of ``chunk`` by the graph they go into (``graph`` for a triple)."""
    groups: dict[str, list[Triple]] = {}
    for statement in chunk:
        name = graph if len(statement) == 3 else str(statement[3])
        groups.setdefault(name, []).append(statement[:3])
    return groups


def _removal(graph: str, old: list[str]) -> list[str]:
    """Updates that drop ``graph`` and its ``old`` parts, with the parts' catalog entries."""
    drops = [f"DROP SILENT GRAPH <{name}>" for name in [graph, *old]]
    return [*drops, *(_catalog("DELETE", name, graph) for name in old)]


def _catalog(operation: str, part: str, graph: str) -> str:
    """``INSERT DATA`` / ``DELETE DATA`` of a part's catalog entry."""
    return (
        f"{operation} DATA {{ GRAPH <{CATALOG_GRAPH}> {{ "
        f"<{part}> a <{_DATA_GRAPH}> ; <{_PART_OF}> <{graph}> }} }}"
    )
