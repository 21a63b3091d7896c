"""Published versions on a shared SPARQL store: the catalog one publisher writes, readers follow.

``ekg publish`` is the only writer of a shared store. Each version of the dataset lives in
graphs of its own, named with the version in them (:func:`versioned_graph`: a store cannot
alias graph names, so two versions are two sets of graphs, as nanopublications version their
graph IRIs), beside the versions still served. The *catalog* -- named graph
:data:`VERSIONS_GRAPH` -- says which version is current and lists every version's graphs:

- a version is written *pending* before its first graph is uploaded, and each graph is
  registered (a write-ahead record) before data goes into it, so a publish killed at any
  point leaves only graphs the catalog names, which the next publish drops;
- one update request (:func:`switch_update`) then moves the *current* pointer to it and
  records the publish time, the stories and the triples of each graph; the version it
  replaces gets its *retired* time;
- a version is dropped by marking it *dropping* (readers stop trusting it at once), dropping
  its graphs, then deleting its catalog entries -- each step repeatable after a kill.

A version also carries its *source*: the data files, as text literals in a source graph
(:func:`source_file_triples`, :func:`source_chunk_triple`), from which a reader on another
machine rebuilds exactly that dataset. The source graph is never among the graphs a
reader's queries see.

This module writes update requests and reads the catalog; :mod:`graph.publication` runs them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from graph.errors import StoreError
from graph.store.base import Store, Triple

#: The named graph of the catalog of published versions.
VERSIONS_GRAPH = "urn:x-ekg:versions"
#: The catalog's own node: it holds the current-version pointer.
_ROOT = "urn:x-ekg:versions#catalog"
_NS = "urn:x-ekg:versions#"
#: A graph that never holds anything: how "no graphs" is said in protocol parameters.
NO_GRAPH = "urn:x-ekg:graph:none"
CURRENT, STATE, BASE, PUBLISHED, RETIRED, STORY = (
    f"{_NS}{name}" for name in ("current", "state", "base", "publishedAt", "retiredAt", "story")
)
OF, NAME, ROLE, TRIPLES = (f"{_NS}{name}" for name in ("graphOf", "name", "role", "triples"))
PATH, CHUNKS, TEXT = (f"{_NS}{name}" for name in ("path", "chunks", "text"))
#: How big one text literal of a source file may grow (bytes of UTF-8).
CHUNK_BYTES = 1_000_000


def version_iri(version: str) -> str:
    """The catalog node of ``version`` (a hex hash)."""
    return f"urn:x-ekg:version:{version}"


def versioned_graph(version: str, name: str) -> str:
    """The graph that holds graph ``name`` of ``version`` in a shared store.

    >>> versioned_graph("0123abcd", "http://example.org/ekg/id/graph/demo")
    'urn:x-ekg:version:0123abcd/http://example.org/ekg/id/graph/demo'
    """
    return f"{version_iri(version)}/{name}"


def source_graph(version: str) -> str:
    """The graph that holds the data files of ``version``."""
    return f"{version_iri(version)}#source"


@dataclass(frozen=True)
class VersionRecord:
    """One version in the catalog: ``state`` ``pending``, ``published`` or ``dropping``; its
    data graphs (name -> the versioned graph holding it) with their triples; its source graph;
    the base IRI it was built with; when it was published and retired (UTC); its stories."""

    version: str
    state: str = "pending"
    base: str | None = None
    published_at: dt.datetime | None = None
    retired_at: dt.datetime | None = None
    stories: tuple[str, ...] = ()
    graphs: dict[str, str] = field(default_factory=dict)
    triples: dict[str, int] = field(default_factory=dict)
    source: str | None = None

    def all_graphs(self) -> list[str]:
        """Every graph of the version in the store: data graphs and the source graph."""
        return sorted({*self.graphs.values(), *([self.source] if self.source else [])})


@dataclass(frozen=True)
class Catalog:
    """The catalog as read at ``read_at``: the current version (``None``: nothing published)
    and every version it lists."""

    current: str | None
    versions: dict[str, VersionRecord]
    read_at: dt.datetime

    def current_record(self) -> VersionRecord | None:
        """The record of the current version."""
        return None if self.current is None else self.versions.get(self.current)


def read_catalog(store: Store) -> Catalog:
    """The catalog of ``store`` (one query; an empty catalog if nothing was published)."""
    rows = store.query(
        f"SELECT ?s ?p ?o WHERE {{ GRAPH <{VERSIONS_GRAPH}> {{ ?s ?p ?o }} }}",
        default_graphs=[NO_GRAPH],
        named_graphs=[VERSIONS_GRAPH],
    ).rows
    facts: dict[str, dict[str, list[Node]]] = {}
    for s, p, o in rows:
        if o is not None:
            facts.setdefault(str(s), {}).setdefault(str(p), []).append(o)
    current = facts.get(_ROOT, {}).get(CURRENT, [None])[0]
    versions = {}
    for subject, props in facts.items():
        if subject.startswith("urn:x-ekg:version:") and STATE in props:
            record = _record(subject, props, facts)
            versions[record.version] = record
    name = None if current is None else str(current).removeprefix("urn:x-ekg:version:")
    return Catalog(name, versions, dt.datetime.now(dt.UTC))


def _record(subject: str, props: dict[str, list[Node]], facts: dict) -> VersionRecord:
    graphs, triples, source = {}, {}, None
    for graph, its in facts.items():
        if [str(o) for o in its.get(OF, [])] != [subject]:
            continue
        if str(its.get(ROLE, [""])[0]) == "source":
            source = graph
            continue
        name = str(its[NAME][0])
        graphs[name] = graph
        if TRIPLES in its:
            triples[name] = int(its[TRIPLES][0].toPython())
    return VersionRecord(
        subject.removeprefix("urn:x-ekg:version:"),
        str(props[STATE][0]),
        str(props[BASE][0]) if BASE in props else None,
        _time(props.get(PUBLISHED)),
        _time(props.get(RETIRED)),
        tuple(sorted(str(o) for o in props.get(STORY, []))),
        graphs,
        triples,
        source,
    )


def _time(values: list[Node] | None) -> dt.datetime | None:
    if not values:
        return None
    value = values[0].toPython() if isinstance(values[0], Literal) else None
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    try:
        parsed = dt.datetime.fromisoformat(str(values[0]).replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


# -- updates ------------------------------------------------------------------------------------


def _n3(term: Node) -> str:
    return term.n3()


def _insert(triples: Sequence[tuple[str, str, Node]]) -> str:
    body = " ".join(f"<{s}> <{p}> {_n3(o)} ." for s, p, o in triples)
    return f"INSERT DATA {{ GRAPH <{VERSIONS_GRAPH}> {{ {body} }} }}"


def pending_update(version: str, base: str | None) -> str:
    """The write-ahead record of a version about to be uploaded."""
    facts: list[tuple[str, str, Node]] = [(version_iri(version), STATE, Literal("pending"))]
    if base is not None:
        facts.append((version_iri(version), BASE, Literal(base)))
    return _insert(facts)


def register_update(version: str, graph: str, name: str | None) -> str:
    """Record ``graph`` as a graph of ``version`` before anything is uploaded into it: the
    data graph ``name``, or (``name`` None) the version's source graph."""
    facts: list[tuple[str, str, Node]] = [(graph, OF, URIRef(version_iri(version)))]
    if name is None:
        facts.append((graph, ROLE, Literal("source")))
    else:
        facts += [(graph, NAME, URIRef(name)), (graph, ROLE, Literal("data"))]
    return _insert(facts)


