"""The query page at /sparql in a real browser, at desktop and phone size: it fits a phone,
result IRIs open this server's pages, and the Timeline, Graph and Code result views work
(offline, clean console, no CSP violation)."""

from __future__ import annotations

import json
import shutil
import subprocess
import urllib.parse
import urllib.request
from contextlib import redirect_stdout
from io import StringIO

import pytest
from rdflib.namespace import RDFS

from graph.vocab import SEM

from .conftest import ARTIFACTS
from .test_browser_app import assert_clean

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
VIEWPORTS = pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
PANEL = ".tabPanel.active"
EVENTS = (
    f"PREFIX rdfs: <{RDFS}>\nPREFIX sem: <{SEM}>\n"
    + """SELECT ?event ?label ?date WHERE {
  ?event a sem:Event ; rdfs:label ?label ;
    sem:hasBeginTimeStamp ?date .
} ORDER BY ?date ?event LIMIT 25
"""
)


def open_page(page, live_server: str, size: dict[str, int]) -> None:
    page.set_viewport_size(size)
    response = page.goto(f"{live_server}/sparql")
    assert response.ok and "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector("body[data-ready='1']", timeout=15_000)


def open_example(page, name: str) -> None:
    page.locator(f"#tab-example-{name}").click()


def run(page, query: str | None = None) -> int:
    """Run the active tab's query (``query`` replaces it first); the number of result rows."""
    if query is not None:
        page.evaluate("q => EKGSparql.yasgui.getTab().getYasqe().setValue(q)", query)
    page.evaluate(
        "() => { window.__drawn = false;"
        " EKGSparql.yasgui.getTab().getYasr().once('drawn', () => { window.__drawn = true; }); }"
    )
    page.locator(f"{PANEL} .yasqe_queryButton").click()
    page.wait_for_function("() => window.__drawn === true", timeout=30_000)
    return page.evaluate("EKGSparql.yasgui.getTab().getYasr().results.getBindings().length")


def select_view(page, name: str) -> None:
    page.locator(f"{PANEL} .yasr .select_{name}").click()
    page.locator(f"{PANEL} .ekg-view").first.wait_for(timeout=15_000)


def offered(page, name: str) -> bool:
    """Whether the view ``name`` can show the results (YASR greys out the others)."""
    button = page.locator(f"{PANEL} .yasr .select_{name}")
    return not button.evaluate("el => el.classList.contains('disabled')")


