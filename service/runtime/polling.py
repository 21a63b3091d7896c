"""A daemon thread per process that does one thing every ``interval`` seconds.

The thread starts on the first request a process serves (:meth:`Poller.ensure_running`), so
every gunicorn worker forked from a preloaded app polls for itself, and the master, which
serves nothing, polls nothing. The data file :class:`~service.runtime.reload.Watcher` and a
reader's :class:`~service.runtime.follow.Follower` are pollers.
"""

from __future__ import annotations

import logging
import os
import threading
import time

log = logging.getLogger(__name__)


class Poller:
    """Calls :meth:`poll` every ``interval`` seconds in a daemon thread of each process that
    asks for it; ``interval`` 0 polls nothing (only on request)."""

    #: The thread's name, and what the log says when a poll fails.
    thread_name = "ekg-poller"
    failure = "a poll failed; polling goes on"

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._pid: int | None = None
        self._lock = threading.Lock()

    def poll(self) -> None:
        """One round of the work; what it raises is logged and polling goes on."""
        raise NotImplementedError

    def ensure_running(self) -> None:
        """Start the polling thread in this process unless it runs already."""
        if not self.interval or self._pid == os.getpid():
            return
        with self._lock:
            if self._pid != os.getpid():
                self._pid = os.getpid()
                threading.Thread(target=self._run, name=self.thread_name, daemon=True).start()

    def stop(self) -> None:
        """End the polling thread (it exits after its current sleep)."""
        self._pid = None

    def _run(self) -> None:
        pid = os.getpid()
        while self._pid == pid:
            time.sleep(self.interval)
            try:
                self.poll()
            except Exception:  # the thread must outlive any one failure; say what it was
                log.exception(self.failure)


class Pollers(list[Poller]):
    """The pollers of an app, started together on a request (one before-request hook)."""

    def ensure_running(self) -> None:
        """:meth:`Poller.ensure_running` for each."""
        for poller in self:
            poller.ensure_running()
