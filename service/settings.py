"""Service settings, each declared once in :data:`SETTINGS`: its name, type, default,
environment variable (``EKG_<NAME>``), ``ekg`` flag and help text.

Three readers share the table: :func:`load_config` (what :func:`service.create_app` starts
from), the click options of the ``ekg`` commands (:func:`service.cli.options.setting_option`)
and the settings table in README.md (:mod:`service.settings_readme`; a test keeps it current).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.store.base import BACKENDS
from graph.store.guard import MAX_OPERATORS


@dataclass(frozen=True)
class Setting:
    """One setting. ``type`` is ``str``, ``bool`` (an on/off flag), ``int``, ``float`` or
    ``Path`` (a file, or a
    directory with ``directory``); numbers must be greater than 0, or 0 with ``allow_zero``,
    and at most ``maximum``; ``choices`` lists the values a string may take; a ``multiple``
    string setting holds a tuple of them (the variable separates them with commas or spaces,
    the flag is repeated). ``flag`` is the ``ekg`` option that sets it (``None``: the
    environment only)."""

    name: str
    type: type
    default: Any
    help: str
    flag: str | None = None
    choices: tuple[str, ...] = ()
    allow_zero: bool = False
    maximum: int | None = None
    directory: bool = False
    multiple: bool = False

    @property
    def env(self) -> str:
        """The environment variable: ``EKG_`` and the name."""
        return f"EKG_{self.name}"

    def parse(self, value: str) -> Any:
        """The setting's value from the text of its environment variable; ``ValueError``
        for a value it cannot take."""
        if self.type is bool:
            word = value.strip().lower()
            if word in _TRUE or word in _FALSE:
                return word in _TRUE
            raise ValueError(f"{self.env} must be true or false, got {value!r}")
        if self.type in (int, float):
            try:
                number = self.type(value)
            except ValueError:
                raise ValueError(f"{self.env} must be a number, got {value!r}") from None
            if not (number > 0 or (number == 0 and self.allow_zero)):
                raise ValueError(f"{self.env} must be greater than 0, got {value!r}")
            if self.maximum is not None and number > self.maximum:
                raise ValueError(f"{self.env} must be at most {self.maximum}, got {value!r}")
            return number
        if self.multiple:
            return split_list(value)
        if self.choices and value not in self.choices:
            raise ValueError(f"{self.env} must be one of {', '.join(self.choices)}, got {value!r}")
        return value


def split_list(value: str) -> tuple[str, ...]:
    """The items of a ``multiple`` setting's text: separated by commas or white space."""
    return tuple(item for item in re.split(r"[\s,]+", value) if item)


#: The words an on/off variable may hold (click's, so flag and variable agree).
_TRUE = frozenset({"1", "true", "t", "yes", "y", "on"})
_FALSE = frozenset({"0", "false", "f", "no", "n", "off"})

