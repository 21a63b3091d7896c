"""Thin Flask adapters over :mod:`graph`. :func:`create_app` is the one place the app is built."""

from __future__ import annotations

import atexit
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from graph.pipeline import BuiltGraph, build_knowledge_graph
from graph.store import Store, open_store
from service import analyses, api, errors, meta, pages, security, sparql, state
from service.config import load_config
from service.engine import QueryEngine
from service.openapi import OPENAPI_CONFIG, ProblemApi
from service.reload import Generations, Watcher


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: load and validate the events file, build the store, register routes.

    ``overrides`` replaces configuration values (see :mod:`service.config`); invalid data
    raises :class:`graph.errors.ValidationError` here, before anything is served.
    """
    app = Flask(__name__)
    app.config.update(OPENAPI_CONFIG)
    app.config.update(load_config())
    app.config.update(overrides or {})
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.jinja_env.policies["json.dumps_kwargs"] = {"sort_keys": False}  # keep prefix order
    config = app.config
    generations = Generations(
        lambda: build_data(config), lambda built: QueryEngine(built, config), app.extensions
    )
    atexit.register(generations.close)
    app.extensions["ekg_generations"] = generations
    app.teardown_request(state.release)
    if config["WATCH_INTERVAL"]:
        watcher = Watcher(generations, lambda: [Path(config["DATA"])], config["WATCH_INTERVAL"])
        app.extensions["ekg_watcher"] = watcher
        app.before_request(watcher.ensure_running)
    errors.register_error_handlers(app)
    security.register_security_headers(app)
    app.register_blueprint(meta.bp)
    app.register_blueprint(sparql.bp)
    app.register_blueprint(pages.bp)
    rest = ProblemApi(app)
    rest.register_blueprint(api.bp)
    rest.register_blueprint(analyses.bp)
    pages.resolve_event_iris(app, generations.current.built.dataset.info.base)
    return app


def build_data(config: Mapping[str, Any]) -> BuiltGraph:
    """Validate the configured data files and load them into the configured store."""
    store = remote_store(config) if config["BACKEND"] == "sparql" else None
    return build_knowledge_graph(config["DATA"], config["BACKEND"], config["STORE"], store=store)


def remote_store(config: Mapping[str, Any]) -> Store:
    """The remote SPARQL store the configuration names (backend ``sparql``)."""
    return open_store(
        "sparql",
        endpoint=config["SPARQL_ENDPOINT"],
        update_endpoint=config["SPARQL_UPDATE_ENDPOINT"],
        store_endpoint=config["SPARQL_STORE_ENDPOINT"],
        timeout=config["SPARQL_TIMEOUT"],
        headers={"Authorization": auth} if (auth := config["SPARQL_AUTHORIZATION"]) else None,
    )
