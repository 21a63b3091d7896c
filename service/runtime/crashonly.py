"""Crash-only serving processes: a worker that its server replaces may give up on itself.

Under gunicorn (prefork, preloaded app) the master forks a fresh worker whenever one exits, in
milliseconds and with the app already built. Such a worker can run SPARQL queries itself
(:class:`graph.store.DeadlineRunner`, no process hop) because it has a way out of a query it
cannot stop: :func:`give_up` -- the request is answered (504, :mod:`service.runtime.lateanswer`),
the worker stops taking requests, lets those in flight finish and exits, and with it the
runaway query, which frees the CPU.

This module is the one place that ends such a process: :func:`give_up` stops the server and
starts the one thread that waits -- ``linger`` seconds at least, until every request in flight
(:func:`counted`) but the :func:`abandon`-ed ones is answered, ``grace`` seconds at most --
then flushes the logs and calls ``os._exit``, once.

:func:`enable` marks the calling process as replaceable (``service.runtime.wsgi`` does it in
gunicorn's ``post_fork`` hook); :func:`active` says whether this process is. waitress serves
from one process that nobody replaces: there it is never active, and queries go to the pool of
query processes (:mod:`graph.store.sandbox`).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from werkzeug.wsgi import ClosingIterator

log = logging.getLogger(__name__)


def _exit_process(code: int) -> None:
    """Flush and close the logs, then end the process at once: no clean-up, no waiting for
    threads (one may be stuck in the engine for good)."""
    logging.shutdown()
    os._exit(code)


@dataclass
class _Process:
    pid: int | None = None  # the process that may give up (a fork inherits this, not the right)
    stop: Callable[[], None] = lambda: None
    grace: float = 60.0
    linger: float = 0.0  # how long the server keeps idle kept-alive connections when stopping
    end: Callable[[int], object] = _exit_process
    given_up: str | None = None
    abandoned: int = 0  # requests in flight that their own thread will never answer


_lock = threading.Lock()
_this = _Process()
_in_flight = [0]  # requests of this process whose answer is not written yet


def enable(
    stop: Callable[[], None],
    *,
    grace: float = 60.0,
    linger: float = 0.0,
    end: Callable[[int], object] = _exit_process,
) -> None:
    """Mark this process as one its server replaces: ``stop()`` makes the server stop taking
    requests; the process ends ``linger`` seconds after :func:`give_up` at the earliest (how
    long the stopping server keeps idle kept-alive connections open, for a request already on
    its way) and ``grace`` seconds at the latest. ``end(0)`` ends it: by default the logs are
    flushed, then ``os._exit`` (tests pass their own)."""
    global _this
    with _lock:
        _this = _Process(os.getpid(), stop, grace, linger, end)


def disable() -> None:
    """Undo :func:`enable` (a :func:`give_up` under way then ends nothing): for tests."""
    global _this
    with _lock:
        _this = _Process()


def active() -> bool:
    """Whether this process may give up on itself (it is replaced when it exits)."""
    return _this.pid == os.getpid()


def given_up() -> str | None:
    """Why this process gave up, if it has (it is on its way out)."""
    return _this.given_up if active() else None


def counted(app: Callable[..., Iterable[bytes]]) -> Callable[..., Iterable[bytes]]:
    """``app`` (WSGI), counting the requests in flight in this process until their answer is
    written (its iterable closed): what a process that gave up waits for."""

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
        _in_flight[0] += delta


def give_up(reason: str) -> None:
    """Stop taking requests and exit (once, whoever calls it first): the requests in flight
    are answered, then the process ends (see the module's docs)."""
    with _lock:
        this = _this
        if this.pid != os.getpid() or this.given_up is not None:
            return
        this.given_up = reason
    log.warning("worker %d gives up and exits (a fresh one replaces it): %s", os.getpid(), reason)
    this.stop()
    threading.Thread(target=_end_when_alone, args=(this,), name="ekg-exit", daemon=True).start()


def abandon() -> None:
    """One request in flight will never be answered by its own thread (it is stuck in the
    engine; it was answered from another): the process does not wait for it to end."""
    with _lock:
        _this.abandoned += 1


def _end_when_alone(this: _Process) -> None:
    deadline = time.monotonic() + this.grace
    time.sleep(this.linger)
    while time.monotonic() < deadline:
        with _lock:
            if _in_flight[0] <= this.abandoned:
                break
        time.sleep(0.02)
    if this is not _this:  # disabled meanwhile (tests)
        return
    waiting = _in_flight[0] - this.abandoned
    log.warning(
        "worker %d exits (%d request(s) abandoned, %d still in flight)",
        os.getpid(),
        this.abandoned,
        max(waiting, 0),
    )
    this.end(0)
