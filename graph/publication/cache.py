"""A reader's local copies of published versions' source files.

Each store gets a folder of its own in the cache directory (:func:`cache_folder`: a hash of
its endpoint, so readers of different stores sharing ``~/.cache/ekg`` never touch each
other's copies), and in it a folder per version: ``.files`` (the manifest) and ``data/``
(the files), and, once the files have been read and validated, ``snapshot/``: the dataset
and its derived structures saved as :func:`graph.rdf.bulk.build_store_dir` saves them beside
an embedded store (:mod:`graph.data.snapshot`), so that a reader started again on a version it
has served opens them in about a second instead of validating the files again. Every
process sharing the folder -- gunicorn workers, several readers of one
user -- takes an exclusive ``flock`` on its ``.lock`` while it fetches, reads or prunes, and
a copy is written in a scratch folder, synced, then renamed into place.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from graph.data import LoadedData, collector_paused, data_version, read_dataset
from graph.data.snapshot import SNAPSHOT, open_snapshot, save_snapshot, snapshot_meta
from graph.data.sources import VersionDigest
from graph.derived import save_structures
from graph.errors import EkgError, StoreError
from graph.store import RemoteStore
from graph.store.sources import read_source_chunk, read_source_files
from graph.store.versions import VersionRecord

log = logging.getLogger(__name__)

#: Seconds a cached version stays after its last fetch even if the catalog no longer lists
#: it (another process may have fetched it for a newer catalog than the pruner read).
GRACE = 600.0


def cache_folder(cache_dir: str | Path, store: RemoteStore) -> Path:
    """The folder of ``store``'s versions in ``cache_dir``."""
    return Path(cache_dir) / hashlib.sha256(store.endpoint.encode()).hexdigest()[:16]


@contextlib.contextmanager
def cache_lock(cache_dir: str | Path, store: RemoteStore) -> Iterator[Path]:
    """Hold the exclusive lock on ``store``'s folder in ``cache_dir``; yields the folder."""
    folder = cache_folder(cache_dir, store)
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / ".lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield folder
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def read_cached(
    store: RemoteStore, record: VersionRecord, cache_dir: str | Path
) -> tuple[LoadedData, Path | None]:
    """The dataset of ``record``'s version and the snapshot directory it was opened from,
    under the lock: the cached snapshot if there is a whole one of that version; otherwise
    the source files (fetched first if need be) read and validated, then saved as the
    snapshot and opened from it (``None`` for the directory if it could not be saved: the
    dataset read is served, and its structures are built on first use).

    The cycle collector is paused from the read until the dataset read is dropped, once its
    snapshot is open (:func:`~graph.data.collector_paused`: records hold no cycles, so they go
    with their last reference): resumed earlier, it would scan every record read, and the
    structures built from them, for nothing."""
    with cache_lock(cache_dir, store) as folder:
        target = folder / record.version / SNAPSHOT
        if (opened := _open_cached(target, record)) is not None:
            return opened, target
        with collector_paused():
            loaded = read_dataset(_fetch(store, record, folder), base=record.base)
            if not _save_cached(loaded, target, record):
                return loaded, None
            if (opened := _open_cached(target, record)) is None:
                return loaded, None
            del loaded
        return opened, target


def _open_cached(target: Path, record: VersionRecord) -> LoadedData | None:
    """The snapshot at ``target`` if it is a whole one of ``record``'s version and base. Its
    files are not hashed again: the snapshot is written only from files that hashed to the
    version, and renamed into place whole."""
    meta = snapshot_meta(target)
    if meta is None or not str(meta.get("version", "")).startswith(record.version):
        return None
    return open_snapshot(target, meta["version"], record.base)


