"""One publisher, many readers on a shared SPARQL store.

:func:`publish` is what ``ekg publish`` does: validate the data files (the read path every
other command uses: bad data raises :class:`~graph.errors.ValidationError` and nothing is
written), and unless the store's current version is already this data, load it *beside* the
current version under graphs named with its version, then switch the catalog to it in one
update (:mod:`graph.store.versions`). Before that it drops what an earlier publish killed
midway left (pending versions), and after it the versions past their retention.

:func:`open_published` is what a reader (``ekg serve --sparql-endpoint``) does to serve a
version: rebuild the dataset from the version's source files (kept in a local cache
directory, checked against the version hash) and pin a store view to the version's graphs
(:class:`~graph.store.pinned.PinnedStore`). It writes nothing to the store.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from graph.data import LoadedData, data_version, read_dataset
from graph.errors import StoreError
from graph.pipeline import BuiltGraph
from graph.rdf import graph_iri, iter_statements
from graph.store import Quad, RemoteStore, Triple
from graph.store.pinned import PinnedStore
from graph.store.versions import (
    NO_GRAPH,
    Catalog,
    VersionRecord,
    drop_updates,
    pending_update,
    read_catalog,
    read_source_chunk,
    read_source_files,
    register_update,
    source_chunk_triple,
    source_file_triples,
    source_graph,
    split_text,
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
    now: dt.datetime | None = None,
) -> PublishResult:
    """Publish the data at ``data_path`` as the current version of ``store`` (module docs).
    A version still retained in the store is switched back to without uploading it again.

    ``retention``: seconds a version retired by a publish stays in the store for readers
    still on it; the version just replaced always stays until the next publish.
    """
    started = time.perf_counter()
    loaded = read_dataset(data_path, base=base)
    version = loaded.version[:16]
    catalog = read_catalog(store)
    current = catalog.current_record()
    if current is not None and current.version == version:
        _check_base(current, base)
        return PublishResult("unchanged", version, version, time.perf_counter() - started)
    dropped = [_drop(store, r) for r in catalog.versions.values() if r.state != "published"]
    retained = catalog.versions.get(version)
    graphs: dict[str, int] = {}  # versioned graph -> its triples, recorded at the switch
    if retained is not None and retained.state == "published":  # a rollback: switch back
        _check_base(retained, base)
        triples = 0
    else:
        triples, graphs = _upload_version(store, version, Path(data_path), loaded, base)
    at = now or dt.datetime.now(dt.UTC)
    stories = [story.id for story in loaded.dataset.stories]
    previous = None if current is None else current.version
    store.update(switch_update(version, at, stories, graphs, previous))
    if (now_current := read_catalog(store).current) != version:
        raise StoreError(
            f"another publish made version {now_current} current meanwhile; version "
            f"{version} was not switched to (its graphs go at the next publish)"
        )
    log.info("published version %s (previous %s)", version, previous)
    dropped += _expire(store, version, previous, at, retention)
    seconds = time.perf_counter() - started
    return PublishResult(
        "published", version, previous, seconds, triples + sum(graphs.values()), tuple(dropped)
    )


def _upload_version(
    store: RemoteStore, version: str, data_path: Path, loaded: LoadedData, base: str | None
) -> tuple[int, dict[str, int]]:
    """Write ``version`` pending, then its source graph and data graphs: the source's
    triples, and each data graph's as the server holds them (distinct)."""
    store.update(pending_update(version, base))
    triples = _upload_source(store, version, data_path.resolve().parent, loaded.files)
    main = graph_iri(loaded.dataset.info)
    graphs = _upload_data(store, version, iter_statements(loaded.dataset), main)
    return triples, _count(store, list(graphs))


def _check_base(record: VersionRecord, base: str | None) -> None:
    """A version already in the store was built with the same base IRI (which the version
    hash, of the data files, does not cover)."""
    if record.base != base:
        raise StoreError(
            f"version {record.version} is in the store with base IRI "
            f"{record.base or 'of the file'}; publish a changed dataset to change the base IRI"
        )


def _count(store: RemoteStore, graphs: list[str]) -> dict[str, int]:
    """The triples each of ``graphs`` holds on the server."""
    rows = store.query(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
        default_graphs=[NO_GRAPH],
        named_graphs=graphs,
    ).rows
    found = {str(g): int(n.toPython()) for g, n in rows}  # type: ignore[union-attr]
    return {graph: found.get(graph, 0) for graph in graphs}


def _drop(store: RemoteStore, record: VersionRecord) -> str:
    for update in drop_updates(record):
        store.update(update)
    log.info("dropped version %s (%s)", record.version, record.state)
    return record.version


def _expire(
    store: RemoteStore, current: str, previous: str | None, now: dt.datetime, retention: float
) -> list[str]:
    """Drop the versions retired more than ``retention`` seconds before ``now``, keeping the
    current one and the one it replaced."""
    limit = now - dt.timedelta(seconds=retention)
    catalog = read_catalog(store)
    return [
        _drop(store, record)
        for record in catalog.versions.values()
        if record.version not in (current, previous)
        and (record.retired_at is None or record.retired_at <= limit)
    ]


