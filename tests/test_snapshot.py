"""The snapshot ``ekg build --store`` saves and ``ekg serve --store`` opens (issue 19): it
gives back every public field of every record, it is used only for the data version it was
made of, a build that fails leaves no half snapshot in use, reloads still work, and the API
answers the same from it as from the YAML."""

from __future__ import annotations

import dataclasses
import json
import shutil
from dataclasses import fields, replace
from pathlib import Path

import pytest

from graph.causal.frozen import frozen_arrays
from graph.causal.importance import SavedScores
from graph.data import Dataset, LoadedData, read_dataset
from graph.data.records import Records, encode
from graph.data.snapshot import (
    META,
    SNAPSHOT,
    SnapshotDataset,
    open_snapshot,
    same_records,
    save_snapshot,
)
from graph.derived import SAVED, load_saved
from graph.pipeline import build_knowledge_graph
from graph.rdf.bulk import MANIFEST, build_store_dir
from graph.timeline.frozen import Reordered
from support.synthetic import generate_dataset

from .conftest import DATA

SECTIONS = tuple(field.name for field in fields(Dataset))  # every section


def assert_same(snapshot: SnapshotDataset, read: LoadedData) -> None:
    """Every public field of every record equal, ``line`` included (it takes no part in the
    records' equality), and the lookups the views use."""
    dataset = read.dataset
    assert same_records(snapshot, dataset)
    for name in SECTIONS:
        got, want = getattr(snapshot, name), getattr(dataset, name)
        if isinstance(got, Records):
            got = tuple(got)
        assert encode(got) == encode(want), name
    for event in dataset.events:
        assert snapshot.event(event.id) == event
        assert snapshot.story_of(event.id) == dataset.story_of(event.id)
    for narrative in dataset.narratives:
        assert snapshot.narrative_links(narrative.id) == dataset.narrative_links(narrative.id)
    with pytest.raises(KeyError):
        snapshot.event("no-such-event")


def round_trip(loaded: LoadedData, tmp_path: Path) -> SnapshotDataset:
    save_snapshot(loaded, tmp_path / SNAPSHOT)
    opened = open_snapshot(tmp_path / SNAPSHOT, loaded.version)
    assert opened is not None and isinstance(opened.dataset, SnapshotDataset)
    assert (opened.files, opened.version) == (loaded.files, loaded.version)
    return opened.dataset


def test_the_snapshot_of_events_yaml_is_the_dataset_read_from_it(events_path, tmp_path):
    loaded = read_dataset(events_path)
    assert loaded.dataset.claims and loaded.dataset.stories  # (what the fields cover)
    assert any(event.quantities for event in loaded.dataset.events)
    assert_same(round_trip(loaded, tmp_path), loaded)


def test_the_snapshot_of_a_synthetic_dataset_is_that_dataset(tmp_path):
    dataset = generate_dataset(500, seed=7)
    loaded = LoadedData(dataset, ("events.yaml",), "v" * 64)
    assert_same(round_trip(loaded, tmp_path), loaded)


def test_records_decode_on_access_and_compare_as_sequences(tiny_path, tmp_path):
    loaded = read_dataset(tiny_path)
    events = round_trip(loaded, tmp_path).events
    assert isinstance(events, Records) and len(events) == len(loaded.dataset.events)
    assert events[-1] == loaded.dataset.events[-1] and events[1:3] == loaded.dataset.events[1:3]
    assert events == loaded.dataset.events and events != loaded.dataset.events[:-1]
    with pytest.raises(IndexError):
        events[len(events)]


def test_labels_and_lookups_decode_only_the_events_asked_for(events_path, tmp_path):
    from graph.timeline.records import Labels

    loaded = read_dataset(events_path)
    snapshot = round_trip(loaded, tmp_path)
    labels = Labels.of(snapshot)
    assert labels.events["opec-decides-no-cut"] == loaded.dataset.event("opec-decides-no-cut").label
    assert labels.events.get("no-such-event", "-") == "-"
    assert snapshot.events.decoded() == 1 < len(snapshot.events)


