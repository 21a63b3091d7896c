"""Production WSGI servers for ``ekg serve``: waitress (threads, the default) or gunicorn.

waitress serves from one process with a pool of threads and runs everywhere. gunicorn forks
``workers`` processes from one built app (``preload_app``: the dataset, indexes and caches are
built once and shared copy-on-write) for more throughput on several cores; each worker starts
its own SPARQL query pool on first use.

With ``cpu_affinity``, each gunicorn worker is pinned to one CPU (the one fewest of its live
siblings hold), and its query workers, forked from it, inherit the pin: a query then crosses
to its worker process and back on one core, with warm caches and no cross-core wake-up. On
this project's 2-core machine that makes distinct small SPARQL queries about 30 % faster
(``benchmarks/throughput.py``); it is off by default because a pinned worker cannot move
away from a core that something else keeps busy. (uWSGI's ``cpu-affinity`` and nginx's
``worker_cpu_affinity`` are the same idea.)
"""

from __future__ import annotations

import os
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication
from waitress import serve as waitress_serve

SERVERS = ("waitress", "gunicorn")


def run_server(
    app: Flask,
    *,
    server: str,
    host: str,
    port: int,
    threads: int,
    workers: int,
    cpu_affinity: bool = False,
) -> None:
    """Serve ``app`` on ``host:port`` until interrupted; ``cpu_affinity`` pins gunicorn's
    workers (waitress has one process: it refuses the option with ValueError)."""
    if server == "waitress":
        if cpu_affinity:
            raise ValueError("CPU affinity pins gunicorn's worker processes; use --server gunicorn")
        waitress_serve(app, host=host, port=port, threads=threads)
        return
    _Gunicorn(app, host, port, threads, workers, cpu_affinity).run()


def least_used_cpu(available: set[int], taken: list[set[int]], turn: int) -> int:
    """The CPU of ``available`` that the fewest single-CPU pins in ``taken`` hold; among
    equals, the one whose turn it is -- the ``turn``-th in order, round robin -- so workers
    started together spread out even before their siblings have pinned themselves.

    >>> least_used_cpu({0, 1}, [{0}, {0, 1}], turn=0)
    1
    >>> [least_used_cpu({0, 1}, [], turn) for turn in (1, 2, 3)]
    [1, 0, 1]
    """
    cpus = sorted(available)
    held = [next(iter(pinned)) for pinned in taken if len(pinned) == 1]
    return min(cpus, key=lambda cpu: (held.count(cpu), (cpus.index(cpu) - turn) % len(cpus)))


def _pin_worker(arbiter: Any, worker: Any) -> None:
    """gunicorn's ``post_fork`` hook: pin the new worker to the CPU its siblings use least
    (``worker.age`` counts the workers started so far: the round-robin turn)."""
    siblings = []
    for pid in arbiter.WORKERS:
        try:
            siblings.append(os.sched_getaffinity(pid))
        except OSError:  # gone since
            continue
    cpu = least_used_cpu(os.sched_getaffinity(0), siblings, worker.age)
    os.sched_setaffinity(0, {cpu})
    worker.log.info("worker %s pinned to CPU %s", worker.pid, cpu)


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    """gunicorn's embedding API: the app is already built, the settings come from the CLI."""

    def __init__(
        self, app: Flask, host: str, port: int, threads: int, workers: int, cpu_affinity: bool
    ) -> None:
        self.application = app
        self.settings = {
            "bind": f"{host}:{port}",
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread" if threads > 1 else "sync",
            "preload_app": True,
            "accesslog": None,
            "timeout": 120,
        }
        if cpu_affinity:
            self.settings["post_fork"] = _pin_worker
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.settings.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return self.application
