"""The RDF mapping of the data model, declared once: which triples each record gives.

Two writers are driven by it: :mod:`graph.rdf.build` (rdflib terms: the reference, for tests,
exports and small stores) and :mod:`graph.rdf.ntriples` (N-Triples text streamed into bulk
loads). A writer supplies a :class:`Terms`: how it writes an IRI, a literal, a date or a
decimal, and every vocabulary term as an attribute (``t.label``, ``t.Event``, ...). The
functions below say which triples a record gives, in those terms, and in which order records
are read (:func:`record_triples`, and :mod:`graph.rdf.graphs`, which also says which named
graph each triple goes into); neither writer states a triple of its own. The IRI scheme and
the vocabulary are in :mod:`graph.rdf.scheme`.

Every resource gets an IRI of :mod:`graph.rdf.scheme` (no blank nodes), so the same YAML
always gives the same triples. The mapping is documented in
``docs/data-model.md``; every ``ekg:`` term used here is declared in ``ontology/ekg.ttl``
(a test checks it).

These are the triples of the dataset's own named graph and of its stories' graphs (which
record goes where: :mod:`graph.rdf.graphs`); each narrative's nanopublication, in named graphs
of its own, is declared in :mod:`graph.rdf.nanopub`.

Only supported and qualified links are stated as direct triples (what property paths such as
``faro:causes+`` follow); contested and unsupported ones exist only as ``ekg:CausalLink``
records with their status, so a disputed claim never reads as a fact. Temporal relations are
materialized only where they are useful and linear in size: the Allen relation of each link's
cause and effect, and each event's successor in its lane; never all pairs of events.

>>> from graph.rdf.build import RdflibTerms
>>> t = RdflibTerms("http://example.org/ekg/id/")
>>> from rdflib import Graph
>>> names = Graph(bind_namespaces="none").namespace_manager
>>> for prefix, namespace in vocab.PREFIXES.items():
...     names.bind(prefix, namespace)
>>> for _, predicate, obj in actor_triples(t, Actor("cbr", "Bank of Russia", "organization")):
...     print(predicate.n3(names), obj.n3(names))
rdf:type sem:Actor
rdf:type foaf:Organization
rdfs:label "Bank of Russia"@en
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from graph import vocab
from graph.data import (
    Actor,
    Claim,
    Concept,
    DatasetInfo,
    Event,
    EventDate,
    Link,
    Place,
    Publication,
    Quantity,
    Source,
    Story,
)
from graph.rdf.scheme import (
    ACTOR,
    CLAIM,
    CONCEPT_CLASSES,
    CONCEPT_SECTIONS,
    DATASET,
    EVENT,
    KIND,
    LANE,
    LINK,
    PLACE,
    PUBLICATION,
    QUANTITY,
    STAGE,
    TYPE,
    T,
    Terms,
    Triple,
    story_graph_iri,
)

Relations = Callable[[EventDate, EventDate], frozenset[str] | set[str]]


def info_triples(t: Terms[T], info: DatasetInfo) -> Iterator[Triple[T]]:
    node = t.node(DATASET, info.id)
    yield node, t.type, t.Dataset
    yield node, t.title, t.en(info.title)
    yield from _optional(node, t.description, info.description, t)
    if info.license:
        yield node, t.license, t.term(info.license)


def concept_triples(t: Terms[T], section: str, concept: Concept) -> Iterator[Triple[T]]:
    node = t.node(section, concept.id)
    yield node, t.type, t.Concept
    yield node, t.type, getattr(t, CONCEPT_CLASSES[section])
    yield node, t.pref_label, t.en(concept.label)
    yield from _optional(node, t.definition, concept.description, t)


def actor_triples(t: Terms[T], actor: Actor) -> Iterator[Triple[T]]:
    node = t.node(ACTOR, actor.id)
    yield node, t.type, t.Actor
    yield node, t.type, t.actor_kinds[actor.kind]
    yield node, t.label, t.en(actor.label)
    yield from _optional(node, t.description, actor.description, t)


def place_triples(t: Terms[T], place: Place) -> Iterator[Triple[T]]:
    node = t.node(PLACE, place.id)
    yield node, t.type, t.Place
    yield node, t.label, t.en(place.label)
    if place.country:
        yield node, t.is_part_of, t.node(PLACE, place.country)


def publication_triples(t: Terms[T], publication: Publication) -> Iterator[Triple[T]]:
    node = t.node(PUBLICATION, publication.id)
    yield node, t.type, t.Document
    yield node, t.type, t.Entity
    yield node, t.title, t.en(publication.title)
    yield node, t.date, t.day(publication.date.begin)
    yield node, t.edtf, t.plain(publication.date.edtf)
    yield from _optional(node, t.creator, publication.author, t)
    yield from _optional(node, t.description, publication.description, t)
    if publication.url:
        yield node, t.page, t.term(publication.url)


def event_triples(t: Terms[T], event: Event, reading: Reading) -> Iterator[Triple[T]]:
    """An event's triples (its sources' own go to ``reading``: see :func:`source_triples`)."""
    node = t.node(EVENT, event.id)
    yield node, t.type, t.Event
    yield node, t.label, t.en(event.label)
    yield node, t.event_type, t.node(TYPE, event.type)
    yield node, t.lane, t.node(LANE, event.lane)
    if event.stage:
        yield node, t.stage, t.node(STAGE, event.stage)
    yield from _optional(node, t.description, event.description, t)
    pairs = t.dates.get(event.date.edtf)
    if pairs is None:
        pairs = t.dates[event.date.edtf] = date_pairs(t, event.date)
    for predicate, obj in pairs:
        yield node, predicate, obj
    for tag in event.tags:
        yield node, t.tag, t.plain(tag)
    if event.place:
        yield node, t.has_place, t.node(PLACE, event.place)
    for actor in event.actors:
        yield node, t.has_actor, t.node(ACTOR, actor)
    if event.part_of:
        yield t.node(EVENT, event.part_of), t.has_sub_event, node
    for number, quantity in enumerate(event.quantities, start=1):
        q_node = t.node(QUANTITY, f"{event.id}-{number}")
        yield node, t.quantity, q_node
        yield from quantity_triples(t, q_node, quantity)
    yield from source_triples(t, node, event.sources, reading)


def date_pairs(t: Terms[T], date: EventDate) -> list[tuple[T, T]]:
    """Bounds as ``xsd:date`` for every event, so ORDER BY and comparisons work in every
    engine (mixing ``xsd:date`` and ``xsd:dateTime`` does not); instants keep their time and
    offset in ``ekg:beginInstant``/``ekg:endInstant``."""
    pairs = [(t.begin, t.day(date.begin)), (t.end, t.day(date.end))]
    if isinstance(date.begin, dt.datetime):
        pairs.append((t.begin_instant, t.instant(date.begin)))
    if isinstance(date.end, dt.datetime):
        pairs.append((t.end_instant, t.instant(date.end)))
    pairs.append((t.begin_precision, t.precisions[date.begin_precision]))
    pairs.append((t.end_precision, t.precisions[date.end_precision]))
    pairs.append((t.edtf, t.plain(date.edtf)))
    if date.approximate:
        pairs.append((t.date_qualifier, t.Approximate))
    if date.uncertain:
        pairs.append((t.date_qualifier, t.Uncertain))
    return pairs


def quantity_triples(t: Terms[T], node: T, quantity: Quantity) -> Iterator[Triple[T]]:
    yield node, t.type, t.QuantityValue
    yield node, t.quantity_kind, t.node(KIND, quantity.kind)
    yield node, t.numeric_value, t.decimal(quantity.value)
    yield node, t.unit, t.units[quantity.unit]
    for predicate, value in (
        (t.previous_value, quantity.previous),
        (t.low_value, quantity.low),
        (t.high_value, quantity.high),
    ):
        if value is not None:
            yield node, predicate, t.decimal(value)
    if quantity.according_to:
        yield node, t.according_to, t.plain(quantity.according_to)
    if quantity.observed:
        yield node, t.observed_at, t.instant(quantity.observed.begin)
    yield from _optional(node, t.comment, quantity.note, t)


def source_triples(
    t: Terms[T], node: T, sources: Iterable[Source], reading: Reading, predicate: T | None = None
) -> Iterator[Triple[T]]:
    """``node`` derived from each source (or related by ``predicate``, e.g. ``ekg:disputedBy``).
    A source document's own triples, the first time it is cited, are not yielded but kept in
    ``reading.documents``: they belong to the dataset's graph, whichever story cites it."""
    for source in sources:
        yield node, t.derived_from if predicate is None else predicate, t.term(source.url)
        if source.url not in reading.cited:
            reading.documents.extend(document_triples(t, source, reading.cited))


