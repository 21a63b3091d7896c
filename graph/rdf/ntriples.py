"""The triples of :mod:`graph.rdf.build` written straight as N-Triples text, record by record.

:func:`graph.rdf.build.iter_triples` is the reference mapping; building rdflib terms and converting
them for the store costs about 40 s per 100 k events, while pyoxigraph parses N-Triples in Rust
at several hundred thousand triples a second. :class:`NTriplesWriter` formats the same triples
as text, one record at a time, so a build can stream them into a bulk load while validation
is still reading (see :mod:`graph.rdf.bulk`). A test checks the two give isomorphic graphs.

Each shared source document is written once, on first use; the rest follows ``build.py``.

>>> from pathlib import Path
>>> from graph.data.events import load_dataset
>>> ds = load_dataset(Path(__file__).parents[2] / "tests" / "data" / "tiny.yaml")
>>> text = "".join(iter_ntriples(ds))
>>> text.splitlines()[0].split()[1:]
['<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>', '<http://rdfs.org/ns/void#Dataset>', '.']
>>> from graph.rdf.build import build_graph
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

from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, VOID, XSD, DefinedNamespace

from graph import vocab
from graph.data.allen import AllenRelations
from graph.data.dates import EventDate
from graph.data.model import Claim, Concept, Dataset, DatasetInfo, Event, Link, Quantity, Source
from graph.rdf.build import decimal_literal
from graph.vocab import EKG, FARO, FOAF, QUDT, SEM

_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def _iri(term: Any) -> str:
    return f"<{term}>"


def _escaped(text: str) -> str:
    """``text`` as the inside of a literal: most text has nothing to escape (looking is cheap)."""
    if "\\" in text or '"' in text or "\n" in text or "\r" in text:
        return text.translate(_ESCAPES)
    return text


def _lit(text: str) -> str:
    return f'"{_escaped(text)}"'


def _en(text: str) -> str:
    return f'"{_escaped(text)}"@en'


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

    def __init__(self, namespace: str | type[DefinedNamespace]) -> None:
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
_EVENT, _EVENT_TYPE, _LANE, _TAG = _SEM.Event, _SEM.eventType, _EKG.lane, _EKG.tag
_PLACE, _ACTOR, _SUB_EVENT = _SEM.hasPlace, _SEM.hasActor, _SEM.hasSubEvent
_QUANTITY, _QUANTITY_VALUE, _QUANTITY_KIND = _EKG.quantity, _QUDT.QuantityValue, _EKG.quantityKind
_NUMERIC_VALUE, _UNIT = _QUDT.numericValue, _QUDT.unit
_NEXT_IN_LANE, _FARO_BEFORE = _EKG.nextInLane, _FARO.before
_CAUSAL_LINK, _CAUSE, _EFFECT, _RELATION = _EKG.CausalLink, _EKG.cause, _EKG.effect, _EKG.relation
_CONFIDENCE, _STATUS, _ALLEN_RELATION = _EKG.confidence, _EKG.status, _EKG.allenRelation
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
    A chunk is about ``chunk`` pieces of text, each a line or the lines of part of a record.
    """

    def __init__(self, write: Callable[[str], object], chunk: int = 4_000) -> None:
        self.write = write
        self.chunk = chunk
        self.lines: list[str] = []
        self.base = ""
        self.cited: set[str] = set()
        self.publications: set[str] = set()
        self.date_parts: dict[str, tuple[str, ...]] = {}  # by EDTF text: see dates()
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
            doc = f"<{source.url}>"
            self.lines.append(f"{node} {DERIVED} {doc} .\n")
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
        """The date triples of ``node``: formatted once per date (events share them)."""
        parts = self.date_parts.get(date.edtf)
        if parts is None:
            parts = self.date_parts[date.edtf] = _date_parts(date)
        self.lines.append(node.join(parts))

    def event(self, event: Event) -> None:
        base, lines = self.base, self.lines
        node = f"<{base}event/{event.id}>"
        lines.append(
            f"{node} {A} {_EVENT} .\n{node} {LABEL} {_en(event.label)} .\n"
            f"{node} {_EVENT_TYPE} <{base}type/{event.type}> .\n"
            f"{node} {_LANE} <{base}lane/{event.lane}> .\n"
        )
        self.optional(node, DESCRIPTION, event.description)
        self.dates(node, event.date)
        for tag in event.tags:
            lines.append(f"{node} {_TAG} {_lit(tag)} .\n")
        if event.place:
            lines.append(f"{node} {_PLACE} <{base}place/{event.place}> .\n")
        for actor in event.actors:
            lines.append(f"{node} {_ACTOR} <{base}actor/{actor}> .\n")
        if event.part_of:
            lines.append(f"<{base}event/{event.part_of}> {_SUB_EVENT} {node} .\n")
        for number, quantity in enumerate(event.quantities, start=1):
            q_node = f"<{base}quantity/{event.id}-{number}>"
            lines.append(f"{node} {_QUANTITY} {q_node} .\n")
            self.quantity(q_node, quantity)
        self.sources(node, event.sources)

    def quantity(self, node: str, quantity: Quantity) -> None:
        lines = self.lines
        lines.append(
            f"{node} {A} {_QUANTITY_VALUE} .\n"
            f"{node} {_QUANTITY_KIND} <{self.base}kind/{quantity.kind}> .\n"
            f"{node} {_NUMERIC_VALUE} {_decimal(quantity.value)} .\n"
            f"{node} {_UNIT} {_UNITS[quantity.unit]} .\n"
        )
        for predicate, value in (
            (_EKG.previousValue, quantity.previous),
            (_EKG.lowValue, quantity.low),
            (_EKG.highValue, quantity.high),
        ):
            if value is not None:
                lines.append(f"{node} {predicate} {_decimal(value)} .\n")
        if quantity.according_to:
            self.emit(node, _EKG.accordingTo, _lit(quantity.according_to))
        if quantity.observed:
            self.emit(node, _EKG.observedAt, _date(quantity.observed.begin))
        self.optional(node, COMMENT, quantity.note)

    def lanes(self, events: tuple[Event, ...]) -> None:
        lanes: dict[str, list[Event]] = defaultdict(list)
        for event in events:
            lanes[event.lane].append(event)
        prefix, lines = f"<{self.base}event/", self.lines
        for members in lanes.values():
            members.sort(key=lambda e: (e.date.start.earliest, e.date.start.latest, e.id))
            nodes = [f"{prefix}{event.id}>" for event in members]
            for (earlier, a), (later, b) in itertools.pairwise(zip(members, nodes, strict=True)):
                lines.append(f"{a} {_NEXT_IN_LANE} {b} .\n")
                # (One date twice is never certainly before itself: "equals" is possible.)
                if earlier.date is not later.date and (
                    self.relations(earlier.date, later.date) == _BEFORE
                ):
                    lines.append(f"{a} {_FARO_BEFORE} {b} .\n")
            if len(lines) >= self.chunk:
                self.flush()

    def link(self, link: Link, cause: EventDate, effect: EventDate) -> None:
        base, lines = self.base, self.lines
        a, b = f"<{base}event/{link.cause}>", f"<{base}event/{link.effect}>"
        predicate = _LINK_PREDICATES[link.kind]
        if link.status in vocab.ASSERTED_STATUSES:
            lines.append(f"{a} {predicate} {b} .\n")
        node = f"<{base}link/{link.id}>"
        lines.append(
            f"{node} {A} {_CAUSAL_LINK} .\n{node} {_CAUSE} {a} .\n{node} {_EFFECT} {b} .\n"
            f"{node} {_RELATION} {predicate} .\n"
            f"{node} {_CONFIDENCE} {_decimal(link.confidence)} .\n"
            f"{node} {_STATUS} {_STATUSES[link.status]} .\n"
        )
        if link.ref:
            self.emit(node, _DCTERMS.identifier, _lit(link.ref))
        if link.note:
            self.emit(node, COMMENT, _en(link.note))
        self.sources(node, link.sources)
        relations = self.relations(cause, effect)
        if len(relations) == 1:
            (relation,) = relations
            lines.append(f"{node} {_ALLEN_RELATION} {_ALLEN[relation]} .\n")
            if relation in _FARO_TEMPORAL:
                faro, swap = _FARO_TEMPORAL[relation]
                lines.append(f"{b} {faro} {a} .\n" if swap else f"{a} {faro} {b} .\n")
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
_BEFORE = frozenset({"before"})