def _upload_source(store: RemoteStore, version: str, top: Path, names: Sequence[str]) -> int:
    """Register and fill ``version``'s source graph with the data files ``names`` (relative
    to ``top``), one file at a time and one text chunk (at most 1 MB) per request."""
    graph = source_graph(version)
    store.update(register_update(version, graph, None))
    count = 0
    for order, name in enumerate(names):
        chunks = split_text((top / name).read_bytes().decode("utf-8"))
        store.upload(graph, source_file_triples(version, order, name, len(chunks)))
        for index, text in enumerate(chunks):
            store.upload(graph, [source_chunk_triple(version, order, index, text)])
        count += 2 + len(chunks)
    return count


def _upload_data(
    store: RemoteStore, version: str, statements: Iterable[Triple | Quad], main: str
) -> dict[str, int]:
    """Upload the dataset's statements into ``version``'s graphs (each registered first; a
    triple goes into graph ``main``); the triples of each versioned graph."""
    counts: dict[str, int] = {}
    iterator = iter(statements)
    while chunk := list(islice(iterator, store.chunk_size)):
        groups: dict[str, list[Triple]] = {}
        for statement in chunk:
            name = main if len(statement) == 3 else str(statement[3])
            groups.setdefault(name, []).append(statement[:3])
        for name, part in groups.items():
            graph = versioned_graph(version, name)
            if graph not in counts:
                store.update(register_update(version, graph, name))
                counts[graph] = 0
            store.upload(graph, part)
            counts[graph] += len(part)
    return counts


# -- readers ------------------------------------------------------------------------------------


def current_version(store: RemoteStore) -> tuple[Catalog, VersionRecord]:
    """The catalog and its current version; :class:`StoreError` if nothing is published."""
    catalog = read_catalog(store)
    record = catalog.current_record()
    if record is None:
        raise StoreError(
            f"the SPARQL store at {store.endpoint} holds no published version: "
            "run `ekg publish` first"
        )
    return catalog, record


def open_published(
    store: RemoteStore, cache_dir: str | Path, record: VersionRecord | None = None
) -> BuiltGraph:
    """The built graph of ``record``'s version (the current one by default), from its source
    files in ``cache_dir`` (fetched from the store once per version), with a store view pinned
    to its graphs."""
    started = time.perf_counter()
    if record is None:
        _, record = current_version(store)
    top = fetch_source(store, record, Path(cache_dir))
    loaded = read_dataset(top, base=record.base)
    if not loaded.version.startswith(record.version):
        raise StoreError(f"the source of version {record.version} reads as another version")
    seconds = time.perf_counter() - started
    pinned = PinnedStore(store, record)
    return BuiltGraph(loaded.dataset, pinned, seconds, record.version, loaded.files)


def fetch_source(store: RemoteStore, record: VersionRecord, cache_dir: Path) -> Path:
    """The events file of ``record``'s version in ``cache_dir/<version>/``, written from the
    store's source graph unless a complete copy is there; its files must hash to the version
    (:func:`graph.data.data_version`), else :class:`StoreError`."""
    folder = cache_dir / record.version
    files = folder / ".files"
    if files.is_file():
        names = files.read_text(encoding="utf-8").splitlines()
        if (found := data_version(folder / names[0], names)) and found.startswith(record.version):
            return folder / names[0]
    cache_dir.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{record.version}-", dir=cache_dir))
    try:
        names = _write_source(store, record, scratch)
        found = data_version(scratch / names[0], names)
        if found is None or not found.startswith(record.version):
            raise StoreError(
                f"the source files of version {record.version} in the store do not match its hash"
            )
        (scratch / ".files").write_text("\n".join(names) + "\n", encoding="utf-8")
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(scratch, folder)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    return folder / names[0]


def _write_source(store: RemoteStore, record: VersionRecord, folder: Path) -> list[str]:
    """Write the version's data files into ``folder``, chunk by chunk; their names."""
    files = read_source_files(store, record)
    for order, (name, chunks) in enumerate(files):
        path = folder / name
        if not path.resolve().is_relative_to(folder.resolve()):
            raise StoreError(f"version {record.version} names a file outside its folder")
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as out:
            for index in range(chunks):
                out.write(read_source_chunk(store, record, order, index).encode("utf-8"))
    return [name for name, _ in files]


def prune_cache(cache_dir: str | Path, keep: Iterable[str]) -> None:
    """Remove the cached versions in ``cache_dir`` other than ``keep`` (scratch folders of
    fetches under way are left alone)."""
    keep = set(keep)
    folder = Path(cache_dir)
    if not folder.is_dir():
        return
    for entry in folder.iterdir():
        if entry.is_dir() and not entry.name.startswith(".") and entry.name not in keep:
            shutil.rmtree(entry, ignore_errors=True)