def switch_update(
    version: str,
    at: dt.datetime,
    stories: Sequence[str],
    triples: dict[str, int],
    previous: str | None = None,
) -> str:
    """ONE update request: make ``version`` the current one, record when (``at``, UTC), its
    stories and its graphs' triples (versioned graph -> count), and retire the version it
    replaces at the same time -- only if that is still ``previous`` (``None``: none), so of
    two publishers switching at once only one succeeds. A retained version made current again
    (a rollback) loses its earlier publish and retire times (in operations after the switch,
    which apply only if it made ``version`` current)."""
    expected = "!BOUND(?old)" if previous is None else f"?old = <{version_iri(previous)}>"
    node, stamp = f"<{version_iri(version)}>", _n3(Literal(_utc(at), datatype=XSD.dateTime))
    counts = " ".join(f"<{g}> <{TRIPLES}> {n} ." for g, n in sorted(triples.items()))
    stories_n3 = " ".join(f"{node} <{STORY}> {_n3(Literal(s))} ." for s in stories)
    switch = (
        f"DELETE {{ GRAPH <{VERSIONS_GRAPH}> {{ <{_ROOT}> <{CURRENT}> ?old . "
        f"{node} <{STATE}> ?state }} }}\n"
        f"INSERT {{ GRAPH <{VERSIONS_GRAPH}> {{ <{_ROOT}> <{CURRENT}> {node} . "
        f'{node} <{STATE}> "published" ; <{PUBLISHED}> {stamp} . {stories_n3} {counts} '
        f"?old <{RETIRED}> {stamp} }} }}\n"
        f"WHERE {{ OPTIONAL {{ GRAPH <{VERSIONS_GRAPH}> {{ <{_ROOT}> <{CURRENT}> ?old }} }} "
        f"OPTIONAL {{ GRAPH <{VERSIONS_GRAPH}> {{ {node} <{STATE}> ?state }} }} "
        f"FILTER({expected}) }}"
    )
    current = f"<{_ROOT}> <{CURRENT}> {node}"  # the rest applies only if the switch did
    forget = [
        f"DELETE {{ GRAPH <{VERSIONS_GRAPH}> {{ {node} <{RETIRED}> ?r }} }} "
        f"WHERE {{ GRAPH <{VERSIONS_GRAPH}> {{ {current} . {node} <{RETIRED}> ?r }} }}",
        f"DELETE {{ GRAPH <{VERSIONS_GRAPH}> {{ {node} <{PUBLISHED}> ?p }} }} "
        f"WHERE {{ GRAPH <{VERSIONS_GRAPH}> {{ {current} . {node} <{PUBLISHED}> ?p "
        f"FILTER(?p != {stamp}) }} }}",
    ]
    return " ;\n".join([switch, *forget])


