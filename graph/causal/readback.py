"""The causal graph read back from a store, for services whose data lives in a SPARQL server.

:func:`graph.causal.graph.build_causal_graph` derives the graph from the dataset in memory; a
service in front of a remote store (:mod:`graph.store.backends.remote`) can instead pull it
with three paged queries -- events, causal links, then sub-events (``sem:hasSubEvent``, an
event's ``part_of``, which become the graph's ``part_of`` edges) -- once per data version,
and cache it. The result is the same graph (a test checks it on events.yaml against every
backend).
"""

from __future__ import annotations

from collections.abc import Iterator

import networkx as nx
from rdflib.term import Node

from graph import vocab
from graph.causal.graph import assemble_causal_graph
from graph.data import parse_date
from graph.errors import StoreError
from graph.rdf import local_id
from graph.store import Store

EVENTS = """SELECT ?event ?label ?type ?lane ?edtf WHERE {
  ?event a sem:Event ; rdfs:label ?label ; sem:eventType ?type ; ekg:lane ?lane ;
         ekg:edtf ?edtf .
} ORDER BY ?event"""

# DISTINCT: Oxigraph's and Virtuoso's union default graph yields a triple once per graph that
# holds it, so a record another graph repeats would come back twice (the project's own graphs
# repeat none: a story's records are in its graph only, graph.rdf.graphs; graph.rdf.nanopub).
LINKS = """SELECT DISTINCT ?cause ?effect ?link ?relation ?confidence ?status WHERE {
  ?link a ekg:CausalLink ; ekg:cause ?cause ; ekg:effect ?effect ; ekg:relation ?relation ;
        ekg:confidence ?confidence ; ekg:status ?status .
} ORDER BY ?link"""

PARTS = """SELECT ?part ?whole WHERE {
  ?whole a sem:Event ; sem:hasSubEvent ?part .
} ORDER BY ?part ?whole"""


def read_causal_graph(store: Store, base: str, *, page_size: int = 10_000) -> nx.DiGraph:
    """The causal graph of the dataset with IRI ``base`` held in ``store``.

    Parameters
    ----------
    store : Store
        Any backend; the data as :func:`graph.rdf.build.iter_triples` writes it.
    base : str
        The dataset's base IRI: event ``x`` is ``base + "event/x"``.
    page_size : int
        Rows per request (below the server's own result cap, e.g. Virtuoso's
        ``ResultSetMaxRows``).

    Returns
    -------
    nx.DiGraph
        As :func:`graph.causal.graph.build_causal_graph` returns for the same dataset.

    Examples
    --------
    >>> from pathlib import Path
    >>> from graph.rdf.build import iter_triples
    >>> from graph.data.loader import load_dataset
    >>> from graph.store.base import open_store
    >>> tiny = load_dataset(Path(__file__).parents[2] / "tests" / "data" / "tiny.yaml")
    >>> store = open_store("oxigraph")
    >>> store.load(iter_triples(tiny))
    >>> g = read_causal_graph(store, tiny.info.base)
    >>> g.number_of_nodes(), g.edges["oil-below-60", "ruble-falls"]["kind"]
    (4, 'contributes_to')
    """
    ids = _Ids(base)
    events = (
        (
            ids.local(event, "event"),
            {
                "label": str(label),
                "lane": ids.local(lane, "lane"),
                "type": ids.local(kind, "type"),
                "date": parse_date(str(edtf)),
            },
        )
        for event, label, kind, lane, edtf in _pages(store, EVENTS, page_size)
    )
    links = (
        (
            ids.local(cause, "event"),
            ids.local(effect, "event"),
            ids.local(link, "link"),
            _KINDS[str(relation)],
            float(confidence.toPython()),  # type: ignore[union-attr]
            _STATUSES[str(status)],
        )
        for cause, effect, link, relation, confidence, status in _pages(store, LINKS, page_size)
    )
    parts = (
        (ids.local(part, "event"), ids.local(whole, "event"))
        for part, whole in _pages(store, PARTS, page_size)
    )
    datasets = store.query("SELECT ?d WHERE { ?d a void:Dataset } ORDER BY ?d LIMIT 1").rows
    name = ids.local(datasets[0][0], "dataset") if datasets else ""
    return assemble_causal_graph(name, events, links, parts)


_KINDS = {str(iri): kind for kind, iri in vocab.LINK_PREDICATES.items()}
_STATUSES = {str(iri): status for status, iri in vocab.LINK_STATUSES.items()}


class _Ids:
    def __init__(self, base: str) -> None:
        self.base = base

    def local(self, iri: Node | None, section: str) -> str:
        ident = local_id(str(iri), self.base, section)
        if ident is None:
            raise StoreError(f"{iri} is not a {section} IRI of the dataset at {self.base}")
        return ident


def _pages(store: Store, query: str, page_size: int) -> Iterator[tuple[Node | None, ...]]:
    offset = 0
    while True:
        rows = store.query(f"{query} LIMIT {page_size} OFFSET {offset}").rows
        yield from rows
        if len(rows) < page_size:
            return
        offset += page_size
