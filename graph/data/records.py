"""Records as compact JSON, and sequences of them read lazily from a memory-mapped blob.

A record of :mod:`graph.data.model` is written as the JSON array of its fields in declaration
order (nested records the same way, ``Decimal`` as its text, an :class:`EventDate` as its EDTF
text, tuples as arrays) and read back by a decoder derived from the class's type hints, so
every public field -- ``line`` included -- comes back equal.

>>> from graph.data.model import Source
>>> source = Source("https://example.org", "A title", "A publisher", note="n")
>>> encode(source)
['https://example.org', 'A title', 'A publisher', None, None, 'n']
>>> decoder(Source)(encode(source)) == source
True

:class:`Records` is a read-only sequence over one section (the events, the links or the
claims): the records' JSON, one after another in one file, and the offset of each in a second
file of 64-bit integers, both memory-mapped. Nothing is decoded until a record is asked for, so
opening a million records costs two ``mmap`` calls, and only the pages read are resident.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import mmap
import operator
import sys
import types
import typing
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, Generic, TypeVar, overload

from graph.data import model
from graph.data.dates import EventDate, parse_date

T = TypeVar("T")

#: Byte order and width of the offsets files.
OFFSET_TYPE: typing.Final = "q"


#: Types whose values are JSON values already.
_PLAIN = frozenset({str, int, float, bool, type(None)})


def encode(value: Any) -> Any:
    """``value`` (a record, or a field of one) as JSON-ready lists, strings and numbers."""
    kind: Any = type(value)
    return value if kind in _PLAIN else encoder(kind)(value)


def _encode_all(values: tuple[Any, ...]) -> list[Any]:
    return [value if type(value) in _PLAIN else encode(value) for value in values]


@functools.cache
def encoder(kind: Any) -> Callable[[Any], Any]:
    """:func:`encode` for values of class ``kind``, worked out once per class: a record's
    field names are looked up once, not per record (a million-event snapshot encodes some
    60 million values)."""
    if issubclass(kind, EventDate):
        return operator.attrgetter("edtf")
    if dataclasses.is_dataclass(kind):
        names = [f.name for f in dataclasses.fields(kind)]
        if len(names) > 1:  # (attrgetter gives a tuple of two or more)
            fields = operator.attrgetter(*names)
            return lambda value: _encode_all(fields(value))
        return lambda value: _encode_all(tuple(getattr(value, name) for name in names))
    if issubclass(kind, tuple):
        return _encode_all
    if issubclass(kind, Decimal):
        return str
    return _same


@functools.cache
def decoder(kind: Any) -> Callable[[Any], Any]:
    """The inverse of :func:`encode` for values of type ``kind`` (a model class or a field's
    type hint)."""
    if kind is EventDate:
        return parse_date  # (each date text is parsed once while it is in use: it caches)
    if kind is Decimal:
        return Decimal
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        hints = typing.get_type_hints(kind, vars(model))
        fields = [
            _shared(hints[f.name]) if f.name in SHARED else decoder(hints[f.name])
            for f in dataclasses.fields(kind)
        ]
        # Only the fields that are not JSON values already are converted.
        convert = [(at, read) for at, read in enumerate(fields) if read is not _same]
        names = [f.name for f in dataclasses.fields(kind)]
        new = object.__new__

        def record(values: list[Any]) -> Any:
            for at, read in convert:
                values[at] = read(values[at])
            # What the frozen dataclass's __init__ does (no __post_init__, no defaults needed:
            # every field is written), without a call to object.__setattr__ per field.
            made = new(kind)
            made.__dict__.update(zip(names, values, strict=True))
            return made

        if kind is model.Source:  # cited again and again: one record per distinct source
            return _memo(record)
        return record
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin in (typing.Union, types.UnionType) and type(None) in args:
        (inner,) = [arg for arg in args if arg is not type(None)]
        read = decoder(inner)
        if read is _same:
            return _same
        if read is tuple:
            return _optional_tuple
        return lambda value: None if value is None else read(value)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            item = decoder(args[0])
            if item is _same:
                return tuple
            return lambda values: tuple([item(value) for value in values])
        readers = [decoder(arg) for arg in args]
        if all(read is _same for read in readers):
            return tuple
        return lambda values: tuple(r(v) for r, v in zip(readers, values, strict=True))
    return _same


#: Fields whose values repeat across records (ids of lists, actors, places, statuses): read
#: as one shared string each (``sys.intern``), as the YAML reader shares them, not one copy
#: per record.
SHARED = frozenset(
    {"type", "lane", "kind", "status", "place", "part_of", "stage", "aspect", "verdict"}
    | {"stated_in", "publisher", "via", "actors", "tags", "asserted_by"}
)


def _shared(kind: Any) -> Callable[[Any], Any]:
    if typing.get_origin(kind) is tuple:
        return lambda values: tuple([sys.intern(value) for value in values])
    return lambda value: None if value is None else sys.intern(value)


def _memo(read: Callable[[list[Any]], Any]) -> Callable[[list[Any]], Any]:
    """``read`` for records whose fields are all text: each distinct one is made once (a
    bounded cache, as records repeat near one another)."""
    cached = functools.lru_cache(maxsize=1 << 16)(lambda values: read(list(values)))
    return lambda values: cached(tuple(values))


def _same(value: Any) -> Any:
    """A JSON value that is the field's value as it is (text, numbers, booleans, None)."""
    return value


