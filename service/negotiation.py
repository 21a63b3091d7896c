"""HTTP content negotiation with q-values (RFC 9110 §12.5.1).

The client's preference decides: highest quality first; among equal qualities the media range
listed first in the ``Accept`` header wins (document order); a more specific range
(``text/csv`` over ``text/*`` over ``*/*``) sets the quality of the types it matches. A missing
``Accept`` header accepts anything, and then the server's first offer is chosen.

>>> offers = ["application/json", "text/csv"]
>>> choose("text/csv;q=0.5, application/json", offers)
'application/json'
>>> choose("text/csv, application/json", offers)
'text/csv'
>>> choose("image/png", ["text/csv"]) is None
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class MediaRange:
    """One entry of an Accept header."""

    type: str
    subtype: str
    quality: float
    position: int

    @property
    def specificity(self) -> int:
        """2 for ``type/subtype``, 1 for ``type/*``, 0 for ``*/*``."""
        return (self.type != "*") + (self.subtype != "*")

    def matches(self, media_type: str) -> bool:
        main, _, sub = media_type.partition("/")
        return self.type in ("*", main) and self.subtype in ("*", sub)


def parse_accept(header: str | None) -> list[MediaRange]:
    """Media ranges of an Accept header; malformed entries and parameters other than q are
    ignored, an unparsable q counts as 0.

    >>> [(r.type, r.subtype, r.quality) for r in parse_accept("text/*;q=0.3, */*;q=0.1")]
    [('text', '*', 0.3), ('*', '*', 0.1)]
    """
    if header is None or not header.strip():
        return [MediaRange("*", "*", 1.0, 0)]
    ranges = []
    for position, item in enumerate(header.split(",")):
        media, *params = (part.strip() for part in item.split(";"))
        main, slash, sub = media.lower().partition("/")
        if not slash or not main or not sub:
            continue
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = min(max(float(value.strip()), 0.0), 1.0)
                except ValueError:
                    quality = 0.0
        ranges.append(MediaRange(main, sub, quality, position))
    return ranges


def choose(header: str | None, offers: Sequence[str]) -> str | None:
    """The offer the client prefers, or ``None`` if it accepts none of them."""
    return _choose(header, tuple(offers))


@lru_cache(maxsize=512)
def _choose(header: str | None, offers: tuple[str, ...]) -> str | None:
    """:func:`choose`, remembered: clients send the same few Accept headers again and again."""
    ranges = parse_accept(header)
    best: tuple[float, int, int] | None = None
    chosen = None
    for rank, offer in enumerate(offers):
        matching = [r for r in ranges if r.matches(offer)]
        if not matching:
            continue
        # The most specific range that matches decides the quality (RFC 9110 §12.5.1).
        top = max(matching, key=lambda r: (r.specificity, -r.position))
        if top.quality <= 0:
            continue
        key = (-top.quality, top.position, rank)
        if best is None or key < best:
            best, chosen = key, offer
    return chosen
