"""The HTTP service as it stands: health, status, and problem+json for every error."""

from __future__ import annotations

import pytest

from graph.errors import ValidationError

from .conftest import assert_problem


def test_health(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_status_reports_counts(client):
    body = client.get("/-/status").get_json()
    assert body["counts"] == {"events": 4, "links": 3, "claims": 2, "triples": 166}
    assert body["backend"] == "oxigraph"


def test_unknown_route_is_problem_json(client):
    body = assert_problem(client.get("/nowhere"), 404)
    assert body["instance"] == "/nowhere"


def test_wrong_method_is_problem_json(client):
    response = client.post("/health")
    assert_problem(response, 405)
    assert "GET" in response.headers["Allow"]


def test_invalid_data_refuses_to_start(make_app, tmp_path, tiny_path):
    bad = tmp_path / "events.yaml"
    bad.write_text(tiny_path.read_text(encoding="utf-8").replace("lane: oil\n", "lane: gas\n"))
    with pytest.raises(ValidationError):
        make_app(bad)
