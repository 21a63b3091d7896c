"""The page cache of the cacheable lists: each data version keeps its pages (the bytes and
the headers of a 200 answer) with a strong ETag, and answers ``If-None-Match`` with 304."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from typing import Any

from flask import Response, current_app, request

from service.runtime.caching import LruCache
from service.runtime.state import built
from service.tables import CSV, negotiated

#: The headers a cached page keeps (and serves again).
KEPT_HEADERS = ("Content-Type", "Link", "Content-Disposition", "Vary", "X-Truncated")

#: Pages (and their bytes, at most) kept per data version by :func:`cached_page`.
PAGE_CACHE_SIZE = 256
PAGE_CACHE_BYTES = 64_000_000


Page = tuple[bytes, list[tuple[str, str]], str]  # body, headers to keep, ETag


def _page_of(response: Response) -> Page:
    body = response.get_data()
    headers = [(k, v) for k, v in response.headers.items() if k in KEPT_HEADERS]
    return body, headers, hashlib.blake2b(body, digest_size=16).hexdigest()


def _new_page_cache() -> LruCache[Page]:
    return LruCache(PAGE_CACHE_SIZE, max_bytes=PAGE_CACHE_BYTES, size=lambda page: len(page[0]))


def cached_page(view: Callable[..., Any]) -> Callable[..., Response]:
    """Serve a GET view from the data version's cache of pages, with a strong ETag and
    ``304 Not Modified`` when ``If-None-Match`` matches.

    The key is the path, the host (the ``Link`` header holds absolute URLs) and the query
    arguments grouped by name (values of one name keep their order), and whether ``Accept``
    prefers CSV (:mod:`service.tables`); the lookup comes before
    argument parsing, so a hit costs no parsing and no graph call. Only 200 answers are kept.
    """

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        cache: LruCache[Page] = built().remember("page-cache", _new_page_cache)
        query = sorted(request.args.items(multi=True), key=lambda item: item[0])
        accept = negotiated(["application/json", CSV])
        key = (request.path, request.host_url, tuple(query), accept)
        page = cache.get(key)
        if page is None:
            response = current_app.make_response(view(*args, **kwargs))
            if response.status_code != 200:
                return response
            page = cache.put(key, _page_of(response))
        body, headers, etag = page
        response = Response(body, headers=headers)
        response.set_etag(etag)
        response.cache_control.no_cache = True  # reuse it, but ask first: data may reload
        response.make_conditional(request)  # in place (it returns the same response)
        return response

    return wrapper
