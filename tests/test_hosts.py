"""The Host names the service answers for (``ALLOWED_HOSTS``): a DNS-rebinding page names its
own host, and gets 400 on every route, POST /-/reload included."""

from __future__ import annotations

import sys

import pytest

from service.cli import main
from service.hosts import allowed_hosts, host_name, is_allowed
from tests.conftest import assert_problem

LOOPBACK = ["localhost", "LOCALHOST:8080", "127.0.0.1:5000", "[::1]:80", "localhost."]


@pytest.mark.parametrize("host", LOOPBACK)
def test_loopback_names_are_answered_on_any_port(app, host):
    client = app.test_client()
    assert client.get("/health", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize("path", ["/health", "/api/timeline", "/-/status", "/sparql", "/"])
def test_a_foreign_host_gets_a_400_problem_on_every_route(app, path):
    answer = app.test_client().get(path, headers={"Host": "evil.example:8080"})
    body = assert_problem(answer, 400)
    assert body["type"] == "/problems/disallowed-host"
    assert "'evil.example'" in body["detail"] and "EKG_ALLOWED_HOSTS" in body["detail"]


def test_a_rebinding_page_cannot_reload(app):
    """Its name resolves to 127.0.0.1, so the request comes from loopback, same-origin."""
    headers = {"Host": "rebind.example", "Origin": "http://rebind.example"}
    answer = app.test_client().post("/-/reload", headers=headers)
    assert assert_problem(answer, 400)["type"] == "/problems/disallowed-host"


def test_the_configured_names_and_their_subdomains_are_answered(make_app, data):
    client = make_app(data, ALLOWED_HOSTS=("ekg.example.org", ".example.net")).test_client()
    for host in ("ekg.example.org", "EKG.example.org:443", "example.net", "a.b.example.net"):
        assert client.get("/health", headers={"Host": host}).status_code == 200, host
    for host in ("example.org", "ekg.example.org.evil", "notexample.net"):
        assert client.get("/health", headers={"Host": host}).status_code == 400, host
    assert client.get("/health", headers={"Host": "localhost"}).status_code == 200


def test_a_star_answers_every_name(make_app, data):
    client = make_app(data, ALLOWED_HOSTS=("*",)).test_client()
    assert client.get("/health", headers={"Host": "anything.example"}).status_code == 200


@pytest.mark.parametrize(
    ("host", "named"),
    [("192.0.2.5", "192.0.2.5"), ("0.0.0.0", None), ("::", None), ("fe80::1", "[fe80::1]")],
)
def test_the_address_served_on_is_a_name_unless_a_wildcard(host, named):
    names = allowed_hosts({"HOST": host, "ALLOWED_HOSTS": ()})
    assert names[:3] == ("localhost", "127.0.0.1", "[::1]")
    assert names[3:] == ((named,) if named else ())


def test_host_names_lose_their_port():
    assert host_name("[::1]") == "[::1]"
    assert host_name("Example.org:8080") == "example.org"
    assert not is_allowed("", ("localhost",))


def test_ekg_serve_answers_for_its_host_and_the_names_given(runner, tiny_path, monkeypatch):
    served = {}
    module = sys.modules["service.cli.main"]
    monkeypatch.setattr(module, "check_address", lambda *_: None)
    monkeypatch.setattr(module, "run_server", lambda app, **_: served.update(app=app))
    flags = ["--host", "192.0.2.5", "--allowed-host", "a.example", "--watch-interval", "0"]
    result = runner.invoke(main, ["serve", "--data", str(tiny_path), *flags])
    assert result.exit_code == 0, result.output
    app = served["app"]
    try:
        assert allowed_hosts(app.config)[3:] == ("192.0.2.5", "a.example")
        client = app.test_client()
        assert client.get("/health", headers={"Host": "a.example"}).status_code == 200
        assert client.get("/health", headers={"Host": "b.example"}).status_code == 400
    finally:
        app.extensions["ekg_generations"].close()
