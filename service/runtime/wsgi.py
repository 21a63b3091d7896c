"""Production WSGI servers for ``ekg serve``: waitress (threads, the default) or gunicorn.

waitress serves from one process with a pool of threads and runs everywhere. gunicorn forks
``workers`` processes from one built app (``preload_app``: the dataset, indexes and caches are
built once and shared copy-on-write) for more throughput on several cores; each worker starts
its own SPARQL query pool on first use.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication
from waitress import serve as waitress_serve

from service.settings import setting

#: The servers :func:`run_server` runs, as the ``SERVER`` setting declares them.
SERVERS = setting("SERVER").choices


def run_server(
    app: Flask, *, server: str, host: str, port: int, threads: int, workers: int
) -> None:
    """Serve ``app`` on ``host:port`` until interrupted."""
    if server == "waitress":
        waitress_serve(app, host=host, port=port, threads=threads)
        return
    _Gunicorn(app, host, port, threads, workers).run()


class _Gunicorn(BaseApplication):
    """gunicorn's embedding API: the app is already built, the settings come from the CLI."""

    def __init__(self, app: Flask, host: str, port: int, threads: int, workers: int) -> None:
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
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.settings.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return self.application
