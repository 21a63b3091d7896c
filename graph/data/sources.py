"""The files of a dataset: a top-level events file and the story files it includes.

A big dataset can be split: any events file may name other files under the top-level key
``include``, each path relative to the including file::

    include: [stories/1990s.yaml, stories/2000s.yaml]

Included files hold the same list sections as the top-level file (``events``, ``links``,
``claims``, ``actors``, ...) but never ``dataset``. Files are read one at a time, depth first in
the order listed, so only one file's parsed YAML is held at once. An include that is missing,
absolute, outside the top-level file's directory, included twice or part of a cycle is a
problem at the line that names it. Problems name an included file by its path relative to
the top-level file's directory (``stories/1990s.yaml:12: ...``).

>>> import tempfile
>>> root = Path(tempfile.mkdtemp())
>>> _ = (root / "events.yaml").write_text("include: [a.yaml]\\n")
>>> _ = (root / "a.yaml").write_text("events: []\\n")
>>> tree = IncludeTree(root / "events.yaml")
>>> [(f.name, tree.include(f, [(1, "a.yaml")] if f.name == "events.yaml" else [])) for f in tree]
[('events.yaml', []), ('a.yaml', [])]
"""

from __future__ import annotations

import hashlib
import mmap
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.errors import DataError, Problem

INCLUDE_KEY = "include"


@dataclass(frozen=True)
class DataFile:
    """One file of a dataset: ``name`` as problems show it, ``path`` resolved on disk."""

    name: str
    path: Path
    ancestors: tuple[Path, ...] = field(default=(), compare=False)


class IncludeTree:
    """Walks the files of a dataset depth first; :meth:`include` adds a file's includes.

    Iterating yields the top-level file, then each included file once its includer has been
    read and :meth:`include` called for it. ``digest`` hashes every file read so far (name and
    bytes), the data version stored beside an on-disk store.
    """

    def __init__(self, top: str | Path) -> None:
        path = Path(top).resolve()
        self.root = path.parent
        self.top = DataFile(Path(top).name, path)
        self._pending = [self.top]
        self._names: dict[Path, str] = {path: self.top.name}
        self._included_at: dict[Path, str] = {}
        self._hash = hashlib.sha256()
        self.names: list[str] = []

    def __iter__(self) -> Iterator[DataFile]:
        while self._pending:
            yield self._pending.pop()

    def read(self, file: DataFile) -> tuple[str | None, list[Problem]]:
        """The text of ``file`` (``None`` and a problem if it is not UTF-8).

        An unreadable top-level file raises :class:`DataError`; an unreadable included file
        is a problem at its first line.
        """
        try:
            raw = file.path.read_bytes()
        except OSError as exc:
            if file is self.top:
                raise DataError(f"cannot read {file.path}: {exc.strerror or exc}") from exc
            return None, [Problem(file.name, 1, f"cannot read the file: {exc.strerror or exc}")]
        self.names.append(file.name)
        for part in _hashed(file.name, raw):
            self._hash.update(part)
        try:
            return raw.decode("utf-8"), []
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            return None, [Problem(file.name, line, "not valid UTF-8 text")]

    @property
    def digest(self) -> str:
        """SHA-256 (hex) of the names and bytes of the files read so far."""
        return self._hash.hexdigest()

    def include(self, file: DataFile, entries: list[tuple[int, Any]]) -> list[Problem]:
        """Queue the files ``file`` includes (``(line, path)`` pairs); return the problems."""
        problems, children = [], []
        for line, value in entries:
            child, message = self._resolve(file, value)
            if message:
                problems.append(Problem(file.name, line, message))
            elif child is not None:
                self._names[child.path] = child.name
                self._included_at[child.path] = f"{file.name}:{line}"
                children.append(child)
        self._pending.extend(reversed(children))  # a stack: the first listed is read first
        return problems

    def _resolve(self, file: DataFile, value: Any) -> tuple[DataFile | None, str | None]:
        if not isinstance(value, str) or not value.strip():
            return None, f"{INCLUDE_KEY!r}: {value!r} is not a relative file path"
        if Path(value).is_absolute():
            return None, f"{INCLUDE_KEY!r}: {value!r} must be relative to {file.name}"
        path = (file.path.parent / value).resolve()
        if not path.is_relative_to(self.root):
            return None, f"{INCLUDE_KEY!r}: {value!r} is outside the data directory"
        chain = (*file.ancestors, file.path)
        if path in chain:
            names = [self._names[p] for p in chain[chain.index(path) :]]
            return None, f"include cycle: {' -> '.join([*names, self._names[path]])}"
        if path in self._names:
            where = self._included_at.get(path, "the top-level file")
            return None, f"{value!r} is already included (at {where})"
        if not path.is_file():
            return None, f"included file {value!r} not found"
        return DataFile(path.relative_to(self.root).as_posix(), path, chain), None


def _hashed(name: str, raw: bytes | mmap.mmap) -> tuple[bytes | mmap.mmap, ...]:
    """What one file adds to a dataset's digest, in order: its name and its bytes (hashed one
    after another, without joining them into one copy)."""
    return name.encode() + b"\0", raw, b"\0"


class VersionDigest:
    """The digest :class:`IncludeTree` and :func:`data_version` give, fed file by file as a
    file is written, a piece at a time: a copy made from another source (a reader fetching a
    published version) is checked against its version without reading it back.

    >>> digest = VersionDigest()
    >>> digest.add_file("events.yaml", [b"events:", b" []\\n"])
    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> _ = (root / "events.yaml").write_bytes(b"events: []\\n")
    >>> digest.hexdigest() == data_version(root / "events.yaml", ["events.yaml"])
    True
    """

    def __init__(self) -> None:
        self._hash = hashlib.sha256()

    def add_file(self, name: str, pieces: Iterable[bytes]) -> None:
        """Add file ``name`` (as problems name it), whose bytes are ``pieces`` in order."""
        head, _, tail = _hashed(name, b"")
        self._hash.update(head)
        for piece in pieces:
            self._hash.update(piece)
        self._hash.update(tail)

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


def data_version(top: str | Path, names: Sequence[str]) -> str | None:
    """The digest :class:`IncludeTree` gives for the files ``names`` (as problems name them,
    the top file first), read again now -- without parsing anything. Equal to the digest of a
    load means the data is unchanged: the includes are written in those very files. ``None``
    if one of them cannot be read.
    """
    root = Path(top).resolve().parent
    digest = hashlib.sha256()
    for name in names:
        try:
            _hash_file(digest, name, root / name)
        except (OSError, ValueError):
            return None
    return digest.hexdigest()


def _hash_file(digest: Any, name: str, path: Path) -> None:
    """Add what :func:`_hashed` gives for the file at ``path`` to ``digest``, hashing its pages
    where they are (memory-mapped): no copy of a file of hundreds of megabytes."""
    with open(path, "rb") as file:
        if not file.seek(0, 2):  # (an empty file cannot be mapped)
            for part in _hashed(name, b""):
                digest.update(part)
            return
        with mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as pages:
            for part in _hashed(name, pages):
                digest.update(part)
