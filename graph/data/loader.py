"""Load and validate ``events.yaml`` into a :class:`~graph.data.model.Dataset`.

Validation reports **every** problem at once, each as ``file:line: message``, and a file with
any problem builds nothing: :func:`load_dataset` either returns a whole dataset or raises
:class:`~graph.errors.ValidationError`. The file format is described in
``docs/data-model.md``.

>>> from pathlib import Path
>>> ds = load_dataset(Path(__file__).parents[2] / "tests" / "data" / "tiny.yaml")
>>> [e.id for e in ds.events]
['opec-no-cut', 'oil-below-60', 'ruble-falls', 'rate-hike']
"""

from __future__ import annotations

from array import array
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from graph import vocab
from graph.data.cycle import find_cycles
from graph.data.dates import starts_certainly_after
from graph.data.fields import check_base, line_of
from graph.data.model import (
    Dataset,
    DatasetInfo,
    Event,
    Link,
    Narrative,
)
from graph.data.readers import RecordReader
from graph.data.sources import INCLUDE_KEY, IncludeTree
from graph.data.stories import StoryBook, read_story
from graph.data.yamlfile import collector_paused, parse_yaml, parse_yaml_fast
from graph.errors import DataError, Problem, ValidationError

_SECTIONS = (
    "dataset",
    INCLUDE_KEY,
    "story",
    "lanes",
    "event_types",
    "quantity_kinds",
    "stages",
    "actors",
    "places",
    "publications",
    "events",
    "links",
    "claims",
    "narratives",
)
_RECORD_SECTIONS = _SECTIONS[3:]
#: Once this much data has been read (this file included), files are read with the fast
#: parser first (lines only on a problem); smaller datasets keep every record's line.
FAST_PARSE_BYTES = 1_000_000


@dataclass(frozen=True)
class LoadedData:
    """A valid dataset, the files it was read from, and ``version``: a hash of them all."""

    dataset: Dataset
    files: tuple[str, ...]
    version: str
    streamed: bool = False  # every record of ``dataset`` went through the ``sink`` given


def load_dataset(path: str | Path, *, fast: bool | None = None) -> Dataset:
    """Read, parse and validate an events file and the files it includes.

    Raises :class:`DataError` if the file cannot be read and :class:`ValidationError` (with
    every problem) if it is not a valid dataset. See :func:`read_dataset` for ``fast``.
    """
    return read_dataset(path, fast=fast).dataset


def read_dataset(
    path: str | Path,
    *,
    fast: bool | None = None,
    progress: Callable[[int], object] | None = None,
    sink: Callable[[str, Any], object] | None = None,
    base: str | None = None,
) -> LoadedData:
    """:func:`load_dataset`, also giving the files read and their hash.

    ``base``, if given, replaces the ``dataset.base`` of the file as the IRI prefix of every
    resource (:func:`check_base` tells which values it may take; ``DataError`` otherwise).

    ``fast`` chooses the parser: ``None`` reads with the located loader until
    :data:`FAST_PARSE_BYTES` have been read and tries the fast parser from the file that
    reaches it on, ``True`` always tries the fast parser, ``False`` never does. A file the
    fast parser read is read again with the located loader as soon as any problem is found
    in it or a message quotes one of its lines, so every problem has its line either way.
    ``progress`` is called with each file's size.

    ``sink`` is called with each valid record as it is read, ``(section, record)``, and
    ``("dataset", info)`` first, so that a build can start before the last file is read, and
    ``("story", story id or None)`` as each file starts, for the story its records belong to;
    only records of the first reading go there (see ``streamed``).

    >>> top = Path(__file__).parents[2] / "tests" / "data" / "multi" / "events.yaml"
    >>> loaded = read_dataset(top)
    >>> loaded.files
    ('events.yaml', 'stories/oil.yaml', 'stories/crisis-week.yaml')
    >>> len(loaded.dataset.events), len(loaded.version)
    (4, 64)
    """
    if base is not None and (problem := check_base(base)) is not None:
        raise DataError(problem)
    located: set[str] = set()
    while True:
        tree = IncludeTree(path)
        checker = _Checker(tree.top.name, [])
        checker.sink = None if located else sink
        checker.base = base
        with collector_paused():
            dataset = checker.read_tree(tree, located, fast, progress)
        if dataset is not None and not checker.problems:
            streamed = sink is not None and not located
            return LoadedData(dataset, tuple(tree.names), tree.digest, streamed)
        quoted = {p.file for p in checker.problems} | checker.mentioned
        unlocated = quoted & checker.fast_files
        if not unlocated:
            raise ValidationError(checker.problems)
        located |= unlocated


