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
from service.settings import Setting, setting, split_list


def setting_option(name: str, *param_decls: str, **overrides: Any) -> Callable[..., Any]:
    """The click option of setting ``name`` (:data:`service.settings.SETTINGS`): its flag,
    type, default, environment variable and help as declared there. ``param_decls`` adds
    e.g. the parameter's name in Python; ``overrides`` replaces click arguments."""
    declared = setting(name)
    if declared.flag is None:
        raise ValueError(f"the {name} setting has no flag")
    arguments: dict[str, Any] = {
        "type": click_type(declared),
        "default": declared.default,
        "envvar": declared.env,
        "show_default": declared.default is not None,
        "show_envvar": True,
        "help": declared.help,
    }
    if declared.multiple:  # repeated, or several in the variable
        arguments |= {"multiple": True, "show_default": False, "callback": _split_items}
    if declared.type is bool:  # --flag / --no-flag
        flags = f"{declared.flag}/--no-{declared.flag.removeprefix('--')}"
        return click.option(flags, *param_decls, **(arguments | {"is_flag": True} | overrides))
    return click.option(declared.flag, *param_decls, **(arguments | overrides))


def _split_items(_context: Any, _parameter: Any, values: tuple[str, ...]) -> tuple[str, ...]:
    """A ``multiple`` option's values, each of them split on commas as the variable's are."""
    return tuple(item for value in values for item in split_list(value))


def click_type(declared: Setting) -> click.ParamType:
    """The click type that accepts the values the setting does."""
    if declared.type is bool:
        return click.BOOL
    if declared.type is int:
        return click.IntRange(0 if declared.allow_zero else 1, declared.maximum)
    if declared.type is float:
        return click.FloatRange(0, declared.maximum, min_open=not declared.allow_zero)
    if declared.type is Path:
        return click.Path(
            file_okay=not declared.directory, dir_okay=declared.directory, path_type=Path
        )
    if declared.choices:
        return click.Choice(declared.choices)
    return click.STRING


DATA_OPTION = setting_option("DATA")
STORE_OPTION = setting_option("STORE", "store_dir")
#: Commands other than ``serve`` build the graph in an embedded store.
BACKEND_OPTION = setting_option("BACKEND", type=click.Choice(BACKENDS))


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
