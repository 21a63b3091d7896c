"""The curated dataset as frozen dataclasses, produced by :func:`graph.data.loader.load_dataset`.

Every record keeps ``line``, the line of its YAML mapping, so later checks and messages can
point back at the file. ``line`` takes no part in equality.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from decimal import Decimal

from graph.data.dates import EventDate


@dataclass(frozen=True)
class Source:
    """A document that supports a record."""

    url: str
    title: str
    publisher: str
    via: str | None = None
    date: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Concept:
    """An entry of a small controlled list: lane, event type or quantity kind (a lane may
    have a display ``colour``, ``#rrggbb``)."""

    id: str
    label: str
    description: str | None = None
    colour: str | None = None


@dataclass(frozen=True)
class Actor:
    """A person, organization, country or group taking part in events."""

    id: str
    label: str
    kind: str
    description: str | None = None


@dataclass(frozen=True)
class Place:
    """Where events happen; ``country`` names another place."""

    id: str
    label: str
    country: str | None = None


@dataclass(frozen=True)
class Publication:
    """A publication whose statements are recorded as claims (e.g. the seed article)."""

    id: str
    title: str
    date: EventDate
    author: str | None = None
    description: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Quantity:
    """A measured or reported figure attached to an event."""

    kind: str
    value: Decimal
    unit: str
    previous: Decimal | None = None
    low: Decimal | None = None
    high: Decimal | None = None
    according_to: str | None = None
    observed: EventDate | None = None
    note: str | None = None


@dataclass(frozen=True)
class Event:
    """Something that happened, with its date, lane, participants, figures and sources."""

    id: str
    label: str
    type: str
    date: EventDate
    lane: str
    sources: tuple[Source, ...]
    description: str | None = None
    tags: tuple[str, ...] = ()
    place: str | None = None
    actors: tuple[str, ...] = ()
    part_of: str | None = None
    quantities: tuple[Quantity, ...] = ()
    line: int = field(default=0, compare=False)
    stage: str | None = None  # the stage (``stages``) this event is its story's instance of


@dataclass(frozen=True)
class Link:
    """A sourced, qualified relation from a cause event to an effect event."""

    id: str
    cause: str
    effect: str
    kind: str
    confidence: Decimal
    status: str
    sources: tuple[Source, ...]
    asserted_by: tuple[str, ...] = ()
    ref: str | None = None
    note: str | None = None
    disputed_by: tuple[Source, ...] = ()
    line: int = field(default=0, compare=False)
    aspect: str | None = None  # similar_to only: the stage (``stages``) the analogy is about


@dataclass(frozen=True)
class Narrative:
    """An account of what caused what: the links its ``asserted_by`` agents assert.

    A link belongs to the account when one of its own ``asserted_by`` ids is one of the
    account's, whatever the link's status: the seed article's account holds the links the
    article asserts, supported or not. A narrative in a story's file (``story``) is that
    story's account: only the story's links belong to it.
    """

    id: str
    label: str
    asserted_by: tuple[str, ...]
    description: str | None = None
    sources: tuple[Source, ...] = ()
    story: str | None = None
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Claim:
    """A statement made in a publication, with a verdict and the evidence for it."""

    id: str
    text: str
    verdict: str
    stated_in: str
    sources: tuple[Source, ...] = ()
    about: tuple[str, ...] = ()
    asserts_links: tuple[str, ...] = ()
    evidence: str | None = None
    ref: str | None = None
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Step:
    """One of a story's guided steps: a title, a short text and the events it points at."""

    title: str
    text: str
    events: tuple[str, ...] = ()


@dataclass(frozen=True)
class Preset:
    """A named window of a story's timeline (``start`` and ``end`` as ISO dates)."""

    label: str
    start: str
    end: str


@dataclass(frozen=True)
class Story:
    """A story: the header of one data file (``story:``) and the records that file holds.

    ``events``, ``links`` and ``claims`` are the ids of the records read from the story's file
    (and from files it includes that have no story header of their own). What a page needs to
    show the story is here: its intro, guided ``steps``, ``lanes`` in display order, the
    default ``window``, zoom ``presets``, an ``example_chain`` and the IANA ``time_zone`` of
    its local times.
    """

    id: str
    title: str
    time_zone: str
    intro: str | None = None
    window: Preset | None = None
    presets: tuple[Preset, ...] = ()
    lanes: tuple[str, ...] = ()
    steps: tuple[Step, ...] = ()
    example_chain: tuple[str, str] | None = None
    events: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    claims: tuple[str, ...] = ()
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class DatasetInfo:
    """Dataset-level metadata; ``base`` is the IRI prefix of every resource built."""

    id: str
    title: str
    base: str
    description: str | None = None
    license: str | None = None


@dataclass(frozen=True)
class Dataset:
    """A whole, valid dataset. Build one with :func:`graph.data.loader.load_dataset`."""

    info: DatasetInfo
    lanes: tuple[Concept, ...]
    event_types: tuple[Concept, ...]
    quantity_kinds: tuple[Concept, ...]
    actors: tuple[Actor, ...]
    places: tuple[Place, ...]
    publications: tuple[Publication, ...]
    events: tuple[Event, ...]
    links: tuple[Link, ...]
    claims: tuple[Claim, ...]
    narratives: tuple[Narrative, ...] = ()
    stories: tuple[Story, ...] = ()
    stages: tuple[Concept, ...] = ()

    @functools.cached_property
    def _events_by_id(self) -> dict[str, Event]:
        return {event.id: event for event in self.events}

    def event(self, event_id: str) -> Event:
        """The event with ``event_id``; ``KeyError`` if there is none."""
        return self._events_by_id[event_id]

    @functools.cached_property
    def _story_of_event(self) -> dict[str, str]:
        return {event: story.id for story in self.stories for event in story.events}

    def story(self, story_id: str) -> Story:
        """The story with ``story_id``; ``KeyError`` if there is none."""
        for story in self.stories:
            if story.id == story_id:
                return story
        raise KeyError(story_id)

    def story_of(self, event_id: str) -> str | None:
        """The id of the story event ``event_id`` belongs to (None: no story)."""
        return self._story_of_event.get(event_id)

    @functools.cached_property
    def _narrative_links(self) -> dict[str, tuple[Link, ...]]:
        stories = {story.id: frozenset(story.links) for story in self.stories}
        return {
            n.id: tuple(
                link
                for link in self.links
                if set(link.asserted_by) & set(n.asserted_by)
                and (n.story not in stories or link.id in stories[n.story])
            )
            for n in self.narratives
        }

    def narrative(self, narrative_id: str) -> Narrative:
        """The narrative with ``narrative_id``; ``KeyError`` if there is none."""
        for narrative in self.narratives:
            if narrative.id == narrative_id:
                return narrative
        raise KeyError(narrative_id)

    @functools.cached_property
    def _link_narratives(self) -> dict[str, tuple[str, ...]]:
        found: dict[str, list[str]] = {}
        for narrative_id, links in self._narrative_links.items():
            for link in links:
                found.setdefault(link.id, []).append(narrative_id)
        return {link_id: tuple(ids) for link_id, ids in found.items()}

    def narratives_of(self, link_id: str) -> tuple[str, ...]:
        """The ids of the narratives link ``link_id`` belongs to, in file order (may be none)."""
        return self._link_narratives.get(link_id, ())

    def narrative_links(self, narrative_id: str) -> tuple[Link, ...]:
        """The links of the narrative ``narrative_id`` (see :class:`Narrative`), in file
        order; ``KeyError`` if there is no such narrative."""
        return self._narrative_links[narrative_id]
