"""Load and validate ``events.yaml`` into a :class:`~graph.model.Dataset`.

Validation reports **every** problem at once, each as ``file:line: message``, and a file with
any problem builds nothing: :func:`load_dataset` either returns a whole dataset or raises
:class:`~graph.errors.ValidationError`. The file format is described in
``docs/data-model.md``.

>>> from pathlib import Path
>>> ds = load_dataset(Path(__file__).parent.parent / "tests" / "data" / "tiny.yaml")
>>> [e.id for e in ds.events]
['opec-no-cut', 'oil-below-60', 'ruble-falls', 'rate-hike']
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import networkx as nx

from graph import vocab
from graph.dates import starts_certainly_after
from graph.errors import DataError, Problem, ValidationError
from graph.fields import URL, FieldReader
from graph.model import (
    Actor,
    Claim,
    Concept,
    Dataset,
    DatasetInfo,
    Event,
    Link,
    Place,
    Publication,
    Quantity,
)
from graph.yamlfile import LocatedDict, parse_yaml

_SECTIONS = (
    "dataset",
    "lanes",
    "event_types",
    "quantity_kinds",
    "actors",
    "places",
    "publications",
    "events",
    "links",
    "claims",
)
_CONCEPT_FIELDS = ({"id", "label"}, {"description"})


def load_dataset(path: str | Path) -> Dataset:
    """Read, parse and validate an events file.

    Raises :class:`DataError` if the file cannot be read and :class:`ValidationError` (with
    every problem) if it is not a valid dataset.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ValidationError([Problem(path.name, line, "not valid UTF-8 text")]) from exc
    return parse_dataset(text, path.name)


def parse_dataset(text: str, file_name: str = "events.yaml") -> Dataset:
    """Validate YAML text as a dataset; ``file_name`` prefixes every problem."""
    data, problems = parse_yaml(text, file_name)
    checker = _Checker(file_name, problems)
    dataset = checker.read(data)
    if checker.problems or dataset is None:
        raise ValidationError(checker.problems)
    return dataset


