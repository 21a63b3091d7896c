"""CSV beside JSON: every list and tabular analysis answers ``format=csv`` (or ``Accept:
text/csv``) with an RFC 4180 table whose rows are the JSON list's items, in the same order."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from service.tables import COLUMNS, LIST_SEPARATOR

from .conftest import assert_problem

CSV_TYPE = "text/csv; charset=utf-8"


def read_csv(response: Any) -> list[dict[str, str]]:
    """The rows of a CSV answer, after checking its headers and its header row."""
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.headers["Content-Type"] == CSV_TYPE
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("inline; filename=") and disposition.endswith('.csv"')
    assert "Accept" in response.headers.get("Vary", "")
    text = response.get_data(as_text=True)
    assert text.endswith("\r\n")
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    table = disposition.removeprefix('inline; filename="').removesuffix('.csv"')
    assert reader.fieldnames == COLUMNS[table]
    return list(reader)


def split(cell: str) -> list[str]:
    return cell.split(LIST_SEPARATOR) if cell else []


@pytest.fixture(scope="module")
def ids(real_client) -> dict[str, str]:
    """Real event ids: the ends of the longest chain, and a cause of its last event."""
    chain = real_client.get("/api/longest-chain").get_json()
    return {"first": chain["events"][0], "last": chain["events"][-1]}


def json_and_csv(client, url: str) -> tuple[dict[str, Any], list[dict[str, str]]]:
    sep = "&" if "?" in url else "?"
    body = client.get(url).get_json()
    return body, read_csv(client.get(f"{url}{sep}format=csv"))


@pytest.mark.parametrize("url", ["/api/events?limit=200", "/api/events?story=ruble-crisis-2014"])
def test_events_csv_is_the_json_row_for_row(real_client, url):
    body, rows = json_and_csv(real_client, url)
    assert len(rows) == body["count"] == len(body["events"]) > 0
    for row, event in zip(rows, body["events"], strict=True):
        assert row["id"] == event["id"] and row["label"] == event["label"]
        assert row["date"] == event["date"]["edtf"] and row["begin"] == event["date"]["begin"]
        assert row["approximate"] == str(event["date"]["approximate"]).lower()
        assert split(row["actors"]) == event["actors"] and split(row["tags"]) == event["tags"]
        assert row["place"] == (event["place"] or "")


def test_links_csv_is_the_json_row_for_row(real_client):
    body, rows = json_and_csv(real_client, "/api/links?status=supported,contested")
    assert len(rows) == body["count"] == len(body["links"]) > 0
    for row, link in zip(rows, body["links"], strict=True):
        assert (row["id"], row["cause"], row["effect"]) == (
            link["id"],
            link["cause"]["id"],
            link["effect"]["id"],
        )
        assert float(row["confidence"]) == link["confidence"] and row["status"] == link["status"]
        assert split(row["sources"]) == [source["url"] for source in link["sources"]]
        assert split(row["asserted_by"]) == [agent["id"] for agent in link["asserted_by"]]
        assert row["note"] == (link["note"] or "")


def test_claims_csv_is_the_json_row_for_row(real_client):
    body, rows = json_and_csv(real_client, "/api/claims")
    assert [row["id"] for row in rows] == [claim["id"] for claim in body["claims"]]
    assert len(rows) == body["count"] > 0
    for row, claim in zip(rows, body["claims"], strict=True):
        assert row["text"] == claim["text"] and row["verdict"] == claim["verdict"]
        assert split(row["about"]) == claim["about"]
        assert split(row["asserts_links"]) == claim["asserts_links"]


def test_chains_csv(real_client, ids):
    body, rows = json_and_csv(
        real_client, f"/api/chains?source={ids['first']}&target={ids['last']}"
    )
    assert len(rows) == body["count"] == len(body["chains"]) > 0
    for rank, (row, chain) in enumerate(zip(rows, body["chains"], strict=True), start=1):
        assert int(row["rank"]) == rank and split(row["events"]) == chain["events"]
        assert split(row["links"]) == chain["links"] and int(row["length"]) == len(chain["links"])
        assert float(row["strength"]) == chain["strength"]


def test_causes_and_effects_csv(real_client, ids):
    body, rows = json_and_csv(real_client, f"/api/causes/{ids['last']}")
    assert [row["event"] for row in rows] == [a["event"] for a in body["ancestors"]]
    assert [int(row["depth"]) for row in rows] == [a["depth"] for a in body["ancestors"]]
    assert {row["event"] for row in rows if row["root"] == "true"} == set(body["roots"])
    assert all(row["label"] == body["event_labels"][row["event"]]["label"] for row in rows)
    body, rows = json_and_csv(real_client, f"/api/effects/{ids['first']}")
    assert [row["event"] for row in rows] == [d["event"] for d in body["descendants"]]
    assert len(rows) > 1


def test_drivers_csv(real_client):
    body, rows = json_and_csv(real_client, "/api/drivers?limit=15")
    assert [row["event"] for row in rows] == [d["event"] for d in body["drivers"]]
    assert [float(row["score"]) for row in rows] == [d["score"] for d in body["drivers"]]
    assert [row["rank"] for row in rows] == [str(n) for n in range(1, 16)]


def test_what_if_csv(real_client, ids):
    body, rows = json_and_csv(real_client, f"/api/what-if?remove={ids['first']}")
    expected = [(r["event"], "orphaned") for r in body["orphaned"]]
    expected += [(r["event"], "still_supported") for r in body["still_supported"]]
    assert [(row["event"], row["outcome"]) for row in rows] == expected and expected


def test_longest_chain_csv(real_client):
    body, rows = json_and_csv(real_client, "/api/longest-chain")
    assert [row["event"] for row in rows] == body["events"]
    assert [row["link"] for row in rows] == ["", *body["links"]]


def test_consistency_csv(real_client):
    body, rows = json_and_csv(real_client, "/api/consistency")
    lists = ("time_inversions", "cycles", "contradicted_claims")
    assert len(rows) == sum(len(body[name]) for name in lists) > 0
    found = {(row["problem"], row["link"], row["message"]) for row in rows}
    assert (
        "time_inversion",
        *(body["time_inversions"][0][k] for k in ("link", "message")),
    ) in found


def test_accept_text_csv_negotiates_and_format_wins(real_client):
    url = "/api/events?limit=7&sort=label"
    as_csv = real_client.get(url, headers={"Accept": "text/csv"})
    assert as_csv.headers["Content-Type"] == CSV_TYPE
    assert as_csv.data == real_client.get(f"{url}&format=csv").data
    # The page cache keeps both: the same URL answers JSON again to a JSON client.
    for accept in ("application/json", "text/csv;q=0.5, application/json", "*/*"):
        response = real_client.get(url, headers={"Accept": accept})
        assert response.is_json and response.headers["Vary"] == "Accept"
    forced = real_client.get(f"{url}&format=json", headers={"Accept": "text/csv"})
    assert forced.is_json
    chains = real_client.get("/api/drivers", headers={"Accept": "text/csv"})
    assert chains.headers["Content-Type"] == CSV_TYPE
    claims = real_client.get("/api/claims", headers={"Accept": "text/csv"})
    assert claims.headers["Content-Type"] == CSV_TYPE


def test_csv_pages_follow_the_link_header(real_client):
    url = "/api/events?limit=40&format=csv"
    seen: list[str] = []
    for _ in range(20):
        response = real_client.get(url)
        seen += [row["id"] for row in read_csv(response)]
        if "Link" not in response.headers:
            break
        url = response.headers["Link"].split(">")[0].removeprefix("<")
        assert "format=csv" in url and "next=" in url
    everything = real_client.get("/api/events?limit=1000").get_json()["events"]
    assert seen == [event["id"] for event in everything] and len(seen) > 40


def test_a_truncated_analysis_says_so_in_a_header(real_client, ids):
    response = real_client.get(f"/api/causes/{ids['last']}?limit=1&format=csv")
    assert response.headers["X-Truncated"] == "true" and len(read_csv(response)) == 1
    assert "X-Truncated" not in real_client.get(f"/api/causes/{ids['last']}?format=csv").headers


@pytest.mark.parametrize(
    "url",
    [
        "/api/events",
        "/api/links",
        "/api/claims",
        "/api/drivers",
        "/api/consistency",
        "/api/longest-chain",
        "/api/chains?source=a&target=b",
    ],
)
def test_an_unknown_format_is_a_problem_naming_the_formats(real_client, url):
    sep = "&" if "?" in url else "?"
    problem = assert_problem(real_client.get(f"{url}{sep}format=xlsx"), 400, "format")
    assert "json, csv" in problem["detail"]


def test_a_label_with_comma_quote_and_newline_round_trips(make_app, data):
    text = data.read_text(encoding="utf-8")
    tricky = 'OPEC, "no cut"\nsays Vienna; | too'
    label = '"' + tricky.replace('"', '\\"').replace("\n", "\\n") + '"'
    data.write_text(text.replace("OPEC decides not to cut output", label, 1), encoding="utf-8")
    client = make_app(data).test_client()
    rows = read_csv(client.get("/api/events?format=csv"))
    by_id = {row["id"]: row for row in rows}
    assert by_id["opec-no-cut"]["label"] == tricky
    assert len(rows) == client.get("/api/events").get_json()["count"]


def test_the_csv_forms_are_documented(real_client):
    spec = real_client.get("/openapi.json").get_json()
    paths = {
        "/api/events": "events",
        "/api/links": "links",
        "/api/claims": "claims",
        "/api/chains": "chains",
        "/api/causes/{event_id}": "causes",
        "/api/effects/{event_id}": "effects",
        "/api/drivers": "drivers",
        "/api/what-if": "what-if",
        "/api/longest-chain": "longest-chain",
        "/api/consistency": "consistency",
    }
    for path, table in paths.items():
        operation = spec["paths"][path]["get"]
        content = operation["responses"]["200"]["content"]
        assert {"application/json", "text/csv"} <= set(content), path
        assert ", ".join(COLUMNS[table]) in content["text/csv"]["schema"]["description"]
        formats = [p for p in operation["parameters"] if p["name"] == "format"]
        assert formats and formats[0]["schema"]["enum"] == ["json", "csv"], path
