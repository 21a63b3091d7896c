"""Named SPARQL queries shipped with the library (``*.rq``), also shown as examples in the UI."""

from __future__ import annotations

from pathlib import Path

QUERY_DIR = Path(__file__).parent

#: The base IRI the shipped queries are written for (``dataset.base`` of the shipped
#: ``events.yaml``); :func:`load_query` rewrites it to the base a service actually uses.
QUERY_BASE = "http://example.org/ekg/id/"


def query_names() -> list[str]:
    """Names of the shipped queries, sorted.

    >>> "key-rate-decisions" in query_names()
    True
    """
    return sorted(path.stem for path in QUERY_DIR.glob("*.rq"))


def load_query(name: str, base: str | None = None) -> str:
    """The text of the shipped query ``name``; ``KeyError`` if there is none.

    With ``base``, the IRIs written under :data:`QUERY_BASE` are moved under ``base``, so that
    the examples still find their events when the data is served under another base IRI.

    >>> "<https://data.example.net/id/event/cbr-hike-to-17>" in load_query(
    ...     "causes-of-rate-hike", base="https://data.example.net/id/")
    True
    """
    if name not in query_names():
        raise KeyError(name)
    text = (QUERY_DIR / f"{name}.rq").read_text(encoding="utf-8")
    return text if base is None or base == QUERY_BASE else text.replace(QUERY_BASE, base)
