"""Text search over an :class:`~graph.timeline.paging.EventIndex`: which events a query
matches and how well.

A query is split into words (:func:`query_words`); an event matches when *every* word occurs
in its search text -- label, description, tags, actor and place labels, id -- compared
case- and accent-insensitively (:func:`fold`: ``"Économie"`` matches ``economie``). A match is
graded (:func:`grade`): a whole word beats the start of a word, which beats a substring
(``bank`` in ``Bank`` > ``banking`` > ``Sberbank``), and the label counts far more than the
rest. :func:`score` sums the grades; :func:`rank_matches` orders matches by score, then date
and id, which is what ``sort="relevance"`` of :func:`~graph.timeline.paging.query_events` and
:func:`search_events` return.
"""

from __future__ import annotations

import heapq
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from graph.data import Event

if TYPE_CHECKING:  # paging imports this module
    from graph.timeline.paging import EventIndex

#: Grades of one word in one text: not there, inside a word, starting a word, a whole word.
NONE, SUBSTRING, PREFIX, WHOLE = 0, 1, 2, 3
#: Points per grade, ordering matches lexicographically (a query has at most
#: :data:`MAX_WORDS` words): more words in the label first (10**6 each outweighs 100 words'
#: grade steps), then their grades in the label (1000 a step outweighs 100 words' 3 points
#: elsewhere), then the grades of the words found elsewhere.
LABEL_POINTS = (0, 10**6, 10**6 + 1000, 10**6 + 2000)
TEXT_POINTS = (0, 1, 2, 3)
MAX_WORDS = 100
_WORD = re.compile(r"\w+")


def fold(text: str) -> str:
    """``text`` case-folded and without accents (combining marks dropped after NFKD).

    >>> fold("Économie du Zürich-Bahnhof")
    'economie du zurich-bahnhof'
    """
    folded = text.casefold()
    if folded.isascii():
        return folded
    decomposed = unicodedata.normalize("NFKD", folded)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def query_words(query: str) -> tuple[str, ...]:
    """The distinct folded words of ``query``, longest first (the rarest, as a rule); a query
    without a letter or digit is one "word", itself stripped (``"$60"`` -> ``("60",)``,
    ``"--"`` -> ``("--",)``).

    >>> query_words("Bank shares, bank")
    ('shares', 'bank')
    """
    folded = fold(query)
    words = list(dict.fromkeys(_WORD.findall(folded))) or [folded.strip()]
    words = [w for w in words if w][:MAX_WORDS]
    return tuple(sorted(words, key=len, reverse=True))


def grade(text: str, word: str, begin: int = 0, end: int | None = None) -> int:
    """How ``word`` occurs in ``text[begin:end]``: :data:`WHOLE`, :data:`PREFIX`,
    :data:`SUBSTRING` or :data:`NONE` (both already folded).

    >>> [grade(t, "bank") for t in ("sberbank", "banking", "bank shares", "oil")]
    [1, 2, 3, 0]
    """
    end = len(text) if end is None else end
    best, size = NONE, len(word)
    at = text.find(word, begin, end)
    while at >= 0:
        if at == begin or not text[at - 1].isalnum():
            if at + size == end or not text[at + size].isalnum():
                return WHOLE
            best = PREFIX
        elif best == NONE:
            best = SUBSTRING
        at = text.find(word, at + 1, end)
    return best


@dataclass(frozen=True)
class SearchHit:
    """One event a query matches: its position in the index, its ``score`` (:func:`score`),
    the query words found in its label and those found only elsewhere (description, tags,
    actors, place, id)."""

    event: Event
    position: int
    score: int
    label_words: tuple[str, ...]
    other_words: tuple[str, ...]


def score(label: str, rest: str, words: Iterable[str]) -> tuple[int, tuple[str, ...]] | None:
    """The score of folded ``words`` in an event's folded ``label`` and the folded ``rest``
    of its text, and the words found in the label; None unless every word occurs.

    Each word found in the label adds :data:`LABEL_POINTS` of its grade there, any other
    word :data:`TEXT_POINTS` of its grade in the rest: more words in the label first, then
    whole words before prefixes before substrings.

    >>> score("bank and energy shares fall", " on 16 december", ["shares", "bank"])
    (2004000, ('shares', 'bank'))
    >>> score("banking rules", " sberbank", ["bank"]), score("oil", " sberbank", ["bank"])
    ((1001000, ('bank',)), (1, ()))
    >>> score("oil", "", ["bank"]) is None
    True
    """
    return _points(label + rest, 0, len(label), len(label) + len(rest), words)


def _points(
    text: str, begin: int, split: int, end: int, words: Iterable[str]
) -> tuple[int, tuple[str, ...]] | None:
    points = 0
    in_label: tuple[str, ...] = ()
    for word in words:
        found = grade(text, word, begin, split)
        if found:
            points += LABEL_POINTS[found]
            in_label += (word,)
            continue
        found = grade(text, word, split, end)
        if not found:
            return None
        points += TEXT_POINTS[found]
    return points, in_label


Key = tuple[int, int, str]


def rank_matches(
    index: EventIndex,
    positions: Iterable[int],
    query: str,
    *,
    limit: int | None = None,
    after: Key | None = None,
) -> list[SearchHit]:
    """The events at ``positions`` of ``index`` that match every word of ``query``, best
    first: by score, then by day (earliest first), then id (:func:`relevance_key`); only
    those ranked after the key ``after``, and at most ``limit`` of them (O(N log limit)).

    >>> from pathlib import Path
    >>> from graph.data.loader import load_dataset
    >>> from graph.timeline.paging import EventIndex
    >>> index = EventIndex.from_dataset(
    ...     load_dataset(Path(__file__).parents[2] / "tests" / "data" / "tiny.yaml"))
    >>> [(m.event.id, m.score) for m in rank_matches(index, range(len(index)), "MOSC")]
    [('ruble-falls', 2), ('rate-hike', 2)]
    >>> [(m.event.id, m.score) for m in rank_matches(index, range(len(index)), "moscow rate")]
    [('rate-hike', 1002003)]
    """
    words = query_words(query)
    text, offsets, label_ends, days, events = (
        index.text,
        index.offsets,
        index.label_ends,
        index.days,
        index.events,
    )
    keys = []
    for p in positions:
        begin = offsets[p]
        found = _points(text, begin, begin + label_ends[p], offsets[p + 1] - 1, words)
        if found is not None:
            key = (-found[0], days[p], events[p].id)
            if after is None or key > after:
                keys.append((key, p, found[1]))
    best = sorted(keys) if limit is None else heapq.nsmallest(limit, keys)
    return [
        SearchHit(events[p], p, -key[0], in_label, tuple(w for w in words if w not in in_label))
        for key, p, in_label in best
    ]


def relevance_key(index: EventIndex, match: SearchHit) -> Key:
    """The place of ``match`` in relevance order: score descending, then day, then id."""
    return -match.score, index.days[match.position], match.event.id


def event_texts(
    events: Iterable[Event], actors: dict[str, str], places: dict[str, str]
) -> Iterator[str]:
    """Each event's search text before folding: label first, then description, tags, actor
    and place labels and id (:func:`rank_matches` tells the label from the rest)."""
    return (
        f"{e.label} {e.description or ''} {' '.join(e.tags)} "
        f"{' '.join([actors.get(a, a) for a in e.actors])} "
        f"{places.get(e.place or '', e.place or '')} {e.id}"
        for e in events
    )
