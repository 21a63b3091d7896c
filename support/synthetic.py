#!/usr/bin/env python3
"""Synthetic datasets of any size in the project's own model, for benchmarks and tests.

Two outputs of the same seeded draw: :func:`generate_dataset` builds the frozen
:mod:`graph.data.model` records directly (no YAML, no validation pass: the fast path for
benchmarks), and :func:`write_events_yaml` streams the same data as an ``events.yaml`` file
in the format of ``docs/data-model.md``, which ``ekg validate`` accepts and
:func:`graph.data.loader.load_dataset` reads back into an equal :class:`~graph.data.model.Dataset`.

The data is deterministic for a given ``n`` and ``seed``: events in storylines, EDTF dates at
day, month and year precision, causal links that form a DAG consistent with time. This module
is the public face (both outputs, :func:`summarize` and the command line); the parts are

* :mod:`support.synthetic_draw` -- the draw itself (storylines, dates, links; the shape of the
  data is described there) and the text both outputs share;
* :mod:`support.synthetic_yaml` -- the ``events.yaml`` writer (:func:`write_events_yaml`).

Usage, from the repository root:

    python -m support.synthetic N OUT.yaml [--seed S] [--story-size K]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # also run as a file: python support/synthetic.py
    sys.path.insert(0, str(ROOT))

from graph.data.dates import EventDate, parse_date  # noqa: E402
from graph.data.model import (  # noqa: E402
    Actor,
    Concept,
    Dataset,
    Event,
    Link,
    Place,
    Quantity,
    Source,
)
from support.synthetic_draw import (  # noqa: E402
    DISPUTED_STATUSES,
    EVENT_TYPES,
    KINDS,
    LANES,
    QUANTITY_KINDS,
    STATUSES,
    dataset_info,
    draw_plan,
    event_text,
    link_asserter,
    pooled_source,
)
from support.synthetic_yaml import write_events_yaml  # noqa: E402

__all__ = ["generate_dataset", "summarize", "write_events_yaml"]


def generate_dataset(n: int, seed: int = 42) -> Dataset:
    """A synthetic dataset of ``n`` events as frozen :mod:`graph.data.model` records.

    The same data as :func:`write_events_yaml` writes for the same ``n`` and ``seed``.

    >>> ds = generate_dataset(200)
    >>> len(ds.events), ds.events[0].id, ds == generate_dataset(200)
    (200, 'ev-0', True)
    """
    plan = draw_plan(n, seed)
    dates: dict[str, EventDate] = {}
    sources: dict[int, tuple[Source]] = {}
    events = []
    for p, edtf in enumerate(plan.dates):
        text = event_text(plan, p)
        date = dates.get(edtf) or dates.setdefault(edtf, parse_date(edtf))
        cited = sources.get(text.source) or sources.setdefault(
            text.source, (pooled_source(plan, text.source),)
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
            *(
                ((link_asserter(plan, i),), None, None, events[effect].sources)
                if STATUSES[status] in DISPUTED_STATUSES else ()
            ),
        )
        for i, (cause, effect, kind, conf, status) in enumerate(plan.links)
    )  # fmt: skip
    return Dataset(
        info=dataset_info(plan),
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
