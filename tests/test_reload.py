"""Live data updates: a new generation is swapped in without downtime, a bad version is
rejected with every problem and the old one keeps serving, in-flight requests finish on the
generation they started with, and the service never writes the data files."""

from __future__ import annotations

import logging
import os
import shutil
import stat
import threading
import time

import pytest

from service.runtime import state

from .conftest import DATA

OLD_LABEL, NEW_LABEL = "Brent falls below $60", "Brent falls under $60"


def edit(path, old, new):
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def label(client, event="oil-below-60"):
    return client.get(f"/api/events/{event}").get_json()["label"]


def test_reload_swaps_in_the_new_version(app, data):
    client = app.test_client()
    before = client.get("/-/status").get_json()
    edit(data, OLD_LABEL, NEW_LABEL)
    answer = client.post("/-/reload")
    assert answer.status_code == 200
    result = answer.get_json()
    assert (result["outcome"], result["generation"]) == ("loaded", 2)
    assert label(client) == NEW_LABEL
    status = client.get("/-/status").get_json()
    assert status["generation"] == 2 and status["version"] != before["version"]
    assert status["last_reload"]["outcome"] == "loaded"
    assert client.post("/-/reload").get_json()["outcome"] == "unchanged"


def test_a_bad_version_is_rejected_with_every_problem_and_the_old_one_serves(app, data, caplog):
    client = app.test_client()
    edit(data, "date: 2014-11-27", "date: 2014-13-27")
    edit(data, "lane: oil\n    place: vienna", "lane: nowhere\n    place: vienna")
    with caplog.at_level(logging.ERROR, logger="service.runtime.reload"):
        answer = client.post("/-/reload")
    assert answer.status_code == 422
    assert answer.mimetype == "application/problem+json"
    problems = answer.get_json()["errors"]
    assert {(p["file"], p["line"]) for p in problems} == {("events.yaml", 30), ("events.yaml", 31)}
    assert label(client) == OLD_LABEL  # still generation 1
    status = client.get("/-/status").get_json()
    assert status["generation"] == 1
    assert status["last_reload"]["outcome"] == "rejected"
    assert status["last_reload"]["problems"] == problems
    assert "events.yaml:30:" in caplog.text and "events.yaml:31:" in caplog.text


def test_in_flight_requests_finish_on_their_generation(app, data):
    generations = app.extensions["ekg_generations"]
    with app.test_request_context("/api/timeline"):
        pinned = state.generation()
        edit(data, OLD_LABEL, NEW_LABEL)
        assert generations.reload("test").outcome == "loaded"
        assert state.built() is pinned.built  # this request still sees generation 1
        assert state.built().dataset.event("oil-below-60").label == OLD_LABEL
        assert pinned.retired and pinned.users == 1
    assert pinned.users == 0  # released when the request ended
    assert generations.current.built.dataset.event("oil-below-60").label == NEW_LABEL


def test_the_old_generations_query_workers_stop_once_it_is_unused(app, data):
    client = app.test_client()
    ask = {"query": "ASK { ?s ?p ?o }"}
    assert client.get("/sparql", query_string=ask).status_code == 200
    old_engine = app.extensions["ekg_engine"]
    old_pids = old_engine.pool().worker_pids()
    edit(data, OLD_LABEL, NEW_LABEL)
    client.post("/-/reload")
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in old_pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in old_pids)
    assert client.get("/sparql", query_string=ask).status_code == 200  # the new engine


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_a_configured_token_is_required_even_from_loopback(make_app, data):
    client = make_app(data, RELOAD_TOKEN="s3cret").test_client()
    for environ in ({"REMOTE_ADDR": "192.0.2.7"}, {"REMOTE_ADDR": "127.0.0.1"}):
        answer = client.post("/-/reload", environ_base=environ)
        assert answer.status_code == 403
        assert answer.get_json()["type"] == "/problems/reload-forbidden"
        wrong = {"Authorization": "Bearer x"}
        assert client.post("/-/reload", environ_base=environ, headers=wrong).status_code == 403
        right = {"Authorization": "Bearer s3cret"}
        assert client.post("/-/reload", environ_base=environ, headers=right).status_code == 200


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Forwarded-For": "203.0.113.9"},
        {"Forwarded": "for=203.0.113.9"},
        {"X-Real-IP": "x"},
        {"X-Forwarded-Proto": "https"},
        {"x-forwarded-port": "443"},
        {"Via": "1.1 proxy"},
    ],
)
def test_without_a_token_a_proxied_request_is_refused(app, headers):
    """A proxy on the same host makes every client look like loopback."""
    assert app.test_client().post("/-/reload", headers=headers).status_code == 403


def test_without_a_token_a_page_of_another_origin_cannot_reload(app):
    client = app.test_client()
    other = client.post("/-/reload", headers={"Origin": "http://evil.example"})
    assert other.status_code == 403
    same = client.post("/-/reload", headers={"Origin": "http://localhost"})
    assert same.status_code == 200