def parse_dataset(text: str, file_name: str = "events.yaml") -> Dataset:
    """Validate YAML text as a dataset; ``file_name`` prefixes every problem.

    The text is a single file: an ``include`` in it is a problem.
    """
    data, problems = parse_yaml(text, file_name)
    checker = _Checker(file_name, problems)
    includes = checker.read_file(data, top=True)
    if includes:
        checker.error(line_of(data, INCLUDE_KEY), "'include' needs a file on disk to start from")
    dataset = checker.finish()
    if checker.problems or dataset is None:
        raise ValidationError(checker.problems)
    return dataset


class _Checker(RecordReader, StoryBook):
    """Turns parsed YAML values into model records, collecting problems instead of raising.

    Files are read one after another (:meth:`read_file`); :meth:`finish` then resolves
    references across them and checks the links. Which file holds which story is kept by
    :class:`~graph.data.stories.StoryBook`.
    """

    def __init__(self, file_name: str, problems: list[Problem]) -> None:
        super().__init__(file_name, problems)
        self.info: DatasetInfo | None = None
        self.records: dict[str, list[Any]] = {s: [] for s in _RECORD_SECTIONS}
        self.files = [file_name]  # by index
        self.first_file: dict[str, dict[str, int]] = {s: {} for s in _RECORD_SECTIONS}
        self.id_lines: dict[tuple[str, str], int] = {}  # only for lines known
        self.link_files = array("H")  # file index of each link
        self.fast_files: set[str] = set()
        self.sink: Callable[[str, Any], object] | None = None
        self.base: str | None = None  # replaces the file's dataset.base
        self.bytes_read = 0

    # -- files -------------------------------------------------------------------------------

    def read_tree(
        self,
        tree: IncludeTree,
        located: set[str],
        fast: bool | None,
        progress: Callable[[int], object] | None,
    ) -> Dataset | None:
        for file in tree:
            self.start_file(file.name)
            text, problems = tree.read(file)
            self.problems += problems
            if text is None:
                self.unread = True
                continue
            if progress is not None:
                progress(len(text))
            self.bytes_read += len(text)
            data = None
            if file.name not in located and (
                fast or (fast is None and self.bytes_read >= FAST_PARSE_BYTES)
            ):
                data = parse_yaml_fast(text)
            if data is None:
                data, problems = parse_yaml(text, file.name)
                self.problems += problems
                self.unread = self.unread or data is None
            else:
                self.fast_files.add(file.name)
            includes = self.read_file(data, top=file is tree.top)
            self.problems += tree.include(file, includes)
            self.several_files = True  # for any file read after the first
        return self.finish()

    def start_file(self, name: str) -> None:
        if name != self.file:
            self.file = name
            self.files.append(name)

    def read_file(self, data: Any, top: bool) -> list[tuple[int, Any]]:
        """Read one file's sections into records; return its ``include`` entries."""
        if data is None and self.problems and self.problems[-1].file == self.file:
            return []
        if not isinstance(data, dict):
            self.error(line_of(data) or 1, "the file must be a mapping of sections")
            return []
        for key in data:
            if key not in _SECTIONS:
                self.error(line_of(data, key), f"unknown section {key!r}")
        self.several_files = self.several_files or bool(data.get(INCLUDE_KEY))
        self.collect_sources(data)
        if "story" in data:
            story = read_story(self, data["story"], line_of(data, "story"))
            if story is not None:
                self.add_story(story)
        if top:
            self.info = self.read_info(data)
            if self.info is not None and self.base is not None:
                self.info = replace(self.info, base=self.base)
            if self.info is not None and self.sink is not None:
                self.sink("dataset", self.info)
        elif "dataset" in data:
            self.error(line_of(data, "dataset"), "'dataset' belongs in the top-level file only")
        if self.sink is not None:  # the story the records of this file belong to
            self.sink("story", self.story_of_file(len(self.files) - 1))
        for section in ("lanes", "event_types", "quantity_kinds", "stages"):
            self.read_all(data, section, self.concept_reader(section))
        self.read_all(data, "actors", self.read_actor)
        self.read_all(data, "places", self.read_place)
        self.read_all(data, "publications", self.read_publication)
        self.read_all(data, "events", self.read_event)
        self.read_all(data, "links", self.read_link)
        self.read_all(data, "claims", self.read_claim)
        self.read_all(data, "narratives", self.read_narrative)
        return list(self.items(data, INCLUDE_KEY))

    def finish(self) -> Dataset | None:
        """Resolve references across files, check the links, and assemble the dataset."""
        declared = self.declared
        actors = declared.get("actors", {}).keys()
        agents = actors | declared.get("publications", {}).keys()
        for both in sorted(actors & self.first_file["publications"].keys()):
            self.file = self.files[self.first_file["publications"][both]]
            line = self.id_lines.get(("publications", both), 0)
            self.error(line, f"id {both!r} names both an actor and a publication")
        # A file that could not be read may hold what others refer to: no guessing then.
        for file, line, key, value, section in () if self.unread else self.refs:
            known = agents if section == "agents" else declared.get(section, {})
            if value not in known:
                self.file = file
                self.error(line, f"{key!r}: unknown {section.rstrip('s')} {value!r}")
        records = {s: tuple(r) for s, r in self.records.items()}
        self.check_links(records["events"], records["links"])
        self.check_narratives(records["narratives"], records["links"])
        if self.info is None:
            return None
        stories = self.filled_stories()
        if stories:  # a narrative is the account of the story whose file holds it
            default = self.file_story.get(0)
            records["narratives"] = tuple(
                replace(n, story=self.file_story.get(self.first_file["narratives"][n.id], default))
                for n in records["narratives"]
            )
        dataset = Dataset(self.info, **{s: records[s] for s in _RECORD_SECTIONS}, stories=stories)
        self.check_story_lanes(dataset)
        for narrative in dataset.narratives if stories and not self.unread else ():
            if narrative.story is not None and not dataset.narrative_links(narrative.id):
                self.empty_narrative(narrative)  # its asserters assert links, not in its story
        return dataset

    def read_all(self, data: dict, section: str, reader: Any) -> None:
        records, first = self.records[section], self.first_file[section]
        declared = self.declared.setdefault(section, {})
        here = len(self.files) - 1
        for line, m in self.items(data, section):
            if isinstance(m, dict) and isinstance(m.get("id"), str):
                # Known even if the record is invalid: references to it are not problems too.
                declared.setdefault(m["id"], m["id"])
            record = reader(line, m)
            if record is None:
                continue
            if record.id in first:
                known = self.id_lines.get((section, record.id), 0)
                where = self.place(self.files[first[record.id]], known)
                self.error(line, f"duplicate id {record.id!r} (first at {where})")
                continue
            first[record.id] = here
            if line:
                self.id_lines[(section, record.id)] = line
            records.append(record)
            if self.sink is not None:
                self.sink(section, record)
            if section == "links":
                self.link_files.append(here)

    def check_links(self, events: tuple[Event, ...], links: tuple[Link, ...]) -> None:
        dates = {e.id: e.date for e in events}
        for position, link in enumerate(links):
            if (
                link.status in vocab.CHECKED_STATUSES
                and link.kind in vocab.DIRECTED_KINDS
                and link.cause in dates
                and link.effect in dates
                and starts_certainly_after(dates[link.cause], dates[link.effect])
            ):
                cause, effect = dates[link.cause].edtf, dates[link.effect].edtf
                self.link_error(
                    links,
                    position,
                    f"link {link.id!r}: cause {link.cause!r} ({cause}) starts "
                    f"after its effect {link.effect!r} ({effect})",
                )
        directed = [
            i
            for i, link in enumerate(links)
            if link.kind in vocab.DIRECTED_KINDS and link.cause in dates and link.effect in dates
        ]
        edges = ((links[i].cause, links[i].effect) for i in directed)
        for cycle, first in find_cycles(edges):
            names = " -> ".join(cycle)
            self.link_error(links, directed[first], f"causal links form a cycle: {names}")

    def check_narratives(self, narratives: tuple[Narrative, ...], links: tuple[Link, ...]) -> None:
        """A narrative's id is not a lens name, and some link is asserted by its asserters."""
        asserters = {agent for link in links for agent in link.asserted_by}
        for narrative in narratives:
            self.file = self.files[self.first_file["narratives"][narrative.id]]
            if narrative.id in vocab.RESERVED_NARRATIVE_IDS:
                self.error(narrative.line, f"narrative id {narrative.id!r} is reserved")
            elif not asserters & set(narrative.asserted_by) and not self.unread:
                self.empty_narrative(narrative)

    def empty_narrative(self, narrative: Narrative) -> None:
        self.file = self.files[self.first_file["narratives"][narrative.id]]
        names = ", ".join(narrative.asserted_by)
        self.error(narrative.line, f"narrative {narrative.id!r}: no link is asserted by {names}")

    def link_error(self, links: tuple[Link, ...], position: int, message: str) -> None:
        self.file = self.files[self.link_files[position]]
        self.error(links[position].line, message)
