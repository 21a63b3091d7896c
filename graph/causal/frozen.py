"""The causal graph saved as flat arrays, and opened again as a read-only ``nx.DiGraph`` in
milliseconds, whatever its size.

Contract (for the code that keeps one directory per data version):

- ``save_causal(dataset, directory, version="")`` writes the graph of ``dataset`` (computed
  from its records, :mod:`graph.causal.csr`); ``write_causal(graph,
  directory, version="")`` writes a graph already built (e.g. read back from a remote store by
  :func:`~graph.causal.readback.read_causal_graph`). ``directory`` is created, or replaced
  whole: it is written beside its place, then renamed into it
  (:func:`graph.data.arrays.write_frozen`).
- ``load_causal(directory, version=None)`` returns the graph;
  :class:`~graph.errors.DerivedDataError` if the directory is missing, of another format or
  (when ``version`` is given) of another data version: then build the graph and save it again. It
  maps the arrays (numpy ``.npy``, ``mmap_mode="r"``) and builds no per-event object: an
  event's node and adjacency dicts are made the first time something asks for them, so the
  first chain query costs what its neighbourhood costs, and the pages of the map are shared
  by every process that opens the directory.

The result is an ordinary ``nx.DiGraph`` (``nx.freeze``-d) whose ``_node``, ``_succ`` and
``_pred`` are read-only mappings over compressed sparse rows: one row of successors and one of
predecessors per event, each in the order the built graph has them, so every analysis of
:mod:`graph.causal` -- networkx algorithms and filtered views included -- gives the answer it
gives on the built graph. Node attributes (``label``, ``lane``, ``type``, ``date``, ``start``)
and edge attributes (``id``, ``kind``, ``confidence``, ``status``, ``links``) are the same; an
edge's dict is shared by its successor and predecessor rows, as in networkx. Threads may read
one loaded graph at once: at worst two of them make the same dict twice, equal either way.
Whole-graph passes over ``index_links`` (longest chain, drivers) read the rows directly
(:func:`frozen_arrays`); others (consistency, a narrative's lens) make every dict once.

>>> import tempfile
>>> from pathlib import Path
>>> from graph.data.loader import load_dataset
>>> tiny = load_dataset(Path(__file__).parents[2] / "tests" / "data" / "tiny.yaml")
>>> folder = Path(tempfile.mkdtemp()) / "causal"
>>> save_causal(tiny, folder)
>>> g = load_causal(folder)
>>> g.nodes["ruble-falls"]["start"], g.edges["oil-below-60", "ruble-falls"]["links"]
('2014-12-15', ['oil-to-ruble'])
>>> sorted(g.edges(data=True)) == sorted(build_causal_graph(tiny).edges(data=True))
True
"""

from __future__ import annotations

from collections.abc import ItemsView, Iterator, Mapping
from itertools import pairwise
from pathlib import Path
from typing import Any

import networkx as nx

from graph.causal.csr import (
    KIND,
    NODE_KEYS,
    dataset_columns,
    graph_columns,
    write_columns,
)
from graph.causal.graph import build_causal_graph
from graph.data import Dataset, EventDate, parse_date
from graph.data.arrays import CodeColumn, Frozen, IdTable, StringTable, open_frozen
from graph.data.yamlfile import collector_paused

#: Rows made one at a time before the rest of a direction is made at once (see ``_Rows``).
BULK_AFTER = 5000


def save_causal(dataset: Dataset, directory: str | Path, version: str = "") -> None:
    """Write the causal graph of ``dataset`` to ``directory`` (replaced whole), recording
    ``version`` (the data version, checked by :func:`load_causal` when asked).

    The arrays are computed from the dataset's records (:func:`graph.causal.csr.dataset_columns`),
    without building the graph, unless the dataset is one the graph handles its own way (an
    id used twice, a link to an unknown event). The collector is paused meanwhile: it would
    otherwise scan the millions of new objects over and over.
    """
    with collector_paused():
        columns = dataset_columns(dataset)
        if columns is None:
            columns = graph_columns(build_causal_graph(dataset))
        write_columns(columns, directory, version)


def write_causal(graph: nx.DiGraph, directory: str | Path, version: str = "") -> None:
    """Write ``graph``, shaped as :func:`~graph.causal.graph.build_causal_graph` makes it
    (string node ids, those node and edge attributes), to ``directory``.

    Raises ``ValueError`` for a graph of another shape.
    """
    write_columns(graph_columns(graph), directory, version)