def document_triples(t: Terms[T], source: Source, cited: set[str]) -> Iterator[Triple[T]]:
    """A source document's own triples, unless ``cited`` already holds its URL (then added)."""
    if source.url not in cited:
        cited.add(source.url)
        doc = t.term(source.url)
        yield doc, t.type, t.Entity
        yield doc, t.title, t.plain(source.title)
        yield doc, t.publisher, t.plain(source.publisher)
        if source.via:
            yield doc, t.via, t.plain(source.via)
        if source.date:
            yield doc, t.reported_on, t.plain(source.date)
        if source.note:
            yield doc, t.comment, t.en(source.note)


def lane_triples(t: Terms[T], events: Iterable[Event], relations: Relations) -> Iterator[Triple[T]]:
    """``ekg:nextInLane`` along each lane by start; ``faro:before`` where that is certain."""
    lanes: dict[str, list[Event]] = defaultdict(list)
    for event in events:
        lanes[event.lane].append(event)
    for members in lanes.values():
        members.sort(key=lambda e: (e.date.start.earliest, e.date.start.latest, e.id))
        nodes = [t.node(EVENT, event.id) for event in members]
        for (earlier, a), (later, b) in itertools.pairwise(zip(members, nodes, strict=True)):
            yield a, t.next_in_lane, b
            # (One date twice is never certainly before itself: "equals" is possible.)
            if earlier.date is not later.date and relations(earlier.date, later.date) == _BEFORE:
                yield a, t.before, b


