"""One way to replace a directory whole (graph.data.directory), shared by the store build and
every saved structure: one exchange of directories where the system can, two renames where
it cannot, and nothing left beside the target either way."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.data import directory
from graph.data.arrays import open_frozen, write_frozen


def make(path: Path, name: str) -> int:
    path.mkdir()
    (path / name).write_text(name)
    return path.stat().st_ino


@pytest.mark.parametrize("exchange", [True, False])
def test_the_fresh_directory_takes_the_target_place(tmp_path, monkeypatch, exchange):
    if not exchange:
        monkeypatch.setattr(directory, "exchange_directories", lambda a, b: False)
    make(tmp_path / "target", "old")
    fresh = make(tmp_path / ".target.new", "new")
    directory.replace_directory(tmp_path / ".target.new", tmp_path / "target")
    assert (tmp_path / "target").stat().st_ino == fresh
    assert [p.name for p in (tmp_path / "target").iterdir()] == ["new"]
    assert [p.name for p in tmp_path.iterdir()] == ["target"]


def test_a_first_directory_and_a_failed_replacement(tmp_path, monkeypatch):
    make(tmp_path / "fresh", "new")
    directory.replace_directory(tmp_path / "fresh", tmp_path / "target")
    assert [p.name for p in tmp_path.iterdir()] == ["target"]
    make(tmp_path / "fresh", "newer")

    def refuse(a: Path, b: Path) -> bool:
        raise OSError("no room")

    monkeypatch.setattr(directory, "exchange_directories", refuse)
    with pytest.raises(OSError, match="no room"):
        directory.replace_directory(tmp_path / "fresh", tmp_path / "target")
    assert [p.name for p in tmp_path.iterdir()] == ["target"]  # fresh removed, target kept
    assert (tmp_path / "target" / "new").exists()


def test_saved_structures_are_replaced_by_one_exchange(tmp_path, monkeypatch):
    exchanged = []
    real = directory.exchange_directories
    monkeypatch.setattr(
        directory, "exchange_directories", lambda a, b: exchanged.append(b) or real(a, b)
    )
    write_frozen(tmp_path / "saved", "toy", lambda folder: None, {"n": 1})
    write_frozen(tmp_path / "saved", "toy", lambda folder: None, {"n": 2})
    assert (
        exchanged == [tmp_path / "saved"]
        and open_frozen(tmp_path / "saved", "toy").manifest["n"] == 2
    )
    assert [p.name for p in tmp_path.iterdir()] == ["saved"]
