"""A small thread-safe LRU cache, bounded in entries and in bytes, for answers that belong
to one data version (the cache lives in :meth:`graph.pipeline.BuiltGraph.remember`, so a
reload starts from an empty one and nothing outlives its data)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class LruCache(Generic[V]):
    """At most ``max_items`` values and ``max_bytes`` bytes (as ``size`` measures a value);
    the least recently used go first. A value bigger than ``max_bytes`` is not kept.

    >>> cache = LruCache(2, max_bytes=10, size=len)
    >>> _ = cache.put("a", b"12345"); _ = cache.put("b", b"123"); _ = cache.put("c", b"1234")
    >>> cache.get("a"), cache.get("b"), cache.get("c")
    (None, b'123', b'1234')
    """

    def __init__(
        self, max_items: int, *, max_bytes: int | None = None, size: Callable[[V], int]
    ) -> None:
        self.max_items = max_items
        self.max_bytes = max_bytes
        self._size = size
        self._values: OrderedDict[Hashable, tuple[V, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> V | None:
        """The value kept for ``key`` (now the most recently used), or None."""
        with self._lock:
            entry = self._values.get(key)
            if entry is None:
                return None
            self._values.move_to_end(key)
            return entry[0]

    def put(self, key: Hashable, value: V) -> V:
        """Keep ``value`` for ``key`` if it fits; return it."""
        size = self._size(value) if self.max_bytes is not None else 0
        if self.max_bytes is not None and size > self.max_bytes:
            return value
        with self._lock:
            old = self._values.pop(key, None)
            self._bytes += size - (old[1] if old else 0)
            self._values[key] = (value, size)
            while len(self._values) > self.max_items or (
                self.max_bytes is not None and self._bytes > self.max_bytes
            ):
                _, (_, dropped) = self._values.popitem(last=False)
                self._bytes -= dropped
        return value