def link_triples(
    t: Terms[T],
    link: Link,
    dates: tuple[EventDate, EventDate],
    relations: Relations,
    reading: Reading,
) -> Iterator[Triple[T]]:
    """A link's triples; ``dates`` are its cause's and effect's, ``reading.publications`` the
    ids that make an asserter a publication rather than an actor."""
    a, b = t.node(EVENT, link.cause), t.node(EVENT, link.effect)
    predicate = t.link_predicates[link.kind]
    if link.status in vocab.ASSERTED_STATUSES:  # a contested link is not stated as fact
        yield a, predicate, b
    node = t.node(LINK, link.id)
    yield node, t.type, t.CausalLink
    yield node, t.cause, a
    yield node, t.effect, b
    yield node, t.relation, predicate
    yield node, t.confidence, t.decimal(link.confidence)
    yield node, t.status, t.statuses[link.status]
    if link.ref:
        yield node, t.identifier, t.plain(link.ref)
    if link.aspect:
        yield node, t.aspect, t.node(STAGE, link.aspect)
    yield from _optional(node, t.comment, link.note, t)
    yield from source_triples(t, node, link.sources, reading)
    yield from source_triples(t, node, link.disputed_by, reading, t.disputed_by)
    possible = relations(*dates)
    if len(possible) == 1:
        (relation,) = possible
        yield node, t.allen_relation, t.allen[relation]
        if relation in t.faro_temporal:
            faro, swap = t.faro_temporal[relation]
            yield (b, faro, a) if swap else (a, faro, b)
    else:
        for relation in sorted(possible):
            yield node, t.possible_allen_relation, t.allen[relation]
    for agent in link.asserted_by:
        section = PUBLICATION if agent in reading.publications else ACTOR
        yield node, t.attributed_to, t.node(section, agent)


