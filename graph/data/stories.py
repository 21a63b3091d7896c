"""The ``story:`` header of a data file: a story's title, intro, guided steps, lanes, windows,
example chain and time zone (:class:`graph.data.model.Story`).

A story is a file, ``stories/<id>.yaml``, included from the top-level file (which may carry a
story header of its own). The records a file holds belong to its story; a file without a
header belongs to the top-level file's story, if it has one.

>>> from graph.data.readers import RecordReader
>>> reader = RecordReader("stories/x.yaml", [])
>>> story = read_story(reader, {"id": "x", "title": "X", "time_zone": "Europe/Moscow"})
>>> (story.id, story.time_zone, reader.problems)
('x', 'Europe/Moscow', [])
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from graph.data.fields import FieldReader, Fields, line_of
from graph.data.model import Dataset, Preset, Step, Story
from graph.errors import UnknownStoryError

STORY = Fields(
    {"id", "title", "time_zone"},
    {"intro", "window", "zoom", "lanes", "steps", "example_chain"},
)
_PRESET = Fields({"from", "to"}, {"label"})
_STEP = Fields({"title", "text"}, {"events"})
_CHAIN = Fields({"source", "target"}, set())


def read_story(reader: FieldReader, m: Any, line: int = 0) -> Story | None:
    """The story of header ``m`` (the value of a file's ``story:``), or None when a required
    part is missing or wrong; every problem is recorded with its line."""
    if not reader.fields(m, line or line_of(m), "story", STORY):
        return None
    ident, title = reader.slug(m, "id"), reader.text(m, "title")
    zone = reader.text(m, "time_zone")
    if zone is not None and not _known_zone(zone):
        reader.error(line_of(m, "time_zone"), f"'time_zone': {zone!r} is not an IANA time zone")
        zone = None
    window = (
        _preset(reader, m.get("window"), line_of(m, "window"), "window") if "window" in m else None
    )
    presets = tuple(
        preset
        for p_line, item in reader.items(m, "zoom")
        if (preset := _preset(reader, item, p_line, "zoom preset")) is not None
    )
    steps = tuple(
        step for s_line, item in reader.items(m, "steps") if (step := _step(reader, item, s_line))
    )
    chain = None
    if "example_chain" in m and reader.fields(
        m["example_chain"], line_of(m, "example_chain"), "example_chain", _CHAIN
    ):
        source = reader.slug(m["example_chain"], "source", "events")
        target = reader.slug(m["example_chain"], "target", "events")
        chain = (source, target) if source and target else None
    lanes = reader.slugs(m, "lanes", "lanes")
    if ident is None or title is None or zone is None:
        return None
    intro = reader.text(m, "intro")
    return Story(ident, title, zone, intro, window, presets, lanes, steps, chain, line=line_of(m))


def find_story(dataset: Dataset, story_id: str) -> Story:
    """The story ``story_id`` of ``dataset``; :class:`~graph.errors.UnknownStoryError` naming
    the stories there are when it has none."""
    try:
        return dataset.story(story_id)
    except KeyError:
        known = ", ".join(story.id for story in dataset.stories) or "none"
        raise UnknownStoryError(f"unknown story {story_id!r}; the stories are {known}") from None


def _known_zone(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _preset(reader: FieldReader, m: Any, line: int, what: str) -> Preset | None:
    if not reader.fields(m, line, what, _PRESET):
        return None
    bounds = []
    for key in ("from", "to"):
        value = m.get(key)
        try:
            bounds.append(dt.date.fromisoformat(str(value)).isoformat())
        except ValueError:
            reader.error(line_of(m, key) or line, f"{what} {key!r}: {value!r} is not an ISO date")
            return None
    if bounds[0] > bounds[1]:
        reader.error(line, f"{what}: 'from' {bounds[0]} is after 'to' {bounds[1]}")
        return None
    label = reader.text(m, "label") or f"{bounds[0]} - {bounds[1]}"
    return Preset(label, bounds[0], bounds[1])


def _step(reader: FieldReader, m: Any, line: int) -> Step | None:
    if not reader.fields(m, line, "step", _STEP):
        return None
    title, text = reader.text(m, "title"), reader.text(m, "text")
    events = reader.slugs(m, "events", "events")
    if title is None or text is None:
        return None
    return Step(title, text, events)
