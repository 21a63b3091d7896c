"""Issue 18, legibility of the home page: the causal graph fits its selection at a legible
zoom and expands to the page's width; timeline labels make way by importance; the time axis
never runs its labels together. At 1280x800 and 390x844, offline, clean console."""

from __future__ import annotations

from itertools import pairwise

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
    back = page.evaluate(GRAPH_STATE)
    assert back["w"] < 0.9 * back["pageWidth"] or width < 1100
    assert_clean(page)


AXIS_LABELS = """() => [...document.querySelectorAll('#timeline .vis-time-axis .vis-minor')]
  .filter((node) => node.classList.contains('vis-text'))
  .filter((node) => getComputedStyle(node).visibility !== 'hidden' && node.textContent.trim())
  .map((node) => {
    const range = document.createRange();
    range.selectNodeContents(node);
    const r = range.getBoundingClientRect();
    return { text: node.textContent.trim(), left: r.left, right: r.right };
  })
  .sort((a, b) => a.left - b.left)"""


@pytest.mark.parametrize(("width", "height"), VIEWPORTS)
def test_axis_labels_never_run_together(page, live_server, width, height):
    page.set_viewport_size({"width": width, "height": height})
    open_home(page, live_server)
    presets = page.evaluate("Object.keys(app.story.presets)")
    assert len(presets) >= 2
    for index in range(len(presets)):
        page.evaluate(f"app.zoom('{index + 1}')")
        page.wait_for_timeout(400)
        labels = page.evaluate(AXIS_LABELS)
        assert labels, index
        for a, b in pairwise(labels):
            assert a["right"] + 3 <= b["left"], (index + 1, a, b)  # a gap, never run together
        if index == 0:
            page.locator(".timeline-section").screenshot(
                path=str(ARTIFACTS / f"app-zoom-longest-{width}.png")
            )
    assert_clean(page)


LABELS = """(cls) => [...document.querySelectorAll('#timeline .vis-item.' + cls + ':not(.vis-dot)')]
  .map((item) => {
  const text = item.querySelector('.ti-text');
  const content = item.querySelector('.vis-item-content').getBoundingClientRect();
  const ti = item.querySelector('.ti');
  return {
    id: ti && ti.dataset.itemId, classes: [...item.classList],
    truncated: !text || text.scrollWidth > text.clientWidth + 1
      || ti.scrollWidth > ti.clientWidth + 1
      || text.textContent.endsWith('…') || getComputedStyle(ti).display === 'none',
    box: { left: content.left, right: content.right, top: content.top, bottom: content.bottom },
  };
})"""


def overlap(a: dict, b: dict) -> bool:
    return (
        a["left"] < b["right"] - 1
        and b["left"] < a["right"] - 1
        and a["top"] < b["bottom"] - 1
        and b["top"] < a["bottom"] - 1
    )


def check_whole_and_apart(labels: list[dict]) -> None:
    assert labels
    for label in labels:
        assert not label["truncated"], label
    for i, a in enumerate(labels):
        for b in labels[i + 1 :]:
            assert not overlap(a["box"], b["box"]), (a, b)


@pytest.mark.parametrize(("width", "height"), VIEWPORTS)
def test_cluster_labels_make_way_by_importance(page, live_server, width, height):
    page.set_viewport_size({"width": width, "height": height})
    open_home(page, live_server)
    example = page.evaluate("app.story.example_chain")
    open_home(page, live_server, f"?source={example['source']}&target={example['target']}&path=0")
    # The chosen chain: whole labels (wrapped, never "…"), apart, in the default window and in
    # the densest cluster (the story's narrowest preset).
    check_whole_and_apart(page.evaluate(LABELS, "is-chain"))
    presets = page.evaluate("app.story.presets.length")
    page.evaluate(f"app.zoom('{presets}')")
    page.wait_for_timeout(500)
    check_whole_and_apart(page.evaluate(LABELS, "is-chain"))
    page.locator(".timeline-section").screenshot(
        path=str(ARTIFACTS / f"app-labels-cluster-chain-{width}.png")
    )
    # A selected event with its causes and effects, in the default window.
    open_home(page, live_server, "?event=cbr-hike-to-17")
    check_whole_and_apart(page.evaluate(LABELS, "is-selected"))
    focus = page.evaluate(LABELS, "is-chain") + page.evaluate(LABELS, "is-selected")
    focus += page.evaluate(LABELS, "is-cause") + page.evaluate(LABELS, "is-effect")
    for label in focus:
        assert not label["truncated"], label
    page.locator(".timeline-section").screenshot(
        path=str(ARTIFACTS / f"app-labels-cluster-{width}.png")
    )
    # Without a selection the labels make way by importance: the most important event of the
    # window keeps its whole label; less important ones are shortened or reduced to their dot.
    open_home(page, live_server)
    plan = page.evaluate(
        """() => app.visibleIds().map((id) => ({
            id, importance: app.data.selection.get(id).importance,
            classes: app.itemClasses(id) || [] }))"""
    )
    top = max(plan, key=lambda p: p["importance"])
    assert top["importance"] > 0 and "lbl-full" in top["classes"], top
    assert any("lbl-dot" in p["classes"] or "lbl-short" in p["classes"] for p in plan)
    made_way = [p for p in plan if "lbl-dot" in p["classes"] or "lbl-short" in p["classes"]]
    assert max(p["importance"] for p in made_way) <= top["importance"]
    check_whole_and_apart(page.evaluate(LABELS, "lbl-full"))
    # A span too narrow for its label has it beside it (once the timeline has laid its items
    # out at their final width); the arrows are drawn beneath labels.
    page.wait_for_selector("#timeline .vis-item.vis-range.lbl-beside", timeout=5_000)
    beside = page.evaluate(
        """() => [...document.querySelectorAll('#timeline .vis-item.vis-range.lbl-beside')]
          .map((item) => ({
          bar: item.getBoundingClientRect().right,
          label: item.querySelector('.vis-item-content').getBoundingClientRect().left,
          hidden: item.querySelector('.ti').classList.contains('ti-hidden') }))"""
    )
    assert beside and all(b["label"] >= b["bar"] - 1 and not b["hidden"] for b in beside)
    z = page.evaluate(
        "[getComputedStyle(document.getElementById('timeline')).zIndex,"
        " getComputedStyle(document.getElementById('tl-arrows')).zIndex].map(Number)"
    )
    assert z[0] > z[1]
    page.locator(".timeline-section").screenshot(
        path=str(ARTIFACTS / f"app-labels-default-{width}.png")
    )
    assert_clean(page)
