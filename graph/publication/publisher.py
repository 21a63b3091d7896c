"""``ekg publish``: the one writer of a shared SPARQL store.

Validate the data files (the read path every other command uses: bad data raises
:class:`~graph.errors.ValidationError` and nothing is written), and unless the store's
current version is already this data, take the catalog's lease (:mod:`graph.store.lease`:
another publish under way makes this one fail at once, naming when its lease ends), load
the data *beside* the current version under graphs named with its version, then switch the
catalog to it in one conditional update (:mod:`graph.store.versions`). Before that it drops
what a publish killed midway left (pending versions: their publisher's lease has expired),
and after it the versions past their retention, on the store's clock.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from graph.data import LoadedData, read_dataset
from graph.errors import EkgError, StoreError
from graph.rdf import graph_iri, iter_statements
from graph.store import Quad, RemoteStore, Triple
from graph.store.backends.remote import by_graph, chunks
from graph.store.dropping import drop_updates, is_dropping_query
from graph.store.lease import LEASE, Lease, store_clock
from graph.store.sources import source_chunk_triple, source_file_triples, split_text
from graph.store.versions import (
    NO_GRAPH,
    VERSIONS_GRAPH,
    Catalog,
    Switch,
    VersionRecord,
    pending_update,
    read_catalog,
    register_update,
    source_graph,
    switch_update,
    versioned_graph,
)

log = logging.getLogger(__name__)

#: Seconds a retired version stays in the store by default (readers switch well before).
RETENTION = 900.0


@dataclass(frozen=True)
class PublishResult:
    """What a publish did: ``published`` or ``unchanged``; the version, the one it replaced,
    the versions it dropped, the triples it loaded and the seconds it took."""

    outcome: str
    version: str
    previous: str | None
    seconds: float
    triples: int = 0
    dropped: tuple[str, ...] = field(default=())


def publish(
    data_path: str | Path,
    store: RemoteStore,
    *,
    base: str | None = None,
    retention: float = RETENTION,
    lease: float = LEASE,
) -> PublishResult:
    """Publish the data at ``data_path`` as the current version of ``store`` (module docs).
    A version still retained in the store is switched back to without uploading it again.

    ``retention``: seconds (of the store's clock) a version retired by a publish stays in
    the store for readers still on it; the version just replaced always stays until the
    next publish. ``lease``: seconds the catalog's lease lasts between renewals (how long a
    killed publish blocks the next one). :class:`StoreError` if another publish holds it.
    """
    started = time.perf_counter()
    loaded = read_dataset(data_path, base=base)
    version = loaded.version[:16]
    current = read_catalog(store).current_record()
    if current is not None and current.version == version:  # nothing to write, no lease
        _check_base(current, base)
        return PublishResult("unchanged", version, version, time.perf_counter() - started)
    held = Lease(store, lease)
    held.take()
    try:
        return _publish(store, held, loaded, Path(data_path), base, retention, started)
    finally:
        with contextlib.suppress(EkgError):  # it expires anyway
            held.release()


def _publish(
    store: RemoteStore,
    held: Lease,
    loaded: LoadedData,
    data_path: Path,
    base: str | None,
    retention: float,
    started: float,
) -> PublishResult:
    """The publish under the lease: the catalog read now is the one no other publisher
    changes meanwhile."""
    version = loaded.version[:16]
    catalog = read_catalog(store)
    current = catalog.current_record()
    if current is not None and current.version == version:
        _check_base(current, base)
        return PublishResult("unchanged", version, version, time.perf_counter() - started)
    # left by a publish that lost the lease: a pending version keeps its record (state
    # dropping) until the next publish, which drops its graphs again -- the one request its
    # stalled publisher may have had in flight lands in a graph that is dropped then
    dropped = [
        _drop(store, r, held, catalog.current, forget=r.state == "dropping")
        for r in catalog.versions.values()
        if r.state != "published"
    ]
    retained = catalog.versions.get(version)
    graphs: dict[str, int] = {}  # versioned graph -> its triples, recorded at the switch
    files: int | None = None
    if retained is not None and retained.state == "published":  # a rollback: switch back
        _check_base(retained, base)
        triples = 0
    else:
        triples, graphs = _upload_version(store, held, version, data_path, loaded, base)
        files = len(loaded.files)
    held.renew()
    stories = [story.id for story in loaded.dataset.stories]
    switch = Switch(
        version, store_clock(store), stories, graphs, files, held.owner, catalog.current
    )
    store.update(switch_update(switch))
    after = read_catalog(store)  # exactly one current, whole: else StoreError
    if after.current != version:
        raise StoreError(
            f"version {version} was not switched to (the current one is {after.current}); "
            "its graphs go at the next publish"
        )
    log.info("published version %s (previous %s)", version, catalog.current)
    dropped += _expire(store, held, after, catalog.current, retention)
    seconds = time.perf_counter() - started
    return PublishResult(
        "published",
        version,
        catalog.current,
        seconds,
        triples + sum(graphs.values()),
        tuple(d for d in dropped if d),
    )


def _upload_version(
    store: RemoteStore,
    held: Lease,
    version: str,
    data_path: Path,
    loaded: LoadedData,
    base: str | None,
) -> tuple[int, dict[str, int]]:
    """Write ``version`` pending, then its source graph and data graphs: the source's
    triples, and each data graph's as the server holds them (distinct)."""
    store.update(pending_update(version, base, held.owner, uuid.uuid4().hex))
    top = data_path.resolve().parent
    triples = _upload_source(store, held, version, top, loaded.files)
    main = graph_iri(loaded.dataset.info)
    graphs = _upload_data(store, held, version, iter_statements(loaded.dataset), main)
    return triples, store.count_triples(list(graphs))


