"""The ``ekg`` commands over the causal graph: chain, causes, effects, what-if.

They follow the links stated as facts (supported and qualified, the library's default), as
the HTTP API does by default, and print text or (``--format json``) the analysis result.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import networkx as nx

from graph.causal import (
    analyze_causes,
    analyze_effects,
    build_causal_graph,
    find_causal_chains,
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


def _analysis_graph(data: Path) -> tuple[Dataset, nx.DiGraph]:
    """The dataset and its causal graph (no store: the analyses need no SPARQL). Commands
    follow the links stated as facts, supported and qualified, as the library and the HTTP
    API do by default."""
    dataset = load_dataset(data)
    return dataset, build_causal_graph(dataset)


def _reach_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options of the commands that follow links from events (causes, effects, what-if):
    ``--data``, ``--max-depth``, ``--limit``, ``--format``, with domain errors reported."""
    for decorate in (domain_errors, FORMAT_OPTION, LIMIT_OPTION, MAX_DEPTH_OPTION, DATA_OPTION):
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
@click.option("--supported-only", is_flag=True, help="Follow only supported links.")
@FORMAT_OPTION
@domain_errors
def chain(
    source: str, target: str, data: Path, max_depth: int, limit: int, supported_only: bool, fmt: str
) -> None:
    """Causal chains from SOURCE to TARGET, shortest first, with their strength."""
    dataset, graph = _analysis_graph(data)
    statuses = {"supported"} if supported_only else None  # None: supported and qualified
    found = find_causal_chains(
        graph, source, target, max_depth=max_depth, limit=limit, statuses=statuses
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
def causes(event: str, data: Path, max_depth: int | None, limit: int, fmt: str) -> None:
    """Everything that directly or indirectly caused EVENT, and its root causes."""
    _, graph = _analysis_graph(data)
    result = analyze_causes(graph, event, max_depth=max_depth, limit=limit)
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
def effects(event: str, data: Path, max_depth: int | None, limit: int, fmt: str) -> None:
    """Everything EVENT directly or indirectly led to."""
    _, graph = _analysis_graph(data)
    result = analyze_effects(graph, event, max_depth=max_depth, limit=limit)
    _emit(result, fmt, lambda r: [f"{reach.depth}  {reach.event}" for reach in r.descendants])


@click.command(name="what-if")
@click.argument("events", nargs=-1, required=True)
@_reach_options
def what_if_command(
    events: tuple[str, ...], data: Path, max_depth: int | None, limit: int, fmt: str
) -> None:
    """Effects that lose every causal path from a root cause if EVENTS had not happened."""
    _, graph = _analysis_graph(data)
    result = what_if(graph, events, max_depth=max_depth, limit=limit)
    _emit(
        result,
        fmt,
        lambda r: [
            *(f"loses all support  {reach.event}" for reach in r.orphaned),
            *(f"still supported    {reach.event}" for reach in r.still_supported),
        ],
    )


#: The commands of this module, for :data:`service.cli.main.main` to add.
COMMANDS = (chain, causes, effects, what_if_command)
