"""The response contracts of the JSON API: every operation's 200 body is described by a typed,
closed schema in the OpenAPI document, real answers on every test dataset conform to it, and
describing a body leaves its bytes as the view built them."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from itertools import combinations, islice
from typing import Any

import pytest
import schemathesis

from graph.causal.consistency import check_consistency
from graph.causal.graph import build_causal_graph
from graph.causal.influence import analyze_causes
from graph.causal.labels import event_labels, mentioned_events
from graph.timeline.paging import EventIndex, query_events
from graph.timeline.records import event_summary
from graph.vocab import ASSERTED_STATUSES
from service import schemas

from .conftest import DATA, ROOT, running_app

DATASETS = [
    DATA / "tiny.yaml",
    ROOT / "events.yaml",
    DATA / "features.yaml",
    DATA / "multi" / "events.yaml",
]
ALL = "status=supported,qualified,contested,unsupported"


@pytest.fixture(scope="module")
def spec(tiny_path) -> Iterator[dict[str, Any]]:
    with running_app(tiny_path) as app:
        yield app.test_client().get("/openapi.json").get_json()


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _open_spots(spec: dict[str, Any], schema: dict[str, Any], where: str, seen: set[str]):
    """Where ``schema`` (followed through references) would accept more than it says."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        if name not in seen:
            seen.add(name)
            yield from _open_spots(spec, _resolve(spec, schema), name, seen)
        return
    combined = schema.get("anyOf", []) + schema.get("allOf", [])
    for option in combined:
        yield from _open_spots(spec, option, where, seen)
    kind = schema.get("type")
    if kind is None and not combined:
        yield f"{where}: no type"
    if kind == "array":
        yield from _open_spots(spec, schema.get("items", {}), f"{where}[]", seen)
    if kind == "object" and "properties" in schema:
        if schema.get("additionalProperties") is not False:
            yield f"{where}: other properties allowed"
        if not schema.get("required"):
            yield f"{where}: nothing required"
        for name, prop in schema["properties"].items():
            yield from _open_spots(spec, prop, f"{where}.{name}", seen)
    elif kind == "object" and isinstance(schema.get("additionalProperties"), dict):
        yield from _open_spots(spec, schema["additionalProperties"], f"{where}{{}}", seen)
    elif kind == "object" and not schema.get("nullable"):
        yield f"{where}: an object without properties"


