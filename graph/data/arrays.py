"""Flat arrays on disk: what the derived structures of a data version are saved as, so that a
process opens them in milliseconds (memory-mapped, read page by page) instead of rebuilding.

A *frozen directory* holds numpy ``.npy`` files and a ``manifest.json`` naming its ``kind``,
the :data:`FORMAT` it was written in and whatever scalars its writer records. It is written
beside its final place and renamed into it (:func:`write_frozen`), so a reader finds either
the previous complete directory or the new complete one, never a half-written one;
:func:`open_frozen` refuses a directory of another kind or format with
:class:`~graph.errors.DerivedDataError` (the caller then rebuilds).

Strings are kept as a :class:`StringTable` (UTF-8 bytes joined, with offsets) or, when they
must also be found, an :class:`IdTable` (fixed-width bytes, plus a sorted copy searched in
O(log N)). Nothing here builds a Python object per entry up front.

>>> import tempfile
>>> from pathlib import Path
>>> target = Path(tempfile.mkdtemp()) / "toy"
>>> def fill(folder):
...     IdTable.write(folder, "ids", ["b", "a", "c"])
...     StringTable.write(folder, "labels", ["Bee", "Ant", "Cé"])
>>> write_frozen(target, "toy", fill, {"events": 3})
>>> frozen = open_frozen(target, "toy")
>>> ids, labels = IdTable.open(frozen, "ids"), StringTable.open(frozen, "labels")
>>> ids.position("a"), ids[0], labels[2], frozen.manifest["events"], ids.position("z")
(1, 'b', 'Cé', 3, None)
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np

from graph.data.directory import replace_directory
from graph.data.yamlfile import collector_paused
from graph.errors import DerivedDataError

#: Bumped whenever what a frozen directory holds changes; older directories are refused.
FORMAT = 1
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Frozen:
    """An opened frozen directory: its ``path`` and ``manifest``; :meth:`array` maps a file."""

    path: Path
    manifest: dict[str, Any]

    def array(self, name: str) -> np.ndarray:
        """The array ``name`` memory-mapped read-only (an empty array is read, not mapped), as
        a plain ``ndarray`` view: ``np.memmap`` runs Python code on every slice."""
        try:
            mapped = np.load(self.path / f"{name}.npy", mmap_mode="r")
            return mapped.view(np.ndarray)  # type: ignore[no-any-return]
        except ValueError:  # numpy cannot map a zero-length file
            return np.load(self.path / f"{name}.npy")  # type: ignore[no-any-return]
        except OSError as error:
            raise DerivedDataError(f"{self.path}: {error}") from None


def save_array(folder: Path, name: str, values: Any, dtype: Any = None) -> None:
    """Write ``values`` as ``folder/name.npy``."""
    np.save(folder / f"{name}.npy", np.asarray(values, dtype=dtype), allow_pickle=False)


def write_frozen(
    target: Path, kind: str, fill: Callable[[Path], None], manifest: dict[str, Any]
) -> None:
    """Write the frozen directory ``target`` of ``kind``: ``fill(folder)`` saves the arrays
    into a fresh sibling folder, which then replaces ``target``
    (:func:`graph.data.directory.replace_directory`). The
    cyclic garbage collector is paused during ``fill``: at a million events its passes over
    the dataset and graph in memory would cost more than the writing."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    folder = target.with_name(f".{target.name}.new-{os.getpid()}")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    try:
        with collector_paused():  # the writers make millions of small objects, none of them cyclic
            fill(folder)
        body = {"kind": kind, "format": FORMAT, **manifest}
        (folder / MANIFEST).write_text(json.dumps(body, indent=1) + "\n", encoding="utf-8")
        replace_directory(folder, target)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def open_frozen(path: Path, kind: str, version: str | None = None) -> Frozen:
    """The frozen directory at ``path``; :class:`DerivedDataError` if it is missing or holds
    another kind, or another format, of structure, or (when ``version`` is given) was written
    for another data version (the ``version`` its manifest records)."""
    path = Path(path)
    try:
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise DerivedDataError(f"no saved {kind} at {path}: {error}") from None
    if manifest.get("kind") != kind or manifest.get("format") != FORMAT:
        found = f"{manifest.get('kind')} format {manifest.get('format')}"
        raise DerivedDataError(f"{path} holds {found}, not {kind} format {FORMAT}")
    if version is not None and manifest.get("version") != version:
        found = manifest.get("version")
        raise DerivedDataError(f"{path} holds version {found}, not {version}")
    return Frozen(path, manifest)


