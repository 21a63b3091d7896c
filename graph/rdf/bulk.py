"""Build an on-disk store fast: N-Triples streamed into pyoxigraph's bulk loader.

:func:`build_store_dir` validates the data files and, while it reads them, writes each valid
record's triples (:mod:`graph.rdf.ntriples`) into a bulk load of a fresh directory beside the
store; the fresh store replaces the old one only once it is complete (:func:`swap_into_place`),
with a manifest (:data:`MANIFEST`) that records which data it holds, so that a later start can
reuse it without loading anything when the data has not changed.

>>> import tempfile
>>> import pyoxigraph as ox
>>> store = ox.Store(tempfile.mkdtemp())
>>> with ChunkLoader(store, "http://example.org/g", tempfile.mkdtemp()) as loader:
...     loader.write('<http://example.org/a> <http://example.org/p> "1" .\\n')
>>> len(store)
1
"""

from __future__ import annotations

import contextlib
import gc
import json
import queue
import shutil
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import TracebackType
from typing import Any

import pyoxigraph as ox

from graph.data import Dataset, LoadedData, collector_paused, data_version, read_dataset
from graph.data.snapshot import SNAPSHOT, open_snapshot, save_snapshot
from graph.errors import StoreError
from graph.rdf.ntriples import NTriplesWriter, write_dataset
from graph.rdf.scheme import graph_iri
from graph.store import OxigraphStore, chunks_prefix, fresh_dir, swap_into_place, sweep

#: The file in a store directory that says which data the store holds (JSON).
MANIFEST = "ekg-manifest.json"
_MANIFEST_FORMAT = 1
#: What a build saves beside the dataset's snapshot: called with the dataset and the
#: snapshot's directory before the manifest is written (the derived structures).
SaveExtra = Callable[[Dataset, Path], object]
#: Bytes of N-Triples per bulk load. A load of less than a million triples is parsed, then
#: sorted and written, on one thread, so small chunks loaded side by side keep the cores
#: busier than big ones one after another (and take less memory: about 0.15 GB a load).
CHUNK_BYTES = 16 << 20
#: Bulk loads running at once.
LOAD_THREADS = 2


class ChunkLoader:
    """Bulk-loads the N-Triples written with :meth:`write` into graph ``graph`` of ``store``.

    The text goes to chunk files in ``workdir``; :data:`LOAD_THREADS` threads bulk-load the
    complete chunks while the caller writes the next one. pyoxigraph releases the GIL while it
    loads, so validation, formatting and loading share the cores; small chunks bound the
    loader's memory (about 0.3 GB, against 1.6 GB for one load of 100 k events). Use as a
    context manager: leaving it waits for the last load and raises :class:`StoreError` if a
    load failed; leaving it on an exception stops after the chunks being loaded. N-Quads
    given to :meth:`write_quads` (other named graphs: the stories', the narratives') go to
    chunk files of their own, loaded the same way.
    """

    def __init__(self, store: ox.Store, graph: str, workdir: str | Path) -> None:
        self.store = store
        self.graph = ox.NamedNode(graph)
        self.workdir = Path(workdir)
        self.error: BaseException | None = None
        self._count = 0
        self._out, self._size = self._next_chunk("nt"), 0
        self._quads: Any = None  # the N-Quads chunk being written, opened on the first quad
        self._quads_size = 0
        self._ready: queue.Queue[Path | None] = queue.Queue(maxsize=1)
        self._threads = [
            threading.Thread(target=self._load, name=f"bulk-load-{n}", daemon=True)
            for n in range(LOAD_THREADS)
        ]
        for thread in self._threads:
            thread.start()

    def _next_chunk(self, suffix: str) -> Any:
        self._count += 1
        path = self.workdir / f"chunk-{self._count:05d}.{suffix}"
        return open(path, "w", encoding="utf-8", newline="\n")  # closed by write() or close()

    def _load(self) -> None:
        """Bulk-load the chunks queued, one after another, until told to stop (``None``)."""
        while (path := self._ready.get()) is not None:
            try:
                if self.error is None and path.suffix == ".nq":
                    self.store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
                elif self.error is None:
                    self.store.bulk_load(
                        path=str(path), format=ox.RdfFormat.N_TRIPLES, to_graph=self.graph
                    )
            except (OSError, SyntaxError, ValueError) as exc:
                self.error = exc
            finally:
                path.unlink(missing_ok=True)

    def write(self, text: str) -> None:
        """Add N-Triples lines (whole lines only) to the load."""
        if self.error is not None:
            raise StoreError(f"cannot load the triples: {self.error}") from self.error
        self._out.write(text)
        self._size += len(text)
        if self._size >= CHUNK_BYTES:
            self._out.close()
            self._ready.put(Path(self._out.name))  # waits while the previous chunk loads
            self._out, self._size = self._next_chunk("nt"), 0

    def write_quads(self, text: str) -> None:
        """Add N-Quads lines (whole lines, each naming its graph) to the load."""
        if self.error is not None:
            raise StoreError(f"cannot load the triples: {self.error}") from self.error
        if not text:  # (a dataset without stories or narratives: no chunk file at all)
            return
        if self._quads is None:
            self._quads, self._quads_size = self._next_chunk("nq"), 0
        self._quads.write(text)
        self._quads_size += len(text)
        if self._quads_size >= CHUNK_BYTES:
            self._quads.close()
            self._ready.put(Path(self._quads.name))
            self._quads = None

    def close(self) -> None:
        """Load what is left and wait for the loads to complete."""
        if not self._out.closed:
            self._out.close()
            self._ready.put(Path(self._out.name))
            if self._quads is not None:
                self._quads.close()
                self._ready.put(Path(self._quads.name))
                self._quads = None
            for _ in self._threads:
                self._ready.put(None)
        for thread in self._threads:
            thread.join()
        if self.error is not None:
            raise StoreError(f"cannot load the triples: {self.error}") from self.error

    def __enter__(self) -> ChunkLoader:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if kind is None:
            self.close()
            return
        self.error = self.error or exc  # skip what is queued: the store is thrown away
        with contextlib.suppress(StoreError):
            self.close()