def _utc(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _set_state(version: str, state: str) -> str:
    node = f"<{version_iri(version)}>"
    return (
        f"DELETE {{ GRAPH <{VERSIONS_GRAPH}> {{ {node} <{STATE}> ?s }} }} "
        f'INSERT {{ GRAPH <{VERSIONS_GRAPH}> {{ {node} <{STATE}> "{state}" }} }} '
        f"WHERE {{ OPTIONAL {{ GRAPH <{VERSIONS_GRAPH}> {{ {node} <{STATE}> ?s }} }} }}"
    )


def drop_updates(record: VersionRecord) -> list[str]:
    """The updates that drop a version, in order: mark it ``dropping`` (a reader checks the
    state after each query, so none trusts an answer from a half-dropped version), drop its
    graphs, delete its catalog entries. Each is safe to repeat after a kill."""
    subjects = [version_iri(record.version), *record.all_graphs()]
    forget = " ;\n".join(
        f"DELETE {{ GRAPH <{VERSIONS_GRAPH}> {{ <{s}> ?p ?o }} }} "
        f"WHERE {{ GRAPH <{VERSIONS_GRAPH}> {{ <{s}> ?p ?o }} }}"
        for s in subjects
    )
    drops = " ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in record.all_graphs())
    return [_set_state(record.version, "dropping"), *([drops] if drops else []), forget]


def is_serving_query(version: str) -> str:
    """An ASK that holds while ``version``'s graphs are complete (published, not dropping)."""
    return (
        f'ASK {{ GRAPH <{VERSIONS_GRAPH}> {{ <{version_iri(version)}> <{STATE}> "published" }} }}'
    )


# -- the source files ---------------------------------------------------------------------------


def source_file_triples(version: str, order: int, path: str, chunks: int) -> list[Triple]:
    """The source graph's record of data file number ``order`` (the events file is 0):
    its path relative to the events file and how many text chunks hold it."""
    node = URIRef(f"{source_graph(version)}/file/{order}")
    return [(node, URIRef(PATH), Literal(path)), (node, URIRef(CHUNKS), Literal(chunks))]


def source_chunk_triple(version: str, order: int, index: int, text: str) -> Triple:
    """Chunk ``index`` of data file ``order``, as a text literal (:func:`split_text`)."""
    return URIRef(f"{source_graph(version)}/file/{order}/{index}"), URIRef(TEXT), Literal(text)


def split_text(text: str, most: int = CHUNK_BYTES) -> list[str]:
    """``text`` in pieces of at most ``most`` UTF-8 bytes, cut after a line end (a longer
    line is cut where it must be).

    >>> split_text("a\\nbb\\nc", most=3)
    ['a\\n', 'bb\\n', 'c']
    """
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for line in text.splitlines(keepends=True):
        length = len(line.encode("utf-8"))
        if current and size + length > most:
            chunks.append("".join(current))
            current, size = [], 0
        while length > most:  # a line longer than a chunk
            head = line.encode("utf-8")[:most].decode("utf-8", "ignore")
            chunks.append(head)
            line = line[len(head) :]
            length = len(line.encode("utf-8"))
        current.append(line)
        size += length
    if current or not chunks:
        chunks.append("".join(current))
    return chunks


def read_source_files(store: Store, record: VersionRecord) -> list[tuple[str, int]]:
    """The data files of ``record``'s version, the events file first: ``(path relative to
    it, number of chunks)`` each (two one-pattern queries: Virtuoso refuses joins it
    estimates as slow)."""
    if record.source is None:
        raise StoreError(f"version {record.version} has no source graph in the catalog")
    found: dict[str, dict[str, Node]] = {}
    for predicate in (PATH, CHUNKS):
        rows = store.query(
            f"SELECT ?f ?o WHERE {{ GRAPH <{record.source}> {{ ?f <{predicate}> ?o }} }}",
            default_graphs=[NO_GRAPH],
            named_graphs=[record.source],
        ).rows
        for subject, value in rows:
            if value is not None:
                found.setdefault(str(subject), {})[predicate] = value
    files = []
    for name, facts in found.items():
        order = int(name.rsplit("/", 1)[1])
        files.append((order, str(facts[PATH]), int(facts[CHUNKS].toPython())))  # type: ignore[attr-defined]
    if not files or sorted(order for order, _, _ in files) != list(range(len(files))):
        raise StoreError(f"the source graph of version {record.version} is incomplete")
    return [(path, chunks) for _, path, chunks in sorted(files)]


def read_source_chunk(store: Store, record: VersionRecord, order: int, index: int) -> str:
    """The text of chunk ``index`` of data file ``order`` of ``record``'s version."""
    node = f"{record.source}/file/{order}/{index}"
    rows = store.query(
        f"SELECT ?text WHERE {{ GRAPH <{record.source}> {{ <{node}> <{TEXT}> ?text }} }}",
        default_graphs=[NO_GRAPH],
        named_graphs=[record.source or NO_GRAPH],
    ).rows
    if len(rows) != 1 or rows[0][0] is None:
        raise StoreError(f"the source graph of version {record.version} lacks {node}")
    return str(rows[0][0])
