"""The home page (/) in a real browser: timeline with causal arrows, causal graph, selection,
chain explorer, filters in the URL, phone width. Offline, clean console, no CSP violation."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlencode, urlsplit
from urllib.request import urlopen

from .conftest import ARTIFACTS

READY = "body[data-ready='1']"
HIKE = "cbr-hike-to-17"
ITEM = "#timeline .vis-item:has(.ti[data-item-id='{}'])"


def api(live_server: str, path: str, **params: str) -> dict:
    query = f"?{urlencode(params)}" if params else ""
    with urlopen(f"{live_server}/api/{path}{query}") as response:
        return json.load(response)


def open_home(page, live_server: str, query: str = "") -> None:
    response = page.goto(f"{live_server}/{query}")
    assert response.ok
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector(READY, timeout=15_000)


STORY = "ruble-crisis-2014"


def assert_clean(page) -> None:
    assert page.external == []
    assert page.errors == []
    assert page.evaluate("window.__csp") == []


def test_timeline_shows_every_event_and_arrow_of_the_selection(page, live_server):
    open_home(page, live_server)
    # The page opens on the first story, 2014's.
    everything = api(live_server, "timeline", limit="1000", lens="all", story=STORY)
    assert page.evaluate("app.data.selection.size") == everything["count"] == 61
    assert page.evaluate("app.timeline.items.length") == everything["count"]
    assert sorted(page.evaluate("[...app.data.selection.keys()]")) == sorted(
        item["id"] for item in everything["items"]
    )
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "app-overview.png"))
    page.check("#list-all")
    assert page.locator("#event-list .ev-btn").count() == everything["count"]
    page.uncheck("#list-all")
    # Arrows: one per link between two events drawn in the window, none for the others.
    visible = set(page.evaluate("app.visibleIds()"))
    expected = {
        link["id"]
        for link in everything["links"]
        if link["from"] in visible and link["to"] in visible
    }
    assert expected
    assert set(page.evaluate("app.arrowIds()")) == expected
    assert page.locator("#tl-arrows .tl-link.status-contested").count() >= 1
    assert page.locator("#graph canvas").count() > 0
    assert page.evaluate("app.graph.events().length") == page.evaluate(
        "new Set(app.data.viewLinks.flatMap(l => [l.from, l.to])).size"
    )

    # A date-filtered selection inside the window: every event drawn, every API link an arrow.
    params = {"from": "2014-11-24", "to": "2014-12-28"}
    window = "2014-11-23T00:00:00Z..2014-12-30T00:00:00Z"
    open_home(page, live_server, "?" + urlencode({**params, "w": window}))
    selection = api(live_server, "timeline", limit="1000", lens="all", **params)
    ids = {item["id"] for item in selection["items"]}
    drawn = page.locator("#timeline .vis-item .ti[data-item-id]")
    assert drawn.count() == selection["count"] > 0
    assert {drawn.nth(i).get_attribute("data-item-id") for i in range(drawn.count())} == ids
    assert set(page.evaluate("app.visibleIds()")) == ids
    assert sorted(page.evaluate("app.arrowIds()")) == sorted(
        link["id"] for link in selection["links"]
    )
    assert len(selection["links"]) > 0

    # Precision shown honestly: the 01:00 instant carries its Moscow time, the oil slide is a span.
    assert page.locator(ITEM.format(HIKE) + " .ti-time").inner_text() == "01:00"
    assert "vis-range" in page.evaluate("app.itemClasses('oil-slides-to-60')")
    page.keyboard.press("4")  # 15-16 Dec by the hour: day-precision events span their day
    page.wait_for_function("() => app.itemClasses('ruble-black-monday').includes('vis-range')")
    assert "vis-point" in page.evaluate(f"app.itemClasses('{HIKE}')")
    page.keyboard.press("1")  # zoom out to 1917: the whole selection in the window
    page.wait_for_function("() => app.timeline.getWindow().start.getFullYear() <= 1917")
    assert set(page.evaluate("app.visibleIds()")) == ids
    assert_clean(page)


def test_selecting_the_rate_hike_highlights_its_causes_in_both_views(page, live_server):
    open_home(page, live_server)
    page.locator(ITEM.format(HIKE)).click()
    page.wait_for_function(
        "() => (app.itemClasses('ruble-black-monday') || []).includes('is-cause')"
        " && (app.nodeClasses('ruble-black-monday') || []).includes('cause')"
    )
    for cause in ("ruble-black-monday", "oil-slides-to-60", "opec-decides-no-cut"):
        assert "is-cause" in page.evaluate(f"app.itemClasses('{cause}')"), cause
        assert "cause" in page.evaluate(f"app.nodeClasses('{cause}')"), cause
    assert "is-selected" in page.evaluate(f"app.itemClasses('{HIKE}')")
    assert "selected-event" in page.evaluate(f"app.nodeClasses('{HIKE}')")
    effect = "bank-and-energy-shares-fall-dec-16"
    assert "is-effect" in page.evaluate(f"app.itemClasses('{effect}')")
    assert "effect" in page.evaluate(f"app.nodeClasses('{effect}')")
    # Every upstream event the API names is marked in the graph (also outside the window).
    # As the evidence shows it: the API's default (supported and qualified links).
    ancestors = api(live_server, f"causes/{HIKE}")["ancestors"]
    assert len(ancestors) > 3
    for ancestor in ancestors:
        assert "cause" in page.evaluate(f"app.nodeClasses('{ancestor['event']}')"), ancestor
    arrow = "#tl-arrows .tl-link.hl-cause[data-link-id='black-monday-forces-hike-to-17']"
    assert page.locator(arrow).count() == 1
    # Details: date with its precision, quantities, sources, claims with verdicts.
    details = page.locator("#details")
    assert "17 %" in details.locator("h3").inner_text()
    assert "an instant" in details.inner_text()
    assert details.locator("table.quantities tbody tr").count() >= 1
    assert details.locator("ol.sources a[href^='http']").count() >= 1
    assert details.locator(".claim .verdict").count() >= 1
    assert "event=cbr-hike-to-17" in page.url
    # Keyboard: the list of events selects too (Enter on a focused button), Esc clears.
    button = page.locator("#event-list .ev-btn[data-id='ruble-black-monday']")
    button.focus()
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("Enter")
    page.wait_for_function("() => app.state.event === 'ruble-black-monday'")
    page.wait_for_function(f"() => (app.nodeClasses('{HIKE}') || []).includes('effect')")
    page.keyboard.press("Escape")
    page.wait_for_function("() => app.state.event === null")
    assert "four steps" in page.locator("#details h3").inner_text()
    assert "is-selected" not in page.evaluate("app.itemClasses('ruble-black-monday')")
    assert_clean(page)


def test_chain_explorer_finds_and_highlights_opec_to_bank_shares(page, live_server):
    source, target = "opec-decides-no-cut", "bank-and-energy-shares-fall-dec-16"
    open_home(page, live_server)
    page.click("#tab-chains")
    page.fill("#chain-source", "OPEC decides")
    page.wait_for_selector(f"#chain-source-list [data-id='{source}']")
    page.keyboard.press("Enter")  # the first suggestion is active
    page.fill("#chain-target", "Bank and energy shares")
    page.wait_for_selector(f"#chain-target-list [data-id='{target}']")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")
    assert page.evaluate("[app.state.source, app.state.target]") == [source, target]
    page.click("#chain-find")
    page.wait_for_selector(".chain-btn")
    chains = api(
        live_server,
        "chains",
        source=source,
        target=target,
        max_depth="6",
        limit="25",
        status="supported,qualified",
        kind="causes,contributes_to,enables,prevents",
    )["chains"]
    assert chains
    assert page.locator(".chain-btn").count() == len(chains)
    assert "strength" in page.locator(".chain-btn").first.inner_text()
    page.locator(".chain-btn").first.click()
    page.wait_for_function("() => app.state.path === 0")
    chain = chains[0]
    for event in chain["events"]:
        assert "is-chain" in page.evaluate(f"app.itemClasses('{event}')"), event
        assert "chain" in page.evaluate(f"app.nodeClasses('{event}')"), event
    highlighted = page.locator("#tl-arrows .tl-link.hl-chain")
    assert sorted(
        highlighted.nth(i).get_attribute("data-link-id") for i in range(highlighted.count())
    ) == sorted(chain["links"])
    assert page.evaluate(
        "app.graph.cy.edges('.chain').map(e => e.data('linkId')).sort()"
    ) == sorted(chain["links"])
    query = parse_qs(urlsplit(page.url).query)
    assert query["source"] == [source] and query["target"] == [target] and query["path"] == ["0"]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "app-chain.png"))
    # The Compare tab: empty until two events are chosen on the page, the pair then in the URL.
    page.click("#tab-compare")
    assert page.locator(".cmp-card").count() == 0
    page.fill("#compare-a", "9.5 % to 10.5")
    page.wait_for_selector("#compare-a-list [data-id='cbr-hike-to-10-5']")
    page.click("#compare-a-list [data-id='cbr-hike-to-10-5']")
    page.fill("#compare-b", "17 %")
    page.wait_for_selector(f"#compare-b-list [data-id='{HIKE}']")
    page.click(f"#compare-b-list [data-id='{HIKE}']")
    page.click("#compare-go")
    page.wait_for_selector(".cmp-card")
    assert page.locator(".cmp-card").count() == 2
    assert "10.5 %" in page.locator(".cmp-a").inner_text()
    assert "17 %" in page.locator(".cmp-b").inner_text()
    query = parse_qs(urlsplit(page.url).query)
    assert query["ca"] == ["cbr-hike-to-10-5"] and query["cb"] == [HIKE]
    # The story's example chain is the Compare tab's example too.
    page.click("#compare-example")
    page.wait_for_function(f"() => app.state.ca === '{source}' && app.state.cb === '{target}'")
    page.wait_for_selector(f".cmp-a [data-select='{source}'], .cmp-a button")
    assert page.locator("a[href='/sparql']").count() >= 1
    assert page.locator("a[href='/docs']").count() >= 1
    assert_clean(page)


def test_filters_live_in_the_url_and_restore_the_same_view(page, live_server):
    open_home(page, live_server)
    page.click("#filters > summary")
    page.uncheck("#lane-choices input[value='history']")
    page.wait_for_function("() => !app.state.lanes.includes('history')")
    page.uncheck("#lane-choices input[value='politics']")
    page.fill("#filter-from", "2014-01-01")
    page.uncheck("#status-choices input[value='contested']")
    page.evaluate(
        "() => { const r = document.getElementById('filter-conf'); r.value = '0.6';"
        " r.dispatchEvent(new Event('input', {bubbles: true}));"
        " r.dispatchEvent(new Event('change', {bubbles: true})); }"
    )
    page.wait_for_function(
        "() => location.search.includes('conf=0.6') && location.search.includes('status=')"
    )
    page.wait_for_function("() => location.search.includes('from=2014-01-01')")
    page.wait_for_timeout(300)  # the window is written to the URL after a short pause
    query = parse_qs(urlsplit(page.url).query)
    assert query["lane"] == ["oil,monetary-policy,sanctions,markets"]
    assert query["status"] == ["supported,qualified,unsupported"]
    selection = api(
        live_server,
        "timeline",
        limit="1000",
        lane="oil,monetary-policy,sanctions,markets",
        story=STORY,
        lens="all",
        **{"from": "2014-01-01"},
    )
    assert page.evaluate("app.data.selection.size") == selection["count"]
    arrows = page.evaluate("app.arrowIds()")
    links = {link["id"]: link for link in selection["links"]}
    assert arrows and all(
        links[a]["status"] != "contested" and links[a]["confidence"] >= 0.6 for a in arrows
    )
    before = {
        "visible": sorted(page.evaluate("app.visibleIds()")),
        "arrows": sorted(arrows),
        "selection": sorted(page.evaluate("[...app.data.selection.keys()]")),
    }

    restored = page.context.new_page()
    restored.goto(page.url)
    restored.wait_for_selector(READY, timeout=15_000)
    assert not restored.is_checked("#lane-choices input[value='history']")
    assert not restored.is_checked("#lane-choices input[value='politics']")
    assert restored.is_checked("#lane-choices input[value='oil']")
    assert not restored.is_checked("#status-choices input[value='contested']")
    assert restored.input_value("#filter-from") == "2014-01-01"
    assert restored.input_value("#filter-conf") == "0.6"
    assert sorted(restored.evaluate("app.visibleIds()")) == before["visible"]
    assert sorted(restored.evaluate("app.arrowIds()")) == before["arrows"]
    assert sorted(restored.evaluate("[...app.data.selection.keys()]")) == before["selection"]
    restored.close()
    page.click("#filter-reset")
    page.wait_for_function("() => app.data.selection.size === 61")  # the 2014 story
    assert "lane=" not in page.url
    assert_clean(page)


def test_phone_width_stacks_the_views(page, live_server):
    page.set_viewport_size({"width": 390, "height": 844})
    open_home(page, live_server)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    boxes = [
        page.locator(s).bounding_box() for s in ("#timeline", "#graph", ".side", "#event-list")
    ]
    assert all(box and box["width"] <= 390 for box in boxes)
    tops = [box["y"] for box in boxes]
    assert tops == sorted(tops)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "app-phone.png"), full_page=True)
    assert_clean(page)
