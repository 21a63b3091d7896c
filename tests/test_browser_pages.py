"""The API docs page and the event page in a real browser: offline, clean console."""

from __future__ import annotations

from .conftest import ARTIFACTS


def test_docs_page_lists_and_runs_operations(page, live_server):
    response = page.goto(f"{live_server}/docs", wait_until="networkidle")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector("body[data-ready='1']", timeout=15_000)
    operations = page.locator(".opblock-summary-path")
    paths = set(operations.all_inner_texts())
    assert {"/api/events", "/api/chains", "/api/timeline"} <= {p.strip() for p in paths}
    path = page.locator(".opblock-summary-path", has_text="/api/chains")
    chains = page.locator(".opblock", has=path)
    chains.locator(".opblock-summary").click()
    chains.locator(".try-out__btn").click()
    chains.locator("input[placeholder='source']").fill("opec-decides-no-cut")
    chains.locator("input[placeholder='target']").fill("bank-and-energy-shares-fall-dec-16")
    chains.locator(".execute").click()
    # The server's answer, not the documented example shown before it arrives.
    body = chains.locator(".live-responses-table .microlight").first
    body.wait_for(timeout=10_000)
    assert "opec-decides-no-cut" in body.inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "docs-page.png"), full_page=False)
    assert page.external == []
    assert page.errors == []
    assert page.evaluate("window.__csp") == []


def test_event_page_links_causes_and_sources(page, live_server):
    response = page.goto(f"{live_server}/ekg/id/event/cbr-hike-to-17", wait_until="networkidle")
    assert response.url.endswith("/api/events/cbr-hike-to-17")  # the IRI resolved with 303
    assert page.locator("h1").inner_text().startswith("Bank of Russia raises its key rate")
    cause = page.locator("a[href='/api/events/ruble-black-monday']")
    assert cause.count() >= 1
    assert page.locator("a[href^='https://almaghribtoday.net']").count() == 1  # a source
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "event-page.png"), full_page=True)
    cause.first.click()
    page.wait_for_url("**/api/events/ruble-black-monday")
    assert "Black Monday" in page.locator("h1").inner_text()
    assert page.external == []
    assert page.errors == []
    assert page.evaluate("window.__csp") == []
