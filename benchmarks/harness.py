"""What the benchmarks share: one prepared copy of the data per size, server processes,
latency sampling over keep-alive HTTP, and the machine's state to print beside each figure.

:func:`prepare_data` turns ``support.synthetic.generate_dataset(n, seed)`` into the
project's own triples (``graph.rdf.build.iter_triples``) once per size, and keeps them twice in a
work directory: an on-disk pyoxigraph store (the one every embedded contender opens read-only)
and an N-Triples dump of the same triples (what the other servers load). Every contender thus
serves exactly the same data.
"""

from __future__ import annotations

import contextlib
import gc
import http.client
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from graph.rdf.build import iter_triples  # noqa: E402
from graph.rdf.scheme import graph_iri  # noqa: E402
from graph.store.backends.oxigraph import OxigraphStore  # noqa: E402
from support.servers import free_port, oxigraph_server, stop, wait_until_answering  # noqa: E402
from support.synthetic import generate_dataset  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
SPARQL_JSON = "application/sparql-results+json"


@dataclass(frozen=True)
class Prepared:
    """One size's data on disk: the store directory, the N-Triples dump and their graph."""

    events: int
    seed: int
    store_dir: Path
    ntriples: Path
    graph: str
    triples: int
    seconds: float


def prepare_data(n: int, work: Path, seed: int = 42) -> Prepared:
    """The store and N-Triples file for ``n`` events in ``work`` (made once, then reused)."""
    folder = work / f"data-{n}-{seed}"
    meta = folder / "prepared.json"
    if meta.exists():
        fields = json.loads(meta.read_text())
        return Prepared(
            n, seed, folder / "store", folder / "data.nt", fields["graph"], fields["triples"], 0.0
        )
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    dataset = generate_dataset(n, seed)
    graph = graph_iri(dataset.info)
    store = OxigraphStore(folder / "store")
    store.load(iter_triples(dataset), graph)
    triples = len(store)
    store.close()
    del store, dataset
    gc.collect()  # pyoxigraph releases the directory when the Store object is freed
    reader = ox.Store.read_only(str(folder / "store"))
    reader.dump(str(folder / "data.nt"), ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph))
    del reader
    meta.write_text(json.dumps({"graph": graph, "triples": triples}))
    seconds = time.perf_counter() - started
    return Prepared(n, seed, folder / "store", folder / "data.nt", graph, triples, seconds)


# -- processes -----------------------------------------------------------------------------


@dataclass(frozen=True)
class WsgiConfig:
    """How our service and the minimal endpoint are served: the same for both."""

    server: str = "gunicorn"
    workers: int = 2
    threads: int = 8

    def label(self) -> str:
        if self.server == "gunicorn":
            return f"gunicorn -w {self.workers} --threads {self.threads}"
        return f"waitress --threads {self.threads}"


#: The process group of each app :func:`serve_app` serves, by base URL (see :func:`group_cpu`).
SERVED: dict[str, int] = {}


def group_stats(group: int) -> dict[int, list[str]]:
    """The ``/proc/PID/stat`` fields after ``comm`` of every live process in process group
    ``group``, by PID."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        if int(fields[2]) == group:
            found[int(stat.parent.name)] = fields
    return found


def group_cpu(group: int) -> float:
    """CPU seconds used so far by process group ``group``: every live process in it, and the
    children they have reaped (a gunicorn worker that exited counts in its master's)."""
    ticks = sum(
        sum(int(n) for n in fields[11:15])  # utime stime cutime cstime
        for fields in group_stats(group).values()
    )
    return ticks / os.sysconf("SC_CLK_TCK")


@contextmanager
def serve_app(
    kind: str,
    data: Prepared,
    config: WsgiConfig,
    *,
    timeout: float = 300,
    env: dict[str, str] | None = None,
) -> Iterator[str]:
    """Serve ``benchmarks.apps`` ``kind`` (``ours`` or ``minimal``) in a process of its own
    (with the variables ``env`` set, e.g. ``EKG_SPARQL_ISOLATION``); yield its base URL; stop
    it (and only it) afterwards."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "benchmarks.apps",
        kind,
        "--events",
        str(data.events),
        "--seed",
        str(data.seed),
        "--store",
        str(data.store_dir),
        "--port",
        str(port),
        "--server",
        config.server,
        "--workers",
        str(config.workers),
        "--threads",
        str(config.threads),
    ]
    with spawn(command, env={**os.environ, **(env or {})}) as process:
        base = f"http://127.0.0.1:{port}"
        SERVED[base] = process.pid  # its session's and process group's id
        wait_until_answering(f"{base}/sparql", process, timeout=timeout)
        yield base


@contextmanager
def spawn(command: list[str], **options: Any) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``command`` in a session of its own; afterwards stop it and every process it
    started (its process group: gunicorn workers, query workers), and nothing else."""
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        **options,
    )
    try:
        yield process
    finally:
        stop(process, grace=10)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # leftovers of this group only


@contextmanager
def oxigraph_with(data: Prepared, *, timeout: float = 600) -> Iterator[str]:
    """Oxigraph's own server over a fresh store bulk-loaded with ``data``'s N-Triples (in the
    default graph); yield its query URL, then stop it and remove the store."""
    location = Path(tempfile.mkdtemp(prefix="ekg-bench-oxigraph-"))
    try:
        binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
        subprocess.run(
            [binary, "load", "--location", str(location), "--file", str(data.ntriples)],
            check=True,
            capture_output=True,
            timeout=timeout,
        )
        with oxigraph_server(location) as server:
            yield server.query_url
    finally:
        shutil.rmtree(location, ignore_errors=True)


# -- measuring -----------------------------------------------------------------------------


class Client:
    """One keep-alive HTTP connection to a server (reopened if the server closes it)."""

    def __init__(self, base: str, timeout: float = 60) -> None:
        parts = urllib.parse.urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.timeout = timeout
        self.connection: http.client.HTTPConnection | None = None

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(
                    self.host, self.port, timeout=self.timeout
                )
            try:
                self.connection.request("GET", path, headers=headers or {})
                response = self.connection.getresponse()
                return response.status, response.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def sparql_path(path: str, query: str) -> str:
    return f"{path}?{urllib.parse.urlencode({'query': query})}"


def sample(function: Callable[[], Any], repeat: int, *, budget: float) -> list[float]:
    """Milliseconds of ``repeat`` calls after one warm-up call, stopping early once
    ``budget`` seconds are spent (so a slow contender cannot hang the run)."""
    deadline = time.monotonic() + budget
    function()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
        if time.monotonic() > deadline:
            break
    return times


def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile (0-100) of ``values``, interpolated."""
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[max(0, min(98, round(q) - 1))]


def machine() -> dict[str, Any]:
    """What else the machine is doing while we measure: load average, cores, memory."""
    one, five, _ = os.getloadavg()
    return {"load_1min": round(one, 2), "load_5min": round(five, 2), "cpus": os.cpu_count()}


def write_result(part: str, payload: dict[str, Any]) -> Path:
    """Write ``benchmarks/results/<part>.json`` and return its path."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"{part}.json"
    out.write_text(json.dumps(payload, indent=2) + "\n")
    return out


def ratio(value: float | None, baseline: float | None) -> str:
    if value is None or not baseline:
        return "-"
    return f"{value / baseline:.2f}x"
