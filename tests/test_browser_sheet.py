"""The side panel where the reader is looking (app-sheet.js): at phone width a selected event or
chain opens the panel as a bottom sheet over the page (its details in the viewport, a close
button and a handle, Escape, focus back to what was tapped, the page behind unmoved and free
to scroll once it is closed); wider, the panel stays where it is and is scrolled into view only
when it is out of it. Offline, clean console, no CSP violation."""

from __future__ import annotations

from .conftest import ARTIFACTS
from .test_browser_app import HIKE, ITEM, api, assert_clean, open_home

PHONE = {"width": 390, "height": 844}
SOURCE, TARGET = "opec-decides-no-cut", "bank-and-energy-shares-fall-dec-16"

IN_VIEW = """(selector) => {
  const box = document.querySelector(selector).getBoundingClientRect();
  return box.height > 0 && box.top >= -1 && box.bottom <= window.innerHeight + 1
    && box.left >= 0 && box.right <= window.innerWidth;  // 1 px: sub-pixel positions
}"""
SHEET = ".side.is-sheet"


def sheet_open(page) -> None:
    """Wait for the sheet to be open and done sliding up."""
    page.wait_for_selector(SHEET)
    page.wait_for_function("() => document.querySelector('.side').getAnimations().length === 0")


def title_of(page) -> str:
    page.wait_for_selector("#details:not([aria-busy]) #details-title")
    return str(page.locator("#details-title").inner_text())


def scroll_to(page, selector: str) -> None:
    """Scroll an element to the middle of the screen (at once: the list is often redrawn)."""
    page.evaluate("(s) => document.querySelector(s).scrollIntoView({ block: 'center' })", selector)


