"""Select part of the causal graph and export it: Cytoscape elements, GraphViz DOT and SVG."""

from __future__ import annotations

import heapq
import shutil
import subprocess
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from itertools import chain as chain_iter
from itertools import pairwise
from typing import Any

import networkx as nx

from graph.causal.graph import filtered_view, link_filter, reach, require_events
from graph.data import EventDate
from graph.data.datetext import date_precision, display_date
from graph.errors import GraphvizError

MAX_SELECT_DEPTH = 6

_DOT_STYLES = {"contested": "dashed", "unsupported": "dotted"}
_DOT_COLORS = {
    "causes": "#1f4e79",
    "enables": "#2e7d32",
    "prevents": "#b71c1c",
    "contributes_to": "#4a6fa5",
    "correlates_with": "#8c8c8c",
    "similar_to": "#8c8c8c",
    "part_of": "#b0b0b0",  # structural: a sub-event -> the event it is part of
}


#: The most events an export selects: around a focus (besides it), or of the whole graph.
MAX_SELECT_EVENTS = 1000


@dataclass(frozen=True)
class Selection:
    """The part of the graph to export (:func:`select_graph`) and whether a cap cut it.

    ``total`` counts the events the selection holds without the cap -- exactly when
    ``exact``, else at least (a walk around a focus stops soon after the cap); ``graph`` holds
    ``len(graph)`` of them, fewer when ``truncated``.
    """

    graph: nx.DiGraph
    total: int
    exact: bool = True

    @property
    def truncated(self) -> bool:
        return len(self.graph) < self.total


def select_subgraph(
    graph: nx.DiGraph,
    *,
    focus: str | None = None,
    depth: int = 1,
    chain: Iterable[str] | None = None,
    limit: int = MAX_SELECT_EVENTS,
    statuses: Collection[str] | None = None,
    kinds: Collection[str] | None = None,
) -> nx.DiGraph:
    """The part of the graph to draw: around one event, along a chain, or both.

    ``focus`` selects the event and every event within ``depth`` links of it in either
    direction (at most :data:`MAX_SELECT_DEPTH`, and at most ``limit`` events besides the
    focus, the nearest first), with all the filtered links among them. ``chain`` selects the
    listed events and the links between consecutive ones. With neither, the whole filtered
    graph, at most ``limit`` events (the best connected first). :func:`select_graph` says
    whether ``limit`` cut the selection.

    Parameters
    ----------
    graph : nx.DiGraph
        A causal graph (:func:`build_causal_graph`).
    focus : str, optional
        Event id at the centre.
    depth : int, default 1
        Links from ``focus``; clamped to 0 .. :data:`MAX_SELECT_DEPTH`.
    chain : iterable of str, optional
        Event ids, e.g. ``Chain.events``.
    limit : int, default :data:`MAX_SELECT_EVENTS`
        Most events selected around ``focus``, or in the whole graph.
    statuses, kinds : collection of str, optional
        Link filter, as in :func:`filtered_view`.

    Returns
    -------
    nx.DiGraph
        A read-only view; node and edge attributes are those of ``graph``.

    Raises
    ------
    UnknownEventError
        If ``focus`` or an event of ``chain`` is not an event of ``graph``.

    Examples
    --------
    >>> from graph.causal.graph import build_graph_from_links
    >>> g = build_graph_from_links([("opec", "oil", 0.9), ("oil", "ruble", 0.8),
    ...                             ("ruble", "hike", 0.9), ("oil", "hike", 0.5)])
    >>> sorted(select_subgraph(g, focus="ruble").edges)
    [('oil', 'hike'), ('oil', 'ruble'), ('ruble', 'hike')]
    >>> sorted(select_subgraph(g, chain=["opec", "oil", "hike"]).edges)
    [('oil', 'hike'), ('opec', 'oil')]
    """
    options = {"statuses": statuses, "kinds": kinds}
    return select_graph(graph, focus=focus, depth=depth, chain=chain, limit=limit, **options).graph


