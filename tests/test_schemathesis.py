"""The JSON API against its own OpenAPI document, fuzzed by schemathesis over the real app:
no input the document allows (or forbids) gets a 5xx, every status and body conforms to the
document, and every 4xx is an RFC 9457 problem.

(schemathesis's lazy pytest loader reads a pytest attribute that pytest 9 removed, so the
operations are walked here with its Python API and Hypothesis directly.)
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import given, settings

from .conftest import PROBLEM, running_app

EXAMPLES = 60
#: "Schema-valid data must be accepted" cannot hold for dates: JSON Schema can say what a
#: date looks like (the pattern in the document) but not that 2014-02-30 does not exist.
#: Such dates get a documented 400 problem, which check_problem verifies.
NOT_CALENDAR_CHECKED = schemathesis.checks.positive_data_acceptance


@pytest.fixture(scope="module")
def api_schema(events_path):
    with running_app(events_path) as app:
        yield schemathesis.openapi.from_wsgi("/openapi.json", app)


def check_problem(response) -> None:
    if 400 <= response.status_code < 500:
        headers = {name.lower(): value for name, value in response.headers.items()}
        assert headers["content-type"][0].startswith(PROBLEM)
        body = response.json()
        assert {"type", "title", "status", "detail"} <= set(body)
        assert body["status"] == response.status_code


def test_every_operation_conforms_to_the_openapi_document(api_schema):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 10  # the whole API is described, not a part

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES)  # per operation; the rest from the profile
        def conforms(case):
            check_problem(case.call_and_validate(excluded_checks=[NOT_CALENDAR_CHECKED]))

        conforms()
