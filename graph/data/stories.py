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
from dataclasses import replace
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


class StoryBook(FieldReader):
    """The stories of the files read so far: each header's story, the file that declared it,
    and (:meth:`filled_stories`) the records each story's files hold.

    A base of the loader's reader, which sets ``files`` (the file names, by index) and
    ``first_file`` (section -> record id -> index of the file that first declared it).
    """

    files: list[str]
    first_file: dict[str, dict[str, int]]

    def __init__(self, file_name: str, problems: list[Any]) -> None:
        super().__init__(file_name, problems)
        self.stories: list[Story] = []
        self.file_story: dict[int, str] = {}  # file index -> the story its header declares
        self.story_files: dict[str, int] = {}

    def check_story_lanes(self, dataset: Dataset) -> None:
        """A story that lists its lanes lists every lane its events are in (a page shows only
        those)."""
        for story in dataset.stories:
            if not story.lanes:
                continue
            missing = sorted({dataset.event(e).lane for e in story.events} - set(story.lanes))
            if missing:
                self.file = self.files[self.story_files[story.id]]
                names = ", ".join(missing)
                self.error(story.line, f"story {story.id!r}: 'lanes' leaves out {names}")

    def add_story(self, story: Story) -> None:
        here = len(self.files) - 1
        for known in self.stories:
            if known.id == story.id:
                self.error(story.line, f"duplicate story id {story.id!r}")
                return
        self.stories.append(story)
        self.file_story[here] = story.id
        self.story_files[story.id] = here

    def story_of_file(self, file_index: int) -> str | None:
        """The story the records of a file belong to: its header's, or the top file's."""
        return self.file_story.get(file_index, self.file_story.get(0))

    def filled_stories(self) -> tuple[Story, ...]:
        """Each story with the ids of the records of its files (a file without a header
        belongs to the top-level file's story, if any)."""
        if not self.stories:
            return ()
        members: dict[str, dict[str, list[str]]] = {
            story.id: {"events": [], "links": [], "claims": []} for story in self.stories
        }
        for section in ("events", "links", "claims"):
            for ident, file_index in self.first_file[section].items():
                owner = self.story_of_file(file_index)
                if owner is not None:
                    members[owner][section].append(ident)
        return tuple(
            replace(
                story,
                events=tuple(members[story.id]["events"]),
                links=tuple(members[story.id]["links"]),
                claims=tuple(members[story.id]["claims"]),
            )
            for story in self.stories
        )


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
