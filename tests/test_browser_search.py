"""The event search of the home page and the chain explorer's pickers in a real browser, at
desktop and phone width: typing "bank shares" offers "Bank and energy shares fall" first
(every word must match; the API ranks), keyboard and ARIA combobox behaviour, choosing selects
the event and brings it into view on the timeline, an event of another story opens its story."""

from __future__ import annotations

import contextlib

import pytest

from .conftest import ARTIFACTS
from .test_browser_app import READY, STORY, api, assert_clean, open_home

pytestmark = pytest.mark.browser

FALL = "bank-and-energy-shares-fall-dec-16"
VIEWPORTS = {"desktop": (1280, 800), "phone": (390, 844)}


def offered(page, listbox: str) -> list[str]:
    options = page.locator(f"{listbox} [role='option'][data-id]")
    return [options.nth(i).get_attribute("data-id") for i in range(options.count())]


@pytest.fixture(params=list(VIEWPORTS))
def size(request, page) -> str:
    width, height = VIEWPORTS[request.param]
    page.set_viewport_size({"width": width, "height": height})
    return request.param


def test_page_search_offers_bank_shares_first_and_selects_it(page, live_server, size):
    open_home(page, live_server)
    box = page.locator("#event-search")
    assert box.get_attribute("role") == "combobox"
    box.fill("bank shares")
    page.wait_for_selector(f"#event-search-list [data-id='{FALL}']")
    assert offered(page, "#event-search-list")[0] == FALL
    best = api(live_server, "search", q="bank shares", limit="8")["matches"]
    assert offered(page, "#event-search-list") == [m["id"] for m in best]
    assert box.get_attribute("aria-expanded") == "true"
    assert box.get_attribute("aria-activedescendant") == "event-search-list-0"
    first = page.locator("#event-search-list [role='option']").first
    assert first.get_attribute("aria-selected") == "true"
    text = first.inner_text()
    assert "16 December 2014" in text and page.evaluate("app.story.title") in text
    list_box = page.locator("#event-search-list").bounding_box()
    assert (
        list_box and list_box["x"] >= 0 and list_box["x"] + list_box["width"] <= VIEWPORTS[size][0]
    )
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"search-page-bank-shares-{size}.png"))
    # Arrow keys move through the offers and wrap; Enter chooses.
    page.keyboard.press("ArrowDown")
    if len(best) > 1:
        assert box.get_attribute("aria-activedescendant") == "event-search-list-1"
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => app.state.event === '{FALL}'")
    assert page.locator("#event-search-list").is_hidden()
    assert box.get_attribute("aria-expanded") == "false"
    page.wait_for_function(f"() => app.visibleIds().includes('{FALL}')")
    page.wait_for_function(f"() => (app.itemClasses('{FALL}') || []).includes('is-selected')")
    assert "Bank and energy shares" in page.locator("#details").inner_text()
    assert f"event={FALL}" in page.url
    page.screenshot(path=str(ARTIFACTS / f"search-page-selected-{size}.png"))
    # Escape closes the offers without choosing; a word nothing holds offers nothing.
    box.fill("ruble")
    page.wait_for_selector("#event-search-list [role='option'][data-id]")
    page.keyboard.press("Escape")
    assert page.locator("#event-search-list").is_hidden()
    assert page.evaluate("app.state.event") == FALL
    box.fill("bank zzyzx")
    page.wait_for_selector("#event-search-list .combo-empty")
    assert offered(page, "#event-search-list") == []
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[size][0]
    assert_clean(page)


def test_page_search_opens_the_story_of_an_event_of_another_story(page, live_server, size):
    open_home(page, live_server)
    other = api(live_server, "search", q="bank failures deposit", limit="1")["matches"][0]
    assert other["story"] != STORY
    page.fill("#event-search", "bank failures deposit")
    page.wait_for_selector(f"#event-search-list [data-id='{other['id']}']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**story={other['story']}**")
    page.wait_for_selector(READY, timeout=15_000)
    assert page.evaluate("app.state.event") == other["id"]
    assert page.evaluate("app.story.id") == other["story"]
    assert_clean(page)


def test_chain_explorer_offers_the_best_matches_first(page, live_server, size):
    open_home(page, live_server)
    page.click("#tab-chains")
    page.fill("#chain-target", "bank shares")
    page.wait_for_selector(f"#chain-target-list [data-id='{FALL}']")
    assert offered(page, "#chain-target-list")[0] == FALL
    page.locator("#chain-target").scroll_into_view_if_needed()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"search-chain-bank-shares-{size}.png"))
    page.keyboard.press("Enter")
    assert page.evaluate("app.state.target") == FALL
    # "bank": the story's events with "bank" in the label first, as the API ranks them.
    page.fill("#chain-source", "bank")
    page.wait_for_selector("#chain-source-list [role='option'][data-id]")
    best = api(live_server, "search", q="bank", limit="12", story=STORY)["matches"]
    assert offered(page, "#chain-source-list") == [m["id"] for m in best]
    assert all("bank" in m["matched"]["label"] for m in best)
    labels = page.locator("#chain-source-list .combo-label")
    assert all("bank" in labels.nth(i).inner_text().lower() for i in range(labels.count()))
    page.keyboard.press("Escape")
    assert_clean(page)


def test_one_letter_sends_no_search(page, live_server, size):
    """/api/search answers 400 to a query without a word of two characters: neither the page
    search nor the chain explorer's pickers send one; the second letter does."""
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "/api/search" in r.url else None)
    open_home(page, live_server)
    page.fill("#event-search", "b")
    page.wait_for_timeout(400)  # past the combobox's debounce
    page.click("#tab-chains")
    page.fill("#chain-source", "b")
    page.wait_for_timeout(400)
    assert asked == []
    page.fill("#chain-source", "ba")
    page.wait_for_selector("#chain-source-list [role='option'][data-id]")
    assert len(asked) == 1 and "q=ba" in asked[0]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"search-chain-two-letters-{size}.png"))
    assert_clean(page)


def test_a_slow_stale_answer_neither_shows_nor_changes_the_pick(page, live_server, size):
    """ "ruble" answers late, after "bank failures deposit": its request is aborted, and choosing
    the offered event of another story still opens that story."""
    other = api(live_server, "search", q="bank failures deposit", limit="8")["matches"][0]
    assert other["story"] != STORY
    slow = api(live_server, "search", q="ruble", limit="8")["matches"]
    assert slow and other["id"] not in [m["id"] for m in slow]
    held: list = []
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.route(
        "**/api/search?*",
        lambda route: held.append(route) if "q=ruble" in route.request.url else route.fallback(),
    )
    open_home(page, live_server)
    page.fill("#event-search", "ruble")
    deadline = page.evaluate("Date.now()") + 10_000
    while not held:
        assert page.evaluate("Date.now()") < deadline, "no request for 'ruble'"
        page.wait_for_timeout(50)
    page.fill("#event-search", "bank failures deposit")
    page.wait_for_selector(f"#event-search-list [data-id='{other['id']}']")
    assert [url for url in failed if "q=ruble" in url]  # superseded: aborted, not queued
    for route in held:
        with contextlib.suppress(Exception):  # aborted by the page: nothing to release
            route.fallback()
    page.wait_for_timeout(500)
    assert offered(page, "#event-search-list")[0] == other["id"]
    page.keyboard.press("Enter")
    page.wait_for_url(f"**story={other['story']}**")
    page.wait_for_selector(READY, timeout=15_000)
    assert page.evaluate("app.state.event") == other["id"]
    assert_clean(page)
