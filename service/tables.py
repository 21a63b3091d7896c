"""CSV beside JSON: every list of the API as one RFC 4180 table (:mod:`csv`), for
spreadsheets and tools that read tables.

A list answers CSV when asked with ``format=csv`` or, without ``format``, when its ``Accept``
header prefers ``text/csv`` to ``application/json``. The table has one header row whose
column names are stable (:data:`COLUMNS`), one row per item of the JSON list, ``\\r\\n`` line
ends, and is served as ``text/csv; charset=utf-8`` with a ``Content-Disposition: inline;
filename=...csv`` hint. A list-valued field is joined with :data:`LIST_SEPARATOR` (ids, tags
and URLs never contain it); a missing value is an empty cell, a boolean ``true``/``false``.
Paging is the JSON's: the ``next`` page is in the ``Link`` header.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from typing import Any

from flask import Response, request

from service.negotiation import choose

#: The values of ``format`` on the lists.
FORMATS = ["json", "csv"]
CSV = "text/csv"
#: Joins the items of a list-valued field in one cell.
LIST_SEPARATOR = "|"

#: Each table's columns, in order: the names are part of the API (documented in OpenAPI).
COLUMNS: dict[str, list[str]] = {
    "events": [
        "id", "label", "type", "lane", "date", "begin", "end", "precision", "approximate",
        "uncertain", "display_date", "place", "actors", "tags",
    ],
    "links": [
        "id", "ref", "cause", "cause_label", "effect", "effect_label", "kind", "confidence",
        "status", "note", "asserted_by", "narratives", "sources", "disputed_by",
    ],
    "claims": [
        "id", "ref", "text", "verdict", "stated_in", "about", "asserts_links", "evidence",
        "sources",
    ],
    "chains": [
        "rank", "events", "links", "length", "strength", "weakest_link", "weakest_confidence",
    ],
    "causes": ["event", "label", "date", "depth", "root"],
    "effects": ["event", "label", "date", "depth"],
    "drivers": ["rank", "event", "label", "date", "score", "descendants", "descendants_truncated"],
    "what-if": ["event", "label", "date", "depth", "outcome"],
    "longest-chain": ["step", "event", "label", "date", "link"],
    "consistency": [
        "problem", "link", "claim", "cause", "effect", "cause_date", "effect_date", "status",
        "events", "links", "message",
    ],
}  # fmt: skip


def negotiated(offers: list[str]) -> str | None:
    """The offer the request's ``Accept`` header prefers (cached pages key on it)."""
    return choose(request.headers.get("Accept"), offers)


def wants_csv(args: Mapping[str, Any]) -> bool:
    """``format=csv``, or no ``format`` and an ``Accept`` header preferring ``text/csv``."""
    if args.get("format"):
        return bool(args["format"] == "csv")
    return negotiated(["application/json", CSV]) == CSV


def cell(value: Any) -> str:
    """One value as CSV text: lists joined, booleans lower case, ``None`` empty.

    >>> cell(["oil", "ruble"]), cell(True), cell(None), cell(0.5)
    ('oil|ruble', 'true', '', '0.5')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return LIST_SEPARATOR.join(cell(item) for item in value)
    return str(value)


def csv_response(
    table: str, rows: Iterable[Mapping[str, Any]], headers: Mapping[str, str] | None = None
) -> Response:
    """``rows`` as the CSV table ``table`` (:data:`COLUMNS`), with the headers of a list."""
    columns = COLUMNS[table]
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows([cell(row.get(column)) for column in columns] for row in rows)
    response = Response(text.getvalue(), content_type=f"{CSV}; charset=utf-8")
    response.headers["Content-Disposition"] = f'inline; filename="{table}.csv"'
    response.headers.extend(headers or {})
    response.vary.add("Accept")
    return response


# rows: one function a table, from the JSON body's items ---------------------------------------


def event_row(event: Mapping[str, Any]) -> dict[str, Any]:
    date = event["date"]
    return {
        **event,
        "date": date["edtf"],
        "display_date": date["display"],
        **{key: date[key] for key in ("begin", "end", "precision", "approximate", "uncertain")},
    }


def link_row(link: Mapping[str, Any]) -> dict[str, Any]:
    return {
        **link,
        "cause": link["cause"]["id"],
        "cause_label": link["cause"]["label"],
        "effect": link["effect"]["id"],
        "effect_label": link["effect"]["label"],
        "asserted_by": [agent["id"] for agent in link["asserted_by"]],
        "sources": [source["url"] for source in link["sources"]],
        "disputed_by": [source["url"] for source in link["disputed_by"]],
    }


def claim_row(claim: Mapping[str, Any]) -> dict[str, Any]:
    return {**claim, "sources": [source["url"] for source in claim["sources"]]}


def _labelled(row: Mapping[str, Any], labels: Mapping[str, Any]) -> dict[str, Any]:
    named = labels.get(row["event"], {})
    return {**row, "label": named.get("label"), "date": named.get("date")}


def analysis_rows(table: str, body: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The rows of an analysis answer (its JSON body, ``event_labels`` included)."""
    labels = body.get("event_labels", {})
    if table == "chains":
        return [
            {**chain, "rank": rank, "length": len(chain["links"])}
            for rank, chain in enumerate(body["chains"], start=1)
        ]
    if table == "causes":
        roots = set(body["roots"])
        return [
            _labelled({**row, "root": row["event"] in roots}, labels) for row in body["ancestors"]
        ]
    if table == "effects":
        return [_labelled(row, labels) for row in body["descendants"]]
    if table == "drivers":
        return [
            _labelled({**row, "rank": rank}, labels)
            for rank, row in enumerate(body["drivers"], start=1)
        ]
    if table == "what-if":
        return [
            _labelled({**row, "outcome": outcome}, labels)
            for outcome in ("orphaned", "still_supported")
            for row in body[outcome]
        ]
    if table == "longest-chain":
        links = [None, *body["links"]]
        return [
            _labelled({"step": step, "event": event, "link": links[step - 1]}, labels)
            for step, event in enumerate(body["events"], start=1)
        ]
    return consistency_rows(body)


_PROBLEMS = {
    "time_inversions": "time_inversion",
    "cycles": "cycle",
    "contradicted_claims": "contradicted_claim",
}


def consistency_rows(body: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The three lists of the consistency check as one table, ``problem`` saying which."""
    return [{**row, "problem": problem} for key, problem in _PROBLEMS.items() for row in body[key]]


def truncation(body: Mapping[str, Any]) -> dict[str, str]:
    """``X-Truncated: true`` when an analysis's ``limit`` cut it short (the CSV has no room
    for the JSON's ``truncated``)."""
    return {"X-Truncated": "true"} if body.get("truncated") else {}