def select_graph(
    graph: nx.DiGraph,
    *,
    focus: str | None = None,
    depth: int = 1,
    chain: Iterable[str] | None = None,
    limit: int = MAX_SELECT_EVENTS,
    statuses: Collection[str] | None = None,
    kinds: Collection[str] | None = None,
) -> Selection:
    """:func:`select_subgraph`, with the number of events the selection holds without
    ``limit``: an export says when it was cut, never silently.

    Examples
    --------
    >>> from graph.causal.graph import build_graph_from_links
    >>> g = build_graph_from_links([("opec", "oil", 0.9), ("oil", "ruble", 0.8),
    ...                             ("ruble", "hike", 0.9), ("oil", "hike", 0.5)])
    >>> whole = select_graph(g, limit=3)
    >>> sorted(whole.graph), whole.total, whole.truncated
    (['hike', 'oil', 'ruble'], 4, True)
    >>> near = select_graph(g, focus="opec", depth=2, limit=1)
    >>> sorted(near.graph), near.total, near.exact, near.truncated
    (['oil', 'opec'], 3, False, True)

    Around a focus the walk stops at the first event past ``limit``: ``total`` is then a lower
    bound (``exact`` false), so a hub with a huge neighbourhood costs O(limit), not O(N).
    """
    view = filtered_view(graph, statuses=statuses, kinds=kinds)
    limit = max(limit, 0)
    if focus is None and chain is None:
        return _whole(view, limit)
    around: set[str] = set()
    total, cut = 0, False
    if focus is not None:
        require_events(graph, focus)
        depth = min(max(depth, 0), MAX_SELECT_DEPTH)
        # breadth first, the nearest first; stops at the first event past the limit
        found, cut = reach(_neighbourhood(view), [focus], max_depth=depth, limit=limit)
        around = {focus, *found}
        total = len(found) + 1 + cut
    events = list(chain or ())
    require_events(graph, *events)
    total += len(set(events) - around)
    links = {edge for u, v in pairwise(events) for edge in ((u, v), (v, u)) if view.has_edge(*edge)}
    keeps = link_filter(statuses=statuses, kinds=kinds)
    selected: nx.DiGraph = nx.subgraph_view(
        graph,
        filter_node=nx.filters.show_nodes(around.union(events)),
        filter_edge=lambda u, v: (
            (u, v) in links or (u in around and v in around and keeps(graph.succ[u][v]))
        ),
    )
    return Selection(selected, total, exact=not cut)


def _whole(view: nx.DiGraph, limit: int) -> Selection:
    """The whole filtered graph, or its ``limit`` best connected events (most links, then id)."""
    if len(view) <= limit:
        return Selection(view, len(view))
    links: Counter[str] = Counter(chain_iter.from_iterable(view.edges()))  # one pass
    kept = heapq.nsmallest(limit, view, key=lambda node: (-links[node], node))
    selected: nx.DiGraph = nx.subgraph_view(view, filter_node=nx.filters.show_nodes(kept))
    return Selection(selected, len(view))


def _neighbourhood(view: nx.DiGraph) -> Callable[[str], Iterable[str]]:
    return lambda node: chain_iter(view.successors(node), view.predecessors(node))


def to_cytoscape(graph: nx.DiGraph) -> dict[str, Any]:
    """The graph as Cytoscape.js elements JSON, nodes and edges sorted by id.

    >>> from graph.causal.graph import build_graph_from_links
    >>> g = build_graph_from_links([("opec", "oil", 0.9)])
    >>> to_cytoscape(g)["elements"]["edges"]
    [{'data': {'id': 'opec>oil', 'source': 'opec', 'target': 'oil', 'kind': 'causes', \
'confidence': 0.9, 'status': 'supported'}}]
    """
    nodes = [
        {"data": {"id": node, **_node_data(node, data)}}
        for node, data in sorted(graph.nodes(data=True), key=lambda item: item[0])
    ]
    edges = [
        {
            "data": {
                "id": data["id"],
                "source": cause,
                "target": effect,
                "kind": data["kind"],
                "confidence": data["confidence"],
                "status": data["status"],
            }
        }
        for cause, effect, data in sorted(graph.edges(data=True), key=_edge_order)
    ]
    return {"elements": {"nodes": nodes, "edges": edges}}


