"""The event index (graph.timeline.frozen) and the importance scores (graph.causal.importance)
saved as arrays and loaded again equal the ones built from the dataset, and answer every
query the same: pages, filters, search, windows."""

from __future__ import annotations

import json
from array import array
from pathlib import Path

import pytest

from graph.causal.importance import SavedScores, importance, load_importance, write_importance
from graph.data.model import Dataset
from graph.errors import DerivedDataError
from graph.timeline.frozen import (
    ARRAYS,
    Reordered,
    load_index,
    load_window,
    write_index,
    write_window,
)
from graph.timeline.paging import EventIndex, query_events, search_events
from graph.timeline.window import TimelineWindow
from support.synthetic import generate_dataset


@pytest.fixture(scope="module", params=["real", "synthetic"])
def pair(request, tmp_path_factory) -> tuple[Dataset, EventIndex, EventIndex]:
    """A dataset, its index built, and the same index saved and loaded."""
    if request.param == "real":
        dataset = request.getfixturevalue("real")
    else:
        dataset = generate_dataset(3000, seed=7)
    folder = tmp_path_factory.mktemp("index") / "index"
    write_index(EventIndex.from_dataset(dataset), dataset, folder, version="v1")
    return dataset, EventIndex.from_dataset(dataset), load_index(folder, dataset, version="v1")


def test_loaded_index_equals_the_built_one(pair):
    _, built, loaded = pair
    for name in ARRAYS:
        assert getattr(loaded, name) == getattr(built, name), name
        mapped = getattr(loaded, name)  # a read-only view of the mapped file, not a copy
        assert isinstance(mapped, memoryview) and mapped.readonly, name
        assert mapped.format == getattr(built, name).typecode, name
    assert list(loaded.events) == list(built.events) and len(loaded) == len(built)
    assert list(loaded.links) == list(built.links)
    assert loaded.events[3:9] == built.events[3:9]
    assert loaded.postings == built.postings
    assert loaded.spans == built.spans
    assert loaded.status_bits == built.status_bits
    assert loaded.text == built.text


