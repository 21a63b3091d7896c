"""Shared fixtures: data files, datasets and their timeline indexes, a small causal graph, a
store per backend, the Flask app (and the one helper that checks problem answers), the browser;
and the ``browser`` and ``remote`` markers.

Markers are set here, by what a test uses, so they need no decorator: ``browser`` on every test
that drives Chromium (the ``browser`` fixture), ``remote`` on every test that needs a real
SPARQL server started by :mod:`support.servers` (a parameter naming one of :data:`LAUNCHERS`).
``pytest -m "not browser and not remote"`` runs the rest alone.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Iterator
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, settings
from rdflib import Graph, Literal
from rdflib.namespace import XSD

from graph.causal.graph import Chain, build_graph_from_links
from graph.data.loader import load_dataset
from graph.data.model import Dataset
from graph.rdf.build import decimal_literal, iter_statements, iter_triples
from graph.store.backends.remote import RemoteStore
from graph.store.base import BACKENDS, Store, open_store
from graph.timeline.paging import EventIndex
from support.servers import SparqlServer, oxigraph_server, virtuoso_server

# Hypothesis: `ci` (the default) draws the same examples on every run, so CI turns red only
# for a change; `HYPOTHESIS_PROFILE=fuzz make test` draws new ones, many more of them.
_HYPOTHESIS = {"deadline": None, "database": None, "suppress_health_check": list(HealthCheck)}
settings.register_profile("ci", max_examples=150, derandomize=True, **_HYPOTHESIS)
settings.register_profile("fuzz", max_examples=3000, **_HYPOTHESIS)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def tiny_path() -> Path:
    return DATA / "tiny.yaml"


@pytest.fixture(scope="session")
def events_path() -> Path:
    return ROOT / "events.yaml"


@pytest.fixture(scope="session")
def tiny(tiny_path: Path) -> Dataset:
    return load_dataset(tiny_path)


@pytest.fixture(scope="session")
def real(events_path: Path) -> Dataset:
    return load_dataset(events_path)


@pytest.fixture(scope="session")
def tiny_index(tiny: Dataset) -> EventIndex:
    """The timeline index of tiny.yaml (read only: queries never change an index)."""
    return EventIndex.from_dataset(tiny)


@pytest.fixture(scope="session")
def real_index(real: Dataset) -> EventIndex:
    """The timeline index of the curated events.yaml (read only, as :func:`tiny_index`)."""
    return EventIndex.from_dataset(real)


@pytest.fixture
def data(tmp_path: Path, tiny_path: Path) -> Path:
    """A copy of tiny.yaml that a test may edit (to reload it, for instance)."""
    path = tmp_path / "events.yaml"
    shutil.copy(tiny_path, path)
    return path


# -- causal graphs --------------------------------------------------------------------------------


def chain(*events: str, strength: float, weakest: str, confidence: float) -> Chain:
    """A Chain of a graph from build_graph_from_links (link ids are ``cause>effect``)."""
    links = tuple(f"{u}>{v}" for u, v in pairwise(events))
    return Chain(events, links, strength, weakest, confidence)


@pytest.fixture
def crisis() -> nx.DiGraph:
    """opec -> oil -> ruble -> hike, a shortcut oil -> hike, a second root sanctions -> ruble,
    a similarity (not causal) and a contested link."""
    return build_graph_from_links(
        [
            ("opec", "oil", 0.9),
            ("oil", "ruble", 0.8),
            ("ruble", "hike", 0.9),
            ("oil", "hike", 0.5),
            ("sanctions", "ruble", 0.6),
            ("crisis-1998", "hike", 0.9, {"kind": "similar_to"}),
            ("ufsa", "ruble", 0.15, {"kind": "contributes_to", "status": "contested"}),
        ]
    )


# -- the service under test -----------------------------------------------------------------------


@contextlib.contextmanager
def running_app(data: Path | str, **overrides: Any) -> Iterator[Flask]:
    """The service on the events file ``data`` (``create_app`` with ``TESTING`` on and
    ``overrides``), shut down on exit: its file watcher and query workers stop, its store is
    released.

    The one place the tests build the app: through :func:`make_app` in a test, or in a
    ``with`` block in a module-scoped fixture when a module's tests share one app. The data
    files are not watched unless ``WATCH_INTERVAL`` is given: a test that edits them reloads
    when it means to, never when a poll happens to fall.
    """
    from service import create_app

    settings = {"DATA": str(data), "TESTING": True, "WATCH_INTERVAL": 0.0, **overrides}
    app = create_app(settings)
    try:
        yield app
    finally:
        for name in ("ekg_watcher", "ekg_follower"):
            if (watcher := app.extensions.get(name)) is not None:
                watcher.stop()
        app.extensions["ekg_generations"].close()


@contextlib.contextmanager
def served(app: Flask, threads: int = 8) -> Iterator[str]:
    """``app`` served by waitress in a thread on a free loopback port; yields its base URL.

    The server is closed from its own loop thread (through its trigger): closed from another
    thread, its sockets could vanish between the loop's listing them and its ``select()``,
    which then fails with EBADF in the server thread.
    """
    import threading

    from waitress.server import create_server

    server = create_server(app, host="127.0.0.1", port=0, threads=threads)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        server.trigger.pull_trigger(server.close)
        thread.join(10)  # the loop ends once the clients' connections are closed too


@pytest.fixture
def make_app() -> Iterator[Callable[..., Flask]]:
    """``make_app(data, **overrides)``: the service as :func:`running_app` builds it, shut
    down after the test (every app made)."""
    with contextlib.ExitStack() as stack:
        yield lambda data, **overrides: stack.enter_context(running_app(data, **overrides))


@pytest.fixture
def app(make_app: Callable[..., Flask], data: Path) -> Flask:
    """The service on :func:`data` (a copy of tiny.yaml a test may edit); a test that needs
    other settings calls ``make_app(data, SETTING=value)`` instead."""
    return make_app(data)


@pytest.fixture(scope="module")
def real_client(events_path: Path) -> Iterator[FlaskClient]:
    """A client of the service on the curated events.yaml, one app per test module."""
    with running_app(events_path) as app:
        yield app.test_client()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner() -> CliRunner:
    """Runs the ``ekg`` command in-process."""
    return CliRunner()


PROBLEM = "application/problem+json"


def assert_problem(response: Any, status: int, parameter: str | None = None) -> dict[str, Any]:
    """``response`` is an RFC 9457 problem with HTTP ``status``: ``application/problem+json``
    with the members type, title, status (the HTTP status), detail (not empty) and instance.
    With ``parameter``: the problem names that request parameter in ``errors`` and in
    ``detail``. Returns the problem's body."""
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == PROBLEM
    body = response.get_json(force=True)
    assert {"type", "title", "status", "detail", "instance"} <= body.keys(), body
    assert body["status"] == status and body["detail"], body
    if parameter is not None:
        assert parameter in {error["parameter"] for error in body["errors"]}, body
        assert parameter in body["detail"]
    return dict(body)


