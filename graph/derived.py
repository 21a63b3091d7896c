"""The derived structures ``ekg build --store`` saves in the store's snapshot, per data version,
and what :class:`graph.pipeline.BuiltGraph` loads instead of building them (issue 19).

Saved by :func:`save_structures` (the hook :func:`graph.rdf.bulk.build_store_dir` calls before
the store's manifest), each in its own subdirectory of the snapshot (:data:`SAVED`) and
recording the data version of the snapshot it sits in:

* ``causal``: the causal graph (:mod:`graph.causal.frozen`);
* ``importance``: every event's causal importance (:mod:`graph.causal.importance`);
* ``index``: the event index (:mod:`graph.timeline.frozen`);
* ``window``: the whole dataset's timeline window, ranked by that importance
  (:func:`graph.timeline.frozen.write_window`), what the first ``/api/timeline/window`` reads.

:func:`load_saved` opens one for a given data version and gives ``None`` -- the caller then
builds it from the dataset -- when there is no snapshot, nothing saved, or what is saved is of
another version or damaged.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from graph.causal.frozen import load_causal, save_causal
from graph.causal.importance import importance, load_importance, write_importance
from graph.data import Dataset, collector_paused
from graph.data.snapshot import snapshot_meta
from graph.errors import EkgError
from graph.timeline import EventIndex
from graph.timeline.frozen import load_index, load_window, write_index, write_window
from graph.timeline.window import TimelineWindow

#: Each structure's subdirectory of the snapshot.
SAVED = {"causal": "causal", "index": "index", "importance": "importance", "window": "window"}


def load_saved(name: str, snapshot: Path | None, version: str, over: Any = None) -> Any:
    """Structure ``name`` (a key of :data:`SAVED`) as the build saved it in ``snapshot`` for
    data ``version``; ``over`` is the dataset an index is of, or the index a window is over.
    ``None`` when there is no snapshot, nothing saved, or what is saved is unusable or of
    another version: the caller then builds it."""
    if snapshot is None or not version:
        return None
    where = snapshot / SAVED[name]
    try:
        if name == "causal":
            return load_causal(where, version)
        if name == "importance":
            return load_importance(where, version)
        if name == "index":
            return load_index(where, over, version)
        return load_window(where, over, version)
    except (EkgError, OSError, ValueError, KeyError):
        return None


def save_structures(dataset: Dataset, snapshot: Path) -> None:
    """Compute the derived structures of ``dataset`` and save them in the snapshot directory,
    with the data version its ``snapshot.json`` (written before this hook runs) records.

    The causal graph is written from the dataset's records (:func:`save_causal`), not built:
    at a million events its dicts would be most of the build's peak memory. The importance is
    the dataset's, as :class:`graph.pipeline.BuiltGraph` computes it when nothing is saved.
    """
    meta = snapshot_meta(snapshot)
    version = "" if meta is None else str(meta["version"])
    with collector_paused():  # (millions of objects at a million events, none cyclic)
        save_causal(dataset, snapshot / SAVED["causal"], version)
        scores = importance(dataset)
        write_importance(scores, snapshot / SAVED["importance"], version)
        index = EventIndex.from_dataset(dataset)
        write_index(index, dataset, snapshot / SAVED["index"], version)
        window = TimelineWindow.build(index, scores)
        write_window(window, snapshot / SAVED["window"], version)
