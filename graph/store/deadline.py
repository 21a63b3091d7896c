"""Evaluate client queries in the serving process, each under a time limit.

The alternative to :class:`graph.store.sandbox.QueryPool` for a process that a supervisor
replaces when it exits (a gunicorn worker forked from a preloaded app): no process hop and no
thread hand-off per query. The query runs in the calling thread itself; a watchdog thread
looks at the running queries every 50 ms and handles each one past its deadline: it calls
``on_overrun`` and, when the caller gave one, ``late`` -- a way to answer the client from
another thread (gunicorn's socket) -- with the error.

What it cannot do is stop a query: neither engine can be interrupted. So a query still
running at its deadline makes the runner call ``on_overrun`` (the caller's process is to stop
taking requests and exit -- crash-only; the exit is what frees the CPU), and the calling thread
raises :class:`~graph.errors.QueryTimeoutError` once the engine lets it go. The slot of that
query stays taken: it goes with the process. An engine failure that is not a query error (a
Rust panic) is handled the same way, as :class:`~graph.errors.EngineCrashError`. Neither is
ever safe in a process that nobody replaces: use the pool there.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from graph.errors import (
    EkgError,
    EngineBusyError,
    EngineCrashError,
    QueryError,
    QueryTimeoutError,
)
from graph.store.base import Store
from graph.store.sandbox import QueryAnswer, QueryJob, run_job

log = logging.getLogger(__name__)


class DeadlineRunner:
    """At most ``slots`` queries at once on ``store``, each evaluated in its calling thread
    and watched: past ``timeout`` seconds ``on_overrun(reason)`` is called, then the query's
    ``late``, and the call raises :class:`~graph.errors.QueryTimeoutError`; a request waits up
    to ``wait`` seconds for a slot (then :class:`~graph.errors.EngineBusyError`)."""

    def __init__(
        self,
        store: Store,
        *,
        on_overrun: Callable[[str], None],
        slots: int = 2,
        timeout: float = 10.0,
        wait: float = 5.0,
    ) -> None:
        self.store, self.on_overrun = store, on_overrun
        self.size, self.timeout, self.wait = slots, timeout, wait
        self._slots = threading.BoundedSemaphore(slots)
        self._lock = threading.Lock()
        self._dog: _Watchdog | None = None

    def run(
        self,
        job: QueryJob,
        *,
        timeout: float | None = None,
        late: Callable[[QueryTimeoutError], None] | None = None,
    ) -> QueryAnswer:
        """Evaluate ``job`` in the calling thread within ``timeout`` (default: the runner's).
        Past the deadline the watchdog calls ``on_overrun`` and ``late`` (if given: a way to
        answer the client from another thread) with the error; the calling thread stays in
        the engine until it ends, then raises that error."""
        limit = self.timeout if timeout is None else timeout
        if not self._slots.acquire(timeout=self.wait):
            raise EngineBusyError(f"all {self.size} query slots stayed busy for {self.wait:.0f} s")
        watch = _Watch(time.monotonic() + limit, limit, late)
        self._watchdog().add(watch)
        try:
            answer = run_job(self.store, job)
        except EkgError:
            self._slots.release()
            raise
        except ValueError as exc:
            self._slots.release()
            raise QueryError(str(exc)) from exc
        except BaseException as exc:  # a Rust panic (pyo3's PanicException), or worse
            self.on_overrun(f"the query engine failed: {type(exc).__name__}: {exc}")
            raise EngineCrashError(
                "the query engine failed on this query; it is being restarted"
            ) from None
        finally:
            self._watchdog().remove(watch)
        if watch.overdue:  # handled already; the process is on its way out
            raise QueryTimeoutError(f"the query ran longer than {limit:g} s and was stopped")
        self._slots.release()
        return answer

    def _watchdog(self) -> _Watchdog:
        if self._dog is None:
            with self._lock:
                if self._dog is None:
                    self._dog = _Watchdog(self.on_overrun)
        return self._dog


class _Watch:
    """A query evaluated in the calling thread: its deadline, and what to do past it."""

    __slots__ = ("deadline", "late", "limit", "overdue")

    def __init__(
        self, deadline: float, limit: float, late: Callable[[QueryTimeoutError], None] | None
    ) -> None:
        self.deadline, self.limit, self.late, self.overdue = deadline, limit, late, False


class _Watchdog:
    """A daemon thread that looks at the running watches every :attr:`TICK` seconds and
    handles each one past its deadline once: ``on_overrun``, then its ``late``."""

    TICK = 0.05

    def __init__(self, on_overrun: Callable[[str], None]) -> None:
        self._watches: set[_Watch] = set()
        self._lock = threading.Lock()
        self._on_overrun = on_overrun
        threading.Thread(target=self._loop, name="query-watchdog", daemon=True).start()

    def add(self, watch: _Watch) -> None:
        with self._lock:
            self._watches.add(watch)

    def remove(self, watch: _Watch) -> None:
        with self._lock:
            self._watches.discard(watch)

    def _loop(self) -> None:
        while True:
            time.sleep(self.TICK)
            now = time.monotonic()
            with self._lock:
                due = [w for w in self._watches if not w.overdue and w.deadline <= now]
                for watch in due:
                    watch.overdue = True
            for watch in due:
                reason = f"the query ran longer than {watch.limit:g} s and was stopped"
                try:
                    self._on_overrun(f"a query ran past its time limit of {watch.limit:g} s")
                    if watch.late is not None:
                        watch.late(QueryTimeoutError(reason))
                except Exception:  # the watchdog must outlive any one failure; say what it was
                    log.exception("answering a query past its time limit failed")
