"""The home page reads its story from /api/stories: a tiny two-story dataset (the fixture of
test_stories.py, the second story in Europe/Berlin) served on its own. The switcher lists both
and keeps `story` in the URL; the intro, steps, zoom presets and window are the story's; its
instants are shown in its time zone."""

from __future__ import annotations

import textwrap
from urllib.parse import parse_qs, urlsplit

import pytest

from .conftest import ARTIFACTS, running_app, served
from .test_stories import TOP, write

READY = "body[data-ready='1']"

# The fixture's second story, with an intro, steps, presets, and an instant in winter (CET).
SECOND = textwrap.dedent(
    """\
    story:
      id: second
      title: Second story
      time_zone: Europe/Berlin
      intro: >-
        The **second** one, told *briefly*, with [a source](https://a.example/1).
      window: {from: "1998-08-01", to: "1998-12-31"}
      zoom:
        - {label: Autumn 1998, from: "1998-08-01", to: "1998-12-31"}
        - {label: Two days, from: "1998-12-01", to: "1998-12-03"}
      steps:
        - {title: Begin, text: The second story begins., events: [c]}
        - {title: Then, text: Then the clock strikes., events: [d]}
      example_chain: {source: c, target: d}
    events:
      - {id: c, label: C happens, type: move, date: 1998-08-17, lane: oil, sources: ["https://a.example/1"]}
      - id: d
        label: D at noon UTC
        type: move
        date: "1998-12-02T12:00:00Z"
        lane: oil
        sources: ["https://a.example/1"]
    links:
      - {id: c-d, cause: c, effect: d, kind: causes, confidence: 0.7, status: supported, sources: ["https://a.example/1"]}
    """
)


@pytest.fixture(scope="module")
def two_stories(tmp_path_factory):
    path = write(tmp_path_factory.mktemp("stories"), TOP, SECOND)
    with running_app(path) as app, served(app) as base:
        yield base


@pytest.fixture
def story_page(browser, two_stories):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.errors = []
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    yield page
    context.close()


def open_story(page, base: str, query: str = "") -> None:
    assert page.goto(f"{base}/{query}").ok
    page.wait_for_selector(READY, timeout=15_000)


def test_the_switcher_lists_the_stories_and_keeps_the_story_in_the_url(story_page, two_stories):
    page = story_page
    open_story(page, two_stories)
    # Default: the first story, named in the URL.
    assert parse_qs(urlsplit(page.url).query)["story"] == ["first"]
    picks = page.locator("#story-list li")
    assert picks.count() == 2
    assert page.locator("#story-list [aria-current='page']").inner_text().startswith("First story")
    assert page.locator("#story-title").inner_text() == "First story"
    assert page.locator("#story-intro em").inner_text() == "first"
    assert page.evaluate("app.data.selection.size") == 2
    # Switching: another page load, for the second story only.
    page.click("#story-list a:has-text('Second story')")
    page.wait_for_url("**story=second**")
    page.wait_for_selector(READY, timeout=15_000)
    assert parse_qs(urlsplit(page.url).query)["story"] == ["second"]
    assert sorted(page.evaluate("[...app.data.selection.keys()]")) == ["c", "d"]
    # The intro's Markdown as elements, not as markup; a link to http(s) only.
    intro = page.locator("#story-intro")
    assert intro.locator("strong").inner_text() == "second"
    assert intro.locator("a").get_attribute("href") == "https://a.example/1"
    assert "**" not in intro.inner_text()
    # The steps, each event a button that selects it.
    steps = page.locator("#story-steps > li")
    assert steps.count() == 2
    assert "two steps" in page.locator("#story-steps-heading").inner_text()
    page.click("#story-steps button[data-select='d']")
    page.wait_for_function("() => app.state.event === 'd'")
    assert parse_qs(urlsplit(page.url).query)["story"] == ["second"]
    # Zoom presets from the story: labels and keys.
    presets = page.locator("#zoom-presets .zoom-btn")
    assert [presets.nth(i).get_attribute("data-zoom") for i in range(presets.count())] == ["1", "2"]
    assert "Autumn 1998" in presets.nth(0).inner_text()
    # The default window is the story's.
    start = page.evaluate("app.timeline.getWindow().start.toISOString()")
    assert start.startswith(("1998-07-31", "1998-08-01"))
    assert page.errors == []


def test_instants_are_shown_in_the_story_time_zone(story_page, two_stories):
    page = story_page
    open_story(page, two_stories, "?story=second&event=d")
    # 12:00 UTC is 13:00 in Berlin in December (CET, UTC+01:00), never Moscow time.
    button = page.locator("#event-list .ev-btn[data-id='d'] .ev-date")
    page.check("#list-all")
    text = button.inner_text()
    assert "13:00" in text and ("CET" in text or "+01:00" in text), text
    assert "MSK" not in page.locator("body").inner_text()
    assert "+03:00" not in page.locator("#timeline-caption").inner_text()
    assert "Europe/Berlin" in page.locator("#timeline-caption").inner_text()
    assert "Europe/Berlin" in page.locator("#zone-note").inner_text()
    page.click("#zoom-presets [data-zoom='2']")  # "Two days": the axis by the hour, Berlin time
    page.wait_for_function(
        "() => app.timeline.getWindow().end - app.timeline.getWindow().start < 3 * 864e5"
    )
    assert (
        "13:00"
        in page.locator("#timeline .vis-item:has(.ti[data-item-id='d']) .ti-time").inner_text()
    )
    # An unknown story: the first one is shown, and the page says so.
    open_story(page, two_stories, "?story=nope")
    assert "nope" in page.locator("#story-note").inner_text()
    assert parse_qs(urlsplit(page.url).query)["story"] == ["first"]
    assert page.errors == []


@pytest.mark.parametrize("width,height", [(1280, 800), (390, 844)])
def test_story_head_screenshots(story_page, two_stories, width, height):
    page = story_page
    page.set_viewport_size({"width": width, "height": height})
    open_story(page, two_stories, "?story=second")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"stories-{width}.png"))
    assert page.errors == []
