"""Answering a request from another thread, for a gunicorn worker that gives up on a query.

A worker evaluates a query in the thread that serves its request, and the engine cannot be
interrupted. When the query passes its time limit, the watchdog of
:class:`graph.store.DeadlineRunner` calls :func:`late_answer`'s function: it renders the error
as the app would (its problem+json, its after-request headers), writes it on the client's
socket itself with ``Connection: close`` and shuts the socket, so the stuck thread can never
write there. The worker has given up meanwhile (:mod:`service.runtime.crashonly`): it takes no
more requests, and once every request in flight but the stuck ones is answered (:func:`counted`
keeps the count) the process ends -- with it the runaway query -- and gunicorn's master forks
a fresh worker.

Only where the server gives the socket (gunicorn's ``environ["gunicorn.socket"]``); elsewhere
the worker still gives up at the deadline, but the answer waits for the engine to end.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Iterable
from email.utils import formatdate
from typing import Any

from flask import Flask
from werkzeug.wsgi import ClosingIterator

from graph.errors import QueryTimeoutError

log = logging.getLogger(__name__)

_HOP_BY_HOP = frozenset({"connection", "keep-alive", "transfer-encoding"})
_lock = threading.Lock()
_count = {"in_flight": 0, "stuck": 0}
_finisher: list[threading.Thread] = []


def counted(app: Callable[..., Iterable[bytes]]) -> Callable[..., Iterable[bytes]]:
    """``app`` (WSGI), counting the requests in flight in this process until their answer is
    written (its iterable closed)."""

    def counting(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        _add(1)
        try:
            body = app(environ, start_response)
        except BaseException:
            _add(-1)
            raise
        wrapper = environ.get("wsgi.file_wrapper")
        if isinstance(wrapper, type) and isinstance(body, wrapper):  # keep gunicorn's sendfile
            _add(-1)  # (a file: counted until handed over, not until sent)
            return body
        return ClosingIterator(body, [lambda: _add(-1)])

    return counting


def _add(delta: int) -> None:
    with _lock:
        _count["in_flight"] += delta


def late_answer(
    app: Flask, environ: dict[str, Any], *, grace: float, linger: float = 0.0
) -> Callable[[QueryTimeoutError], None] | None:
    """A function that answers this request with an error from another thread, then ends the
    process once the other requests in flight are answered, ``linger`` seconds on at the
    earliest (the server closes its idle kept-alive connections meanwhile, as it does when it
    stops) and ``grace`` seconds at the latest; ``None`` when the server gives no socket."""
    sock = environ.get("gunicorn.socket")
    if not isinstance(sock, socket.socket):
        return None

    def late(error: QueryTimeoutError) -> None:
        try:
            sock.sendall(_render(app, environ, error))
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:  # the client has gone: nothing to answer
            pass
        with _lock:
            _count["stuck"] += 1
            if _finisher:
                return
            _finisher.append(
                threading.Thread(target=_end_when_alone, args=(grace, linger), daemon=True)
            )
        _finisher[0].start()

    return late


def _render(app: Flask, environ: dict[str, Any], error: QueryTimeoutError) -> bytes:
    """The app's answer to ``error`` for this request, as HTTP/1.1 bytes."""
    with app.request_context(environ):
        response = app.make_response(app.handle_user_exception(error))
        response = app.process_response(response)
        body = b"" if environ.get("REQUEST_METHOD") == "HEAD" else response.get_data()
        headers = response.get_wsgi_headers(environ).to_wsgi_list()
    lines = [f"HTTP/1.1 {response.status}", f"Date: {formatdate(usegmt=True)}"]
    lines += [f"{name}: {value}" for name, value in headers if name.lower() not in _HOP_BY_HOP]
    lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def _end_when_alone(grace: float, linger: float) -> None:
    deadline = time.monotonic() + grace
    time.sleep(linger)
    while time.monotonic() < deadline:
        with _lock:
            if _count["in_flight"] <= _count["stuck"]:
                break
        time.sleep(0.02)
    log.warning("worker %d exits (%d query past its limit)", os.getpid(), _count["stuck"])
    logging.shutdown()
    os._exit(0)
