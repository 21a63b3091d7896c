"""The stack a query is evaluated on.

pyoxigraph parses and evaluates a query recursively, one call per element of a sequence
(``MINUS`` after ``MINUS``, ``!!!...``, the terms of a collection ``( 1 1 1 ... )``) and per
bracket. On a thread's default stack (8 MB on Linux) about 2,600 ``MINUS`` in a row, 9,300
``!`` or 12,000 collection terms -- queries of 10 to 60 kB, inside the length limit -- overflow
it and the process dies. :mod:`graph.store.guard` refuses the sequences it knows of; a query
evaluated on :data:`QUERY_STACK` bytes of stack survives every one of them at the length limit
(100,000 characters; measured with pyoxigraph 0.5: collection, ``!``, brackets, ``MINUS``,
``UNION``, ``{}`` groups, ``?a-?a``, ``+``, paths, triple patterns). The memory is reserved,
not used: only the pages a query touches become resident.
"""

from __future__ import annotations

import resource
import threading
from collections.abc import Callable
from typing import Any

#: Bytes of stack for a thread that evaluates queries (the default is 8 MB).
QUERY_STACK = 256 << 20


def use_query_stack() -> None:
    """Give this process's main thread (its stack may grow up to the ``RLIMIT_STACK`` soft
    limit, which is raised here) and every thread it starts from now on :data:`QUERY_STACK`
    bytes of stack: for a server process whose request threads evaluate queries themselves
    (a gunicorn worker: gthread's threads, or the sync worker's main thread)."""
    threading.stack_size(QUERY_STACK)
    soft, hard = resource.getrlimit(resource.RLIMIT_STACK)
    if soft != resource.RLIM_INFINITY and soft < QUERY_STACK:
        wanted = QUERY_STACK if hard == resource.RLIM_INFINITY else min(QUERY_STACK, hard)
        resource.setrlimit(resource.RLIMIT_STACK, (wanted, hard))


def on_query_stack(function: Callable[..., Any], *args: Any) -> None:
    """Call ``function(*args)`` in a thread with :data:`QUERY_STACK` bytes of stack and wait
    for it to end (for a process whose main thread would evaluate queries: its stack is
    fixed when the process starts)."""
    previous = threading.stack_size(QUERY_STACK)
    try:
        thread = threading.Thread(target=function, args=args, name="query-stack")
        thread.start()
    finally:
        threading.stack_size(previous)
    thread.join()
