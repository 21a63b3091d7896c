"""What a saved causal graph holds (:mod:`graph.causal.frozen`), column by column, and its
two sources: a graph already built (:func:`graph_columns`) or a dataset's records
(:func:`dataset_columns`), the latter computed with numpy without building the
``nx.DiGraph`` -- at a million events the graph's dicts cost more memory than the whole
build had before (issue 19).

Both give the same columns for the same dataset: the nodes in the dataset's order, one row of
successors and one of predecessors per node in the order the built graph has them (an edge
comes where its first link is; the ``part_of`` edges after every link, as
:func:`~graph.causal.parts.add_part_of_edges` adds them), the edges numbered in successor
order, each described by the link :func:`~graph.causal.parts.takes_over` picks and listing
its links in file order.

>>> from pathlib import Path
>>> from graph.causal.graph import build_causal_graph
>>> from graph.data.loader import load_dataset
>>> tiny = load_dataset(Path(__file__).parents[2] / "tests" / "data" / "tiny.yaml")
>>> built, direct = graph_columns(build_causal_graph(tiny)), dataset_columns(tiny)
>>> direct is not None and direct.same_as(built)
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

from graph.causal.parts import add_part_of_edges, takes_over
from graph.data import Dataset
from graph.data.arrays import IdTable, StringTable, save_array, write_codes, write_frozen

KIND = "causal-graph"
NODE_KEYS = ("label", "lane", "type", "date", "start")
EDGE_KEYS = ("id", "kind", "confidence", "status", "links")
#: A direction's rows: where each node's row starts (``indptr``), the neighbours, the edges.
Rows = tuple[np.ndarray, np.ndarray, np.ndarray]


@dataclass
class CausalColumns:
    """A causal graph as columns: node ``i`` is ``nodes[i]`` with ``labels[i]``, ``lanes[i]``,
    ..., ``dates[i]`` (its EDTF text or None); edge ``e`` (successor order) is ``edge_ids[e]``,
    ..., with the links ``links[link_rows[e]:link_rows[e + 1]]``."""

    graph: dict[str, Any]
    nodes: Sequence[str]
    labels: Sequence[str]
    lanes: Sequence[Any]
    types: Sequence[Any]
    starts: Sequence[Any]
    dates: Sequence[str | None]
    succ: Rows
    pred: Rows
    edge_ids: Sequence[str]
    kinds: Sequence[str]
    statuses: Sequence[str]
    confidences: np.ndarray
    link_rows: np.ndarray
    links: Sequence[str]

    def same_as(self, other: CausalColumns) -> bool:
        """True if both hold equal values in every column (for tests and examples)."""

        def equal(mine: Any, theirs: Any) -> bool:
            if isinstance(mine, tuple):  # a direction's rows
                return all(equal(a, b) for a, b in zip(mine, theirs, strict=True))
            if isinstance(mine, np.ndarray):
                return mine.dtype == theirs.dtype and np.array_equal(mine, theirs)
            return bool(mine == theirs) if isinstance(mine, dict) else list(mine) == list(theirs)

        return all(equal(getattr(self, f.name), getattr(other, f.name)) for f in fields(self))


def write_columns(columns: CausalColumns, directory: str | Path, version: str = "") -> None:
    """Write ``columns`` to ``directory`` (replaced whole: :func:`write_frozen`)."""
    c = columns

    def fill(folder: Path) -> None:
        IdTable.write(folder, "node", c.nodes)
        StringTable.write(folder, "node.label", c.labels)
        for key, values in (("lane", c.lanes), ("type", c.types), ("start", c.starts)):
            write_codes(folder, f"node.{key}", values)
        write_codes(folder, "node.date", c.dates)
        for name, (indptr, others, edges) in (("succ", c.succ), ("pred", c.pred)):
            save_array(folder, f"{name}.indptr", indptr, np.int64)
            save_array(folder, f"{name}.nodes", others, np.int32)
            save_array(folder, f"{name}.edges", edges, np.int32)
        StringTable.write(folder, "edge.id", c.edge_ids)
        write_codes(folder, "edge.kind", c.kinds)
        write_codes(folder, "edge.status", c.statuses)
        save_array(folder, "edge.confidence", c.confidences, np.float64)
        table: dict[str, int] = {}
        save_array(folder, "edge.links.indptr", c.link_rows, np.int64)
        save_array(
            folder, "edge.links", [table.setdefault(k, len(table)) for k in c.links], np.int32
        )
        StringTable.write(folder, "edge.links.table", table)

    manifest = {"version": version, "nodes": len(c.nodes), "edges": len(c.edge_ids)}
    write_frozen(Path(directory), KIND, fill, {**manifest, "graph": c.graph})


def graph_columns(graph: nx.DiGraph) -> CausalColumns:
    """The columns of ``graph``, shaped as :func:`~graph.causal.graph.build_causal_graph`
    makes it (string node ids, those node and edge attributes); ``ValueError`` otherwise."""
    nodes = list(graph)
    if not all(isinstance(node, str) for node in nodes):
        raise ValueError("only a graph whose nodes are event ids (str) can be saved")
    attrs = list(dict(graph.nodes(data=True)).values())
    for data in attrs:
        if tuple(data) != NODE_KEYS:
            raise ValueError(f"node attributes {tuple(data)}, not {NODE_KEYS}")
    position = {node: i for i, node in enumerate(nodes)}
    succ, datas = _graph_rows(graph.adj, nodes, position, None)
    pred, _ = _graph_rows(graph.pred, nodes, position, {id(d): e for e, d in enumerate(datas)})
    for data in datas:
        if tuple(data) != EDGE_KEYS:
            raise ValueError(f"edge attributes {tuple(data)}, not {EDGE_KEYS}")
    link_rows = np.zeros(len(datas) + 1, dtype=np.int64)
    np.cumsum([len(data["links"]) for data in datas], out=link_rows[1:])
    return CausalColumns(
        graph=dict(graph.graph),
        nodes=nodes,
        **{f"{key}s": [data[key] for data in attrs] for key in ("label", "lane", "type", "start")},
        dates=[None if data["date"] is None else data["date"].edtf for data in attrs],
        succ=succ,
        pred=pred,
        edge_ids=[data["id"] for data in datas],
        kinds=[data["kind"] for data in datas],
        statuses=[data["status"] for data in datas],
        confidences=np.array([data["confidence"] for data in datas], dtype=np.float64),
        link_rows=link_rows,
        links=[link for data in datas for link in data["links"]],
    )


def _graph_rows(
    rows: Any, nodes: list[str], position: dict[str, int], number: dict[int, int] | None
) -> tuple[Rows, list[dict[str, Any]]]:
    """One direction's rows in the graph's neighbour order, and the edges' data in row order.
    Edges are numbered in successor order (``number`` None); the predecessor rows map each
    edge's ``id(data)`` to its ``number``."""
    indptr, others, datas = [0], list[int](), list[dict[str, Any]]()
    for node in nodes:
        row = rows[node]
        others += map(position.__getitem__, row)
        datas += row.values()
        indptr.append(len(others))
    numbers = range(len(datas)) if number is None else [number[id(d)] for d in datas]
    arrays = (np.array(indptr, np.int64), np.array(others, np.int32), np.array(numbers, np.int32))
    return arrays, datas


