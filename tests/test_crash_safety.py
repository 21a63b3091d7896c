"""Nothing lost: a build killed at any moment leaves the previous on-disk store intact and
usable, and the next build cleans up after it. The kill is real (SIGKILL to `ekg build` in
a subprocess, in the middle of its bulk load)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graph.store.backends.oxigraph import OxigraphStore
from graph.store.storedir import swap_into_place, sweep
from support.synthetic import write_events_yaml

ROOT = Path(__file__).resolve().parent.parent


def ekg(*args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "service.cli", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def count(store_dir: Path) -> int:
    store = OxigraphStore(store_dir, read_only=True)
    try:
        return len(store)
    finally:
        del store


@pytest.fixture(scope="module")
def big_data(tmp_path_factory):
    """Enough synthetic events that a build takes a few seconds."""
    path = tmp_path_factory.mktemp("big") / "events.yaml"
    write_events_yaml(20_000, path)
    return path


@pytest.mark.parametrize("moment", ["early", "late"])
def test_a_build_killed_midway_leaves_the_previous_store(tmp_path, tiny_path, big_data, moment):
    store_dir = tmp_path / "store"
    first = ekg("build", "--data", str(tiny_path), "--store", str(store_dir))
    assert first.wait(120) == 0, first.communicate()[1].decode()
    first.communicate()
    before = count(store_dir)

    build = ekg("build", "--data", str(big_data), "--store", str(store_dir))
    deadline = time.monotonic() + 120
    while not list(tmp_path.glob(".store.new-*")) and time.monotonic() < deadline:
        assert build.poll() is None, build.communicate()[1].decode()
        time.sleep(0.02)
    time.sleep(0.05 if moment == "early" else 1.0)
    build.send_signal(signal.SIGKILL)
    build.communicate()
    assert build.returncode == -signal.SIGKILL

    assert count(store_dir) == before  # the old store, whole and readable
    rebuilt = ekg("build", "--data", str(tiny_path), "--store", str(store_dir))
    assert rebuilt.wait(120) == 0, rebuilt.communicate()[1].decode()
    rebuilt.communicate()
    assert count(store_dir) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store"]  # leftovers cleaned


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_kill_between_the_two_renames_of_the_fallback_is_repaired(tmp_path, tiny_path):
    store_dir = tmp_path / "store"
    first = ekg("build", "--data", str(tiny_path), "--store", str(store_dir))
    assert first.wait(120) == 0
    first.communicate()
    before = count(store_dir)
    store_dir.rename(tmp_path / f".store.old-{dead_pid()}")  # killed right after rename one
    sweep(store_dir)
    assert count(store_dir) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store"]


def test_the_swap_is_one_exchange_of_directories(tmp_path):
    """On Linux the new store takes the old one's place in one system call (the old one is
    then removed); the old directory's contents never leave `store` before that."""
    old, new = tmp_path / "store", tmp_path / ".store.new-1"
    old.mkdir()
    (old / "marker").write_text("old")
    OxigraphStore(new).close()
    swapped = swap_into_place(new, old)
    del swapped
    assert not (old / "marker").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store"]


def test_a_store_open_in_another_process_is_not_replaced(tmp_path, tiny_path):
    """RocksDB's lock file lives inside the store directory, so swapping directories would
    slip a new store in under the live database; the build refuses instead."""
    store_dir = tmp_path / "store"
    first = ekg("build", "--data", str(tiny_path), "--store", str(store_dir))
    assert first.wait(120) == 0
    first.communicate()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import pyoxigraph, time; s = pyoxigraph.Store({str(store_dir)!r});"
            " print('open', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
    )
    try:
        assert holder.stdout.readline().strip() == b"open"
        build = ekg("build", "--data", str(tiny_path), "--store", str(store_dir))
        _, err = build.communicate(timeout=120)
        assert build.returncode == 1
        assert f"is open in process {holder.pid}" in err.decode()
    finally:
        holder.kill()
        holder.communicate()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store"]
