"""The YASGUI page at /sparql in a real browser: offline, clean console, every example runs."""

from __future__ import annotations

from graph.queries import query_names

from .conftest import ARTIFACTS


def test_sparql_page_runs_every_example_offline(page, live_server):
    response = page.goto(f"{live_server}/sparql", wait_until="networkidle")
    assert response.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector("body[data-ready='1']", timeout=15_000)
    tabs = page.locator(".yasgui .tabsList .tab")
    assert tabs.count() == len(query_names())
    for index in range(tabs.count()):
        tabs.nth(index).locator("a").click()
        panel = page.locator(".tabPanel.active")
        panel.locator(".yasqe_queryButton").click()
        panel.locator(".yasr .dataTable tbody tr").first.wait_for(timeout=15_000)
        summary = panel.locator(".yasr_response_chip").inner_text()
        assert "result" in summary, (index, summary)
        assert panel.locator(".yasr .dataTable tbody tr").count() > 0
    ARTIFACTS.mkdir(exist_ok=True)
    tabs.first.locator("a").click()
    page.screenshot(path=str(ARTIFACTS / "sparql-page.png"), full_page=True)
    assert page.external == []
    assert page.errors == []
    assert page.evaluate("window.__csp") == []
