"""events.yaml -> validated dataset -> RDF -> store, in one call.

>>> from pathlib import Path
>>> built = build_knowledge_graph(Path(__file__).parent.parent / "tests" / "data" / "tiny.yaml")
>>> built.counts()["events"], built.store.backend
(4, 'oxigraph')
"""

from __future__ import annotations

import functools
import gc
import shutil
import threading
import time
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import networkx as nx
from tqdm import tqdm

from graph.causal import LensView, apply_lens, build_causal_graph, read_causal_graph
from graph.causal.importance import importance
from graph.data import Dataset, data_version, read_dataset
from graph.data.snapshot import SNAPSHOT, snapshot_meta
from graph.derived import load_saved, save_structures
from graph.errors import StoreError
from graph.rdf import build_store_dir, graph_iri, iter_statements, story_graph_iri
from graph.store import (
    DEFAULT_DATA_GRAPH,
    OxigraphStore,
    Store,
    Triple,
    fresh_dir,
    open_store,
    swap_into_place,
)
from graph.timeline import EventIndex
from graph.timeline.window import TimelineWindow
from graph.vocab import LENSES

T = TypeVar("T")


#: Guards the creation of each BuiltGraph's memo and of its per-key locks.
_MEMO_LOCK = threading.Lock()


@dataclass(frozen=True)
class BuiltGraph:
    """A dataset, the store holding its triples, and how long loading and building took.

    ``version`` identifies the data (a hash of the events file and the files it includes);
    the event index and the causal graph are derived from the dataset once, on first use,
    and cached with it, so no answer ever mixes two versions.
    """

    dataset: Dataset
    store: Store
    seconds: float
    version: str = ""
    files: tuple[str, ...] = ()  # the data files read, as problems name them
    #: The store's snapshot directory (:mod:`graph.data.snapshot`), where the derived
    #: structures saved by the build are loaded from; ``None``: everything is built.
    snapshot: Path | None = None
    #: The whole data version (``version`` is its first 16 characters): a structure saved in
    #: ``snapshot`` is loaded only if it records this one (:mod:`graph.derived`); ``""``:
    #: none is loaded.
    full_version: str = ""

    @functools.cached_property
    def index(self) -> EventIndex:
        """Events sorted and indexed for filtering and paging (:mod:`graph.timeline.paging`):
        loaded from the snapshot when it holds it, built from the dataset otherwise."""
        saved = load_saved("index", self.snapshot, self.full_version, self.dataset)
        return saved if saved is not None else EventIndex.from_dataset(self.dataset)

    @functools.cached_property
    def causal(self) -> nx.DiGraph:
        """The causal link graph (:mod:`graph.causal.graph`): read back from the store when that
        is a remote SPARQL server (the graph the server holds is the one analysed), loaded from
        the snapshot when it holds it, derived from the dataset otherwise (and for a reader
        pinned to a published version: its dataset is that version)."""
        if self.store.capabilities.remote and not self.store.capabilities.pinned:
            return read_causal_graph(self.store, self.dataset.info.base)
        saved = load_saved("causal", self.snapshot, self.full_version)
        return saved if saved is not None else build_causal_graph(self.dataset)

    def lens(self, lens: str | None = None, statuses: Collection[str] | None = None) -> LensView:
        """The causal graph and statuses under ``lens`` (:func:`graph.causal.lens.apply_lens`);
        a narrative's graph is built once per data version."""
        key = None if statuses is None else frozenset(statuses)
        if lens is None or lens in LENSES:
            return apply_lens(self.causal, self.dataset, lens, key)
        view = self.remember(("lens", lens), lambda: apply_lens(self.causal, self.dataset, lens))
        return LensView(view.lens, view.graph, view.statuses if key is None else key)

    def _memo(self) -> tuple[dict[Hashable, Any], dict[Hashable, threading.Lock]]:
        """The results :meth:`remember` keeps, and the lock of each key being computed."""
        try:
            return self.__dict__["_memo_state"]  # type: ignore[no-any-return]
        except KeyError:
            with _MEMO_LOCK:
                return self.__dict__.setdefault("_memo_state", ({}, {}))  # type: ignore[no-any-return]

    def remember(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The result of ``compute()``, computed once per data version and ``key``: for the
        whole-graph analyses that take seconds at a million events (drivers, longest chain,
        consistency). Single flight: while one thread computes a key, the others asking for it
        wait for its result; if ``compute`` raises, the error propagates and the next caller
        computes again."""
        results, computing = self._memo()
        try:
            return results[key]  # type: ignore[no-any-return]
        except KeyError:
            pass
        with _MEMO_LOCK:
            lock = computing.setdefault(key, threading.Lock())
        with lock:
            try:
                return results[key]  # type: ignore[no-any-return]
            except KeyError:
                value = results[key] = compute()
        with _MEMO_LOCK:
            computing.pop(key, None)
        return value

    def remembered(self) -> list[Hashable]:
        """The keys :meth:`remember` holds a result for."""
        return list(self._memo()[0])

    def importance(self) -> Mapping[str, float]:
        """Every event's causal importance (:func:`graph.causal.importance.importance`), once
        per data version: what /api/timeline and the timeline windows rank by."""

        def compute() -> Mapping[str, float]:
            saved = load_saved("importance", self.snapshot, self.full_version)
            return saved if saved is not None else importance(self.dataset)

        return self.remember("importance", compute)

    def timeline_window(self) -> TimelineWindow:
        """The whole dataset's timeline window ranked by :meth:`importance`, once per data
        version: loaded from the snapshot when it holds it, built otherwise."""

        def compute() -> TimelineWindow:
            saved = load_saved("window", self.snapshot, self.full_version, self.index)
            return (
                saved if saved is not None else TimelineWindow.build(self.index, self.importance())
            )

        return self.remember(("timeline-window", None, ()), compute)

    def story_counts(self) -> list[dict[str, Any]]:
        """Each story's id, the IRI of its named graph, its events, links and claims, and the
        triples of its graph in the store (one COUNT query per data version)."""
        return self.remember("story-counts", self._story_counts)

    def _story_counts(self) -> list[dict[str, Any]]:
        stories = self.dataset.stories
        if not stories:
            return []
        base = self.dataset.info.base
        graphs = {story.id: story_graph_iri(base, story.id) for story in stories}
        triples = self.store.count_triples(list(graphs.values()))
        return [
            {
                "id": story.id,
                "graph": graphs[story.id],
                "events": len(story.events),
                "links": len(story.links),
                "claims": len(story.claims),
                "triples": triples.get(graphs[story.id], 0),
            }
            for story in stories
        ]

    def is_current(self, data_path: str | Path) -> bool:
        """True if the data files at ``data_path`` still hold exactly this version: their
        bytes are read and hashed again, nothing is parsed or built."""
        now = data_version(data_path, self.files)
        return bool(self.version) and now is not None and now.startswith(self.version)

    def counts(self, triples: bool = True) -> dict[str, int]:
        """Events, links, claims and (``triples``) triples, for status pages and the CLI. The
        triples are counted once per data version: counting the quads of a store takes seconds
        at a million events, and pages poll ``/-/status``."""
        counts = {
            "events": len(self.dataset.events),
            "links": len(self.dataset.links),
            "claims": len(self.dataset.claims),
        }
        if triples:
            counts["triples"] = self.remember("triples", lambda: len(self.store))
        return counts


def build_knowledge_graph(
    data_path: str | Path,
    backend: str = "oxigraph",
    store_dir: str | Path | None = None,
    *,
    store: Store | None = None,
    reuse: bool = True,
    progress: bool | None = False,
    base: str | None = None,
    snapshot: bool = True,
) -> BuiltGraph:
    """Validate ``data_path`` and load its triples into a new store (or into ``store``, e.g.
    a :class:`~graph.store.backends.remote.RemoteStore`, replacing the dataset's graph there).

    With ``store_dir`` the oxigraph store is written on disk there by a streaming bulk load
    (:func:`graph.rdf.bulk.build_store_dir`), replacing any previous store only once the new one
    is complete; with ``reuse`` an existing store of the same data is opened instead (the
    data is still validated). ``progress`` shows a progress bar on stderr: ``None`` when
    stderr is a terminal. ``base``, if given, replaces the data's ``dataset.base`` as the IRI
    prefix of every resource (the ``BASE_IRI`` setting of the service). With ``snapshot``
    (and ``store_dir``), a store whose snapshot holds the data files' version is opened with
    the dataset and derived structures saved in it, without reading the YAML
    (:mod:`graph.data.snapshot`).
    """
    started = time.perf_counter()
    with _progress_bar(progress) as bar:
        if store is None and store_dir is not None:
            if backend != "oxigraph":
                raise StoreError("only the oxigraph backend writes a store directory")
            loaded, store = build_store_dir(
                data_path,
                Path(store_dir),
                reuse=reuse,
                progress=bar.update,
                base=base,
                save_extra=save_structures,
                snapshot=snapshot,
            )
            bar.set_description_str("data read and stored")
        else:
            loaded = read_dataset(data_path, progress=bar.update, base=base)
            bar.set_description_str("data read; loading the store")
            if store is None:
                store = open_store(backend)
            store.load(iter_statements(loaded.dataset), graph_iri(loaded.dataset.info))
    seconds = time.perf_counter() - started
    saved = None
    if store_dir is not None and snapshot:
        saved = Path(store_dir).resolve() / SNAPSHOT
        meta = snapshot_meta(saved)
        saved = saved if meta is not None and meta["version"] == loaded.version else None
    version = loaded.version[:16]
    full = loaded.version if saved is not None else ""
    return BuiltGraph(loaded.dataset, store, seconds, version, loaded.files, saved, full)


def _progress_bar(progress: bool | None) -> tqdm:
    """Bytes of data read; shown after two seconds (never in tests: ``progress=False``)."""
    disable = None if progress is None else not progress  # None: only on a terminal
    return tqdm(desc="reading data", unit="B", unit_scale=True, delay=2, disable=disable)


def write_store_dir(
    triples: Iterable[Triple], path: Path, graph: str = DEFAULT_DATA_GRAPH
) -> OxigraphStore:
    """Bulk-load ``triples`` into a fresh directory beside ``path``, then swap it into place.

    A failure or a kill at any moment leaves the previous store at ``path`` intact: the new
    store replaces it in one atomic exchange once it is complete and flushed
    (:mod:`graph.store.storedir`).
    """
    path = path.resolve()
    fresh = fresh_dir(path)
    try:
        store = OxigraphStore(fresh)
        store.load(triples, graph)
        store.close()
        del store
        gc.collect()  # pyoxigraph releases the directory when the Store object is freed
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    return swap_into_place(fresh, path)
