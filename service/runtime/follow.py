"""A reader follows the catalog of a shared SPARQL store (:mod:`graph.store.versions`).

``ekg serve --sparql-endpoint`` serves the version ``ekg publish`` made current, and never
writes to the store. A :class:`Follower` reads the catalog every ``FOLLOW_INTERVAL`` seconds
(and on ``POST /-/reload``); when it names another version, the reader builds that version's
generation and swaps it in exactly as a live reload does (:class:`Generations`): requests in
flight finish on their generation, so every answer comes from one version, which its
``EKG-Version`` header names.

The catalog is read once per poll, and once per version change: the catalog a poll read is
handed to the reload it starts, and the one a reload's ``is_current`` read to the build
that follows it (per thread, so a concurrent ``POST /-/reload`` reads its own).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from graph.errors import EkgError, StoreError
from graph.pipeline import BuiltGraph
from graph.publication import open_published, prune_cache
from graph.store import RemoteStore
from graph.store.pinned import PinnedStore
from graph.store.versions import Catalog, read_catalog
from service.runtime.polling import Poller
from service.runtime.reload import Generations

log = logging.getLogger(__name__)


class Follower(Poller):
    """Reads the catalog of ``store`` and reloads ``generations`` when its current version
    changes, every ``interval`` seconds in a daemon thread of each serving process
    (:class:`~service.runtime.polling.Poller`: every gunicorn worker follows). ``state()`` is
    what ``/-/status`` shows under ``follow``."""

    thread_name = "ekg-follower"
    failure = "following the catalog failed; it keeps following"

    def __init__(self, store: Callable[[], RemoteStore], interval: float, cache_dir: Path) -> None:
        super().__init__(interval)
        self.store = store
        self.cache_dir = cache_dir
        self.generations: Generations | None = None
        self.catalog: Catalog | None = None
        self.checked_at: str | None = None
        self.outcome = "none"
        self.detail = ""
        self._handed = threading.local()  # catalogs read in this thread, for the next step

    def read(self) -> Catalog:
        """The catalog now (recorded for ``/-/status``); a :class:`StoreError` is recorded as
        the outcome ``failed`` and raised."""
        self.checked_at = _now()
        try:
            catalog = read_catalog(self.store())
        except EkgError as exc:
            self.outcome, self.detail = "failed", exc.detail
            raise
        self.catalog = catalog
        return catalog

    def build(self, _number: int = 0) -> BuiltGraph:
        """The generation of the catalog's current version (the ``build`` of
        :class:`Generations` for a reader), from its source files in the cache directory;
        the cached versions the catalog no longer lists are removed."""
        store = self.store()
        catalog = self._take("for_build") or self.read()
        try:
            if (record := catalog.current_record()) is None:
                log.warning("the SPARQL store at %s holds no published version", store.endpoint)
                raise StoreError(
                    "the SPARQL store holds no published version: run `ekg publish` first"
                )
            built = open_published(store, self.cache_dir, record)
        except EkgError as exc:
            self.outcome, self.detail = "failed", exc.detail
            raise
        self.outcome, self.detail = "loaded", ""
        with contextlib.suppress(OSError):
            prune_cache(store, self.cache_dir, catalog.versions)
        return built

    def is_current(self, built: BuiltGraph) -> bool:
        """True if the catalog's current version is the one ``built`` holds: the same
        upload of it, not dropped meanwhile (the ``is_current`` of :class:`Generations`: a
        reload with nothing new builds nothing)."""
        try:
            catalog = self._take("polled") or self.read()
            same = _serves(built, catalog)
        except EkgError:
            return False  # the build reads the catalog again and says why it failed
        self._handed.for_build = None if same else catalog  # the build reads no other
        if same:
            self.outcome, self.detail = "unchanged", ""
        return same

    def check(self, trigger: str = "follow") -> str:
        """Read the catalog; reload if it names another version (or upload of it) than the
        one served, or the served one was dropped. The outcome: ``unchanged``, ``failed``
        (the generation served stays) or the reload's."""
        assert self.generations is not None
        try:
            catalog = self.read()
            same = _serves(self.generations.current.built, catalog)
        except EkgError as exc:
            self.outcome, self.detail = "failed", exc.detail
            return "failed"
        if same:
            self.outcome, self.detail = "unchanged", ""
            return self.outcome
        self._handed.polled = catalog  # the reload's is_current reads no other
        try:
            result = self.generations.reload(trigger)
        finally:
            self._handed.polled = self._handed.for_build = None
        self.outcome, self.detail = result.outcome, result.detail
        return result.outcome

    def _take(self, slot: str) -> Catalog | None:
        """The catalog handed on in this thread under ``slot`` (``polled``: by :meth:`check`
        to the reload it starts; ``for_build``: by :meth:`is_current` to the build that
        follows it), taken once; ``None`` if there is none."""
        catalog: Catalog | None = getattr(self._handed, slot, None)
        setattr(self._handed, slot, None)
        return catalog

    def state(self) -> dict[str, Any]:
        """The catalog's current version, when it was last read, the last outcome."""
        catalog = self.catalog
        return {
            "catalog_version": catalog.current if catalog else None,
            "catalog_read_at": catalog.read_at.isoformat(timespec="seconds") if catalog else None,
            "checked_at": self.checked_at,
            "outcome": self.outcome,
            "detail": self.detail,
            "interval": self.interval,
        }

    def poll(self) -> None:
        """One check of the catalog (:meth:`check`)."""
        self.check()


def _serves(built: BuiltGraph, catalog: Catalog) -> bool:
    """``built`` serves the catalog's current record (the same upload) and still may."""
    record = catalog.current_record()
    store = built.store
    if record is None or not isinstance(store, PinnedStore) or store.gone:
        return False
    return (store.record.version, store.record.upload) == (record.version, record.upload)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
