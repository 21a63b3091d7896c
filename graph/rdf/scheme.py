"""The IRI scheme and the vocabulary of the RDF mapping, and :class:`Terms`, the one thing a
writer of the mapping (:mod:`graph.rdf.mapping`) supplies.

Every resource gets an IRI under the dataset's ``base`` (no blank nodes): ``base`` + section
+ ``/`` + id (:func:`iri`), so the same YAML always gives the same triples. A narrative's
nanopublication and its named graphs are :func:`nanopub_iris`; a story's named graph, which is
also the story's own IRI, is :func:`story_graph_iri`.

>>> iri("http://example.org/ekg/id/", EVENT, "rate-hike")
'http://example.org/ekg/id/event/rate-hike'
>>> local_id("http://example.org/ekg/id/event/rate-hike", "http://example.org/ekg/id/", EVENT)
'rate-hike'
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Mapping
from decimal import Decimal
from typing import Generic, TypeVar

from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, VOID

from graph import vocab
from graph.data import DatasetInfo
from graph.vocab import EKG, FARO, FOAF, NP, QUDT, SEM

# The IRI scheme: base + section + "/" + id.
DATASET, GRAPH, EVENT, LINK, CLAIM = "dataset", "graph", "event", "link", "claim"
ACTOR, PLACE, PUBLICATION, QUANTITY = "actor", "place", "publication", "quantity"
LANE, TYPE, KIND, NARRATIVE, STORY = "lane", "type", "kind", "narrative", "story"
STAGE = "stage"
#: The named graphs of a narrative's nanopublication, after its IRI: ``…/narrative/<id>/head``.
NANOPUB_GRAPHS = ("head", "assertion", "provenance", "pubinfo")
#: Concept sections, by the dataset attribute that lists them.
CONCEPT_SECTIONS = {"lanes": LANE, "event_types": TYPE, "quantity_kinds": KIND, "stages": STAGE}


def iri(base: str, section: str, ident: str) -> str:
    """The IRI of record ``ident`` of ``section`` (:data:`EVENT`, :data:`LINK`, ...)."""
    return f"{base}{section}/{ident}"


def graph_iri(info: DatasetInfo) -> str:
    """The named graph that holds a dataset in a store: ``base`` + ``graph/`` + its id."""
    return iri(info.base, GRAPH, info.id)


def story_graph_iri(base: str, story_id: str) -> str:
    """The named graph of a story's records (its events, links and claims), which is also the
    story's own IRI: ``base`` + ``story/`` + its id.

    >>> story_graph_iri("http://example.org/ekg/id/", "russia-1998")
    'http://example.org/ekg/id/story/russia-1998'
    """
    return iri(base, STORY, story_id)


def nanopub_iris(base: str, narrative_id: str) -> dict[str, str]:
    """The IRIs of a narrative's nanopublication: ``nanopub`` (``base`` + ``narrative/`` + its
    id) and its named graphs (:data:`NANOPUB_GRAPHS`), each that IRI + ``/`` + the graph's role.

    >>> nanopub_iris("http://example.org/ekg/id/", "guriev")["assertion"]
    'http://example.org/ekg/id/narrative/guriev/assertion'
    """
    nanopub = iri(base, NARRATIVE, narrative_id)
    return {"nanopub": nanopub, **{role: f"{nanopub}/{role}" for role in NANOPUB_GRAPHS}}


def local_id(value: str, base: str, section: str) -> str | None:
    """The id in an IRI of ``section`` under ``base``; ``None`` for any other IRI."""
    prefix = iri(base, section, "")
    return value[len(prefix) :] if value.startswith(prefix) else None


def canonical_decimal(value: Decimal) -> str:
    """A decimal in its canonical XSD 1.1 form, as stores write it.

    >>> canonical_decimal(Decimal("17.0")), canonical_decimal(Decimal("0.90"))
    ('17', '0.9')
    """
    return format(value.normalize(), "f")


#: Every vocabulary term the mapping uses, by the attribute name a :class:`Terms` gives it.
VOCABULARY = {
    "type": RDF.type,
    "label": RDFS.label,
    "comment": RDFS.comment,
    "title": DCTERMS.title,
    "description": DCTERMS.description,
    "date": DCTERMS.date,
    "license": DCTERMS.license,
    "creator": DCTERMS.creator,
    "publisher": DCTERMS.publisher,
    "identifier": DCTERMS.identifier,
    "is_part_of": DCTERMS.isPartOf,
    "derived_from": PROV.wasDerivedFrom,
    "attributed_to": PROV.wasAttributedTo,
    "disputed_by": EKG.disputedBy,
    "Entity": PROV.Entity,
    "Dataset": VOID.Dataset,
    "Concept": SKOS.Concept,
    "pref_label": SKOS.prefLabel,
    "definition": SKOS.definition,
    "Document": FOAF.Document,
    "page": FOAF.page,
    "Event": SEM.Event,
    "Actor": SEM.Actor,
    "Place": SEM.Place,
    "EventType": SEM.EventType,
    "event_type": SEM.eventType,
    "has_place": SEM.hasPlace,
    "has_actor": SEM.hasActor,
    "has_sub_event": SEM.hasSubEvent,
    "begin": SEM.hasBeginTimeStamp,
    "end": SEM.hasEndTimeStamp,
    "QuantityValue": QUDT.QuantityValue,
    "numeric_value": QUDT.numericValue,
    "unit": QUDT.unit,
    "before": FARO.before,
    "Lane": EKG.Lane,
    "QuantityKind": EKG.QuantityKind,
    "Stage": EKG.Stage,
    "stage": EKG.stage,
    "aspect": EKG.aspect,
    "CausalLink": EKG.CausalLink,
    "Claim": EKG.Claim,
    "Approximate": EKG.Approximate,
    "Uncertain": EKG.Uncertain,
    "lane": EKG.lane,
    "tag": EKG.tag,
    "edtf": EKG.edtf,
    "via": EKG.via,
    "reported_on": EKG.reportedOn,
    "begin_instant": EKG.beginInstant,
    "end_instant": EKG.endInstant,
    "begin_precision": EKG.beginPrecision,
    "end_precision": EKG.endPrecision,
    "date_qualifier": EKG.dateQualifier,
    "quantity": EKG.quantity,
    "quantity_kind": EKG.quantityKind,
    "previous_value": EKG.previousValue,
    "low_value": EKG.lowValue,
    "high_value": EKG.highValue,
    "according_to": EKG.accordingTo,
    "observed_at": EKG.observedAt,
    "next_in_lane": EKG.nextInLane,
    "cause": EKG.cause,
    "effect": EKG.effect,
    "relation": EKG.relation,
    "confidence": EKG.confidence,
    "status": EKG.status,
    "allen_relation": EKG.allenRelation,
    "possible_allen_relation": EKG.possibleAllenRelation,
    "text": EKG.text,
    "verdict": EKG.verdict,
    "stated_in": EKG.statedIn,
    "about": EKG.about,
    "asserts_link": EKG.assertsLink,
    "evidence": EKG.evidence,
    "Narrative": EKG.Narrative,
    "Story": EKG.Story,
    "Nanopublication": NP.Nanopublication,
    "has_assertion": NP.hasAssertion,
    "has_provenance": NP.hasProvenance,
    "has_publication_info": NP.hasPublicationInfo,
}
CONCEPT_CLASSES = {"lane": "Lane", "type": "EventType", "kind": "QuantityKind", "stage": "Stage"}

T = TypeVar("T")
Triple = tuple[T, T, T]
#: A triple and the named graph that holds it.
Quad = tuple[T, T, T, T]


class Terms(ABC, Generic[T]):
    """How a writer writes terms, for the records of a dataset under ``base``.

    Every name of :data:`VOCABULARY` is an attribute holding that term as the writer writes
    it, and the closed vocabularies of :mod:`graph.vocab` are dictionaries of terms
    (``precisions``, ``units``, ``actor_kinds``, ``link_predicates``, ``statuses``,
    ``verdicts``, ``allen``, ``faro_temporal``), all converted once.
    """

    def __init__(self, base: str) -> None:
        self.base = base
        #: A date's (predicate, object) pairs by EDTF text: many events share a date.
        self.dates: dict[str, list[tuple[T, T]]] = {}
        for name, term in VOCABULARY.items():
            setattr(self, name, self.term(term))

        def terms(table: Mapping[str, str]) -> dict[str, T]:
            return {key: self.term(term) for key, term in table.items()}

        self.precisions = terms(vocab.PRECISIONS)
        self.units = terms(vocab.UNITS)
        self.actor_kinds = terms(vocab.ACTOR_KINDS)
        self.link_predicates = terms(vocab.LINK_PREDICATES)
        self.statuses = terms(vocab.LINK_STATUSES)
        self.verdicts = terms(vocab.CLAIM_VERDICTS)
        self.allen = terms(vocab.ALLEN_PROPERTIES)
        self.faro_temporal = {
            key: (self.term(term), swap) for key, (term, swap) in vocab.FARO_TEMPORAL.items()
        }

    def __getattr__(self, name: str) -> T:  # the VOCABULARY attributes, for type checkers
        raise AttributeError(name)

    @abstractmethod
    def term(self, value: str) -> T:
        """An IRI given in full (a vocabulary term, a source's URL)."""

    def node(self, section: str, ident: str) -> T:
        """The IRI of a record: :func:`iri` under this dataset's base."""
        return self.term(iri(self.base, section, ident))

    @abstractmethod
    def en(self, text: str) -> T:
        """An English literal."""

    @abstractmethod
    def plain(self, text: str) -> T:
        """A literal without language tag or datatype."""

    @abstractmethod
    def day(self, value: dt.date | dt.datetime) -> T:
        """An ``xsd:date``: the local calendar day (an instant keeps its own offset's day)."""

    @abstractmethod
    def instant(self, value: dt.date | dt.datetime) -> T:
        """An ``xsd:dateTime`` for an instant, an ``xsd:date`` for a day."""

    @abstractmethod
    def decimal(self, value: Decimal) -> T:
        """An ``xsd:decimal`` in its canonical form (``17.0`` -> ``17``)."""
