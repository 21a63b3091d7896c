"""Evaluate client queries in the serving process, each under a time limit.

The alternative to :class:`graph.store.sandbox.QueryPool` for a process that a supervisor
replaces when it exits (a gunicorn worker forked from a preloaded app): no process hop and no
thread hand-off per query. The query runs in the calling thread itself; the process's one
watchdog thread (however many runners: one per data generation) looks at the running queries
every 50 ms and handles each one past its deadline: it calls its runner's ``on_overrun`` and,
when the caller gave one, ``late`` -- a way to answer the client from another thread
(gunicorn's socket) -- with the error. Watching costs a query no lock: whichever of the query's
thread and the watchdog takes the query out of the running set first (one atomic
``dict.pop``) decides whether it ended in time.

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
import os
import queue
import threading
import time
from collections.abc import Callable

from graph.errors import EkgError, EngineBusyError, EngineCrashError, QueryTimeoutError
from graph.store.base import Store
from graph.store.sandbox import QueryAnswer, QueryJob, evaluate

log = logging.getLogger(__name__)


class DeadlineRunner:
    """At most ``slots`` queries at once on ``store``, each evaluated in its calling thread
    and watched: past ``timeout`` seconds ``on_overrun(reason)`` is called, then the query's
    ``late``, and the call raises :class:`~graph.errors.QueryTimeoutError`; a request waits up
    to ``wait`` seconds for a slot (then :class:`~graph.errors.EngineBusyError`).

    A runner holds no thread of its own (the watchdog is the process's), nothing to close:
    whoever made ``store`` for it releases that."""

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
        self._slots: queue.SimpleQueue[None] = queue.SimpleQueue()  # a token per free slot
        for _ in range(slots):
            self._slots.put(None)

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
        try:
            self._slots.get(block=False)
        except queue.Empty:
            try:
                self._slots.get(timeout=self.wait)
            except queue.Empty:
                raise EngineBusyError.waited(self.size, self.wait) from None
        watch = _Watch(time.monotonic() + limit, limit, self.on_overrun, late)
        _watchdog.start(watch)
        try:
            answer = evaluate(self.store, job)
        except EkgError:
            self._end(watch)
            raise
        except BaseException as exc:  # a Rust panic (pyo3's PanicException), or worse
            _watchdog.running.pop(watch, None)  # (the slot goes with the process)
            self.on_overrun(f"the query engine failed: {type(exc).__name__}: {exc}")
            raise EngineCrashError.on_query() from None
        if not self._end(watch):  # handled already; the process is on its way out
            raise QueryTimeoutError.after(limit)
        return answer

    def _end(self, watch: _Watch) -> bool:
        """Take ``watch`` out of the running set: whether it ended in time (then its slot is
        free again; past its deadline, slot and thread go with the process)."""
        if _watchdog.running.pop(watch, None) is None:
            return False
        self._slots.put(None)
        return True


class _Watch:
    """A query evaluated in the calling thread: its deadline, and what to do past it."""

    __slots__ = ("deadline", "late", "limit", "on_overrun")

    def __init__(
        self,
        deadline: float,
        limit: float,
        on_overrun: Callable[[str], None],
        late: Callable[[QueryTimeoutError], None] | None,
    ) -> None:
        self.deadline, self.limit, self.on_overrun, self.late = deadline, limit, on_overrun, late


class _Watchdog:
    """The process's daemon thread that looks at the running watches every :attr:`TICK`
    seconds and handles each one past its deadline once: its ``on_overrun``, then its
    ``late``. Started with the first watch in each process (a forked child starts its own)."""

    TICK = 0.05

    def __init__(self) -> None:
        #: The queries running now. Only atomic operations touch it: setting an item, ``pop``,
        #: ``list()`` -- whoever pops a watch first owns its outcome.
        self.running: dict[_Watch, bool] = {}
        self._pid: int | None = None
        self._lock = threading.Lock()

    def start(self, watch: _Watch) -> None:
        """Watch ``watch`` until it is popped from :attr:`running`."""
        self.running[watch] = True
        if self._pid is None:
            self._start()

    def _start(self) -> None:
        with self._lock:
            if self._pid is None:
                self._pid = os.getpid()
                threading.Thread(target=self._loop, name="query-watchdog", daemon=True).start()

    def forked(self) -> None:
        """In a forked child: no watchdog thread yet, and none of the parent's queries."""
        self.running, self._pid, self._lock = {}, None, threading.Lock()

    def _loop(self) -> None:
        pid = os.getpid()
        while self._pid == pid:
            time.sleep(self.TICK)
            now = time.monotonic()
            for watch in list(self.running):
                if watch.deadline <= now and self.running.pop(watch, None) is not None:
                    self._overdue(watch)

    @staticmethod
    def _overdue(watch: _Watch) -> None:
        try:
            watch.on_overrun(f"a query ran past its time limit of {watch.limit:g} s")
            if watch.late is not None:
                watch.late(QueryTimeoutError.after(watch.limit))
        except Exception:  # the watchdog must outlive any one failure; say what it was
            log.exception("answering a query past its time limit failed")


_watchdog = _Watchdog()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_watchdog.forked)
