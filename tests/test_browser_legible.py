"""Issue 18, legibility of the home page: the causal graph fits its selection at a legible
zoom and expands to the page's width; timeline labels make way by importance; the time axis
never runs its labels together. At 1280x800 and 390x844, offline, clean console."""

from __future__ import annotations

import pytest

from .conftest import ARTIFACTS
from .test_browser_app import READY, assert_clean, open_home

VIEWPORTS = [(1280, 800), (390, 844)]

GRAPH_STATE = """() => {
  const g = app.graph, cy = g.cy, rect = g.container.getBoundingClientRect();
  const fitted = g.fittedIds().map((id) => {
    const b = cy.getElementById(id).renderedBoundingBox({ includeLabels: true });
    return { id, x1: b.x1, y1: b.y1, x2: b.x2, y2: b.y2 };
  });
  const fonts = cy.nodes('.event').map((n) => parseFloat(n.style('font-size')) * cy.zoom());
  return { fitted, w: rect.width, h: rect.height, zoom: cy.zoom(), minFont: Math.min(...fonts),
           pageWidth: document.documentElement.clientWidth };
}"""


def check_graph_fit(state: dict) -> None:
    assert state["minFont"] >= 11, state["minFont"]
    assert state["fitted"], "the fit put no event in view"
    for box in state["fitted"]:
        assert box["x1"] >= -0.5 and box["y1"] >= -0.5, box
        assert box["x2"] <= state["w"] + 0.5 and box["y2"] <= state["h"] + 0.5, box


@pytest.mark.parametrize(("width", "height"), VIEWPORTS)
def test_graph_fits_legibly_and_expands(page, live_server, width, height):
    page.set_viewport_size({"width": width, "height": height})
    open_home(page, live_server)
    tag = f"{width}"
    check_graph_fit(page.evaluate(GRAPH_STATE))
    page.locator(".graph-section").screenshot(path=str(ARTIFACTS / f"app-graph-fit-{tag}.png"))
    # Selecting an event fits it and its neighbours, still legible; the selected one is in view.
    page.evaluate("app.select('cbr-hike-to-17')")
    page.wait_for_timeout(300)
    state = page.evaluate(GRAPH_STATE)
    check_graph_fit(state)
    assert "cbr-hike-to-17" in [box["id"] for box in state["fitted"]]
    # Fit button: the whole graph does not fit legibly, so the most important events do.
    page.click("#graph-fit")
    check_graph_fit(page.evaluate(GRAPH_STATE))
    # Expand: keyboard, full page width, in the URL, and back.
    narrow = page.evaluate(GRAPH_STATE)["w"]
    page.focus("#graph-expand")
    page.keyboard.press("Enter")
    page.wait_for_timeout(400)
    assert page.get_attribute("#graph-expand", "aria-pressed") == "true"
    wide = page.evaluate(GRAPH_STATE)
    assert wide["w"] >= 0.9 * wide["pageWidth"], wide
    if width >= 1100:
        assert wide["w"] > narrow + 200
    assert "graph=wide" in page.url
    check_graph_fit(wide)
    page.screenshot(path=str(ARTIFACTS / f"app-graph-expanded-{tag}.png"), full_page=False)
    page.locator(".graph-section").screenshot(
        path=str(ARTIFACTS / f"app-graph-expanded-section-{tag}.png")
    )
    # The state survives a reload from the URL, and Space toggles it back.
    page.goto(page.url)
    page.wait_for_selector(READY, timeout=15_000)
    assert page.get_attribute("#graph-expand", "aria-pressed") == "true"
    page.focus("#graph-expand")
    page.keyboard.press("Space")
    page.wait_for_timeout(300)
    assert page.get_attribute("#graph-expand", "aria-pressed") == "false"
    assert "graph=wide" not in page.url
    assert page.evaluate(GRAPH_STATE)["w"] < 0.9 * page.evaluate(GRAPH_STATE)["pageWidth"] or (
        width < 1100
    )
    assert_clean(page)