def test_a_snapshot_of_another_version_or_base_or_format_is_not_opened(tiny_path, tmp_path):
    loaded = read_dataset(tiny_path)
    where = tmp_path / SNAPSHOT
    save_snapshot(loaded, where)
    assert open_snapshot(where, "0" * 64) is None
    assert open_snapshot(where, loaded.version, base="http://other.example/") is None
    meta = json.loads((where / META).read_text())
    (where / META).write_text(json.dumps({**meta, "format": 0}))
    assert open_snapshot(where, loaded.version) is None
    (where / META).unlink()  # a snapshot whose writing stopped before its last file
    assert open_snapshot(where, loaded.version) is None
    (where / META).write_text(json.dumps(meta))
    assert open_snapshot(where, loaded.version) is not None
    (where / "small.json").write_text("{")  # damaged since
    assert open_snapshot(where, loaded.version) is None


# -- the store directory ---------------------------------------------------------------------


@pytest.fixture
def multi(tmp_path: Path) -> Path:
    """A copy of the data with stories in included files, which a test may edit."""
    shutil.copytree(DATA / "multi", tmp_path / "multi")
    return tmp_path / "multi" / "events.yaml"


def test_a_store_of_unchanged_data_opens_its_snapshot_without_reading_the_yaml(
    multi, tmp_path, monkeypatch
):
    built = build_knowledge_graph(multi, store_dir=tmp_path / "store", reuse=False)
    assert not isinstance(built.dataset, SnapshotDataset)
    assert built.snapshot == (tmp_path / "store" / SNAPSHOT).resolve()

    def no_reading(*args, **kwargs):
        raise AssertionError("the YAML was read again")

    monkeypatch.setattr("graph.rdf.bulk.read_dataset", no_reading)
    again = build_knowledge_graph(multi, store_dir=tmp_path / "store")
    assert isinstance(again.dataset, SnapshotDataset)
    assert (again.version, again.files) == (built.version, built.files)
    assert same_records(again.dataset, built.dataset)
    again.store.close()
    built.store.close()


def test_edited_data_is_read_and_the_store_rebuilt_not_the_snapshot_used(multi, tmp_path):
    store = tmp_path / "store"
    build_knowledge_graph(multi, store_dir=store, reuse=False).store.close()
    story = multi.parent / "stories" / "oil.yaml"
    story.write_text(story.read_text().replace("Brent falls below $60", "Brent falls under $60"))
    built = build_knowledge_graph(multi, store_dir=store)
    assert not isinstance(built.dataset, SnapshotDataset)
    assert built.dataset.event("oil-below-60").label == "Brent falls under $60"
    built.store.close()
    reopened = build_knowledge_graph(multi, store_dir=store)  # the new snapshot, now
    assert isinstance(reopened.dataset, SnapshotDataset)
    assert reopened.dataset.event("oil-below-60").label == "Brent falls under $60"
    reopened.store.close()


def test_a_manifest_of_another_version_means_the_yaml_is_read(multi, tmp_path):
    store = tmp_path / "store"
    build_knowledge_graph(multi, store_dir=store, reuse=False).store.close()
    manifest = json.loads((store / MANIFEST).read_text())
    (store / MANIFEST).write_text(json.dumps({**manifest, "version": "0" * 64}))
    built = build_knowledge_graph(multi, store_dir=store)
    assert not isinstance(built.dataset, SnapshotDataset)
    built.store.close()


def test_a_snapshot_of_another_version_beside_a_current_manifest_is_not_used(multi, tmp_path):
    store = tmp_path / "store"
    build_knowledge_graph(multi, store_dir=store, reuse=False).store.close()
    meta = json.loads((store / SNAPSHOT / META).read_text())
    (store / SNAPSHOT / META).write_text(json.dumps({**meta, "version": "0" * 64}))
    built = build_knowledge_graph(multi, store_dir=store)
    assert not isinstance(built.dataset, SnapshotDataset) and built.snapshot is None
    built.store.close()


def test_without_the_snapshot_setting_the_yaml_is_read(multi, tmp_path):
    store = tmp_path / "store"
    build_knowledge_graph(multi, store_dir=store, reuse=False).store.close()
    built = build_knowledge_graph(multi, store_dir=store, snapshot=False)
    assert not isinstance(built.dataset, SnapshotDataset) and built.snapshot is None
    built.store.close()


