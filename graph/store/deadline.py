"""Evaluate client queries in the serving process, each under a time limit.

The alternative to :class:`graph.store.sandbox.QueryPool` for a process that a supervisor
replaces when it exits (a gunicorn worker forked from a preloaded app): no process hop per
query. Two ways, by what the caller can do:

* **watched** (given ``late``, a way to answer the client from another thread -- gunicorn's
  socket): the query runs in the calling thread itself, no hand-off at all; a watchdog thread
  looks at the running queries every 50 ms and, past a deadline, answers through ``late``;
* **handed off** (otherwise): the query runs in an evaluator thread of the same process while
  the calling thread waits with a time limit -- pyoxigraph releases the GIL while it
  evaluates (rdflib switches threads every few milliseconds) -- about 15 µs of hand-off.

What neither can do is stop a query: neither engine can be interrupted. So a query still
running at its deadline makes the runner call ``on_overrun`` (the caller's process is to stop
taking requests and exit -- crash-only; the exit is what frees the CPU) and answer
:class:`~graph.errors.QueryTimeoutError`. The thread and the slot of that query stay taken:
they go with the process. An engine failure that is not a query error (a Rust panic) is
handled the same way, as :class:`~graph.errors.EngineCrashError`. Neither is ever safe in a
process that nobody replaces: use the pool there.
"""

from __future__ import annotations

import logging
import queue
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


class _Task:
    """One job handed to an evaluator and what became of it; ``done`` is released when
    ``answer`` or ``error`` is set."""

    __slots__ = ("answer", "done", "error", "job")

    def __init__(self, job: QueryJob) -> None:
        self.job = job
        self.answer: QueryAnswer | None = None
        self.error: EkgError | None = None
        self.done = threading.Lock()
        self.done.acquire()


class _Evaluator:
    """A daemon thread that evaluates the tasks put in its inbox, one at a time."""

    def __init__(self, store: Store, on_fault: Callable[[str], None]) -> None:
        self.inbox: queue.SimpleQueue[_Task] = queue.SimpleQueue()
        self._store, self._on_fault = store, on_fault
        threading.Thread(target=self._loop, name="query-evaluator", daemon=True).start()

    def _loop(self) -> None:
        while True:
            task = self.inbox.get()
            try:
                task.answer = run_job(self._store, task.job)
            except EkgError as exc:
                task.error = exc
            except ValueError as exc:
                task.error = QueryError(str(exc))
            except BaseException as exc:  # a Rust panic (pyo3's PanicException), or worse
                self._on_fault(f"the query engine failed: {type(exc).__name__}: {exc}")
                task.error = EngineCrashError(
                    "the query engine failed on this query; it is being restarted"
                )
            task.done.release()


class DeadlineRunner:
    """At most ``slots`` queries at once on ``store``, each in an evaluator thread, each
    answered within ``timeout`` seconds or abandoned (``on_overrun(reason)``, then
    :class:`~graph.errors.QueryTimeoutError`); a request waits up to ``wait`` seconds for a
    slot (then :class:`~graph.errors.EngineBusyError`)."""

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
        self._idle: list[_Evaluator] = []  # last in, first out: the warmest thread first
        self._lock = threading.Lock()
        self._dog: _Watchdog | None = None

    def run(
        self,
        job: QueryJob,
        *,
        timeout: float | None = None,
        late: Callable[[QueryTimeoutError], None] | None = None,
    ) -> QueryAnswer:
        """Evaluate ``job`` within ``timeout`` (default: the runner's): in an evaluator thread,
        or -- given ``late``, a way to answer the client from another thread -- in the calling
        thread itself, watched: past the deadline the watchdog calls ``on_overrun`` and
        ``late`` with the error, and the calling thread stays in the engine until it ends."""
        limit = self.timeout if timeout is None else timeout
        if not self._slots.acquire(timeout=self.wait):
            raise EngineBusyError(f"all {self.size} query slots stayed busy for {self.wait:.0f} s")
        if late is not None:
            return self._run_watched(job, limit, late)
        with self._lock:
            evaluator = self._idle.pop() if self._idle else _Evaluator(self.store, self.on_overrun)
        task = _Task(job)
        evaluator.inbox.put(task)
        if not task.done.acquire(timeout=limit):  # the evaluator and its slot are lost
            self.on_overrun(f"a query ran past its time limit of {limit:g} s")
            raise QueryTimeoutError(f"the query ran longer than {limit:g} s and was stopped")
        with self._lock:
            self._idle.append(evaluator)
        self._slots.release()
        if task.error is not None:
            raise task.error
        assert task.answer is not None
        return task.answer

    def _run_watched(
        self, job: QueryJob, limit: float, late: Callable[[QueryTimeoutError], None]
    ) -> QueryAnswer:
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
        if watch.overdue:  # answered already (late); the process is on its way out
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
        self, deadline: float, limit: float, late: Callable[[QueryTimeoutError], None]
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
                    watch.late(QueryTimeoutError(reason))
                except Exception:  # the watchdog must outlive any one failure; say what it was
                    log.exception("answering a query past its time limit failed")
