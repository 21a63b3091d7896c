"""A corpus of hostile inputs against the running service: bytes that are not UTF-8, huge
headers and bodies, path traversal in ids, extreme paging values, and HTML/script in the
curated text -- which must come out escaped everywhere it is rendered, including the
timeline, its tooltips and the causal graph in a real browser. Nothing may answer a 5xx or
take the service down; every error is an RFC 9457 problem."""

from __future__ import annotations

import shutil
import socket
from urllib.parse import urlsplit

import pytest

from .conftest import ARTIFACTS, assert_problem, running_app, served

XSS_LABEL = '<img src=x onerror="window.__xss=1">OPEC <script>window.__xss=2</script>'
XSS_NOTE = "</textarea><svg onload=window.__xss=3>"


@pytest.fixture(scope="module")
def hostile_data(tmp_path_factory, tiny_path):
    """tiny.yaml with script in an event label, a lane label, a link note and a claim."""
    path = tmp_path_factory.mktemp("hostile") / "events.yaml"
    shutil.copy(tiny_path, path)
    text = path.read_text()
    for old, new in (
        ("label: OPEC decides not to cut output", f"label: '{XSS_LABEL}'"),
        ("{id: oil, label: Oil}", "{id: oil, label: '<b onmouseover=window.__xss=4>Oil</b>'}"),
        ("note: Oil alone does not explain the crisis-week spike.", f"note: '{XSS_NOTE}'"),
    ):
        assert old in text
        text = text.replace(old, new)
    path.write_text(text)
    return path


@pytest.fixture(scope="module")
def app(hostile_data):
    with running_app(hostile_data) as app:
        yield app


def test_a_query_that_would_end_the_engine_is_refused_and_the_endpoint_serves_on(app, client):
    """2,600 MINUS in a row (40 kB) overflow pyoxigraph's stack (tests/test_guard.py shows
    it): refused from the text, 400, and no query process is lost to it."""

    def minus(n: int) -> str:
        return "SELECT * { ?s ?p ?o " + " MINUS { ?s <x:q> ?o }" * n + " }"

    refused = client.post("/sparql", data={"query": minus(2_600)})
    problem = assert_problem(refused, 400)
    assert "1,000 keywords and operators" in problem["detail"]
    app.config["SPARQL_MAX_OPERATORS"] = 5_000  # the limit is a setting
    try:
        assert client.post("/sparql", data={"query": minus(1_200)}).status_code == 200
    finally:
        app.config["SPARQL_MAX_OPERATORS"] = 1_000
    assert client.get("/sparql", query_string={"query": "ASK {}"}).status_code == 200


# -- bytes, sizes, paths ----------------------------------------------------------------------

NOT_UTF8 = b"\xff\xfe\xc3\x28"


@pytest.mark.parametrize(
    "path",
    [
        "/api/events?q=%FF%FE",
        "/api/timeline?type=%C3%28",
        "/api/chains?source=%FF&target=opec-no-cut",
        "/api/events/%FF%FE",
    ],
)
def test_query_strings_that_are_not_utf8_match_nothing(client, path):
    """Percent-escapes that are not UTF-8 decode to U+FFFD, which no id or text contains:
    an empty result, an unknown id (a 400 naming the filter) or an unknown event, never a
    crash."""
    response = client.get(path)
    if response.status_code == 400:
        assert_problem(response, 400, "type")
    elif response.status_code != 200:
        assert_problem(response, 404)


def test_a_sparql_query_that_is_not_utf8_is_a_client_error(client):
    assert_problem(client.get("/sparql?query=ASK%20%7B%7D%FF"), 400)


def test_a_form_body_that_is_not_utf8_is_a_client_error(client):
    response = client.post(
        "/sparql", data=b"query=" + NOT_UTF8, content_type="application/x-www-form-urlencoded"
    )
    assert_problem(response, 400)


