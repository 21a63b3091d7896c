"""CORS (the ``CORS`` setting, ``ekg serve --cors``): off by default; on, the read-only routes
(/api, GET /sparql, /schema, /openapi.json) answer other origins without credentials, and
nothing that changes state (POST /sparql, /-/reload) ever does."""

from __future__ import annotations

import importlib

import pytest

from service.cli import main
from service.settings import setting

from .conftest import running_app

ORIGIN = {"Origin": "https://newsroom.example"}
READS = [
    ("/api/events", {}),
    ("/api/timeline", {}),
    ("/sparql", {"query": "ASK {}"}),
    ("/schema/events.json", {}),
    ("/openapi.json", {}),
]


def preflight(client, path, method="GET"):
    return client.options(
        path,
        headers={
            **ORIGIN,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": "accept, content-type",
        },
    )


@pytest.fixture(scope="module")
def cors_client(tiny_path):
    with running_app(tiny_path, CORS=True) as app:
        yield app.test_client()


@pytest.fixture(scope="module")
def plain_client(tiny_path):
    with running_app(tiny_path) as app:
        yield app.test_client()


def test_off_by_default():
    assert setting("CORS").default is False
    serve = {p.name: p for p in main.commands["serve"].params}
    assert serve["cors"].opts == ["--cors"] and serve["cors"].secondary_opts == ["--no-cors"]


@pytest.mark.parametrize(("path", "params"), READS)
def test_reads_carry_cors_without_credentials(cors_client, path, params):
    for method in (cors_client.get, cors_client.head):
        response = method(path, query_string=params, headers=ORIGIN)
        assert response.status_code == 200, path
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert "Access-Control-Allow-Credentials" not in response.headers


@pytest.mark.parametrize(("path", "params"), READS)
def test_preflight_is_204_for_reads(cors_client, path, params):
    response = preflight(cors_client, path)
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert set(response.headers["Access-Control-Allow-Headers"].split(", ")) == {
        "Accept",
        "Content-Type",
    }
    assert "Access-Control-Allow-Credentials" not in response.headers


def test_sparql_answers_expose_their_headers_and_errors_carry_cors(cors_client):
    answer = cors_client.get("/sparql", query_string={"query": "ASK {}"}, headers=ORIGIN)
    assert "X-SPARQL-Truncated" in answer.headers["Access-Control-Expose-Headers"]
    broken = cors_client.get("/sparql?query=ASK%20%7B", headers=ORIGIN)
    assert broken.status_code == 400
    assert broken.headers["Access-Control-Allow-Origin"] == "*"


def test_post_sparql_and_reload_never_get_cors(cors_client):
    posted = cors_client.post("/sparql", data={"query": "ASK {}"}, headers=ORIGIN)
    assert posted.status_code == 200
    assert "Access-Control-Allow-Origin" not in posted.headers
    reload = cors_client.post("/-/reload", headers=ORIGIN)
    assert "Access-Control-Allow-Origin" not in reload.headers
    asked = preflight(cors_client, "/-/reload", "POST")
    assert "Access-Control-Allow-Origin" not in asked.headers
    # A preflight for POST /sparql allows GET only, so a browser does not send the POST.
    assert "POST" not in preflight(cors_client, "/sparql", "POST").headers.get(
        "Access-Control-Allow-Methods", ""
    )


def test_pages_get_no_cors(cors_client):
    response = cors_client.get("/", headers=ORIGIN)
    assert "Access-Control-Allow-Origin" not in response.headers


@pytest.mark.parametrize(("path", "params"), READS)
def test_off_no_cors_headers(plain_client, path, params):
    response = plain_client.get(path, query_string=params, headers=ORIGIN)
    assert response.status_code == 200
    assert not any(name.startswith("Access-Control-") for name, _ in response.headers)
    asked = preflight(plain_client, path)
    assert asked.status_code != 204
    assert not any(name.startswith("Access-Control-") for name, _ in asked.headers)


def test_the_serve_flag_turns_it_on(runner, tiny_path, monkeypatch):
    seen = {}

    def run_server(app, **_):
        seen["cors"] = app.config["CORS"]
        app.extensions["ekg_generations"].close()

    monkeypatch.setattr(importlib.import_module("service.cli.main"), "run_server", run_server)
    for args, expected in (([], False), (["--cors"], True)):
        result = runner.invoke(
            main, ["serve", "--data", str(tiny_path), "--watch-interval", "0", *args]
        )
        assert result.exit_code == 0, result.output
        assert seen["cors"] is expected
