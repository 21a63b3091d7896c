"""The triples of :mod:`graph.build` written straight as N-Triples text, record by record.

:func:`graph.build.iter_triples` is the reference mapping; building rdflib terms and converting
them for the store costs about 40 s per 100 k events, while pyoxigraph parses N-Triples in Rust
at several hundred thousand triples a second. :class:`NTriplesWriter` formats the same triples
as text, one record at a time, so a build can stream them into a bulk load while validation
is still reading (see :mod:`graph.bulk`). A test checks the two give isomorphic graphs.

Each shared source document is written once, on first use; the rest follows ``build.py``.

>>> from pathlib import Path
>>> from graph.events import load_dataset
>>> ds = load_dataset(Path(__file__).parent.parent / "tests" / "data" / "tiny.yaml")
>>> text = "".join(iter_ntriples(ds))
>>> text.splitlines()[0].split()[1:]
['<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>', '<http://rdfs.org/ns/void#Dataset>', '.']
>>> from graph.build import build_graph
>>> len(set(text.splitlines())) == len(build_graph(ds))
True
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from collections import defaultdict
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, VOID, XSD

from graph import vocab
from graph.allen import AllenRelations
from graph.build import decimal_literal
from graph.dates import EventDate
from graph.model import Claim, Concept, Dataset, DatasetInfo, Event, Link, Quantity, Source
from graph.vocab import EKG, FARO, FOAF, QUDT, SEM

_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def _iri(term: Any) -> str:
    return f"<{term}>"


def _lit(text: str) -> str:
    return f'"{text.translate(_ESCAPES)}"'


def _en(text: str) -> str:
    return f'"{text.translate(_ESCAPES)}"@en'


_XSD_DATE, _XSD_DATETIME = f"^^<{XSD.date}>", f"^^<{XSD.dateTime}>"
_XSD_DECIMAL = f"^^<{XSD.decimal}>"


def _date(value: dt.date | dt.datetime) -> str:
    if isinstance(value, dt.datetime):
        return f'"{value.isoformat()}"{_XSD_DATETIME}'
    return f'"{value.isoformat()}"{_XSD_DATE}'


def _day(value: dt.date | dt.datetime) -> str:
    return f'"{(value.date() if isinstance(value, dt.datetime) else value).isoformat()}"{_XSD_DATE}'


@functools.lru_cache(maxsize=1 << 16)
def _decimal(value: Decimal) -> str:
    # Equal decimals (0.9, 0.90) have one canonical form, so the value is a safe cache key.
    return f'"{decimal_literal(value)}"{_XSD_DECIMAL}'


class _Terms:
    """A namespace's IRIs as N-Triples terms, each formatted once: ``_EKG.lane``."""

    def __init__(self, namespace: str) -> None:
        self._namespace = str(namespace)

    def __getattr__(self, name: str) -> str:
        term = f"<{self._namespace}{name}>"
        setattr(self, name, term)  # later lookups are plain attributes
        return term


_EKG, _SEM, _FARO, _QUDT, _FOAF = (_Terms(ns) for ns in (EKG, SEM, FARO, QUDT, FOAF))
_RDF, _RDFS, _SKOS, _VOID = (_Terms(ns) for ns in (RDF, RDFS, SKOS, VOID))
_DCTERMS, _PROV = _Terms(DCTERMS), _Terms(PROV)

