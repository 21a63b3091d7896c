"""The service answering from a synthetic dataset built in memory, with no YAML to parse.

:func:`serve_synthetic` swaps a :func:`~support.synthetic.generate_dataset` dataset into a
running app (as a reload would), so that the page, the JSON API and the timeline windows
answer from N synthetic events. Its store is an empty in-memory Oxigraph store: ``/sparql``
answers nothing; the page and ``/api`` read the dataset and its index, which is what the
timeline tests and the page benchmark exercise.
"""

from __future__ import annotations

from flask import Flask

from graph.pipeline import BuiltGraph
from graph.store.backends.oxigraph import OxigraphStore
from support.synthetic import generate_dataset

__all__ = ["serve_synthetic"]


def serve_synthetic(app: Flask, events: int, seed: int = 42, *, warm: bool = True) -> BuiltGraph:
    """Serve ``events`` synthetic events from ``app``; with ``warm``, build the index and
    the timeline window of the whole dataset before the first request."""
    from service.views.window import timeline_window

    dataset = generate_dataset(events, seed)
    built = BuiltGraph(dataset, OxigraphStore(), 0.0, version=f"synthetic-{events}-{seed}")
    if warm:
        timeline_window(built, None, ())
    app.extensions["ekg_generations"].serve(built)
    return built
