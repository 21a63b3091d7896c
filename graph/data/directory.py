"""A directory replaced whole by a complete one written beside it: what the store build
(:func:`graph.store.storedir.swap_into_place`) and every saved structure
(:func:`graph.data.arrays.write_frozen`) do with what they wrote.

:func:`replace_directory` exchanges the two directories in one
``renameat2(RENAME_EXCHANGE)`` system call, so the target is at every instant either the whole
old directory or the whole new one, then removes the old one. Where the kernel or file system
cannot exchange, two renames are used: the old directory becomes ``.NAME.old-PID`` first (what
:func:`graph.store.storedir.sweep` puts back if a kill falls between them).

>>> import tempfile
>>> root = Path(tempfile.mkdtemp())
>>> (root / "target").mkdir(); (root / "target" / "old").touch()
>>> (root / "fresh").mkdir(); (root / "fresh" / "new").touch()
>>> replace_directory(root / "fresh", root / "target")
>>> sorted(p.name for p in root.iterdir()), [p.name for p in (root / "target").iterdir()]
(['target'], ['new'])
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import shutil
from pathlib import Path

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_LIBC = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
_renameat2 = getattr(_LIBC, "renameat2", None)


def replace_directory(fresh: Path, target: Path) -> None:
    """Make the complete directory ``fresh`` the directory ``target`` (atomically where the
    system can exchange them) and remove the one it replaces; ``fresh`` is removed if that
    fails."""
    try:
        if target.exists() and exchange_directories(fresh, target):
            shutil.rmtree(fresh, ignore_errors=True)  # (now the old one)
        else:
            retired = target.with_name(f".{target.name}.old-{os.getpid()}")
            if target.exists():
                target.rename(retired)
            fresh.rename(target)
            shutil.rmtree(retired, ignore_errors=True)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise


def exchange_directories(a: Path, b: Path) -> bool:
    """Swap directories ``a`` and ``b`` in one system call; False where that is unsupported."""
    if _renameat2 is None:
        return False
    result = _renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(a))
