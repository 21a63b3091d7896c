"""A live reload seen from a browser: the status page shows a rejected reload's problems at
file:line; the home page never mixes two data versions -- after a reload it keeps the view it
shows and offers to refresh, by a click on another event or by its poll of /-/status.

Each test serves its own copy of tiny.yaml (this module's ``live_server``, used by the
``page`` fixture of conftest.py), as it edits the data files."""

from __future__ import annotations

import json
import re
import shutil
from urllib.request import Request, urlopen

import pytest
from playwright.sync_api import expect

from .conftest import ARTIFACTS, ROOT, running_app, served
from .test_browser_app import assert_clean
from .test_reload import NEW_LABEL, OLD_LABEL, edit

READY = "body[data-ready='1']"
BANNER = "#version-status .version-banner"
PHONE = {"width": 390, "height": 844}
EVENT, OTHER = "oil-below-60", "opec-no-cut"


@pytest.fixture
def live_server(request, data):
    """The service on a copy of tiny.yaml (``data``), or with the parameter ``"real"`` on a
    copy of the curated events.yaml and its stories; a number parameter is the version poll."""
    param = getattr(request, "param", 0.0)
    if param == "real":
        shutil.copy(ROOT / "events.yaml", data)
        shutil.copytree(ROOT / "stories", data.parent / "stories")
    poll = 0.0 if param == "real" else param
    with running_app(data, VERSION_POLL=poll) as app, served(app) as base:
        yield base


def break_a_date(path):
    """Make the first day of ``path`` a month 13; the line it is on."""
    text = path.read_text()
    found = re.search(r"date: (\d{4})-\d\d-", text)
    path.write_text(text[: found.start()] + f"date: {found[1]}-13-" + text[found.end() :])
    return text.count("\n", 0, found.start()) + 1


def reload(base: str) -> int:
    try:
        with urlopen(Request(f"{base}/-/reload", method="POST")) as answer:
            return int(answer.status)
    except OSError as error:  # HTTPError: a 422 for rejected data
        return int(getattr(error, "code", 0))


@pytest.mark.parametrize("live_server", ["real"], indirect=True)
@pytest.mark.parametrize(("viewport", "shot"), [(None, ""), (PHONE, "-phone")])
def test_the_status_page_shows_a_failed_reload_at_file_and_line(
    page, live_server, data, viewport, shot
):
    if viewport:
        page.set_viewport_size(viewport)
    story = sorted((data.parent / "stories").glob("*.yaml"))[0]
    line = break_a_date(story)
    assert reload(live_server) == 422
    page.goto(f"{live_server}/")  # then follow the header's Status link, as a reader does
    page.click(".site-header a:text('Status')")
    page.wait_for_url(f"{live_server}/-/status")
    assert page.locator("h1").inner_text() == "Status"
    assert page.locator("#status-outcome strong").inner_text() == "Rejected"
    problems = page.locator(".status-problems li")
    assert problems.count() == 1
    assert problems.first.inner_text().startswith(f"stories/{story.name}:{line} ")
    with urlopen(f"{live_server}/-/status?format=json") as answer:
        stories = json.load(answer)["stories"]
    rows = page.locator(".status-table tbody tr")
    assert rows.count() == len(stories) > 1
    for row, counts in zip(rows.all(), stories, strict=True):
        cells = row.locator("td").all_inner_texts()
        assert cells == [str(counts[k]) for k in ("events", "links", "claims", "triples")]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= (viewport or {"width": 1280})["width"]  # nothing wider than the screen
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"status-page{shot}.png"), full_page=True)
    assert_clean(page)


def open_with(page, base: str, event: str) -> None:
    assert page.goto(f"{base}/?event={event}").ok
    page.wait_for_selector(READY, timeout=15_000)
    page.check("#list-all")
    title = page.locator("#details-title")
    assert title.inner_text() == OLD_LABEL if event == EVENT else title.is_visible()


def listed(page, event: str) -> str:
    return page.locator(f"#event-list [data-id='{event}'] .ev-label").inner_text()


def refresh_and_check(page, base: str, shot: str) -> None:
    """The banner says what changed; the view still shows the old label in the list and in the
    details; Refresh brings the same view back on the new data."""
    banner = page.locator(BANNER)
    banner.wait_for(timeout=15_000)
    old, new = page.evaluate("[EKG.version.shown(), EKG.version.newer()]")
    assert old != new
    assert banner.inner_text().startswith(f"The data has changed (version {old} → {new})")
    assert page.locator("#version-status").get_attribute("role") == "status"
    assert page.locator("#details-title").inner_text() == OLD_LABEL
    assert listed(page, EVENT) == OLD_LABEL
    assert page.locator("[aria-busy='true']").count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"app-version-banner{shot}.png"))
    view = page.url
    with page.expect_navigation():
        page.get_by_role("button", name="Refresh").click()
    assert page.url == view  # the URL kept the view
    page.wait_for_selector(READY, timeout=15_000)
    page.check("#list-all")
    assert listed(page, EVENT) == NEW_LABEL
    assert page.locator(BANNER).count() == 0
    assert page.evaluate("EKG.version.shown()") == new


def test_a_click_after_a_reload_draws_nothing_new_and_offers_to_refresh(page, live_server, data):
    open_with(page, live_server, EVENT)  # no poll (VERSION_POLL 0): the click finds out
    edit(data, OLD_LABEL, NEW_LABEL)
    assert reload(live_server) == 200
    page.click(f"#event-list [data-id='{OTHER}']")
    refresh_and_check(page, live_server, "")
    # The view came back with the event clicked last; the list and the details agree.
    assert page.locator("#details-title").inner_text() != NEW_LABEL
    page.click(f"#event-list [data-id='{EVENT}']")
    expect(page.locator("#details-title")).to_have_text(NEW_LABEL)
    assert_clean(page)


@pytest.mark.parametrize("live_server", [0.3], indirect=True)
def test_the_poll_notices_a_reload_without_a_click(page, live_server, data):
    page.set_viewport_size(PHONE)
    open_with(page, live_server, EVENT)
    edit(data, OLD_LABEL, NEW_LABEL)
    assert reload(live_server) == 200
    refresh_and_check(page, live_server, "-phone")
    assert page.locator("#details-title").inner_text() == NEW_LABEL
    assert_clean(page)


def test_the_window_getting_the_focus_asks_for_the_version(page, live_server, data):
    open_with(page, live_server, EVENT)  # no timed poll (VERSION_POLL 0)
    edit(data, OLD_LABEL, NEW_LABEL)
    assert reload(live_server) == 200
    page.evaluate("window.dispatchEvent(new Event('focus'))")
    page.locator(BANNER).wait_for(timeout=15_000)
    assert page.locator("#details-title").inner_text() == OLD_LABEL
    assert_clean(page)
