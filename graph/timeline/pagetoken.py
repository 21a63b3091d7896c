"""Page tokens: the opaque ``after`` values of keyset paging (:mod:`graph.timeline.paging`).

A token names the last event of a page and its sort key (for the date sorts, the day key of
:func:`~graph.timeline.indexing.date_order`), so the next page starts right after it even
when events are added or removed between requests; if that event itself is gone, the next
page starts again at the beginning (``-date``: the end) of its day. It is ``v1.`` followed by
base64url text; anything else, or a token made for another sort order, is a
:class:`PageTokenError` that tells the client to start again.
"""

from __future__ import annotations

import base64
import zlib
from bisect import bisect_left, bisect_right
from typing import TYPE_CHECKING

from graph.data import Event
from graph.errors import PageTokenError
from graph.timeline.indexing import DAY
from graph.timeline.search import query_words

if TYPE_CHECKING:  # paging imports this module
    from graph.timeline.paging import EventIndex

_TOKEN_VERSION = "v1"
_RELEVANCE_VERSION = "r1"


def encode_token(index: EventIndex, p: int, sort: str) -> str:
    """``v1.`` + base64url of sort, id and sort key of the event at ``p`` (last on the page)."""
    event = index.events[p]
    key = label_key(event)[0] if sort == "label" else str(index.days[p])
    return pack_token(_TOKEN_VERSION, "\n".join((sort, event.id, key)))


def decode_token(index: EventIndex, token: str | None, sort: str) -> int | None:
    """The cut a token stands for: the first position after its event (``date``, ``label``),
    or the first one not before it (``-date``, which walks down from there)."""
    if token is None:
        return None
    token_sort, event_id, key = _read(token)
    if token_sort != sort:
        raise PageTokenError(
            f"the page token belongs to sort={token_sort}, not sort={sort}; start again without it"
        )
    events = index.events
    if sort == "label":
        probe = (key, event_id)
        return bisect_right(index.by_label, probe, key=lambda p: label_key(events[p]))
    if not (key.isascii() and key.isdigit()):
        raise PageTokenError(f"{token[:40]!r} is not a valid page token: bad date key")
    day = int(key) - int(key) % DAY  # (earlier tokens held the start itself)
    first = bisect_left(index.days, day)
    stop = bisect_right(index.days, day, first)
    for p in range(first, stop):  # a day holds few events, not in id order (date_order)
        if events[p].id == event_id:
            return p if sort == "-date" else p + 1
    # The event is gone, so its place in its day is unknown: show that whole day again
    # rather than skip any of it.
    return stop if sort == "-date" else first


def encode_relevance_token(query: str, key: tuple[int, int, str]) -> str:
    """``r1.`` + base64url of the query's checksum and the relevance key (score, day, id)
    of the last match on a page (:func:`~graph.timeline.search.relevance_key`)."""
    points, day, event_id = key
    payload = "\n".join((_checksum(query), str(-points), str(day), event_id))
    return pack_token(_RELEVANCE_VERSION, payload)


def decode_relevance_token(token: str, query: str) -> tuple[int, int, str]:
    """The relevance key a token of :func:`encode_relevance_token` holds; a token of another
    sort or made for another query is a :class:`PageTokenError`."""
    if not token.startswith(_RELEVANCE_VERSION + "."):
        raise PageTokenError(
            "the page token belongs to another sort than sort=relevance; start again without it"
        )
    try:
        checksum, points, day, event_id = unpack_token(token, _RELEVANCE_VERSION).split("\n", 3)
        key = (-int(points), int(day), event_id)
    except ValueError as exc:
        raise _invalid(token) from exc
    if checksum != _checksum(query):
        raise PageTokenError("the page token belongs to another query q; start again without it")
    return key


def _checksum(query: str) -> str:
    return format(zlib.crc32(" ".join(sorted(query_words(query))).encode()), "08x")


def _read(token: str) -> tuple[str, str, str]:
    try:
        sort, event_id, key = unpack_token(token, _TOKEN_VERSION).split("\n", 2)
    except ValueError as exc:
        raise _invalid(token) from exc
    return sort, event_id, key


def pack_token(version: str, payload: str) -> str:
    """An opaque page token: ``version``, a dot, and ``payload`` as unpadded base64url.

    >>> pack_token("l1", "a-link")
    'l1.YS1saW5r'
    >>> unpack_token(pack_token("l1", "a-link"), "l1")
    'a-link'
    """
    return f"{version}.{base64.urlsafe_b64encode(payload.encode()).decode().rstrip('=')}"


def unpack_token(token: str, version: str) -> str:
    """The payload of a token :func:`pack_token` made with ``version``; anything else is a
    :class:`PageTokenError` telling the client to start again."""
    prefix, _, body = token.partition(".")
    try:
        if prefix != version:
            raise ValueError(prefix)
        padded = body + "=" * (-len(body) % 4)
        payload = base64.b64decode(padded, altchars=b"-_", validate=True).decode()
    except ValueError as exc:  # binascii.Error and UnicodeDecodeError are ValueErrors
        raise _invalid(token) from exc
    if not payload:
        raise _invalid(token)
    return payload


def _invalid(token: str) -> PageTokenError:
    return PageTokenError(
        f"{token[:40]!r} is not a valid page token; use the `next` value of a previous "
        "page, or start again without it"
    )


def label_key(event: Event) -> tuple[str, str]:
    """The label sort key: case-folded label, then id."""
    return event.label.casefold(), event.id