def dataset_columns(dataset: Dataset) -> CausalColumns | None:
    """The columns of the causal graph of ``dataset`` (equal to those of
    :func:`graph_columns` of :func:`~graph.causal.graph.build_causal_graph`), computed from its
    records; None if two events share an id or a link names an unknown event (then build the
    graph: it has its own way with those)."""
    events, links = dataset.events, dataset.links
    ids = [event.id for event in events]
    position = dict(zip(ids, range(len(ids)), strict=True))
    if len(position) != len(ids):
        return None
    try:
        causes = np.fromiter((position[link.cause] for link in links), np.int64, len(links))
        effects = np.fromiter((position[link.effect] for link in links), np.int64, len(links))
    except KeyError:
        return None
    del position
    edges = _Edges(links, causes, effects, len(ids))
    parts = [(event.id, event.part_of) for event in events if event.part_of]
    if parts:
        edges.add_parts(events, ids, parts)
    dates = [event.date for event in events]
    return CausalColumns(
        graph={"dataset": dataset.info.id},
        nodes=ids,
        labels=[event.label for event in events],
        lanes=[event.lane for event in events],
        types=[event.type for event in events],
        starts=[date.begin.isoformat() if date else None for date in dates],
        dates=[None if date is None else date.edtf for date in dates],
        **edges.columns(links),
    )