class FrozenCausal:
    """The arrays of a saved causal graph, with the node and edge dicts made so far."""

    def __init__(self, frozen: Frozen) -> None:
        self.path = frozen.path
        self.ids = IdTable.open(frozen, "node")
        self.labels = StringTable.open(frozen, "node.label")
        self.lanes, self.types = CodeColumn(frozen, "node.lane"), CodeColumn(frozen, "node.type")
        self.starts, self.dates = CodeColumn(frozen, "node.start"), CodeColumn(frozen, "node.date")
        self.rows = {
            name: tuple(frozen.array(f"{name}.{part}") for part in ("indptr", "nodes", "edges"))
            for name in ("succ", "pred")
        }
        self.edge_ids = StringTable.open(frozen, "edge.id")
        self.kinds, self.statuses = (
            CodeColumn(frozen, "edge.kind"),
            CodeColumn(frozen, "edge.status"),
        )
        self.confidences = frozen.array("edge.confidence")
        self.link_rows = frozen.array("edge.links.indptr")
        self.links = frozen.array("edge.links")
        self.link_ids = StringTable.open(frozen, "edge.links.table")
        self.found: dict[str, int] = {}  # node id -> position, for the ids asked so far
        self.names: list[str] | None = None  # every node id, once something iterates them
        self.node_data: dict[int, dict[str, Any]] = {}
        self.edge_data: dict[int, dict[str, Any]] = {}
        self.dated: dict[int, EventDate] = {}

    def position(self, node: object) -> int | None:
        found = self.found.get(node) if isinstance(node, str) else None
        if found is None:
            found = self.ids.position(node)
            if found is not None:
                self.found[node] = found  # type: ignore[index]
        return found

    def name(self, i: int) -> str:
        """The id of node ``i``, remembered as found: a neighbour read from a row is the next
        node an analysis asks for, and the dict spares it the search of the sorted ids."""
        name = self.ids[i] if self.names is None else self.names[i]
        self.found[name] = i
        return name

    def all_names(self) -> list[str]:
        if self.names is None:
            self.names = list(self.ids)
        return self.names

    def node(self, i: int) -> dict[str, Any]:
        data = self.node_data.get(i)
        if data is None:
            code = int(self.dates.codes[i])
            date = None if code < 0 else self.dated.get(code)
            if date is None and code >= 0:
                date = self.dated[code] = parse_date(self.dates.value(code))
            data = self.node_data[i] = {
                "label": self.labels[i],
                "lane": self.lanes[i],
                "type": self.types[i],
                "date": date,
                "start": self.starts[i],
            }
        return data

    def make_all(self) -> None:
        """Every node and edge dict, from whole columns: what a pass over the whole graph
        (consistency, a narrative's lens, an export of everything) needs, made several times
        faster than one at a time. Dicts made before are kept (an edge's dict stays shared); an
        edge's own link shares its id's string."""
        if len(self.edge_data) == len(self.confidences) and len(self.node_data) == len(self.ids):
            return
        with collector_paused():
            self._make_all()

    def _make_all(self) -> None:
        names = self.all_names()
        self.found = dict(zip(names, range(len(names)), strict=True))
        dates = [parse_date(text) for text in self.dates.table]
        columns = zip(
            self.labels, self.lanes.column(), self.types.column(),
            [None if c < 0 else dates[c] for c in self.dates.codes.tolist()],
            self.starts.column(), strict=True,
        )  # fmt: skip
        for i, values in enumerate(columns):
            if i not in self.node_data:
                self.node_data[i] = dict(zip(NODE_KEYS, values, strict=True))
        link_ids, flat = list(self.link_ids), self.links.tolist()
        edges = zip(
            self.edge_ids, self.kinds.column(), self.confidences.tolist(),
            self.statuses.column(), pairwise(self.link_rows.tolist()), strict=True,
        )  # fmt: skip
        for e, (link, kind, confidence, status, (first, last)) in enumerate(edges):
            if e not in self.edge_data:
                links = [link if link_ids[k] == link else link_ids[k] for k in flat[first:last]]
                self.edge_data[e] = {"id": link, "kind": kind, "confidence": confidence,
                                     "status": status, "links": links}  # fmt: skip

    def edge(self, e: int) -> dict[str, Any]:
        data = self.edge_data.get(e)
        if data is None:
            first, last = self.link_rows[e : e + 2].tolist()
            data = self.edge_data[e] = {
                "id": self.edge_ids[e],
                "kind": self.kinds[e],
                "confidence": float(self.confidences[e]),
                "status": self.statuses[e],
                "links": [self.link_ids[k] for k in self.links[first:last].tolist()],
            }
        return data


