"""Evaluate client queries in worker processes that can be stopped and replaced.

Neither pyoxigraph nor rdflib can interrupt a running query, and a pathological query can crash
a pyoxigraph process outright. So queries from clients never run in the serving process: a
:class:`QueryPool` keeps a few worker processes, each with its own read-only view of the store,
and hands each query to an idle one. A query that outlives its time limit has its worker
killed -- the CPU is really freed -- and a fresh worker takes its place; a worker that dies is
replaced the same way. While one worker is busy, the others keep answering.

Workers render results themselves (:func:`graph.store.results.render`), so only the bytes of the
answer cross the process boundary (with its few other fields, as a plain tuple).
"""

from __future__ import annotations

import logging
import marshal
import multiprocessing
import os
import queue
import select
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from graph.errors import (
    EkgError,
    EngineBusyError,
    EngineCrashError,
    QueryError,
    QuerySyntaxError,
    QueryTimeoutError,
    StoreError,
)
from graph.store.backends.oxigraph import OxigraphStore
from graph.store.base import Store
from graph.store.results import render
from graph.store.stack import on_query_stack

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StoreSpec:
    """How a worker opens its store: an oxigraph directory (read-only) or a TriG file."""

    backend: str
    path: str

    def open(self) -> Store:
        """Open the store this spec describes (in the worker process)."""
        if self.backend == "oxigraph":
            return OxigraphStore(self.path, read_only=True)
        from graph.store.backends.rdflib import RdflibStore  # (rdflib's SPARQL: on first use)

        return RdflibStore.from_trig(self.path)

    @classmethod
    def of(cls, store: Store, scratch: Path) -> StoreSpec:
        """Where workers find ``store``'s data (:meth:`Store.worker_copy`, into ``scratch``)."""
        backend, path = store.worker_copy(scratch)
        return cls(backend, str(path))


@dataclass(frozen=True)
class QueryJob:
    """One query to evaluate and how to render its answer."""

    sparql: str
    media_type: str
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    max_rows: int = 10_000
    max_bytes: int = 10_000_000
    base_iri: str | None = None
    #: Whether the query has FROM / FROM NAMED (:class:`graph.store.guard.QueryFacts`), if known.
    names_dataset: bool | None = None


@dataclass(frozen=True)
class QueryAnswer:
    """The rendered answer: ``body`` in ``media_type``; ``truncated`` if a cap cut it."""

    body: bytes
    media_type: str
    kind: str
    truncated: bool
    seconds: float


def run_job(store: Store, job: QueryJob) -> QueryAnswer:
    """Evaluate ``job`` on ``store`` and render it within the row and byte caps."""
    started = time.perf_counter()
    if job.media_type in store.capabilities.native_media_types:
        native = store.answer(
            job.sparql,
            job.media_type,
            default_graphs=job.default_graphs,
            named_graphs=job.named_graphs,
            base_iri=job.base_iri,
            names_dataset=job.names_dataset,
            max_rows=job.max_rows,
            max_bytes=job.max_bytes,
        )
        if native is not None:
            body, kind, truncated = native
            return QueryAnswer(body, job.media_type, kind, truncated, time.perf_counter() - started)
    result = store.query(
        job.sparql,
        default_graphs=job.default_graphs,
        named_graphs=job.named_graphs,
        max_rows=job.max_rows,
        base_iri=job.base_iri,
    )
    body = render(result, job.media_type)
    truncated = result.truncated
    while len(body) > job.max_bytes and (result.rows or result.triples):
        keep = int(max(len(result.rows), len(result.triples)) * job.max_bytes / len(body) * 0.9)
        result.rows, result.triples = result.rows[:keep], result.triples[:keep]
        body, truncated = render(result, job.media_type), True
    return QueryAnswer(body, job.media_type, result.kind, truncated, time.perf_counter() - started)


def evaluate(store: Store, job: QueryJob) -> QueryAnswer:
    """:func:`run_job`, with whatever is wrong with the query itself raised as a domain error:
    an :class:`~graph.errors.EkgError` as it is, a ``ValueError`` (the engine's own complaint
    about the query) as :class:`~graph.errors.QueryError`. Anything else is the engine
    failing, and goes up as it is: a query worker process dies of it
    (:class:`QueryPool` answers :meth:`EngineCrashError.on_query
    <graph.errors.EngineCrashError.on_query>`), the serving process gives up
    (:class:`graph.store.DeadlineRunner`). Both ways of evaluating a client's query call this.
    """
    try:
        return run_job(store, job)
    except ValueError as exc:
        raise QueryError(str(exc)) from exc


