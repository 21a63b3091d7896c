"""The ``ekg`` commands over the causal graph: chain, causes, effects, what-if, narratives.

Like the HTTP API, they follow a lens (``--lens``): by default ``evidence``, the links stated as
facts (supported and qualified, the library's default); ``all``; or a narrative's links,
whatever their status. ``--status`` narrows the lens (given alone, it narrows ``all``). They
print text or (``--format json``) the analysis result.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import networkx as nx

from graph import vocab
from graph.causal import (
    analyze_causes,
    analyze_effects,
    apply_lens,
    build_causal_graph,
    find_causal_chains,
    statuses_outside_lens,
    what_if,
)
from graph.data import Dataset, load_dataset
from service.cli.options import (
    DATA_OPTION,
    FORMAT_OPTION,
    LIMIT_OPTION,
    MAX_DEPTH_OPTION,
    domain_errors,
)


def _analysis_graph(
    data: Path, lens: str | None, statuses: tuple[str, ...]
) -> tuple[Dataset, nx.DiGraph, frozenset[str]]:
    """The dataset, the causal graph to analyse under ``lens`` and the statuses to follow (no
    store: the analyses need no SPARQL), as :func:`graph.causal.apply_lens` gives them."""
    problem = statuses_outside_lens(lens, statuses)
    if problem is not None:
        raise click.UsageError(f"{problem}: use --lens all or a narrative")
    dataset = load_dataset(data)
    view = apply_lens(build_causal_graph(dataset), dataset, lens, statuses or None)
    return dataset, view.graph, view.statuses


LENS_OPTION = click.option(
    "--lens",
    default=None,
    help="Whose account to follow: evidence (the default: supported and qualified links), all, "
    "or a narrative id (see `ekg narratives`).",
)
STATUS_OPTION = click.option(
    "--status",
    "statuses",
    type=click.Choice(list(vocab.LINK_STATUSES)),
    multiple=True,
    help="Follow only links of this status, within the lens (repeatable; given without "
    "--lens, the lens is all).",
)


def _reach_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options of the commands that follow links from events (causes, effects, what-if):
    ``--data``, ``--lens``, ``--status``, ``--max-depth``, ``--limit``, ``--format``, with
    domain errors reported."""
    for decorate in (
        domain_errors,
        FORMAT_OPTION,
        LIMIT_OPTION,
        MAX_DEPTH_OPTION,
        STATUS_OPTION,
        LENS_OPTION,
        DATA_OPTION,
    ):
        command = decorate(command)
    return command


def _emit(result: Any, fmt: str, text: Callable[[Any], list[str]]) -> None:
    if fmt == "json":
        click.echo(json.dumps(dataclasses.asdict(result), ensure_ascii=False, indent=2))
    else:
        for line in text(result):
            click.echo(line)


@click.command()
@click.argument("source")
@click.argument("target")
@DATA_OPTION
@click.option("--max-depth", type=click.IntRange(1, 12), default=6, show_default=True)
@click.option("--limit", type=click.IntRange(1, 100), default=10, show_default=True)
@LENS_OPTION
@STATUS_OPTION
@click.option("--supported-only", is_flag=True, help="Follow only supported links.")
@FORMAT_OPTION
@domain_errors
def chain(
    source: str,
    target: str,
    data: Path,
    max_depth: int,
    limit: int,
    lens: str | None,
    statuses: tuple[str, ...],
    supported_only: bool,
    fmt: str,
) -> None:
    """Causal chains from SOURCE to TARGET, shortest first, with their strength."""
    if supported_only:
        if statuses:
            raise click.UsageError("--supported-only is --status supported: give one of them")
        statuses, lens = ("supported",), lens or "evidence"
    dataset, graph, kept = _analysis_graph(data, lens, statuses)
    found = find_causal_chains(
        graph, source, target, max_depth=max_depth, limit=limit, statuses=kept
    )
    if fmt == "json":
        click.echo(json.dumps([dataclasses.asdict(c) for c in found], indent=2))
        return
    if not found:
        click.echo(f"no causal chain from {source} to {target} within {max_depth} links")
    for number, found_chain in enumerate(found, start=1):
        click.echo(
            f"{number}. strength {found_chain.strength:.3f}, weakest link "
            f"{found_chain.weakest_link} ({found_chain.weakest_confidence})"
        )
        for event in found_chain.events:
            click.echo(f"   {event}: {dataset.event(event).label}")


@click.command()
@click.argument("event")
@_reach_options
def causes(
    event: str,
    data: Path,
    lens: str | None,
    statuses: tuple[str, ...],
    max_depth: int | None,
    limit: int,
    fmt: str,
) -> None:
    """Everything that directly or indirectly caused EVENT, and its root causes."""
    _, graph, kept = _analysis_graph(data, lens, statuses)
    result = analyze_causes(graph, event, max_depth=max_depth, limit=limit, statuses=kept)
    _emit(
        result,
        fmt,
        lambda r: [
            *(f"{reach.depth}  {reach.event}" for reach in r.ancestors),
            f"root causes: {', '.join(r.roots) or 'none'}",
        ],
    )


@click.command()
@click.argument("event")
@_reach_options
def effects(
    event: str,
    data: Path,
    lens: str | None,
    statuses: tuple[str, ...],
    max_depth: int | None,
    limit: int,
    fmt: str,
) -> None:
    """Everything EVENT directly or indirectly led to."""
    _, graph, kept = _analysis_graph(data, lens, statuses)
    result = analyze_effects(graph, event, max_depth=max_depth, limit=limit, statuses=kept)
    _emit(result, fmt, lambda r: [f"{reach.depth}  {reach.event}" for reach in r.descendants])


@click.command(name="what-if")
@click.argument("events", nargs=-1, required=True)
@_reach_options
def what_if_command(
    events: tuple[str, ...],
    data: Path,
    lens: str | None,
    statuses: tuple[str, ...],
    max_depth: int | None,
    limit: int,
    fmt: str,
) -> None:
    """Effects that lose every causal path from a root cause if EVENTS had not happened."""
    _, graph, kept = _analysis_graph(data, lens, statuses)
    result = what_if(graph, events, max_depth=max_depth, limit=limit, statuses=kept)
    _emit(
        result,
        fmt,
        lambda r: [
            *(f"loses all support  {reach.event}" for reach in r.orphaned),
            *(f"still supported    {reach.event}" for reach in r.still_supported),
        ],
    )


@click.command(name="narratives")
@DATA_OPTION
@FORMAT_OPTION
@domain_errors
def narratives_command(data: Path, fmt: str) -> None:
    """Each narrative (account): who asserts it and its links counted by status."""
    dataset = load_dataset(data)
    rows: list[dict[str, Any]] = []
    for narrative in dataset.narratives:
        links = dataset.narrative_links(narrative.id)
        counts = {s: sum(link.status == s for link in links) for s in vocab.LINK_STATUSES}
        rows.append({"id": narrative.id, "label": narrative.label, "links": counts})
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("no narratives: the lenses are evidence and all")
    for row in rows:
        tally = ", ".join(f"{n} {status}" for status, n in row["links"].items() if n)
        click.echo(f"{row['id']}  {row['label']}  ({tally})")


#: The commands of this module, for :data:`service.cli.main.main` to add.
COMMANDS = (chain, causes, effects, what_if_command, narratives_command)
