"""The query engine behind ``/sparql``: a pool of worker processes over a copy of the store.

Workers open the store read-only: the on-disk store when the service has one, otherwise a
copy written to a temporary directory at first use. The pool starts lazily, so apps that
never answer a SPARQL query start no processes.

A remote store (backend ``sparql``) needs no workers: the server does the work, the request
carries the time limit, and at most ``SPARQL_WORKERS`` queries are sent at once -- a client
waits ``SPARQL_WAIT`` seconds for its turn, as it would for an idle worker.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any

from graph.errors import EngineBusyError
from graph.pipeline import BuiltGraph
from graph.store.backends.oxigraph import OxigraphStore
from graph.store.sandbox import QueryAnswer, QueryJob, QueryPool, StoreSpec, run_job


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

    def run(self, job: QueryJob) -> QueryAnswer:
        """Evaluate ``job`` in a worker (starting the pool on first use), or on the remote
        store."""
        if self.built.store.backend == "sparql":
            return self._run_remote(job)
        return self.pool().run(job)

    def _run_remote(self, job: QueryJob) -> QueryAnswer:
        wait = self.config["SPARQL_WAIT"]
        if not self._remote_slots.acquire(timeout=wait):
            limit = self.config["SPARQL_WORKERS"]
            raise EngineBusyError(f"all {limit} query slots stayed busy for {wait:.0f} s")
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
        store = self.built.store
        if isinstance(store, OxigraphStore) and store.path is not None:
            return StoreSpec("oxigraph", str(store.path))
        self._scratch = Path(tempfile.mkdtemp(prefix="ekg-query-"))
        if isinstance(store, OxigraphStore):
            target = self._scratch / "store"
            store.copy_to(target).close()
            return StoreSpec("oxigraph", str(target))
        target = self._scratch / "data.trig"
        target.write_bytes(store.serialize("trig"))
        return StoreSpec(store.backend, str(target))

    def close(self) -> None:
        """Stop the workers and remove the scratch copy."""
        with self._lock:
            if self._pool is not None:
                self._pool.close()
                self._pool = None
            if self._scratch is not None:
                shutil.rmtree(self._scratch, ignore_errors=True)
                self._scratch = None
