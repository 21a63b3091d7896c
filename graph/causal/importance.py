"""How important each event is to the causal story: a cheap causal centrality in 0..1.

:func:`importance` scores every event on the evidence lens (links of a directed kind,
:data:`graph.vocab.DIRECTED_KINDS`, stated as facts: :data:`graph.vocab.ASSERTED_STATUSES`,
supported and qualified). An event's *weight* is the sum of the confidences of its links, in
and out (its weighted degree); its score adds half the weight of its neighbours, so that a
link into a hub counts more than a link into a leaf (two hops of centrality, in both
directions), and the scores are divided by the highest. An event without such a link scores
0. One pass over the events and two over the links: O(n + m), fit for a million events. The
home page uses it to decide which labels stay when they would collide (as Histropedia ranks
events by importance).

>>> from graph.causal.graph import build_graph_from_links
>>> g = build_graph_from_links([("opec", "oil", 0.9), ("oil", "ruble", 0.8)])
>>> scores = importance(g)
>>> scores["oil"], scores["opec"] < scores["oil"], round(scores["ruble"], 3)
(1.0, True, 0.61)

Saved per data version: ``write_importance(scores, directory, version="")`` writes the
scores (``directory`` is replaced whole: :func:`graph.data.arrays.write_frozen`);
``load_importance(directory, version=None)`` maps them back in milliseconds as a read-only
``Mapping[str, float]`` equal to what :func:`importance` returns (same order, same values), or
raises :class:`~graph.errors.DerivedDataError`. A lookup finds the id's row among the saved
sorted ids; an id -> score dict (a second at a million events) is made only once thousands of
ids were asked for one by one.

>>> import tempfile
>>> from pathlib import Path
>>> folder = Path(tempfile.mkdtemp()) / "importance"
>>> write_importance(scores, folder)
>>> loaded = load_importance(folder)
>>> loaded == scores, loaded.get("nowhere", 0.0)
(True, 0.0)
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import networkx as nx
import numpy as np

from graph.data import Dataset
from graph.data.arrays import IdTable, open_frozen, save_array, write_frozen
from graph.vocab import ASSERTED_STATUSES, DIRECTED_KINDS

#: How much a neighbour's weight adds to an event's score.
NEIGHBOUR_SHARE = 0.5


def _edges(
    graph_or_dataset: nx.DiGraph | Dataset,
) -> tuple[list[str], tuple[list[str], list[str], array]]:
    """Event ids and the causes, effects and confidences of the evidence lens's directed
    links, as three columns (a list of tuples would cost 150 MB at a million events, in the
    build, while its memory peaks)."""
    if isinstance(graph_or_dataset, Dataset):
        events = [event.id for event in graph_or_dataset.events]
        links: Iterable[tuple[str, str, str, str, float]] = (
            (link.cause, link.effect, link.kind, link.status, float(link.confidence))
            for link in graph_or_dataset.links
        )
    else:
        events = [str(node) for node in graph_or_dataset.nodes]
        links = (
            (
                str(cause),
                str(effect),
                str(data.get("kind", "causes")),
                str(data.get("status", "supported")),
                float(data.get("confidence", 1.0)),
            )
            for cause, effect, data in graph_or_dataset.edges(data=True)
        )
    causes, effects, confidences = list[str](), list[str](), array("d")
    for cause, effect, kind, status, confidence in links:
        if kind in DIRECTED_KINDS and status in ASSERTED_STATUSES and cause != effect:
            causes.append(cause)
            effects.append(effect)
            confidences.append(confidence)
    return events, (causes, effects, confidences)


def importance(graph_or_dataset: nx.DiGraph | Dataset) -> dict[str, float]:
    """Event id -> importance in 0..1 (1 for the most central event, 0 for an unlinked one).

    Parameters
    ----------
    graph_or_dataset : nx.DiGraph or Dataset
        A dataset, or a causal graph (:func:`graph.causal.graph.build_causal_graph`, or any
        ``DiGraph`` whose edges may carry ``kind``, ``status`` and ``confidence``; missing ones
        count as a supported ``causes`` link of confidence 1). Only the evidence lens counts:
        directed kinds at supported or qualified status.

    Returns
    -------
    dict[str, float]
        Every event (node) of the input, in its order, with its score rounded to 4 places.
    """
    events, columns = _edges(graph_or_dataset)
    weight = dict.fromkeys(events, 0.0)
    del events
    for cause, effect, confidence in zip(*columns, strict=True):
        weight[cause] = weight.get(cause, 0.0) + confidence
        weight[effect] = weight.get(effect, 0.0) + confidence
    score = dict(weight)
    share = NEIGHBOUR_SHARE
    for cause, effect, confidence in zip(*columns, strict=True):
        score[cause] += share * confidence * weight[effect]
        score[effect] += share * confidence * weight[cause]
    del weight, columns
    top = max(score.values(), default=0.0)
    if top <= 0:
        return dict.fromkeys(score, 0.0)
    scale = 1.0 / top
    return {event: round(value * scale, 4) if value else 0.0 for event, value in score.items()}


KIND = "importance"


def write_importance(scores: Mapping[str, float], directory: str | Path, version: str = "") -> None:
    """Write ``scores`` (as :func:`importance` returns them) to ``directory``, recording the
    data ``version``."""

    def fill(folder: Path) -> None:
        IdTable.write(folder, "event", scores)
        save_array(folder, "score", list(scores.values()), np.float64)

    write_frozen(Path(directory), KIND, fill, {"version": version, "events": len(scores)})


def load_importance(directory: str | Path, version: str | None = None) -> Mapping[str, float]:
    """The scores saved in ``directory`` by :func:`write_importance` (see the module docs);
    with ``version``, only if saved for that data version."""
    frozen = open_frozen(Path(directory), KIND, version)
    return SavedScores(IdTable.open(frozen, "event"), frozen.array("score"))


class SavedScores(Mapping[str, float]):
    """Event id -> importance, read from arrays: a lookup finds the id's row among the sorted
    ids (O(log N), no dict of every id); past :attr:`LOOKUPS` of them (a whole-data pass, such
    as ranking every event), the id -> score dict is made once and answers the rest."""

    #: Lookups answered by row before the dict is made.
    LOOKUPS = 4096

    def __init__(self, events: IdTable, scores: np.ndarray) -> None:
        self.events, self.scores = events, scores
        self._made: dict[str, float] | None = None
        self._asked = 0

    def _dict(self) -> dict[str, float]:
        if self._made is None:
            self._made = dict(zip(self.events, self.scores.tolist(), strict=True))
        return self._made

    def __getitem__(self, event: str) -> float:
        if self._made is not None or self._asked >= self.LOOKUPS:
            return self._dict()[event]
        self._asked += 1
        row = self.events.position(event)
        if row is None:
            raise KeyError(event)
        return float(self.scores[row])

    def __iter__(self) -> Iterator[str]:
        return iter(self.events)

    def __len__(self) -> int:
        return len(self.events)
