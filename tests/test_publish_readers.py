"""Three readers (``ekg serve --sparql-endpoint``: two under waitress, one under gunicorn)
and one publisher on a real SPARQL server, with a load client checking that every answer's
``EKG-Version`` header names the version its content comes from: 20 publishes, 0 mixed
answers, every reader following within the poll interval and its build time; then the same
readers behind Debian's nginx."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from graph.publication import publish
from support.servers import free_port, nginx_proxy
from tests.test_publish import BASE, relabel, store_of, wipe

from .conftest import LAUNCHERS

ROOT = Path(__file__).resolve().parent.parent
FOLLOW = 0.5  # seconds between a reader's checks of the catalog
PUBLISHES = 20
PUBLIC = "ekg.example.org"
#: The readers' WSGI servers: two waitress instances and a gunicorn one with two workers
#: (each worker follows the catalog itself).
SERVERS = [(), (), ("--server", "gunicorn", "--workers", "2", "--threads", "4")]
LABEL_QUERY = f"SELECT ?l WHERE {{ <{BASE}event/opec-no-cut> rdfs:label ?l }}"


@dataclass
class Cluster:
    """The readers' base URLs, the data file the publisher edits, its store, and the label
    each published version gives the event (version -> label)."""

    readers: list[str]
    data: Path
    server: object
    labels: dict[str, str] = field(default_factory=dict)
    logs: list[Path] = field(default_factory=list)

    def publish(self, label: str) -> tuple[str, float]:
        relabel(self.data, label)
        started = time.monotonic()
        version = publish(self.data, store_of(self.server)).version
        self.labels[version] = label
        return version, time.monotonic() - started


def start_reader(
    server, cache: Path, log: Path, *flags: str
) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    command = [
        *(sys.executable, "-m", "service.cli", "serve", "--port", str(port)),
        *("--sparql-endpoint", server.query_url, "--follow-interval", str(FOLLOW)),
        *("--cache-dir", str(cache), "--allowed-host", PUBLIC, *flags),
    ]
    env = {**os.environ, "EKG_SPARQL_TIMEOUT": "5"}
    with log.open("wb") as sink:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=sink, stderr=sink, start_new_session=True
        )
    return process, f"http://127.0.0.1:{port}"


def wait_healthy(process: subprocess.Popen[bytes], base: str, log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(log.read_text())
        try:
            with urllib.request.urlopen(f"{base}/health", timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"reader {base} did not come up: {log.read_text()}")


@pytest.fixture(scope="module", params=list(LAUNCHERS))
def cluster(request, sparql_servers, tmp_path_factory, tiny_path) -> Iterator[Cluster]:
    server = sparql_servers[request.param]
    wipe(server)
    folder = tmp_path_factory.mktemp(f"cluster-{request.param}")
    data = folder / "events.yaml"
    data.write_bytes(tiny_path.read_bytes())
    made = Cluster([], data, server)
    made.publish("Label 0")
    processes = []
    try:
        started = time.monotonic()
        for number in range(3):  # each with a cache of its own, as on three machines
            log = folder / f"reader-{number}.log"
            flags = SERVERS[number]
            process, base = start_reader(server, folder / f"cache-{number}", log, *flags)
            processes.append(process)
            made.readers.append(base)
            made.logs.append(log)
        for process, base, log in zip(processes, made.readers, made.logs, strict=True):
            wait_healthy(process, base, log)
        print(
            f"\n{request.param}: 3 cold readers answering after {time.monotonic() - started:.2f} s"
        )
        yield made
    finally:
        for process in processes:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(30)


def ask(url: str, sparql: bool, host: str | None = None) -> tuple[int, str | None, str | None]:
    """(status, EKG-Version, the event's label) of one JSON or SPARQL request."""
    headers = {"Host": host} if host else {}
    if sparql:
        body = urllib.parse.urlencode({"query": LABEL_QUERY}).encode()
        headers["Accept"] = "application/sparql-results+json"
        request = urllib.request.Request(f"{url}/sparql", body, headers)
    else:
        request = urllib.request.Request(f"{url}/api/events/opec-no-cut", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            answer = json.load(response)
            version = response.headers.get("EKG-Version")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("EKG-Version"), None
    if sparql:
        (row,) = answer["results"]["bindings"]
        return 200, version, row["l"]["value"]
    return 200, version, answer["label"]


class LoadClient:
    """Threads asking ``urls`` for the event's label over JSON and SPARQL in turn, keeping
    every (url, status, version, label) seen until stopped."""

    def __init__(self, urls: list[str], host: str | None = None) -> None:
        self.seen: list[tuple[str, int, str | None, str | None]] = []
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._run, args=(url, host), daemon=True) for url in urls
        ]

    def __enter__(self) -> LoadClient:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(60)

    def _run(self, url: str, host: str | None) -> None:
        sparql = False
        while not self._stop.is_set():
            self.seen.append((url, *ask(url, sparql, host)))
            sparql = not sparql

    def mixed(self, labels: dict[str, str]) -> list[tuple]:
        """The answers whose content is not the version their header names."""
        return [each for each in self.seen if labels.get(each[2]) != each[3]]


def served_version(base: str) -> str:
    with urllib.request.urlopen(f"{base}/-/status", timeout=30) as response:
        return str(json.load(response)["version"])


def test_twenty_publishes_under_load_give_no_mixed_answer(cluster):
    convergence, publish_seconds = [], []
    with LoadClient(cluster.readers) as client:
        for number in range(1, PUBLISHES + 1):
            version, seconds = cluster.publish(f"Label {number}")
            publish_seconds.append(seconds)
            published = time.monotonic()
            waiting = set(cluster.readers)
            while waiting:
                waiting = {base for base in waiting if served_version(base) != version}
                assert time.monotonic() - published < FOLLOW + 10, f"{waiting} not on {version}"
                time.sleep(0.02)
            convergence.append(time.monotonic() - published)
    assert len(cluster.labels) == PUBLISHES + 1
    statuses = {status for _, status, _, _ in client.seen}
    versions = {version for _, _, version, _ in client.seen}
    print(
        f"\n{len(client.seen)} answers from {len(versions)} versions; publish "
        f"{min(publish_seconds):.3f}-{max(publish_seconds):.3f} s, all readers on the new "
        f"version after {min(convergence):.2f}-{max(convergence):.2f} s (poll {FOLLOW} s)"
    )
    assert statuses == {200}
    assert client.mixed(cluster.labels) == []
    assert len(versions) > PUBLISHES // 2  # the load really spanned the publishes
    build = max(convergence) - FOLLOW
    assert build < 5, f"a reader took {build:.2f} s beyond its poll interval to switch"


def test_three_readers_behind_nginx_answer_coherently(cluster):
    upstreams = [base.removeprefix("http://") for base in cluster.readers]
    with nginx_proxy(upstreams) as proxy:
        reached = set()
        for _ in range(6):
            request = urllib.request.Request(f"{proxy.url}/health", headers={"Host": PUBLIC})
            with urllib.request.urlopen(request, timeout=30) as response:
                reached.add(response.headers["X-Upstream"])
        assert reached == set(upstreams)
        client = LoadClient([proxy.url] * 3, host=PUBLIC)
        with client:
            for number in range(3):
                version, _ = cluster.publish(f"Through nginx {number}")
                deadline = time.monotonic() + FOLLOW + 10
                while any(served_version(base) != version for base in cluster.readers):
                    assert time.monotonic() < deadline
                    time.sleep(0.05)
                time.sleep(0.3)
    assert client.seen and {status for _, status, _, _ in client.seen} == {200}
    assert client.mixed(cluster.labels) == []
