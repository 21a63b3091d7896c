"""The ``ekg`` commands for curators: ``list`` (find an event's id) and ``stories``."""

from __future__ import annotations

import json
from pathlib import Path

import click

from graph.data import find_story, load_dataset
from graph.timeline import story_record
from service.cli.options import DATA_OPTION, FORMAT_OPTION, domain_errors


@click.command(name="list")
@click.argument("query", required=False, default="")
@DATA_OPTION
@click.option("--story", default=None, help="Only the events of this story (see `ekg stories`).")
@FORMAT_OPTION
@domain_errors
def list_command(query: str, data: Path, story: str | None, fmt: str) -> None:
    """List the events: id, date as written, label.

    QUERY keeps the events whose id or label contains it, case-insensitively."""
    dataset = load_dataset(data)
    within = None if story is None else set(find_story(dataset, story).events)
    wanted = query.casefold()
    rows = [
        {"id": event.id, "date": event.date.edtf, "label": event.label}
        for event in dataset.events
        if (wanted in event.id or wanted in event.label.casefold())
        and (within is None or event.id in within)
    ]
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo(f"no event matches {query!r}" if query else "no events", err=True)
        return
    id_width = max(len(row["id"]) for row in rows)
    date_width = max(len(row["date"]) for row in rows)
    for row in rows:
        click.echo(f"{row['id']:<{id_width}}  {row['date']:<{date_width}}  {row['label']}")


@click.command(name="stories")
@DATA_OPTION
@FORMAT_OPTION
@domain_errors
def stories_command(data: Path, fmt: str) -> None:
    """List the stories: id, title, counts of events and links, the span of their dates.

    ``--format json`` gives each story as ``/api/stories`` does."""
    dataset = load_dataset(data)
    records = [story_record(dataset, story) for story in dataset.stories]
    if fmt == "json":
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))
        return
    if not records:
        click.echo("no stories: no data file has a story: header", err=True)
    for record in records:
        counts, span = record["counts"], record["span"]
        dates = f", {span['start']} to {span['end']}" if span else ""
        click.echo(
            f"{record['id']}  {record['title']}  ({counts['events']} events, "
            f"{counts['links']} links{dates})"
        )


#: The commands of this module, for :data:`service.cli.main.main` to add.
COMMANDS = (list_command, stories_command)