def test_unchanged_files_are_not_built_again(app, data, monkeypatch):
    """A touched file or a second reload: the bytes are hashed, nothing is built."""

    def build(generation):
        raise AssertionError("built although the data did not change")

    monkeypatch.setattr(app.extensions["ekg_generations"], "_build", build)
    data.touch()
    assert app.test_client().post("/-/reload").get_json()["outcome"] == "unchanged"


def test_a_build_that_fails_on_the_disk_is_a_failed_reload_not_a_crash(app, data, monkeypatch):
    def full_disk(config, generation=1):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(app.extensions["ekg_generations"], "_build", full_disk)
    edit(data, OLD_LABEL, NEW_LABEL)
    answer = app.test_client().post("/-/reload")
    assert answer.status_code == 503
    assert "No space left on device" in answer.get_json()["detail"]
    status = app.test_client().get("/-/status").get_json()
    assert status["last_reload"]["outcome"] == "failed" and status["generation"] == 1


def test_the_watcher_reloads_when_the_file_changes(make_app, data):
    client = make_app(data, WATCH_INTERVAL=0.1).test_client()
    edit(data, OLD_LABEL, NEW_LABEL)
    deadline = time.monotonic() + 15
    while label(client) != NEW_LABEL and time.monotonic() < deadline:
        time.sleep(0.1)
    assert label(client) == NEW_LABEL
    assert client.get("/-/status").get_json()["last_reload"]["trigger"] == "watch"


def test_requests_during_reloads_all_succeed(app, data):
    """Clients keep asking while the data flips between two versions six times: every
    answer is a 200 from one whole version or the other."""
    stop, seen, failures = threading.Event(), set(), []

    def ask() -> None:
        client = app.test_client()
        while not stop.is_set():
            answer = client.get("/api/events/oil-below-60")
            if answer.status_code != 200:
                failures.append(answer.status_code)
            seen.add(answer.get_json()["label"])

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    labels = [OLD_LABEL, NEW_LABEL]
    for number in range(6):
        edit(data, labels[number % 2], labels[(number + 1) % 2])
        assert app.extensions["ekg_generations"].reload("test").outcome == "loaded"
        time.sleep(0.05)
    stop.set()
    for thread in threads:
        thread.join()
    assert failures == []
    assert seen == {OLD_LABEL, NEW_LABEL}


def test_the_service_never_writes_the_data_files(app, data):
    before = (data.read_bytes(), data.stat().st_mtime_ns)
    data.chmod(stat.S_IRUSR)  # read-only: any attempt to write would fail loudly
    try:
        client = app.test_client()
        for url in ("/api/timeline", "/-/status", "/api/events/opec-no-cut"):
            assert client.get(url).status_code == 200
        assert client.post("/-/reload").status_code == 200
    finally:
        data.chmod(stat.S_IRUSR | stat.S_IWUSR)
    assert (data.read_bytes(), data.stat().st_mtime_ns) == before


def test_reloads_of_an_on_disk_store_build_beside_it_and_clean_up(make_app, tmp_path, data):
    store_dir = tmp_path / "store"
    app = make_app(data, STORE=store_dir)
    generations = app.extensions["ekg_generations"]
    client = app.test_client()
    first = generations.current
    assert first.built.store.path == store_dir.resolve()
    labels = [OLD_LABEL, NEW_LABEL, OLD_LABEL]
    for number in (2, 3):
        edit(data, labels[number - 2], labels[number - 1])
        assert client.post("/-/reload").get_json()["generation"] == number
        assert label(client) == labels[number - 1]
    served = generations.current.built.store.path
    assert served.name.startswith(".store.gen-") and served.exists()
    # generation 1 (the configured store) is kept; generation 2's directory is gone
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["store", served.name, "events.yaml"]
    )


def test_the_watcher_sees_a_change_in_an_included_file(make_app, tmp_path):
    shutil.copytree(DATA / "multi", tmp_path / "multi")
    top = tmp_path / "multi" / "events.yaml"
    app = make_app(top, WATCH_INTERVAL=0.1)
    client = app.test_client()
    assert len(app.extensions["ekg"].files) == 3
    edit(tmp_path / "multi" / "stories" / "oil.yaml", OLD_LABEL, NEW_LABEL)
    wait_for(lambda: label(client) == NEW_LABEL)
    # A new include that does not exist yet is rejected; creating it is noticed too.
    edit(top, "  - stories/oil.yaml", "  - stories/oil.yaml\n  - stories/later.yaml")
    wait_for(lambda: status(client)["last_reload"]["outcome"] == "rejected")
    (tmp_path / "multi" / "stories" / "later.yaml").write_text("events: []\n")
    wait_for(lambda: status(client)["last_reload"]["outcome"] == "loaded")
    assert len(app.extensions["ekg"].files) == 4


def status(client):
    return client.get("/-/status").get_json()


def wait_for(condition, seconds=15.0):
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert condition()
