"""The query engine behind ``/sparql``: where a client's query runs, under its time limit.

* In a gunicorn worker (a process its master replaces, :mod:`service.runtime.crashonly`),
  with ``SPARQL_ISOLATION`` ``auto`` (the default): in the thread serving the request
  (:class:`graph.store.DeadlineRunner`, watched), on the worker's own read-only handle of
  the store. Past its limit, the watchdog answers 504 on the client's socket
  (:mod:`service.runtime.lateanswer`) and the worker gives up
  (:mod:`service.runtime.crashonly`): it stops taking requests, exits once those in flight
  are answered (which frees the CPU), and the master forks a fresh one. No process hop, no
  thread hand-off per query.
* Anywhere else (waitress, the test client, ``SPARQL_ISOLATION=pool``): in a pool of worker
  processes (:class:`graph.store.QueryPool`) over a copy of the store -- the on-disk store
  when the service has one, otherwise a copy written to a temporary directory at first use;
  a worker past its limit, or that dies, is killed and replaced. The pool starts lazily, so
  apps that never answer a SPARQL query start no processes.

A remote store (backend ``sparql``) needs no workers: the server does the work, the request
carries the time limit, and at most ``SPARQL_WORKERS`` queries are sent at once -- a client
waits ``SPARQL_WAIT`` seconds for its turn, as it would for an idle worker.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any

from flask import Flask

from graph.errors import EngineBusyError
from graph.pipeline import BuiltGraph
from graph.store import DeadlineRunner, QueryAnswer, QueryJob, QueryPool, StoreSpec, run_job
from service.runtime import crashonly
from service.runtime.lateanswer import late_answer


class QueryEngine:
    """Runs client queries for one built graph under the configured limits."""

    def __init__(
        self, built: BuiltGraph, config: dict[str, Any], spec: StoreSpec | None = None
    ) -> None:
        self.built = built
        self.config = config
        self._spec = spec  # where the workers' store is, if not derived from ``built``
        self._pool: QueryPool | None = None
        self._lock = threading.Lock()
        self._scratch: Path | None = None
        self._remote_slots = threading.BoundedSemaphore(config["SPARQL_WORKERS"])
        self._runner: tuple[int, DeadlineRunner] | None = None  # (its process id, it)

    def run(
        self, job: QueryJob, *, app: Flask | None = None, environ: dict[str, Any] | None = None
    ) -> QueryAnswer:
        """Evaluate ``job`` in this worker, in the pool (started on first use) or on the
        remote store (see the module's docs). ``app`` and ``environ``: the request being
        answered, so that in a gunicorn worker the query runs right in its thread, watched."""
        if self.built.store.capabilities.remote:  # the server does the work, within its limits
            return self._run_remote(job)
        if self.in_worker():
            late = None
            if app is not None and environ is not None:  # answered late on the client's socket
                late = late_answer(app, environ)
            return self.runner().run(job, late=late)
        return self.pool().run(job)

    @property
    def pool_started(self) -> bool:
        """Whether this engine's pool of query processes has been started (in this process)."""
        return self._pool is not None

    def in_worker(self) -> bool:
        """Whether this process runs queries itself (rather than in the pool)."""
        return self.config["SPARQL_ISOLATION"] == "auto" and crashonly.active()

    def runner(self) -> DeadlineRunner:
        """This process's runner over its own handle of the store (made on first use in each
        process: a forked worker never uses its parent's)."""
        pid = os.getpid()
        if self._runner is not None and self._runner[0] == pid:
            return self._runner[1]
        with self._lock:
            if self._runner is None or self._runner[0] != pid:
                runner = DeadlineRunner(
                    self.built.store.reader(),
                    on_overrun=crashonly.give_up,
                    slots=self.config["SPARQL_WORKERS"],
                    timeout=self.config["SPARQL_TIMEOUT"],
                    wait=self.config["SPARQL_WAIT"],
                )
                self._runner = (pid, runner)
            return self._runner[1]

    def _run_remote(self, job: QueryJob) -> QueryAnswer:
        wait = self.config["SPARQL_WAIT"]
        if not self._remote_slots.acquire(timeout=wait):
            raise EngineBusyError.waited(self.config["SPARQL_WORKERS"], wait)
        try:
            return run_job(self.built.store, job)
        finally:
            self._remote_slots.release()

    def pool(self) -> QueryPool:
        with self._lock:
            if self._pool is None:
                if self._spec is None:
                    self._spec = self._store_spec()  # once: a failed start reuses the copy
                self._pool = QueryPool(
                    self._spec,
                    workers=self.config["SPARQL_WORKERS"],
                    timeout=self.config["SPARQL_TIMEOUT"],
                    wait=self.config["SPARQL_WAIT"],
                )
            return self._pool

    def _store_spec(self) -> StoreSpec:
        self._scratch = Path(tempfile.mkdtemp(prefix="ekg-query-"))
        return StoreSpec.of(self.built.store, self._scratch)

    def close(self) -> None:
        """Stop the workers, remove the scratch copy and let go of this process's runner and
        its read-only handle of the store (a query still running keeps them until it ends)."""
        with self._lock:
            self._runner = None
            if self._pool is not None:
                self._pool.close()
                self._pool = None
            if self._scratch is not None:
                shutil.rmtree(self._scratch, ignore_errors=True)
                self._scratch = None