def test_a_build_killed_while_saving_the_snapshot_leaves_the_old_store_and_snapshot(
    multi, tmp_path
):
    store = tmp_path / "store"
    build_knowledge_graph(multi, store_dir=store, reuse=False).store.close()
    before = sorted(p.name for p in tmp_path.iterdir())
    story = multi.parent / "stories" / "oil.yaml"
    story.write_text(story.read_text().replace("Brent falls below $60", "Brent falls under $60"))

    def killed(dataset, directory):
        assert (directory / META).exists() and not (directory.parent / MANIFEST).exists()
        raise KeyboardInterrupt  # as a kill would, after the records, before the manifest

    with pytest.raises(KeyboardInterrupt):
        build_store_dir(multi, store, reuse=False, save_extra=killed)
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no half store beside it
    old = read_dataset(DATA / "multi" / "events.yaml")
    assert open_snapshot(store / SNAPSHOT, old.version) is not None  # the old one, whole
    built = build_knowledge_graph(multi, store_dir=store)  # the edit: read, not the old one
    assert built.dataset.event("oil-below-60").label == "Brent falls under $60"
    built.store.close()


def test_derived_structures_are_built_when_the_snapshot_holds_none(multi, tmp_path):
    from graph.causal import build_causal_graph
    from graph.timeline import EventIndex

    store = tmp_path / "store"
    build_knowledge_graph(multi, store_dir=store, reuse=False).store.close()
    for name in SAVED.values():
        shutil.rmtree(store / SNAPSHOT / name, ignore_errors=True)
    built = build_knowledge_graph(multi, store_dir=store)
    assert isinstance(built.dataset, SnapshotDataset) and built.snapshot is not None
    assert all(
        load_saved(name, built.snapshot, built.full_version, built.dataset) is None
        for name in SAVED
    )
    want = build_causal_graph(read_dataset(multi).dataset)
    assert sorted(built.causal.edges(data=True)) == sorted(want.edges(data=True))
    assert [e.id for e in built.index.events] == [
        e.id for e in EventIndex.from_dataset(read_dataset(multi).dataset).events
    ]
    assert set(built.importance()) == {event.id for event in built.dataset.events}
    built.store.close()


def test_derived_structures_are_loaded_from_the_snapshot(multi, tmp_path):
    """The build saves them in the snapshot and a start loads them: the same answers."""
    store = tmp_path / "store"
    first = build_knowledge_graph(multi, store_dir=store, reuse=False)
    assert all((store / SNAPSHOT / name).is_dir() for name in SAVED.values())
    built = build_knowledge_graph(multi, store_dir=store)
    assert built.full_version.startswith(built.version) and len(built.full_version) > 16
    assert frozen_arrays(built.causal) is not None  # loaded, not built
    assert sorted(built.causal.edges(data=True)) == sorted(first.causal.edges(data=True))
    assert [e.id for e in built.index.events] == [e.id for e in first.index.events]
    assert isinstance(built.index.events, Reordered)  # loaded, not built
    window, want = built.timeline_window(), first.timeline_window()
    assert built.remembered() == [("timeline-window", None, ())]  # the importance not needed
    assert isinstance(built.importance(), SavedScores)
    assert dict(built.importance()) == dict(first.importance())
    assert (window.order, window.rank, window.lanes) == (want.order, want.rank, want.lanes)
    answer = window.query(window.first, window.last, width=800)
    expected = want.query(want.first, want.last, width=800)
    assert [e.id for e in answer.events] == [e.id for e in expected.events]
    assert (answer.total, answer.clusters) == (expected.total, expected.clusters)
    built.store.close()
    first.store.close()


def test_derived_structures_of_another_version_are_refused(multi, tmp_path):
    """A structure saved for another data version (e.g. copied from another store) is not
    loaded: it is built from the dataset instead."""
    store = tmp_path / "store"
    build_knowledge_graph(multi, store_dir=store, reuse=False).store.close()
    built = build_knowledge_graph(multi, store_dir=store)
    assert built.snapshot is not None
    for name in SAVED:
        over = built.dataset if name == "index" else built.index if name == "window" else None
        assert load_saved(name, built.snapshot, built.full_version, over) is not None, name
        assert load_saved(name, built.snapshot, "another version", over) is None, name
    unversioned = replace(built, full_version="")  # no version to check against: none loaded
    assert frozen_arrays(unversioned.causal) is None
    other = replace(built, full_version="another version")
    assert frozen_arrays(other.causal) is None  # built
    assert not isinstance(other.index.events, Reordered)
    assert not isinstance(other.importance(), SavedScores)
    assert [e.id for e in other.index.events] == [e.id for e in built.index.events]
    assert dict(other.importance()) == dict(built.importance())
    assert other.timeline_window().rank == built.timeline_window().rank
    built.store.close()