SETTINGS: tuple[Setting, ...] = (
    Setting("DATA", Path, "events.yaml", "The events file.", "--data"),
    Setting(
        "BASE_IRI",
        str,
        None,
        "The IRI prefix of every resource built (events are BASE_IRI + event/<id>); unset: the "
        "dataset.base of the events file. An http(s) IRI ending in / or #.",
        "--base-iri",
    ),
    Setting(
        "BACKEND",
        str,
        "oxigraph",
        "The store: oxigraph (embedded), rdflib (in memory), or sparql (the SPARQL server "
        "at --sparql-endpoint; ekg serve only).",
        "--backend",
        choices=(*BACKENDS, "sparql"),
    ),
    Setting(
        "STORE",
        Path,
        None,
        "Keep the oxigraph store on disk in this directory (written atomically); unset: in memory.",
        "--store",
        directory=True,
    ),
    Setting(
        "STORE_SNAPSHOT",
        bool,
        True,
        "Start from the snapshot ekg build saves in the --store directory (the validated data, "
        "the causal graph, the index) when the data files' bytes are unchanged; false: read and "
        "validate the data files again.",
    ),
    Setting(
        "HOST",
        str,
        "127.0.0.1",
        "The address ekg serve listens on and ekg reload sends to (for 0.0.0.0 or ::, loopback).",
        "--host",
    ),
    Setting(
        "PORT",
        int,
        8080,
        "The port ekg serve listens on (0: any free port) and ekg reload sends to.",
        "--port",
        allow_zero=True,
        maximum=65535,
    ),
    Setting(
        "ALLOWED_HOSTS",
        str,
        (),
        "Host names the service answers for besides the loopback names (localhost, 127.0.0.1, "
        "[::1]) and --host; a request for any other Host gets 400, so a DNS-rebinding page "
        "cannot drive it. Any port; .example.org also allows its subdomains; * allows every "
        "name. Set the public name a proxy passes on.",
        "--allowed-host",
        multiple=True,
    ),
    Setting(
        "SERVER",
        str,
        "waitress",
        "WSGI server: waitress (threads) or gunicorn (worker processes).",
        "--server",
        choices=("waitress", "gunicorn"),
    ),
    Setting(
        "THREADS",
        int,
        8,
        "Threads that serve requests (in each gunicorn worker).",
        "--threads",
        maximum=256,
    ),
    Setting(
        "WORKERS",
        int,
        1,
        "gunicorn worker processes (each runs its own SPARQL queries).",
        "--workers",
        maximum=64,
    ),
    Setting(
        "WATCH_INTERVAL",
        float,
        2.0,
        "Seconds between checks of the data files for changes; 0 turns watching off.",
        "--watch-interval",
        allow_zero=True,
    ),
    Setting(
        "VERSION_POLL",
        float,
        30.0,
        "Seconds between a page's checks of /-/status for a new data version (and on window "
        "focus); 0: only on focus.",
        None,
        allow_zero=True,
        maximum=86400,
    ),
    Setting(
        "RELOAD_TOKEN",
        str,
        None,
        "A bearer token for POST /-/reload: the service then requires it, from loopback too; "
        "ekg reload sends it.",
        "--token",
    ),
    Setting(
        "URL",
        str,
        None,
        "The URL of the running service for ekg reload; unset: http://HOST:PORT.",
        "--url",
    ),
    Setting(
        "SPARQL_ENDPOINT",
        str,
        None,
        "A SPARQL server (query endpoint URL): ekg publish writes versions of the data to it, "
        "and ekg serve reads the current one from it instead of the data files (a reader, "
        "backend sparql).",
        "--sparql-endpoint",
    ),
    Setting(
        "SPARQL_UPDATE_ENDPOINT",
        str,
        None,
        "Its SPARQL Update endpoint (unset: the query endpoint).",
        "--sparql-update-endpoint",
    ),
    Setting(
        "SPARQL_STORE_ENDPOINT",
        str,
        None,
        "Its Graph Store Protocol endpoint, for bulk loads (unset: INSERT DATA).",
        "--sparql-store-endpoint",
    ),
    Setting(
        "FOLLOW_INTERVAL",
        float,
        5.0,
        "A reader of a SPARQL store (ekg serve --sparql-endpoint): seconds between checks of "
        "the store's catalog for a newly published version; 0: only on ekg reload.",
        "--follow-interval",
        allow_zero=True,
        maximum=86400,
    ),
    Setting(
        "CACHE_DIR",
        Path,
        None,
        "Where a reader keeps the data files of each published version it serves (a folder "
        "per store and version, shared safely by processes); unset: $XDG_CACHE_HOME/ekg, or "
        "~/.cache/ekg.",
        "--cache-dir",
        directory=True,
    ),
    Setting(
        "RETENTION",
        float,
        900.0,
        "ekg publish: seconds (of the store's clock) a replaced version stays in the SPARQL "
        "store for readers still on it (the version just replaced always stays until the "
        "next publish).",
        "--retention",
        allow_zero=True,
    ),
    Setting(
        "PUBLISH_TIMEOUT",
        float,
        300.0,
        "ekg publish: seconds each request to the SPARQL store may take (an upload of a big "
        "graph, a DROP) before the publish fails; readers use SPARQL_TIMEOUT.",
        "--timeout",
    ),
    Setting(
        "SPARQL_AUTHORIZATION",
        str,
        None,
        "The Authorization header value for it (Basic ..., Bearer ...); kept out of command lines.",
    ),
    Setting(
        "SPARQL_TIMEOUT",
        float,
        10.0,
        "Seconds a SPARQL query may run before its worker is killed (504).",
    ),
    Setting(
        "SPARQL_WORKERS",
        int,
        2,
        "SPARQL query worker processes (on a SPARQL server: queries at once).",
    ),
    Setting(
        "SPARQL_ISOLATION",
        str,
        "auto",
        "Where SPARQL queries run. auto: in the gunicorn worker itself, which answers 504 "
        "at SPARQL_TIMEOUT and is then replaced (under waitress: as pool); pool: always in "
        "SPARQL_WORKERS query processes per serving process.",
        choices=("auto", "pool"),
    ),
    Setting(
        "SPARQL_WAIT",
        float,
        5.0,
        "Seconds a request waits for an idle query worker before a 503.",
    ),
    Setting(
        "SPARQL_MAX_ROWS",
        int,
        10_000,
        "Rows (or triples) in one SPARQL answer; more are cut (X-SPARQL-Truncated).",
    ),
    Setting("SPARQL_MAX_BYTES", int, 10_000_000, "Bytes in one SPARQL answer."),
    Setting("SPARQL_MAX_QUERY_LENGTH", int, 100_000, "Characters in one SPARQL query."),
    Setting("SPARQL_MAX_NESTING", int, 64, "Bracket depth in one SPARQL query."),
    Setting(
        "SPARQL_MAX_OPERATORS",
        int,
        MAX_OPERATORS,
        "Keywords and operators in one SPARQL query (the engine recurses once per each; "
        "about 2,500 in a row end a process).",
    ),
    Setting(
        "SPARQL_CACHE_BYTES",
        int,
        32_000_000,
        "Bytes of SPARQL answers kept per data version; 0 turns the answer cache off.",
        allow_zero=True,
    ),
    Setting(
        "CORS",
        bool,
        False,
        "Let pages on other origins read the service: GET/HEAD of /api, /sparql, /schema and "
        "/openapi.json answer `Access-Control-Allow-Origin: *` (no credentials), OPTIONS answers "
        "the preflight. Off by default, as in Datasette.",
        "--cors",
    ),
    Setting(
        "MAX_CONTENT_LENGTH",
        int,
        1_000_000,
        "Bytes in a request body (413 beyond).",
    ),
)

#: The settings by name.
BY_NAME: dict[str, Setting] = {each.name: each for each in SETTINGS}

#: Every setting's default.
DEFAULTS: dict[str, Any] = {each.name: each.default for each in SETTINGS}


def cache_dir(config: Mapping[str, Any]) -> Path:
    """Where a reader caches published versions: ``CACHE_DIR``, else the user's cache dir."""
    if config.get("CACHE_DIR"):
        return Path(config["CACHE_DIR"])
    root = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(root) / "ekg"


def setting(name: str) -> Setting:
    """The setting called ``name`` (``KeyError`` if there is none)."""
    return BY_NAME[name]


def load_config(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Every setting: its default, or the value of its ``EKG_<NAME>`` variable in
    ``environ`` (an empty variable counts as unset, as it does for the ``ekg`` flags);
    ``ValueError`` names the first variable with a value its setting cannot take."""
    environ = os.environ if environ is None else environ
    config = dict(DEFAULTS)
    for each in SETTINGS:
        value = environ.get(each.env)
        if value:
            config[each.name] = each.parse(value)
    return config
