"""What a request is answered from: one data generation and its query engine.

Every view reaches the data through :func:`built` and :func:`engine`. The first call in a
request pins the generation being served at that moment (in :data:`flask.g`), so a request
that is in flight when a new generation is swapped in finishes on the one it started with,
and no response mixes two versions. :func:`stamp_version` names that version in the
``EKG-Version`` header of every response that read the data, so a page can tell that a later
answer comes from another version than the one it shows.
"""

from __future__ import annotations

from flask import Response, current_app, g

from graph.pipeline import BuiltGraph
from service.runtime.engine import QueryEngine
from service.runtime.reload import Generation


def generation() -> Generation:
    """The generation this request is answered from (pinned at the first call)."""
    pinned: Generation | None = g.get("ekg_generation")
    if pinned is None:
        pinned = g.ekg_generation = current_app.extensions["ekg_generations"].acquire()
    return pinned


def built() -> BuiltGraph:
    """The data version this request is answered from."""
    return generation().built


def engine() -> QueryEngine:
    """The query engine of the same generation as :func:`built`."""
    return generation().engine


def release(_error: BaseException | None = None) -> None:
    """At the end of a request: give back the generation it pinned, if any."""
    pinned = g.pop("ekg_generation", None)
    if pinned is not None:
        current_app.extensions["ekg_generations"].release(pinned)


#: The response header naming the data version (``BuiltGraph.version``) an answer was made from.
VERSION_HEADER = "EKG-Version"


def stamp_version(response: Response) -> Response:
    """After a request that read the data: name the version it was answered from."""
    pinned = g.get("ekg_generation")
    if pinned is not None:
        response.headers[VERSION_HEADER] = pinned.built.version
    return response
