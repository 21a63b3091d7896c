"""On-disk store directories: built beside the served one, swapped in atomically, and the
leftovers of killed builds swept away.

A build writes ``.NAME.new-PID`` (and spills N-Triples chunks into ``.NAME.chunks-PID-*``)
next to the store directory ``NAME``. When the new store is complete, :func:`swap_into_place`
exchanges the two directories in one ``renameat2(RENAME_EXCHANGE)`` system call
(:func:`graph.data.directory.replace_directory`), so ``NAME`` is at every instant either the
whole old store or the whole new one -- a kill cannot fall between two renames. (Where the
kernel or file system cannot exchange, two renames are used, and :func:`sweep` puts the old
store back if a kill fell between them.)

A build that is killed leaves its ``.new-``/``.chunks-`` directories behind, and a service
that is killed leaves the ``.gen-`` directories of its live reloads; :func:`sweep`, called
before every build, removes those whose process is gone. (Processes are told apart by PID,
so builds and services that share a store directory must share a PID namespace too.)

>>> import tempfile
>>> root = Path(tempfile.mkdtemp())
>>> (root / "store").mkdir(); (root / ".store.new-999999999").mkdir()
>>> sweep(root / "store")
>>> sorted(p.name for p in root.iterdir())
['store']
"""

from __future__ import annotations

import gc
import os
import re
import shutil
from pathlib import Path

from graph.data.directory import replace_directory
from graph.errors import StoreError
from graph.store.backends.oxigraph import OxigraphStore


def fresh_dir(path: Path) -> Path:
    """An empty ``.NAME.new-PID`` directory path beside ``path`` (after sweeping); a
    :class:`StoreError` if another process has the store at ``path`` open (see
    :func:`ensure_not_in_use`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    ensure_not_in_use(path)
    sweep(path)
    fresh = path.with_name(f".{path.name}.new-{os.getpid()}")
    shutil.rmtree(fresh, ignore_errors=True)
    return fresh


def ensure_not_in_use(path: Path) -> None:
    """Refuse to replace a store another process has open: RocksDB keeps its lock file
    inside the directory, so swapping directories would slip the new store in under a live
    database (which then writes into it). Read from ``/proc/locks``, touching no lock."""
    lock = path / "LOCK"
    try:
        info = lock.stat()
        table = Path("/proc/locks").read_text()
    except OSError:  # no store there, or no /proc: nothing to check
        return
    device = f"{os.major(info.st_dev):02x}:{os.minor(info.st_dev):02x}:{info.st_ino}"
    for line in table.splitlines():
        fields = line.split()
        holder = fields[4] if len(fields) > 5 and fields[5] == device else ""
        if holder.isdigit() and int(holder) != os.getpid():
            raise StoreError(
                f"the store at {path} is open in process {holder} (a running `ekg serve`?); "
                "build into another directory, or use `ekg reload`"
            )


def generation_dir(path: Path, number: int) -> Path:
    """Where a live reload of the service at ``path`` builds generation ``number``:
    ``.NAME.gen-PID-NUMBER`` beside it (removed when the generation is retired, swept after
    a crash)."""
    return path.resolve().with_name(f".{path.name}.gen-{os.getpid()}-{number}")


def is_generation_dir(path: Path) -> bool:
    """True for a directory :func:`generation_dir` names."""
    return re.fullmatch(r"\..+\.gen-\d+-\d+", path.name) is not None


def remove_store_dir(path: Path) -> None:
    """Remove a store directory once no ``Store`` object holds it open any more."""
    gc.collect()  # pyoxigraph releases the directory when the Store object is freed
    shutil.rmtree(path, ignore_errors=True)


def chunks_prefix(path: Path) -> str:
    """The name prefix of this process's scratch directories for ``path``."""
    return f".{path.name}.chunks-{os.getpid()}-"


def swap_into_place(fresh: Path, path: Path) -> OxigraphStore:
    """Make the complete, closed store at ``fresh`` the store at ``path``, atomically, and
    remove the one it replaces (:func:`graph.data.directory.replace_directory`)."""
    replace_directory(fresh, path)
    return OxigraphStore(path)


def sweep(path: Path) -> None:
    """Remove what killed builds of ``path`` left behind; restore ``path`` from ``.old-``
    if a kill fell between the two renames of the fallback swap."""
    name = re.escape(path.name)
    pattern = re.compile(rf"^\.{name}\.(new|old|chunks|gen)-(\d+)(-.*)?$")
    # what a killed reload build left beside its generation directory: ..NAME.gen-PID-N.new-PID
    nested = re.compile(rf"^\.\.{name}\.gen-(\d+)-\d+\.(?:new|old|chunks)-\d+(-.*)?$")
    if not path.parent.is_dir():
        return
    for entry in sorted(path.parent.iterdir()):
        if (inner := nested.match(entry.name)) and not _alive(int(inner.group(1))):
            shutil.rmtree(entry, ignore_errors=True)
            continue
        match = pattern.match(entry.name)
        if match is None or _alive(int(match.group(2))):
            continue
        if match.group(1) == "old" and not path.exists():
            entry.rename(path)
        else:
            shutil.rmtree(entry, ignore_errors=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True