def fits(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_page_fits_a_phone_and_every_result_column_is_reachable(page, live_server):
    open_page(page, live_server, PHONE)
    open_example(page, "link-overview")
    assert run(page) > 0
    fits(page, 390)
    for selector in (f"{PANEL} .CodeMirror", f"{PANEL} .yasr_results", ".yasgui .tabsList"):
        box = page.locator(selector).first.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, selector
    results = page.locator(f"{PANEL} .yasr_results")
    widths = results.evaluate("el => [el.clientWidth, el.scrollWidth]")
    assert widths[1] > widths[0]  # the table is wider than the screen: it scrolls in its box
    columns = page.locator(f"{PANEL} .yasr .dataTable thead th")
    assert columns.count() == 8  # the row number and the query's 7 variables
    results.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    last = columns.last.bounding_box()
    assert last and last["x"] >= 0 and last["x"] + last["width"] <= 390 + 1
    fits(page, 390)
    ARTIFACTS.mkdir(exist_ok=True)
    results.evaluate("el => { el.scrollLeft = 0; }")
    page.screenshot(path=str(ARTIFACTS / "sparql-phone.png"), full_page=True)
    assert_clean(page)


@VIEWPORTS
def test_event_iris_in_results_open_this_servers_event_page(page, live_server, size):
    open_page(page, live_server, size)
    assert run(page, EVENTS) == 25
    link = page.locator(f"{PANEL} .yasr .dataTable tbody tr a.iri").first
    href, iri = link.get_attribute("href"), link.get_attribute("data-iri")
    assert iri.startswith("http://example.org/ekg/id/event/")
    assert href == "/api/events/" + iri.rsplit("/", 1)[1]
    # other IRIs keep their own href
    run(page, "SELECT ?type WHERE { ?type a skos:Concept } LIMIT 3")
    other = page.locator(f"{PANEL} .yasr .dataTable tbody tr a.iri").first
    assert other.get_attribute("href").startswith("http://example.org/ekg/id/")
    assert other.get_attribute("data-iri") is None
    response = page.goto(urllib.parse.urljoin(live_server, href))
    assert response.status == 200 and response.headers["content-type"].startswith("text/html")
    assert page.locator("h1").inner_text().strip()
    assert_clean(page)


@VIEWPORTS
def test_timeline_view_draws_one_item_per_dated_row(page, live_server, size):
    open_page(page, live_server, size)
    open_example(page, "events-on-a-timeline")
    rows = run(page)
    assert rows > 100
    select_view(page, "timeline")
    view = page.locator(f"{PANEL} .ekg-timeline-view")
    assert f"{rows} rows on the timeline, dated by ?date to ?end" in view.inner_text()
    page.locator(f"{PANEL} .vis-item").first.wait_for()
    item = page.locator(f"{PANEL} .vis-item a").first
    assert item.get_attribute("href").startswith("/api/events/")
    fits(page, size["width"])
    ARTIFACTS.mkdir(exist_ok=True)
    name = "sparql-timeline-view" + ("-phone" if size == PHONE else "")
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    run(page, EVENTS)  # the view stays selected for the next results
    page.locator(f"{PANEL} .vis-item").first.wait_for()
    assert "25 rows on the timeline" in page.locator(f"{PANEL} .ekg-timeline-view").inner_text()
    # results without a date column: no timeline offered, the table instead
    run(page, "SELECT ?lane ?label WHERE { ?lane a ekg:Lane ; skos:prefLabel ?label }")
    assert offered(page, "timeline") is False
    assert page.locator(f"{PANEL} .yasr .dataTable").count() == 1
    assert_clean(page)


@VIEWPORTS
def test_graph_view_draws_an_edge_per_pair_and_links_nodes_to_their_pages(page, live_server, size):
    open_page(page, live_server, size)
    open_example(page, "causal-graph")
    rows = run(page)
    select_view(page, "graph")
    page.locator(f"{PANEL} .ekg-graph-box canvas").first.wait_for()
    counts = page.evaluate(
        "() => { const cy = document.querySelector('.tabPanel.active .ekg-graph-box')._cyreg.cy;"
        " return [cy.nodes().length, cy.edges().length, cy.nodes()[0].data('label')]; }"
    )
    summary = page.locator(f"{PANEL} .ekg-graph-view").inner_text()
    assert f"{counts[0]} nodes and {counts[1]} edges, from ?cause to ?effect" in summary
    assert 0 < counts[1] <= rows and counts[2] and not counts[2].startswith("http")
    # a tap on a node gives a link to the event's page. (Scrolled into view first: cytoscape
    # keeps the container's place on screen and updates it on scroll events, not at once.)
    page.locator(f"{PANEL} .ekg-graph-box").scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    position = page.evaluate(
        "() => { const cy = document.querySelector('.tabPanel.active .ekg-graph-box')._cyreg.cy;"
        " const n = cy.nodes().filter(n => { const p = n.renderedPosition();"
        " return p.x > 0 && p.y > 0 && p.x < cy.width() && p.y < cy.height(); })[0];"
        " return n.renderedPosition(); }"
    )
    page.locator(f"{PANEL} .ekg-graph-box").click(position={"x": position["x"], "y": position["y"]})
    picked = page.locator(f"{PANEL} .ekg-graph-picked a")
    picked.wait_for()
    assert picked.get_attribute("href").startswith("/api/events/")
    fits(page, size["width"])
    ARTIFACTS.mkdir(exist_ok=True)
    name = "sparql-graph-view" + ("-phone" if size == PHONE else "")
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    # two IRI columns are needed
    run(page, EVENTS)
    assert offered(page, "graph") is False
    assert page.locator(f"{PANEL} .yasr .dataTable").count() == 1  # the table instead
    assert_clean(page)


def sparql_count(live_server: str, query: str) -> int:
    data = urllib.parse.urlencode({"query": query}).encode()
    request = urllib.request.Request(
        f"{live_server}/sparql", data, {"Accept": "application/sparql-results+json"}
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        return len(json.load(answer)["results"]["bindings"])


@VIEWPORTS
def test_code_view_snippets_run_and_give_the_pages_results(page, live_server, size, tmp_path):
    open_page(page, live_server, size)
    # quotes and a backslash in the query: each snippet must escape them
    query = EVENTS.replace(
        "} ORDER BY", '  FILTER (?label != "it\'s \\\\ a \\"test\\"")\n} ORDER BY'
    )
    rows = run(page, query)
    assert rows == 25 == sparql_count(live_server, query)
    select_view(page, "code")
    code = {
        lang: page.locator(f"{PANEL} .ekg-code-snippet[data-lang={lang}] code").inner_text()
        for lang in ("curl", "python", "javascript")
    }
    endpoint = f"{live_server}/sparql"
    assert all(endpoint in snippet for snippet in code.values())
    curl = subprocess.run(["sh", "-c", code["curl"]], capture_output=True, timeout=60, check=True)
    assert len(json.loads(curl.stdout)["results"]["bindings"]) == rows
    namespace: dict = {}
    with redirect_stdout(StringIO()) as printed:
        exec(code["python"], namespace)  # the snippet the page shows
    assert len(namespace["rows"]) == rows and printed.getvalue().count("\n") == rows
    if shutil.which("node"):
        script = tmp_path / "snippet.mjs"
        script.write_text(
            code["javascript"] + "\nconsole.log('ROWS', results.results.bindings.length);\n"
        )
        node = subprocess.run(["node", str(script)], capture_output=True, text=True, timeout=60)
        assert node.returncode == 0, node.stderr
        assert f"ROWS {rows}" in node.stdout
    fits(page, size["width"])
    box = page.locator(f"{PANEL} .ekg-code-snippet pre").first.bounding_box()
    assert box and box["x"] + box["width"] <= size["width"]
    ARTIFACTS.mkdir(exist_ok=True)
    name = "sparql-code-view" + ("-phone" if size == PHONE else "")
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    assert_clean(page)


def test_timeline_and_graph_draw_at_most_2000_rows_and_say_so(page, live_server):
    open_page(page, live_server, DESKTOP)
    pairs = (
        "SELECT ?a ?b ?date WHERE { ?a a sem:Event ; sem:hasBeginTimeStamp ?date ."
        " ?b a sem:Event } LIMIT 2100"
    )
    assert run(page, pairs) == 2100
    select_view(page, "timeline")
    view = page.locator(f"{PANEL} .ekg-timeline-view")
    assert "Showing the first 2000 of 2100 rows" in view.locator(".ekg-view-limit").inner_text()
    assert "2000 rows on the timeline" in view.inner_text()
    select_view(page, "graph")
    page.locator(f"{PANEL} .ekg-graph-box canvas").first.wait_for(timeout=60_000)
    view = page.locator(f"{PANEL} .ekg-graph-view")
    assert "Showing the first 2000 of 2100 rows" in view.locator(".ekg-view-limit").inner_text()
    assert "and 2000 edges" in view.inner_text()
    assert_clean(page)


ODD_IRIS = """PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
SELECT ?a ?b ?date WHERE {
  VALUES (?a ?b ?date) {
    (<http://example.org/place/Caf%E9> <javascript:alert(1)> "2014-12-16"^^xsd:date)
    (<javascript:alert(2)> <urn:x-ekg:ok> "2014-12-17"^^xsd:date)
  }
}"""


def unsafe_links(page) -> list[str]:
    return page.evaluate(
        "[...document.querySelectorAll('.tabPanel.active a[href]')].map(a => a.href)"
        ".filter(h => !/^(https?|urn):/i.test(h))"
    )


@VIEWPORTS
def test_odd_iris_are_drawn_and_only_safe_schemes_are_links(page, live_server, size):
    """Caf%E9 (not UTF-8) labels as it is instead of killing the view; javascript: IRIs are text."""
    open_page(page, live_server, size)
    assert run(page, ODD_IRIS) == 2
    cell = page.locator(f"{PANEL} .yasr .dataTable tbody").inner_text()
    assert "javascript:alert(1)" in cell and unsafe_links(page) == []
    select_view(page, "timeline")
    page.locator(f"{PANEL} .vis-item").first.wait_for()
    items = page.locator(f"{PANEL} .vis-item").all_inner_texts()
    assert any("Caf%E9" in text for text in items)
    assert page.locator(f"{PANEL} .vis-item a").count() == 1  # the http: one
    assert unsafe_links(page) == []
    select_view(page, "graph")
    page.locator(f"{PANEL} .ekg-graph-box canvas").first.wait_for()
    labels = page.evaluate(
        "() => { const cy = document.querySelector('.tabPanel.active .ekg-graph-box')._cyreg.cy;"
        " cy.nodes().filter(n => n.data('iri').startsWith('javascript:'))[0].emit('tap');"
        " return cy.nodes().map(n => n.data('label')); }"
    )
    assert "Caf%E9" in labels
    picked = page.locator(f"{PANEL} .ekg-graph-picked")
    assert "javascript:alert" in picked.inner_text()
    assert picked.locator("a").count() == 0 and unsafe_links(page) == []
    ARTIFACTS.mkdir(exist_ok=True)
    name = "sparql-graph-odd-iris" + ("-phone" if size == PHONE else "")
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    assert_clean(page)
