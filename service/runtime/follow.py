"""A reader follows the catalog of a shared SPARQL store (:mod:`graph.store.versions`).

``ekg serve --sparql-endpoint`` serves the version ``ekg publish`` made current, and never
writes to the store. A :class:`Follower` reads the catalog every ``FOLLOW_INTERVAL`` seconds
(and on ``POST /-/reload``); when it names another version, the reader builds that version's
generation and swaps it in exactly as a live reload does (:class:`Generations`): requests in
flight finish on their generation, so every answer comes from one version, which its
``EKG-Version`` header names.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from graph.errors import EkgError, StoreError
from graph.pipeline import BuiltGraph
from graph.publication import open_published, prune_cache
from graph.store import RemoteStore
from graph.store.versions import Catalog, read_catalog
from service.runtime.reload import Generations

log = logging.getLogger(__name__)


class Follower:
    """Reads the catalog of ``store`` and reloads ``generations`` when its current version
    changes. ``state()`` is what ``/-/status`` shows under ``follow``."""

    def __init__(self, store: Callable[[], RemoteStore], interval: float, cache_dir: Path) -> None:
        self.store = store
        self.interval = interval
        self.cache_dir = cache_dir
        self.generations: Generations | None = None
        self.catalog: Catalog | None = None
        self.checked_at: str | None = None
        self.outcome = "none"
        self.detail = ""
        self._pid: int | None = None
        self._lock = threading.Lock()

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
        catalog = self.read()
        record = catalog.current_record()
        if record is None:
            raise StoreError(
                f"the SPARQL store at {store.endpoint} holds no published version: "
                "run `ekg publish` first"
            )
        try:
            built = open_published(store, self.cache_dir, record)
        except EkgError as exc:
            self.outcome, self.detail = "failed", exc.detail
            raise
        self.outcome, self.detail = "loaded", ""
        with contextlib.suppress(OSError):
            prune_cache(self.cache_dir, catalog.versions)
        return built

    def is_current(self, built: BuiltGraph) -> bool:
        """True if the catalog's current version is the one ``built`` holds (the
        ``is_current`` of :class:`Generations`: a reload with nothing new builds nothing)."""
        try:
            current = self.read().current
        except EkgError:
            return False  # the build reads the catalog again and says why it failed
        if current == built.version:
            self.outcome, self.detail = "unchanged", ""
        return current == built.version

    def check(self, trigger: str = "follow") -> str:
        """Read the catalog; reload if it names another version than the one served.
        The outcome: ``unchanged``, ``failed`` or the reload's."""
        assert self.generations is not None
        try:
            current = self.read().current
        except EkgError:
            return "failed"
        if current == self.generations.current.built.version:
            self.outcome, self.detail = "unchanged", ""
            return self.outcome
        result = self.generations.reload(trigger)
        self.outcome, self.detail = result.outcome, result.detail
        return result.outcome

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

    def ensure_running(self) -> None:
        """Start the polling thread in this process unless it runs already (as
        :class:`service.runtime.reload.Watcher` does: every gunicorn worker follows)."""
        if not self.interval or self._pid == os.getpid():
            return
        with self._lock:
            if self._pid != os.getpid():
                self._pid = os.getpid()
                threading.Thread(target=self._run, name="ekg-follower", daemon=True).start()

    def stop(self) -> None:
        """End the polling thread (it exits after its current sleep)."""
        self._pid = None

    def _run(self) -> None:
        pid = os.getpid()
        while self._pid == pid:
            time.sleep(self.interval)
            try:
                self.check()
            except Exception:  # the follower must outlive any one failure; say what it was
                log.exception("following the catalog failed; it keeps following")


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
