"""The :class:`~graph.timeline.paging.EventIndex` saved as flat arrays, opened again without
sorting or scanning the dataset.

Contract (for the code that keeps one directory per data version):

- ``write_index(index, dataset, directory, version="")`` writes an index built from
  ``dataset`` (:meth:`EventIndex.from_dataset`). ``directory`` is created, or
  replaced whole (written beside its place, then renamed into it:
  :func:`graph.data.arrays.write_frozen`).
- ``load_index(directory, dataset, version=None)`` returns an equal index: the same arrays
  and postings as read-only ``memoryview`` s of the same type codes over the memory-mapped raw
  files (no copy, no parsing: indexing, slicing, ``len`` and ``bisect`` as on the arrays), the
  same search text. Its ``events`` and ``links`` are read-only sequences
  over ``dataset.events`` and ``dataset.links`` in index order, so the dataset's records are
  only asked for when an answer needs them: ``dataset`` may be any object whose ``events``
  and ``links`` are sequences in file order, such as a lazy snapshot. Raises
  :class:`~graph.errors.DerivedDataError` if the directory is missing, of another format, of
  another ``version`` (when one is given) or of another number of events or links.
- ``write_window(window, directory, version="")`` writes a
  :class:`~graph.timeline.window.TimelineWindow` (that of every event, ranked by importance,
  is what ``/api/timeline/window`` starts from); ``load_window(directory, index,
  version=None)`` returns it over ``index`` (a loaded one, typically), same errors as
  ``load_index``.

>>> import tempfile
>>> from pathlib import Path
>>> from graph.data.loader import load_dataset
>>> from graph.timeline.paging import query_events
>>> tiny = load_dataset(Path(__file__).parents[2] / "tests" / "data" / "tiny.yaml")
>>> folder = Path(tempfile.mkdtemp()) / "index"
>>> write_index(EventIndex.from_dataset(tiny), tiny, folder, version="v1")
>>> index = load_index(folder, tiny, version="v1")
>>> [e.id for e in query_events(index, text="moscow").events]
['ruble-falls', 'rate-hike']
"""

from __future__ import annotations

import mmap
import os
from array import array
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar, overload

from graph.data import Dataset
from graph.data.arrays import Frozen, open_frozen, write_frozen
from graph.errors import DerivedDataError
from graph.timeline.paging import EventIndex
from graph.timeline.window import RankedRun, TimelineWindow

KIND = "event-index"
WINDOW = "timeline-window"
T = TypeVar("T")
#: The index's flat arrays, each saved as its raw bytes (``<name>.bin``).
ARRAYS = (
    "days", "starts", "finishes", "utc_starts", "utc_finishes", "zoned", "status_masks",
    "link_causes", "by_id", "by_label", "offsets", "label_ends",
)  # fmt: skip


class Reordered(Sequence[T]):
    """``base`` read in the order ``order`` (positions into it): ``view[p] == base[order[p]]``."""

    def __init__(self, base: Sequence[T], order: array) -> None:
        self.base, self.order = base, order

    def __len__(self) -> int:
        return len(self.order)

    @overload
    def __getitem__(self, p: int) -> T: ...
    @overload
    def __getitem__(self, p: slice) -> tuple[T, ...]: ...
    def __getitem__(self, p: int | slice) -> T | tuple[T, ...]:
        if isinstance(p, slice):
            return tuple(map(self.base.__getitem__, self.order[p]))
        item: T = self.base[self.order[p]]
        return item

    def __iter__(self) -> Iterator[T]:
        return map(self.base.__getitem__, self.order)


def write_index(
    index: EventIndex, dataset: Dataset, directory: str | Path, version: str = ""
) -> None:
    """Write ``index``, built from ``dataset``, to ``directory`` (see the module docs)."""
    event_at = {event.id: i for i, event in enumerate(dataset.events)}
    link_at = {link.id: i for i, link in enumerate(dataset.links)}
    sequences = {
        "event_order": array("i", (event_at[event.id] for event in index.events)),
        "link_order": array("i", (link_at[link.id] for link in index.links)),
        **{name: getattr(index, name) for name in ARRAYS},
    }
    postings = [
        (facet, value, ps) for facet, by in index.postings.items() for value, ps in by.items()
    ]
    spans = [ps for _, ps in index.spans]

    def fill(folder: Path) -> None:
        for name, values in sequences.items():
            (folder / f"{name}.bin").write_bytes(values.tobytes())
        _write_joined(folder / "postings.bin", [ps for _, _, ps in postings])
        _write_joined(folder / "spans.bin", spans)
        (folder / "text.txt").write_bytes(index.text.encode("utf-8"))

    manifest = {
        "version": version,
        "events": len(dataset.events),
        "links": len(dataset.links),
        "typecodes": {name: values.typecode for name, values in sequences.items()},
        "same_utc": index.utc_starts is index.starts,
        "postings": [[facet, value, len(ps)] for facet, value, ps in postings],
        "facets": list(index.postings),
        "spans": [[longest, len(ps)] for longest, ps in index.spans],
        "status_bits": index.status_bits,
    }
    write_frozen(Path(directory), KIND, fill, manifest)