# -- stores ---------------------------------------------------------------------------------------

#: Every backend the store-facing suite runs on: the embedded ones, and the remote backend
#: against two real servers started on loopback ports (see support/servers.py).
STORE_BACKENDS = (*BACKENDS, "oxigraph-server", "virtuoso")
LAUNCHERS = {"oxigraph-server": oxigraph_server, "virtuoso": virtuoso_server}
#: Where a server departs from the SPARQL 1.1 specifications, measured by the suite and
#: documented in the README; tests that meet a quirk check the server's documented behaviour.
QUIRKS = {
    # Virtuoso stores numbers as SQL numerics: "17"^^xsd:decimal comes back as xsd:integer.
    # Its SPARQL compiler also rejects a transitive path with both ends unbound, and evaluates
    # TZ() bound inside an OPTIONAL on rows where the OPTIONAL did not match (DT001) -- each
    # answered as a QueryError, never a crash. (VALUES over several variables fails too, with
    # SP031; the shipped queries use one VALUES per variable.)
    "virtuoso": {
        "integer-valued-decimals",
        "no-unbounded-transitive-paths",
        "no-bind-over-unbound-optional",
    },
}


@pytest.fixture
def quirks(request: pytest.FixtureRequest) -> set[str]:
    """The documented quirks of the backend under test (empty for the embedded ones)."""
    params = getattr(getattr(request.node, "callspec", None), "params", {})
    backend = params.get("tiny_store") or params.get("real_store")
    return QUIRKS.get(str(backend), set())


