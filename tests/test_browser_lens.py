"""The home page reckons "as the evidence shows it": causes, effects and chains follow only
supported and qualified links, so its counts equal /api/causes and /api/effects; contested and
unsupported links are drawn, muted and dashed, but never highlighted as causes or effects."""

from __future__ import annotations

from .conftest import ARTIFACTS
from .test_browser_app import ITEM, api, assert_clean, open_home

UFSA = "ufsa-passed-by-congress"
HIKE = "cbr-hike-to-17"
CONTESTED = "ufsa-designed-to-collapse-ruble"


def select(page, event_id: str) -> None:
    page.evaluate(f"app.select('{event_id}')")
    page.wait_for_function(
        f"() => app.state.event === '{event_id}'"
        " && document.querySelector('#details .hl-word.hl-cause') !== null"
        " && document.querySelector('#details h3') !== null"
    )


def counts(page) -> tuple[int, int]:
    cause = page.locator("#details p .hl-word.hl-cause").first.inner_text()
    effect = page.locator("#details p .hl-word.hl-effect").first.inner_text()
    return int(cause.split()[0]), int(effect.split()[0])


def test_contested_link_is_drawn_but_not_followed(page, live_server):
    open_home(page, live_server, "?w=2014-12-10T00:00:00Z..2014-12-20T00:00:00Z")
    arrow = page.locator(f"#tl-arrows .tl-link[data-link-id='{CONTESTED}']")
    assert arrow.count() == 1
    assert {"is-disputed", "is-outside"} <= set(arrow.get_attribute("class").split())
    assert arrow.get_attribute("data-status") == "unsupported"  # fact sheet C12
    title = arrow.locator("title").text_content()
    assert "unsupported" in title and "asserted by" in title
    assert page.evaluate(f"app.graph.cy.getElementById('link:{CONTESTED}').hasClass('disputed')")
    select(page, UFSA)
    # Its two supported effects (the White House statement, the signing), none of the crisis.
    descendants = {d["event"] for d in api(live_server, f"effects/{UFSA}")["descendants"]}
    assert descendants == {"white-house-says-obama-will-sign-ufsa", "ufsa-signed-into-law"}
    assert set(page.evaluate("[...app.data.highlight.effects]")) == descendants
    assert counts(page)[1] == len(descendants) == 2
    for event in ("ruble-black-monday", HIKE, "bank-and-energy-shares-fall-dec-16"):
        assert "is-effect" not in page.evaluate(f"app.itemClasses('{event}')"), event
        assert "effect" not in page.evaluate(f"app.nodeClasses('{event}')"), event
    assert "hl-effect" not in arrow.get_attribute("class")
    assert "not counted" in page.locator("#details").inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "app-lens-ufsa.png"))
    assert_clean(page)


def test_page_counts_equal_the_api(page, live_server):
    open_home(page, live_server)
    page.locator(ITEM.format(HIKE)).click()
    page.wait_for_function(
        f"() => app.state.event === '{HIKE}'"
        " && document.querySelector('#details p .hl-word.hl-cause') !== null"
        " && /^[0-9]/.test(document.querySelector('#details p .hl-word.hl-cause').textContent)"
    )
    ancestors = {a["event"] for a in api(live_server, f"causes/{HIKE}")["ancestors"]}
    descendants = {d["event"] for d in api(live_server, f"effects/{HIKE}")["descendants"]}
    assert UFSA not in ancestors
    assert counts(page) == (len(ancestors), len(descendants))
    assert set(page.evaluate("[...app.data.highlight.causes]")) == ancestors
    assert set(page.evaluate("[...app.data.highlight.effects]")) == descendants
    assert "cause" not in page.evaluate(f"app.nodeClasses('{UFSA}')")
    assert page.locator(f"#tl-arrows .tl-link.hl-cause[data-link-id='{CONTESTED}']").count() == 0
    assert page.locator("#tl-arrows .tl-link.is-outside[class*='hl-']").count() == 0
    assert_clean(page)
