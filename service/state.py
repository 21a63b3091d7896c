"""What a request is answered from: one data generation and its query engine.

Every view reaches the data through :func:`built` and :func:`engine`. The first call in a
request pins the generation being served at that moment (in :data:`flask.g`), so a request
that is in flight when a new generation is swapped in finishes on the one it started with,
and no response mixes two versions.
"""

from __future__ import annotations

from flask import current_app, g

from graph.pipeline import BuiltGraph
from service.engine import QueryEngine


def built() -> BuiltGraph:
    """The data version this request is answered from."""
    if "ekg_built" not in g:
        g.ekg_built = current_app.extensions["ekg"]
        g.ekg_engine = current_app.extensions["ekg_engine"]
    return g.ekg_built  # type: ignore[no-any-return]


def engine() -> QueryEngine:
    """The query engine of the same generation as :func:`built`."""
    built()
    return g.ekg_engine  # type: ignore[no-any-return]
