"""Datasets split over several files with ``include``: same data, every problem at file:line.

Each problem case runs with both parsers (``fast`` True and False): the fast parser must
report exactly what the located loader reports, lines included.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib.compare import isomorphic

from graph.data.loader import load_dataset, read_dataset
from graph.errors import DataError, ValidationError
from graph.rdf.build import build_graph

from .conftest import DATA

MULTI = DATA / "multi"


@pytest.fixture
def multi(tmp_path: Path) -> Path:
    """A writable copy of tests/data/multi; returns its top-level file."""
    shutil.copytree(MULTI, tmp_path / "multi")
    return tmp_path / "multi" / "events.yaml"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, text: str) -> int:
    return path.read_text(encoding="utf-8").splitlines().index(text) + 1


def problems(top: Path, fast: bool) -> list[str]:
    with pytest.raises(ValidationError) as info:
        load_dataset(top, fast=fast)
    return [str(p) for p in info.value.problems]


FAST = pytest.mark.parametrize("fast", [False, True], ids=["located", "fast"])


@FAST
def test_split_dataset_equals_the_single_file(tiny, fast):
    loaded = read_dataset(MULTI / "events.yaml", fast=fast)
    assert loaded.files == ("events.yaml", "stories/oil.yaml", "stories/crisis-week.yaml")
    assert loaded.dataset == tiny
    assert isomorphic(build_graph(loaded.dataset), build_graph(tiny))


def test_version_covers_every_file(multi):
    before = read_dataset(multi).version
    assert read_dataset(multi).version == before
    edit(multi.parent / "stories" / "oil.yaml", "title: Platts report", "title: Platts note")
    assert read_dataset(multi).version != before


@FAST
def test_problem_in_included_file_names_that_file(multi, fast):
    story = multi.parent / "stories" / "crisis-week.yaml"
    edit(story, "lane: markets", "lane: market")
    line = line_of(story, "    lane: market")
    assert problems(multi, fast) == [
        f"stories/crisis-week.yaml:{line}: 'lane': unknown lane 'market'"
    ]


@FAST
def test_syntax_error_in_included_file(multi, fast):
    story = multi.parent / "stories" / "oil.yaml"
    edit(story, "actors: [opec]", "actors: [opec")
    (problem,) = problems(multi, fast)
    assert problem.startswith("stories/oil.yaml:")
    assert "YAML syntax error" in problem


@FAST
def test_duplicate_id_across_files_points_at_the_first(multi, fast):
    oil, week = multi.parent / "stories" / "oil.yaml", multi.parent / "stories" / "crisis-week.yaml"
    edit(week, "  - id: ruble-falls", "  - id: opec-no-cut")
    first, second = line_of(oil, "  - id: opec-no-cut"), line_of(week, "  - id: opec-no-cut")
    found = problems(multi, fast)
    assert (
        f"stories/crisis-week.yaml:{second}: duplicate id 'opec-no-cut' "
        f"(first at stories/oil.yaml:{first})"
    ) in found


@FAST
def test_conflicting_source_across_files(multi, fast):
    week = multi.parent / "stories" / "crisis-week.yaml"
    edit(
        week,
        "    sources: [https://euobserver.com/eu-and-the-world/arc8480295]\nlinks:",
        "    sources:\n      - url: https://euobserver.com/eu-and-the-world/arc8480295\n"
        "        title: Another title\n        publisher: EUobserver\nlinks:",
    )
    line = line_of(week, "      - url: https://euobserver.com/eu-and-the-world/arc8480295")
    first = line_of(multi, "      - url: https://euobserver.com/eu-and-the-world/arc8480295")
    assert problems(multi, fast) == [
        f"stories/crisis-week.yaml:{line}: source https://euobserver.com/eu-and-the-world/"
        f"arc8480295 has another title or publisher at events.yaml:{first}"
    ]


@FAST
def test_bare_source_must_be_given_in_an_earlier_file(multi, fast):
    edit(
        multi,
        "    verdict: opinion\n",
        "    verdict: opinion\n    sources:\n      - https://daily.energybulletin.org/?p=106859\n",
    )
    line = line_of(multi, "      - https://daily.energybulletin.org/?p=106859")
    assert problems(multi, fast) == [
        f"events.yaml:{line}: source 'https://daily.energybulletin.org/?p=106859' is not "
        "given in full anywhere in this file or an earlier one",
    ]


@FAST
def test_reference_across_files_and_unknown_one(multi, fast):
    week = multi.parent / "stories" / "crisis-week.yaml"
    edit(week, "cause: oil-below-60", "cause: oil-below-50")
    line = line_of(week, "    cause: oil-below-50")
    assert problems(multi, fast) == [
        f"stories/crisis-week.yaml:{line}: 'cause': unknown event 'oil-below-50'"
    ]


@FAST
def test_cycle_across_files(multi, fast):
    oil = multi.parent / "stories" / "oil.yaml"
    edit(
        oil,
        "links:\n",
        "links:\n  - id: back\n    cause: rate-hike\n    effect: opec-no-cut\n"
        "    kind: causes\n    confidence: 0.5\n    status: contested\n"
        "    asserted_by: [seed-article]\n"
        "    disputed_by: [https://daily.energybulletin.org/?p=106859]\n",
    )
    line = line_of(oil, "  - id: back")
    assert problems(multi, fast) == [
        f"stories/oil.yaml:{line}: causal links form a cycle: "
        "rate-hike -> opec-no-cut -> oil-below-60 -> ruble-falls -> rate-hike"
    ]


@FAST
@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("stories/none.yaml", "included file 'stories/none.yaml' not found"),
        ("../outside.yaml", "'include': '../outside.yaml' is outside the data directory"),
        ("/etc/hostname", "'include': '/etc/hostname' must be relative to events.yaml"),
        ("stories/oil.yaml", "'stories/oil.yaml' is already included (at events.yaml:{first})"),
        ("42", "'include': 42 is not a relative file path"),
    ],
)
def test_bad_include_entries(multi, fast, entry, message):
    (multi.parent.parent / "outside.yaml").write_text("events: []\n", encoding="utf-8")
    edit(multi, "  - stories/crisis-week.yaml\n", f"  - stories/crisis-week.yaml\n  - {entry}\n")
    first = line_of(multi, "  - stories/oil.yaml")
    line = len(multi.read_text(encoding="utf-8").splitlines())  # the entry added last
    assert problems(multi, fast) == [f"events.yaml:{line}: {message.format(first=first)}"]


@FAST
def test_include_cycle(multi, fast):
    oil = multi.parent / "stories" / "oil.yaml"
    oil.write_text(oil.read_text(encoding="utf-8") + "include: [../events.yaml]\n", "utf-8")
    line = line_of(oil, "include: [../events.yaml]")
    assert problems(multi, fast) == [
        f"stories/oil.yaml:{line}: include cycle: events.yaml -> stories/oil.yaml -> events.yaml"
    ]


@FAST
def test_dataset_section_only_in_top_file(multi, fast):
    oil = multi.parent / "stories" / "oil.yaml"
    oil.write_text("dataset: {id: x}\n" + oil.read_text(encoding="utf-8"), "utf-8")
    assert problems(multi, fast) == [
        "stories/oil.yaml:1: 'dataset' belongs in the top-level file only"
    ]


def test_nested_includes_are_relative_to_the_including_file(multi):
    stories = multi.parent / "stories"
    (stories / "more").mkdir()
    edit(multi, "  - stories/crisis-week.yaml\n", "")
    oil = stories / "oil.yaml"
    oil.write_text(oil.read_text(encoding="utf-8") + "include: [more/week.yaml]\n", "utf-8")
    (stories / "crisis-week.yaml").rename(stories / "more" / "week.yaml")
    loaded = read_dataset(multi)
    assert loaded.files == ("events.yaml", "stories/oil.yaml", "stories/more/week.yaml")
    assert [e.id for e in loaded.dataset.events][-1] == "rate-hike"


def test_unreadable_included_file(multi):
    (multi.parent / "stories" / "oil.yaml").write_bytes(b"events: []\n\xff\n")
    with pytest.raises(ValidationError) as info:
        load_dataset(multi)
    assert [str(p) for p in info.value.problems] == ["stories/oil.yaml:2: not valid UTF-8 text"]


def test_missing_top_file_is_a_data_error(tmp_path):
    with pytest.raises(DataError, match="cannot read"):
        load_dataset(tmp_path / "events.yaml")