def _date_parts(date: EventDate) -> tuple[str, ...]:
    """The date triples of a subject as the text between its occurrences: ``s.join(parts)``
    gives the lines of subject ``s``."""
    pairs = [(_SEM.hasBeginTimeStamp, _day(date.begin)), (_SEM.hasEndTimeStamp, _day(date.end))]
    if isinstance(date.begin, dt.datetime):
        pairs.append((_EKG.beginInstant, _date(date.begin)))
    if isinstance(date.end, dt.datetime):
        pairs.append((_EKG.endInstant, _date(date.end)))
    pairs.append((_EKG.beginPrecision, _PRECISIONS[date.begin_precision]))
    pairs.append((_EKG.endPrecision, _PRECISIONS[date.end_precision]))
    pairs.append((EDTF, _lit(date.edtf)))
    if date.approximate:
        pairs.append((_EKG.dateQualifier, _EKG.Approximate))
    if date.uncertain:
        pairs.append((_EKG.dateQualifier, _EKG.Uncertain))
    return ("", *(f" {predicate} {obj} .\n" for predicate, obj in pairs))


def iter_ntriples(dataset: Dataset, chunk: int = 4_000) -> Iterator[str]:
    """The triples of ``dataset`` as N-Triples text, in chunks (see :class:`NTriplesWriter`)."""
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
