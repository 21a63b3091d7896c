"""Options and error handling shared by the ``ekg`` commands (:mod:`service.cli.main`)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click

from graph.errors import EkgError, ValidationError
from graph.store import BACKENDS

DATA_OPTION = click.option(
    "--data",
    "data",
    type=click.Path(dir_okay=False, path_type=Path),
    default="events.yaml",
    envvar="EKG_DATA",
    show_default=True,
    help="The events file.",
)
STORE_OPTION = click.option(
    "--store",
    "store_dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="EKG_STORE",
    help="Keep the oxigraph store on disk in this directory (written atomically).",
)
BACKEND_OPTION = click.option(
    "--backend", type=click.Choice(BACKENDS), default="oxigraph", show_default=True
)


def domain_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn domain errors into ``Error: ...`` on stderr and exit status 1."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except ValidationError as exc:
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            click.echo(f"Error: {exc.detail}", err=True)
            sys.exit(1)
        except EkgError as exc:
            click.echo(f"Error: {exc.detail}", err=True)
            sys.exit(1)

    return wrapper


FORMAT_OPTION = click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
MAX_DEPTH_OPTION = click.option(
    "--max-depth", type=click.IntRange(1, 100), default=None, help="Follow at most this many links."
)
LIMIT_OPTION = click.option(
    "--limit", type=click.IntRange(1, 10_000), default=1000, show_default=True
)