def _save_cached(loaded: LoadedData, target: Path, record: VersionRecord) -> bool:
    """Save the snapshot of ``loaded`` and its derived structures at ``target`` (written in a
    scratch folder beside it, then renamed into place); False, with a warning in the log, if
    that failed (a full disk): serving does not need it."""
    scratch = target.with_name(f".{SNAPSHOT}-{os.getpid()}")
    shutil.rmtree(scratch, ignore_errors=True)
    try:
        save_snapshot(loaded, scratch, record.base)
        save_structures(loaded.dataset, scratch)
        shutil.rmtree(target, ignore_errors=True)
        os.replace(scratch, target)
    except (OSError, EkgError) as exc:
        log.warning("could not save the snapshot of version %s: %s", record.version, exc)
        return False
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return True


def fetch_source(store: RemoteStore, record: VersionRecord, cache_dir: str | Path) -> Path:
    """The events file of ``record``'s version in the cache, written from the store's
    source graph unless a complete copy is there; its files must hash to the version
    (:func:`graph.data.data_version`), else :class:`StoreError`."""
    with cache_lock(cache_dir, store) as folder:
        return _fetch(store, record, folder)


def _cached(folder: Path, version: str) -> Path | None:
    """The events file of a complete copy of ``version`` in ``folder``, else None."""
    try:
        names = (folder / ".files").read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    if not names:
        return None
    found = data_version(folder / "data" / names[0], names)
    return folder / "data" / names[0] if found and found.startswith(version) else None


def _fetch(store: RemoteStore, record: VersionRecord, cache: Path) -> Path:
    folder = cache / record.version
    if (top := _cached(folder, record.version)) is not None:
        return top
    scratch = Path(tempfile.mkdtemp(prefix=f".{record.version}-", dir=cache))
    try:
        names, found = _write_source(store, record, scratch / "data")
        if not found.startswith(record.version):
            raise StoreError(
                f"the source files of version {record.version} in the store do not match its hash"
            )
        _write_synced(scratch / ".files", ("\n".join(names) + "\n").encode("utf-8"))
        shutil.rmtree(folder, ignore_errors=True)
        try:
            os.replace(scratch, folder)
        except OSError:  # a process outside the lock finished first: its copy if it is whole
            if (top := _cached(folder, record.version)) is None:
                raise
            return top
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return folder / "data" / names[0]


def _write_synced(path: Path, data: bytes) -> None:
    with path.open("wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())


def _write_source(store: RemoteStore, record: VersionRecord, folder: Path) -> tuple[list[str], str]:
    """Write the version's data files into ``folder``, chunk by chunk, synced; their names
    and the data version they make, hashed as they are written (:class:`VersionDigest`), not
    read back."""
    files = read_source_files(store, record)
    folder.mkdir()
    digest = VersionDigest()
    for order, (name, chunks) in enumerate(files):
        path = folder / name
        if not path.resolve().is_relative_to(folder.resolve()):
            raise StoreError(f"version {record.version} names a file outside its folder")
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as out:
            pieces = (read_source_chunk(store, record, order, i).encode() for i in range(chunks))
            digest.add_file(name, _written(out, pieces))
            out.flush()
            os.fsync(out.fileno())
    return [name for name, _ in files], digest.hexdigest()


def _written(out: BinaryIO, pieces: Iterable[bytes]) -> Iterator[bytes]:
    """Each of ``pieces``, once written to ``out``."""
    for piece in pieces:
        out.write(piece)
        yield piece


def prune_cache(
    store: RemoteStore, cache_dir: str | Path, keep: Iterable[str], grace: float = GRACE
) -> list[str]:
    """Remove ``store``'s cached versions other than ``keep`` not fetched in the last
    ``grace`` seconds (scratch folders of fetches under way are left alone); their names."""
    keep = set(keep)
    removed = []
    with cache_lock(cache_dir, store) as folder:
        for entry in folder.iterdir():
            if entry.name.startswith(".") or entry.name in keep or not entry.is_dir():
                continue
            if time.time() - entry.stat().st_mtime >= grace:
                shutil.rmtree(entry, ignore_errors=True)
                removed.append(entry.name)
    return removed
