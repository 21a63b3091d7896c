"""Which named graph each triple of the mapping (:mod:`graph.rdf.mapping`) goes into: the
dataset's own, or a story's.

A story's records -- its events (with their quantities), its links (the ``ekg:CausalLink``
node and, for a supported or qualified link, the direct triple), its claims -- go into the
story's named graph, :func:`graph.rdf.scheme.story_graph_iri`. Everything shared stays in the
dataset's graph: the dataset and each story's node (``a ekg:Story``), concepts, actors, places,
publications and the source documents' own triples (a source two stories cite is described
once). Lane order is per story: ``ekg:nextInLane`` / ``faro:before`` run along each lane among
one story's events, inside its graph, so a query of one story sees a whole order. Records of
no story (a dataset without stories) stay in the dataset's graph, as before stories.

Triples come in *groups*, ``(graph, triples)``, graph ``None`` for the dataset's graph, in
the order of :func:`dataset_records` (what :func:`graph.data.loader.read_dataset`'s sink is
given, so a streamed build writes the same groups), then :func:`closing_groups`. Consume
each group's triples before asking for the next: a group of the source documents first cited
by the records of a group follows it.

>>> from pathlib import Path
>>> from graph.data.loader import load_dataset
>>> from graph.rdf.ntriples import NTriplesTerms
>>> ds = load_dataset(Path(__file__).parents[2] / "tests" / "data" / "stories" / "events.yaml")
>>> graphs = {g for g, triples in all_groups(NTriplesTerms(ds.info.base), ds) if triples}
>>> sorted(str(g).rsplit("/", 2)[-1] for g in graphs)
['None', 'first>', 'second>']
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from typing import Any

from graph.data import AllenRelations, Dataset, Event, Link
from graph.rdf.mapping import (
    SECTIONS,
    Reading,
    Relations,
    document_triples,
    lane_triples,
    link_triples,
    record_triples,
    story_triples,
)
from graph.rdf.scheme import T, Terms, Triple, story_graph_iri

#: The named graph of a group (``None``: the dataset's own) and its triples.
Group = tuple[T | None, Iterable[Triple[T]]]
#: The sections whose records belong to a story.
STORY_SECTIONS = frozenset({"events", "links", "claims"})


def record_stories(dataset: Dataset) -> dict[tuple[str, str], str]:
    """The story of each record of a story section, by ``(section, id)``."""
    return {
        (section, ident): story.id
        for story in dataset.stories
        for section in STORY_SECTIONS
        for ident in getattr(story, section)
    }


def dataset_records(dataset: Dataset) -> Iterator[tuple[str, Any]]:
    """``("dataset", info)``, then every record as ``(section, record)`` in
    :data:`~graph.rdf.mapping.SECTIONS` order, a ``("story", story id or None)`` before the
    first record of a story section that belongs to another story than the last one."""
    owners = record_stories(dataset)
    yield "dataset", dataset.info
    story: str | None = None
    for section in SECTIONS:
        for record in getattr(dataset, section):
            if owners and section in STORY_SECTIONS:
                owner = owners.get((section, record.id))
                if owner != story:
                    story = owner
                    yield "story", owner
            yield section, record


def story_graph(t: Terms[T], story: str | None) -> T | None:
    """The graph of ``story``'s records as a term (``None``: the dataset's graph)."""
    return None if story is None else t.term(story_graph_iri(t.base, story))


def record_groups(t: Terms[T], section: str, record: Any, reading: Reading) -> Iterator[Group[T]]:
    """The groups of one record of ``section``: its triples, in its story's graph for a record
    of :data:`STORY_SECTIONS`, then the source documents it cites first. Section ``story``
    says which story the records after it belong to (``record``: its id, or ``None``)."""
    if section == "story":
        reading.story = record
        return
    triples = list(record_triples(t, section, record, reading))
    yield story_graph(t, reading.story) if section in STORY_SECTIONS else None, triples
    if reading.documents:
        yield None, reading.take_documents()


def closing_groups(
    t: Terms[T], dataset: Dataset, relations: Relations, reading: Reading
) -> Iterator[Group[T]]:
    """The groups that need the whole dataset: the stories' nodes, lane order (per story),
    every link (in its story's graph), then the source documents first cited by a link or a
    narrative."""
    info = dataset.info
    yield None, [triple for story in dataset.stories for triple in story_triples(t, info, story)]
    owners = record_stories(dataset)
    members: dict[str | None, list[Event]] = {}
    for event in dataset.events:
        members.setdefault(owners.get(("events", event.id)), []).append(event)
    for story, events in members.items():
        yield story_graph(t, story), lane_triples(t, events, relations)
    dates = {event.id: event.date for event in dataset.events}

    def links_triples(links: Iterable[Link]) -> Iterator[Triple[T]]:
        for link in links:
            pair = (dates[link.cause], dates[link.effect])
            yield from link_triples(t, link, pair, relations, reading)

    for story, links in itertools.groupby(dataset.links, lambda k: owners.get(("links", k.id))):
        yield story_graph(t, story), links_triples(links)
        if reading.documents:
            yield None, reading.take_documents()
    # The documents a narrative cites (its nanopublication: see graph.rdf.nanopub).
    cited = [source for narrative in dataset.narratives for source in narrative.sources]
    yield None, (triple for s in cited for triple in document_triples(t, s, reading.cited))


def all_groups(
    t: Terms[T], dataset: Dataset, relations: Relations | None = None
) -> Iterator[Group[T]]:
    """Every group of ``dataset``: record by record (:func:`dataset_records`), then
    :func:`closing_groups`."""
    relations = relations or AllenRelations()
    reading = Reading()
    for section, record in dataset_records(dataset):
        yield from record_groups(t, section, record, reading)
    yield from closing_groups(t, dataset, relations, reading)


def all_triples(t: Terms[T], dataset: Dataset, relations: Relations) -> Iterator[Triple[T]]:
    """Every triple of ``dataset``'s own graph and its stories' graphs, merged."""
    for _, triples in all_groups(t, dataset, relations):
        yield from triples
