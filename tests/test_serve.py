"""``ekg serve`` as users run it: a real WSGI server in a subprocess, on a loopback port."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from service.cli import main
from support.servers import free_port

ROOT = Path(__file__).resolve().parent.parent


def serve(*args: str, port_in_env: bool = False) -> tuple[subprocess.Popen[bytes], str]:
    """``ekg serve ARGS`` on a free port (``--port``, or ``EKG_PORT`` with ``port_in_env``)."""
    port = free_port()
    flag = [] if port_in_env else ["--port", str(port)]
    process = subprocess.Popen(
        [sys.executable, "-m", "service.cli", "serve", *flag, *args],
        env={**os.environ, "EKG_PORT": str(port)} if port_in_env else None,
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


@pytest.mark.parametrize("server", ["waitress", "gunicorn"])
def test_serve_on_a_busy_port_says_so_without_a_traceback(tiny_path, server):
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        address = ["--host", "127.0.0.1", "--port", str(port), "--server", server]
        result = subprocess.run(
            [sys.executable, "-m", "service.cli", "serve", "--data", str(tiny_path), *address],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    assert result.stderr == f"Error: port {port} on 127.0.0.1 is in use\n"
    assert result.stdout == ""


def test_serve_reports_a_port_taken_after_the_check(runner, tiny_path, monkeypatch):
    """A port taken between the check and the server's own bind: the same message."""
    monkeypatch.setattr(sys.modules["service.cli.main"], "check_address", lambda *_: None)
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = runner.invoke(main, ["serve", "--data", str(tiny_path), "--port", str(port)])
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == f"Error: port {port} on 127.0.0.1 is in use"


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


def test_ekg_reload_asks_the_running_service(runner, data):
    process, base = serve("--data", str(data), "--watch-interval", "0", port_in_env=True)
    try:
        data.write_text(data.read_text().replace("Brent falls below", "Brent falls under"))
        loaded = runner.invoke(main, ["reload", "--url", base])
        assert loaded.exit_code == 0, loaded.output
        assert loaded.output.startswith("loaded: version ")
        data.write_text(data.read_text().replace("date: 2014-11-27", "date: 2014-11-31"))
        port = base.rsplit(":", 1)[1]  # found as `ekg serve` found it: EKG_PORT (or --port)
        rejected = runner.invoke(main, ["reload"], env={"EKG_PORT": port, "EKG_URL": None})
        assert rejected.exit_code == 1
        assert "events.yaml:30: " in rejected.output
        status = get_json(f"{base}/-/status")
        assert (status["generation"], status["last_reload"]["outcome"]) == (2, "rejected")
        again = runner.invoke(main, ["reload", "--port", port], env={"EKG_URL": None})
        assert "events.yaml:30: " in again.output
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.communicate(timeout=30)


def test_ekg_reload_says_when_nothing_answers(runner):
    result = runner.invoke(main, ["reload", "--url", f"http://127.0.0.1:{free_port()}"])
    assert result.exit_code == 1
    assert "cannot reach" in result.output


def test_ekg_reload_asks_the_port_ekg_serve_would_use(runner):
    port = free_port()
    environment = {"EKG_PORT": str(port), "EKG_HOST": "0.0.0.0", "EKG_URL": None}
    result = runner.invoke(main, ["reload"], env=environment)
    assert result.exit_code == 1
    assert f"cannot reach http://127.0.0.1:{port}: " in result.output
