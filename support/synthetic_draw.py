"""The seeded draw behind :mod:`support.synthetic`: every random choice, made once, in order.

:func:`draw_plan` makes every draw for ``n`` events and ``seed`` into a compact :class:`Plan`
(indexes and short strings in arrays, not records); :func:`event_text`, :func:`pooled_source` and
:func:`dataset_info` turn the plan into the text both renderings share, so the records of
:func:`support.synthetic.generate_dataset` and the YAML of
:func:`support.synthetic_yaml.write_events_yaml` hold the same data. The order of the draws is
the dataset: changing it changes every dataset generated for a given seed.

Shape (deterministic for a given ``n`` and ``seed``):

* Events belong to *storylines* (about n/40, sizes heavily skewed). A storyline has a time span
  inside 1990-01-01 .. 2020-12-31 (median about eight months), a lane, a dominant event type,
  a small pool of actors drawn by popularity (a few actors take part in very many events) and
  one or two places. Events are numbered in date order (``ev-0`` is the earliest).
* Dates are EDTF at day / month / year precision in a 60 / 25 / 15 % mix; half the day events
  are intervals of a few days, a few are approximate (``~``).
* 6 lanes, 20 event types, about n/20 actors, n/50 places, a pool of n/2 news articles from 50
  publishers; each event cites one article, each link its effect's article.
* Causal links form a DAG consistent with time: a cause always *begins* strictly before its
  effect (so no link can fail validation's time-order or cycle checks). About 1.5 causes per
  event, mostly recent events of the same storyline; about 2 % reach any event of the
  preceding three years, which joins storylines into one web. Kinds are mostly ``causes`` and
  ``contributes_to``, confidence 0.30 .. 1.00, status mostly supported or qualified with a few
  contested.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from array import array
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from graph.data.model import DatasetInfo, Source

BASE = "http://example.org/ekg/id/"
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
FIRST_DAY = dt.date(1990, 1, 1).toordinal()
LAST_DAY = dt.date(2020, 12, 31).toordinal()


def _concepts(*labels: str) -> tuple[tuple[str, str], ...]:
    """(id, label) pairs; the id is the label in kebab case."""
    return tuple((label.lower().replace(" ", "-"), label) for label in labels)


LANES = _concepts("Oil", "Monetary policy", "Sanctions", "Markets", "Politics", "History")
EVENT_TYPES = _concepts(
    "Protest", "Election", "Armed conflict", "Flood", "Earthquake", "Epidemic",
    "Trade agreement", "Summit", "Sanction", "Strike", "Coup", "Referendum", "Economic crisis",
    "Bankruptcy", "Merger", "Key-rate decision", "Currency move", "Oil market", "Policy change",
    "Treaty",
)  # fmt: skip
# (id, label, unit, typical magnitude)
QUANTITY_KINDS = (
    ("participants", "Participants", "person", 5000),
    ("fatalities", "Fatalities", "person", 20),
    ("economic-loss", "Economic loss", "usd-million", 300),
    ("key-rate", "Key rate", "percent", 8),
    ("exchange-rate", "Exchange rate", "rub-per-usd", 60),
    ("oil-price", "Oil price", "usd-per-barrel", 70),
)
SYLLABLES = (
    "ka", "lo", "mi", "ra", "ven", "tor", "sel", "dan", "bri", "gor", "hal", "nes",
    "pra", "quin", "ros", "tam", "ul", "vor", "wy", "zel", "ar", "bel", "cor", "dru",
    "fen", "gil", "jas", "kem", "lin", "mor", "nob", "ost", "pel", "rud", "sab", "tov",
)  # fmt: skip
ORG_SUFFIXES = ("Party", "Union", "Ministry", "Bank", "Group", "Council", "Front", "Holdings")
PLACE_SUFFIXES = ("", " City", "burg", " Bay", "grad", " Heights")
# Weighted draws: value i is drawn with probability CUTS[i] - CUTS[i - 1] (see _pick).
CAUSE_COUNT_CUTS = (0.14, 0.45, 0.72, 0.88)  # 0 .. 4 causes drawn, 1.8 on average
KINDS = ("causes", "contributes_to", "enables", "prevents", "correlates_with", "similar_to")
KIND_CUTS = (0.55, 0.85, 0.93, 0.95, 0.98)
STATUSES = ("supported", "qualified", "contested")
#: Statuses whose links name an asserter and the sources against them.
DISPUTED_STATUSES = frozenset({"contested", "unsupported"})


def link_asserter(plan: Plan, i: int) -> str:
    """The actor who asserts link ``i`` (disputed links name one)."""
    return str(plan.actors[i % len(plan.actors)][0])


STATUS_CUTS = (0.62, 0.95)
FIGURE_COUNT_CUTS = (0.6, 0.9)  # 0, 1 or 2 quantities per event
CROSS_STORY = 0.02  # share of causes drawn from any event of the preceding three years


@dataclass(frozen=True)
class _Story:
    first: int  # day ordinals
    last: int
    lane: int
    type: int
    actors: tuple[int, ...]
    places: tuple[int, ...]


@dataclass
class Plan:
    """Every random draw, in compact form; both outputs are rendered from it alone."""

    n: int
    seed: int
    actors: list[tuple[str, str, str]]  # id, label, kind
    places: list[tuple[str, str]]  # id, label
    publishers: list[str]
    source_publisher: array  # publisher of each pooled article
    dates: list[str]  # per event (date order): EDTF text
    stories: array
    types: array
    lanes: array
    places_of: array  # place index, -1 for none
    sources_of: array
    actors_of: list[tuple[int, ...]]
    extras: list[tuple[bool, bool, tuple[tuple[int, int], ...]]]  # tag, description, figures
    links: list[tuple[int, int, int, int, int]]  # cause, effect, kind, confidence %, status


def _pick(rng: random.Random, cuts: tuple[float, ...]) -> int:
    """Index ``i`` with probability ``cuts[i] - cuts[i - 1]`` (the last takes the rest)."""
    return bisect_right(cuts, rng.random())


def _skewed(rng: random.Random, k: int, power: float) -> int:
    """An index in ``0 .. k-1``; low indexes are much more likely (popularity)."""
    return min(k - 1, int(k * rng.random() ** power))


def _name(rng: random.Random, syllables: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(syllables)).capitalize()


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _catalog(rng: random.Random, n: int) -> tuple[list, list, list, array]:
    actors = []
    for a in range(max(5, n // 20)):
        draw = rng.random()
        if draw < 0.3:
            label, kind = f"{_name(rng, 2)} {_name(rng, 3)}", "person"
        elif draw < 0.4:
            label, kind = f"Republic of {_name(rng, 3)}", "country"
        elif draw < 0.9:
            label, kind = f"{_name(rng, 2)} {rng.choice(ORG_SUFFIXES)}", "organization"
        else:
            label, kind = f"{_name(rng, 2)} Movement", "group"
        actors.append((f"{_slug(label)}-{a}", label, kind))
    places = []
    for p in range(max(3, n // 50)):
        label = _name(rng, 2) + rng.choice(PLACE_SUFFIXES)
        places.append((f"{_slug(label)}-{p}", label))
    publishers = [
        f"{_name(rng, 2)} {rng.choice(('News', 'Times', 'Post', 'Wire'))}" for _ in "x" * 50
    ]
    source_publisher = array("B", (_skewed(rng, 50, 1.8) for _ in range(max(2, n // 2))))
    return actors, places, publishers, source_publisher


def _stories(rng: random.Random, count: int, actors: int, places: int) -> list[_Story]:
    stories = []
    for _ in range(count):
        first = rng.randint(FIRST_DAY, LAST_DAY - 1)
        span = min(2500, int(rng.lognormvariate(5.4, 1.0)))
        pool = dict.fromkeys(_skewed(rng, actors, 2.2) for _ in range(rng.randint(2, 6)))
        stories.append(
            _Story(
                first=first,
                last=min(LAST_DAY, first + span),
                lane=_skewed(rng, len(LANES), 1.3),
                type=rng.randrange(len(EVENT_TYPES)),
                actors=tuple(pool),
                places=tuple(rng.randrange(places) for _ in range(rng.randint(1, 2))),
            )
        )
    return stories


def _draw_date(rng: random.Random, ordinal: int) -> tuple[int, str]:
    """(ordinal of the first possible day, EDTF text) of an event around day ``ordinal``."""
    day = dt.date.fromordinal(ordinal)
    draw = rng.random()
    if draw < 0.60:
        if rng.random() < 0.5:
            last = min(LAST_DAY, ordinal + 1 + int(rng.expovariate(1 / 6)))
            if last > ordinal:
                return ordinal, f"{day.isoformat()}/{dt.date.fromordinal(last).isoformat()}"
        return ordinal, day.isoformat() + ("~" if rng.random() < 0.03 else "")
    if draw < 0.85:
        first = day.replace(day=1)
        return first.toordinal(), first.isoformat()[:7]
    return dt.date(day.year, 1, 1).toordinal(), str(day.year)


def _links(
    rng: random.Random, begins: list[int], stories: array, count: int
) -> list[tuple[int, int, int, int, int]]:
    members: list[list[int]] = [[] for _ in range(count)]
    for p, s in enumerate(stories):
        members[s].append(p)  # positions ascend, so each storyline is in date order
    links = []
    for story in members:
        story_begins = [begins[p] for p in story]
        for i, effect in enumerate(story):
            prior = bisect_left(story_begins, begins[effect], 0, i)  # strictly earlier
            chosen: set[int] = set()
            for _ in range(_pick(rng, CAUSE_COUNT_CUTS)):
                if prior and rng.random() >= CROSS_STORY:  # a recent event of the storyline
                    cause = story[prior - min(prior, 1 + int(rng.expovariate(1 / 2.5)))]
                elif not prior and rng.random() < 0.5:
                    continue  # the first events of a storyline are mostly its roots
                else:  # any event of the preceding three years
                    high = bisect_left(begins, begins[effect])
                    low = bisect_left(begins, begins[effect] - 3 * 365)
                    if high <= low:
                        continue
                    cause = rng.randrange(low, high)
                if cause not in chosen:
                    chosen.add(cause)
                    confidence = 30 + min(70, int(71 * rng.betavariate(2.2, 1.3)))
                    links.append(
                        (cause, effect, _pick(rng, KIND_CUTS), confidence, _pick(rng, STATUS_CUTS))
                    )
    links.sort(key=lambda link: (link[1], link[0]))
    return links


def draw_plan(n: int, seed: int) -> Plan:
    rng = random.Random(seed)
    actors, places, publishers, source_publisher = _catalog(rng, n)
    stories = _stories(rng, max(1, n // 40), len(actors), len(places))
    drawn = []
    for _ in range(n):
        s = _skewed(rng, len(stories), 1.6)
        begin, edtf = _draw_date(rng, rng.randint(stories[s].first, stories[s].last))
        drawn.append((begin, s, edtf))
    drawn.sort(key=lambda item: item[0])  # stable: equal days keep the order of the draw
    plan = Plan(
        n=n,
        seed=seed,
        actors=actors,
        places=places,
        publishers=publishers,
        source_publisher=source_publisher,
        dates=[d[2] for d in drawn],
        stories=array("i", (d[1] for d in drawn)),
        types=array("B"),
        lanes=array("B"),
        places_of=array("i"),
        sources_of=array("i"),
        actors_of=[],
        extras=[],
        links=[],
    )
    for s in plan.stories:
        _draw_event(rng, plan, stories[s])
    plan.links = _links(rng, [d[0] for d in drawn], plan.stories, len(stories))
    return plan


def _draw_event(rng: random.Random, plan: Plan, story: _Story) -> None:
    plan.types.append(story.type if rng.random() < 0.7 else rng.randrange(len(EVENT_TYPES)))
    plan.lanes.append(story.lane if rng.random() < 0.85 else rng.randrange(len(LANES)))
    plan.places_of.append(rng.choice(story.places) if rng.random() < 0.95 else -1)
    plan.sources_of.append(rng.randrange(len(plan.source_publisher)))
    chosen = [
        rng.choice(story.actors) if rng.random() < 0.8 else _skewed(rng, len(plan.actors), 2.2)
        for _ in range(rng.choice((1, 1, 2, 2, 3)))
    ]
    plan.actors_of.append(tuple(dict.fromkeys(chosen)))
    figures = tuple(
        (k, max(1, int(QUANTITY_KINDS[k][3] * rng.lognormvariate(0, 0.8))))
        for k in (rng.randrange(len(QUANTITY_KINDS)) for _ in range(_pick(rng, FIGURE_COUNT_CUTS)))
    )
    plan.extras.append((rng.random() < 0.5, rng.random() < 0.25, figures))


# -- the plan as text, shared by the records and the YAML -------------------------------------


@dataclass(frozen=True)
class EventText:
    """The text fields of event ``p``, shared by both renderings."""

    id: str
    label: str
    type: str
    lane: str
    place: str | None
    actors: tuple[str, ...]
    tags: tuple[str, ...]
    description: str | None
    source: int  # pooled article
    figures: tuple[tuple[str, int, str], ...]  # kind, value, unit


def event_text(plan: Plan, p: int) -> EventText:
    kind = EVENT_TYPES[plan.types[p]][1]
    actors = plan.actors_of[p]
    place = plan.places_of[p]
    where = f" in {plan.places[place][1]}" if place >= 0 else ""
    tag, described, figures = plan.extras[p]
    source = plan.sources_of[p]
    description = (
        f"{kind} reported by {plan.publishers[plan.source_publisher[source]]}; "
        f"storyline {plan.stories[p]}, lane {LANES[plan.lanes[p]][1].lower()}."
    )
    return EventText(
        id=f"ev-{p}",
        label=f"{kind}{where} involving {plan.actors[actors[0]][1]}",
        type=EVENT_TYPES[plan.types[p]][0],
        lane=LANES[plan.lanes[p]][0],
        place=plan.places[place][0] if place >= 0 else None,
        actors=tuple(plan.actors[a][0] for a in actors),
        tags=(f"story-{plan.stories[p]}",) if tag else (),
        description=description if described else None,
        source=source,
        figures=tuple((QUANTITY_KINDS[k][0], v, QUANTITY_KINDS[k][2]) for k, v in figures),
    )


def pooled_source(plan: Plan, k: int) -> Source:
    publisher = plan.publishers[plan.source_publisher[k]]
    return Source(f"https://news.example.org/article/{k}", f"{publisher} report {k}", publisher)


def dataset_info(plan: Plan) -> DatasetInfo:
    return DatasetInfo(
        id=f"synthetic-{plan.n}",
        title=f"Synthetic dataset of {plan.n} events (seed {plan.seed})",
        base=BASE,
        description="Generated by support/synthetic.py for benchmarks; not real events.",
        license=LICENSE,
    )