def test_a_sparql_body_that_is_not_utf8_is_a_client_error(client):
    response = client.post("/sparql", data=NOT_UTF8, content_type="application/sparql-query")
    assert_problem(response, 400)


@pytest.mark.parametrize(
    "path",
    [
        "/api/events/..%2F..%2F..%2Fetc%2Fpasswd",
        "/api/events/%2e%2e/%2e%2e/events.yaml",
        "/api/events/opec-no-cut%00.yaml",
        "/api/events/" + "a" * 5000,
        "/id/event/..%2F..%2Fservice%2F__init__.py",
        "/static/..%2F..%2Fpyproject.toml",
        "/static/../service/__init__.py",
    ],
)
def test_path_traversal_in_ids_finds_nothing(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert b"[project]" not in response.data and b"create_app" not in response.data


@pytest.mark.parametrize(
    "query",
    [
        "limit=0",
        "limit=-1",
        "limit=1000000000000000000000",
        "limit=1e9",
        "limit=NaN",
        "page=" + "A" * 10_000,
        "page=%00%01",
        "from=99999-01",
        "from=-9999999",
        "to=0000",
        "type=" + ",".join(["x"] * 10_000),
    ],
)
def test_extreme_paging_and_filter_values_are_client_errors(client, query):
    for path in ("/api/events", "/api/timeline", "/api/timeline/timelinejs"):
        assert_problem(client.get(f"{path}?{query}"), 400)


@pytest.mark.parametrize(
    "query", ["max_depth=100000", "max_depth=-5", "limit=10000000", "source=&target="]
)
def test_extreme_analysis_bounds_are_client_errors(client, query):
    assert_problem(client.get(f"/api/chains?source=opec-no-cut&target=rate-hike&{query}"), 400)


def test_oversized_headers_are_refused_and_the_server_keeps_serving(app):
    with served(app, threads=2) as base:
        port = urlsplit(base).port
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(
                b"GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: " + b"a" * 400_000 + b"\r\n\r\n"
            )
            answer = sock.recv(4096)
        assert answer.split(b" ")[1] in (b"431", b"400")
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            assert sock.recv(4096).startswith(b"HTTP/1.1 200")


# -- curated text with HTML in it --------------------------------------------------------------


def test_script_in_curated_text_is_escaped_in_html_pages(client):
    for path in ("/api/events/opec-no-cut", "/", "/sparql"):
        response = client.get(path, headers={"Accept": "text/html"})
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert "<script>window.__xss" not in html and "<img src=x" not in html
        assert "onerror=" not in html.replace("onerror=&#34;", "").replace("onerror=&quot;", "")


def test_script_in_curated_text_is_escaped_in_timeline_exports(client):
    items = client.get("/api/timeline").get_json()
    labels = [item["content"] for item in items["items"]] + [g["content"] for g in items["groups"]]
    assert all("<" not in label for label in labels)
    assert any("&lt;script&gt;" in label for label in labels)
    slides = client.get("/api/timeline/timelinejs").get_json()["events"]
    assert all("<" not in slide["text"]["headline"] for slide in slides)


def test_script_in_curated_text_never_runs_in_the_browser(browser, app):
    with served(app, threads=4) as base:
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        try:
            page.goto(f"{base}/?event=opec-no-cut")
            page.wait_for_selector("body[data-ready='1']", timeout=15_000)
            page.hover("#timeline .vis-item")  # tooltips render HTML in vis-timeline
            page.wait_for_timeout(400)
            page.goto(f"{base}/api/events/opec-no-cut", wait_until="load")
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "hostile-event-page.png"))
            assert page.evaluate("window.__xss") is None
            assert XSS_LABEL.split(">")[0] in page.inner_text("body")  # shown as text
            page.goto(f"{base}/?event=opec-no-cut")
            page.wait_for_selector("body[data-ready='1']", timeout=15_000)
            assert page.evaluate("window.__xss") is None
            assert "<script>window.__xss=2</script>" in page.inner_text("body")
            assert errors == []
        finally:
            context.close()
