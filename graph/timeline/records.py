"""JSON-ready records of events, links and claims: what the HTTP API and pages return.

One place decides how a record looks, so ``/api/events``, ``/api/events/<id>``, the event page
and the CLI agree.

>>> from pathlib import Path
>>> from graph.data.loader import load_dataset
>>> ds = load_dataset(Path(__file__).parents[2] / "tests" / "data" / "tiny.yaml")
>>> labels = Labels.of(ds)
>>> event_summary(ds.event("rate-hike"))["date"]["precision"]
'second'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from rdflib import Graph

from graph import vocab
from graph.data import Claim, Dataset, Event, Link, Quantity, Source, Story
from graph.rdf import event_iri, story_graph_iri
from graph.store import Store
from graph.timeline.formats import display_date

#: Unit key -> symbol shown to people.
UNIT_SYMBOLS = {
    "percent": "%",
    "percentage-point": "pp",
    "percent-per-month": "%/month",
    "basis-point": "bp",
    "rub-per-usd": "RUB/USD",
    "rub-per-eur": "RUB/EUR",
    "rub": "RUB",
    "usd": "USD",
    "usd-million": "USD m",
    "usd-billion": "USD bn",
    "eur-billion": "EUR bn",
    "usd-per-barrel": "USD/bbl",
    "million-barrels-per-day": "mb/d",
    "index-point": "pt",
    "person": "people",
    "count": "",
    "day": "days",
}


class EventLabels(Mapping[str, str]):
    """Each event's label by id, looked up in the dataset when asked for: no pass over every
    event (a dataset opened from a snapshot decodes only the events asked for)."""

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset

    def __getitem__(self, event_id: str) -> str:
        return self.dataset.event(event_id).label

    def __iter__(self) -> Iterator[str]:
        return (event.id for event in self.dataset.events)

    def __len__(self) -> int:
        return len(self.dataset.events)


@dataclass(frozen=True)
class Labels:
    """Labels of a dataset's controlled lists, actors and places, looked up by id."""

    lanes: dict[str, str]
    types: dict[str, str]
    kinds: dict[str, str]
    actors: dict[str, str]
    places: dict[str, str]
    events: Mapping[str, str]
    #: Publication titles (asserters of links are publications or actors).
    publications: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, dataset: Dataset) -> Labels:
        return cls(
            {c.id: c.label for c in dataset.lanes},
            {c.id: c.label for c in dataset.event_types},
            {c.id: c.label for c in dataset.quantity_kinds},
            {a.id: a.label for a in dataset.actors},
            {p.id: p.label for p in dataset.places},
            EventLabels(dataset),
            {p.id: p.title for p in dataset.publications},
        )


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _iso(value: dt.date | dt.datetime) -> str:
    return value.isoformat()


def date_record(event: Event) -> dict[str, Any]:
    """An event's date: as written, its bounds, precision and the words for it."""
    date = event.date
    precision = "interval" if "/" in date.edtf else date.begin_precision
    return {
        "edtf": date.edtf,
        "begin": _iso(date.begin),
        "end": _iso(date.end),
        "precision": precision,
        "approximate": date.approximate,
        "uncertain": date.uncertain,
        "display": display_date(date),
    }


def quantity_record(quantity: Quantity, labels: Labels) -> dict[str, Any]:
    """A quantity with its kind's label and the unit's symbol."""
    return {
        "kind": quantity.kind,
        "kind_label": labels.kinds.get(quantity.kind, quantity.kind),
        "value": _number(quantity.value),
        "unit": quantity.unit,
        "unit_symbol": UNIT_SYMBOLS.get(quantity.unit, quantity.unit),
        "previous": _number(quantity.previous),
        "low": _number(quantity.low),
        "high": _number(quantity.high),
        "according_to": quantity.according_to,
        "observed": quantity.observed.edtf if quantity.observed else None,
        "note": quantity.note,
    }


def source_record(source: Source) -> dict[str, Any]:
    return {
        "url": source.url,
        "title": source.title,
        "publisher": source.publisher,
        "via": source.via,
    }


def event_summary(event: Event) -> dict[str, Any]:
    """The fields of an event listed in collections (``/api/events``)."""
    return {
        "id": event.id,
        "label": event.label,
        "type": event.type,
        "lane": event.lane,
        "date": date_record(event),
        "place": event.place,
        "actors": list(event.actors),
        "tags": list(event.tags),
    }


def link_facts(link: Link) -> dict[str, Any]:
    """What a link says, the same wherever a link is shown: kind, confidence, status, note."""
    return {
        "kind": link.kind,
        "confidence": float(link.confidence),
        "status": link.status,
        "note": link.note,
    }


def link_record(link: Link, other: str, labels: Labels) -> dict[str, Any]:
    """A link seen from one of its events: ``other`` is the event at the far end."""
    return {
        "link_id": link.id,
        "event_id": other,
        "label": labels.events.get(other, other),
        **link_facts(link),
    }