def _check_base(record: VersionRecord, base: str | None) -> None:
    """A version already in the store was built with the same base IRI (which the version
    hash, of the data files, does not cover)."""
    if record.base != base:
        raise StoreError(
            f"version {record.version} is in the store with base IRI "
            f"{record.base or 'of the file'}; publish a changed dataset to change the base IRI"
        )


def _drop(
    store: RemoteStore,
    record: VersionRecord,
    held: Lease,
    current: str | None,
    *,
    forget: bool = True,
) -> str | None:
    """Drop ``record``'s version if the mark ``dropping`` took (the lease is held and it is
    not current), and unless ``forget`` is false its catalog record; its name, or None."""
    mark, *rest = drop_updates(record, held.owner, current)
    rest = rest if forget else rest[:-1]
    store.update(mark)
    if not store.query(
        is_dropping_query(record.version), default_graphs=[NO_GRAPH], named_graphs=[VERSIONS_GRAPH]
    ).boolean:
        log.warning(
            "version %s was not dropped: it is current or the lease was lost", record.version
        )
        return None
    for update in rest:
        store.update(update)
    log.info("dropped version %s (%s)", record.version, record.state)
    return record.version


def _expire(
    store: RemoteStore, held: Lease, catalog: Catalog, previous: str | None, retention: float
) -> list[str | None]:
    """Drop the versions retired more than ``retention`` seconds ago on the store's clock,
    keeping the current one and the one it replaced."""
    limit = store_clock(store) - dt.timedelta(seconds=retention)
    return [
        _drop(store, record, held, catalog.current)
        for record in catalog.versions.values()
        if record.state == "published"  # the others go at the start of the next publish
        and record.version not in (catalog.current, previous)
        and (record.retired_at is None or record.retired_at <= limit)
    ]


def _upload_source(
    store: RemoteStore, held: Lease, version: str, top: Path, names: Sequence[str]
) -> int:
    """Register and fill ``version``'s source graph with the data files ``names`` (relative
    to ``top``), one file at a time and one text chunk (at most 1 MB) per request."""
    graph = source_graph(version)
    held.renew()
    store.update(register_update(version, graph, None, held.owner))
    count = 0
    for order, name in enumerate(names):
        chunks = split_text((top / name).read_bytes().decode("utf-8"))
        held.renew(early=True)
        store.upload(graph, source_file_triples(version, order, name, len(chunks)))
        for index, text in enumerate(chunks):
            held.renew(early=True)
            store.upload(graph, [source_chunk_triple(version, order, index, text)])
        count += 2 + len(chunks)
    return count


def _upload_data(
    store: RemoteStore,
    held: Lease,
    version: str,
    statements: Iterable[Triple | Quad],
    main: str,
) -> dict[str, int]:
    """Upload the dataset's statements into ``version``'s graphs (each registered first; a
    triple goes into graph ``main``); the triples of each versioned graph."""
    counts: dict[str, int] = {}
    for chunk in chunks(statements, store.chunk_size):
        for name, part in by_graph(chunk, main).items():
            graph = versioned_graph(version, name)
            if graph not in counts:
                held.renew()
                store.update(register_update(version, graph, name, held.owner))
                counts[graph] = 0
            held.renew(early=True)
            store.upload(graph, part)
            counts[graph] += len(part)
    return counts
