"""Evaluate client queries in threads of the serving process, each under a time limit.

The alternative to :class:`graph.store.sandbox.QueryPool` for a process that a supervisor
replaces when it exits (a gunicorn worker forked from a preloaded app): no process hop per
query. pyoxigraph releases the GIL while it evaluates (rdflib switches threads every few
milliseconds), so the thread that asked can wait for the answer with a time limit while an
evaluator thread of the same process does the work -- a hand-off of about 15 µs instead of a
pipe round trip to another process.

What it cannot do is stop a query: neither engine can be interrupted. So a query still running
at its deadline makes the runner call ``on_overrun`` (the caller's process is to answer, stop
taking requests and exit -- crash-only; the exit is what frees the CPU) and raise
:class:`~graph.errors.QueryTimeoutError`. The evaluator and its slot stay taken: they go with
the process. An engine failure that is not a query error (a Rust panic) is handled the same
way, as :class:`~graph.errors.EngineCrashError`. Neither of these is ever safe in a process
that nobody replaces: use the pool there.
"""

from __future__ import annotations

import queue
import threading
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

    def run(self, job: QueryJob, *, timeout: float | None = None) -> QueryAnswer:
        """Evaluate ``job`` in an evaluator thread, within ``timeout`` (default: the
        runner's)."""
        limit = self.timeout if timeout is None else timeout
        if not self._slots.acquire(timeout=self.wait):
            raise EngineBusyError(f"all {self.size} query slots stayed busy for {self.wait:.0f} s")
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
