"""Service settings: defaults, overridden by ``EKG_``-prefixed environment variables.

``EKG_DATA`` (events file), ``EKG_BACKEND`` (``oxigraph`` or ``rdflib``), ``EKG_STORE`` (an
on-disk oxigraph store directory; empty for in memory).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

DEFAULTS: dict[str, Any] = {
    "DATA": "events.yaml",
    "BACKEND": "oxigraph",
    "STORE": None,
}


def load_config(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Defaults updated with every ``EKG_<NAME>`` variable found in ``environ``."""
    environ = os.environ if environ is None else environ
    config = dict(DEFAULTS)
    for name in DEFAULTS:
        value = environ.get(f"EKG_{name}")
        if value is not None:
            config[name] = value or None
    return config
