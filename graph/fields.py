"""Field readers for located YAML values: every problem collected with its line.

:class:`FieldReader` checks one field at a time (text, kebab ids, numbers, EDTF dates,
choices, source lists) and records what is wrong instead of raising, so a file's problems are
all reported at once. References to other records are remembered and resolved at the end.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from graph.dates import EventDate, parse_date
from graph.errors import DateError, Problem
from graph.model import Source
from graph.yamlfile import LocatedDict, LocatedList

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
URL = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")
SOURCE_FIELDS = ({"url", "title", "publisher"}, {"via", "date", "note"})


class FieldReader:
    """Reads fields of located YAML mappings into values, collecting problems instead of
    raising; :mod:`graph.events` builds the dataset's records with it."""

    def __init__(self, file_name: str, problems: list[Problem]) -> None:
        self.file = file_name
        self.problems = list(problems)
        self.sources: dict[str, Source] = {}
        self.source_lines: dict[str, int] = {}
        self.refs: list[tuple[int, str, str, str]] = []  # (line, field, value, section)
        self.id_lines: dict[tuple[str, str], int] = {}
        self.declared: dict[str, set[str]] = {}

    def error(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.file, line, message))

    # -- generic field readers -------------------------------------------------------------

    def fields(self, m: Any, line: int, what: str, spec: tuple[set[str], set[str]]) -> bool:
        """Check ``m`` is a mapping with the required and only known fields."""
        required, optional = spec
        if not isinstance(m, LocatedDict):
            self.error(line, f"{what} must be a mapping of fields")
            return False
        for key in m:
            if key not in required and key not in optional:
                known = ", ".join(sorted(required | optional))
                self.error(m.line_of(key), f"{what}: unknown field {key!r} (known: {known})")
        for key in sorted(required - m.keys()):
            self.error(m.line, f"{what}: missing required field {key!r}")
        return True

    def text(self, m: LocatedDict, key: str) -> str | None:
        value = m.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.error(m.line_of(key), f"{key!r} must be non-empty text")
            return None
        return value.strip()

    def slug(self, m: LocatedDict, key: str, section: str | None = None) -> str | None:
        value = m.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not SLUG.match(value):
            self.error(m.line_of(key), f"{key!r} must be a kebab-case id, got {value!r}")
            return None
        if section:
            self.refs.append((m.line_of(key), key, value, section))
        return value

    def slugs(self, m: LocatedDict, key: str, section: str | None = None) -> tuple[str, ...]:
        value = m.get(key)
        if value is None:
            return ()
        if not isinstance(value, list):
            self.error(m.line_of(key), f"{key!r} must be a list")
            return ()
        items = []
        for item in value:
            if not isinstance(item, str) or not SLUG.match(item):
                self.error(m.line_of(key), f"{key!r}: {item!r} is not a kebab-case id")
            else:
                items.append(item)
                if section:
                    self.refs.append((m.line_of(key), key, item, section))
        return tuple(items)

    def number(self, m: LocatedDict, key: str) -> Decimal | None:
        value = m.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            self.error(m.line_of(key), f"{key!r} must be a number, got {value!r}")
            return None
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            self.error(m.line_of(key), f"{key!r} must be a number, got {value!r}")
            return None
        if not number.is_finite():
            self.error(m.line_of(key), f"{key!r} must be a finite number")
            return None
        return number

    def date(self, m: LocatedDict, key: str) -> EventDate | None:
        value = m.get(key)
        if value is None:
            return None
        try:
            return parse_date(str(value) if isinstance(value, int) else value)
        except DateError as exc:
            self.error(m.line_of(key), f"{key!r}: {exc}")
            return None

    def choice(self, m: LocatedDict, key: str, allowed: Mapping[str, Any]) -> str | None:
        value = m.get(key)
        if value is None:
            return None
        if value not in allowed:
            known = ", ".join(allowed)
            self.error(m.line_of(key), f"unknown {key} {value!r} (expected one of: {known})")
            return None
        return value

    def items(self, data: LocatedDict, key: str) -> list[tuple[int, Any]]:
        value = data.get(key)
        if value is None:
            return []
        if not isinstance(value, LocatedList):
            self.error(data.line_of(key), f"{key!r} must be a list")
            return []
        return list(zip(value.item_lines, value, strict=True))

    # -- sources ---------------------------------------------------------------------------

    def collect_sources(self, data: LocatedDict) -> None:
        """First pass: every fully written source, so bare URLs may refer to later ones."""
        for section in ("events", "links", "claims"):
            records = data.get(section)
            for record in records if isinstance(records, LocatedList) else ():
                listed = record.get("sources") if isinstance(record, LocatedDict) else None
                if not isinstance(listed, LocatedList):
                    continue
                for line, item in zip(listed.item_lines, listed, strict=True):
                    if isinstance(item, LocatedDict):
                        self.define_source(line, item)

    def define_source(self, line: int, m: LocatedDict) -> None:
        if not self.fields(m, line, "source", SOURCE_FIELDS):
            return
        url, title, publisher = (
            self.text(m, "url"),
            self.text(m, "title"),
            self.text(m, "publisher"),
        )
        if url is None or title is None or publisher is None:
            return
        if not URL.match(url):
            self.error(m.line_of("url"), f"source url {url!r} is not an http(s) URL")
            return
        source = Source(
            url, title, publisher, self.text(m, "via"), self.text(m, "date"), self.text(m, "note")
        )
        known = self.sources.get(url)
        if known is None:
            self.sources[url] = source
            self.source_lines[url] = line
        elif (known.title, known.publisher) != (title, publisher):
            first = self.source_lines[url]
            self.error(line, f"source {url} has another title or publisher at line {first}")

    def source_list(self, m: LocatedDict, what: str, required: bool = True) -> tuple[Source, ...]:
        listed = m.get("sources")
        if listed is None or listed == []:
            if required:
                self.error(m.line, f"{what}: at least one source is required")
            return ()
        if not isinstance(listed, LocatedList):
            self.error(m.line_of("sources"), "'sources' must be a list")
            return ()
        result = []
        for line, item in zip(listed.item_lines, listed, strict=True):
            url = item.get("url") if isinstance(item, LocatedDict) else item
            if isinstance(url, str) and url.strip() in self.sources:
                result.append(self.sources[url.strip()])
            elif isinstance(item, str):
                self.error(line, f"source {item!r} is not given in full anywhere in the file")
        return tuple(result)
