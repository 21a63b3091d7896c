"""Named SPARQL queries shipped with the library (``*.rq``), also shown as examples in the UI."""

from __future__ import annotations

from pathlib import Path

QUERY_DIR = Path(__file__).parent


def query_names() -> list[str]:
    """Names of the shipped queries, sorted.

    >>> "key-rate-decisions" in query_names()
    True
    """
    return sorted(path.stem for path in QUERY_DIR.glob("*.rq"))


def load_query(name: str) -> str:
    """The text of the shipped query ``name``; ``KeyError`` if there is none."""
    if name not in query_names():
        raise KeyError(name)
    return (QUERY_DIR / f"{name}.rq").read_text(encoding="utf-8")
