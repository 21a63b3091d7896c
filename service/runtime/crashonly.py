"""Crash-only serving processes: a worker that its server replaces may give up on itself.

Under gunicorn (prefork, preloaded app) the master forks a fresh worker whenever one exits, in
milliseconds and with the app already built. Such a worker can run SPARQL queries itself
(:class:`graph.store.DeadlineRunner`, no process hop) because it has a way out of a query it
cannot stop: :func:`give_up` -- the request is answered (504), the worker stops taking requests,
lets those in flight finish and exits, and with it the runaway query, which frees the CPU.

:func:`enable` marks the calling process as replaceable (``service.runtime.wsgi`` does it in
gunicorn's ``post_fork`` hook); :func:`active` says whether this process is. waitress serves
from one process that nobody replaces: there it is never active, and queries go to the pool of
query processes (:mod:`graph.store.sandbox`).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

log = logging.getLogger(__name__)


@dataclass
class _Process:
    pid: int | None = None  # the process that may give up (a fork inherits this, not the right)
    stop: Callable[[], None] = lambda: None
    grace: float = 60.0
    linger: float = 0.0  # how long the server keeps idle kept-alive connections when stopping
    given_up: str | None = None
    last_resort: list[threading.Timer] = field(default_factory=list)


_lock = threading.Lock()
_this = _Process()


def enable(stop: Callable[[], None], *, grace: float = 60.0, linger: float = 0.0) -> None:
    """Mark this process as one its server replaces: ``stop()`` makes it stop taking
    requests and exit once those in flight are answered; if it has not exited ``grace``
    seconds after :func:`give_up`, it is ended outright. ``linger``: how long the stopping
    server keeps idle kept-alive connections open (for a request already on its way)."""
    global _this
    with _lock:
        _this = _Process(os.getpid(), stop, grace, linger)


def disable() -> None:
    """Undo :func:`enable` (and cancel the last resort of a :func:`give_up`): for tests."""
    global _this
    with _lock:
        for timer in _this.last_resort:
            timer.cancel()
        _this = _Process()


def active() -> bool:
    """Whether this process may give up on itself (it is replaced when it exits)."""
    return _this.pid == os.getpid()


def linger() -> float:
    """How long a stopping server keeps idle kept-alive connections open (0 when not
    replaceable): a process that ends itself waits that long first."""
    return _this.linger if active() else 0.0


def given_up() -> str | None:
    """Why this process gave up, if it has (it is on its way out)."""
    return _this.given_up if active() else None


def give_up(reason: str) -> None:
    """Stop taking requests and exit (once, whoever calls it first): the running requests
    are answered, then the process ends -- at the latest ``grace`` seconds from now."""
    with _lock:
        this = _this
        if this.pid != os.getpid() or this.given_up is not None:
            return
        this.given_up = reason
        timer = threading.Timer(this.grace, os._exit, args=(0,))  # if stop() does not end it
        timer.daemon = True
        this.last_resort.append(timer)
    log.warning("worker %d gives up and exits (a fresh one replaces it): %s", os.getpid(), reason)
    this.stop()
    timer.start()
