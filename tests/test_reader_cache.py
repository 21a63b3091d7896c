"""A reader's cache keeps each version it read as a snapshot with its derived structures
(graph.publication.cache), so that a reader started again on that version opens it without
validating the source files again -- as ``ekg serve --store`` opens an embedded store's."""

from __future__ import annotations

import gc
import json
import shutil
import weakref

import pytest
from rdflib import Literal

from graph.causal.frozen import frozen_arrays
from graph.data.snapshot import same_records
from graph.errors import StoreError
from graph.publication import cache, cache_folder, fetch_source, open_published, publish
from graph.publication.cache import read_cached
from graph.store.sources import source_chunk_triple
from graph.store.versions import read_catalog

from .test_publish import (
    emptied_server,  # noqa: F401 -- the fixture ``server``
    relabel,
    store_of,
)

pytestmark = pytest.mark.remote
real = cache.read_dataset


def published(server, data, label):
    """The store of ``server`` once ``data`` relabelled with ``label`` is published, and the
    catalog record of that version."""
    store = store_of(server)
    relabel(data, label)
    publish(data, store)
    return store, read_catalog(store).current_record()


def refuse_reading(*_args, **_kwargs):
    raise AssertionError("the source files were read and validated again")


def test_a_reader_started_again_opens_its_snapshot_without_validating(
    server, data, tmp_path, monkeypatch
):
    store = store_of(server)
    published = publish(data, store)
    first = open_published(store, tmp_path / "cache")
    folder = cache_folder(tmp_path / "cache", store) / published.version
    assert first.snapshot == folder / "snapshot"
    assert (folder / "snapshot" / "causal").is_dir()  # the derived structures are saved too

    monkeypatch.setattr(cache, "read_dataset", refuse_reading)
    again = open_published(store, tmp_path / "cache")
    assert again.version == first.version == published.version
    assert same_records(again.dataset, first.dataset)
    assert frozen_arrays(again.causal) is not None  # loaded, not built
    assert sorted(again.causal.edges(data=True)) == sorted(first.causal.edges(data=True))
    assert [e.id for e in again.index.events] == [e.id for e in first.index.events]


def test_a_snapshot_of_another_version_or_a_half_written_one_is_not_used(
    server, data, tmp_path, monkeypatch
):
    store = store_of(server)
    publish(data, store)
    record = read_catalog(store).current_record()
    read_cached(store, record, tmp_path / "cache")
    snapshot = cache_folder(tmp_path / "cache", store) / record.version / "snapshot"
    meta = json.loads((snapshot / "snapshot.json").read_text())
    (snapshot / "snapshot.json").write_text(json.dumps({**meta, "version": "0" * 64}))
    loaded, where = read_cached(store, record, tmp_path / "cache")  # read again, saved again
    assert where == snapshot and loaded.version.startswith(record.version)
    assert json.loads((snapshot / "snapshot.json").read_text())["version"] == meta["version"]

    (snapshot / "snapshot.json").unlink()  # what a kill before the last file leaves
    calls = []
    monkeypatch.setattr(cache, "read_dataset", lambda *a, **k: calls.append(a) or real(*a, **k))
    loaded, where = read_cached(store, record, tmp_path / "cache")
    assert calls and where == snapshot


def test_a_snapshot_that_cannot_be_saved_still_serves_the_version(
    server, data, tmp_path, monkeypatch
):
    store, record = published(server, data, "A label for this test")

    def full_disk(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cache, "save_structures", full_disk)
    loaded, where = read_cached(store, record, tmp_path / "cache")
    assert where is None and loaded.dataset.event("opec-no-cut").label == "A label for this test"
    folder = cache_folder(tmp_path / "cache", store) / record.version
    assert not (folder / "snapshot").exists()
    assert not [p for p in folder.iterdir() if p.name.startswith(".snapshot")]  # no scratch left
    shutil.rmtree(folder)


def refuse_hashing(*_args, **_kwargs):
    raise AssertionError("the fetched files were read back to hash them")


def test_a_fetched_copy_is_hashed_as_it_is_written_not_read_back(
    server, data, tmp_path, monkeypatch
):
    store, record = published(server, data, "Fetched and hashed once")
    monkeypatch.setattr(cache, "data_version", refuse_hashing)
    top = fetch_source(store, record, tmp_path / "cache")
    assert top.read_bytes() == data.read_bytes()


def test_a_source_that_does_not_hash_to_its_version_is_refused_and_not_kept(server, data, tmp_path):
    store, record = published(server, data, "Tampered with in the store")
    node, text, _ = source_chunk_triple(record.version, 0, 0, "")
    tampered = Literal(data.read_text(encoding="utf-8").replace("Tampered", "Changed")).n3()
    store.update(
        f"DELETE WHERE {{ GRAPH <{record.source}> {{ {node.n3()} {text.n3()} ?t }} }} ;\n"
        f"INSERT DATA {{ GRAPH <{record.source}> {{ {node.n3()} {text.n3()} {tampered} }} }}"
    )
    with pytest.raises(StoreError, match="do not match its hash"):
        fetch_source(store, record, tmp_path / "cache")
    folder = cache_folder(tmp_path / "cache", store)
    assert [p.name for p in folder.iterdir()] == [".lock"]  # no copy, no scratch left


def test_a_cold_read_drops_the_dataset_read_before_the_collector_resumes(
    server, data, tmp_path, monkeypatch
):
    store, record = published(server, data, "Read, saved, dropped")
    dropped, collecting = [], []
    save = cache.save_snapshot

    def reading(*args, **kwargs):
        loaded = real(*args, **kwargs)
        weakref.finalize(loaded.dataset, lambda: dropped.append(gc.isenabled()))
        return loaded

    def saving(*args, **kwargs):
        collecting.append(gc.isenabled())
        return save(*args, **kwargs)

    monkeypatch.setattr(cache, "read_dataset", reading)
    monkeypatch.setattr(cache, "save_snapshot", saving)
    loaded, where = read_cached(store, record, tmp_path / "cache")
    assert where is not None and loaded.dataset.event("opec-no-cut").label == "Read, saved, dropped"
    assert collecting == [False]  # the collector paused while the snapshot is written
    assert dropped == [False]  # the records read went by reference count, none left to scan
    assert gc.isenabled()