def test_loaded_index_answers_the_same(pair):
    dataset, built, loaded = pair
    words = [built.events[p].label.split()[0] for p in range(0, len(built), len(built) // 5)]
    lane, kind = dataset.events[0].lane, dataset.events[0].type
    for index_args in [
        {},
        {"sort": "-date", "limit": 7},
        {"sort": "label", "lanes": [lane]},
        {"types": [kind], "statuses": ["supported"], "count_total": True},
        *({"text": word, "sort": "relevance", "count_total": True} for word in words),
    ]:
        pages = [query_events(index, **index_args) for index in (built, loaded)]
        assert pages[0] == pages[1]
        if pages[0].next:
            after = pages[0].next
            again = [query_events(index, **index_args, after=after) for index in (built, loaded)]
            assert again[0] == again[1]
    for word in words:
        assert search_events(built, word, limit=20) == search_events(loaded, word, limit=20)
    some = list(built.events[:40])
    assert built.links_among(some) == loaded.links_among(some)
    event = dataset.events[len(dataset.events) // 2].id
    assert built.event(event) == loaded.event(event)
    assert built.link_statuses(event) == loaded.link_statuses(event)


def test_windows_over_the_loaded_index_and_scores(pair, tmp_path):
    dataset, built, loaded = pair
    write_importance(importance(dataset), tmp_path / "importance")
    scores = load_importance(tmp_path / "importance")
    windows = [
        TimelineWindow.build(built, importance(dataset)),
        TimelineWindow.build(loaded, scores),
    ]
    first, last = windows[0].first, windows[0].last
    for width in (300, 1200):
        answers = [w.query(first, last, width=width) for w in windows]
        assert answers[0] == answers[1]


def test_loaded_scores_equal_the_computed_ones(pair, tmp_path):
    dataset, _, _ = pair
    write_importance(importance(dataset), tmp_path / "importance", version="v1")
    loaded = load_importance(tmp_path / "importance", version="v1")
    with pytest.raises(DerivedDataError, match="version v1, not v2"):
        load_importance(tmp_path / "importance", version="v2")
    assert list(loaded.items()) == list(importance(dataset).items())
    assert "no-such-event" not in loaded and len(loaded) == len(dataset.events)


def test_loading_for_other_data_is_refused(tmp_path, tiny, real):
    write_index(EventIndex.from_dataset(tiny), tiny, tmp_path / "index", version="v1")
    with pytest.raises(DerivedDataError, match="other data"):
        load_index(tmp_path / "index", real)
    with pytest.raises(DerivedDataError, match="version v1, not v2"):
        load_index(tmp_path / "index", tiny, version="v2")
    with pytest.raises(DerivedDataError, match="no saved event-index"):
        load_index(tmp_path / "nothing", tiny)
    with pytest.raises(DerivedDataError, match="not importance"):
        load_importance(tmp_path / "index")
    manifest = tmp_path / "index" / "manifest.json"
    manifest.write_text(json.dumps({**json.loads(manifest.read_text()), "format": 99}))
    with pytest.raises(DerivedDataError, match="format 99"):
        load_index(tmp_path / "index", tiny)


def test_a_missing_array_is_refused(tmp_path: Path, tiny):
    write_index(EventIndex.from_dataset(tiny), tiny, tmp_path / "index")
    (tmp_path / "index" / "days.bin").unlink()
    with pytest.raises(DerivedDataError, match=r"days\.bin"):
        load_index(tmp_path / "index", tiny)


def test_reordered_reads_its_base_lazily():
    asked = []

    class Base(list[str]):
        def __getitem__(self, i):  # type: ignore[override]
            asked.append(i)
            return super().__getitem__(i)

    view = Reordered(Base("abcd"), array("i", [2, 0, 3, 1]))
    assert view[0] == "c" and asked == [2]
    assert list(view) == ["c", "a", "d", "b"] and view[1:3] == ("a", "d") and len(view) == 4


def test_saved_window_answers_as_the_built_one(pair, tmp_path):
    dataset, built, loaded = pair
    scores = importance(dataset)
    write_window(TimelineWindow.build(loaded, scores), tmp_path / "window", version="v1")
    windows = [TimelineWindow.build(built, scores), load_window(tmp_path / "window", loaded)]
    assert windows[1].ranking == windows[0].ranking and windows[1].lanes == windows[0].lanes
    assert windows[1].run.levels == windows[0].run.levels
    first, last = windows[0].first, windows[0].last
    middle = (first + last) // 2
    some = [e.id for e in built.events[::97][:5]]
    for span in [(first, last), (first, middle), (middle, middle + 86_400 * 10**6 * 30)]:
        for width in (200, 1600):
            answers = [w.query(*span, width=width, include=some) for w in windows]
            assert answers[0] == answers[1]
    lane = dataset.events[0].lane
    chosen = sorted(built.postings["lanes"][lane])
    parts = [TimelineWindow.build(index, {}, chosen, ranking=w.ranking)
             for index, w in zip((built, loaded), windows, strict=True)]  # fmt: skip
    assert parts[0].query(first, last, width=500) == parts[1].query(first, last, width=500)
    with pytest.raises(DerivedDataError, match="version v1, not v2"):
        load_window(tmp_path / "window", loaded, version="v2")


def test_loaded_scores_are_looked_up_by_row_then_by_a_dict(pair, tmp_path, monkeypatch):
    """The first lookups find each id's row among the sorted ids (no dict of every id); past
    ``LOOKUPS`` of them the dict is made: the same answers either way, unknown ids included."""
    dataset, _, _ = pair
    want = importance(dataset)
    write_importance(importance(dataset), tmp_path / "importance")
    scores = load_importance(tmp_path / "importance")
    assert isinstance(scores, SavedScores)
    monkeypatch.setattr(SavedScores, "LOOKUPS", 7)
    ids = list(want)[:5]
    assert [scores[i] for i in ids] == [want[i] for i in ids]
    assert scores.get("no-such-event", -1.0) == -1.0 and scores.get(3) is None
    assert scores._made is None  # by row so far
    assert [scores.get(i) for i in want] == list(want.values())
    assert scores._made is not None and "no-such-event" not in scores