def no_overflow(page) -> bool:
    return bool(page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth"))


def assert_closed(page) -> None:
    """The panel is back in the page: not fixed, no bar, no placeholder, the page scrolls."""
    assert page.locator(SHEET).count() == 0
    assert page.evaluate("getComputedStyle(document.querySelector('.side')).position") == "static"
    assert page.locator(".sheet-placeholder").count() == 0
    assert not page.locator(".sheet-bar").is_visible()
    assert page.evaluate("getComputedStyle(document.body).overflow") != "hidden"
    y = page.evaluate("window.scrollY")
    page.mouse.move(3, 400)  # the page margin: not the timeline or the graph, which zoom
    page.mouse.wheel(0, -200 if y > 300 else 200)
    page.wait_for_function(f"() => window.scrollY !== {y}")


def test_phone_event_opens_a_sheet_that_closes_back_to_what_was_tapped(page, live_server):
    page.set_viewport_size(PHONE)
    open_home(page, live_server)
    label = api(live_server, f"events/{HIKE}")["label"]

    # The timeline: the details' title is in the viewport, the page behind has not moved.
    item = page.locator(ITEM.format(HIKE))
    item.scroll_into_view_if_needed()
    y = page.evaluate("window.scrollY")
    item.click()
    sheet_open(page)
    assert title_of(page) == label
    assert page.evaluate(IN_VIEW, "#details-title")
    assert page.evaluate("window.scrollY") == y
    side = page.locator(".side")
    assert side.get_attribute("role") == "region"
    assert side.get_attribute("aria-label") == "Event details"
    assert page.evaluate("document.activeElement.id") == "details-title"
    assert page.evaluate(IN_VIEW, ".sheet-close") and page.evaluate(IN_VIEW, ".sheet-handle")
    assert no_overflow(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "phone-event-sheet.png"))
    # Its causes and sources are in the sheet: it scrolls inside, the page behind stays.
    for part in ("#details .d-cause", "#details ol.sources"):
        page.locator(part).scroll_into_view_if_needed()
        assert page.evaluate(IN_VIEW, part)
        assert page.evaluate("window.scrollY") == y
    # Escape closes the sheet, keeps the selection, gives focus back to the timeline.
    page.keyboard.press("Escape")
    page.wait_for_selector(SHEET, state="detached")
    assert page.evaluate("app.state.event") == HIKE
    assert page.evaluate("document.activeElement.id") == "timeline-wrap"
    assert page.evaluate("window.scrollY") == y
    assert side.get_attribute("aria-label") != "Event details"
    assert_closed(page)

    # The list of events: the sheet opens over it; the handle gives it the whole screen, the
    # panel scrolls inside; the close button returns to the very button, where it was.
    chosen = page.locator("#event-list .ev-btn").nth(3).get_attribute("data-id")
    button = page.locator(f"#event-list .ev-btn[data-id='{chosen}']")
    scroll_to(page, f"#event-list .ev-btn[data-id='{chosen}']")
    top = button.bounding_box()["y"]
    button.click()
    page.wait_for_function(f"() => app.state.event === '{chosen}'")
    sheet_open(page)
    assert title_of(page) == api(live_server, f"events/{chosen}")["label"]
    assert page.evaluate(IN_VIEW, "#details-title")
    page.click(".sheet-handle")
    assert side.get_attribute("data-sheet") == "full"
    assert page.locator(".sheet-handle").get_attribute("aria-expanded") == "true"
    box = side.bounding_box()
    assert box["y"] == 0 and box["height"] == PHONE["height"]
    assert page.evaluate(
        "(() => { const p = document.getElementById('panel-details');"
        " p.scrollTop = 200; return p.scrollTop > 0; })()"
    )
    page.screenshot(path=str(ARTIFACTS / "phone-event-sheet-full.png"))
    page.click(".sheet-close")
    page.wait_for_selector(SHEET, state="detached")
    assert page.evaluate("document.activeElement.dataset.id") == chosen
    assert abs(button.bounding_box()["y"] - top) <= 2
    assert_closed(page)

    # The causal graph: a node tapped opens its details in the sheet; Escape returns to the graph.
    page.keyboard.press("Escape")  # the sheet is closed: Escape clears the selection
    page.wait_for_function("() => app.state.event === null")
    page.locator("#graph").scroll_into_view_if_needed()
    point = page.evaluate(
        """() => {
      const box = document.getElementById('graph').getBoundingClientRect();
      const node = app.graph.cy.nodes().filter((n) => { const p = n.renderedPosition();
        return n.visible() && !n.isParent() && p.x > 30 && p.x < box.width - 30
          && p.y > 30 && p.y < box.height - 30; })[0];
      const p = node.renderedPosition();
      return { x: box.left + p.x, y: box.top + p.y };
    }"""
    )
    page.mouse.click(point["x"], point["y"])
    page.wait_for_function("() => app.state.event")
    sheet_open(page)
    event = page.evaluate("app.state.event")
    assert title_of(page) == api(live_server, f"events/{event}")["label"]
    assert page.evaluate(IN_VIEW, "#details-title")
    page.screenshot(path=str(ARTIFACTS / "phone-graph-sheet.png"))
    page.keyboard.press("Escape")
    page.wait_for_selector(SHEET, state="detached")
    assert page.evaluate("document.activeElement.id") == "graph"
    # A second Escape clears the selection, as before.
    page.keyboard.press("Escape")
    page.wait_for_function("() => app.state.event === null")
    assert_clean(page)


def test_phone_chain_opens_its_steps_in_the_sheet(page, live_server):
    page.set_viewport_size(PHONE)
    open_home(page, live_server, f"?source={SOURCE}&target={TARGET}&tab=chains")
    chain = api(
        live_server,
        "chains",
        source=SOURCE,
        target=TARGET,
        max_depth="6",
        limit="25",
        status="supported,qualified",
        kind="causes,contributes_to,enables,prevents",
    )["chains"][0]
    assert page.locator(SHEET).count() == 0  # a chain restored from the URL opens no sheet
    first = page.locator(".chain-btn[data-index='0']")
    first.scroll_into_view_if_needed()
    first.click()
    page.wait_for_function("() => app.state.path === 0")
    sheet_open(page)
    side = page.locator(".side")
    assert side.get_attribute("aria-label") == "Chain"
    pressed = ".chain-btn[aria-pressed='true']"
    assert page.evaluate(IN_VIEW, pressed)
    steps = page.locator(f"{pressed} .chain-event")
    labels = [api(live_server, f"events/{e}")["label"] for e in chain["events"]]
    assert [steps.nth(i).inner_text() for i in range(steps.count())] == labels
    # The chain is highlighted in the graph, brought above the sheet.
    graph = page.locator("#graph").bounding_box()
    assert 0 <= graph["y"] < side.bounding_box()["y"]
    assert no_overflow(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "phone-chain-sheet.png"))
    page.keyboard.press("Escape")
    page.wait_for_selector(SHEET, state="detached")
    assert page.evaluate("app.state.path") == 0
    assert page.evaluate("document.activeElement.dataset.index") == "0"
    assert page.evaluate(IN_VIEW, pressed)
    assert_closed(page)

    # An event's "Chains from here" inside the sheet keeps the sheet, on the Chains tab.
    page.evaluate(f"app.select('{HIKE}')")
    sheet_open(page)
    page.click("#details .d-actions button")
    assert page.locator(SHEET).count() == 1
    assert page.evaluate(IN_VIEW, "#chain-target")
    page.click(".sheet-close")
    page.wait_for_selector(SHEET, state="detached")
    assert_clean(page)