class StringTable:
    """Strings by position, from a UTF-8 blob and offsets; ``table[i]`` decodes one."""

    def __init__(self, blob: np.ndarray, offsets: np.ndarray) -> None:
        self.blob, self.offsets = blob, offsets

    @staticmethod
    def write(folder: Path, name: str, strings: Iterable[str]) -> None:
        encoded = [text.encode("utf-8") for text in strings]
        offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum([len(b) for b in encoded], out=offsets[1:])
        save_array(folder, f"{name}.blob", np.frombuffer(b"".join(encoded), dtype=np.uint8))
        save_array(folder, f"{name}.offsets", offsets)

    @classmethod
    def open(cls, frozen: Frozen, name: str) -> StringTable:
        return cls(frozen.array(f"{name}.blob"), frozen.array(f"{name}.offsets"))

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, i: int) -> str:
        start, stop = self.offsets[i : i + 2].tolist()
        return self.blob[start:stop].tobytes().decode("utf-8")

    def __iter__(self) -> Iterator[str]:
        data, ends = self.blob.tobytes(), self.offsets.tolist()
        return (data[a:b].decode("utf-8") for a, b in pairwise(ends))


class IdTable:
    """Distinct ids by position, found again in O(log N): ``table[i]`` and
    ``table.position(id)`` (None for an id it does not hold)."""

    def __init__(self, ids: np.ndarray, ordered: np.ndarray, sorter: np.ndarray) -> None:
        self.ids, self.ordered, self.sorter = ids, ordered, sorter
        self.width = ids.dtype.itemsize

    @staticmethod
    def write(folder: Path, name: str, ids: Iterable[str]) -> None:
        encoded = np.array([i.encode("utf-8") for i in ids], dtype=np.bytes_)
        if encoded.dtype.itemsize == 0 or not len(encoded):
            encoded = encoded.astype("S1")
        sorter = np.argsort(encoded, kind="stable").astype(np.int32)
        save_array(folder, f"{name}.ids", encoded)
        save_array(folder, f"{name}.sorted", encoded[sorter])
        save_array(folder, f"{name}.sorter", sorter)

    @classmethod
    def open(cls, frozen: Frozen, name: str) -> IdTable:
        arrays = (frozen.array(f"{name}.{part}") for part in ("ids", "sorted", "sorter"))
        return cls(*arrays)

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, i: int) -> str:
        return bytes(self.ids[i]).decode("utf-8")

    def __iter__(self) -> Iterator[str]:
        return (b.decode("utf-8") for b in self.ids.tolist())

    def position(self, key: object) -> int | None:
        """The position of id ``key``, or None."""
        if not isinstance(key, str):
            return None
        encoded = key.encode("utf-8")
        if len(encoded) > self.width or encoded.endswith(b"\0") or not len(self.ordered):
            return None
        at = int(np.searchsorted(self.ordered, encoded))
        if at < len(self.ordered) and bytes(self.ordered[at]) == encoded:
            return int(self.sorter[at])
        return None


def write_codes(folder: Path, name: str, values: Iterable[Any]) -> None:
    """``values`` as int32 codes into a :class:`StringTable` of the distinct ones (None: code
    -1), read back by :class:`CodeColumn`."""
    table: dict[Any, int] = {}
    codes = [-1 if v is None else table.setdefault(v, len(table)) for v in values]
    save_array(folder, name, codes, np.int32)
    StringTable.write(folder, f"{name}.table", map(str, table))


class CodeColumn:
    """A coded column: ``column[i]`` is the value of row ``i``, each value decoded once."""

    def __init__(self, frozen: Frozen, name: str) -> None:
        self.codes = frozen.array(name)
        self.table = StringTable.open(frozen, f"{name}.table")
        self.decoded: dict[int, str] = {}

    def value(self, code: int) -> str:
        found = self.decoded.get(code)
        if found is None:
            found = self.decoded[code] = self.table[code]
        return found

    def __getitem__(self, i: int) -> str | None:
        code = int(self.codes[i])
        return None if code < 0 else self.value(code)

    def column(self) -> list[str | None]:
        """Every row's value, decoded at once."""
        values = list(self.table)
        return [None if code < 0 else values[code] for code in self.codes.tolist()]
