"""Thin Flask adapters over :mod:`graph`. :func:`create_app` is the one place the app is built."""

from __future__ import annotations

import atexit
from collections.abc import Mapping
from typing import Any

from flask import Flask

from graph.pipeline import build_knowledge_graph
from service import errors, meta, security, sparql
from service.config import load_config
from service.engine import QueryEngine


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: load and validate the events file, build the store, register routes.

    ``overrides`` replaces configuration values (see :mod:`service.config`); invalid data
    raises :class:`graph.errors.ValidationError` here, before anything is served.
    """
    app = Flask(__name__)
    app.config.update(load_config())
    app.config.update(overrides or {})
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.jinja_env.policies["json.dumps_kwargs"] = {"sort_keys": False}  # keep prefix order
    built = build_knowledge_graph(app.config["DATA"], app.config["BACKEND"], app.config["STORE"])
    engine = QueryEngine(built, app.config)
    atexit.register(engine.close)
    app.extensions["ekg"] = built
    app.extensions["ekg_engine"] = engine
    errors.register_error_handlers(app)
    security.register_security_headers(app)
    app.register_blueprint(meta.bp)
    app.register_blueprint(sparql.bp)
    return app
