"""``ekg serve`` as users run it: a real WSGI server in a subprocess, on a loopback port."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from service.cli import main

from .servers import free_port

ROOT = Path(__file__).resolve().parent.parent


def serve(*args: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "service.cli", "serve", "--port", str(port), *args],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # gunicorn's workers go with it
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(process.communicate()[1].decode())
        try:
            with urllib.request.urlopen(f"{base}/health", timeout=2):
                return process, base
        except OSError:
            time.sleep(0.2)
    process.kill()
    process.communicate()
    raise AssertionError("the server did not come up")


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


@pytest.mark.parametrize(
    "server", [["--server", "waitress"], ["--server", "gunicorn", "--workers", "2"]]
)
def test_serve_runs_a_production_server_on_loopback(tiny_path, server):
    process, base = serve("--data", str(tiny_path), "--threads", "2", *server)
    try:
        assert get_json(f"{base}/api/timeline")["count"] == 4
        sparql = f"{base}/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D"
        request = urllib.request.Request(
            sparql, headers={"Accept": "application/sparql-results+json"}
        )
        with urllib.request.urlopen(request, timeout=20) as response:
            assert json.load(response)["boolean"] is True
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        banner = process.communicate(timeout=30)[1].decode()
    assert f"on {base}/ ({server[1]}" in banner
    assert process.returncode in (0, -signal.SIGTERM)


def test_ekg_reload_asks_the_running_service(tmp_path, tiny_path):
    data = tmp_path / "events.yaml"
    shutil.copy(tiny_path, data)
    process, base = serve("--data", str(data), "--watch-interval", "0")
    runner = CliRunner()
    try:
        data.write_text(data.read_text().replace("Brent falls below", "Brent falls under"))
        loaded = runner.invoke(main, ["reload", "--url", base])
        assert loaded.exit_code == 0, loaded.output
        assert loaded.output.startswith("loaded: version ")
        data.write_text(data.read_text().replace("date: 2014-11-27", "date: 2014-11-31"))
        rejected = runner.invoke(main, ["reload", "--url", base])
        assert rejected.exit_code == 1
        assert "events.yaml:30: " in rejected.output
        status = get_json(f"{base}/-/status")
        assert (status["generation"], status["last_reload"]["outcome"]) == (2, "rejected")
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.communicate(timeout=30)


def test_ekg_reload_says_when_nothing_answers():
    result = CliRunner().invoke(main, ["reload", "--url", f"http://127.0.0.1:{free_port()}"])
    assert result.exit_code == 1
    assert "cannot reach" in result.output


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _descendants(pid: int) -> list[int]:
    below = _children(pid)
    return below + [d for child in below for d in _descendants(child)]


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="needs two CPUs to spread over")
def test_cpu_affinity_pins_each_worker_and_its_query_workers(tiny_path):
    process, base = serve(
        "--data", str(tiny_path), "--server", "gunicorn", "--workers", "2", "--cpu-affinity"
    )
    try:
        for _ in range(8):  # start the query pools (each worker forks its own)
            query = f"{base}/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D"
            with urllib.request.urlopen(query, timeout=20) as response:
                assert json.load(response)["boolean"] is True
        workers = _children(process.pid)
        pins = [os.sched_getaffinity(worker) for worker in workers]
        assert len(workers) == 2 and all(len(pin) == 1 for pin in pins)
        assert pins[0] != pins[1]
        for worker, pin in zip(workers, pins, strict=True):
            assert all(os.sched_getaffinity(d) == pin for d in _descendants(worker))
        assert any(_descendants(worker) for worker in workers)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.communicate(timeout=30)


def test_cpu_affinity_needs_gunicorn(tiny_path):
    result = CliRunner().invoke(main, ["serve", "--data", str(tiny_path), "--cpu-affinity"])
    assert result.exit_code == 2
    assert "--server gunicorn" in result.output
