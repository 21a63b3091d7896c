"""The status page of a reader of a SPARQL store (``ekg serve --sparql-endpoint``): the version
it serves beside the catalog's current one, when the catalog was last read, the last check."""

from __future__ import annotations

import shutil

import pytest

from graph.publication import publish

from .conftest import ARTIFACTS, ROOT, running_app, served
from .test_browser_app import assert_clean
from .test_publish import store_of, wipe

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def published(sparql_servers, tmp_path):
    """The curated data (a copy) published to the Oxigraph server: (server, events file)."""
    server = sparql_servers["oxigraph-server"]
    wipe(server)
    data = tmp_path / "data" / "events.yaml"
    data.parent.mkdir()
    shutil.copy(ROOT / "events.yaml", data)
    shutil.copytree(ROOT / "stories", data.parent / "stories")
    publish(data, store_of(server))
    return server, data


@pytest.fixture
def live_server(published, tmp_path):
    server, _ = published
    settings = {
        "BACKEND": "sparql",
        "SPARQL_ENDPOINT": server.query_url,
        "CACHE_DIR": tmp_path / "cache",
        "FOLLOW_INTERVAL": 0.0,
    }
    with running_app(tmp_path / "absent.yaml", **settings) as app, served(app) as base:
        yield base


@pytest.mark.parametrize(("viewport", "shot"), [(None, ""), (PHONE, "-phone")])
def test_a_readers_status_page_shows_its_version_and_the_catalogs(
    page, live_server, published, viewport, shot
):
    if viewport:
        page.set_viewport_size(viewport)
    assert page.goto(f"{live_server}/-/status").ok
    served_version = page.locator("#status-version").inner_text()
    assert page.locator("#status-catalog-version").inner_text() == served_version
    assert "(served)" in page.locator("#status-follow").inner_text()
    assert page.locator(".status-table tbody tr").count() > 1  # triples from the catalog
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"status-reader{shot}.png"), full_page=True)
    server, data = published
    with data.open("a", encoding="utf-8") as out:
        out.write("# another version\n")
    newer = publish(data, store_of(server)).version
    page.request.post(f"{live_server}/-/reload")  # check the catalog now
    page.reload()
    assert page.locator("#status-catalog-version").inner_text() == newer
    assert page.locator("#status-version").inner_text() == newer
    assert "checked only on a reload request" in page.locator("#status-follow").inner_text()
    page.screenshot(path=str(ARTIFACTS / f"status-reader-followed{shot}.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= (viewport or {"width": 1280})["width"]
    assert_clean(page)
