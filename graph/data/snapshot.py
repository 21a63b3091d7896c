"""A validated dataset saved so that a later start opens it without reading the YAML again.

``ekg build --store DIR`` validates the data files once; :func:`save_snapshot` writes what it
read into a directory of the store (``DIR/snapshot``), before the store's manifest, so that the
snapshot is swapped into place with the store and belongs to the version the manifest records.
:func:`open_snapshot` gives the dataset back as a :class:`SnapshotDataset` -- the same public
interface as :class:`~graph.data.model.Dataset` -- when the snapshot is whole and of the
version asked for, ``None`` otherwise (the caller then reads the YAML as before).

The files (no pickles: JSON and arrays of 64-bit integers):

* ``small.json``: the dataset info and the small sections (lanes, types, actors, places,
  publications, narratives, stories, stages), read eagerly;
* ``events.json`` + ``events.offsets``, the same for ``links`` and ``claims``: each record's
  compact JSON one after another and where each starts (:class:`graph.data.records.Records`,
  memory-mapped and decoded on access);
* ``event-ids`` + ``event-ids.offsets`` + ``event-ids.rows``: the event ids sorted, for
  :meth:`SnapshotDataset.event` without a dictionary of every id;
* ``snapshot.json``, written last: the format, the data version and files, and the base IRI
  the build was given; a snapshot without it is not used.

>>> import tempfile
>>> from graph.data import read_dataset
>>> loaded = read_dataset(Path(__file__).parents[2] / "tests" / "data" / "tiny.yaml")
>>> where = Path(tempfile.mkdtemp()) / "snapshot"
>>> save_snapshot(loaded, where)
>>> opened = open_snapshot(where, loaded.version)
>>> opened.dataset.event("ruble-falls") == loaded.dataset.event("ruble-falls")
True
>>> open_snapshot(where, "another version") is None
True
"""

from __future__ import annotations

import dataclasses
import json
from array import array
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.data.loader import LoadedData
from graph.data.model import (
    Actor,
    Claim,
    Concept,
    Dataset,
    DatasetInfo,
    Event,
    Link,
    Narrative,
    Place,
    Publication,
    Story,
)
from graph.data.records import (
    OFFSET_TYPE,
    Records,
    decoder,
    encode,
    map_file,
    map_offsets,
    write_records,
)

#: The directory of a store that holds its snapshot.
SNAPSHOT = "snapshot"
#: The file written last; its ``format`` changes whenever the files' layout does.
META = "snapshot.json"
FORMAT = 1
_SMALL: dict[str, Any] = {
    "lanes": tuple[Concept, ...],
    "event_types": tuple[Concept, ...],
    "quantity_kinds": tuple[Concept, ...],
    "actors": tuple[Actor, ...],
    "places": tuple[Place, ...],
    "publications": tuple[Publication, ...],
    "narratives": tuple[Narrative, ...],
    "stories": tuple[Story, ...],
    "stages": tuple[Concept, ...],
}
_LARGE: dict[str, type] = {"events": Event, "links": Link, "claims": Claim}


class _SortedIds(Sequence[str]):
    """The event ids in sorted order, as bytes in a memory-mapped file, with their rows."""

    def __init__(self, directory: Path) -> None:
        self._blob = map_file(directory / "event-ids")
        self._offsets = map_offsets(directory / "event-ids.offsets")
        self.rows = map_offsets(directory / "event-ids.rows")

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def __getitem__(self, index: Any) -> Any:
        start, end = self._offsets[index], self._offsets[index + 1]
        return bytes(self._blob[start:end]).decode()

    def row(self, event_id: str) -> int | None:
        """The row of event ``event_id`` in the events section, ``None`` if there is none."""
        at = bisect_left(self, event_id)
        return self.rows[at] if at < len(self) and self[at] == event_id else None


