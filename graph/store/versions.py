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
  records the publish time, the stories, the triples of each graph and how many graphs and
  source files it has (a reader refuses a record that does not add up); the version it
  replaces gets its *retired* time;
- a version is dropped by marking it *dropping* (readers stop trusting it at once), dropping
  its graphs, then deleting its catalog entries -- each step repeatable after a kill.

Every write but the drops is conditional on the publisher holding the catalog's *lease*
(:mod:`graph.store.lease`), and the switch on the version it replaces still being current,
so two publishers never undo each other. Times are the store's clock. Each upload of a
version gets an id of its own (``upload``): a reader tells a version dropped and uploaded
again from the one it serves.

A version also carries its *source*: the data files, as text literals in a source graph
(:mod:`graph.store.sources`), from which a reader on another machine rebuilds exactly that
dataset. The source graph is never among the graphs a reader's queries see.

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
from graph.store.backends.remote import EMPTY_GRAPH
from graph.store.base import Store

#: The named graph of the catalog of published versions.
VERSIONS_GRAPH = "urn:x-ekg:versions"
#: The catalog's own node: it holds the current-version pointer and the lease.
ROOT = "urn:x-ekg:versions#catalog"
_NS = "urn:x-ekg:versions#"
#: A graph that never holds anything: how "no graphs" is said in protocol parameters.
NO_GRAPH = EMPTY_GRAPH
CURRENT, STATE, BASE, PUBLISHED, RETIRED, STORY = (
    f"{_NS}{name}" for name in ("current", "state", "base", "publishedAt", "retiredAt", "story")
)
OF, NAME, ROLE, TRIPLES = (f"{_NS}{name}" for name in ("graphOf", "name", "role", "triples"))
PATH, CHUNKS, TEXT = (f"{_NS}{name}" for name in ("path", "chunks", "text"))
UPLOAD, GRAPH_COUNT, FILE_COUNT = (f"{_NS}{n}" for n in ("upload", "graphCount", "fileCount"))
LEASE_OWNER, LEASE_UNTIL = f"{_NS}leaseOwner", f"{_NS}leaseUntil"
#: Rows per catalog query: under Virtuoso's stock ResultSetMaxRows (10,000); a server that
#: caps lower still reads whole (the next page starts after the last row it gave).
PAGE = 5000


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
    upload: str | None = None
    graph_count: int | None = None
    file_count: int | None = None

    def check(self) -> None:
        """:class:`StoreError` unless the record is a whole published version: as many
        graphs as the switch recorded, and a source graph."""
        if self.state != "published" or self.source is None or self.graph_count is None:
            raise StoreError(f"the catalog record of version {self.version} is incomplete")
        if len(self.graphs) != self.graph_count:
            raise StoreError(
                f"the catalog record of version {self.version} lists {len(self.graphs)} of "
                f"its {self.graph_count} graphs"
            )

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
    lease: tuple[str, dt.datetime] | None = None

    def current_record(self) -> VersionRecord | None:
        """The record of the current version, checked whole (:meth:`VersionRecord.check`)."""
        if self.current is None:
            return None
        record = self.versions.get(self.current)
        if record is None:
            raise StoreError(f"the catalog names version {self.current} current but lists none")
        record.check()
        return record


def read_catalog(store: Store, attempts: int = 3) -> Catalog:
    """The catalog of ``store`` (an empty one if nothing was published), read in pages; a
    read that met a publish under way (the current record does not add up) is read again.
    :class:`StoreError` if the catalog is malformed."""
    for attempt in range(attempts):
        rows = select_paged(
            store,
            "?s ?p ?o",
            f"GRAPH <{VERSIONS_GRAPH}> {{ ?s ?p ?o }}",
            "?s ?p ?o",
            [VERSIONS_GRAPH],
        )
        catalog = _parse(rows)
        try:
            catalog.current_record()
        except StoreError:
            if attempt == attempts - 1:
                raise
            continue
        return catalog
    raise AssertionError("unreachable")


