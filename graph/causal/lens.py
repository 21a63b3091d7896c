"""Lenses: whose account of the causes an analysis follows.

A lens picks the links an analysis may follow:

- ``evidence`` (the default everywhere): the links the evidence supports, status
  ``supported`` or ``qualified`` -- the same links that are stated as direct triples in RDF;
- ``all``: every link, whatever its status;
- a narrative's id: the links that account asserts (:class:`graph.data.Narrative`), whatever
  their status, so the seed article's lens follows its contested and unsupported links too.

``statuses`` narrows any lens further (the statuses kept). When a caller gives statuses and no
lens, the lens is ``all``: ``status=contested`` alone means "the contested links".
:func:`apply_lens` turns a lens into the graph and statuses the analyses of
:mod:`graph.causal` take.

>>> from pathlib import Path
>>> from graph.data.loader import load_dataset
>>> from graph.causal.graph import build_causal_graph
>>> tiny = load_dataset(Path(__file__).parents[2] / "tests" / "data" / "tiny.yaml")
>>> view = apply_lens(build_causal_graph(tiny), tiny, "evidence")
>>> view.lens, sorted(view.statuses)
('evidence', ['qualified', 'supported'])
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import networkx as nx

from graph import vocab
from graph.causal.graph import ALL_STATUSES, assemble_causal_graph
from graph.data import Dataset, Link
from graph.errors import UnknownLensError

EVIDENCE, ALL = vocab.LENSES


@dataclass(frozen=True)
class LensView:
    """What an analysis looks at under ``lens``: ``graph`` and the ``statuses`` to keep."""

    lens: str
    graph: nx.DiGraph
    statuses: frozenset[str]


def check_lens(dataset: Dataset, lens: str) -> str:
    """``lens`` if it is ``evidence``, ``all`` or a narrative of ``dataset``; otherwise
    :class:`~graph.errors.UnknownLensError` naming the lenses there are."""
    if lens in vocab.LENSES or any(n.id == lens for n in dataset.narratives):
        return lens
    known = ", ".join([*vocab.LENSES, *(n.id for n in dataset.narratives)])
    raise UnknownLensError(f"unknown lens {lens!r}; the lenses are {known}")


def statuses_outside_lens(lens: str | None, statuses: Collection[str]) -> str | None:
    """Why ``statuses`` cannot be asked of ``lens``, or None: the ``evidence`` lens holds
    supported and qualified links only, so asking it for others is a mistake (``status``
    alone, or ``lens=all``, is what was meant), not an empty answer.

    >>> statuses_outside_lens("evidence", ["supported", "contested"])
    'the evidence lens holds supported and qualified links only, not contested'
    >>> statuses_outside_lens(None, ["contested"]) is None
    True
    """
    outside = [s for s in statuses if s not in vocab.ASSERTED_STATUSES]
    if lens != EVIDENCE or not outside:
        return None
    return f"the evidence lens holds supported and qualified links only, not {', '.join(outside)}"


def is_evidence(link: Link) -> bool:
    """Whether ``link`` is under the ``evidence`` lens: its status is supported or qualified."""
    return link.status in vocab.ASSERTED_STATUSES


def lens_links(dataset: Dataset, lens: str) -> tuple[Link, ...]:
    """The links of ``dataset`` under ``lens``, in file order.

    >>> from pathlib import Path
    >>> from graph.data.loader import load_dataset
    >>> tiny = load_dataset(Path(__file__).parents[2] / "tests" / "data" / "tiny.yaml")
    >>> len(lens_links(tiny, "all")) == len(tiny.links)
    True
    """
    check_lens(dataset, lens)
    if lens == ALL:
        return dataset.links
    if lens == EVIDENCE:
        return tuple(filter(is_evidence, dataset.links))
    return dataset.narrative_links(lens)


def apply_lens(
    graph: nx.DiGraph,
    dataset: Dataset,
    lens: str | None = None,
    statuses: Collection[str] | None = None,
) -> LensView:
    """The graph and statuses to analyse under ``lens`` (None: ``all`` if ``statuses`` are
    given, else ``evidence``), narrowed to ``statuses`` when given.

    ``graph`` is the dataset's whole causal graph (:func:`~graph.causal.graph.build_causal_graph`
    or one read back from a store). ``evidence`` and ``all`` analyse it as it is, through the
    status filter; a narrative gets a graph of its own, with every event of ``graph`` and only
    the narrative's links, so that a pair joined by links of several accounts is described by
    the narrative's link. Building that graph takes time linear in the events: cache it per
    data version (the service does).
    """
    if lens is None:
        lens = EVIDENCE if statuses is None else ALL
    check_lens(dataset, lens)
    wanted = ALL_STATUSES if statuses is None else frozenset(statuses)
    if lens == EVIDENCE:
        return LensView(lens, graph, wanted & vocab.ASSERTED_STATUSES)
    if lens == ALL:
        return LensView(lens, graph, wanted)
    return LensView(lens, narrative_graph(graph, dataset, lens), wanted)


def narrative_graph(graph: nx.DiGraph, dataset: Dataset, narrative: str) -> nx.DiGraph:
    """Every event of ``graph`` and only the links of ``narrative`` among them, with the
    ``part_of`` edges those links give (a cause of a part is a cause of the whole)."""
    nodes = (
        (node, {k: v for k, v in attrs.items() if k != "start"})
        for node, attrs in graph.nodes(data=True)
    )
    records = [
        (link.cause, link.effect, link.id, link.kind, float(link.confidence), link.status)
        for link in dataset.narrative_links(narrative)
        if link.cause in graph and link.effect in graph
    ]
    parts = [(e.id, e.part_of) for e in dataset.events if e.part_of]
    return assemble_causal_graph(graph.graph.get("dataset", ""), nodes, records, parts)


@dataclass(frozen=True)
class LensComparison:
    """The links of lens ``a`` and lens ``b``: only in ``a``, only in ``b``, in both (each in
    file order)."""

    a: str
    b: str
    only_a: tuple[Link, ...]
    only_b: tuple[Link, ...]
    both: tuple[Link, ...]


def compare_lenses(dataset: Dataset, a: str, b: str) -> LensComparison:
    """Which links two lenses (accounts) share and which only one of them holds.

    >>> from pathlib import Path
    >>> from graph.data.loader import load_dataset
    >>> tiny = load_dataset(Path(__file__).parents[2] / "tests" / "data" / "tiny.yaml")
    >>> found = compare_lenses(tiny, "all", "evidence")
    >>> len(found.both) + len(found.only_a) == len(tiny.links), found.only_b
    (True, ())
    """
    in_a, in_b = lens_links(dataset, a), lens_links(dataset, b)
    ids_a, ids_b = {link.id for link in in_a}, {link.id for link in in_b}
    return LensComparison(
        a,
        b,
        tuple(link for link in in_a if link.id not in ids_b),
        tuple(link for link in in_b if link.id not in ids_a),
        tuple(link for link in in_a if link.id in ids_b),
    )
