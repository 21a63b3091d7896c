"""Record readers: one YAML mapping -> one :mod:`graph.data.model` record, problems collected.

:class:`RecordReader` adds to :class:`~graph.data.fields.FieldReader` a reader per kind of record
(dataset info, concepts, actors, places, publications, events with their quantities, links,
claims). Each returns the record, or ``None`` when a required part is missing or wrong; every
problem found on the way is recorded with its line. :mod:`graph.data.loader` runs them over the
sections of every file and checks what spans records (ids, references, links).

>>> reader = RecordReader("events.yaml", [])
>>> reader.read_actor(3, {"id": "opec", "label": "OPEC", "kind": "organization"})
Actor(id='opec', label='OPEC', kind='organization', description=None)
>>> reader.read_actor(4, {"id": "x", "label": "X", "kind": "club"}), len(reader.problems)
(None, 1)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from graph import vocab
from graph.data.fields import FieldReader, Fields, check_base, line_of
from graph.data.model import (
    Actor,
    Claim,
    Concept,
    DatasetInfo,
    Event,
    Link,
    Narrative,
    Place,
    Publication,
    Quantity,
)

_INFO = Fields({"id", "title", "base"}, {"description", "license"})
_CONCEPT = Fields({"id", "label"}, {"description"})
_LANE = Fields({"id", "label"}, {"description", "colour"})
COLOUR = re.compile(vocab.COLOUR_PATTERN)
_ACTOR = Fields({"id", "label", "kind"}, {"description"})
_PLACE = Fields({"id", "label"}, {"country"})
_PUBLICATION = Fields({"id", "title", "date"}, {"author", "description", "url"})
_QUANTITY = Fields(
    {"kind", "value", "unit"}, {"previous", "low", "high", "according_to", "observed", "note"}
)
_EVENT = Fields(
    {"id", "label", "type", "date", "lane"},
    {"sources", "description", "tags", "place", "actors", "part_of", "quantities", "stage"},
)
_LINK = Fields(
    {"id", "cause", "effect", "kind", "confidence", "status"},
    {"sources", "asserted_by", "ref", "note", "disputed_by", "aspect"},
)
_NARRATIVE = Fields({"id", "label", "asserted_by"}, {"description", "sources"})
_CLAIM = Fields(
    {"id", "text", "verdict", "stated_in"}, {"about", "asserts_links", "evidence", "sources", "ref"}
)


class RecordReader(FieldReader):
    """Reads records of every kind from parsed YAML mappings (see the module docs)."""

    def read_info(self, data: dict) -> DatasetInfo | None:
        m = data.get("dataset")
        if not self.fields(m, line_of(data, "dataset"), "dataset", _INFO):
            return None
        base = self.text(m, "base")
        if base is not None and check_base(base) is not None:
            self.error(line_of(m, "base"), "'base' must be an http(s) IRI ending in '/' or '#'")
            base = None
        values = (self.slug(m, "id"), self.text(m, "title"), base)
        if None in values:
            return None
        return DatasetInfo(*values, self.text(m, "description"), self.text(m, "license"))  # type: ignore[arg-type]

    def concept_reader(self, section: str) -> Callable[[int, Any], Concept | None]:
        def reader(line: int, m: Any) -> Concept | None:
            if not self.fields(m, line, section, _LANE if section == "lanes" else _CONCEPT):
                return None
            ident, label = self.slug(m, "id"), self.text(m, "label")
            colour = self.text(m, "colour")
            if colour is not None and not COLOUR.match(colour):
                self.error(line_of(m, "colour"), f"'colour': {colour!r} is not #rrggbb")
                colour = None
            if ident is None or label is None:
                return None
            return Concept(ident, label, self.text(m, "description"), colour)

        return reader

    def read_actor(self, line: int, m: Any) -> Actor | None:
        if not self.fields(m, line, "actor", _ACTOR):
            return None
        values = (
            self.slug(m, "id"),
            self.text(m, "label"),
            self.choice(m, "kind", vocab.ACTOR_KINDS),
        )
        if None in values:
            return None
        return Actor(*values, self.text(m, "description"))  # type: ignore[arg-type]

    def read_place(self, line: int, m: Any) -> Place | None:
        if not self.fields(m, line, "place", _PLACE):
            return None
        ident, label = self.slug(m, "id"), self.text(m, "label")
        if ident is None or label is None:
            return None
        return Place(ident, label, self.slug(m, "country", "places"))

    def read_publication(self, line: int, m: Any) -> Publication | None:
        if not self.fields(m, line, "publication", _PUBLICATION):
            return None
        ident, title, date = self.slug(m, "id"), self.text(m, "title"), self.date(m, "date")
        if ident is None or title is None or date is None:
            return None
        return Publication(
            ident,
            title,
            date,
            self.text(m, "author"),
            self.text(m, "description"),
            self.text(m, "url"),
        )

    def read_quantity(self, line: int, m: Any) -> Quantity | None:
        if not self.fields(m, line, "quantity", _QUANTITY):
            return None
        kind = self.slug(m, "kind", "quantity_kinds")
        value, unit = self.number(m, "value"), self.choice(m, "unit", vocab.UNITS)
        low, high = self.number(m, "low"), self.number(m, "high")
        if low is not None and high is not None and low > high:
            self.error(line_of(m, "low"), f"quantity range is inverted: low {low} > high {high}")
        if kind is None or value is None or unit is None:
            return None
        return Quantity(
            kind,
            value,
            unit,
            self.number(m, "previous"),
            low,
            high,
            self.text(m, "according_to"),
            self.date(m, "observed"),
            self.text(m, "note"),
        )

    def read_event(self, line: int, m: Any) -> Event | None:
        if not self.fields(m, line, "event", _EVENT):
            return None
        ident = self.slug(m, "id")
        quantities: tuple[Quantity, ...] = ()
        if "quantities" in m:
            quantities = tuple(
                quantity
                for q_line, q in self.items(m, "quantities")
                if (quantity := self.read_quantity(q_line, q))
            )
        if ident is not None and m.get("part_of") == ident:
            self.error(line_of(m, "part_of"), f"event {ident!r} cannot be part of itself")
        values = (
            ident,
            self.text(m, "label"),
            self.slug(m, "type", "event_types"),
            self.date(m, "date"),
            self.slug(m, "lane", "lanes"),
            self.source_list(m, "event"),
        )
        description, tags = self.text(m, "description"), self.slugs(m, "tags")
        place, actors = self.slug(m, "place", "places"), self.slugs(m, "actors", "actors")
        part_of, stage = self.slug(m, "part_of", "events"), self.slug(m, "stage", "stages")
        if None in values or not values[-1]:
            return None
        return Event(*values, description, tags, place, actors, part_of, quantities, line, stage)  # type: ignore[arg-type]

    def read_link(self, line: int, m: Any) -> Link | None:
        if not self.fields(m, line, "link", _LINK):
            return None
        confidence = self.number(m, "confidence")
        if confidence is not None and not 0 <= confidence <= 1:
            self.error(line_of(m, "confidence"), f"confidence {confidence} is outside 0..1")
            confidence = None
        status = self.choice(m, "status", vocab.LINK_STATUSES)
        disputed = status in vocab.DISPUTED_STATUSES
        values = (
            self.slug(m, "id"),
            self.slug(m, "cause", "events"),
            self.slug(m, "effect", "events"),
            self.choice(m, "kind", vocab.LINK_PREDICATES),
            confidence,
            status,
            # A disputed link may have no source for it (its asserter is the record of who
            # says it), but it has sources against it.
            self.source_list(m, "link", required=not disputed),
        )
        asserted_by = self.slugs(m, "asserted_by", "agents")
        ref, note = self.text(m, "ref"), self.text(m, "note")
        aspect = self.slug(m, "aspect", "stages")
        if aspect is not None and values[3] not in (None, "similar_to"):
            self.error(line_of(m, "aspect"), "'aspect' is for similar_to links")
        disputed_by = self.source_list(m, "link", required=False, key="disputed_by")
        if disputed:
            # A disputed link says who asserts it and what disputes it, or it is not curated.
            what = f"an {status}" if status == "unsupported" else f"a {status}"
            if not asserted_by:
                self.error(line, f"{what} link needs 'asserted_by': who asserts it")
            listed = m.get("disputed_by")
            if not disputed_by and not (isinstance(listed, list) and listed):
                self.error(line, f"{what} link needs 'disputed_by': the sources against it")
        elif "disputed_by" in m and values[5] is not None:
            self.error(
                line_of(m, "disputed_by"), "'disputed_by' is for contested or unsupported links"
            )
        if values[1] is not None and values[1] == values[2]:
            self.error(line_of(m, "effect"), "a link cannot join an event to itself")
            return None
        if None in values or not (values[-1] or disputed_by):
            return None
        return Link(*values, asserted_by, ref, note, disputed_by, line, aspect)  # type: ignore[arg-type]

    def read_narrative(self, line: int, m: Any) -> Narrative | None:
        if not self.fields(m, line, "narrative", _NARRATIVE):
            return None
        ident, label = self.slug(m, "id"), self.text(m, "label")
        asserted_by = self.slugs(m, "asserted_by", "agents")
        if "asserted_by" in m and not asserted_by and isinstance(m["asserted_by"], list):
            self.error(line_of(m, "asserted_by"), "a narrative needs at least one asserter")
        sources = self.source_list(m, "narrative", required=False)
        if ident is None or label is None or not asserted_by:
            return None
        return Narrative(ident, label, asserted_by, self.text(m, "description"), sources, line=line)

    def read_claim(self, line: int, m: Any) -> Claim | None:
        if not self.fields(m, line, "claim", _CLAIM):
            return None
        verdict = self.choice(m, "verdict", vocab.CLAIM_VERDICTS)
        sources = self.source_list(m, "claim", required=verdict not in (None, "opinion"))
        values = (
            self.slug(m, "id"),
            self.text(m, "text"),
            verdict,
            self.slug(m, "stated_in", "publications"),
        )
        about, asserts = self.slugs(m, "about", "events"), self.slugs(m, "asserts_links", "links")
        evidence, ref = self.text(m, "evidence"), self.text(m, "ref")
        if None in values:
            return None
        return Claim(*values, sources, about, asserts, evidence, ref, line)  # type: ignore[arg-type]

    # -- cross-record checks -----------------------------------------------------------------