# Predicates and fixed objects, formatted once.
A = _RDF.type
LABEL, COMMENT = _RDFS.label, _RDFS.comment
TITLE, DESCRIPTION, DATE = _DCTERMS.title, _DCTERMS.description, _DCTERMS.date
DERIVED, ENTITY, PUBLISHER = _PROV.wasDerivedFrom, _PROV.Entity, _DCTERMS.publisher
EDTF = _EKG.edtf
_CONCEPT_CLASS = {"lane": _EKG.Lane, "type": _SEM.EventType, "kind": _EKG.QuantityKind}
_PRECISIONS = {k: _iri(v) for k, v in vocab.PRECISIONS.items()}
_UNITS = {k: _iri(v) for k, v in vocab.UNITS.items()}
_ACTOR_KINDS = {k: _iri(v) for k, v in vocab.ACTOR_KINDS.items()}
_LINK_PREDICATES = {k: _iri(v) for k, v in vocab.LINK_PREDICATES.items()}
_STATUSES = {k: _iri(v) for k, v in vocab.LINK_STATUSES.items()}
_VERDICTS = {k: _iri(v) for k, v in vocab.CLAIM_VERDICTS.items()}
_ALLEN = {k: _iri(v) for k, v in vocab.ALLEN_PROPERTIES.items()}
_FARO_TEMPORAL = {k: (_iri(p), swap) for k, (p, swap) in vocab.FARO_TEMPORAL.items()}