def select_paged(
    store: Store, selected: str, where: str, key: str, graphs: Sequence[str], page: int = PAGE
) -> list[tuple[Node | None, ...]]:
    """Every row of ``SELECT selected WHERE { where }``, in pages ordered by the string of
    the variables ``key`` (which must tell rows apart): each page starts after the last row
    of the one before, so neither a cap on rows nor Virtuoso's limit on sorted OFFSETs cuts
    the answer short."""
    parts = ', " ", '.join(f"STR({var})" for var in key.split())
    rows: list[tuple[Node | None, ...]] = []
    after = Literal("")
    while True:
        found = store.query(
            f"SELECT {selected} ?k WHERE {{ {where} BIND(CONCAT({parts}) AS ?k) "
            f"FILTER(?k > {after.n3()}) }} ORDER BY ?k LIMIT {page}",
            default_graphs=[NO_GRAPH],
            named_graphs=list(graphs),
        ).rows
        if not found:
            return rows
        rows += [row[:-1] for row in found]
        after = Literal(str(found[-1][-1]))


def _parse(rows: list[tuple[Node | None, ...]]) -> Catalog:
    facts: dict[str, dict[str, list[Node]]] = {}
    for s, p, o in rows:
        if o is not None:
            facts.setdefault(str(s), {}).setdefault(str(p), []).append(o)
    root = facts.get(ROOT, {})
    pointers = root.get(CURRENT, [])
    if len(pointers) > 1:
        raise StoreError(
            f"the catalog of versions is malformed: it names {len(pointers)} current versions "
            f"({', '.join(sorted(map(str, pointers)))}); fix graph <{VERSIONS_GRAPH}> by hand"
        )
    versions = {}
    for subject, props in facts.items():
        if subject.startswith("urn:x-ekg:version:") and STATE in props:
            try:
                record = _record(subject, props, facts)
            except (KeyError, ValueError, TypeError, AttributeError, IndexError) as exc:
                raise StoreError(
                    f"the catalog of versions is malformed: the record of <{subject}> ({exc!r})"
                ) from exc
            versions[record.version] = record
    name = str(pointers[0]).removeprefix("urn:x-ekg:version:") if pointers else None
    owner, until = root.get(LEASE_OWNER, [None])[0], _time(root.get(LEASE_UNTIL))
    lease = (str(owner), until) if owner is not None and until is not None else None
    return Catalog(name, versions, dt.datetime.now(dt.UTC), lease)


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
        str(props[UPLOAD][0]) if UPLOAD in props else None,
        _count(props.get(GRAPH_COUNT)),
        _count(props.get(FILE_COUNT)),
    )


def _count(values: list[Node] | None) -> int | None:
    return None if not values else int(values[0].toPython())  # type: ignore[attr-defined]


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


def _held(owner: str) -> str:
    """The pattern that holds while ``owner`` holds the catalog's lease."""
    return f"GRAPH <{VERSIONS_GRAPH}> {{ <{ROOT}> <{LEASE_OWNER}> {Literal(owner).n3()} }}"


def none_of(pattern: str) -> str:
    """A group that matches once if the catalog holds no match of ``pattern`` (a count:
    Virtuoso ignores FILTER NOT EXISTS over a GRAPH in an update; joined with other patterns
    it ignores the count too, where the lease alone keeps two publishers apart)."""
    return (
        f"{{ SELECT (COUNT(*) AS ?none) WHERE {{ GRAPH <{VERSIONS_GRAPH}> {{ {pattern} }} }} }} "
        "FILTER(?none = 0)"
    )


def _insert_if(triples: Sequence[tuple[str, str, Node]], where: str) -> str:
    body = " ".join(f"<{s}> <{p}> {o.n3()} ." for s, p, o in triples)
    return f"INSERT {{ GRAPH <{VERSIONS_GRAPH}> {{ {body} }} }} WHERE {{ {where} }}"


def pending_update(version: str, base: str | None, owner: str, upload: str) -> str:
    """The write-ahead record of a version about to be uploaded (id ``upload``), if
    ``owner`` holds the lease."""
    node = version_iri(version)
    facts: list[tuple[str, str, Node]] = [
        (node, STATE, Literal("pending")),
        (node, UPLOAD, Literal(upload)),
    ]
    if base is not None:
        facts.append((node, BASE, Literal(base)))
    return _insert_if(facts, _held(owner))


def register_update(version: str, graph: str, name: str | None, owner: str) -> str:
    """Record ``graph`` as a graph of ``version`` before anything is uploaded into it: the
    data graph ``name``, or (``name`` None) the version's source graph -- if ``owner``
    holds the lease and the version is pending."""
    facts: list[tuple[str, str, Node]] = [(graph, OF, URIRef(version_iri(version)))]
    if name is None:
        facts.append((graph, ROLE, Literal("source")))
    else:
        facts += [(graph, NAME, URIRef(name)), (graph, ROLE, Literal("data"))]
    pending = f'GRAPH <{VERSIONS_GRAPH}> {{ <{version_iri(version)}> <{STATE}> "pending" }}'
    return _insert_if(facts, f"{_held(owner)} {pending}")