class _Edges:
    """The edges of a dataset's causal graph as arrays, in the order the graph makes them:
    one per linked pair, where its first link is, then the ``part_of`` edges."""

    def __init__(self, links: Sequence[Any], causes: np.ndarray, effects: np.ndarray, n: int):
        self.n = n
        _, first, inverse = np.unique(causes * n + effects, return_index=True, return_inverse=True)
        made = np.argsort(first, kind="stable")  # the pairs in the order their edges are made
        rank = np.empty_like(made)
        rank[made] = np.arange(len(made))
        self.of_link = rank[inverse.reshape(-1)]  # each link's edge
        describing = first[made]  # each edge's first link, unless another takes over below
        self.causes, self.effects = causes[describing], effects[describing]
        pick = describing.tolist()
        self.ids = [links[i].id for i in pick]
        self.kinds = [links[i].kind for i in pick]
        self.statuses = [links[i].status for i in pick]
        self.confidences = [float(links[i].confidence) for i in pick]
        shared = np.bincount(self.of_link, minlength=len(made))[self.of_link] > 1
        best: dict[int, dict[str, Any]] = {}
        for i in np.flatnonzero(shared).tolist():  # the links of pairs joined more than once
            link, e = links[i], int(self.of_link[i])
            attrs = _attrs(link.id, link.kind, float(link.confidence), link.status)
            if e not in best or takes_over(attrs, best[e]):
                best[e] = attrs
        for e, attrs in best.items():
            self.describe(e, attrs)

    def describe(self, e: int, attrs: dict[str, Any]) -> None:
        self.ids[e], self.kinds[e] = attrs["id"], attrs["kind"]
        self.statuses[e], self.confidences[e] = attrs["status"], attrs["confidence"]

    def add_parts(
        self, events: Sequence[Any], ids: list[str], parts: list[tuple[str, str]]
    ) -> None:
        """Run :func:`add_part_of_edges` on the part of the graph it reads -- the edges into
        or out of a part or a whole, in the order they were made -- and take back the
        descriptions it changed and the edges it added."""
        position = {event_id: i for i, event_id in enumerate(ids)}
        around = np.array([position[e] for pair in parts for e in pair if e in position], np.int64)
        near = np.flatnonzero(np.isin(self.causes, around) | np.isin(self.effects, around))
        graph = _Recording()
        for i in {*around.tolist(), *self.causes[near].tolist(), *self.effects[near].tolist()}:
            graph.add_node(ids[i], date=events[i].date)
        ends = zip(self.causes[near].tolist(), self.effects[near].tolist(), strict=True)
        pairs = [(ids[cause], ids[effect]) for cause, effect in ends]
        for e, (cause, effect) in zip(near.tolist(), pairs, strict=True):
            graph.add_edge(cause, effect, **self.attrs(e))
        graph.added = []
        add_part_of_edges(graph, parts)
        for e, (cause, effect) in zip(near.tolist(), pairs, strict=True):
            self.describe(e, graph.succ[cause][effect])
        new = [(position[cause], position[whole]) for cause, whole in graph.added]
        self.causes = np.append(self.causes, np.array([c for c, _ in new], np.int64))
        self.effects = np.append(self.effects, np.array([w for _, w in new], np.int64))
        for cause, whole in graph.added:
            self.ids.append("")
            self.kinds.append("")
            self.statuses.append("")
            self.confidences.append(0.0)
            self.describe(len(self.ids) - 1, graph.succ[cause][whole])

    def attrs(self, e: int) -> dict[str, Any]:
        """What describes edge ``e`` now, as the graph's edge data (without its links)."""
        return _attrs(self.ids[e], self.kinds[e], self.confidences[e], self.statuses[e])

    def columns(self, links: Sequence[Any]) -> dict[str, Any]:
        """The rows of both directions and the edges' columns in successor order."""
        count = len(self.ids)
        by_cause = np.argsort(self.causes, kind="stable")
        number = np.empty(count, dtype=np.int64)  # each edge's number (successor order)
        number[by_cause] = np.arange(count)
        by_effect = np.argsort(self.effects, kind="stable")
        of_link = number[self.of_link]
        link_rows = np.zeros(count + 1, dtype=np.int64)
        np.cumsum(np.bincount(of_link, minlength=count), out=link_rows[1:])
        order = by_cause.tolist()
        return {
            "succ": (
                self._indptr(self.causes),
                self.effects[by_cause].astype(np.int32),
                np.arange(count, dtype=np.int32),
            ),
            "pred": (
                self._indptr(self.effects),
                self.causes[by_effect].astype(np.int32),
                number[by_effect].astype(np.int32),
            ),
            "edge_ids": [self.ids[e] for e in order],
            "kinds": [self.kinds[e] for e in order],
            "statuses": [self.statuses[e] for e in order],
            "confidences": np.array(self.confidences, dtype=np.float64)[by_cause],
            "link_rows": link_rows,
            "links": [links[i].id for i in np.argsort(of_link, kind="stable").tolist()],
        }

    def _indptr(self, ends: np.ndarray) -> np.ndarray:
        indptr = np.zeros(self.n + 1, dtype=np.int64)
        np.cumsum(np.bincount(ends, minlength=self.n), out=indptr[1:])
        return indptr


def _attrs(link_id: str, kind: str, confidence: float, status: str) -> dict[str, Any]:
    return {"id": link_id, "kind": kind, "confidence": confidence, "status": status}


class _Recording(nx.DiGraph):
    """A graph that lists the edges added to it (once ``added`` is reset to a list)."""

    added: list[tuple[str, str]]

    def add_edge(self, u_of_edge: Any, v_of_edge: Any, **attr: Any) -> None:
        if hasattr(self, "added"):
            self.added.append((u_of_edge, v_of_edge))
        super().add_edge(u_of_edge, v_of_edge, **attr)
