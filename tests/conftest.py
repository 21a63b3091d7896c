"""Shared fixtures: data files, datasets, a store per backend, and the Flask app."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import XSD

from graph.build import decimal_literal, iter_triples
from graph.events import load_dataset
from graph.model import Dataset
from graph.store import BACKENDS, Store, open_store

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


@pytest.fixture(params=BACKENDS)
def tiny_store(request: pytest.FixtureRequest, tiny: Dataset) -> Iterator[Store]:
    """The tiny dataset loaded into each backend in turn."""
    store = open_store(request.param)
    store.load(iter_triples(tiny))
    yield store
    store.close()


@pytest.fixture(scope="session", params=BACKENDS)
def real_store(request: pytest.FixtureRequest, real: Dataset) -> Iterator[Store]:
    """The curated events.yaml loaded into each backend in turn."""
    store = open_store(request.param)
    store.load(iter_triples(real))
    yield store
    store.close()


def canonical(graph: Graph) -> Graph:
    """``graph`` with every xsd:decimal in canonical form, so that value-equal graphs written
    by different serializers (``17`` vs ``17.0``) compare isomorphic."""
    result = Graph()
    for s, p, o in graph:
        if isinstance(o, Literal) and o.datatype == XSD.decimal:
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
    import threading

    from waitress.server import create_server

    from service import create_app

    app = create_app({"DATA": str(events_path)})
    server = create_server(app, host="127.0.0.1", port=0, threads=8)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()
    app.extensions["ekg_engine"].close()


@pytest.fixture
def page(browser, live_server):
    """A fresh page that records console errors, page errors, CSP violations and every request
    to another host (which is aborted)."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.errors, page.external = [], []

    def route(request_route):
        url = request_route.request.url
        if url.startswith((live_server, "data:", "blob:")):
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
    yield page
    context.close()