class _Stream:
    """The sink of :func:`graph.data.loader.read_dataset`: records -> N-Triples -> bulk load.

    The load starts with the dataset info (the graph's name is known then); records read
    before it -- none in a valid file -- are not written.
    """

    def __init__(self, store: ox.Store, workdir: str) -> None:
        self.store = store
        self.workdir = workdir
        self.loader: ChunkLoader | None = None
        self.writer: NTriplesWriter | None = None

    def __call__(self, section: str, record: Any) -> None:
        if section == "dataset" and self.loader is None:
            graph = graph_iri(record)
            self.loader = ChunkLoader(self.store, graph, self.workdir)
            self.writer = NTriplesWriter(self.loader.write, write_quads=self.loader.write_quads)
        if self.writer is not None:
            self.writer.record(section, record)

    def finish(self, dataset: Dataset) -> None:
        if self.loader is None or self.writer is None:
            raise StoreError("the dataset was not streamed")  # read_dataset guarantees it
        self.writer.finish(dataset)
        self.loader.close()

    def stop(self) -> None:
        """Give up: skip what is not loaded yet (the store is thrown away)."""
        if self.loader is not None:
            self.loader.error = self.loader.error or StoreError("stopped")
            with contextlib.suppress(StoreError):
                self.loader.close()


def build_store_dir(
    data_path: str | Path,
    path: Path,
    *,
    reuse: bool = True,
    progress: Callable[[int], object] | None = None,
    base: str | None = None,
    save_extra: SaveExtra | None = None,
    snapshot: bool = True,
) -> tuple[LoadedData, OxigraphStore]:
    """Validate ``data_path`` (and its includes) and make ``path`` an oxigraph store of it.

    With ``reuse``, a store at ``path`` whose manifest names the same data (hash of every
    file) and graph is opened as it is: the dataset comes from the store's snapshot
    (:mod:`graph.data.snapshot`) when the data files' bytes still hash to the manifest's
    version, without reading the YAML again; a store without a snapshot has the data read and
    validated. Otherwise the triples are bulk-loaded into a fresh directory while the files
    are read, and swapped in with the snapshot of what was read (and what ``save_extra``
    saves in the snapshot's directory) and the manifest, written last.

    >>> data = Path(__file__).parents[2] / "tests" / "data" / "tiny.yaml"
    >>> target = Path(tempfile.mkdtemp()) / "store"
    >>> loaded, store = build_store_dir(data, target)
    >>> len(store), read_manifest(target)["files"]
    (166, ['tiny.yaml'])

    ``base`` replaces the data's base IRI (:func:`graph.data.read_dataset`); ``snapshot=False``
    reads and validates the data even when the store has a snapshot of it.
    """
    path = path.resolve()
    sweep(path)  # what killed builds or services left beside it
    manifest = read_manifest(path) if reuse else None
    loaded = None
    if snapshot and manifest and (opened := _open_unchanged(path, data_path, manifest, base)):
        return opened
    if manifest is not None:
        loaded = read_dataset(data_path, progress=progress, base=base)
        if {k: v for k, v in manifest.items() if k != "snapshot"} == _manifest_of(loaded):
            with contextlib.suppress(StoreError):
                return loaded, OxigraphStore(path)
            # Held open for writing (a reload of unchanged data in this process): read it.
            with contextlib.suppress(StoreError):
                return loaded, OxigraphStore(path, read_only=True)
    fresh = fresh_dir(path)
    try:
        with collector_paused():  # one collection of the new objects, at the end
            with tempfile.TemporaryDirectory(prefix=chunks_prefix(path), dir=path.parent) as work:
                if loaded is None:
                    loaded = _stream_into(fresh, data_path, progress, work, base)
                if not loaded.streamed:  # (a problem that was not one after all, or no reuse)
                    gc.collect()
                    shutil.rmtree(fresh, ignore_errors=True)
                    _load_into(fresh, loaded, work)
                _save_snapshot(fresh, loaded, base, save_extra)
            gc.collect()  # pyoxigraph releases the directory when the Store object is freed
    except BaseException:
        gc.collect()
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    return loaded, swap_into_place(fresh, path)