def astuple(record: QueryJob | QueryAnswer) -> tuple[Any, ...]:
    """A job or answer as a flat tuple of its fields, in order: what crosses the pipe. Plain
    tuples pickle and unpickle several times faster than dataclass instances, which matters
    for small answers, where the round trip is most of the cost."""
    return tuple(getattr(record, name) for name in record.__dataclass_fields__)


class _Channel:
    """One end of a worker's pipe, framed for small messages: a message is a tuple of plain
    values (str, bytes, int, float, bool, None) sent as a 4-byte length and its ``marshal``
    dump -- one write, and for an answer up to 64 KiB one read, with no pickling. For the
    small answers that make up most traffic, this halves the cost of the round trip against
    ``Connection.send``/``recv``. (Only this module's own processes write to the pipe.)"""

    _FIRST_READ = 1 << 16

    def __init__(self, connection: Connection) -> None:
        self.connection = connection  # owns the descriptor
        self.fd = connection.fileno()
        self._poller = select.poll()
        self._poller.register(self.fd, select.POLLIN)

    def send(self, message: tuple[Any, ...]) -> None:
        data = marshal.dumps(message)
        pending: list[bytes | memoryview] = [len(data).to_bytes(4, "big"), data]
        while pending:
            written = os.writev(self.fd, pending)
            while pending and written >= len(pending[0]):
                written -= len(pending.pop(0))
            if pending and written:
                pending[0] = memoryview(pending[0])[written:]

    def ready(self, timeout: float) -> bool:
        """Whether a message (or the end of the pipe) arrives within ``timeout`` seconds."""
        return bool(self._poller.poll(max(timeout, 0.0) * 1000))

    def recv(self) -> tuple[Any, ...]:
        """The next message; :class:`EOFError` if the other end has gone."""
        head = bytearray()
        while len(head) < 4:
            chunk = os.read(self.fd, self._FIRST_READ)
            if not chunk:
                raise EOFError
            head += chunk
        size = int.from_bytes(head[:4], "big")
        body = bytearray(size)
        have = len(head) - 4
        body[:have] = head[4:]
        view = memoryview(body)
        while have < size:
            count = os.readv(self.fd, [view[have:]])
            if not count:
                raise EOFError
            have += count
        return marshal.loads(body)  # type: ignore[no-any-return]

    def close(self) -> None:
        self.connection.close()
        self.fd = -1  # never a descriptor number the system has handed out again


def _worker_main(connection: Connection, spec: StoreSpec) -> None:
    """A worker process: :func:`_worker_loop` on a stack deep enough for any query."""
    on_query_stack(_worker_loop, connection, spec)


def _worker_loop(connection: Connection, spec: StoreSpec) -> None:
    """Worker loop: open the store, say ready, then answer jobs until the pipe closes."""
    channel = _Channel(connection)
    try:
        store = spec.open()
    except EkgError as exc:
        channel.send(("error", type(exc).__name__, str(exc), None, None))
        return
    channel.send(("ready",))
    while True:
        try:
            job = QueryJob(*channel.recv())
        except (EOFError, OSError):
            return
        try:
            answer = evaluate(store, job)
            channel.send(("ok", *astuple(answer)))
        except QuerySyntaxError as exc:
            channel.send(("error", "QuerySyntaxError", str(exc), exc.line, exc.column))
        except EkgError as exc:
            channel.send(("error", type(exc).__name__, str(exc), None, None))


_ERRORS: dict[str, type[EkgError]] = {
    "QuerySyntaxError": QuerySyntaxError,
    "QueryError": QueryError,
    "StoreError": StoreError,
}


class _Worker:
    def __init__(self, context: Any, spec: StoreSpec, start_timeout: float) -> None:
        ours, child = context.Pipe()
        self.connection = _Channel(ours)
        self.process = context.Process(target=_worker_main, args=(child, spec), daemon=True)
        self.process.start()
        child.close()
        try:
            if not self.connection.ready(start_timeout):
                raise TimeoutError
            message = self.connection.recv()
        except (TimeoutError, EOFError, OSError):
            self.kill()
            raise StoreError(f"a query worker did not start within {start_timeout:.0f} s") from None
        if message[0] != "ready":
            self.kill()
            raise StoreError(f"a query worker could not open the store: {message[2]}")

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.connection.close()


