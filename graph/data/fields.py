"""Field readers for parsed YAML values: every problem collected with its line.

:class:`FieldReader` checks one field at a time (text, kebab ids, numbers, EDTF dates,
choices, source lists) and records what is wrong instead of raising, so a dataset's problems
are all reported at once. Values come either from the located loader (lines known) or from the
fast parser (plain dicts and lists: line 0, and the file is re-read with lines when it has a
problem). References to records not seen yet are remembered and resolved at the end.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from itertools import repeat
from typing import Any, TypeGuard

from graph.data.dates import EventDate, parse_date
from graph.data.model import Source
from graph.data.yamlfile import LocatedDict, LocatedList
from graph.errors import DateError, Problem

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
URL = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")


def check_base(base: str) -> str | None:
    """Why ``base`` cannot be a dataset's base IRI, or ``None`` if it can: an http(s) IRI
    ending in ``/`` or ``#``.

    >>> check_base("https://data.example.net/ekg/id/") is None
    True
    >>> check_base("urn:x:")
    "base IRI 'urn:x:' is not an http(s) IRI ending in '/' or '#'"
    """
    if URL.match(base) and base[-1] in "/#":
        return None
    return f"base IRI {base!r} is not an http(s) IRI ending in '/' or '#'"


class Fields:
    """The fields a kind of mapping has: ``required`` ones and ``optional`` ones.

    >>> spec = Fields({"label", "id"}, {"note"})
    >>> spec.ordered, sorted(spec.known)
    (('id', 'label'), ['id', 'label', 'note'])
    """

    def __init__(self, required: set[str], optional: set[str]) -> None:
        self.ordered = tuple(sorted(required))  # the required ones, in the order checked
        self.known = frozenset(required) | frozenset(optional)


SOURCE_FIELDS = Fields({"url", "title", "publisher"}, {"via", "date", "note"})
_NOTHING: dict[str, str] = {}


def line_of(m: Any, key: str | None = None) -> int:
    """Line of ``key`` in mapping ``m`` (of ``m`` itself without a key); 0 when unknown.

    >>> line_of({"id": "x"}, "id")
    0
    """
    if type(m) is LocatedDict:
        return m.key_lines.get(key, m.line) if key is not None else m.line
    return getattr(m, "line", 0)


class FieldReader:
    """Reads fields of located YAML mappings into values, collecting problems instead of
    raising; :mod:`graph.data.loader` builds the dataset's records with it."""

    def __init__(self, file_name: str, problems: list[Problem]) -> None:
        self.file = file_name
        self.problems = list(problems)
        self.sources: dict[str, Source] = {}
        self.source_places: dict[str, tuple[str, int]] = {}  # url -> (file, line)
        # References not resolvable when read (forward ones): (file, line, field, value, section)
        self.refs: list[tuple[str, int, str, str, str]] = []
        # Ids declared per section, each mapping to itself: references share that one string
        # (at a million events, copies of referenced ids would take hundreds of MB).
        self.declared: dict[str, dict[str, str]] = {}
        self.numbers: dict[str, Decimal] = {}  # also shared: the same figures recur
        self.dates: dict[str, EventDate] = {}
        self.single_sources: dict[str, tuple[Source]] = {}
        self.choices: dict[int, dict[str, str]] = {}
        self.mentioned: set[str] = set()  # files whose lines a message quotes
        self.several_files = False
        self.unread = False  # a file could not be read: what it defines is unknown

    def error(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.file, line, message))

    def place(self, file: str, line: int) -> str:
        """How a message names a line that may be in another file (``line 3``,
        ``stories/a.yaml:3``); remembers the file so its lines get known."""
        self.mentioned.add(file)
        return f"line {line}" if file == self.file else f"{file}:{line}"

    def refer(self, m: Any, key: str, value: str, section: str) -> str:
        """Check a reference (``value``, field ``key`` of ``m``) now if its target is known,
        else once every file is read; return the target's own id string when known."""
        if section == "agents":
            known = self.declared.get("actors", _NOTHING).get(value)
            if known is None:
                known = self.declared.get("publications", _NOTHING).get(value)
        else:
            known = self.declared.get(section, _NOTHING).get(value)
        if known is not None:
            return known
        self.refs.append((self.file, line_of(m, key), key, value, section))
        return value

    # -- generic field readers -------------------------------------------------------------

    def fields(self, m: Any, line: int, what: str, spec: Fields) -> TypeGuard[dict[str, Any]]:
        """Check ``m`` is a mapping with the required and only known fields (False only when
        it is not a mapping: missing or unknown fields are recorded as problems)."""
        if not isinstance(m, dict):
            self.error(line, f"{what} must be a mapping of fields")
            return False
        if m.keys() <= spec.known and None not in map(m.get, spec.ordered):
            return True  # the usual case: nothing to report
        for key in m:
            if key not in spec.known:
                known = ", ".join(sorted(spec.known))
                self.error(line_of(m, key), f"{what}: unknown field {key!r} (known: {known})")
        for key in spec.ordered:
            if key not in m:
                self.error(line_of(m), f"{what}: missing required field {key!r}")
            elif m[key] is None:  # `base:` with nothing after it is as good as missing
                self.error(line_of(m, key), f"{what}: required field {key!r} is empty")
        return True

    def text(self, m: dict[str, Any], key: str) -> str | None:
        value = m.get(key)
        if value is None:
            return None
        if isinstance(value, str):
            value = value.strip()
            if value:
                return value
        self.error(line_of(m, key), f"{key!r} must be non-empty text")
        return None

    def slug(self, m: dict[str, Any], key: str, section: str | None = None) -> str | None:
        value = m.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not SLUG.match(value):
            self.error(line_of(m, key), f"{key!r} must be a kebab-case id, got {value!r}")
            return None
        if section:
            return self.refer(m, key, value, section)
        return value

    def slugs(self, m: dict[str, Any], key: str, section: str | None = None) -> tuple[str, ...]:
        value = m.get(key)
        if value is None:
            return ()
        if not isinstance(value, list):
            self.error(line_of(m, key), f"{key!r} must be a list")
            return ()
        items = []
        for item in value:
            if not isinstance(item, str) or not SLUG.match(item):
                self.error(line_of(m, key), f"{key!r}: {item!r} is not a kebab-case id")
            elif section:
                items.append(self.refer(m, key, item, section))
            else:
                items.append(sys.intern(item))  # tags: few distinct values, many uses
        return tuple(items)

    def number(self, m: dict[str, Any], key: str) -> Decimal | None:
        value = m.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            self.error(line_of(m, key), f"{key!r} must be a number, got {value!r}")
            return None
        text = value if isinstance(value, str) else str(value)
        number = self.numbers.get(text)
        if number is not None:
            return number
        try:
            number = Decimal(text)
        except InvalidOperation:
            self.error(line_of(m, key), f"{key!r} must be a number, got {value!r}")
            return None
        if not number.is_finite():
            self.error(line_of(m, key), f"{key!r} must be a finite number")
            return None
        if len(self.numbers) < 100_000:
            self.numbers[text] = number
        return number

    def date(self, m: dict[str, Any], key: str) -> EventDate | None:
        value = m.get(key)
        if value is None:
            return None
        text = str(value) if isinstance(value, int) else value
        known = self.dates.get(text) if isinstance(text, str) else None
        if known is not None:
            return known
        try:
            date = self.dates[text] = parse_date(text)
            return date
        except DateError as exc:
            self.error(line_of(m, key), f"{key!r}: {exc}")
            return None

    def choice(self, m: dict[str, Any], key: str, allowed: Mapping[str, Any]) -> str | None:
        value = m.get(key)
        if value is None:
            return None
        canonical = self.choices.get(id(allowed))
        if canonical is None:
            canonical = self.choices[id(allowed)] = {name: name for name in allowed}
        if not isinstance(value, str) or value not in canonical:
            known = ", ".join(allowed)
            self.error(line_of(m, key), f"unknown {key} {value!r} (expected one of: {known})")
            return None
        return canonical[value]

    def items(self, data: dict, key: str) -> list[tuple[int, Any]] | zip[tuple[int, Any]]:
        value = data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(line_of(data, key), f"{key!r} must be a list")
            return []
        return _numbered(value)

    # -- sources ---------------------------------------------------------------------------

    def collect_sources(self, data: dict) -> None:
        """First pass: every fully written source, so bare URLs may refer to later ones."""
        for section in ("events", "links", "claims", "narratives"):
            records = data.get(section)
            for record in records if isinstance(records, list) else ():
                for key in ("sources", "disputed_by"):
                    listed = record.get(key) if isinstance(record, dict) else None
                    if not isinstance(listed, list):
                        continue
                    for line, item in _numbered(listed):
                        if isinstance(item, dict):
                            self.define_source(line, item)

    def define_source(self, line: int, m: dict) -> None:
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
            self.error(line_of(m, "url"), f"source url {url!r} is not an http(s) URL")
            return
        known = self.sources.get(url)
        if known is None:
            self.sources[url] = Source(
                url, title, publisher, self.text(m, "via"), self.text(m, "date"),
                self.text(m, "note"),
            )  # fmt: skip
            self.source_places[url] = (self.file, line)
        elif (known.title, known.publisher) != (title, publisher):
            first = self.place(*self.source_places[url])
            self.error(line, f"source {url} has another title or publisher at {first}")

    def source_list(
        self, m: dict, what: str, required: bool = True, key: str = "sources"
    ) -> tuple[Source, ...]:
        listed = m.get(key)
        if listed is None or listed == []:
            if required:
                self.error(line_of(m), f"{what}: at least one source is required")
            return ()
        if not isinstance(listed, list):
            self.error(line_of(m, key), f"{key!r} must be a list")
            return ()
        result, sources = [], self.sources
        for line, item in _numbered(listed):
            url = item.get("url") if isinstance(item, dict) else item
            source = sources.get(url.strip()) if isinstance(url, str) else None
            if source is not None:
                result.append(source)
            elif isinstance(item, str) and not self.unread:
                where = "this file or an earlier one" if self.several_files else "the file"
                self.error(line, f"source {item!r} is not given in full anywhere in {where}")
            elif not isinstance(item, str | dict):  # a number, a boolean, null, a list
                at = line or line_of(m, key)
                self.error(
                    at, f"{what}: a source is a URL, or a mapping with url, title and publisher"
                )
        if len(result) == 1:  # most records cite one source: share that tuple
            single = self.single_sources.get(result[0].url)
            if single is None:
                single = self.single_sources[result[0].url] = (result[0],)
            return single
        return tuple(result)


def _numbered(items: list) -> zip[tuple[int, Any]]:
    """(line, item) pairs of a list; line 0 for the fast parser's plain lists."""
    lines = items.item_lines if type(items) is LocatedList else repeat(0)
    return zip(lines, items, strict=False)  # repeat(0) never ends
