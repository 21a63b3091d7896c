"""ekg behind a real load balancer: Debian's nginx with docs/nginx.conf in front of a waitress
and a gunicorn instance. The service keeps its own rules there: POST /-/reload from a proxy is
refused under both servers, and a Host it does not answer for gets 400."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from support.servers import nginx_proxy
from tests.test_serve import serve

pytestmark = pytest.mark.remote

PUBLIC = "ekg.example.org"
SERVERS = {"waitress": ["--server", "waitress"], "gunicorn": ["--server", "gunicorn"]}


def call(url: str, host: str | None = None, method: str = "GET", **headers: str) -> tuple:
    """(status, headers, JSON body) of a request, errors included."""
    if host is not None:
        headers["Host"] = host
    data = b"" if method == "POST" else None
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, error.headers, json.loads(error.read() or b"null")


@pytest.fixture(scope="module")
def instances(tmp_path_factory, tiny_path) -> Iterator[dict[str, str]]:
    """One ekg instance per server, answering for the public name: {server: base URL}."""
    started: dict[str, tuple[subprocess.Popen[bytes], str]] = {}
    try:
        for name, flags in SERVERS.items():
            data = tmp_path_factory.mktemp(name) / "events.yaml"
            data.write_bytes(tiny_path.read_bytes())
            started[name] = serve(
                "--data", str(data), "--allowed-host", PUBLIC, "--watch-interval", "0", *flags
            )
        yield {name: base for name, (_, base) in started.items()}
    finally:
        for process, _ in started.values():
            os.killpg(process.pid, signal.SIGTERM)
            process.communicate(timeout=30)


@pytest.fixture(scope="module")
def proxy(instances) -> Iterator[str]:
    upstreams = [base.removeprefix("http://") for base in instances.values()]
    with nginx_proxy(upstreams) as running:
        yield running.url


def upstream(instances: dict[str, str], answered: str) -> str:
    """Which server's instance made an answer (from nginx's ``X-Upstream``)."""
    (name,) = [name for name, base in instances.items() if base.endswith(answered)]
    return name


def test_reads_through_nginx_reach_every_instance(proxy, instances):
    seen = set()
    for _ in range(4):
        status, headers, body = call(f"{proxy}/api/events", PUBLIC)
        assert status == 200 and body
        seen.add(upstream(instances, headers["X-Upstream"]))
    assert seen == set(SERVERS)


def test_reload_through_nginx_is_refused_under_every_server(proxy, instances):
    refused = set()
    for _ in range(4):
        status, headers, body = call(f"{proxy}/-/reload", PUBLIC, "POST")
        assert status == 403, body
        assert headers["Content-Type"] == "application/problem+json"
        assert body["type"] == "/problems/reload-forbidden"
        assert "proxied" in body["detail"]
        refused.add(upstream(instances, headers["X-Upstream"]))
    assert refused == set(SERVERS)


@pytest.mark.parametrize("server", SERVERS)
def test_reload_directly_on_loopback_is_allowed(instances, server):
    status, _, body = call(f"{instances[server]}/-/reload", method="POST")
    assert status == 200 and body["outcome"] in ("reloaded", "unchanged"), body


@pytest.mark.parametrize("server", SERVERS)
@pytest.mark.parametrize("header", ["X-Forwarded-For", "Forwarded", "X-Forwarded-Proto"])
def test_a_forwarded_header_is_seen_under_every_server(instances, server, header):
    """waitress used to drop these before the app's check (and answer 200)."""
    status, _, body = call(f"{instances[server]}/-/reload", method="POST", **{header: "x"})
    assert status == 403 and body["type"] == "/problems/reload-forbidden", body


@pytest.mark.parametrize("server", SERVERS)
def test_a_foreign_host_gets_400_directly_and_through_nginx(proxy, instances, server):
    for url in (instances[server], proxy):
        for method, path in (("GET", "/api/events"), ("POST", "/-/reload")):
            status, headers, body = call(f"{url}{path}", "evil.example", method)
            assert status == 400, (url, path, body)
            assert headers["Content-Type"] == "application/problem+json"
            assert body["type"] == "/problems/disallowed-host"