def _worker_context() -> Any:
    """Workers come from a fork server: a small single-threaded process that has already
    imported this module (pyoxigraph, rdflib), so a worker that replaces a killed one starts
    in milliseconds instead of re-importing everything -- and the threaded server itself is
    never forked. ("spawn" where a fork server is unavailable.)"""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    return context


class QueryPool:
    """A fixed number of query worker processes with per-query time limits.

    ``workers`` processes are started at once (each opens the store described by ``spec``);
    :meth:`run` waits up to ``wait`` seconds for an idle one, then up to ``timeout`` seconds for
    the answer.
    """

    def __init__(
        self,
        spec: StoreSpec,
        *,
        workers: int = 2,
        timeout: float = 10.0,
        wait: float = 5.0,
        start_timeout: float = 60.0,
    ) -> None:
        self.spec, self.timeout, self.wait, self.start_timeout = spec, timeout, wait, start_timeout
        self._context = _worker_context()
        # Last in, first out: under light load one worker takes every query and its caches
        # stay warm; under heavy load all are busy anyway.
        self._idle: queue.Queue[_Worker] = queue.LifoQueue()
        self._closed = False
        self._replacements: list[threading.Thread] = []
        self._workers: set[_Worker] = set()
        self.size = workers
        try:
            for _ in range(workers):
                self._idle.put(self._track(_Worker(self._context, spec, start_timeout)))
        except BaseException:
            self.close()
            raise

    def run(self, job: QueryJob, *, timeout: float | None = None) -> QueryAnswer:
        """Evaluate ``job`` in an idle worker, within ``timeout`` (default: the pool's)."""
        limit = self.timeout if timeout is None else timeout
        try:
            worker = self._idle.get(timeout=self.wait)
        except queue.Empty:
            raise EngineBusyError.waited(self.size, self.wait) from None
        try:
            worker.connection.send(astuple(job))
            if not worker.connection.ready(limit):
                self._replace(worker)
                raise QueryTimeoutError.after(limit)
            message = worker.connection.recv()
        except (EOFError, OSError, BrokenPipeError):
            self._replace(worker)
            raise EngineCrashError.on_query() from None
        self._give_back(worker)
        if message[0] == "ok":
            return QueryAnswer(*message[1:])
        _, name, text, line, column = message
        if name == "QuerySyntaxError":
            raise QuerySyntaxError(text, line, column)
        raise _ERRORS.get(name, QueryError)(text)

    def _replace(self, worker: _Worker) -> None:
        """Kill ``worker`` now; start its successor in the background, retrying until it
        starts (or the pool closes), so the pool never shrinks for good."""
        worker.kill()

        def start() -> None:
            while not self._closed:
                try:
                    self._give_back(
                        self._track(_Worker(self._context, self.spec, self.start_timeout))
                    )
                    return
                except Exception:  # any failure to start: log it, wait, try again
                    log.exception("a query worker failed to start; retrying in 1 s")
                    time.sleep(1)

        thread = threading.Thread(target=start, name="query-worker-restart", daemon=True)
        thread.start()
        self._replacements = [t for t in self._replacements if t.is_alive()] + [thread]

    def _track(self, worker: _Worker) -> _Worker:
        self._workers = {w for w in self._workers if w.process.is_alive()} | {worker}
        return worker

    def worker_pids(self) -> list[int]:
        """Process ids of the live workers (for monitoring and tests)."""
        return sorted(w.process.pid for w in self._workers if w.process.is_alive())

    def _give_back(self, worker: _Worker) -> None:
        """Return ``worker`` to the idle queue, or stop it if the pool has closed."""
        if self._closed:
            worker.kill()
        else:
            self._idle.put(worker)

    def close(self) -> None:
        """Stop every worker."""
        self._closed = True
        for thread in self._replacements:
            thread.join(self.start_timeout)
        while True:
            try:
                self._idle.get_nowait().kill()
            except queue.Empty:
                break
