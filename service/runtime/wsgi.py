"""Production WSGI servers for ``ekg serve``: waitress (threads, the default) or gunicorn.

waitress serves from one process with a pool of threads and runs everywhere. gunicorn forks
``workers`` processes from one built app (``preload_app``: the dataset, indexes and caches are
built once and shared copy-on-write) for more throughput on several cores. Each gunicorn
worker is crash-only (:mod:`service.runtime.crashonly`): it runs SPARQL queries itself, exits
when one overruns its time limit, and the master forks a fresh one from the preloaded app.
Under waitress, queries run in a pool of query processes (:mod:`service.runtime.engine`).

Both hand the app the request's headers as the client sent them: waitress would otherwise
drop ``Forwarded`` and ``X-Forwarded-*`` from a proxy it does not trust, and the app could no
longer tell a proxied request from a local one (the rule of ``POST /-/reload``).
"""

from __future__ import annotations

import errno
import gc
import signal
import socket
import warnings
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication
from waitress import serve as waitress_serve

from graph.errors import EkgError
from graph.store.stack import use_query_stack
from service.runtime import crashonly
from service.settings import setting

#: The servers :func:`run_server` runs, as the ``SERVER`` setting declares them.
SERVERS = setting("SERVER").choices


class AddressUnavailable(EkgError):
    """``host:port`` cannot be served on: the port is in use, or the address is not ours."""

    def __init__(self, host: str, port: int, error: OSError) -> None:
        if error.errno == errno.EADDRINUSE:
            message = f"port {port} on {host} is in use"
        else:
            message = f"cannot serve on {host}:{port}: {error.strerror or error}"
        super().__init__(message)


def check_address(host: str, port: int) -> None:
    """Raise :class:`AddressUnavailable` unless ``host:port`` can be bound now, as the servers
    bind it (``SO_REUSEADDR``, so a port left in TIME_WAIT counts as free)."""
    try:
        addresses = socket.getaddrinfo(
            host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )
    except OSError as exc:
        raise AddressUnavailable(host, port, exc) from None
    for family, kind, proto, _, address in dict.fromkeys(addresses):
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(address)
            except OSError as exc:
                raise AddressUnavailable(host, port, exc) from None


def run_server(
    app: Flask, *, server: str, host: str, port: int, threads: int, workers: int
) -> None:
    """Serve ``app`` on ``host:port`` until interrupted; :class:`AddressUnavailable` if it
    cannot be bound (call :func:`check_address` first to know before building the app)."""
    if server == "waitress":
        try:
            waitress_serve(
                app, host=host, port=port, threads=threads, clear_untrusted_proxy_headers=False
            )
            return
        except OSError as exc:  # taken between check_address and here
            if exc.errno not in (errno.EADDRINUSE, errno.EADDRNOTAVAIL, errno.EACCES):
                raise
            error = AddressUnavailable(host, port, exc)
        with warnings.catch_warnings():  # close the socket waitress left open when bind failed
            warnings.simplefilter("ignore", ResourceWarning)
            gc.collect()
        raise error
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
            "post_fork": _replaceable,
        }
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.settings.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return crashonly.counted(self.application)  # (what a worker that gives up waits for)


def _replaceable(_arbiter: Any, worker: Any) -> None:
    """gunicorn's ``post_fork`` hook: the new worker may give up on itself. It then stops as on
    SIGTERM (``handle_exit``: no new connections), ends once those in flight are answered --
    within gunicorn's grace for a stopping worker -- and the master forks its replacement."""
    use_query_stack()  # before the worker starts its request threads
    crashonly.enable(
        lambda: worker.handle_exit(signal.SIGTERM, None),
        grace=float(worker.cfg.graceful_timeout),
        linger=min(float(worker.cfg.keepalive), _STOP_KEEPALIVE_LINGER) + 0.25,
    )


#: How long a stopping gthread worker keeps its idle kept-alive connections at most
#: (gunicorn's ``STOP_KEEPALIVE_LINGER``), answering a request that arrives on one meanwhile.
_STOP_KEEPALIVE_LINGER = 2.0
