"""TimelineJS3 in Chromium, drawn from /api/timeline/timelinejs with the vendored library
(service/static/vendor/timelinejs), offline: a slide and a time marker for every event of the
selection, no console error, no CSP violation, no request to another host.

The page is a test-only harness that a newsroom's page would resemble: it is routed by
Playwright under the live server's origin (with the site's Content-Security-Policy), loads
the vendored script and stylesheet from the server, fetches the API and hands the body to
``new TL.Timeline`` with ``font: null`` and an absolute ``script_path``
(/work/shared/UI.md, "TimelineJS3 offline pitfalls"). With ``CORS`` on, the same page on
another origin (a second loopback port) reads the API across origins; with it off, it cannot.
"""

from __future__ import annotations

import contextlib
import html
import http.server
import json
import threading
from collections.abc import Iterator
from urllib.parse import urlencode
from urllib.request import urlopen

import pytest

from service.security import CONTENT_SECURITY_POLICY

from .conftest import ARTIFACTS, running_app, served
from .test_browser_app import assert_clean

STORY = "ruble-crisis-2014"
VENDOR = "/static/vendor/timelinejs"
HARNESS = "/__harness__/timelinejs"

SCRIPT = """
const box = document.getElementById("timeline");
window.__state = "loading";
fetch(box.dataset.api)
  .then((response) => {
    if (!response.ok) throw new Error("HTTP " + response.status);
    return response.json();
  })
  .then((data) => {
    window.__count = data.count;
    window.__timeline = new TL.Timeline(box, data, {
      font: null,
      script_path: new URL(box.dataset.vendor + "/js/", location.href).href,
      hash_bookmark: false,
    });
    window.__state = "drawn";
  })
  .catch((error) => { window.__state = "failed: " + error.message; });
"""

STYLE = "html, body { margin: 0; height: 100%; } #timeline { width: 100%; height: 100%; }"


def harness_files(api: str, server: str = "") -> dict[str, tuple[str, str]]:
    """The harness's files by path: the page, its script and its style. The page reads the
    API at ``api`` and loads TimelineJS from ``server`` (its own origin by default)."""
    vendor = server + VENDOR
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>TimelineJS harness</title>
<link rel="stylesheet" href="{vendor}/css/timeline-3.9.11.css">
<link rel="stylesheet" href="{HARNESS}.css">
</head><body>
<div id="timeline" data-api="{api}" data-vendor="{vendor}"></div>
<script src="{vendor}/js/timeline-3.9.11.js"></script>
<script src="{HARNESS}.js"></script>
</body></html>"""
    return {
        f"{HARNESS}.html": ("text/html", page),
        f"{HARNESS}.js": ("text/javascript", SCRIPT),
        f"{HARNESS}.css": ("text/css", STYLE),
    }


def policy(other: str = "") -> str:
    """The site's Content-Security-Policy, allowing ``other`` origin's scripts, styles,
    fonts and API too."""
    text = CONTENT_SECURITY_POLICY
    for directive in ("script-src", "style-src", "font-src", "connect-src") if other else ():
        assert f"{directive} 'self'" in text
        text = text.replace(f"{directive} 'self'", f"{directive} 'self' {other}")
    return text


def open_harness(page, origin: str, api: str) -> None:
    """Route the harness under the live server's ``origin`` (same-origin API) and open it."""
    for path, (kind, body) in harness_files(api).items():
        page.route(
            origin + path,
            lambda route, kind=kind, body=body: route.fulfill(
                status=200,
                content_type=f"{kind}; charset=utf-8",
                headers={"Content-Security-Policy": policy()},
                body=body,
            ),
        )
    goto_harness(page, origin)


def goto_harness(page, origin: str) -> None:
    page.goto(f"{origin}{HARNESS}.html")
    # Functions, not strings: a string predicate is eval'd, which the CSP forbids.
    page.wait_for_function("() => window.__state && window.__state !== 'loading'")


def selection(base: str) -> dict:
    query = urlencode({"story": STORY})
    with urlopen(f"{base}/api/timeline/timelinejs?{query}") as response:
        return json.load(response)


