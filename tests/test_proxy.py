"""ekg behind a real load balancer: Debian's nginx with docs/nginx.conf in front of a waitress
and a gunicorn instance. The service keeps its own rules there: POST /-/reload from a proxy is
refused under both servers, and a Host it does not answer for gets 400."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

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


ONE_WORKER = (
    "--allowed-host",
    PUBLIC,
    "--watch-interval",
    "0",
    "--server",
    "gunicorn",
    "--workers",
    "1",
)
#: 3,000 MINUS in a row overflow an 8 MB stack (a thread's default), not a query thread's.
MINUS_3000 = "SELECT * { ?s ?p ?o " + " MINUS { ?s <x:q> ?o }" * 3_000 + " }"
#: 600,000 ``!`` overflow even a query thread's stack (past the length limit raised here).
NOTS_600K = "ASK { FILTER(" + "!" * 600_000 + "true) }"


def workers(master: int) -> set[int]:
    """The pids of a gunicorn master's workers."""
    return set(map(int, Path(f"/proc/{master}/task/{master}/children").read_text().split()))


def post_query(base: str, query: str) -> int:
    """The status of a query POSTed as application/sparql-query through the proxy."""
    request = urllib.request.Request(
        f"{base}/sparql",
        data=query.encode(),
        headers={"Host": PUBLIC, "Content-Type": "application/sparql-query"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        error.close()  # (its connection)
        return error.code


def test_a_query_that_ends_its_worker_costs_one_worker_of_one_instance(
    tmp_path, tiny_path, monkeypatch
):
    """Through docs/nginx.conf, to three gunicorn instances whose limits are raised so that
    long flat sequences reach the engine: 3,000 MINUS, which end a process evaluating on a
    default 8 MB stack, are answered (a worker's request threads have a query's stack); a
    query that ends its worker all the same is not passed on to the other instances (nginx
    passes no POST on): the client gets nginx's 502, one worker is replaced, and every
    instance answers after."""
    monkeypatch.setenv("EKG_SPARQL_MAX_OPERATORS", "1000000")
    monkeypatch.setenv("EKG_SPARQL_MAX_QUERY_LENGTH", "1000000")
    data = tmp_path / "events.yaml"
    data.write_bytes(tiny_path.read_bytes())
    started = [serve(*ONE_WORKER, "--data", str(data)) for _ in range(3)]
    try:
        before = [workers(process.pid) for process, _ in started]
        with nginx_proxy([base.removeprefix("http://") for _, base in started]) as running:
            assert post_query(running.url, MINUS_3000) == 200
            assert [workers(process.pid) for process, _ in started] == before
            assert post_query(running.url, NOTS_600K) == 502  # nginx's: no answer came
            time.sleep(1.0)  # (the master forks the replacement)
            after = [workers(process.pid) for process, _ in started]
            assert sum(old != new for old, new in zip(before, after, strict=True)) == 1
            for _ in range(6):  # the masters have forked fresh workers: every instance answers
                assert post_query(running.url, "ASK {}") == 200
    finally:
        for process, _ in started:
            os.killpg(process.pid, signal.SIGTERM)
            process.communicate(timeout=30)