def _open_unchanged(
    path: Path, data_path: str | Path, manifest: dict[str, Any], base: str | None
) -> tuple[LoadedData, OxigraphStore] | None:
    """The store at ``path`` and the dataset of its snapshot, if the data files still hash to
    the version its manifest records and the snapshot is of that version and ``base``."""
    if not manifest.get("snapshot") or manifest["files"][:1] != [Path(data_path).name]:
        return None
    # The files are hashed (hashlib lets go of the GIL) while the snapshot is opened for the
    # version the manifest names; it is used only if the hash says the files are that version.
    with ThreadPoolExecutor(1, thread_name_prefix="data-version") as pool:
        hashed = pool.submit(data_version, data_path, manifest["files"])
        loaded = open_snapshot(path / SNAPSHOT, manifest["version"], base)
        version = hashed.result()
    if loaded is None or version is None or version != manifest["version"]:
        return None
    for read_only in (False, True):  # (held open for writing: a reload of unchanged data)
        with contextlib.suppress(StoreError):
            return loaded, OxigraphStore(path, read_only=read_only)
    return None


def _save_snapshot(
    fresh: Path, loaded: LoadedData, base: str | None, save_extra: SaveExtra | None
) -> None:
    """The snapshot beside the store's files, then the manifest that names both."""
    snapshot = fresh / SNAPSHOT
    save_snapshot(loaded, snapshot, base)
    if save_extra is not None:
        save_extra(loaded.dataset, snapshot)
    manifest = json.dumps({**_manifest_of(loaded), "snapshot": True}, indent=2)
    (fresh / MANIFEST).write_text(manifest + "\n", encoding="utf-8")


def _stream_into(
    fresh: Path, data_path: str | Path, progress: Any, work: str, base: str | None = None
) -> LoadedData:
    """Read and validate the data, loading the store at ``fresh`` meanwhile; complete, with
    its manifest, if the result says ``streamed``."""
    stream = _Stream(ox.Store(str(fresh)), work)
    try:
        loaded = read_dataset(data_path, progress=progress, sink=stream, base=base)
    except BaseException:
        stream.stop()
        raise
    if not loaded.streamed:
        stream.stop()
        return loaded
    stream.finish(loaded.dataset)
    _seal(stream.store, fresh, loaded)
    return loaded


def _load_into(fresh: Path, loaded: LoadedData, work: str) -> None:
    store = ox.Store(str(fresh))
    with ChunkLoader(store, graph_iri(loaded.dataset.info), work) as loader:
        write_dataset(NTriplesWriter(loader.write, write_quads=loader.write_quads), loaded.dataset)
    _seal(store, fresh, loaded)


def _seal(store: ox.Store, fresh: Path, loaded: LoadedData) -> None:
    store.flush()


def _manifest_of(loaded: LoadedData) -> dict[str, Any]:
    return {
        "format": _MANIFEST_FORMAT,
        "version": loaded.version,
        "files": list(loaded.files),
        "graph": graph_iri(loaded.dataset.info),
    }


def read_manifest(path: Path) -> dict[str, Any] | None:
    """The manifest of the store at ``path``; ``None`` if there is none or it is unreadable."""
    try:
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or manifest.get("format") != _MANIFEST_FORMAT:
        return None
    return manifest
