"""The home page's lens switch, diff mode and claims overview in Chromium: under the seed
article's lens the page follows the article's contested path and its counts equal the API's for
that lens; the lens (and the lens compared with) is kept in the URL; the Claims tab lists every
claim of the article, opinions tied to no event included, filterable by verdict."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from .conftest import ARTIFACTS
from .test_browser_app import READY, api, assert_clean, open_home
from .test_browser_lens import UFSA, counts, select

ARTICLE = "seed-article"
STORY = "ruble-crisis-2014"
CONTESTED = "ufsa-designed-to-collapse-ruble"
WINDOW = "w=2014-12-10T00:00:00Z..2014-12-20T00:00:00Z"


def highlighted(page, role: str) -> set[str]:
    return set(page.evaluate(f"[...app.data.highlight.{role}]"))


def test_article_lens_follows_the_contested_path(page, live_server):
    open_home(page, live_server, "?" + WINDOW)
    select(page, UFSA)
    assert highlighted(page, "effects") == {
        "white-house-says-obama-will-sign-ufsa",
        "ufsa-signed-into-law",
    }
    page.select_option("#lens-select", ARTICLE)
    page.wait_for_function(
        f"() => app.state.lens === '{ARTICLE}' && location.search.includes('lens={ARTICLE}')"
        " && app.data.highlight.effects.has('ruble-black-monday')"
        " && document.querySelector('#details p .hl-word.hl-effect') !== null"
    )
    page.wait_for_function(
        "() => /seed article/i.test(document.querySelector('#details').textContent)"
    )
    descendants = {
        d["event"] for d in api(live_server, f"effects/{UFSA}", lens=ARTICLE)["descendants"]
    }
    ancestors = {a["event"] for a in api(live_server, f"causes/{UFSA}", lens=ARTICLE)["ancestors"]}
    assert {"ruble-black-monday", "cbr-hike-to-17"} <= descendants
    assert highlighted(page, "effects") == descendants
    assert highlighted(page, "causes") == ancestors
    assert counts(page) == (len(ancestors), len(descendants))
    for event in ("ruble-black-monday", "cbr-hike-to-17"):
        assert "is-effect" in page.evaluate(f"app.itemClasses('{event}')"), event
        assert "effect" in page.evaluate(f"app.nodeClasses('{event}')"), event
    arrow = page.locator(f"#tl-arrows .tl-link[data-link-id='{CONTESTED}']")
    classes = set(arrow.get_attribute("class").split())
    assert "hl-effect" in classes and "is-outside" not in classes and "is-disputed" in classes
    assert "asserted by" in arrow.locator("title").text_content()
    # The links the page follows are the narrative's: as many as the API counts.
    account = api(live_server, f"narratives/{ARTICLE}", story=STORY)["links"]
    drawn = set(page.evaluate("[...app.data.all.keys()]"))
    within = [k for k in account if k["cause"]["id"] in drawn and k["effect"]["id"] in drawn]
    followed = page.evaluate("[...app.data.links.values()].filter(l => !l.outside).length")
    assert followed == len(within) == len(account) - 1  # less the 1998 precedent's link
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "app-lens-article.png"))

    # Reload: the lens and the selection come back from the URL.
    page.reload()
    page.wait_for_selector(READY, timeout=15_000)
    page.wait_for_function("() => document.querySelector('#details p .hl-word.hl-effect')")
    assert page.input_value("#lens-select") == ARTICLE
    assert parse_qs(urlsplit(page.url).query)["lens"] == [ARTICLE]
    assert highlighted(page, "effects") == descendants

    # Back to the evidence: the lens leaves the URL and the crisis is no effect again.
    page.select_option("#lens-select", "evidence")
    page.wait_for_function(
        "() => app.state.lens === 'evidence' && !location.search.includes('lens=')"
        " && !app.data.highlight.effects.has('ruble-black-monday')"
    )
    page.wait_for_function("() => app.data.highlight.effects.size === 2")
    assert_clean(page)


def test_chains_follow_the_lens(page, live_server):
    target = "cbr-hike-to-17"
    open_home(page, live_server, f"?lens={ARTICLE}")
    page.evaluate(f"app.findChains('{UFSA}', '{target}')")
    page.wait_for_function("() => app.data.chains !== null")
    chains = api(
        live_server, "chains", source=UFSA, target=target, lens=ARTICLE, max_depth="6", limit="25"
    )["chains"]
    assert chains
    assert page.evaluate("app.data.chains.chains.length") == len(chains)
    open_home(page, live_server)
    page.evaluate(f"app.findChains('{UFSA}', '{target}')")
    page.wait_for_function("() => app.data.chains !== null")
    assert page.evaluate("app.data.chains.chains.length") == 0
    assert_clean(page)


def test_diff_mode_draws_links_only_in_one_account(page, live_server):
    open_home(page, live_server, f"?{WINDOW}&vs={ARTICLE}")
    assert page.input_value("#lens-vs") == ARTICLE
    compare = api(live_server, "narratives/compare", a="evidence", b=ARTICLE, story=STORY)
    diff = page.evaluate(
        "Object.fromEntries([...app.data.links.values()].map(l => [l.id, l.diff]))"
    )
    # The page draws the links between its story's events: the API's, less any link of the
    # story's file to an event of another story (the 1998 precedent of the 17 % hike).
    only_a, only_b, both = (
        {link["id"] for link in compare[group]} & diff.keys()
        for group in ("only_a", "only_b", "both")
    )
    assert {k for k, v in diff.items() if v == "a"} == only_a
    assert {k for k, v in diff.items() if v == "b"} == only_b
    assert {k for k, v in diff.items() if v == "both"} == both
    assert only_b and both
    arrow = page.locator(f"#tl-arrows .tl-link[data-link-id='{CONTESTED}']")
    assert "diff-b" in arrow.get_attribute("class").split()
    assert page.evaluate(f"app.graph.cy.getElementById('link:{CONTESTED}').hasClass('diff-b')")
    legend = page.locator("#legend-lens .lg-diff")
    assert legend.count() == 3 and all(legend.nth(i).is_visible() for i in range(3))
    assert "only in" in page.locator("#lens-summary").inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "app-lens-diff.png"))
    # Turning diff mode off keeps the lens and clears the diff classes and the URL parameter.
    page.select_option("#lens-vs", "")
    page.wait_for_function("() => !location.search.includes('vs=')")
    assert page.locator("#tl-arrows .tl-link[class*='diff-']").count() == 0
    assert not legend.first.is_visible()
    assert_clean(page)


def test_claims_overview_lists_every_claim_and_filters_by_verdict(page, live_server):
    open_home(page, live_server)
    page.click("#tab-claims")
    page.wait_for_function("() => location.search.includes('tab=claims')")
    claims = api(live_server, "claims")["claims"]
    cards = page.locator("#claims-list .claim-card")
    assert cards.count() == len(claims)
    refs = set(page.locator("#claims-list .claim-ref").all_inner_texts())
    assert {"A23", "A24"} <= refs
    a24 = page.locator("#claims-list .claim-card:has(.claim-ref:text-is('A24'))")
    assert "no event" in a24.first.inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "app-claims.png"))
    asserting = page.locator("#claims-list .claim-card:has(.claim-links)")
    assert asserting.count() == sum(1 for c in claims if c["asserts_links"])
    asserting.first.locator(".claim-links").scroll_into_view_if_needed()
    page.locator("#panel-claims").screenshot(path=str(ARTIFACTS / "app-claim-links.png"))
    page.click("#claims-filter [data-verdict='opinion']")
    page.wait_for_function("() => location.search.includes('verdict=opinion')")
    opinions = api(live_server, "claims", verdict="opinion")["claims"]
    assert cards.count() == len(opinions) < len(claims)
    verdicts = {cards.nth(i).get_attribute("data-verdict") for i in range(cards.count())}
    assert verdicts == {"opinion"}
    page.reload()
    page.wait_for_selector(READY, timeout=15_000)
    assert page.locator("#panel-claims").is_visible()
    assert cards.count() == len(opinions)
    assert page.get_attribute("#claims-filter [data-verdict='opinion']", "aria-pressed") == "true"
    # An event named by a claim selects it.
    page.click("#claims-filter [data-verdict='']")
    page.locator(f"#claims-list .claim-about button[data-select='{UFSA}']").first.click()
    page.wait_for_function(f"() => app.state.event === '{UFSA}'")
    assert_clean(page)


def test_phone_width_lens_bar_and_claims(page, live_server):
    page.set_viewport_size({"width": 390, "height": 844})
    open_home(page, live_server, f"?lens={ARTICLE}&vs=evidence&tab=claims")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    for selector in ("#lens-bar", "#lens-select", "#lens-vs", "#claims-list", "#side-tabs"):
        box = page.locator(selector).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, selector
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#lens-bar").screenshot(path=str(ARTIFACTS / "app-phone-lens.png"))
    page.locator(".side").screenshot(path=str(ARTIFACTS / "app-phone-claims.png"))
    page.screenshot(path=str(ARTIFACTS / "app-phone-lens-full.png"), full_page=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / "app-phone-lens-top.png"))
    assert_clean(page)
