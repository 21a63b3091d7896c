"""Faults around one publisher and its readers, on an Oxigraph server of the test's own (on a
fixed port, so that it can be killed, stalled and restarted under the same URL): the store
killed during a publish, the store down, the store stalled."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from graph.errors import StoreError
from graph.publication import publish
from graph.store.backends.remote import RemoteStore
from graph.store.versions import VERSIONS_GRAPH, read_catalog
from support.servers import free_port, stop, wait_until_answering
from support.synthetic import write_events_yaml
from tests.test_publish import BASE, every_graph, store_of, wipe

from .conftest import assert_problem
from .test_publish import reader as make_reader
from .test_publish_concurrency import expire

pytestmark = pytest.mark.remote
ROOT = Path(__file__).resolve().parent.parent
LABEL_QUERY = f"SELECT ?l WHERE {{ <{BASE}event/opec-no-cut> rdfs:label ?l }}"


@dataclass
class Server:
    """An Oxigraph server over ``location`` on ``port``, which a test may kill and restart."""

    location: Path
    port: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def query_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/query"

    @property
    def update_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/update"

    @property
    def store_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/store"

    def start(self) -> None:
        binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
        self.process = subprocess.Popen(
            [binary, "serve", "--location", str(self.location), "--bind", f"127.0.0.1:{self.port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until_answering(self.query_url, self.process, timeout=30)

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.wait()

    def signal(self, number: int) -> None:
        assert self.process is not None
        self.process.send_signal(number)

    def store(self, **options: object) -> RemoteStore:
        return RemoteStore(
            self.query_url,
            update_endpoint=self.update_url,
            store_endpoint=self.store_url,
            timeout=30,
            **options,  # type: ignore[arg-type]
        )


@pytest.fixture
def server(tmp_path) -> Iterator[Server]:
    running = Server(tmp_path / "store", free_port())
    running.start()
    try:
        yield running
    finally:
        if running.process is not None:
            running.signal(signal.SIGCONT)
            stop(running.process)


def ours(server: Server) -> set[str]:
    return {g for g in every_graph(server) if g.startswith("urn:x-ekg:")}


def test_a_store_killed_during_a_publish_keeps_the_current_version(server, tmp_path):
    data = tmp_path / "data" / "events.yaml"
    data.parent.mkdir()
    write_events_yaml(3000, data, story_size=1000)
    first = publish(data, server.store())
    graphs = ours(server)
    with data.open("a", encoding="utf-8") as out:
        out.write("# the second version\n")
    command = [sys.executable, "-m", "service.cli", "publish", "--data", str(data)]
    command += ["--sparql-endpoint", server.query_url, "--sparql-update-endpoint"]
    command += [server.update_url, "--sparql-store-endpoint", server.store_url]
    publisher = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, text=True)
    watcher = server.store(retries=0)
    deadline = time.monotonic() + 60
    while not [r for r in read_catalog(watcher).versions.values() if r.state == "pending"]:
        assert publisher.poll() is None and time.monotonic() < deadline, "no pending version"
        time.sleep(0.005)
    server.kill()
    _, errors = publisher.communicate(timeout=60)
    assert publisher.returncode == 1
    assert "Error: cannot reach the SPARQL server" in errors
    assert "Traceback" not in errors
    server.start()
    catalog = read_catalog(server.store())
    assert catalog.current == first.version
    assert catalog.versions[first.version].state == "published"
    with data.open("a", encoding="utf-8") as out:
        out.write("# the third version\n")
    with pytest.raises(StoreError, match="holds the catalog's lease until"):
        publish(data, server.store())  # the killed publish could not give its lease up
    expire(server.store())  # as its expiry would
    third = publish(data, server.store())
    catalog = read_catalog(server.store())
    published = {v for v, record in catalog.versions.items() if record.state == "published"}
    assert published == {first.version, third.version}
    expected = {*graphs, *catalog.versions[third.version].all_graphs(), VERSIONS_GRAPH}
    assert ours(server) == expected  # nothing left of the killed publish


@pytest.fixture
def reader(server, data, make_app, tmp_path):
    publish(data, server.store())
    return make_reader(make_app, server, tmp_path, SPARQL_TIMEOUT=2.0)


def sparql(client):
    return client.post(
        "/sparql",
        data={"query": LABEL_QUERY},
        headers={"Accept": "application/sparql-results+json"},
    )


def json_api_answers(client) -> None:
    started = time.monotonic()
    for path in (
        "/api/events/opec-no-cut",
        "/api/timeline",
        "/api/chains?source=opec-no-cut&target=rate-hike",
        "/-/status",
    ):
        answer = client.get(path)
        assert answer.status_code == 200, (path, answer.get_json())
    assert time.monotonic() - started < 2


def test_a_store_down_leaves_the_json_api_and_makes_sparql_a_503(server, reader):
    client = reader.test_client()
    assert sparql(client).status_code == 200
    server.kill()
    json_api_answers(client)
    started = time.monotonic()
    problem = assert_problem(sparql(client), 503)
    assert "cannot reach the SPARQL server" in problem["detail"]
    assert time.monotonic() - started < 10
    assert client.post("/-/reload").status_code == 503  # the catalog cannot be read
    assert client.get("/-/status").get_json()["follow"]["outcome"] == "failed"
    server.start()
    assert sparql(client).status_code == 200
    assert client.post("/-/reload").get_json()["outcome"] == "unchanged"


def test_a_stalled_store_gives_504_and_nothing_hangs(server, reader):
    client = reader.test_client()
    assert sparql(client).status_code == 200
    server.signal(signal.SIGSTOP)
    try:
        json_api_answers(client)
        started = time.monotonic()
        assert_problem(sparql(client), 504)
        assert time.monotonic() - started < 2 + 3
        started = time.monotonic()  # a check of the catalog now: two reads time out
        assert client.post("/-/reload").status_code == 503
        assert time.monotonic() - started < 2 * 2 + 3
        json_api_answers(client)  # still served meanwhile
    finally:
        server.signal(signal.SIGCONT)
    answer = sparql(client)
    assert answer.status_code == 200
    assert answer.get_json()["results"]["bindings"][0]["l"]["value"]


def test_a_stalled_virtuoso_gives_504_and_nothing_hangs(sparql_servers, data, make_app, tmp_path):
    """The same on the session's Virtuoso, stopped (SIGSTOP) for the length of the test."""
    server = sparql_servers["virtuoso"]
    wipe(server)
    publish(data, store_of(server))
    app = make_reader(make_app, server, tmp_path, SPARQL_TIMEOUT=2.0)
    client = app.test_client()
    assert sparql(client).status_code == 200
    os.kill(server.pid, signal.SIGSTOP)
    try:
        json_api_answers(client)
        started = time.monotonic()
        assert_problem(sparql(client), 504)
        assert time.monotonic() - started < 2 + 3
    finally:
        os.kill(server.pid, signal.SIGCONT)
    assert sparql(client).status_code == 200