def _optional_tuple(value: Any) -> Any:
    return None if value is None else tuple(value)


def dumps(value: Any) -> bytes:
    """A record as one line of compact JSON (UTF-8)."""
    return json.dumps(encode(value), ensure_ascii=False, separators=(",", ":")).encode()


def write_records(records: Iterable[Any], blob: Path, offsets: Path, *, raw: bool = False) -> int:
    """Write ``records`` to ``blob`` and the offset of each (and the end) to ``offsets``;
    returns how many were written. ``raw``: the records are strings, written as UTF-8."""
    positions = array(OFFSET_TYPE, [0])
    with open(blob, "wb") as out:
        for record in records:
            out.write(record.encode() if raw else dumps(record))
            positions.append(out.tell())
    with open(offsets, "wb") as out:
        positions.tofile(out)
    return len(positions) - 1


def map_file(path: Path) -> memoryview:
    """The bytes of ``path``, memory-mapped read-only (an empty file: no bytes)."""
    with open(path, "rb") as file:
        size = file.seek(0, 2)
        if size == 0:
            return memoryview(b"")
        return memoryview(mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ))


def map_offsets(path: Path) -> Sequence[int]:
    """The offsets file ``path`` as a sequence of integers (memory-mapped)."""
    view = map_file(path)
    if sys.byteorder != "little":  # (written on this machine: the same order)
        raise ValueError("offsets are read in the byte order they were written in")
    return view.cast(OFFSET_TYPE) if len(view) else array(OFFSET_TYPE, [0])


class Records(Sequence[T], Generic[T]):
    """The records of one section, each decoded on first access and kept (see the module
    docstring).

    Equal to any sequence holding equal records in the same order. The first pass over all
    of them decodes every record (about 15 us each), so what a start needs of every record is
    saved apart by the build (the derived structures of :mod:`graph.pipeline`).
    """

    def __init__(self, kind: type[T], blob: Path, offsets: Path) -> None:
        self.kind = kind
        self._blob = map_file(blob)
        self._offsets = map_offsets(offsets)
        self._decode = decoder(typing.cast(Any, kind))
        self._decoded: list[T | None] = [None] * len(self)

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def raw(self, row: int) -> bytes:
        """The JSON of record ``row`` (as :func:`dumps` wrote it)."""
        return bytes(self._blob[self._offsets[row] : self._offsets[row + 1]])

    def record(self, row: int) -> T:
        """Record ``row``, decoded on first access and kept (no bounds check beyond the
        list's)."""
        found = self._decoded[row]
        if found is None:
            found = self._decoded[row] = self._decode(json.loads(self.raw(row)))
        return found

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[T, ...]: ...
    def __getitem__(self, index: int | slice) -> T | tuple[T, ...]:
        if isinstance(index, slice):
            return tuple(self.record(row) for row in range(len(self))[index])
        size = len(self)
        if index < 0:
            index += size
        if not 0 <= index < size:
            raise IndexError("record index out of range")
        return self.record(index)

    def decoded(self) -> int:
        """How many records have been decoded so far."""
        return len(self._decoded) - self._decoded.count(None)

    def __iter__(self) -> Iterator[T]:
        for row in range(len(self)):
            yield self.record(row)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str | bytes):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    def __hash__(self) -> int:
        return hash((self.kind, len(self)))

    def __add__(self, other: Sequence[T]) -> tuple[T, ...]:
        return (*self, *other)

    def __repr__(self) -> str:
        return f"<{len(self)} {self.kind.__name__} records>"
