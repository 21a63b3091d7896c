"""A reader's side of a shared store: the built graph of a published version."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from graph.errors import StoreError
from graph.pipeline import BuiltGraph
from graph.publication.cache import read_cached
from graph.store import RemoteStore
from graph.store.pinned import PinnedStore
from graph.store.versions import Catalog, VersionRecord, read_catalog

log = logging.getLogger(__name__)


def current_version(store: RemoteStore) -> tuple[Catalog, VersionRecord]:
    """The catalog and its current version; :class:`StoreError` if nothing is published
    (its endpoint goes to the log, not into the message, which ``/-/status`` shows)."""
    catalog = read_catalog(store)
    record = catalog.current_record()
    if record is None:
        log.warning("the SPARQL store at %s holds no published version", store.endpoint)
        raise StoreError("the SPARQL store holds no published version: run `ekg publish` first")
    return catalog, record


def open_published(
    store: RemoteStore, cache_dir: str | Path, record: VersionRecord | None = None
) -> BuiltGraph:
    """The built graph of ``record``'s version (the current one by default), from its source
    files in ``cache_dir`` (fetched from the store once per version, in a folder of the
    store's own: :func:`~graph.publication.cache.cache_folder`, and saved there as a snapshot
    with its derived structures once read: :func:`~graph.publication.cache.read_cached`), with
    a store view pinned to its graphs."""
    started = time.perf_counter()
    if record is None:
        _, record = current_version(store)
    record.check()
    loaded, snapshot = read_cached(store, record, cache_dir)
    if not loaded.version.startswith(record.version):
        raise StoreError(f"the source of version {record.version} reads as another version")
    seconds = time.perf_counter() - started
    pinned = PinnedStore(store, record)
    full = loaded.version if snapshot is not None else ""
    return BuiltGraph(loaded.dataset, pinned, seconds, record.version, loaded.files, snapshot, full)
