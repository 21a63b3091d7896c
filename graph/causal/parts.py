"""``part_of`` in the causal graph: a cause of a sub-event is a cause of the event it is part of.

For each link of a directed kind into a sub-event, :func:`add_part_of_edges` adds a structural
edge from the link's cause to the sub-event's parent -- and to the parent's parent, up the
chain -- of kind ``part_of``, with the link's confidence and status and the id
``part-of:<link id>`` (no link id, a slug, has a colon). So the 17 % hike's causes include the
troop deployment that led to EO 13660, a part of the first sanctions wave (errata 1).

Two things it never does. A part gets no edge to its whole: it would inherit the whole's
effects, some of them earlier than the part (Brent below $60 on 16 Dec is part of the oil slide
that weakened the ruble on 15 Dec). And no edge is added from a cause that certainly starts
after one of the whole's direct effects: it cannot be a cause of what came before it.

>>> import networkx as nx
>>> g = nx.DiGraph()
>>> g.add_nodes_from(["troops", "eo", "wave", "ruble"], date=None)
>>> g.add_edge("troops", "eo", id="t-eo", kind="causes", confidence=0.9, status="supported")
>>> g.add_edge("wave", "ruble", id="w-r", kind="causes", confidence=0.6, status="qualified")
>>> add_part_of_edges(g, [("eo", "wave")])
>>> g.edges["troops", "wave"]["id"], g.has_edge("eo", "wave")
('part-of:t-eo', False)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import networkx as nx

from graph.data import starts_certainly_after
from graph.vocab import ASSERTED_STATUSES, DIRECTED_KINDS, PART_OF


def precedence(attrs: Mapping[str, Any]) -> tuple[bool, bool, float]:
    """Which of the edges joining one pair describes it: an influence before a similarity, a
    link the evidence supports before a disputed one (so that filtering on the edge's status is
    filtering on its links'), then the higher confidence."""
    asserted = attrs["status"] in ASSERTED_STATUSES
    return (
        attrs["kind"] in DIRECTED_KINDS or attrs["kind"] == PART_OF,
        asserted,
        attrs["confidence"],
    )


def takes_over(attrs: Mapping[str, Any], old: Mapping[str, Any]) -> bool:
    """True if edge data ``attrs`` should describe a pair that ``old`` describes now: its
    :func:`precedence` is higher or, equal, its id is the smaller one -- so the result does not
    depend on the order the links are read in.

    >>> old = {"id": "b", "kind": "causes", "confidence": 0.5, "status": "supported"}
    >>> takes_over({**old, "id": "a"}, old), takes_over({**old, "confidence": 0.4}, old)
    (True, False)
    """
    return (precedence(attrs), old["id"]) > (precedence(old), attrs["id"])


def part_of_edge(link: Mapping[str, Any]) -> dict[str, Any]:
    """The attributes of the structural edge that ``link`` (edge data into a sub-event) gives
    from its cause to the sub-event's parent: kind ``part_of``, the link's confidence and
    status; its id names the link, ``part-of:<link id>``.

    >>> part_of_edge({"id": "troops-to-eo", "confidence": 0.9, "status": "supported"})["id"]
    'part-of:troops-to-eo'
    """
    return {
        "id": f"part-of:{link['id']}",
        "kind": PART_OF,
        "confidence": link["confidence"],
        "status": link["status"],
    }


def add_part_of_edges(graph: nx.DiGraph, parts: Iterable[tuple[str, str]]) -> None:
    """Add the ``part_of`` edges of ``parts`` (``(sub-event, parent)`` pairs) to ``graph``,
    whose links are all in place (see the module docs)."""
    parent = {part: whole for part, whole in parts if part in graph and whole in graph}
    for part in parent:
        incoming = [(c, d) for c, d in graph.pred[part].items() if d["kind"] in DIRECTED_KINDS]
        whole, seen = parent.get(part), {part}
        while whole is not None and whole not in seen:  # up the chain of parents
            seen.add(whole)
            for cause, link in incoming:
                if cause not in seen and not _after_an_effect(graph, cause, whole):
                    _add(graph, cause, whole, part_of_edge(link))
            whole = parent.get(whole)


def _after_an_effect(graph: nx.DiGraph, cause: str, whole: str) -> bool:
    """True if ``cause`` certainly starts after one of ``whole``'s direct effects."""
    date = graph.nodes[cause].get("date")
    if date is None:
        return False
    for effect, data in graph.succ[whole].items():
        other = graph.nodes[effect].get("date")
        directed = data["kind"] in DIRECTED_KINDS
        if directed and other is not None and starts_certainly_after(date, other):
            return True
    return False


def _add(graph: nx.DiGraph, cause: str, whole: str, attrs: dict[str, Any]) -> None:
    old: dict[str, Any] | None = graph.get_edge_data(cause, whole)
    if old is None:
        graph.add_edge(cause, whole, **attrs, links=[])
    elif old["kind"] in DIRECTED_KINDS and old["status"] in ASSERTED_STATUSES:
        return  # a link the evidence supports says more
    elif takes_over(attrs, old):  # over a disputed link, a similarity or a weaker part_of
        old.update(attrs)  # (keeping its links)