@dataclass(frozen=True, eq=False)
class SnapshotDataset(Dataset):
    """A :class:`~graph.data.model.Dataset` whose events, links and claims are
    :class:`~graph.data.records.Records` read from a snapshot: each decoded when asked for.

    :meth:`event` finds a row by binary search in the sorted ids; everything else is
    :class:`Dataset`'s own code over these sequences.
    """

    directory: Path | None = None

    def __hash__(self) -> int:
        return hash((self.info, len(self.events), self.directory))

    def event(self, event_id: str) -> Event:
        """The event with ``event_id``; ``KeyError`` if there is none."""
        row = self._sorted_ids.row(event_id)
        if row is None:
            raise KeyError(event_id)
        return self.events[row]

    @property
    def _sorted_ids(self) -> _SortedIds:
        try:
            return self.__dict__["_ids"]  # type: ignore[no-any-return]
        except KeyError:
            assert self.directory is not None
            return self.__dict__.setdefault("_ids", _SortedIds(self.directory))  # type: ignore[no-any-return]


def save_snapshot(loaded: LoadedData, directory: Path, base: str | None = None) -> None:
    """Write the snapshot of ``loaded`` into ``directory`` (created; it must not hold another
    snapshot). ``base`` is the base IRI the data was read with (``None``: the file's own)."""
    directory.mkdir(parents=True, exist_ok=False)
    dataset = loaded.dataset
    small = {"info": encode(dataset.info)}
    small.update({name: encode(getattr(dataset, name)) for name in _SMALL})
    (directory / "small.json").write_text(json.dumps(small, ensure_ascii=False), "utf-8")
    for name in _LARGE:
        records = getattr(dataset, name)
        write_records(records, directory / f"{name}.json", directory / f"{name}.offsets")
    order = sorted(range(len(dataset.events)), key=lambda row: dataset.events[row].id)
    write_records(
        (dataset.events[row].id for row in order),
        directory / "event-ids",
        directory / "event-ids.offsets",
        raw=True,
    )
    with open(directory / "event-ids.rows", "wb") as out:
        array(OFFSET_TYPE, order).tofile(out)
    meta = {"format": FORMAT, "version": loaded.version, "files": list(loaded.files)}
    meta["base"] = base
    (directory / META).write_text(json.dumps(meta, indent=2) + "\n", "utf-8")


def snapshot_meta(directory: Path) -> dict[str, Any] | None:
    """The contents of the snapshot's ``snapshot.json``; ``None`` if it is missing, unreadable
    or of another format (an incomplete or older snapshot)."""
    try:
        meta = json.loads((directory / META).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        return None
    return meta


def open_snapshot(directory: Path, version: str, base: str | None = None) -> LoadedData | None:
    """The dataset saved in ``directory`` if it is a whole snapshot of data version
    ``version`` read with base IRI ``base``; ``None`` otherwise. Nothing is validated: the
    build that wrote it did that, and the version (a hash of the data files' bytes) says the
    files are the same."""
    meta = snapshot_meta(directory)
    if meta is None or meta.get("version") != version or meta.get("base") != base:
        return None
    try:
        return _open(directory, meta)
    except (OSError, ValueError, KeyError, TypeError):  # damaged since: the YAML is read
        return None


def _open(directory: Path, meta: dict[str, Any]) -> LoadedData:
    small = json.loads((directory / "small.json").read_text("utf-8"))
    sections: dict[str, Any] = {name: decoder(kind)(small[name]) for name, kind in _SMALL.items()}
    for name, kind in _LARGE.items():
        offsets = directory / f"{name}.offsets"
        sections[name] = Records(kind, directory / f"{name}.json", offsets)
    info = decoder(DatasetInfo)(small["info"])
    dataset = SnapshotDataset(info, **sections, directory=directory)
    return LoadedData(dataset, tuple(meta["files"]), meta["version"])


def same_records(one: Dataset, other: Dataset) -> bool:
    """True if the two datasets hold equal values in every public field (whatever their
    classes: a :class:`SnapshotDataset` and the dataset read from the YAML)."""
    return all(getattr(one, f.name) == getattr(other, f.name) for f in dataclasses.fields(Dataset))