class _Nodes(Mapping[str, dict[str, Any]]):
    """``graph._node``: event id -> attribute dict, made on first access."""

    def __init__(self, frozen: FrozenCausal) -> None:
        self.frozen = frozen

    def __getitem__(self, node: str) -> dict[str, Any]:
        i = self.frozen.position(node)
        if i is None:
            raise KeyError(node)
        return self.frozen.node(i)

    def items(self) -> ItemsView[str, dict[str, Any]]:
        return _AllItems(self)

    def __contains__(self, node: object) -> bool:
        return self.frozen.position(node) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self.frozen.all_names())

    def __len__(self) -> int:
        return len(self.frozen.ids)


class _Rows(_Nodes):
    """``graph._succ`` or ``graph._pred``: event id -> {neighbour: edge data}, each row a
    dict made on first access and kept. Once :data:`BULK_AFTER` rows (and a twentieth of
    them all) were made one by one, a pass over the whole graph is under way (degrees of
    every event, say): the rest are made at once."""

    def __init__(self, frozen: FrozenCausal, direction: str) -> None:
        super().__init__(frozen)
        self.indptr, self.others, self.edges = frozen.rows[direction]
        self.made: dict[int, dict[str, dict[str, Any]]] = {}

    def __getitem__(self, node: str) -> dict[str, dict[str, Any]]:
        i = self.frozen.position(node)
        if i is None:
            raise KeyError(node)
        row = self.made.get(i)
        if row is None and len(self.made) >= max(BULK_AFTER, len(self.frozen.ids) // 20):
            for _ in self:  # makes every row
                break
            row = self.made[i]
        if row is None:
            first, last = self.indptr[i : i + 2].tolist()
            others, edges = self.others[first:last].tolist(), self.edges[first:last].tolist()
            name, edge = self.frozen.name, self.frozen.edge
            row = self.made[i] = {name(j): edge(e) for j, e in zip(others, edges, strict=True)}
        return row

    def __iter__(self) -> Iterator[str]:
        """Every node; iterating a row mapping means reading its rows: all are made at once."""
        made, frozen = self.made, self.frozen
        if len(made) < len(frozen.ids):
            frozen.make_all()
            names, data = frozen.all_names(), frozen.edge_data
            indptr, others, edges = (row.tolist() for row in (self.indptr, self.others, self.edges))
            with collector_paused():
                for i, (first, last) in enumerate(pairwise(indptr)):
                    if i not in made:
                        pairs = zip(others[first:last], edges[first:last], strict=True)
                        made[i] = {names[j]: data[e] for j, e in pairs}
        return iter(frozen.all_names())


class _AllItems(ItemsView[str, Any]):
    """``items()`` of :class:`_Nodes` or :class:`_Rows`: every dict made at once, then read."""

    _mapping: _Nodes

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        mapping = self._mapping
        mapping.frozen.make_all()
        names = iter(mapping)  # a row mapping makes its rows here
        return ((name, mapping[name]) for name in names)


def load_causal(directory: str | Path, version: str | None = None) -> nx.DiGraph:
    """The causal graph saved in ``directory`` (:func:`save_causal`), read-only (adding or
    removing raises ``nx.NetworkXError``); with ``version``, only if saved for that data
    version. See the module docs."""
    frozen = open_frozen(Path(directory), KIND, version)
    arrays = FrozenCausal(frozen)
    graph: nx.DiGraph[str] = nx.DiGraph(**frozen.manifest.get("graph", {}))
    graph._node = _Nodes(arrays)  # type: ignore[attr-defined]
    graph._succ = _Rows(arrays, "succ")  # type: ignore[attr-defined]
    graph._pred = _Rows(arrays, "pred")  # type: ignore[attr-defined]
    frozen_graph: nx.DiGraph = nx.freeze(graph)
    return frozen_graph


def frozen_arrays(graph: nx.DiGraph) -> FrozenCausal | None:
    """The arrays under ``graph`` if :func:`load_causal` made it, else None: for whole-graph
    passes that can read the rows directly instead of materializing every dict."""
    nodes = getattr(graph, "_node", None)
    return nodes.frozen if isinstance(nodes, _Nodes) else None