def claim_record(claim: Claim) -> dict[str, Any]:
    """A claim of a publication with its verdict and evidence."""
    return {
        "id": claim.id,
        "ref": claim.ref,
        "text": claim.text,
        "verdict": claim.verdict,
        "stated_in": claim.stated_in,
        "about": list(claim.about),
        "asserts_links": list(claim.asserts_links),
        "evidence": claim.evidence,
        "sources": [source_record(s) for s in claim.sources],
    }


def links_by_event(dataset: Dataset) -> dict[str, list[Link]]:
    """Each event's links (as cause or effect), in file order: one pass over the links."""
    found: dict[str, list[Link]] = {}
    for link in dataset.links:
        found.setdefault(link.cause, []).append(link)
        found.setdefault(link.effect, []).append(link)
    return found


def event_detail(
    dataset: Dataset, event: Event, labels: Labels, links: Sequence[Link] | None = None
) -> dict[str, Any]:
    """Everything about one event: figures, sources, claims about it, links in and out.

    ``links`` are the event's links (see :func:`links_by_event`); found by a scan if omitted.
    """
    causes: list[dict[str, Any]] = []
    effects: list[dict[str, Any]] = []
    similar: list[dict[str, Any]] = []
    if links is None:
        links = [x for x in dataset.links if event.id in (x.cause, x.effect)]
    for link in links:
        other = link.effect if link.cause == event.id else link.cause
        record = link_record(link, other, labels)
        if link.kind == "similar_to":
            similar.append(record)
        else:
            (causes if link.effect == event.id else effects).append(record)
    return {
        **event_summary(event),
        "iri": str(event_iri(dataset.info.base, event.id)),
        "type_label": labels.types.get(event.type, event.type),
        "lane_label": labels.lanes.get(event.lane, event.lane),
        "place_label": labels.places.get(event.place) if event.place else None,
        "actor_labels": [labels.actors.get(a, a) for a in event.actors],
        "description": event.description,
        "part_of": event.part_of,
        "quantities": [quantity_record(q, labels) for q in event.quantities],
        "sources": [source_record(s) for s in event.sources],
        "claims": [claim_record(c) for c in dataset.claims if event.id in c.about],
        "causes": causes,
        "effects": effects,
        "similar": similar,
    }


def page_context(detail: dict[str, Any]) -> dict[str, Any]:
    """:func:`event_detail` in the shape the event page template expects."""
    return {
        **detail,
        "type": detail["type_label"],
        "lane": detail["lane_label"],
        "place": detail["place_label"],
        "actors": detail["actor_labels"],
        "quantities": [
            {**q, "kind": q["kind_label"], "unit": q["unit_symbol"]} for q in detail["quantities"]
        ],
    }


_EVENT_GRAPH = """
CONSTRUCT {{ ?s ?p ?o }} WHERE {{
  {{ BIND (<{iri}> AS ?s) ?s ?p ?o }}
  UNION {{ <{iri}> ekg:quantity ?s . ?s ?p ?o }}
  UNION {{ ?s ekg:cause|ekg:effect <{iri}> ; ?p ?o }}
  UNION {{ ?s ekg:about <{iri}> ; ?p ?o }}
}}"""


def event_graph(store: Store, dataset: Dataset, event_id: str) -> Graph:
    """The RDF about one event: its triples, its quantities, its links and the claims about it."""
    iri = event_iri(dataset.info.base, event_id)
    graph = store.query(_EVENT_GRAPH.format(iri=iri)).graph()
    graph.bind("id", f"{dataset.info.base}")
    for prefix, namespace in vocab.PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


def story_record(dataset: Dataset, story: Story) -> dict[str, Any]:
    """A story's header, the IRI of its named graph, its counts and the span of its events'
    dates."""
    dates = [dataset.event(event).date for event in story.events]
    span = None
    if dates:  # days as ISO text: a date and a date-time compare by their calendar day
        start = min(date.begin.isoformat()[:10] for date in dates)
        end = max(date.end.isoformat()[:10] for date in dates)
        span = {"label": "", "start": start, "end": end}
    return {
        "id": story.id,
        "graph": story_graph_iri(dataset.info.base, story.id),
        "title": story.title,
        "intro": story.intro,
        "time_zone": story.time_zone,
        "window": None if story.window is None else asdict(story.window),
        "presets": [asdict(preset) for preset in story.presets],
        "lanes": list(story.lanes),
        "steps": [asdict(step) | {"events": list(step.events)} for step in story.steps],
        "example_chain": None
        if story.example_chain is None
        else dict(zip(("source", "target"), story.example_chain, strict=True)),
        "counts": {
            "events": len(story.events),
            "links": len(story.links),
            "claims": len(story.claims),
        },
        "span": span,
    }
