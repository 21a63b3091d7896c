"""The home page on a dataset too large to hold: windowed mode (app-window.js) at 20,000
synthetic events, on a laptop and a phone screen."""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterator
from urllib.parse import parse_qs, urlencode, urlsplit
from urllib.request import urlopen

import pytest

from support.synthetic_app import serve_synthetic

from .conftest import ARTIFACTS, DATA, offline_page, running_app, served

EVENTS = 20_000
READY = "body[data-ready='1']"


@pytest.fixture(scope="module")
def synthetic_server() -> Iterator[str]:
    with running_app(DATA / "tiny.yaml") as app:
        serve_synthetic(app, EVENTS, seed=42)
        with served(app) as base:
            yield base


@pytest.fixture(params=[(1280, 800), (390, 844)], ids=["laptop", "phone"])
def window_page(request, browser, synthetic_server):
    width, height = request.param
    with offline_page(browser, synthetic_server, width, height) as page:
        page.size_name = f"{width}x{height}"
        yield page


DRAWN_HERE = """() => { const d = EKG.home.windowed.drawnFor;
  return !!d && d[0] === app.timeline.getWindow().start.getTime(); }"""


def wait_for_window(page, seq: int, timeout: float = 20.0) -> None:
    """Until the page has drawn a window after its ``seq``-th, and it is the one the timeline
    shows now (an answer for an earlier range may land first, e.g. while a move is debounced;
    wait_for_function would eval)."""
    deadline = time.monotonic() + timeout
    while int(page.evaluate("document.body.dataset.windowSeq || '0'")) <= seq or not (
        page.evaluate(DRAWN_HERE)
    ):
        assert time.monotonic() < deadline, "no new window drawn"
        page.wait_for_timeout(50)


def test_windowed_page_holds_a_window_not_the_dataset(window_page, synthetic_server):
    page = window_page
    response = page.goto(f"{synthetic_server}/")
    assert response.ok
    page.wait_for_selector(READY, timeout=60_000)
    assert page.evaluate("EKG.home.windowed.on") is True
    assert page.evaluate("EKG.home.windowed.selection") == EVENTS
    held = page.evaluate("app.timeline.items.length")
    events = page.evaluate("app.data.all.size")
    assert 0 < events <= 256 and held < EVENTS / 20
    # never paged through every event
    assert not [url for url in page.api if "/api/timeline?" in url]
    clusters = page.locator("#tl-arrows .tl-cluster")
    assert clusters.count() > 0
    counts = page.evaluate(
        "[...document.querySelectorAll('#tl-arrows .tl-cluster-count')]"
        ".map((t) => Number(t.textContent.slice(1).replace(/,/g, '')))"
    )
    assert counts and all(c > 0 for c in counts)
    assert "events in all" in page.locator("#timeline-caption").inner_text()
    assert page.evaluate("performance.getEntriesByName('ekg:first-paint').length") == 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"app-window-20k-{page.size_name}.png"))

    # a pan fetches a new window, and the page still holds a window
    seq = int(page.evaluate("document.body.dataset.windowSeq || '0'"))
    before = len([url for url in page.api if "/timeline/window" in url])
    first = set(page.evaluate("[...app.data.all.keys()]"))
    page.evaluate(
        "(() => { const w = app.timeline.getWindow(); const d = (w.end - w.start) / 8;"
        " app.timeline.setWindow(new Date(w.start.getTime() + 3 * d),"
        " new Date(w.start.getTime() + 4 * d)); })()"
    )
    wait_for_window(page, seq)
    assert len([url for url in page.api if "/timeline/window" in url]) > before
    assert set(page.evaluate("[...app.data.all.keys()]")) != first
    assert page.evaluate("app.timeline.items.length") < EVENTS / 20
    page.screenshot(path=str(ARTIFACTS / f"app-window-20k-zoomed-{page.size_name}.png"))

    # clicking a cluster band zooms in on it
    span = page.evaluate(
        "(() => { const w = app.timeline.getWindow(); return w.end - w.start; })()"
    )
    seq = int(page.evaluate("document.body.dataset.windowSeq"))
    # a point inside a band that no item covers (a click on an item selects the item)
    point = page.evaluate(
        """(() => {
          const bands = [...document.querySelectorAll('#tl-arrows .tl-cluster')]
            .map((n) => n.getBoundingClientRect()).sort((a, b) => b.width - a.width);
          for (const r of bands) {
            for (let fx = 0.1; fx < 1; fx += 0.2) {
              for (let fy = 0.2; fy < 1; fy += 0.3) {
                const x = r.x + r.width * fx, y = r.y + r.height * fy;
                const hit = document.elementFromPoint(x, y);
                if (hit && hit.closest('#timeline') && !hit.closest('.vis-item')) return [x, y];
              }
            }
          }
          return null;
        })()"""
    )
    assert point is not None
    page.mouse.click(point[0], point[1])
    wait_for_window(page, seq)
    after = page.evaluate(
        "(() => { const w = app.timeline.getWindow(); return w.end - w.start; })()"
    )
    assert after < span
    assert page.errors == [] and page.external == [] and page.evaluate("window.__csp") == []


def drawn(page) -> set[str]:
    return set(page.evaluate("[...app.data.all.keys()]"))


def move_to(page, fractions: tuple[int, int]) -> None:
    """The timeline on eighths ``fractions`` of the span saved in ``window.__span``."""
    page.evaluate(
        "([a, b]) => { const [s, e] = window.__span; const d = (e - s) / 8;"
        " app.timeline.setWindow(new Date(s + a * d), new Date(s + b * d)); }",
        list(fractions),
    )


