"""Consistency checks over the whole dataset: causal links that run backwards in time, cycles
among directed links, and claims the dates contradict (:func:`check_consistency`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from itertools import pairwise

import networkx as nx

from graph.causal.graph import ALL_STATUSES, filtered_view
from graph.data import (
    Dataset,
    EventDate,
    find_cycles,
    starts_certainly_after,
)
from graph.vocab import DIRECTED_KINDS


@dataclass(frozen=True)
class TimeInversion:
    """A directed link whose cause certainly starts after its effect starts."""

    link: str
    cause: str
    effect: str
    cause_date: str
    effect_date: str
    status: str
    message: str


@dataclass(frozen=True)
class CausalCycle:
    """Directed links that lead back to where they started: ``events[i] -> events[i + 1]``
    by ``links[i]``, the last link closing the loop."""

    events: tuple[str, ...]
    links: tuple[str, ...]
    dates: tuple[str | None, ...]
    message: str


@dataclass(frozen=True)
class ContradictedClaim:
    """A claim that asserts a directed link whose cause certainly starts after its effect."""

    claim: str
    link: str
    cause: str
    effect: str
    cause_date: str
    effect_date: str
    message: str


@dataclass(frozen=True)
class Consistency:
    """What :func:`check_consistency` found; all three empty when the data is consistent."""

    time_inversions: tuple[TimeInversion, ...]
    cycles: tuple[CausalCycle, ...]
    contradicted_claims: tuple[ContradictedClaim, ...]


def check_consistency(dataset: Dataset, graph: nx.DiGraph) -> Consistency:
    """Links against time order, cycles among directed links, and claims the dates contradict.

    (a) Time inversions: links of a directed kind, at **any** status, whose cause certainly
    starts after its effect starts, honouring each date's precision
    (:func:`graph.data.dates.starts_certainly_after`). Validation rejects these for supported and
    qualified links; contested and unsupported ones may be wrong on purpose and are reported.
    (b) Cycles among links of a directed kind in ``graph``, at any status too, and the
    ``part_of`` edges the analyses follow with them (a whole that leads to one of its own parts
    closes a loop): one cycle per strongly connected component (``nx.find_cycle``), never an
    enumeration of all cycles. A ``part_of`` edge is never a time inversion: a part may start
    after its whole starts.
    (c) Contradicted claims: claims whose ``asserts_links`` include a link of (a); a claim is
    judged only by the links it asserts, not by the events it is ``about``.

    Parameters
    ----------
    dataset : Dataset
        The dataset (for dates, links and claims).
    graph : nx.DiGraph
        Its causal graph (:func:`~graph.causal.graph.build_causal_graph`), searched for cycles.

    Returns
    -------
    Consistency
        Each list in a stable order: link order of the file, then claim order.

    Examples
    --------
    >>> from pathlib import Path
    >>> from graph.causal.graph import build_causal_graph
    >>> from graph.data.loader import load_dataset
    >>> tiny = load_dataset(Path(__file__).parents[2] / "tests" / "data" / "tiny.yaml")
    >>> check_consistency(tiny, build_causal_graph(tiny))
    Consistency(time_inversions=(), cycles=(), contradicted_claims=())
    """
    dates = {event.id: event.date for event in dataset.events}
    inversions = {}
    for link in dataset.links:
        cause, effect = dates[link.cause], dates[link.effect]
        if link.kind in DIRECTED_KINDS and starts_certainly_after(cause, effect):
            message = (
                f"{link.cause} ({cause.edtf}) starts after its effect {link.effect} ({effect.edtf})"
            )
            inversions[link.id] = TimeInversion(
                link.id, link.cause, link.effect, cause.edtf, effect.edtf, link.status, message
            )
    claims = [
        ContradictedClaim(
            claim.id,
            link,
            found.cause,
            found.effect,
            found.cause_date,
            found.effect_date,
            f"claim {claim.id} asserts {link}, but {found.message}",
        )
        for claim in dataset.claims
        for link in claim.asserts_links
        if (found := inversions.get(link)) is not None
    ]
    cycles = _find_cycles(graph, dates)
    return Consistency(tuple(inversions.values()), cycles, tuple(claims))


def _find_cycles(graph: nx.DiGraph, dates: Mapping[str, EventDate]) -> tuple[CausalCycle, ...]:
    """One cycle per strongly connected component of directed links that has a loop, starting
    at its smallest event id; components ordered by that id. Every status counts: a cycle
    through a contested link is still a cycle of the data."""
    view = filtered_view(graph, statuses=ALL_STATUSES)
    cycles = []
    for cycle in find_cycles(view.edges, start=min):
        events = tuple(cycle.nodes[:-1])
        links = tuple(view.succ[cause][effect]["id"] for cause, effect in pairwise(cycle.nodes))
        stamps = tuple(dates[e].edtf if e in dates else None for e in events)
        names = " -> ".join(cycle.nodes)
        cycles.append(CausalCycle(events, links, stamps, f"causal links form a cycle: {names}"))
    return tuple(sorted(cycles, key=lambda cycle: cycle.events[0]))
