"""Turn a validated :class:`~graph.data.model.Dataset` into RDF triples, deterministically.

Every resource gets an IRI under the dataset's ``base`` (no blank nodes), so the same YAML
always gives the same triples and two builds compare equal with ``rdflib.compare``. The
mapping is documented in ``docs/data-model.md``; every ``ekg:`` term emitted here is declared
in ``ontology/ekg.ttl`` (a test checks it).

Only supported and qualified links are stated as direct triples (what property paths such as
``faro:causes+`` follow); contested and unsupported ones exist only as ``ekg:CausalLink``
records with their status, so a disputed claim never reads as a fact.

Temporal relations are materialized only where they are useful and linear in size: the Allen
relation of each link's cause and effect, and each event's successor in its lane. Never all
pairs of events.

>>> from pathlib import Path
>>> from graph.data.events import load_dataset
>>> ds = load_dataset(Path(__file__).parents[2] / "tests" / "data" / "tiny.yaml")
>>> g = build_graph(ds)
>>> hike = event_iri(ds.info.base, "rate-hike")
>>> (event_iri(ds.info.base, "ruble-falls"), FARO.causes, hike) in g
True
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, VOID, XSD

from graph import vocab
from graph.data.dates import EventDate, possible_allen_relations
from graph.data.model import Claim, Concept, Dataset, Event, Link, Quantity, Source
from graph.vocab import EKG, FARO, FOAF, QUDT, SEM

Triple = tuple[URIRef, URIRef, URIRef | Literal]

_CONCEPT_CLASSES = {"lane": EKG.Lane, "type": SEM.EventType, "kind": EKG.QuantityKind}


def event_iri(base: str, event_id: str) -> URIRef:
    """IRI of an event: ``base`` + ``event/`` + its id."""
    return URIRef(f"{base}event/{event_id}")


def dataset_graph_iri(dataset: Dataset) -> str:
    """IRI of the named graph that holds ``dataset`` in a store: ``base`` + ``graph/`` + id."""
    return f"{dataset.info.base}graph/{dataset.info.id}"


def _iri(base: str, section: str, ident: str) -> URIRef:
    return URIRef(f"{base}{section}/{ident}")


def build_graph(dataset: Dataset) -> Graph:
    """All triples of ``dataset`` in an rdflib graph with the project's prefixes bound."""
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in vocab.PREFIXES.items():
        graph.bind(prefix, namespace)
    for triple in iter_triples(dataset):
        graph.add(triple)
    return graph


def iter_triples(dataset: Dataset) -> Iterator[Triple]:
    """Yield every triple of ``dataset`` (duplicates possible, e.g. a shared source)."""
    base = dataset.info.base
    yield from _dataset_triples(dataset)
    for prefix, concepts in (
        ("lane", dataset.lanes),
        ("type", dataset.event_types),
        ("kind", dataset.quantity_kinds),
    ):
        for concept in concepts:
            yield from _concept_triples(_iri(base, prefix, concept.id), prefix, concept)
    for actor in dataset.actors:
        node = _iri(base, "actor", actor.id)
        yield node, RDF.type, SEM.Actor
        yield node, RDF.type, vocab.ACTOR_KINDS[actor.kind]
        yield node, RDFS.label, Literal(actor.label, lang="en")
        yield from _optional(node, DCTERMS.description, actor.description)
    for place in dataset.places:
        node = _iri(base, "place", place.id)
        yield node, RDF.type, SEM.Place
        yield node, RDFS.label, Literal(place.label, lang="en")
        if place.country:
            yield node, DCTERMS.isPartOf, _iri(base, "place", place.country)
    for publication in dataset.publications:
        node = _iri(base, "publication", publication.id)
        yield node, RDF.type, FOAF.Document
        yield node, RDF.type, PROV.Entity
        yield node, DCTERMS.title, Literal(publication.title, lang="en")
        yield node, DCTERMS.date, Literal(_calendar_day(publication.date.begin))
        yield node, EKG.edtf, Literal(publication.date.edtf)
        yield from _optional(node, DCTERMS.creator, publication.author)
        yield from _optional(node, DCTERMS.description, publication.description)
        if publication.url:
            yield node, FOAF.page, URIRef(publication.url)
    for event in dataset.events:
        yield from _event_triples(base, event)
    yield from _lane_triples(base, dataset.events)
    dates = {event.id: event.date for event in dataset.events}
    publications = frozenset(p.id for p in dataset.publications)
    for link in dataset.links:
        yield from _link_triples(base, link, dates[link.cause], dates[link.effect])
        for agent in link.asserted_by:
            section = "publication" if agent in publications else "actor"
            yield _iri(base, "link", link.id), PROV.wasAttributedTo, _iri(base, section, agent)
    for claim in dataset.claims:
        yield from _claim_triples(base, claim)