def _json_operations(spec: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method == "get" and path.startswith("/api/"):
                yield path, operation


def test_every_json_answer_has_a_typed_closed_schema(spec):
    operations = dict(_json_operations(spec))
    assert len(operations) == 23
    for path, operation in operations.items():
        content = operation["responses"]["200"]["content"]
        schema = content["application/json"]["schema"]
        assert "$ref" in schema, path
        assert list(_open_spots(spec, schema, path, set())) == [], path


def test_closed_value_sets_are_enums(spec):
    components = spec["components"]["schemas"]
    kinds = ["causes", "enables", "prevents", "contributes_to", "correlates_with", "similar_to"]
    statuses = ["supported", "qualified", "contested", "unsupported"]
    for name in ("EventLink", "TimelineLink", "LinkInfo", "GraphEdgeData"):
        properties = components[name]["properties"]
        edge_kinds = [*kinds, "part_of"] if name == "GraphEdgeData" else kinds  # not a link
        assert properties["kind"]["enum"] == edge_kinds, name
        assert properties["status"]["enum"] == statuses, name
    assert components["Claim"]["properties"]["verdict"]["enum"] == [
        "verified",
        "partly-supported",
        "article-only",
        "misstated",
        "opinion",
    ]
    assert "met by" in components["TemporalRelation"]["properties"]["phrase"]["enum"]
    assert components["Quantity"]["properties"]["previous"]["nullable"] is True


def test_status_parameters_state_their_true_default(spec):
    """One default, everywhere: analyses follow the evidence lens (the links stated as facts)
    unless told otherwise, and the document says so; `status` narrows a lens and has no default
    of its own, like the event and link filters (no filter)."""

    def defaults(name: str) -> dict[str, Any]:
        return {
            path: parameter["schema"].get("default")
            for path, operation in _json_operations(spec)
            for parameter in operation.get("parameters", [])
            if parameter["name"] == name
        }

    statuses, lenses = defaults("status"), defaults("lens")
    assert set(statuses.values()) == {None}
    filters = {"/api/events", "/api/links", "/api/timeline", "/api/timeline/timelinejs"}
    filters.add("/api/timeline/window")
    analyses = {path: default for path, default in lenses.items() if path not in filters}
    assert sorted(analyses) == [
        "/api/causes/{event_id}",
        "/api/chains",
        "/api/compare",
        "/api/drivers",
        "/api/effects/{event_id}",
        "/api/graph",
        "/api/longest-chain",
        "/api/what-if",
    ]
    assert set(analyses.values()) == {"evidence"}
    for path, operation in _json_operations(spec):
        for parameter in operation.get("parameters", []):
            if parameter["name"] == "status" and path in analyses:
                assert "that is supported, qualified" in parameter["description"]
                assert {"supported", "qualified"} == ASSERTED_STATUSES


def _urls(dataset) -> Iterator[str]:
    """A sweep of the API over one dataset: every operation, every event, several filters."""
    ids = [event.id for event in dataset.events]
    yield from ["/api/events?limit=3", "/api/events?sort=label&limit=1000", "/api/consistency"]
    yield from ["/api/timeline?limit=1000", "/api/timeline?limit=2&sort=-date"]
    yield from ["/api/timeline/timelinejs?limit=1000", "/api/claims", "/api/claims?verdict=opinion"]
    yield from ["/api/links", "/api/links?limit=2", "/api/links?status=contested,unsupported"]
    yield from ["/api/narratives", "/api/narratives/compare?a=evidence&b=all", "/api/stories"]
    yield from ["/api/analogies", "/api/search?q=bank", "/api/events?q=rate%20hike&limit=5"]
    yield from ["/api/timeline/window", "/api/timeline/window?width=100&lens=all"]
    yield from [f"/api/narratives/{n.id}" for n in dataset.narratives]
    for narrative in dataset.narratives:
        yield f"/api/narratives/compare?a={narrative.id}&b=evidence"
        yield f"/api/drivers?lens={narrative.id}"
        yield f"/api/timeline?limit=1000&lens={narrative.id}"
    if len(ids) > 1:
        yield f"/api/narratives/compare?a=all&b=evidence&source={ids[0]}&target={ids[-1]}"
    for options in ("", ALL, "status=contested", "kind=similar_to,correlates_with"):
        yield from [f"/api/drivers?limit=100&{options}", f"/api/longest-chain?{options}"]
    for event in ids:
        yield f"/api/events/{event}"
        yield f"/api/links?event={event}"
        for options in ("", ALL):
            yield f"/api/causes/{event}?{options}"
            yield f"/api/effects/{event}?{options}"
            yield f"/api/what-if?remove={event}&{options}"
            yield f"/api/graph?focus={event}&depth=2&{options}"
    pairs = list(combinations(ids, 2))
    for a, b in islice(pairs, 0, None, max(1, len(pairs) // 25)):
        yield f"/api/temporal?a={a}&b={b}"
        yield f"/api/compare?a={a}&b={b}&{ALL}"
        yield f"/api/compare?a={b}&b={a}"
        yield f"/api/chains?source={a}&target={b}&{ALL}"
        yield f"/api/chains?source={b}&target={a}"
        yield f"/api/graph?chain={a},{b}"
    yield from ["/api/events/nowhere", "/api/causes/nowhere", "/api/graph?focus=x&chain=y"]


@pytest.mark.parametrize("path", DATASETS, ids=lambda path: path.relative_to(ROOT).as_posix())
def test_real_answers_conform_to_the_document(path, make_app):
    app = make_app(path)
    api = schemathesis.openapi.from_wsgi("/openapi.json", app)
    client = app.test_client()
    answered = set()
    for url in _urls(app.extensions["ekg_generations"].current.built.dataset):
        response = client.get(url)
        operation = api.find_operation_by_path("GET", url.split("?")[0])
        operation.validate_response(response)  # raises, naming every violation
        if response.status_code == 200:
            answered.add(operation.path)
    paths = set(api.raw_schema["paths"])
    if not app.extensions["ekg_generations"].current.built.dataset.narratives:
        paths.discard("/api/narratives/{narrative_id}")  # no narrative to answer with
    assert answered == paths  # a 200 body of every operation checked


def test_consistency_findings_conform(data, monkeypatch, make_app):
    """The test datasets are consistent, so the lists are filled here: a contested link that
    runs backwards in time, a claim asserting it and a cycle (a loop, which validation would
    refuse in a file, added to the graph the check searches)."""
    event = """  - id: early
    label: Something earlier
    type: oil-market
    date: 2014-01
    lane: oil
    sources: [{url: https://example.org/early, title: Early, publisher: Somebody}]
"""
    link = """  - id: hike-to-early
    cause: rate-hike
    effect: early
    kind: causes
    confidence: 0.2
    status: contested
    asserted_by: [seed-article]
    disputed_by: [https://example.org/early]
"""
    claim = """  - id: claim-early
    stated_in: seed-article
    text: The hike caused it
    verdict: misstated
    asserts_links: [hike-to-early]
    sources: [https://example.org/early]
"""
    text = data.read_text(encoding="utf-8")
    text = text.replace("\nlinks:\n", f"\n{event}links:\n")
    data.write_text(text.replace("\nclaims:\n", f"\n{link}claims:\n") + claim, encoding="utf-8")

    def with_a_loop(dataset, graph):
        looped = graph.copy()
        looped.add_edge("ruble-falls", "ruble-falls", id="loop", kind="causes",
                        confidence=1.0, status="unsupported", links=["loop"])  # fmt: skip
        return check_consistency(dataset, looped)

    monkeypatch.setattr("service.views.analyses.check_consistency", with_a_loop)
    app = make_app(data)
    api = schemathesis.openapi.from_wsgi("/openapi.json", app)
    response = app.test_client().get("/api/consistency")
    body = response.get_json()
    assert [len(found) for found in body.values()] == [1, 1, 1, 3]  # and 3 events named
    assert sorted(body["event_labels"]) == ["early", "rate-hike", "ruble-falls"]
    api["/api/consistency"]["GET"].validate_response(response)


# -- bodies are the views' own ------------------------------------------------------------------


def _bytes(body: Any) -> bytes:
    """What Flask sends for ``body`` (compact JSON, keys in the order built, a final newline)."""
    return (json.dumps(body, separators=(",", ":")) + "\n").encode()


def test_describing_a_body_does_not_change_it():
    body = {"z": 1, "a": [None], "unknown": {"kept": True}}
    for schema in vars(schemas).values():
        if isinstance(schema, type) and issubclass(schema, schemas.BodySchema):
            assert schema().dump(body) is body, schema.__name__


def test_answers_are_the_bodies_the_views_build_byte_for_byte(real_client, real):
    """Key for key, in the order built: the schemas describe the bodies, they do not remake them."""
    graph = build_causal_graph(real)
    hike = "cbr-hike-to-17"
    found = analyze_causes(graph, hike)
    lookup = event_labels(graph, mentioned_events(found))
    body = {**dataclasses.asdict(found), "event_labels": lookup}
    assert real_client.get(f"/api/causes/{hike}").data == _bytes(body)
    page = query_events(EventIndex.from_dataset(real), sort="label", limit=3)
    body = {
        "events": [event_summary(e) for e in page.events],
        "count": page.count,
        "next": page.next,
    }
    assert real_client.get("/api/events?sort=label&limit=3").data == _bytes(body)