def test_wider_screens_keep_the_panel_and_bring_it_into_view(page, live_server):
    # Desktop: the panel is the sticky column beside the views; a selection never makes a sheet.
    open_home(page, live_server)
    button = page.locator(f"#event-list .ev-btn[data-id='{HIKE}']")
    scroll_to(page, f"#event-list .ev-btn[data-id='{HIKE}']")
    button.click()
    page.wait_for_function(f"() => app.state.event === '{HIKE}'")
    assert title_of(page) == api(live_server, f"events/{HIKE}")["label"]
    assert page.evaluate(IN_VIEW, "#details-title")
    assert page.locator(SHEET).count() == 0
    assert not page.locator(".sheet-bar").is_visible()
    assert page.locator(".side").get_attribute("role") is None
    assert page.evaluate("getComputedStyle(document.querySelector('.side-col')).position") == (
        "sticky"
    )
    assert no_overflow(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "desktop-event-panel.png"))
    page.keyboard.press("Escape")
    page.wait_for_function("() => app.state.event === null")

    # One column but wider than a phone: the panel, above the list, is scrolled into view.
    page.set_viewport_size({"width": 900, "height": 800})
    scroll_to(page, f"#event-list .ev-btn[data-id='{HIKE}']")
    assert not page.evaluate(IN_VIEW, "#panel-details")
    button.click()
    page.wait_for_function(f"() => app.state.event === '{HIKE}'")
    title_of(page)
    page.wait_for_function(f"({IN_VIEW})('#details-title')")
    assert page.locator(SHEET).count() == 0
    assert no_overflow(page)
    page.screenshot(path=str(ARTIFACTS / "tablet-event-panel.png"))
    assert_clean(page)


def drag(page, selector: str, dy: int) -> None:
    box = page.locator(selector).bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x, y + dy, steps=8)
    page.mouse.up()


def test_phone_sheet_is_dragged_by_its_bar_and_closes_on_a_wider_screen(page, live_server):
    page.set_viewport_size(PHONE)
    open_home(page, live_server)
    page.evaluate(f"app.select('{HIKE}')")
    sheet_open(page)
    side = page.locator(".side")
    half = side.bounding_box()["y"]
    assert 0 < half < PHONE["height"] / 2  # about half of the screen
    drag(page, ".sheet-handle", -120)  # up: the whole screen
    assert side.get_attribute("data-sheet") == "full"
    assert side.bounding_box()["y"] == 0
    drag(page, ".sheet-handle", 150)  # down: half again
    assert side.get_attribute("data-sheet") == "open"
    drag(page, ".sheet-handle", 20)  # a short move: nothing
    assert side.get_attribute("data-sheet") == "open"
    drag(page, ".sheet-handle", 150)  # down from half: closed
    page.wait_for_selector(SHEET, state="detached")
    assert page.evaluate("app.state.event") == HIKE
    assert_closed(page)
    # Open, then the screen widens past the phone layout: the panel is back in its column.
    page.evaluate(f"app.select('{HIKE}')")
    sheet_open(page)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.wait_for_selector(SHEET, state="detached")
    assert page.locator(".sheet-placeholder").count() == 0
    assert page.evaluate(IN_VIEW, "#details-title")
    assert_clean(page)