def _node_data(node: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """Label, lane, type and the date of a node: ``start`` and ``end`` are the ISO forms of
    the date's bounds as written (``1998`` starts ``1998-01-01`` and ends ``1998-12-31``),
    so read them with ``precision`` (``year``, ``month``, ``day``, ``instant`` or
    ``interval``); ``date`` is the EDTF text and ``display_date`` the date in words at its
    own precision (``1998``, never ``1 January 1998``). All are null for an undated node."""
    date: EventDate | None = data.get("date")
    return {
        "label": data.get("label", node),
        "lane": data.get("lane"),
        "type": data.get("type"),
        "start": data.get("start"),
        "end": date.end.isoformat() if date else None,
        "precision": date_precision(date) if date else None,
        "date": date.edtf if date else None,
        "display_date": display_date(date) if date else None,
    }


def _edge_order(edge: tuple[str, str, Mapping[str, Any]]) -> tuple[str, str, str]:
    return edge[2]["id"], edge[0], edge[1]


def to_dot(graph: nx.DiGraph, *, title: str | None = None, note: str | None = None) -> str:
    """The graph in the GraphViz DOT language, left to right, ready for :func:`render_svg`.

    Nodes are labelled with their label and EDTF date, edges are coloured by kind, dashed when
    contested, dotted when unsupported, and thicker the higher their confidence. Every string
    is quoted and escaped (quotes, backslashes, newlines), so labels may contain any
    character; the file is UTF-8. In the SVG, nodes get the id ``event-<id>`` and edges
    ``link-<id>``.

    Parameters
    ----------
    graph : nx.DiGraph
        A causal graph or a selection of it (:func:`select_subgraph`).
    title : str, optional
        Shown at the top of the drawing.
    note : str, optional
        Shown under the title, and written as a comment first (e.g. that a cap cut the
        selection).

    Returns
    -------
    str

    Examples
    --------
    >>> from graph.causal.graph import build_graph_from_links
    >>> g = build_graph_from_links([("a", "b", 0.5, {"status": "contested"})])
    >>> g.nodes["a"]["label"] = 'The "Black Monday"'
    >>> print(to_dot(g, title="Rouble"))  # doctest: +ELLIPSIS
    digraph causal {
      graph [rankdir=LR, charset="UTF-8", label="Rouble", labelloc=t];
      ...
      "a" [id="event-a", label="The \\"Black Monday\\""];
      "b" [id="event-b", label="b"];
      "a" -> "b" [id="link-a>b", color="#1f4e79", style=dashed, penwidth=2.50, tooltip="..."];
    }
    """
    label = "\n".join(text for text in (title, note) if text)
    head = 'rankdir=LR, charset="UTF-8"' + (f", label={_dot(label)}, labelloc=t" if label else "")
    lines = [
        *(f"// {line}" for line in (note or "").splitlines()),
        "digraph causal {",
        f"  graph [{head}];",
        '  node [shape=box, style=rounded, fontname="Helvetica", fontsize=10];',
        '  edge [fontname="Helvetica", fontsize=9];',
    ]
    for node, data in sorted(graph.nodes(data=True), key=lambda item: item[0]):
        date = data.get("date")
        label = str(data.get("label", node)) + (f"\n{date.edtf}" if date is not None else "")
        lines.append(f"  {_dot(node)} [id={_dot('event-' + node)}, label={_dot(label)}];")
    for cause, effect, data in sorted(graph.edges(data=True), key=_edge_order):
        confidence = data["confidence"]
        tooltip = f"{data['id']}: {data['kind']}, confidence {confidence:g}, {data['status']}"
        color = _DOT_COLORS.get(data["kind"], "#000000")
        attrs = (
            f"id={_dot('link-' + data['id'])}, color={_dot(color)}, "
            f"style={_DOT_STYLES.get(data['status'], 'solid')}, "
            f"penwidth={1 + 3 * confidence:.2f}, tooltip={_dot(tooltip)}"
        )
        lines.append(f"  {_dot(cause)} -> {_dot(effect)} [{attrs}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _dot(text: str) -> str:
    """``text`` as a DOT quoted string: backslashes and quotes escaped, newlines as ``\\n``."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n") + '"'


def render_svg(dot: str, *, timeout: float = 10) -> bytes:
    """Draw DOT text as SVG with the Graphviz ``dot`` program (Debian package ``graphviz``).

    Parameters
    ----------
    dot : str
        A graph in the DOT language, e.g. from :func:`to_dot`.
    timeout : float, default 10
        Seconds before ``dot`` is stopped.

    Returns
    -------
    bytes
        The SVG document.

    Raises
    ------
    GraphvizError
        If ``dot`` is not installed, fails, or runs past ``timeout``.

    Examples
    --------
    >>> render_svg('digraph { "a" -> "b" }')[:5]
    b'<?xml'
    """
    program = shutil.which("dot")
    if program is None:
        raise GraphvizError("Graphviz is not installed: no `dot` program on the PATH")
    try:
        done = subprocess.run(
            [program, "-Tsvg"], input=dot.encode("utf-8"), capture_output=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        raise GraphvizError(f"Graphviz took longer than {timeout:g} s and was stopped") from None
    except OSError as exc:
        raise GraphvizError(f"cannot run Graphviz: {exc.strerror}") from exc
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = reason[0] if reason else f"exit status {done.returncode}"
        raise GraphvizError(f"Graphviz could not draw the graph: {detail}")
    return done.stdout