def assert_every_event_is_a_slide(page, expected: dict) -> None:
    assert page.evaluate("window.__state") == "drawn", page.errors
    assert page.evaluate("window.__count") == expected["count"] == len(expected["events"]) > 0
    assert expected["truncated"] is False
    slides = ".tl-storyslider .tl-slide:not(.tl-slide-titleslide)"
    page.wait_for_function(
        "([css, count]) => document.querySelectorAll(css).length >= count",
        arg=[slides, expected["count"]],
        timeout=20_000,
    )
    assert page.locator(slides).count() == expected["count"]
    assert page.locator(".tl-slide-titleslide").count() == 1
    assert page.locator(".tl-timemarker").count() == expected["count"]
    headlines = page.locator(f"{slides} .tl-headline").all_text_contents()
    # The API sends HTML (TimelineJS renders it): the page shows the decoded text.
    texts = [html.unescape(event["text"]["headline"]) for event in expected["events"]]
    assert sorted(headlines) == sorted(texts)
    # The icon font came from the server (the navigation arrows are drawn with it).
    assert page.evaluate("document.fonts.check('16px tl-icons')")


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (390, 844)])
def test_timelinejs_draws_every_event_of_the_selection(page, live_server, width, height):
    page.set_viewport_size({"width": width, "height": height})
    api = f"{live_server}/api/timeline/timelinejs?{urlencode({'story': STORY})}"
    open_harness(page, live_server, api)
    assert_every_event_is_a_slide(page, selection(live_server))
    # Forward from the title slide: the first event's slide becomes the current one.
    first = selection(live_server)["events"][0]["unique_id"]
    assert page.evaluate("window.__timeline.current_id") != first
    page.locator(".tl-slidenav-next").first.click()
    page.wait_for_function("(id) => window.__timeline.current_id === id", arg=first)
    page.wait_for_timeout(1000)  # the slide animation, for the screenshot
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"timelinejs-{width}x{height}.png"))
    assert_clean(page)


@pytest.fixture(scope="module")
def cors_server(events_path) -> Iterator[str]:
    """A second server of the API on another loopback port, with CORS on."""
    with running_app(events_path, CORS=True) as app, served(app) as base:
        yield base


@contextlib.contextmanager
def newsroom(files: dict[str, tuple[str, str]], csp: str) -> Iterator[str]:
    """Another origin: a plain HTTP server on a third loopback port serving ``files`` (a page
    routed by Playwright would not do: Chromium counts it as public, and its local network
    access check would refuse any loopback request, CORS or not)."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            kind, body = files.get(self.path, ("text/plain", "not found"))
            self.send_response(200 if self.path in files else 404)
            self.send_header("Content-Type", f"{kind}; charset=utf-8")
            self.send_header("Content-Security-Policy", csp)
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


def allow(page, *origins: str) -> None:
    """Let the page reach these loopback origins (the fixture lets only the live server)."""
    for origin in origins:
        page.route(f"{origin}/**", lambda route: route.continue_())


def test_a_page_on_another_origin_reads_the_api_with_cors_on(page, cors_server):
    api = f"{cors_server}/api/timeline/timelinejs?{urlencode({'story': STORY})}"
    with newsroom(harness_files(api, cors_server), policy(cors_server)) as origin:
        allow(page, cors_server, origin)
        goto_harness(page, origin)
        assert_every_event_is_a_slide(page, selection(cors_server))
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "timelinejs-cors-1280x800.png"))
    assert_clean(page)


def test_without_cors_another_origin_cannot_read_the_api(page, live_server):
    api = f"{live_server}/api/timeline/timelinejs?{urlencode({'story': STORY})}"
    with newsroom(harness_files(api, live_server), policy(live_server)) as origin:
        allow(page, origin)
        goto_harness(page, origin)
        assert page.evaluate("window.__state").startswith("failed")
    assert any("Access-Control-Allow-Origin" in error for error in page.errors), page.errors
    page.errors.clear()
    assert_clean(page)


@pytest.mark.parametrize("cors", [True, False])
def test_timelinejs_files_are_readable_across_origins_with_cors_on(tiny_path, cors):
    font = "/static/vendor/timelinejs/css/icons/tl-icons.woff2"
    origin = {"Origin": "http://127.0.0.1:1"}
    with running_app(tiny_path, CORS=cors) as app:
        client = app.test_client()
        with client.get(font, headers=origin) as response:  # a file: close it
            assert response.status_code == 200
            assert response.headers.get("Access-Control-Allow-Origin") == ("*" if cors else None)
        exposed = client.get("/api/timeline/timelinejs", headers=origin).headers
        assert ("X-Truncated" in exposed.get("Access-Control-Expose-Headers", "")) is cors