def claim_triples(t: Terms[T], claim: Claim, reading: Reading) -> Iterator[Triple[T]]:
    node = t.node(CLAIM, claim.id)
    yield node, t.type, t.Claim
    yield node, t.text, t.en(claim.text)
    yield node, t.verdict, t.verdicts[claim.verdict]
    yield node, t.stated_in, t.node(PUBLICATION, claim.stated_in)
    for event in claim.about:
        yield node, t.about, t.node(EVENT, event)
    for link in claim.asserts_links:
        yield node, t.asserts_link, t.node(LINK, link)
    yield from _optional(node, t.evidence, claim.evidence, t)
    if claim.ref:
        yield node, t.identifier, t.plain(claim.ref)
    yield from source_triples(t, node, claim.sources, reading)


def story_triples(t: Terms[T], info: DatasetInfo, story: Story) -> Iterator[Triple[T]]:
    """A story's own node, in the dataset's graph: the IRI of the story's named graph."""
    node = t.term(story_graph_iri(t.base, story.id))
    yield node, t.type, t.Story
    yield node, t.label, t.en(story.title)
    yield node, t.is_part_of, t.node(DATASET, info.id)


class Reading:
    """What the mapping remembers while records are read in file order: the source documents
    already written (each once, with its first citation), the triples of those first cited by
    the last records (``documents``, for the dataset's graph: :meth:`take_documents`), the
    publications' ids (an asserter that is one is a publication, not an actor) and the story
    whose file is being read (``story``, ``None`` for none; see :mod:`graph.rdf.graphs`)."""

    def __init__(self) -> None:
        self.cited: set[str] = set()
        self.documents: list[Triple[Any]] = []
        self.publications: set[str] = set()
        self.story: str | None = None

    def take_documents(self) -> list[Triple[Any]]:
        """The source documents' triples kept since the last call."""
        documents, self.documents = self.documents, []
        return documents


def record_triples(t: Terms[T], section: str, record: Any, reading: Reading) -> Iterator[Triple[T]]:
    """The triples of one record of ``section`` (a :class:`~graph.data.Dataset` attribute
    name, or ``dataset`` for its info), as records are read in file order; links wait for
    :func:`graph.rdf.graphs.closing_groups`, since they need both events' dates. The source
    documents a record cites first are kept in ``reading.documents``."""
    if section == "dataset":
        yield from info_triples(t, record)
    elif section in CONCEPT_SECTIONS:
        yield from concept_triples(t, CONCEPT_SECTIONS[section], record)
    elif section == "events":
        yield from event_triples(t, record, reading)
    elif section == "claims":
        yield from claim_triples(t, record, reading)
    elif section == "publications":
        reading.publications.add(record.id)
        yield from publication_triples(t, record)
    elif section == "actors":
        yield from actor_triples(t, record)
    elif section == "places":
        yield from place_triples(t, record)
    elif section not in ("links", "narratives"):
        raise ValueError(f"no records in section {section!r}")


#: The sections of a dataset in the order they are read (after its ``dataset`` info).
SECTIONS = (
    *CONCEPT_SECTIONS,
    "actors",
    "places",
    "publications",
    "events",
    "claims",
)


_BEFORE = frozenset({"before"})


def _optional(node: T, predicate: T, text: str | None, t: Terms[T]) -> Iterator[Triple[T]]:
    if text:
        yield node, predicate, t.en(text)