@dataclass(frozen=True)
class Switch:
    """What a switch records: the version, the store's time, its stories, its graphs'
    triples (versioned graph -> count; none for a rollback) and source files, the lease
    owner, and the version it replaces (``None``: none)."""

    version: str
    at: dt.datetime
    stories: Sequence[str]
    triples: dict[str, int]
    files: int | None
    owner: str
    previous: str | None = None


def switch_update(switch: Switch) -> str:
    """ONE update request: make the version current, record when, its stories, its graphs'
    triples and counts, and retire the version it replaces at the same time -- only if the
    publisher still holds the lease, the version is pending (or published: a rollback) and
    the current version is still ``previous``. A retained version made current again loses
    its earlier publish and retire times (in operations after the switch, which apply only
    if it made the version current)."""
    previous = switch.previous
    expected = (  # no OPTIONAL: Virtuoso applies updates despite FILTERs over one at times
        none_of(f"<{ROOT}> <{CURRENT}> ?any")
        if previous is None
        else f"GRAPH <{VERSIONS_GRAPH}> {{ <{ROOT}> <{CURRENT}> ?old }} "
        f"FILTER(?old = <{version_iri(previous)}>)"
    )
    node, at = f"<{version_iri(switch.version)}>", stamp(switch.at)
    counts = " ".join(f"<{g}> <{TRIPLES}> {n} ." for g, n in sorted(switch.triples.items()))
    if switch.files is not None:  # an upload (a rollback keeps the counts it has)
        counts += f" {node} <{GRAPH_COUNT}> {len(switch.triples)} ; <{FILE_COUNT}> {switch.files} ."
    stories_n3 = " ".join(f"{node} <{STORY}> {Literal(s).n3()} ." for s in switch.stories)
    update = (
        f"DELETE {{ GRAPH <{VERSIONS_GRAPH}> {{ <{ROOT}> <{CURRENT}> ?old . "
        f"{node} <{STATE}> ?state }} }}\n"
        f"INSERT {{ GRAPH <{VERSIONS_GRAPH}> {{ <{ROOT}> <{CURRENT}> {node} . "
        f'{node} <{STATE}> "published" ; <{PUBLISHED}> {at} . {stories_n3} {counts} '
        f"?old <{RETIRED}> {at} }} }}\n"
        f"WHERE {{ {_held(switch.owner)} GRAPH <{VERSIONS_GRAPH}> {{ {node} <{STATE}> ?state }} "
        f'{expected} FILTER(?state = "pending" || ?state = "published") }}'
    )
    current = f"<{ROOT}> <{CURRENT}> {node}"  # the rest applies only if the switch did
    forget = [
        f"DELETE {{ GRAPH <{VERSIONS_GRAPH}> {{ {node} <{RETIRED}> ?r }} }} "
        f"WHERE {{ GRAPH <{VERSIONS_GRAPH}> {{ {current} . {node} <{RETIRED}> ?r }} }}",
        f"DELETE {{ GRAPH <{VERSIONS_GRAPH}> {{ {node} <{PUBLISHED}> ?p }} }} "
        f"WHERE {{ GRAPH <{VERSIONS_GRAPH}> {{ {current} . {node} <{PUBLISHED}> ?p "
        f"FILTER(?p != {at}) }} }}",
    ]
    return " ;\n".join([update, *forget])


def stamp(at: dt.datetime) -> str:
    """``at`` as an xsd:dateTime literal in UTC (N-Triples)."""
    text = at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return Literal(text, datatype=XSD.dateTime).n3()


def is_serving_query(version: str, upload: str | None = None) -> str:
    """An ASK that holds while ``version``'s graphs are complete (published, not dropping)
    and, given ``upload``, are still those of that upload (not dropped and uploaded again)."""
    same = "" if upload is None else f" ; <{UPLOAD}> {Literal(upload).n3()}"
    node = f"<{version_iri(version)}>"
    return f'ASK {{ GRAPH <{VERSIONS_GRAPH}> {{ {node} <{STATE}> "published"{same} }} }}'