def _write_joined(path: Path, arrays: list[array]) -> None:
    """``arrays`` (all of type ``i``) one after the other."""
    with path.open("wb") as out:
        for values in arrays:
            if values.typecode != "i":
                raise ValueError(f"expected an array of type 'i', not {values.typecode!r}")
            out.write(values.tobytes())


def _joined(typecode: str, arrays: Sequence[array]) -> array:
    joined = array(typecode)
    for values in arrays:
        joined.extend(values)
    return joined


def _split(joined: Any, sizes: list[int]) -> list[Any]:
    """``joined`` cut into consecutive parts of ``sizes`` (slices: views of a ``memoryview``)."""
    parts, at = [], 0
    for size in sizes:
        parts.append(joined[at : at + size])
        at += size
    return parts


def load_index(directory: str | Path, dataset: Dataset, version: str | None = None) -> EventIndex:
    """The index saved in ``directory`` of ``dataset`` (see the module docs)."""
    frozen = open_frozen(Path(directory), KIND, version)
    manifest = frozen.manifest
    counts = (len(dataset.events), len(dataset.links))
    if (manifest["events"], manifest["links"]) != counts:
        raise DerivedDataError(f"{frozen.path} indexes other data than the dataset given")
    arrays = {name: _read(frozen, name, code) for name, code in manifest["typecodes"].items()}
    if manifest["same_utc"]:
        arrays["utc_starts"], arrays["utc_finishes"] = arrays["starts"], arrays["finishes"]
    rows = manifest["postings"]
    lists = _split(_read(frozen, "postings", "i"), [size for _, _, size in rows])
    postings: dict[str, dict[str, Any]] = {facet: {} for facet in manifest["facets"]}
    for (facet, value, _), ps in zip(rows, lists, strict=True):
        postings[facet][value] = ps
    spans = _split(_read(frozen, "spans", "i"), [size for _, size in manifest["spans"]])
    fields: dict[str, Any] = {name: arrays[name] for name in ARRAYS}
    return EventIndex(
        events=Reordered(dataset.events, arrays["event_order"]),
        links=Reordered(dataset.links, arrays["link_order"]),
        postings=postings,
        status_bits=manifest["status_bits"],
        spans=tuple(
            (longest, ps) for (longest, _), ps in zip(manifest["spans"], spans, strict=True)
        ),
        text=(frozen.path / "text.txt").read_bytes().decode("utf-8"),
        **fields,
    )


def _read(frozen: Frozen, name: str, typecode: str) -> Any:
    """``name.bin`` memory-mapped read-only, as a ``memoryview`` of items of ``typecode``: no
    copy, pages read when first touched and shared by every process mapping the file (an
    empty file: an empty ``array``)."""
    path = frozen.path / f"{name}.bin"
    try:
        with path.open("rb") as file:
            if not os.fstat(file.fileno()).st_size:
                return array(typecode)
            mapped = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
        return memoryview(mapped).cast(typecode)  # type: ignore[call-overload]
    except (OSError, TypeError, ValueError) as error:
        raise DerivedDataError(f"{frozen.path}: {error}") from None


def write_window(window: TimelineWindow, directory: str | Path, version: str = "") -> None:
    """Write ``window`` (its ranking, its run in start order, segment tree and lanes)."""
    run, lanes = window.run, list(window.lanes.items())
    sequences = {
        "order": window.order,
        "rank": window.rank,
        "positions": run.positions,
        "keys": run.keys,
        "ranks": run.ranks,
        "levels": _joined("i", run.levels),
        "lanes": _joined("q", [keys for _, keys in lanes]),
    }

    def fill(folder: Path) -> None:
        for name, values in sequences.items():
            (folder / f"{name}.bin").write_bytes(values.tobytes())

    manifest = {
        "version": version,
        "events": len(window.index),
        "typecodes": {name: values.typecode for name, values in sequences.items()},
        "levels": [len(level) for level in run.levels],
        "lanes": [[lane, len(keys)] for lane, keys in lanes],
    }
    write_frozen(Path(directory), WINDOW, fill, manifest)


def load_window(
    directory: str | Path, index: EventIndex, version: str | None = None
) -> TimelineWindow:
    """The window saved in ``directory`` over ``index`` (see the module docs)."""
    frozen = open_frozen(Path(directory), WINDOW, version)
    manifest = frozen.manifest
    if manifest["events"] != len(index):
        raise DerivedDataError(f"{frozen.path} is a window over other data than the index given")
    arrays = {name: _read(frozen, name, code) for name, code in manifest["typecodes"].items()}
    levels = tuple(_split(arrays["levels"], manifest["levels"]))
    sizes = [size for _, size in manifest["lanes"]]
    names = [lane for lane, _ in manifest["lanes"]]
    lanes = dict(zip(names, _split(arrays["lanes"], sizes), strict=True))
    run = RankedRun(arrays["positions"], arrays["keys"], arrays["ranks"], levels)
    return TimelineWindow(index, arrays["order"], arrays["rank"], run, lanes)