class NTriplesWriter:
    """Formats records as N-Triples lines and hands them to ``write`` in chunks.

    Call :meth:`record` for every record as it is read (``info`` first), then :meth:`finish`
    with the whole dataset for what needs all of it (lane order, links' temporal relations).
    """

    def __init__(self, write: Callable[[str], object], chunk: int = 20_000) -> None:
        self.write = write
        self.chunk = chunk
        self.lines: list[str] = []
        self.base = ""
        self.cited: set[str] = set()
        self.publications: set[str] = set()
        self.relations = AllenRelations()  # possible_allen_relations, fast
        self.writers: dict[str, Callable[[Any], None]] = {
            "actors": self.actor,
            "places": self.place,
            "publications": self.publication,
            "events": self.event,
            "claims": self.claim,
        }

    def emit(self, subject: str, predicate: str, obj: str) -> None:
        self.lines.append(f"{subject} {predicate} {obj} .\n")

    def flush(self) -> None:
        if self.lines:
            self.write("".join(self.lines))
            self.lines.clear()

    def record(self, section: str, record: Any) -> None:
        """Write the triples of one record of ``section`` (``dataset`` for the info); links
        wait for :meth:`finish`."""
        if section == "dataset":
            self.base = record.base
            self.info(record)
        elif section in _CONCEPT_SECTIONS:
            self.concept(_CONCEPT_SECTIONS[section], record)
        elif section != "links":  # links need both events' dates: see finish()
            self.writers[section](record)
        if len(self.lines) >= self.chunk:
            self.flush()

    def finish(self, dataset: Dataset) -> None:
        """The triples that need the whole dataset: lanes, links; then flush."""
        self.lanes(dataset.events)
        self.flush()
        dates = {event.id: event.date for event in dataset.events}
        for link in dataset.links:
            self.link(link, dates[link.cause], dates[link.effect])
            if len(self.lines) >= self.chunk:
                self.flush()
        self.flush()

    def node(self, section: str, ident: str) -> str:
        return f"<{self.base}{section}/{ident}>"

    def optional(self, node: str, predicate: str, text: str | None) -> None:
        if text:
            self.emit(node, predicate, _en(text))

    def info(self, info: DatasetInfo) -> None:
        node = self.node("dataset", info.id)
        self.emit(node, A, _VOID.Dataset)
        self.emit(node, TITLE, _en(info.title))
        self.optional(node, DESCRIPTION, info.description)
        if info.license:
            self.emit(node, _DCTERMS.license, _iri(info.license))

    def concept(self, prefix: str, concept: Concept) -> None:
        node = self.node(prefix, concept.id)
        self.emit(node, A, _SKOS.Concept)
        self.emit(node, A, _CONCEPT_CLASS[prefix])
        self.emit(node, _SKOS.prefLabel, _en(concept.label))
        self.optional(node, _SKOS.definition, concept.description)

    def actor(self, actor: Any) -> None:
        node = self.node("actor", actor.id)
        self.emit(node, A, _SEM.Actor)
        self.emit(node, A, _ACTOR_KINDS[actor.kind])
        self.emit(node, LABEL, _en(actor.label))
        self.optional(node, DESCRIPTION, actor.description)

    def place(self, place: Any) -> None:
        node = self.node("place", place.id)
        self.emit(node, A, _SEM.Place)
        self.emit(node, LABEL, _en(place.label))
        if place.country:
            self.emit(node, _DCTERMS.isPartOf, self.node("place", place.country))

    def publication(self, publication: Any) -> None:
        self.publications.add(publication.id)
        node = self.node("publication", publication.id)
        self.emit(node, A, _FOAF.Document)
        self.emit(node, A, ENTITY)
        self.emit(node, TITLE, _en(publication.title))
        self.emit(node, DATE, _day(publication.date.begin))
        self.emit(node, EDTF, _lit(publication.date.edtf))
        if publication.author:
            self.emit(node, _DCTERMS.creator, _en(publication.author))
        self.optional(node, DESCRIPTION, publication.description)
        if publication.url:
            self.emit(node, _FOAF.page, _iri(publication.url))

    def sources(self, node: str, sources: tuple[Source, ...]) -> None:
        for source in sources:
            doc = _iri(source.url)
            self.emit(node, DERIVED, doc)
            if source.url in self.cited:
                continue
            self.cited.add(source.url)
            self.emit(doc, A, ENTITY)
            self.emit(doc, TITLE, _lit(source.title))
            self.emit(doc, PUBLISHER, _lit(source.publisher))
            if source.via:
                self.emit(doc, _EKG.via, _lit(source.via))
            if source.date:
                self.emit(doc, _EKG.reportedOn, _lit(source.date))
            if source.note:
                self.emit(doc, COMMENT, _en(source.note))

    def dates(self, node: str, date: EventDate) -> None:
        self.emit(node, _BEGIN, _day(date.begin))
        self.emit(node, _END, _day(date.end))
        if isinstance(date.begin, dt.datetime):
            self.emit(node, _EKG.beginInstant, _date(date.begin))
        if isinstance(date.end, dt.datetime):
            self.emit(node, _EKG.endInstant, _date(date.end))
        self.emit(node, _EKG.beginPrecision, _PRECISIONS[date.begin_precision])
        self.emit(node, _EKG.endPrecision, _PRECISIONS[date.end_precision])
        self.emit(node, EDTF, _lit(date.edtf))
        if date.approximate:
            self.emit(node, _EKG.dateQualifier, _EKG.Approximate)
        if date.uncertain:
            self.emit(node, _EKG.dateQualifier, _EKG.Uncertain)

    def event(self, event: Event) -> None:
        node = self.node("event", event.id)
        self.emit(node, A, _SEM.Event)
        self.emit(node, LABEL, _en(event.label))
        self.emit(node, _SEM.eventType, self.node("type", event.type))
        self.emit(node, _EKG.lane, self.node("lane", event.lane))
        self.optional(node, DESCRIPTION, event.description)
        self.dates(node, event.date)
        for tag in event.tags:
            self.emit(node, _EKG.tag, _lit(tag))
        if event.place:
            self.emit(node, _SEM.hasPlace, self.node("place", event.place))
        for actor in event.actors:
            self.emit(node, _SEM.hasActor, self.node("actor", actor))
        if event.part_of:
            self.emit(self.node("event", event.part_of), _SEM.hasSubEvent, node)
        for number, quantity in enumerate(event.quantities, start=1):
            q_node = self.node("quantity", f"{event.id}-{number}")
            self.emit(node, _EKG.quantity, q_node)
            self.quantity(q_node, quantity)
        self.sources(node, event.sources)

    def quantity(self, node: str, quantity: Quantity) -> None:
        self.emit(node, A, _QUDT.QuantityValue)
        self.emit(node, _EKG.quantityKind, self.node("kind", quantity.kind))
        self.emit(node, _QUDT.numericValue, _decimal(quantity.value))
        self.emit(node, _QUDT.unit, _UNITS[quantity.unit])
        for predicate, value in (
            (_EKG.previousValue, quantity.previous),
            (_EKG.lowValue, quantity.low),
            (_EKG.highValue, quantity.high),
        ):
            if value is not None:
                self.emit(node, predicate, _decimal(value))
        if quantity.according_to:
            self.emit(node, _EKG.accordingTo, _lit(quantity.according_to))
        if quantity.observed:
            self.emit(node, _EKG.observedAt, _date(quantity.observed.begin))
        self.optional(node, COMMENT, quantity.note)

    def lanes(self, events: tuple[Event, ...]) -> None:
        lanes: dict[str, list[Event]] = defaultdict(list)
        for event in events:
            lanes[event.lane].append(event)
        for members in lanes.values():
            members.sort(key=lambda e: (e.date.start.earliest, e.date.start.latest, e.id))
            for earlier, later in itertools.pairwise(members):
                a, b = self.node("event", earlier.id), self.node("event", later.id)
                self.emit(a, _EKG.nextInLane, b)
                if self.relations(earlier.date, later.date) == {"before"}:
                    self.emit(a, _FARO.before, b)
            if len(self.lines) >= self.chunk:
                self.flush()

    def link(self, link: Link, cause: EventDate, effect: EventDate) -> None:
        a, b = self.node("event", link.cause), self.node("event", link.effect)
        predicate = _LINK_PREDICATES[link.kind]
        if link.status in vocab.ASSERTED_STATUSES:
            self.emit(a, predicate, b)
        node = self.node("link", link.id)
        self.emit(node, A, _EKG.CausalLink)
        self.emit(node, _EKG.cause, a)
        self.emit(node, _EKG.effect, b)
        self.emit(node, _EKG.relation, predicate)
        self.emit(node, _EKG.confidence, _decimal(link.confidence))
        self.emit(node, _EKG.status, _STATUSES[link.status])
        if link.ref:
            self.emit(node, _DCTERMS.identifier, _lit(link.ref))
        self.optional(node, COMMENT, link.note)
        self.sources(node, link.sources)
        relations = self.relations(cause, effect)
        if len(relations) == 1:
            (relation,) = relations
            self.emit(node, _EKG.allenRelation, _ALLEN[relation])
            if relation in _FARO_TEMPORAL:
                faro, swap = _FARO_TEMPORAL[relation]
                self.emit(*((b, faro, a) if swap else (a, faro, b)))
        else:
            for relation in relations:
                self.emit(node, _EKG.possibleAllenRelation, _ALLEN[relation])
        for agent in link.asserted_by:
            section = "publication" if agent in self.publications else "actor"
            self.emit(node, _PROV.wasAttributedTo, self.node(section, agent))

    def claim(self, claim: Claim) -> None:
        node = self.node("claim", claim.id)
        self.emit(node, A, _EKG.Claim)
        self.emit(node, _EKG.text, _en(claim.text))
        self.emit(node, _EKG.verdict, _VERDICTS[claim.verdict])
        self.emit(node, _EKG.statedIn, self.node("publication", claim.stated_in))
        for event in claim.about:
            self.emit(node, _EKG.about, self.node("event", event))
        for link in claim.asserts_links:
            self.emit(node, _EKG.assertsLink, self.node("link", link))
        self.optional(node, _EKG.evidence, claim.evidence)
        if claim.ref:
            self.emit(node, _DCTERMS.identifier, _lit(claim.ref))
        self.sources(node, claim.sources)


_CONCEPT_SECTIONS = {"lanes": "lane", "event_types": "type", "quantity_kinds": "kind"}
_BEGIN, _END = _SEM.hasBeginTimeStamp, _SEM.hasEndTimeStamp


def iter_ntriples(dataset: Dataset, chunk: int = 20_000) -> Iterator[str]:
    """The triples of ``dataset`` as N-Triples text, in chunks of about ``chunk`` lines."""
    chunks: list[str] = []
    writer = NTriplesWriter(chunks.append, chunk)
    writer.record("dataset", dataset.info)
    for section in ("lanes", "event_types", "quantity_kinds", "actors", "places"):
        for record in getattr(dataset, section):
            writer.record(section, record)
    for section in ("publications", "events", "claims"):
        for record in getattr(dataset, section):
            writer.record(section, record)
            yield from chunks
            chunks.clear()
    writer.finish(dataset)
    yield from chunks
