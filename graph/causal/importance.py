"""How much each event matters to the causal story: a score per event, in O(N + M).

A placeholder of the causal-centrality score (the ``legible`` branch of issue 18 brings the
full one under the same name and signature): here an event's score is its degree in the
asserted causal links (supported and qualified), each link weighted by its confidence,
counted for both its cause and its effect, plus 1/8 of the degree over links of any status,
so that every linked event outranks an unlinked one. Deterministic: the same data give the
same scores, and ties are broken by the callers (the timeline window breaks them by date
order).

>>> from pathlib import Path
>>> from graph.data.loader import load_dataset
>>> ds = load_dataset(Path(__file__).parents[2] / "tests" / "data" / "tiny.yaml")
>>> scores = importance(ds)
>>> len(scores) == len(ds.events), min(scores.values()) >= 0
(True, True)
"""

from __future__ import annotations

import networkx as nx

from graph import vocab
from graph.data import Dataset

__all__ = ["importance"]

#: What a link of a status outside the evidence adds, relative to an asserted one.
OTHER_STATUS_WEIGHT = 0.125


def importance(graph_or_dataset: Dataset | nx.DiGraph) -> dict[str, float]:
    """Score every event of a :class:`~graph.data.Dataset` (or every node of a causal graph
    built by :func:`~graph.causal.build_causal_graph`) by its weighted causal degree.

    >>> g = nx.DiGraph([("a", "b"), ("b", "c")])
    >>> importance(g)
    {'a': 1.0, 'b': 2.0, 'c': 1.0}
    """
    if isinstance(graph_or_dataset, nx.DiGraph):
        return {str(node): float(degree) for node, degree in graph_or_dataset.degree()}
    dataset = graph_or_dataset
    scores = dict.fromkeys((event.id for event in dataset.events), 0.0)
    for link in dataset.links:
        weight = (
            float(link.confidence) if link.status in vocab.ASSERTED_STATUSES else 0.0
        ) + OTHER_STATUS_WEIGHT
        for end in (link.cause, link.effect):
            if end in scores:
                scores[end] += weight
    return scores