def test_a_late_answer_never_draws_over_a_cached_window(window_page, synthetic_server):
    """Pan to new ground A (its request held), back to the cached B, release A: B stays drawn."""
    page = window_page
    held, hold = [], {"on": False}

    def route(request_route):
        if hold["on"]:
            held.append(request_route)
        else:
            request_route.fallback()

    page.route("**/api/timeline/window?*", route)
    assert page.goto(f"{synthetic_server}/").ok
    page.wait_for_selector(READY, timeout=60_000)
    page.evaluate(
        "(() => { const w = app.timeline.getWindow();"
        " window.__span = [w.start.getTime(), w.end.getTime()]; })()"
    )
    seq = int(page.evaluate("document.body.dataset.windowSeq || '0'"))
    move_to(page, (3, 4))  # B
    wait_for_window(page, seq)
    page.evaluate("window.__bStart = app.timeline.getWindow().start.getTime()")
    b_url = [url for url in page.api if "/timeline/window" in url][-1]
    with urlopen(b_url) as response:
        b_ids = {str(item["id"]) for item in json.load(response)["items"]}
    assert drawn(page) == b_ids
    hold["on"] = True
    move_to(page, (6, 7))  # A: new ground, its answer held
    deadline = time.monotonic() + 10
    while not held:
        assert time.monotonic() < deadline, "no request for A"
        page.wait_for_timeout(50)
    hold["on"] = False
    seq = int(page.evaluate("document.body.dataset.windowSeq"))
    move_to(page, (3, 4))  # back to B, from the cache
    page.wait_for_timeout(400)
    for request_route in held:
        with contextlib.suppress(Exception):  # aborted by the page: nothing to release
            request_route.fallback()
    page.wait_for_timeout(1500)  # A's answer, had it been awaited, is drawn by now
    # B again: from the cache, or asked anew if the timeline's width moved (a scrollbar)
    # (A may have been asked again, unheld, before the move back: that answer drew A, rightly.)
    a_urls = {request_route.request.url for request_route in held}

    def start(url: str) -> list[str]:
        return parse_qs(urlsplit(url).query).get("start", [])

    windows = [url for url in page.api if "/timeline/window" in url and url not in a_urls]
    last = [url for url in windows if start(url) == start(b_url)][-1]
    assert page.evaluate("app.timeline.getWindow().start.getTime()") == page.evaluate(
        "window.__bStart"
    )
    if last != b_url:
        with urlopen(last) as response:
            b_ids = {str(item["id"]) for item in json.load(response)["items"]}
    assert drawn(page) == b_ids
    items = {str(i) for i in page.evaluate("app.timeline.items.getIds()")}
    assert items <= b_ids
    assert page.errors == [] and page.external == [] and page.evaluate("window.__csp") == []


def offered_for(server: str, item: dict) -> bool:
    """Whether the page search for the item's label offers it (8 offers)."""
    with urlopen(f"{server}/api/search?{urlencode({'q': item['content'], 'limit': 8})}") as answer:
        return item["id"] in [m["id"] for m in json.load(answer)["matches"]]


def test_the_search_brings_an_event_that_is_not_drawn_into_view(window_page, synthetic_server):
    page = window_page
    assert page.goto(f"{synthetic_server}/").ok
    page.wait_for_selector(READY, timeout=60_000)
    shown = drawn(page)
    with urlopen(f"{synthetic_server}/api/timeline?limit=1000&lens=all") as response:
        candidates = [item for item in json.load(response)["items"] if item["id"] not in shown]
    # a year-dated event (a crowded start that zooming alone cannot thin out) the search offers
    event = next(
        c for c in candidates if c["precision"] == "year" and offered_for(synthetic_server, c)
    )
    with urlopen(f"{synthetic_server}/api/events/{event['id']}") as response:
        date = json.load(response)["date"]
    seq = int(page.evaluate("document.body.dataset.windowSeq || '0'"))
    page.fill("#event-search", event["content"])
    option = page.locator(f"#event-search-list [data-id='{event['id']}']")
    option.click()
    page.wait_for_function(f"() => app.state.event === '{event['id']}'")
    wait_for_window(page, seq)
    page.wait_for_function(
        f"() => (app.itemClasses('{event['id']}') || []).includes('is-selected')"
    )
    assert event["id"] in page.evaluate("app.visibleIds()")
    inside = page.evaluate(
        "d => { const w = app.timeline.getWindow(); const t = EKG.parseDate(d).getTime();"
        " return w.start.getTime() <= t && t <= w.end.getTime(); }",
        date["begin"],
    )
    assert inside
    assert [url for url in page.api if "include=" in url]
    details = page.locator("#details").inner_text()
    assert "hidden by the filters" not in details
    assert "null" not in details.splitlines()  # an event without a description has no such line
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"app-window-20k-search-{page.size_name}.png"))
    assert page.errors == [] and page.external == [] and page.evaluate("window.__csp") == []


def test_the_curated_story_stays_in_full_mode(page, live_server):
    response = page.goto(f"{live_server}/")
    assert response.ok
    page.wait_for_selector(READY, timeout=30_000)
    assert page.evaluate("EKG.home.windowed.on") is False
    assert page.evaluate("app.timeline.items.length") == page.evaluate("app.data.all.size")
    assert page.locator("#tl-arrows .tl-cluster").count() == 0
    assert page.evaluate("performance.getEntriesByName('ekg:first-paint').length") == 1
    assert page.errors == [] and page.external == [] and page.evaluate("window.__csp") == []
