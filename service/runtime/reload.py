"""Live data updates: generations of the served data, swapped without downtime.

A *generation* is one built graph (dataset, store, indexes, caches) with its query engine.
The service answers from one generation at a time; :meth:`Generations.reload`:

1. reads and validates the data files -- a version with problems is *rejected*: every problem
   is logged and kept for ``/-/status``, and the serving generation is untouched;
2. builds a new store beside the serving one (see :func:`graph.pipeline.build_knowledge_graph`);
3. swaps it in (one reference assignment under a lock);
4. closes the old generation once the last request that pinned it has finished
   (:mod:`service.runtime.state` pins one generation per request), so requests in flight finish on
   the generation they started with.

Reloads run one at a time. A :class:`Watcher` thread triggers them when a data file changes;
``POST /-/reload`` and ``ekg reload`` trigger them on demand. The service never writes the
data files.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.errors import EkgError, ValidationError
from graph.pipeline import BuiltGraph
from service.runtime.engine import QueryEngine
from service.runtime.polling import Poller

log = logging.getLogger(__name__)


@dataclass
class Generation:
    """One version of the served data and the engine that answers SPARQL over it, and when
    it began to be served (UTC, ISO 8601)."""

    built: BuiltGraph
    engine: QueryEngine
    number: int
    users: int = 0
    loaded_at: str = field(default_factory=lambda: _now())
    retired: bool = False
    closed: bool = False


@dataclass(frozen=True)
class ReloadResult:
    """What a reload did: ``loaded``, ``unchanged``, ``rejected`` (invalid data) or
    ``failed`` (the data was valid but the build failed)."""

    outcome: str
    trigger: str
    at: str
    seconds: float
    version: str
    generation: int
    detail: str = ""
    problems: tuple[dict[str, Any], ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        """The result as ``/-/status`` and ``POST /-/reload`` show it."""
        return {
            "outcome": self.outcome,
            "trigger": self.trigger,
            "at": self.at,
            "seconds": round(self.seconds, 3),
            "version": self.version,
            "generation": self.generation,
            "detail": self.detail,
            "problems": list(self.problems),
        }


class Generations:
    """The served generation, the retired ones still in use, and how to make the next one.

    ``build(number)`` turns the data files into generation ``number`` (raising
    :class:`ValidationError` for bad data); ``engine_for`` makes its query engine;
    ``discard`` releases a built graph no longer served (e.g. its on-disk store);
    ``is_current`` says, without building, that a graph's data files have not changed. The
    serving generation's graph and engine are mirrored into ``mirror["ekg"]`` and
    ``mirror["ekg_engine"]`` (the app's extensions) for scripts and tests; views use
    :mod:`service.runtime.state`, which pins both together.
    """

    def __init__(
        self,
        build: Callable[[int], BuiltGraph],
        engine_for: Callable[[BuiltGraph], QueryEngine],
        mirror: dict[str, Any] | None = None,
        discard: Callable[[BuiltGraph], None] | None = None,
        is_current: Callable[[BuiltGraph], bool] | None = None,
    ) -> None:
        self._build = build
        self._engine_for = engine_for
        self._discard = discard or (lambda built: None)
        self._is_current = is_current or (lambda built: False)
        self._mirror = {} if mirror is None else mirror
        self._lock = threading.Lock()  # guards current/users
        self._reloading = threading.Lock()  # one reload at a time
        self.last_reload: ReloadResult | None = None
        built = build(1)
        self._current = self._publish(Generation(built, engine_for(built), 1))

    def _publish(self, generation: Generation) -> Generation:
        self._mirror["ekg"], self._mirror["ekg_engine"] = generation.built, generation.engine
        return generation

    @property
    def current(self) -> Generation:
        return self._current

    def acquire(self) -> Generation:
        """The serving generation, counted as in use until :meth:`release`."""
        with self._lock:
            self._current.users += 1
            return self._current

    def release(self, generation: Generation) -> None:
        """One request is done with ``generation``; a retired one is closed when unused."""
        with self._lock:
            generation.users -= 1
            done = generation.retired and generation.users == 0
        if done:
            self._retire(generation)

    def _retire(self, generation: Generation) -> None:
        with self._lock:
            if generation.closed:
                return
            generation.closed = True
        generation.engine.close()
        self._discard(generation.built)

    def reload(self, trigger: str) -> ReloadResult:
        """Build the data files into a new generation and swap it in (see module docs)."""
        with self._reloading:
            result = self._attempt(trigger, time.perf_counter())
            self.last_reload = result
            _log(result)
            return result

    def _attempt(self, trigger: str, started: float) -> ReloadResult:
        old = self._current
        if self._is_current(old.built):  # a touched file, or a reload asked twice: no build
            return self._result("unchanged", trigger, started, old)
        try:
            built = self._build(old.number + 1)
        except ValidationError as exc:
            return self._result("rejected", trigger, started, old, exc.detail, exc.problems)
        except EkgError as exc:
            return self._result("failed", trigger, started, old, exc.detail)
        except OSError as exc:  # a full disk, a directory that cannot be written, ...
            log.exception("reload (%s) could not build the new generation", trigger)
            detail = f"the new generation could not be built: {exc.strerror or exc}"
            return self._result("failed", trigger, started, old, detail)
        # changed and changed back meanwhile -- unless the old one may no longer serve (a
        # reader's version dropped and uploaded again has the same version, another upload)
        if built.version == old.built.version and self._is_current(old.built):
            self._discard(built)
            return self._result("unchanged", trigger, started, old)
        return self._swap(built, trigger, started)

    def _swap(self, built: BuiltGraph, trigger: str, started: float) -> ReloadResult:
        return self._result("loaded", trigger, started, self.serve(built))

    def serve(self, built: BuiltGraph) -> Generation:
        """Swap ``built`` in as the serving generation (what a successful reload does; also
        for scripts that built a graph themselves)."""
        engine = self._engine_for(built)
        with self._lock:
            fresh = Generation(built, engine, self._current.number + 1)
            old, self._current = self._current, self._publish(fresh)
            old.retired = True
            unused = old.users == 0
        if unused:
            self._retire(old)
        return fresh

    def close(self) -> None:
        """At shutdown: stop the serving generation's engine and release its data (a live
        reload's store directory is removed; the configured one stays)."""
        self._retire(self._current)

    @staticmethod
    def _result(
        outcome: str,
        trigger: str,
        started: float,
        generation: Generation,
        detail: str = "",
        problems: Sequence[Any] = (),
    ) -> ReloadResult:
        return ReloadResult(
            outcome,
            trigger,
            _now(),
            time.perf_counter() - started,
            generation.built.version,
            generation.number,
            detail,
            tuple({"file": p.file, "line": p.line, "message": p.message} for p in problems),
        )


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _log(result: ReloadResult) -> None:
    if result.outcome in ("loaded", "unchanged"):
        log.info(
            "reload (%s): %s, version %s, generation %d, %.2f s",
            result.trigger,
            result.outcome,
            result.version,
            result.generation,
            result.seconds,
        )
        return
    log.error("reload (%s) %s: %s", result.trigger, result.outcome, result.detail)
    for problem in result.problems:
        log.error("%s:%s: %s", problem["file"], problem["line"], problem["message"])


class Watcher(Poller):
    """Polls the data files every ``interval`` seconds and reloads when one has changed
    (size or modification time), in a daemon thread of each serving process
    (:class:`~service.runtime.polling.Poller`). Changes are measured against the files as
    they were when the watcher was made, so an edit made before the first request counts.
    """

    thread_name = "ekg-watcher"
    failure = "the data file watcher failed; it keeps watching"

    def __init__(
        self,
        generations: Generations,
        files: Callable[[], Sequence[Path]],
        interval: float = 2.0,
    ) -> None:
        super().__init__(interval)
        self.generations = generations
        self.files = files
        self._seen = self._fingerprint()

    def poll(self) -> None:
        """Reload if a data file changed since the last poll."""
        seen = self._fingerprint()
        if seen != self._seen:
            self._seen = seen
            self.generations.reload("watch")

    def _fingerprint(self) -> tuple[tuple[str, int, int], ...]:
        marks = []
        for path in self.files():
            try:
                stat = path.stat()
            except OSError:  # a file being replaced; the next poll sees the new one
                marks.append((str(path), -1, -1))
                continue
            marks.append((str(path), stat.st_mtime_ns, stat.st_size))
        return tuple(marks)


_SKIP = frozenset({"node_modules", "__pycache__"})


def yaml_files_below(root: Path, most: int = 10_000) -> list[Path]:
    """The ``.yaml``/``.yml`` files in and below ``root``, skipping hidden directories (a
    virtualenv, ``.git``) and ``node_modules``; at most ``most``, so a poll stays cheap."""
    found: list[Path] = []
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = sorted(
            d for d in subfolders if not d.startswith(".") and d != "node_modules"
        )
        found += [Path(folder, n) for n in sorted(names) if n.endswith((".yaml", ".yml"))]
        if len(found) >= most:
            return found[:most]
    return found
