"""Throw-away SPARQL servers on loopback ports, for the remote-store tests and the benchmarks.

Each launcher starts a real server in a fresh directory, waits until it answers a query, yields
a :class:`SparqlServer`, and stops it (and removes its directory) afterwards:

- :func:`oxigraph_server` -- Oxigraph's own HTTP server (PyPI ``oxigraph``);
- :func:`virtuoso_server` -- Virtuoso Open Source 7 (Debian ``virtuoso-opensource``),
  configured with throw-away database files and ports, and SPARQL updates granted.

:func:`nginx_proxy` runs Debian's nginx the same way, in front of ekg instances, with the
configuration docs/nginx.conf documents.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")


@dataclass(frozen=True)
class SparqlServer:
    """Where a running server answers: SPARQL query, update and Graph Store endpoints."""

    name: str
    query_url: str
    update_url: str
    store_url: str
    pid: int


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_answering(url: str, process: subprocess.Popen[bytes], timeout: float) -> None:
    """Poll ``url`` with an ASK query until it answers 200; fail if the process exits."""
    body = urllib.parse.urlencode({"query": "ASK {}"}).encode()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with status {process.returncode}")
        request = urllib.request.Request(
            url, body, {"Accept": "application/sparql-results+json"}, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"no answer from {url} after {timeout:.0f} s")


def stop(process: subprocess.Popen[bytes], grace: float = 15.0) -> None:
    """SIGTERM, then SIGKILL if the process has not exited after ``grace`` seconds."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def oxigraph_server(directory: Path | None = None) -> Iterator[SparqlServer]:
    """Run ``oxigraph serve`` on a free loopback port over a store in ``directory``."""
    binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    with _scratch(directory, "ekg-oxigraph-") as location:
        port = free_port()
        process = subprocess.Popen(
            [binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_answering(f"{base}/query", process, timeout=30)
            yield SparqlServer(
                "oxigraph-server", f"{base}/query", f"{base}/update", f"{base}/store", process.pid
            )
        finally:
            stop(process)


@contextmanager
def virtuoso_server(
    directory: Path | None = None, max_rows: int = 10_000_000
) -> Iterator[SparqlServer]:
    """Run Virtuoso with its database in ``directory`` on free loopback ports.

    The stock ``virtuoso.ini`` is copied with the database files, the SQL port and the HTTP
    port changed (HTTP bound to 127.0.0.1), the cap on result rows (``ResultSetMaxRows``)
    raised to ``max_rows`` for whole-graph exports (the stock one is 10,000), and
    ``SPARQL_UPDATE`` granted to the anonymous ``SPARQL`` user so loads work over HTTP.
    """
    if shutil.which("virtuoso-t") is None or not VIRTUOSO_INI.exists():
        raise RuntimeError("Virtuoso is not installed (Debian package virtuoso-opensource)")
    with _scratch(directory, "ekg-virtuoso-") as location:
        sql_port, http_port = free_port(), free_port()
        ini = location / "virtuoso.ini"
        ini.write_text(_virtuoso_ini(location, sql_port, http_port, max_rows))
        process = subprocess.Popen(
            ["virtuoso-t", "+configfile", str(ini), "+foreground"],
            cwd=location,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{http_port}"
        try:
            wait_until_answering(f"{base}/sparql", process, timeout=90)
            subprocess.run(
                ["isql-vt", str(sql_port), "dba", "dba", 'exec=grant SPARQL_UPDATE to "SPARQL";'],
                check=True,
                capture_output=True,
                timeout=30,
            )
            yield SparqlServer(
                "virtuoso",
                f"{base}/sparql",
                f"{base}/sparql",
                f"{base}/sparql-graph-crud",
                process.pid,
            )
        finally:
            stop(process, grace=30)


def _virtuoso_ini(location: Path, sql_port: int, http_port: int, max_rows: int) -> str:
    text = VIRTUOSO_INI.read_text()
    text = text.replace("/var/lib/virtuoso-opensource-7/db/", f"{location}/")
    text = re.sub(r"(?m)^ServerPort\s*=\s*1111\b", f"ServerPort = {sql_port}", text)
    text = re.sub(r"(?m)^ServerPort\s*=\s*8890\b", f"ServerPort = 127.0.0.1:{http_port}", text)
    text = re.sub(r"(?m)^ResultSetMaxRows\s*=.*$", f"ResultSetMaxRows = {max_rows}", text)
    if f"ServerPort = 127.0.0.1:{http_port}" not in text:
        raise RuntimeError(f"unexpected layout of {VIRTUOSO_INI}: no HTTP ServerPort line")
    return text


@contextmanager
def _scratch(directory: Path | None, prefix: str) -> Iterator[Path]:
    if directory is not None:
        directory.mkdir(parents=True, exist_ok=True)
        yield directory
        return
    path = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


#: The documented nginx configuration (``upstream`` and ``server`` blocks) the proxy runs.
NGINX_CONF = Path(__file__).resolve().parent.parent / "docs" / "nginx.conf"


@dataclass(frozen=True)
class Proxy:
    """Where a running proxy answers, and its process."""

    url: str
    pid: int


@contextmanager
def nginx_proxy(upstreams: list[str], directory: Path | None = None) -> Iterator[Proxy]:
    """Run Debian's nginx (package ``nginx``) in the foreground on a free loopback port with
    :data:`NGINX_CONF`, its upstream servers replaced by ``upstreams`` (``host:port``).

    Everything nginx writes (pid, error log, temporary files) goes to ``directory``, so no
    root is needed. Each answer carries ``X-Upstream``: the instance that made it.
    """
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(binary).exists():
        raise RuntimeError("nginx is not installed (Debian package nginx)")
    with _scratch(directory, "ekg-nginx-") as location:
        port = free_port()
        conf = location / "nginx.conf"
        conf.write_text(_nginx_conf(location, port, upstreams))
        process = subprocess.Popen(
            [binary, "-p", str(location), "-c", str(conf), "-e", str(location / "error.log")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_for_port(port, process, timeout=30)
            yield Proxy(base, process.pid)
        finally:
            stop(process)


def _nginx_conf(location: Path, port: int, upstreams: list[str]) -> str:
    """The main context nginx needs to run unprivileged in ``location``, around the
    documented blocks with their ports replaced."""
    blocks = NGINX_CONF.read_text()
    servers = "".join(f"    server {upstream}\\2;\n" for upstream in upstreams)
    blocks, found = re.subn(r"(?m)^(    server 127\.0\.0\.1:\d+( [^;\n]*)?;\n)+", servers, blocks)
    blocks, listens = re.subn(r"(?m)^(\s*)listen 80;$", rf"\1listen 127.0.0.1:{port};", blocks)
    blocks, locations = re.subn(
        r"(?m)^(\s*)location ([^{\n]*)\{$",
        r"\1location \2{\n\1    add_header X-Upstream $upstream_addr always;",
        blocks,
    )
    if (found, listens) != (1, 1) or not locations:
        raise RuntimeError(f"unexpected layout of {NGINX_CONF}")
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers that can write ``location``
    temp = "".join(
        f"    {kind}_temp_path {location / kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        f"{user}daemon off;\nworker_processes 1;\npid {location / 'nginx.pid'};\n"
        f"error_log {location / 'error.log'} warn;\nevents {{ worker_connections 256; }}\n"
        f"http {{\n    access_log off;\n{temp}{blocks}}}\n"
    )


def _wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nginx exited with status {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nginx does not listen on {port} after {timeout:.0f} s")