def decimal_literal(value: Decimal) -> Literal:
    """An ``xsd:decimal`` in its canonical XSD 1.1 form (``17.0`` -> ``17``), as stores write it.

    >>> str(decimal_literal(Decimal("17.0"))), str(decimal_literal(Decimal("0.90")))
    ('17', '0.9')
    """
    text = format(value.normalize(), "f")
    return Literal(text, datatype=XSD.decimal)


def _optional(node: URIRef, predicate: URIRef, text: str | None) -> Iterator[Triple]:
    if text:
        yield node, predicate, Literal(text, lang="en")


def _dataset_triples(dataset: Dataset) -> Iterator[Triple]:
    info = dataset.info
    node = _iri(info.base, "dataset", info.id)
    yield node, RDF.type, VOID.Dataset
    yield node, DCTERMS.title, Literal(info.title, lang="en")
    yield from _optional(node, DCTERMS.description, info.description)
    if info.license:
        yield node, DCTERMS.license, URIRef(info.license)


def _concept_triples(node: URIRef, prefix: str, concept: Concept) -> Iterator[Triple]:
    yield node, RDF.type, SKOS.Concept
    yield node, RDF.type, _CONCEPT_CLASSES[prefix]
    yield node, SKOS.prefLabel, Literal(concept.label, lang="en")
    yield from _optional(node, SKOS.definition, concept.description)


def _source_triples(node: URIRef, sources: tuple[Source, ...]) -> Iterator[Triple]:
    for source in sources:
        doc = URIRef(source.url)
        yield node, PROV.wasDerivedFrom, doc
        yield doc, RDF.type, PROV.Entity
        yield doc, DCTERMS.title, Literal(source.title)
        yield doc, DCTERMS.publisher, Literal(source.publisher)
        if source.via:
            yield doc, EKG.via, Literal(source.via)
        if source.date:
            yield doc, EKG.reportedOn, Literal(source.date)
        if source.note:
            yield doc, RDFS.comment, Literal(source.note, lang="en")


def _calendar_day(value: dt.date | dt.datetime) -> dt.date:
    """The local calendar day of a bound (an instant keeps the day of its own offset)."""
    return value.date() if isinstance(value, dt.datetime) else value


def _date_triples(node: URIRef, date: EventDate) -> Iterator[Triple]:
    """Bounds as ``xsd:date`` for every event, so ORDER BY and comparisons work in every
    engine (mixing ``xsd:date`` and ``xsd:dateTime`` does not); instants keep their time and
    offset in ``ekg:beginInstant``/``ekg:endInstant``."""
    yield node, SEM.hasBeginTimeStamp, Literal(_calendar_day(date.begin))
    yield node, SEM.hasEndTimeStamp, Literal(_calendar_day(date.end))
    if isinstance(date.begin, dt.datetime):
        yield node, EKG.beginInstant, Literal(date.begin)
    if isinstance(date.end, dt.datetime):
        yield node, EKG.endInstant, Literal(date.end)
    yield node, EKG.beginPrecision, vocab.PRECISIONS[date.begin_precision]
    yield node, EKG.endPrecision, vocab.PRECISIONS[date.end_precision]
    yield node, EKG.edtf, Literal(date.edtf)
    if date.approximate:
        yield node, EKG.dateQualifier, EKG.Approximate
    if date.uncertain:
        yield node, EKG.dateQualifier, EKG.Uncertain


def _event_triples(base: str, event: Event) -> Iterator[Triple]:
    node = event_iri(base, event.id)
    yield node, RDF.type, SEM.Event
    yield node, RDFS.label, Literal(event.label, lang="en")
    yield node, SEM.eventType, _iri(base, "type", event.type)
    yield node, EKG.lane, _iri(base, "lane", event.lane)
    yield from _optional(node, DCTERMS.description, event.description)
    yield from _date_triples(node, event.date)
    for tag in event.tags:
        yield node, EKG.tag, Literal(tag)
    if event.place:
        yield node, SEM.hasPlace, _iri(base, "place", event.place)
    for actor in event.actors:
        yield node, SEM.hasActor, _iri(base, "actor", actor)
    if event.part_of:
        yield event_iri(base, event.part_of), SEM.hasSubEvent, node
    for number, quantity in enumerate(event.quantities, start=1):
        q_node = _iri(base, "quantity", f"{event.id}-{number}")
        yield node, EKG.quantity, q_node
        yield from _quantity_triples(base, q_node, quantity)
    yield from _source_triples(node, event.sources)


