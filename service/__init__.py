"""Thin Flask adapters over :mod:`graph`. :func:`create_app` is the one place the app is built."""

from __future__ import annotations

import atexit
from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path
from typing import Any

from flask import Flask

from graph.pipeline import BuiltGraph, build_knowledge_graph
from graph.store import RemoteStore, generation_dir, is_generation_dir, remove_store_dir
from service import errors, hosts, security
from service.openapi import OPENAPI_CONFIG, ProblemApi
from service.runtime import state
from service.runtime.engine import QueryEngine
from service.runtime.follow import Follower
from service.runtime.polling import Pollers
from service.runtime.reload import Generations, Watcher, yaml_files_below
from service.settings import cache_dir, load_config
from service.views import analogies, analyses, api, meta, narratives, pages, search, sparql, stories
from service.views import window as timeline_window
from service.views.sparql_direct import install as answer_plain_queries_directly


class App(Flask):
    """The service's Flask app: Flask, with :meth:`ensure_sync` remembering the plain ``def``
    functions it has seen -- Flask asks about every hook and view on every request (nine
    times for a SPARQL query), a cost that shows beside a small query's answer."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plain: dict[Callable[..., Any], None] = {}  # (hooks and views: a few dozen)

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        try:
            if func in self._plain:
                return func
        except TypeError:  # unhashable: asked each time, as Flask does
            return super().ensure_sync(func)
        made = super().ensure_sync(func)
        if made is func and len(self._plain) < 1024:
            self._plain[func] = None
        return made


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: load and validate the events file, build the store, register routes.

    ``overrides`` replaces configuration values (see :mod:`service.settings`); invalid data
    raises :class:`graph.errors.ValidationError` here, before anything is served.
    """
    app = App(__name__)
    app.config.update(OPENAPI_CONFIG)
    app.config.update(load_config())
    app.config.update(overrides or {})
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.jinja_env.policies["json.dumps_kwargs"] = {"sort_keys": False}  # keep prefix order
    config = app.config
    follower = None
    if config["BACKEND"] == "sparql":  # a reader: it follows the store's catalog
        follower = Follower(
            partial(remote_store, config), config["FOLLOW_INTERVAL"], cache_dir(config)
        )
        app.extensions["ekg_follower"] = follower
    generations = Generations(
        follower.build if follower else partial(build_data, config),
        lambda built: QueryEngine(built, config),
        app.extensions,
        discard=discard_built,
        is_current=follower.is_current
        if follower
        else lambda built: built.is_current(config["DATA"]),
    )
    pollers = app.extensions["ekg_pollers"] = Pollers()  # (started on a first request)
    app.before_request(pollers.ensure_running)
    if follower is not None:
        follower.generations = generations
        pollers.append(follower)
    atexit.register(generations.close)
    app.extensions["ekg_generations"] = generations
    app.teardown_request(state.release)
    app.after_request(state.stamp_version)
    hosts.register_allowed_hosts(app)
    if config["WATCH_INTERVAL"] and follower is None:
        watcher = Watcher(
            generations, partial(data_files, config, generations), config["WATCH_INTERVAL"]
        )
        app.extensions["ekg_watcher"] = watcher
        pollers.append(watcher)
    errors.register_error_handlers(app)
    security.register_security_headers(app)
    security.register_cors(app)
    app.register_blueprint(meta.bp)
    app.register_blueprint(sparql.bp)
    app.register_blueprint(pages.bp)
    rest = ProblemApi(app)
    rest.register_blueprint(api.bp)
    rest.register_blueprint(analyses.bp)
    rest.register_blueprint(narratives.bp)
    rest.register_blueprint(stories.bp)
    rest.register_blueprint(analogies.bp)
    rest.register_blueprint(search.bp)
    rest.register_blueprint(timeline_window.bp)
    pages.resolve_event_iris(app, generations.current.built.dataset.info.base)
    answer_plain_queries_directly(app)
    return app


def build_data(config: Mapping[str, Any], generation: int = 1) -> BuiltGraph:
    """Validate the configured data files and load them into the configured store.

    The first generation uses the on-disk store directory as it is (reusing it when it holds
    the same data); later ones -- live reloads -- are built in a directory of their own
    beside it, as the one being served must not change under its readers. (A reader of a
    SPARQL store builds with :meth:`service.runtime.follow.Follower.build` instead.)
    """
    base = config.get("BASE_IRI")
    store_dir = config["STORE"]
    if store_dir is not None and generation > 1:
        return build_knowledge_graph(
            config["DATA"],
            store_dir=generation_dir(Path(store_dir), generation),
            reuse=False,
            base=base,
        )
    return build_knowledge_graph(
        config["DATA"], config["BACKEND"], store_dir, base=base, snapshot=config["STORE_SNAPSHOT"]
    )


def data_files(config: Mapping[str, Any], generations: Generations) -> list[Path]:
    """The files to watch: those the serving generation was read from (the events file and
    its includes) -- and, after a rejected version, every YAML file beside or below the
    events file, since the fix may be a file that did not exist yet (a new include)."""
    top = Path(config["DATA"])
    files = [top, *(top.parent / name for name in generations.current.built.files[1:])]
    if (last := generations.last_reload) is not None and last.outcome == "rejected":
        files += [path for path in yaml_files_below(top.parent) if path != top]
    return files


def discard_built(built: BuiltGraph) -> None:
    """Release a generation no longer served; remove its directory if it was a reload's."""
    path = built.store.capabilities.directory
    built.store.close()
    if path is not None and is_generation_dir(path):
        remove_store_dir(path)


def remote_store(config: Mapping[str, Any]) -> RemoteStore:
    """The remote SPARQL store the configuration names (backend ``sparql``)."""
    return RemoteStore(
        config["SPARQL_ENDPOINT"],
        update_endpoint=config["SPARQL_UPDATE_ENDPOINT"],
        store_endpoint=config["SPARQL_STORE_ENDPOINT"],
        timeout=config["SPARQL_TIMEOUT"],
        headers={"Authorization": auth} if (auth := config["SPARQL_AUTHORIZATION"]) else None,
    )
