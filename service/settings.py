"""Service settings: defaults, overridden by ``EKG_``-prefixed environment variables.

``EKG_DATA`` (events file), ``EKG_BACKEND`` (``oxigraph``, ``rdflib`` or ``sparql``),
``EKG_STORE`` (an on-disk oxigraph store directory; empty for in memory), for the ``sparql``
backend ``EKG_SPARQL_ENDPOINT`` (query URL), ``EKG_SPARQL_UPDATE_ENDPOINT`` and
``EKG_SPARQL_STORE_ENDPOINT`` (Graph Store Protocol) and ``EKG_SPARQL_AUTHORIZATION`` (an
``Authorization`` header value, kept out of command lines), and the SPARQL limits below, e.g.
``EKG_SPARQL_TIMEOUT=30``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

DEFAULTS: dict[str, Any] = {
    "DATA": "events.yaml",
    "BACKEND": "oxigraph",
    "STORE": None,
    "SPARQL_ENDPOINT": None,  # a remote SPARQL server's query endpoint (backend "sparql")
    "SPARQL_UPDATE_ENDPOINT": None,
    "SPARQL_STORE_ENDPOINT": None,
    "SPARQL_AUTHORIZATION": None,  # an Authorization header value for it (Basic ..., Bearer ...)
    "SPARQL_TIMEOUT": 10.0,  # seconds a query may run before its worker is killed
    "SPARQL_WORKERS": 2,  # query worker processes
    "SPARQL_WAIT": 5.0,  # seconds a request waits for an idle worker before a 503
    "SPARQL_MAX_ROWS": 10_000,  # rows (or triples) in one answer
    "SPARQL_MAX_BYTES": 10_000_000,  # bytes in one answer
    "SPARQL_MAX_QUERY_LENGTH": 100_000,  # characters in one query
    "SPARQL_MAX_NESTING": 64,  # bracket depth in one query
    "SPARQL_CACHE_BYTES": 32_000_000,  # answers kept per data version (0: no answer cache)
    "MAX_CONTENT_LENGTH": 1_000_000,  # bytes in a request body (Flask answers 413 beyond)
    "WATCH_INTERVAL": 0.0,  # seconds between checks of the data files for changes (0: off)
    "RELOAD_TOKEN": None,  # a bearer token that may POST /-/reload from beyond loopback
}


#: Settings for which 0 turns a feature off.
_ZERO_MEANS_OFF = frozenset({"WATCH_INTERVAL", "SPARQL_CACHE_BYTES"})


def load_config(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Defaults updated with every ``EKG_<NAME>`` variable found in ``environ``."""
    environ = os.environ if environ is None else environ
    config = dict(DEFAULTS)
    for name, default in DEFAULTS.items():
        value = environ.get(f"EKG_{name}")
        if value is None:
            continue
        if isinstance(default, int | float):
            try:
                number = type(default)(value)
            except ValueError:
                raise ValueError(f"EKG_{name} must be a number, got {value!r}") from None
            if not (number > 0 or (number == 0 and name in _ZERO_MEANS_OFF)):
                raise ValueError(f"EKG_{name} must be greater than 0, got {value!r}")
            config[name] = number
        else:
            config[name] = value or None
    return config