def _quantity_triples(base: str, node: URIRef, quantity: Quantity) -> Iterator[Triple]:
    yield node, RDF.type, QUDT.QuantityValue
    yield node, EKG.quantityKind, _iri(base, "kind", quantity.kind)
    yield node, QUDT.numericValue, decimal_literal(quantity.value)
    yield node, QUDT.unit, vocab.UNITS[quantity.unit]
    for predicate, value in (
        (EKG.previousValue, quantity.previous),
        (EKG.lowValue, quantity.low),
        (EKG.highValue, quantity.high),
    ):
        if value is not None:
            yield node, predicate, decimal_literal(value)
    if quantity.according_to:
        yield node, EKG.accordingTo, Literal(quantity.according_to)
    if quantity.observed:
        yield node, EKG.observedAt, Literal(quantity.observed.begin)
    yield from _optional(node, RDFS.comment, quantity.note)


def _lane_triples(base: str, events: tuple[Event, ...]) -> Iterator[Triple]:
    """``ekg:nextInLane`` along each lane by start; ``faro:before`` where that is certain."""
    lanes: dict[str, list[Event]] = defaultdict(list)
    for event in events:
        lanes[event.lane].append(event)
    for members in lanes.values():
        members.sort(key=lambda e: (e.date.start.earliest, e.date.start.latest, e.id))
        for earlier, later in itertools.pairwise(members):
            a, b = event_iri(base, earlier.id), event_iri(base, later.id)
            yield a, EKG.nextInLane, b
            if possible_allen_relations(earlier.date, later.date) == {"before"}:
                yield a, FARO.before, b


def _link_triples(base: str, link: Link, cause: EventDate, effect: EventDate) -> Iterator[Triple]:
    a, b = event_iri(base, link.cause), event_iri(base, link.effect)
    predicate = vocab.LINK_PREDICATES[link.kind]
    if link.status in vocab.ASSERTED_STATUSES:  # a contested link is not stated as fact
        yield a, predicate, b
    node = _iri(base, "link", link.id)
    yield node, RDF.type, EKG.CausalLink
    yield node, EKG.cause, a
    yield node, EKG.effect, b
    yield node, EKG.relation, predicate
    yield node, EKG.confidence, decimal_literal(link.confidence)
    yield node, EKG.status, vocab.LINK_STATUSES[link.status]
    if link.ref:
        yield node, DCTERMS.identifier, Literal(link.ref)
    yield from _optional(node, RDFS.comment, link.note)
    yield from _source_triples(node, link.sources)
    relations = possible_allen_relations(cause, effect)
    if len(relations) == 1:
        (relation,) = relations
        yield node, EKG.allenRelation, vocab.ALLEN_PROPERTIES[relation]
        if relation in vocab.FARO_TEMPORAL:
            faro, swap = vocab.FARO_TEMPORAL[relation]
            yield (b, faro, a) if swap else (a, faro, b)
    else:
        for relation in relations:
            yield node, EKG.possibleAllenRelation, vocab.ALLEN_PROPERTIES[relation]


def _claim_triples(base: str, claim: Claim) -> Iterator[Triple]:
    node = _iri(base, "claim", claim.id)
    yield node, RDF.type, EKG.Claim
    yield node, EKG.text, Literal(claim.text, lang="en")
    yield node, EKG.verdict, vocab.CLAIM_VERDICTS[claim.verdict]
    yield node, EKG.statedIn, _iri(base, "publication", claim.stated_in)
    for event in claim.about:
        yield node, EKG.about, event_iri(base, event)
    for link in claim.asserts_links:
        yield node, EKG.assertsLink, _iri(base, "link", link)
    yield from _optional(node, EKG.evidence, claim.evidence)
    if claim.ref:
        yield node, DCTERMS.identifier, Literal(claim.ref)
    yield from _source_triples(node, claim.sources)
