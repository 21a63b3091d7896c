"""Answering a request from another thread, for a gunicorn worker that gives up on a query.

A worker evaluates a query in the thread that serves its request, and the engine cannot be
interrupted. When the query passes its time limit, the watchdog of
:class:`graph.store.DeadlineRunner` calls :func:`late_answer`'s function: it renders the error
as the app would (its problem+json, its after-request headers), writes it on the client's
socket itself with ``Connection: close`` and shuts the socket, so the stuck thread can never
write there, and tells :mod:`service.runtime.crashonly` not to wait for that request. The
worker has given up meanwhile: it takes no more requests, and once every other request in
flight is answered crashonly ends the process -- with it the runaway query -- and gunicorn's
master forks a fresh worker.

Only where the server gives the socket (gunicorn's ``environ["gunicorn.socket"]``); elsewhere
the worker still gives up at the deadline, but the answer waits for the engine to end.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from email.utils import formatdate
from typing import Any

from flask import Flask

from graph.errors import QueryTimeoutError
from service.errors import render_error
from service.runtime import crashonly

_HOP_BY_HOP = frozenset({"connection", "keep-alive", "transfer-encoding"})


def late_answer(app: Flask, environ: dict[str, Any]) -> Callable[[QueryTimeoutError], None] | None:
    """A function that answers this request with an error from another thread (and has the
    process stop waiting for it); ``None`` when the server gives no socket."""
    sock = environ.get("gunicorn.socket")
    if not isinstance(sock, socket.socket):
        return None

    def late(error: QueryTimeoutError) -> None:
        try:
            sock.sendall(_render(app, environ, error))
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:  # the client has gone: nothing to answer
            pass
        crashonly.abandon()

    return late


def _render(app: Flask, environ: dict[str, Any], error: QueryTimeoutError) -> bytes:
    """The app's answer to ``error`` for this request, as HTTP/1.1 bytes."""
    response = render_error(app, environ, error)
    body = b"" if environ.get("REQUEST_METHOD") == "HEAD" else response.get_data()
    headers = response.get_wsgi_headers(environ).to_wsgi_list()
    lines = [f"HTTP/1.1 {response.status}", f"Date: {formatdate(usegmt=True)}"]
    lines += [f"{name}: {value}" for name, value in headers if name.lower() not in _HOP_BY_HOP]
    lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
