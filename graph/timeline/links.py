"""The causal links of a dataset as a filtered, keyset-paged list (``/api/links``).

Unlike the analyses of :mod:`graph.causal`, which follow only the links stated as facts unless
told otherwise, a list of links shows every status unless asked: it is where contested and
unsupported links, and who asserts them, can be seen.

>>> from pathlib import Path
>>> from graph.data.loader import load_dataset
>>> ds = load_dataset(Path(__file__).parents[2] / "tests" / "data" / "tiny.yaml")
>>> page = select_links(ds, statuses=["supported"], limit=1)
>>> len(page.links), page.count >= 1
(1, True)
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from graph.data import Dataset, Link
from graph.timeline.pagetoken import pack_token, unpack_token
from graph.timeline.records import Labels, link_facts, source_record

#: The most links one page holds.
MAX_LINKS = 1000

_TOKEN_VERSION = "l1"


@dataclass(frozen=True)
class LinkPage:
    """One page of the selected links (in id order), how many were selected, the next token."""

    links: list[Link]
    count: int
    next: str | None


def select_links(
    dataset: Dataset,
    *,
    statuses: Collection[str] = (),
    kinds: Collection[str] = (),
    asserters: Collection[str] = (),
    narratives: Collection[str] = (),
    stories: Collection[str] = (),
    events: Collection[str] = (),
    limit: int = MAX_LINKS,
    after: str | None = None,
) -> LinkPage:
    """The links matching every given filter (an empty one does not filter; within one, any
    value matches): ``statuses``, ``kinds``, ``asserters`` (ids in ``asserted_by``),
    ``narratives`` (the accounts the link belongs to), ``stories`` (the story whose file holds
    the link) and ``events`` (its cause or effect).
    In id order, ``limit`` at a time from the page token ``after`` (the ``next`` of the
    previous page); a token this function did not make raises :class:`PageTokenError`. A
    token whose link is gone still works: ids are ordered.
    """
    if not 1 <= limit <= MAX_LINKS:
        raise ValueError(f"limit must be between 1 and {MAX_LINKS}, not {limit}")
    wanted_status, wanted_kind = set(statuses), set(kinds)
    wanted_asserter, wanted_event = set(asserters), set(events)
    wanted_narrative = set(narratives)
    in_stories = {i for s in dataset.stories if s.id in set(stories) for i in s.links}
    selected = sorted(
        (
            link
            for link in dataset.links
            if (not wanted_status or link.status in wanted_status)
            and (not wanted_kind or link.kind in wanted_kind)
            and (not wanted_asserter or wanted_asserter.intersection(link.asserted_by))
            and (
                not wanted_narrative
                or wanted_narrative.intersection(dataset.narratives_of(link.id))
            )
            and (not wanted_event or link.cause in wanted_event or link.effect in wanted_event)
            and (not stories or link.id in in_stories)
        ),
        key=lambda link: link.id,
    )
    start = (
        0
        if after is None
        else bisect_right(selected, unpack_token(after, _TOKEN_VERSION), key=lambda x: x.id)
    )
    page = selected[start : start + limit]
    more = start + limit < len(selected)
    return LinkPage(page, len(selected), pack_token(_TOKEN_VERSION, page[-1].id) if more else None)


def link_resource(link: Link, labels: Labels, narratives: Collection[str] = ()) -> dict[str, Any]:
    """A link on its own: its id, both events with their labels, what it says (the fields of
    the event resource's links), who asserts it (publications or actors), the ``narratives``
    it belongs to, its sources, the sources against it (``disputed_by``) and its ref."""
    return {
        "id": link.id,
        "cause": {"id": link.cause, "label": labels.events.get(link.cause, link.cause)},
        "effect": {"id": link.effect, "label": labels.events.get(link.effect, link.effect)},
        **link_facts(link),
        "asserted_by": [asserter_record(agent, labels) for agent in link.asserted_by],
        "narratives": list(narratives),
        "sources": [source_record(source) for source in link.sources],
        "disputed_by": [source_record(source) for source in link.disputed_by],
        "ref": link.ref,
    }


def asserter_record(agent: str, labels: Labels) -> dict[str, str]:
    """Who asserts a link or a narrative: a publication (titled) or an actor (labelled)."""
    if agent in labels.publications:
        return {"id": agent, "label": labels.publications[agent], "type": "publication"}
    return {"id": agent, "label": labels.actors.get(agent, agent), "type": "actor"}
