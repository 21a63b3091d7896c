#!/usr/bin/env python3
"""Synthetic datasets of any size in the project's own model, for benchmarks and tests.

Two outputs of the same seeded draw: :func:`generate_dataset` builds the frozen
:mod:`graph.data.model` records directly (no YAML, no validation pass: the fast path for
benchmarks), and :func:`write_events_yaml` streams the same data as an ``events.yaml`` file
in the format of ``docs/data-model.md``, which ``ekg validate`` accepts and
:func:`graph.data.events.load_dataset` reads back into an equal :class:`~graph.data.model.Dataset`.

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

Usage, from the repository root:

    python -m support.synthetic N OUT.yaml [--seed S] [--story-size K]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import sys
import time
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TextIO

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # also run as a file: python support/synthetic.py
    sys.path.insert(0, str(ROOT))

from graph.data.dates import EventDate, parse_date  # noqa: E402
from graph.data.model import (  # noqa: E402
    Actor,
    Concept,
    Dataset,
    DatasetInfo,
    Event,
    Link,
    Place,
    Quantity,
    Source,
)

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
class _Plan:
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


def _plan(n: int, seed: int) -> _Plan:
    rng = random.Random(seed)
    actors, places, publishers, source_publisher = _catalog(rng, n)
    stories = _stories(rng, max(1, n // 40), len(actors), len(places))
    drawn = []
    for _ in range(n):
        s = _skewed(rng, len(stories), 1.6)
        begin, edtf = _draw_date(rng, rng.randint(stories[s].first, stories[s].last))
        drawn.append((begin, s, edtf))
    drawn.sort(key=lambda item: item[0])  # stable: equal days keep the order of the draw
    plan = _Plan(
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


def _draw_event(rng: random.Random, plan: _Plan, story: _Story) -> None:
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


# -- rendering: the same plan as records or as YAML --------------------------------------------


@dataclass(frozen=True)
class _EventText:
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


def _event_text(plan: _Plan, p: int) -> _EventText:
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
    return _EventText(
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


def _source(plan: _Plan, k: int) -> Source:
    publisher = plan.publishers[plan.source_publisher[k]]
    return Source(f"https://news.example.org/article/{k}", f"{publisher} report {k}", publisher)


def _info(plan: _Plan) -> DatasetInfo:
    return DatasetInfo(
        id=f"synthetic-{plan.n}",
        title=f"Synthetic dataset of {plan.n} events (seed {plan.seed})",
        base=BASE,
        description="Generated by support/synthetic.py for benchmarks; not real events.",
        license=LICENSE,
    )


def generate_dataset(n: int, seed: int = 42) -> Dataset:
    """A synthetic dataset of ``n`` events as frozen :mod:`graph.data.model` records.

    The same data as :func:`write_events_yaml` writes for the same ``n`` and ``seed``.

    >>> ds = generate_dataset(200)
    >>> len(ds.events), ds.events[0].id, ds == generate_dataset(200)
    (200, 'ev-0', True)
    """
    plan = _plan(n, seed)
    dates: dict[str, EventDate] = {}
    sources: dict[int, tuple[Source]] = {}
    events = []
    for p, edtf in enumerate(plan.dates):
        text = _event_text(plan, p)
        date = dates.get(edtf) or dates.setdefault(edtf, parse_date(edtf))
        cited = sources.get(text.source) or sources.setdefault(
            text.source, (_source(plan, text.source),)
        )
        figures = tuple(Quantity(kind, Decimal(v), unit) for kind, v, unit in text.figures)
        events.append(
            Event(
                text.id, text.label, text.type, date, text.lane, cited, text.description,
                text.tags, text.place, text.actors, None, figures,
            )
        )  # fmt: skip
    confidences = {c: Decimal(repr(c / 100)) for c in range(30, 101)}
    links = tuple(
        Link(
            f"lk-{i}", f"ev-{cause}", f"ev-{effect}", KINDS[kind], confidences[conf],
            STATUSES[status], events[effect].sources,
        )
        for i, (cause, effect, kind, conf, status) in enumerate(plan.links)
    )  # fmt: skip
    return Dataset(
        info=_info(plan),
        lanes=tuple(Concept(i, label) for i, label in LANES),
        event_types=tuple(Concept(i, label) for i, label in EVENT_TYPES),
        quantity_kinds=tuple(Concept(i, label) for i, label, _, _ in QUANTITY_KINDS),
        actors=tuple(Actor(i, label, kind) for i, label, kind in plan.actors),
        places=tuple(Place(i, label) for i, label in plan.places),
        publications=(),
        events=tuple(events),
        links=links,
        claims=(),
    )


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON's escaping is valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _yaml_head(plan: _Plan) -> Iterator[str]:
    info = _info(plan)
    yield f"# {info.title}: generated by support/synthetic.py, not real events.\n"
    yield (
        f"dataset:\n  id: {info.id}\n  title: {_q(info.title)}\n"
        f"  description: {_q(info.description or '')}\n  license: {info.license}\n"
        f"  base: {info.base}\n"
    )
    for section, rows in (
        ("lanes", LANES),
        ("event_types", EVENT_TYPES),
        ("quantity_kinds", [(k[0], k[1]) for k in QUANTITY_KINDS]),
        ("places", plan.places),
    ):
        yield f"{section}:\n" + "".join(
            f"  - {{id: {i}, label: {_q(label)}}}\n" for i, label in rows
        )
    yield "actors:\n" + "".join(
        f"  - {{id: {i}, label: {_q(label)}, kind: {kind}}}\n" for i, label, kind in plan.actors
    )
    yield "publications: []\nclaims: []\n"


def _yaml_event(plan: _Plan, p: int, cited: bytearray) -> str:
    text = _event_text(plan, p)
    lines = [
        f"  - id: {text.id}\n    label: {_q(text.label)}\n    type: {text.type}\n",
        f"    date: {plan.dates[p]}\n    lane: {text.lane}\n",
    ]
    if text.tags:
        lines.append(f"    tags: [{', '.join(text.tags)}]\n")
    if text.place is not None:
        lines.append(f"    place: {text.place}\n")
    lines.append(f"    actors: [{', '.join(text.actors)}]\n")
    if text.description is not None:
        lines.append(f"    description: {_q(text.description)}\n")
    if text.figures:
        lines.append("    quantities:\n")
        lines += [f"      - {{kind: {k}, value: {v}, unit: {u}}}\n" for k, v, u in text.figures]
    source = _source(plan, text.source)
    if cited[text.source]:
        lines.append(f"    sources: [{source.url}]\n")
    else:
        cited[text.source] = 1  # written in full once, by bare URL afterwards
        lines.append(
            f"    sources:\n      - url: {source.url}\n        title: {_q(source.title)}\n"
            f"        publisher: {_q(source.publisher)}\n"
        )
    return "".join(lines)


def _yaml_link(plan: _Plan, i: int) -> str:
    cause, effect, kind, conf, status = plan.links[i]
    return (
        f"  - id: lk-{i}\n    cause: ev-{cause}\n    effect: ev-{effect}\n"
        f"    kind: {KINDS[kind]}\n    confidence: {conf / 100!r}\n"
        f"    status: {STATUSES[status]}\n"
        f"    sources: [https://news.example.org/article/{plan.sources_of[effect]}]\n"
    )


def write_events_yaml(
    n: int, path: str | Path, seed: int = 42, story_size: int | None = None
) -> dict[str, int]:
    """Write the dataset of :func:`generate_dataset` (same ``n``, ``seed``) as events.yaml.

    With ``story_size``, the events and links go to story files of ``story_size`` events
    each (``stories/part-0000.yaml``, ... beside ``path``; each with the links whose effect
    it holds), which the main file names under ``include``. The text is streamed in chunks;
    only the compact draw is held in memory. Returns counts (events, links, files, bytes).
    """
    plan = _plan(n, seed)
    cited = bytearray(len(plan.source_publisher))
    path = Path(path)
    parts = range(0, n, story_size) if story_size else range(0)
    names = [f"stories/part-{k // story_size:04d}.yaml" for k in parts]  # type: ignore[operator]
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        out.writelines(_yaml_head(plan))
        if names:
            out.write("include:\n" + "".join(f"  - {name}\n" for name in names))
            size = out.tell()
        else:
            _write_records(out, plan, range(n), range(len(plan.links)), cited)
            size = out.tell()
    effects = [link[1] for link in plan.links]
    for name, first in zip(names, parts, strict=True):
        last = min(n, first + story_size)  # type: ignore[operator]
        links = range(bisect_left(effects, first), bisect_left(effects, last))
        (path.parent / name).parent.mkdir(parents=True, exist_ok=True)
        with open(path.parent / name, "w", encoding="utf-8", newline="\n") as out:
            out.write(f"# Events {first} .. {last - 1} of {_info(plan).title}\n")
            _write_records(out, plan, range(first, last), links, cited)
            size += out.tell()
    return {"events": n, "links": len(plan.links), "files": 1 + len(names), "bytes": size}


def _write_records(out: TextIO, plan: _Plan, events: range, links: range, cited: bytearray) -> None:
    _write_chunked(out, "events", (_yaml_event(plan, p, cited) for p in events))
    _write_chunked(out, "links", (_yaml_link(plan, i) for i in links))


def _write_chunked(out: TextIO, section: str, records: Iterator[str], chunk: int = 5000) -> None:
    out.write(f"{section}:\n")
    buffer: list[str] = []
    for record in records:
        buffer.append(record)
        if len(buffer) >= chunk:
            out.write("".join(buffer))
            buffer.clear()
    out.write("".join(buffer))


def summarize(dataset: Dataset) -> dict[str, float]:
    """Counts that characterise a dataset: links per event, precision mix, largest storyline."""
    n = len(dataset.events)
    precision = [e.date.begin_precision for e in dataset.events]
    causes = Counter(link.effect for link in dataset.links)
    return {
        "events": n,
        "links": len(dataset.links),
        "links_per_event": round(len(dataset.links) / max(n, 1), 3),
        "actors": len(dataset.actors),
        "places": len(dataset.places),
        "day_share": round(precision.count("day") / max(n, 1), 3),
        "month_share": round(precision.count("month") / max(n, 1), 3),
        "year_share": round(precision.count("year") / max(n, 1), 3),
        "events_without_cause": n - len(causes),
        "most_causes": max(causes.values(), default=0),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of events")
    parser.add_argument("out", type=Path, help="events.yaml to write")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--story-size", type=int, default=None, help="events per included story file"
    )
    args = parser.parse_args()
    started = time.perf_counter()
    counts = write_events_yaml(args.n, args.out, args.seed, args.story_size)
    counts["seconds"] = round(time.perf_counter() - started, 2)  # type: ignore[assignment]
    print(json.dumps(counts), file=sys.stderr)


if __name__ == "__main__":
    main()