# -- the service -----------------------------------------------------------------------------

ENDPOINTS = (
    "/api/events",
    "/api/events/opec-decides-no-cut",
    "/api/timeline?limit=50",
    "/api/timeline?limit=20&story=russia-1998",
    "/api/links",
    "/api/claims",
    "/api/stories",
    "/api/narratives",
    "/api/search?q=oil",
    "/api/chains?source=opec-decides-no-cut&target=bank-and-energy-shares-fall-dec-16",
    "/api/causes/cbr-cut-to-11",
    "/api/drivers",
    "/api/longest-chain",
    "/api/consistency",
    "/api/analogies",
    "/api/graph",
)


def test_the_api_answers_the_same_from_the_snapshot_as_from_the_yaml(make_app, tmp_path):
    events = tmp_path / "data" / "events.yaml"
    shutil.copytree(DATA.parent.parent, tmp_path / "data", ignore=_only_data)
    store = tmp_path / "store"
    build_knowledge_graph(events, store_dir=store, reuse=False).store.close()
    from_yaml = make_app(events, STORE=store, STORE_SNAPSHOT=False).test_client()
    from_snapshot = make_app(events, STORE=store).test_client()
    assert isinstance(from_snapshot.application.extensions["ekg"].dataset, SnapshotDataset)
    for url in ENDPOINTS:
        want, got = from_yaml.get(url), from_snapshot.get(url)
        assert want.status_code == 200, url
        assert (got.status_code, got.get_json()) == (200, want.get_json()), url


def _only_data(folder: str, names: list[str]) -> list[str]:
    """copytree's ignore: only events.yaml and stories/ of the repository's root."""
    if Path(folder) == DATA.parent.parent:
        return [name for name in names if name not in ("events.yaml", "stories")]
    return []


def test_a_service_started_from_the_snapshot_reloads_an_edit(make_app, multi, tmp_path):
    store = tmp_path / "store"
    build_knowledge_graph(multi, store_dir=store, reuse=False).store.close()
    app = make_app(multi, STORE=store)
    assert isinstance(app.extensions["ekg"].dataset, SnapshotDataset)
    client = app.test_client()
    story = multi.parent / "stories" / "oil.yaml"
    story.write_text(story.read_text().replace("Brent falls below $60", "Brent falls under $60"))
    assert client.post("/-/reload").get_json()["outcome"] == "loaded"
    assert client.get("/api/events/oil-below-60").get_json()["label"] == "Brent falls under $60"


def test_serve_starts_without_counting_quads_and_freezes_the_start(
    runner, multi, tmp_path, monkeypatch
):
    import sys

    from service.cli.main import main

    def counting(_store):
        raise AssertionError("the quads were counted")

    monkeypatch.setattr("graph.store.backends.oxigraph.OxigraphStore.__len__", counting)
    cli = sys.modules["service.cli.main"]  # (the package's name ``main`` is the click group)
    monkeypatch.setattr(cli, "run_server", lambda app, **options: None)
    frozen = []
    monkeypatch.setattr(cli.gc, "freeze", lambda: frozen.append(True))
    store = tmp_path / "store"
    arguments = ["serve", "--data", str(multi), "--store", str(store), "--port", "0"]
    result = runner.invoke(main, arguments)
    assert result.exit_code == 0, result.output
    assert "serving 4 events, 3 links on http://127.0.0.1:0/" in result.output
    assert frozen == [True]  # what the start made is left out of later collections


def test_records_are_encoded_by_class_not_inspected_one_by_one(events_path, monkeypatch):
    loaded = read_dataset(events_path)
    every = [*loaded.dataset.events, *loaded.dataset.links, *loaded.dataset.claims]
    inspected = []
    fields = dataclasses.fields
    monkeypatch.setattr(dataclasses, "fields", lambda kind: inspected.append(kind) or fields(kind))
    encoded = [encode(record) for record in every]
    assert len(every) > 300 and len(inspected) < 20  # once per class at most, not per record
    assert [encode(record) for record in every] == encoded