@pytest.fixture(scope="session")
def sparql_servers() -> Iterator[dict[str, SparqlServer]]:
    """One Oxigraph server and one Virtuoso for the whole session, started on first use."""
    with contextlib.ExitStack() as stack:
        yield {name: stack.enter_context(launch()) for name, launch in LAUNCHERS.items()}


def remote_store(server: SparqlServer, **options: object) -> RemoteStore:
    """A remote store on ``server``, emptied of whatever an earlier test loaded."""
    store = RemoteStore(
        server.query_url,
        update_endpoint=server.update_url,
        store_endpoint=server.store_url,
        timeout=30,
        **options,  # type: ignore[arg-type]
    )
    store.clear()
    return store


def open_test_store(backend: str, request: pytest.FixtureRequest) -> Store:
    if backend in LAUNCHERS:
        return remote_store(request.getfixturevalue("sparql_servers")[backend])
    return open_store(backend)


@pytest.fixture(params=STORE_BACKENDS)
def tiny_store(request: pytest.FixtureRequest, tiny: Dataset) -> Iterator[Store]:
    """The tiny dataset loaded into each backend in turn."""
    store = open_test_store(request.param, request)
    store.load(iter_triples(tiny))
    yield store
    store.close()


@pytest.fixture(scope="session", params=STORE_BACKENDS)
def real_store(request: pytest.FixtureRequest, real: Dataset) -> Iterator[Store]:
    """The curated events.yaml loaded into each backend in turn (on servers of its own, so
    the tiny store's clean-ups never touch it)."""
    with contextlib.ExitStack() as stack:
        if request.param in LAUNCHERS:
            store: Store = remote_store(stack.enter_context(LAUNCHERS[request.param]()))
        else:
            store = open_store(request.param)
        store.load(iter_statements(real))
        yield store
        store.close()


def canonical(graph: Graph, quirks: set[str] | frozenset[str] = frozenset()) -> Graph:
    """``graph`` with every xsd:decimal in canonical form, so that value-equal graphs written
    by different serializers (``17`` vs ``17.0``) compare isomorphic. With the
    ``integer-valued-decimals`` quirk, xsd:integer literals count as decimals too."""
    numeric = {XSD.decimal, XSD.integer} if "integer-valued-decimals" in quirks else {XSD.decimal}
    result = Graph()
    for s, p, o in graph:
        if isinstance(o, Literal) and o.datatype in numeric:
            o = decimal_literal(Decimal(str(o)))
        result.add((s, p, o))
    return result


# -- real browser and live server ---------------------------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (``make test`` installs it on a fresh machine)."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield instance
        instance.close()


@pytest.fixture(scope="session")
def live_server(events_path):
    """The service on the real events.yaml, on a free loopback port (waitress in a thread)."""
    with running_app(events_path) as app, served(app) as base:
        yield base


@contextlib.contextmanager
def offline_page(browser: Any, server: str, width: int = 1280, height: int = 800) -> Iterator[Any]:
    """A fresh page on ``server`` that records console errors (``page.errors``), page errors, CSP
    violations (``window.__csp``), every request to another host (``page.external``, aborted)
    and every API request it makes (``page.api``)."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.errors, page.external, page.api = [], [], []

    def route(request_route):
        url = request_route.request.url
        if url.startswith(server):
            if "/api/" in url:
                page.api.append(url)
            request_route.continue_()
        elif url.startswith(("data:", "blob:")):
            request_route.continue_()
        else:
            page.external.append(url)
            request_route.abort("internetdisconnected")

    page.route("**/*", route)
    page.add_init_script(
        "window.__csp = []; document.addEventListener('securitypolicyviolation',"
        " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh page on the live server (:func:`offline_page`)."""
    with offline_page(browser, live_server) as page:
        yield page


# -- markers --------------------------------------------------------------------------------------


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """``browser`` on tests that drive Chromium; ``remote`` on tests that need a real SPARQL
    server (a parameter -- a store backend, a ``server`` -- naming one of :data:`LAUNCHERS`)."""
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        params = getattr(getattr(item, "callspec", None), "params", {})
        if "browser" in fixtures:
            item.add_marker(pytest.mark.browser)
        if "sparql_servers" in fixtures or any(
            isinstance(value, str) and value in LAUNCHERS for value in params.values()
        ):
            item.add_marker(pytest.mark.remote)
