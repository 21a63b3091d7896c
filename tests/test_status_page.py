"""/-/status by content negotiation (an HTML page for browsers, JSON for clients, ``?format=``
decides instead), and the data version every answer names in ``EKG-Version``, so a page can
tell that the data changed under it."""

from __future__ import annotations

import re

import pytest

from graph.pipeline import build_knowledge_graph
from service.runtime.state import VERSION_HEADER

from .conftest import assert_problem
from .test_reload import NEW_LABEL, OLD_LABEL, edit
from .test_stories import write

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.parametrize(
    ("accept", "mimetype"),
    [
        (None, "application/json"),
        ("*/*", "application/json"),
        ("application/json", "application/json"),
        ("text/html", "text/html"),
        (BROWSER, "text/html"),
        ("text/html;q=0.5, application/json", "application/json"),
        ("image/png", "application/json"),  # nothing acceptable: JSON, as before negotiation
    ],
)
def test_status_answers_html_to_browsers_and_json_to_clients(client, accept, mimetype):
    headers = {"Accept": accept} if accept else {}
    answer = client.get("/-/status", headers=headers)
    assert answer.status_code == 200
    assert answer.mimetype == mimetype
    assert "Accept" in answer.vary


def test_format_decides_over_the_accept_header(client):
    forced = client.get("/-/status?format=json", headers={"Accept": BROWSER})
    assert forced.mimetype == "application/json" and forced.get_json()["dataset"] == "tiny"
    page = client.get("/-/status?format=html", headers={"Accept": "application/json"})
    assert page.mimetype == "text/html"
    body = assert_problem(client.get("/-/status?format=xml"), 400, "format")
    assert "json, html" in body["detail"]
    assert body["errors"] == [
        {"parameter": "format", "location": "query", "messages": [body["detail"][8:]]}
    ]


def test_the_status_page_shows_the_version_counts_and_its_frame(client):
    status = client.get("/-/status").get_json()
    page = client.get("/-/status", headers={"Accept": BROWSER})
    html = page.get_data(as_text=True)
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert "<title>Status · Tiny ruble crisis</title>" in html
    assert '<a href="/-/status" aria-current="page">Status</a>' in html
    assert f'<code id="status-version">{status["version"]}</code>, generation 1' in html
    assert f'<time datetime="{status["loaded_at"]}">' in html
    assert "4 events, 3 links, 2 claims, 166 triples" in html
    assert "<code>oxigraph</code>" in html
    assert "No reload since the service started." in html
    assert "/static/site.css" in html and "/static/status.css" in html


def test_the_status_page_lists_each_storys_counts(make_app, tmp_path):
    client = make_app(write(tmp_path)).test_client()
    stories = client.get("/-/status").get_json()["stories"]
    html = client.get("/-/status", headers={"Accept": BROWSER}).get_data(as_text=True)
    rows = re.findall(r'<th scope="row"><a href="([^"]+)">([^<]+)</a></th>(.*?)</tr>', html, re.S)
    cells = [(href, title, re.findall(r"<td>(\d+)</td>", tds)) for href, title, tds in rows]
    counts = [[str(s[key]) for key in ("events", "links", "claims", "triples")] for s in stories]
    assert cells == [
        ("/?story=first", "First story", counts[0]),
        ("/?story=second", "Second story", counts[1]),
    ]
    assert counts[0][0] != "0" and counts[1][3] != "0"


def test_the_status_page_shows_a_rejected_reload_with_every_problem_at_file_and_line(app, data):
    client = app.test_client()
    edit(data, "date: 2014-11-27", "date: 2014-13-27")
    edit(data, "lane: oil\n    place: vienna", "lane: nowhere\n    place: vienna")
    assert client.post("/-/reload").status_code == 422
    html = client.get("/-/status", headers={"Accept": "text/html"}).get_data(as_text=True)
    version = client.get("/-/status").get_json()["version"]
    assert '<p class="status-outcome status-rejected" id="status-outcome">' in html
    assert "<strong>Rejected</strong>" in html
    assert f"were not loaded; version <code>{version}</code> is still served." in html
    problems = re.findall(r"<li><code>([^<]+)</code> ([^<]+)</li>", html)
    assert [where for where, _ in problems] == ["events.yaml:30", "events.yaml:31"]
    assert "2014-13-27" in problems[0][1] and "nowhere" in problems[1][1]


def test_status_is_cheap_to_poll(client, data):
    first = client.get("/-/status")
    assert first.headers["Cache-Control"] == "no-cache" and first.headers["ETag"]
    again = client.get("/-/status", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    edit(data, OLD_LABEL, NEW_LABEL)
    assert client.post("/-/reload").status_code == 200
    changed = client.get("/-/status", headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200
    assert changed.get_json()["version"] != first.get_json()["version"]


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/-/status",
        "/api/events/oil-below-60",
        "/api/timeline?limit=2",
        "/api/causes/oil-below-60",
        "/api/events/no-such-event",  # an answer about the data, even a 404
    ],
)
def test_every_answer_from_the_data_names_its_version(client, path):
    version = client.get("/-/status").get_json()["version"]
    assert client.get(path).headers[VERSION_HEADER] == version


def test_answers_that_read_no_data_name_no_version(client):
    assert VERSION_HEADER not in client.get("/health").headers
    with client.get("/static/app-version.js") as static:
        assert VERSION_HEADER not in static.headers


def test_after_a_reload_answers_name_the_new_version_even_when_not_modified(client, data):
    old = client.get("/api/events?limit=1")
    edit(data, OLD_LABEL, NEW_LABEL)
    new_version = client.post("/-/reload").get_json()["version"]
    assert new_version != old.headers[VERSION_HEADER]
    # The first event did not change: the same ETag, a 304 -- of the new version.
    same = client.get("/api/events?limit=1", headers={"If-None-Match": old.headers["ETag"]})
    assert same.status_code == 304
    assert same.headers[VERSION_HEADER] == new_version


def test_the_home_page_knows_its_version_and_the_poll_interval(make_app, data):
    client = make_app(data, VERSION_POLL=7.5).test_client()
    page = client.get("/")
    tag = re.search(r'<script src="/static/app-version.js"([^>]*)>', page.get_data(as_text=True))
    assert tag is not None
    version = page.headers[VERSION_HEADER]
    assert f'data-status="/-/status" data-version="{version}" data-poll="7.5"' in tag.group(1)


def test_the_triples_are_counted_once_per_version(tiny_path, monkeypatch):
    """Counting a store's quads takes seconds at a million events; pages poll /-/status."""
    built = build_knowledge_graph(tiny_path)
    store_type = type(built.store)
    counted: list[int] = []
    original = store_type.__len__
    monkeypatch.setattr(store_type, "__len__", lambda self: counted.append(1) or original(self))
    first = built.counts()["triples"]
    assert first > 0 and built.counts()["triples"] == first
    assert len(counted) == 1