class _Checker(FieldReader):
    """Turns located YAML values into model records, collecting problems instead of raising."""

    # -- sections --------------------------------------------------------------------------

    def read(self, data: Any) -> Dataset | None:
        if data is None and self.problems:
            return None
        if not isinstance(data, LocatedDict):
            self.error(getattr(data, "line", 1), "the file must be a mapping of sections")
            return None
        for key in data:
            if key not in _SECTIONS:
                self.error(data.line_of(key), f"unknown section {key!r}")
        self.collect_sources(data)
        info = self.read_info(data)
        concepts = {
            s: self.read_concepts(data, s) for s in ("lanes", "event_types", "quantity_kinds")
        }
        actors = self.read_all(data, "actors", self.read_actor)
        places = self.read_all(data, "places", self.read_place)
        publications = self.read_all(data, "publications", self.read_publication)
        events = self.read_all(data, "events", self.read_event)
        links = self.read_all(data, "links", self.read_link)
        claims = self.read_all(data, "claims", self.read_claim)
        ids = {section: self.declared.get(section, set()) for section in _SECTIONS}
        ids["agents"] = ids["actors"] | ids["publications"]
        for both in sorted(ids["actors"] & ids["publications"]):
            line = self.id_lines[("publications", both)]
            self.error(line, f"id {both!r} names both an actor and a publication")
        for line, key, value, section in self.refs:
            if value not in ids[section]:
                self.error(line, f"{key!r}: unknown {section.rstrip('s')} {value!r}")
        self.check_links(events, links)
        if info is None:
            return None
        return Dataset(
            info,
            concepts["lanes"],
            concepts["event_types"],
            concepts["quantity_kinds"],
            actors,
            places,
            publications,
            events,
            links,
            claims,
        )

    def read_info(self, data: LocatedDict) -> DatasetInfo | None:
        m = data.get("dataset")
        spec = ({"id", "title", "base"}, {"description", "license"})
        if not self.fields(m, data.line_of("dataset"), "dataset", spec):
            return None
        base = self.text(m, "base")
        if base is not None and (not URL.match(base) or base[-1] not in "/#"):
            self.error(m.line_of("base"), "'base' must be an http(s) IRI ending in '/' or '#'")
            base = None
        values = (self.slug(m, "id"), self.text(m, "title"), base)
        if None in values:
            return None
        return DatasetInfo(*values, self.text(m, "description"), self.text(m, "license"))  # type: ignore[arg-type]

    def read_all(self, data: LocatedDict, section: str, reader: Any) -> tuple[Any, ...]:
        records, seen = [], {}
        for line, m in self.items(data, section):
            if isinstance(m, LocatedDict) and isinstance(m.get("id"), str):
                # Known even if the record is invalid: references to it are not problems too.
                self.declared.setdefault(section, set()).add(m["id"])
            record = reader(line, m)
            if record is None:
                continue
            if record.id in seen:
                self.error(line, f"duplicate id {record.id!r} (first at line {seen[record.id]})")
                continue
            seen[record.id] = line
            self.id_lines[(section, record.id)] = line
            records.append(record)
        return tuple(records)

    def read_concepts(self, data: LocatedDict, section: str) -> tuple[Concept, ...]:
        def reader(line: int, m: Any) -> Concept | None:
            if not self.fields(m, line, section, _CONCEPT_FIELDS):
                return None
            ident, label = self.slug(m, "id"), self.text(m, "label")
            if ident is None or label is None:
                return None
            return Concept(ident, label, self.text(m, "description"))

        return self.read_all(data, section, reader)

    def read_actor(self, line: int, m: Any) -> Actor | None:
        if not self.fields(m, line, "actor", ({"id", "label", "kind"}, {"description"})):
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
        if not self.fields(m, line, "place", ({"id", "label"}, {"country"})):
            return None
        ident, label = self.slug(m, "id"), self.text(m, "label")
        if ident is None or label is None:
            return None
        return Place(ident, label, self.slug(m, "country", "places"))

    def read_publication(self, line: int, m: Any) -> Publication | None:
        spec = ({"id", "title", "date"}, {"author", "description", "url"})
        if not self.fields(m, line, "publication", spec):
            return None
        values = (self.slug(m, "id"), self.text(m, "title"), self.date(m, "date"))
        if None in values:
            return None
        return Publication(
            *values,
            self.text(m, "author"),
            self.text(m, "description"),  # type: ignore[arg-type]
            self.text(m, "url"),
        )

    def read_quantity(self, line: int, m: Any) -> Quantity | None:
        spec = (
            {"kind", "value", "unit"},
            {"previous", "low", "high", "according_to", "observed", "note"},
        )
        if not self.fields(m, line, "quantity", spec):
            return None
        kind = self.slug(m, "kind", "quantity_kinds")
        value, unit = self.number(m, "value"), self.choice(m, "unit", vocab.UNITS)
        low, high = self.number(m, "low"), self.number(m, "high")
        if low is not None and high is not None and low > high:
            self.error(m.line_of("low"), f"quantity range is inverted: low {low} > high {high}")
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
        spec = (
            {"id", "label", "type", "date", "lane"},
            {"sources", "description", "tags", "place", "actors", "part_of", "quantities"},
        )
        if not self.fields(m, line, "event", spec):
            return None
        ident = self.slug(m, "id")
        quantities = tuple(
            quantity
            for q_line, q in self.items(m, "quantities")
            if (quantity := self.read_quantity(q_line, q))
        )
        if ident is not None and m.get("part_of") == ident:
            self.error(m.line_of("part_of"), f"event {ident!r} cannot be part of itself")
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
        part_of = self.slug(m, "part_of", "events")
        if None in values or not values[-1]:
            return None
        return Event(*values, description, tags, place, actors, part_of, quantities, line)  # type: ignore[arg-type]

    def read_link(self, line: int, m: Any) -> Link | None:
        spec = (
            {"id", "cause", "effect", "kind", "confidence", "status"},
            {"sources", "asserted_by", "ref", "note"},
        )
        if not self.fields(m, line, "link", spec):
            return None
        confidence = self.number(m, "confidence")
        if confidence is not None and not 0 <= confidence <= 1:
            self.error(m.line_of("confidence"), f"confidence {confidence} is outside 0..1")
            confidence = None
        values = (
            self.slug(m, "id"),
            self.slug(m, "cause", "events"),
            self.slug(m, "effect", "events"),
            self.choice(m, "kind", vocab.LINK_PREDICATES),
            confidence,
            self.choice(m, "status", vocab.LINK_STATUSES),
            self.source_list(m, "link"),
        )
        asserted_by = self.slugs(m, "asserted_by", "agents")
        ref, note = self.text(m, "ref"), self.text(m, "note")
        if values[1] is not None and values[1] == values[2]:
            self.error(m.line_of("effect"), "a link cannot join an event to itself")
            return None
        if None in values or not values[-1]:
            return None
        return Link(*values, asserted_by, ref, note, line)  # type: ignore[arg-type]

    def read_claim(self, line: int, m: Any) -> Claim | None:
        spec = (
            {"id", "text", "verdict", "stated_in"},
            {"about", "asserts_links", "evidence", "sources", "ref"},
        )
        if not self.fields(m, line, "claim", spec):
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

    def check_links(self, events: tuple[Event, ...], links: tuple[Link, ...]) -> None:
        dates = {e.id: e.date for e in events}
        directed = nx.DiGraph()
        for link in links:
            if link.kind not in vocab.DIRECTED_KINDS:
                continue
            if link.cause in dates and link.effect in dates:
                directed.add_edge(link.cause, link.effect, line=link.line, id=link.id)
            if (
                link.status in vocab.CHECKED_STATUSES
                and link.cause in dates
                and link.effect in dates
                and starts_certainly_after(dates[link.cause], dates[link.effect])
            ):
                cause, effect = dates[link.cause].edtf, dates[link.effect].edtf
                self.error(
                    link.line,
                    f"link {link.id!r}: cause {link.cause!r} ({cause}) starts "
                    f"after its effect {link.effect!r} ({effect})",
                )
        for component in nx.strongly_connected_components(directed):
            if len(component) < 2:
                continue
            cycle = nx.find_cycle(directed.subgraph(component))
            names = " -> ".join([*(u for u, _ in cycle), cycle[0][0]])
            line = min(directed.edges[u, v]["line"] for u, v in cycle)
            self.error(line, f"causal links form a cycle: {names}")
