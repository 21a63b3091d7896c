"""The query engine behind ``/sparql``: a pool of worker processes over a copy of the store.

Workers open the store read-only: the on-disk store when the service has one, otherwise a
copy written to a temporary directory at first use. The pool starts lazily, so apps that
never answer a SPARQL query start no processes.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any

from graph.backends.oxigraph import OxigraphStore
from graph.pipeline import BuiltGraph
from graph.sandbox import QueryAnswer, QueryJob, QueryPool, StoreSpec


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

    def run(self, job: QueryJob) -> QueryAnswer:
        """Evaluate ``job`` in a worker (starting the pool on first use)."""
        return self.pool().run(job)

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
        if store.backend == "oxigraph" and getattr(store, "path", None) is not None:
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
