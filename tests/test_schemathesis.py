"""The JSON API against its own OpenAPI document, fuzzed by schemathesis over the real app:
no input the document allows (or forbids) gets a 5xx, every status and body conforms to the
document, and every 4xx is an RFC 9457 problem.

Response bodies are checked against typed, closed schemas (service.schemas): every property
typed, the ones always present required, no other property allowed. Half the examples name
real events, so that the analyses answer 200 with a body to check, not only 404 problems.

(schemathesis's lazy pytest loader reads a pytest attribute that pytest 9 removed, so the
operations are walked here with its Python API and Hypothesis directly.)
"""

from __future__ import annotations

import copy
import json

import pytest
import schemathesis
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.test import TestResponse

from graph.causal.comparison import TemporalRelation
from graph.data.loader import load_dataset

from .conftest import PROBLEM, running_app

EXAMPLES = 60
#: "Schema-valid data must be accepted" cannot hold for dates: JSON Schema can say what a
#: date looks like (the pattern in the document) but not that 2014-02-30 does not exist.
#: Such dates, and ids the data does not have (lane, actor, ...), get a documented 400
#: problem, which check_problem verifies.
NOT_CALENDAR_CHECKED = schemathesis.checks.positive_data_acceptance
#: The check that holds each answer to the response schema of its operation and status.
CONFORMANCE = schemathesis.checks.response_schema_conformance
#: Parameters that name events (location, name, which of two drawn events): real ids in half
#: the examples.
EVENT_PARAMETERS = [
    ("path_parameters", "event_id", 0),
    ("query", "source", 0),
    ("query", "target", 1),
    ("query", "a", 0),
    ("query", "b", 1),
    ("query", "focus", 0),
    ("query", "remove", 0),
]


@pytest.fixture(scope="module")
def app(events_path):
    with running_app(events_path) as app:
        yield app


@pytest.fixture(scope="module")
def api_schema(app):
    return schemathesis.openapi.from_wsgi("/openapi.json", app)


@pytest.fixture(scope="module")
def event_ids(events_path):
    return [event.id for event in load_dataset(events_path).events]


def check_problem(response) -> None:
    if 400 <= response.status_code < 500:
        headers = {name.lower(): value for name, value in response.headers.items()}
        assert headers["content-type"][0].startswith(PROBLEM)
        body = response.json()
        assert {"type", "title", "status", "detail"} <= set(body)
        assert body["status"] == response.status_code


def name_real_events(case, events: list[str]) -> None:
    """Put real event ids into the event parameters the case has (its other ones stay;
    schemathesis notices the change and re-decides whether the case is valid)."""
    for location, name, which in EVENT_PARAMETERS:
        container = getattr(case, location)
        if container and name in container:
            container[name] = events[which]


def test_every_operation_conforms_to_the_openapi_document(api_schema, event_ids):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 15  # the whole API is described, not a part
    real_events = st.lists(st.sampled_from(event_ids), min_size=2, max_size=2)

    for operation in operations:

        @given(case=operation.as_strategy(), events=st.none() | real_events)
        @settings(max_examples=EXAMPLES)  # per operation; the rest from the profile
        def conforms(case, events):
            if events is not None:
                name_real_events(case, events)
            check_problem(case.call_and_validate(excluded_checks=[NOT_CALENDAR_CHECKED]))

        conforms()


# -- the conformance check can fail ----------------------------------------------------------------


def test_a_body_off_its_schema_fails_the_checks_the_fuzzing_runs(api_schema, monkeypatch):
    a, b = "ruble-black-monday", "cbr-hike-to-17"  # events the answer's lookup can name
    wrong = TemporalRelation(a, b, None, None, ("someday",), True, "someday")  # type: ignore[arg-type]
    monkeypatch.setattr("service.views.analyses.describe_temporal_relation", lambda *args: wrong)
    case = api_schema["/api/temporal"]["GET"].Case(query={"a": "x", "b": "y"})
    with pytest.raises(BaseExceptionGroup, match="Response violates schema") as caught:
        case.call_and_validate(excluded_checks=[NOT_CALENDAR_CHECKED])
    assert {failure.title for failure in caught.value.exceptions} == {"Response violates schema"}


def _answer_with(response: TestResponse, body: object) -> TestResponse:
    """``response`` with another JSON body (same status, headers and request)."""
    data = json.dumps(body).encode()
    headers = [(k, v) for k, v in response.headers.items() if k != "Content-Length"]
    return TestResponse([data], response.status, headers, request=response.request)


def _spoil(body: dict, how: str, deep: bool) -> dict:
    """A copy of ``body`` that breaks its schema in one way, at the top or in the first object
    nested in it (through lists too)."""
    body = copy.deepcopy(body)
    target = body
    while deep:
        values = [v[0] if isinstance(v, list) and v else v for v in target.values()]
        # into a lookup keyed by event id (event_labels): the object of its first entry
        values = [
            next(iter(v.values())) if k == "event_labels" and v else v
            for k, v in zip(target, values, strict=True)
        ]
        nested = next((v for v in values if isinstance(v, dict) and v), None)
        if nested is None:
            break
        target, deep = nested, False
    key = next(iter(target))
    if how == "missing":
        del target[key]
    elif how == "unknown":
        target["unexpected"] = 1
    else:  # a value of the wrong type
        target[key] = "not a list" if isinstance(target[key], list) else [target[key]]
    return body


@pytest.mark.parametrize(
    "url",
    [
        "/api/events?limit=2",
        "/api/events/cbr-hike-to-17",
        "/api/timeline?limit=2",
        "/api/timeline/timelinejs?limit=2",
        "/api/claims",
        "/api/links?status=contested",
        "/api/chains?source=opec-decides-no-cut&target=cbr-hike-to-17",
        "/api/causes/cbr-hike-to-17",
        "/api/effects/opec-decides-no-cut",
        "/api/drivers?limit=2",
        "/api/what-if?remove=ruble-black-monday",
        "/api/longest-chain",
        "/api/consistency",
        "/api/temporal?a=ruble-black-monday&b=cbr-hike-to-17",
        "/api/compare?a=cbr-refinancing-rate-to-150&b=cbr-hike-to-17",
        "/api/graph?focus=cbr-hike-to-17",
    ],
)
def test_response_schemas_reject_a_body_off_its_shape(app, api_schema, url):
    """The check schemathesis runs on each answer (response_schema_conformance validates the
    body against the operation's response schema) accepts the real body and rejects one with
    a required property missing, an unknown property or a value of the wrong type, at the top
    and nested."""
    response = app.test_client().get(url)
    assert response.status_code == 200
    operation = api_schema.find_operation_by_path("GET", url.split("?")[0])
    assert operation.is_valid_response(response)
    body = response.get_json()
    for how in ("missing", "unknown", "wrong type"):
        for deep in (False, True):
            spoiled = _spoil(body, how, deep)
            assert not operation.is_valid_response(_answer_with(response, spoiled)), (how, deep)
