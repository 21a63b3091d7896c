"""The Analogies tab of the home page in a real browser: the stories side by side by stage
(a column per story of /api/stories, a row per stage of /api/analogies), the emergency-hike
figures as the API gives them, another story's event opening that story, phone width."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from .conftest import ARTIFACTS
from .test_browser_app import api, assert_clean, open_home

HIKE = "emergency-rate-hike"
TABLE = "#analogies-table"


def show_analogies(page) -> None:
    page.click("#tab-analogies")
    assert page.get_attribute("#tab-analogies", "aria-selected") == "true"
    page.wait_for_selector(f"{TABLE} tbody tr", timeout=10_000)


def test_the_table_aligns_every_story_by_stage(page, live_server):
    stories = api(live_server, "stories")["stories"]
    body = api(live_server, "analogies", stories=",".join(s["id"] for s in stories))
    open_home(page, live_server)
    current = page.evaluate("app.state.story")
    show_analogies(page)
    assert "tab=analogies" in page.url
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    tabs = page.locator("#side-tabs").bounding_box()
    side = page.locator(".side").bounding_box()
    assert tabs["x"] + tabs["width"] <= side["x"] + side["width"] + 0.5

    # One column per story (after the stage column), headed by its title; one row per stage.
    heads = page.locator(f"{TABLE} thead th[data-story]")
    assert heads.count() == len(stories)
    for i, story in enumerate(stories):
        assert heads.nth(i).get_attribute("data-story") == story["id"]
        assert heads.nth(i).inner_text().startswith(story["title"])
    rows = page.locator(f"{TABLE} tbody tr")
    assert [rows.nth(i).get_attribute("data-stage") for i in range(rows.count())] == [
        stage["id"] for stage in body["stages"]
    ]
    assert page.locator("#analogies-summary li").count() == len(stories)

    # The emergency hike: each story's event and its peak and size, as the API words them.
    hike = next(stage for stage in body["stages"] if stage["id"] == HIKE)
    row = page.locator(f"{TABLE} tr[data-stage='{HIKE}']")
    for story in stories:
        cell = hike["cells"][story["id"]]
        shown = row.locator(f"td[data-story='{story['id']}']")
        buttons = shown.locator("button.an-event")
        assert [buttons.nth(i).get_attribute("data-select") for i in range(buttons.count())] == [
            e["id"] for e in cell["events"]
        ]
        for i, event in enumerate(cell["events"]):
            assert buttons.nth(i).inner_text().startswith(event["label"])
        for name in ("policy-rate-peak", "hike-size"):
            figure = next(f for f in cell["figures"] if f["name"] == name)
            text = shown.locator(f".an-figure[data-figure='{name}'] .an-figure-text")
            assert text.inner_text() == figure["text"]
            links = shown.locator(f".an-figure[data-figure='{name}'] .an-sources a")
            assert links.count() >= 1

    # Many recorded rates fold behind "all N recorded rates", the computed range first.
    folded = page.locator(f"{TABLE} tr[data-stage='currency-fall'] details.an-recorded summary")
    assert folded.count() >= 1
    assert "recorded rates" in folded.first.inner_text()

    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#panel-analogies").screenshot(path=str(ARTIFACTS / "app-analogies-panel.png"))
    page.screenshot(path=str(ARTIFACTS / "app-analogies.png"))
    row.scroll_into_view_if_needed()
    page.locator("#panel-analogies").screenshot(path=str(ARTIFACTS / "app-analogies-hike.png"))

    # An event of the current story is selected here, in the Event tab.
    mine = row.locator(f"td[data-story='{current}'] button.an-event").first
    event = mine.get_attribute("data-select")
    mine.click()
    page.wait_for_function(f"() => app.state.event === '{event}'")
    assert page.get_attribute("#tab-details", "aria-selected") == "true"

    # An event of another story opens that story with the event selected.
    show_analogies(page)
    other = next(s["id"] for s in stories if s["id"] != current)
    target = row.locator(f"td[data-story='{other}'] button.an-event").first
    event = target.get_attribute("data-select")
    target.click()
    page.wait_for_url(lambda url: parse_qs(urlsplit(url).query).get("story") == [other])
    page.wait_for_selector("body[data-ready='1']", timeout=15_000)
    query = parse_qs(urlsplit(page.url).query)
    assert query["story"] == [other] and query["event"] == [event]
    assert page.evaluate("app.state.event") == event
    page.wait_for_selector(f"#details h3:has-text('{hike['cells'][other]['events'][0]['label']}')")
    assert_clean(page)


def test_phone_width_keeps_the_table_in_its_own_box(page, live_server):
    page.set_viewport_size({"width": 390, "height": 844})
    open_home(page, live_server, "?tab=analogies")
    page.wait_for_selector(f"{TABLE} tbody tr", timeout=10_000)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    box = page.locator(".an-scroll").bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390
    # The table is wider than the phone: it scrolls sideways inside its box, not the page.
    assert page.evaluate(
        "(() => { const s = document.querySelector('.an-scroll'); "
        "return s.scrollWidth > s.clientWidth; })()"
    )
    page.evaluate("document.querySelector('.an-summary').scrollIntoView()")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "app-phone-analogies.png"))
    page.locator(".side").screenshot(path=str(ARTIFACTS / "app-phone-analogies-panel.png"))
    assert_clean(page)


def test_chains_to_the_hike_align_by_stage(page, live_server):
    page.set_viewport_size({"width": 1280, "height": 800})
    stories = api(live_server, "stories")["stories"]
    body = api(live_server, "analogies", stories=",".join(s["id"] for s in stories))
    chains = {s: f["chain"] for s, f in body["figures"].items() if f["chain"]}
    open_home(page, live_server)
    current = page.evaluate("app.state.story")
    show_analogies(page)
    page.wait_for_selector("#analogies-chains")

    # One row per story with a chain, its chips the API's events in order.
    rows = page.locator("#analogies-chains .an-chain-row")
    assert [rows.nth(i).get_attribute("data-story") for i in range(rows.count())] == [
        s for s in body["stories"] if s in chains
    ]
    for story, chain in chains.items():
        chips = page.locator(f"#analogies-chains .an-chain-row[data-story='{story}'] .an-chip")
        assert chips.count() == len(chain["events"])
        assert [chips.nth(i).get_attribute("data-select") for i in range(chips.count())] == [
            e["id"] for e in chain["events"]
        ]
        arrows = page.locator(f".an-chain-row[data-story='{story}'] .an-chain-arrow")
        assert arrows.count() == len(chain["links"])
    # The emergency-hike chips share one column: the same x, whatever the story.
    hikes = page.locator(f"#analogies-chains .an-chip[data-stage='{HIKE}']")
    assert hikes.count() == sum(chain["to"] == HIKE for chain in chains.values()) >= 2
    assert len(chains) == 3  # 1998's ends at the currency fall
    xs = [hikes.nth(i).bounding_box()["x"] for i in range(hikes.count())]
    assert max(xs) - min(xs) < 1, xs
    # ... and chips of different stages do not: the first chip (a shock) lies left of the hike.
    for story in chains:
        row = page.locator(f".an-chain-row[data-story='{story}'] .an-chip")
        assert row.first.bounding_box()["x"] < row.last.bounding_box()["x"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280

    page.locator(".an-chains").scroll_into_view_if_needed()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "app-analogies-chains.png"))

    # A chip of the shown story selects its event; another story's chip opens that story.
    if current in chains:
        mine = page.locator(f".an-chain-row[data-story='{current}'] .an-chip").first
        event = mine.get_attribute("data-select")
        mine.click()
        page.wait_for_function(f"() => app.state.event === '{event}'")
        show_analogies(page)
    other = next(s for s in chains if s != current)
    chip = page.locator(f".an-chain-row[data-story='{other}'] .an-chip").last
    event = chip.get_attribute("data-select")
    chip.click()
    page.wait_for_url(lambda url: parse_qs(urlsplit(url).query).get("story") == [other])
    page.wait_for_selector("body[data-ready='1']", timeout=15_000)
    assert parse_qs(urlsplit(page.url).query)["event"] == [event]
    assert page.evaluate("app.state.event") == event
    assert_clean(page)


def test_phone_width_scrolls_the_chains_in_their_own_box(page, live_server):
    page.set_viewport_size({"width": 390, "height": 844})
    open_home(page, live_server, "?tab=analogies")
    page.wait_for_selector("#analogies-chains .an-chip", timeout=10_000)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    box = page.locator(".an-chains-scroll").bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert page.evaluate(
        "(() => { const s = document.querySelector('.an-chains-scroll'); "
        "return s.scrollWidth > s.clientWidth; })()"
    )
    page.locator(".an-chains").scroll_into_view_if_needed()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "app-phone-analogies-chains.png"))
    assert_clean(page)
