"""A reader of a remote store at :mod:`benchmarks.start`'s sizes (``start.py --reader``, issue 19).

On a fresh SPARQL server (Oxigraph server by default, :data:`benchmarks.publish.LAUNCH`;
its database in a scratch folder under the system's temporary directory, removed after):

* ``ekg publish --data events.yaml --sparql-endpoint ...`` once: its wall time and peak RSS
  (reported, no goal), and the server's database size on disk after it;
* **reader cold**: ``ekg serve --sparql-endpoint ... --cache-dir EMPTY``, which reads the
  catalog, fetches the version's source files from the store, reads and validates them,
  saves their snapshot and derived structures in the cache and answers;
* **reader warm**: the same command again on the cache the cold start filled (it opens the
  snapshot).

Each start is timed and sized as :func:`benchmarks.start_measure.measure_start` times the
``ekg serve --store`` starts it is printed beside; the server's own resident memory after the
start (``store_rss_mb``) and the CPU seconds it spent during it (``store_cpu_s``) are added, as
it is not in the reader's process group. With ``profile``, a third cold start (another empty
cache directory) runs under py-spy (:func:`benchmarks.start_profile.profiled`: its samples by
phase; time the reader spent waiting on the server is not sampled).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.publish import LAUNCH  # noqa: E402
from benchmarks.start_measure import (  # noqa: E402
    EKG,
    measure_start,
    measure_steps,
    run_timed,
    status_kb,
)
from benchmarks.start_profile import profiled  # noqa: E402
from support.servers import SparqlServer  # noqa: E402

#: Seconds each request of the publish to the store may take (a 50,000-triple upload, a DROP).
PUBLISH_TIMEOUT = 3600


def endpoints(server: SparqlServer) -> list[str]:
    return [
        *("--sparql-endpoint", server.query_url),
        *("--sparql-update-endpoint", server.update_url),
        *("--sparql-store-endpoint", server.store_url),
    ]


def reader_command(server: SparqlServer, cache: Path, port: int) -> list[str]:
    command = [str(EKG), "serve", "--sparql-endpoint", server.query_url]
    return [*command, "--cache-dir", str(cache), "--port", str(port)]


def disk_mb(folder: Path) -> float:
    """What ``folder`` holds on disk (``du``), MB."""
    done = subprocess.run(["du", "-sk", str(folder)], capture_output=True, text=True, check=True)
    return round(int(done.stdout.split()[0]) / 1024, 1)


def cpu_s(pid: int) -> float:
    """CPU seconds (user + system) process ``pid`` has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def reader_starts(
    prepared: dict[str, Any], timeout: float, server: str, profile: Path | None = None
) -> dict[str, Any]:
    """Publish ``prepared``'s data to a fresh ``server``, then start a reader on it twice
    (cold, then warm), and with ``profile`` (where py-spy's samples go) once more cold under
    py-spy; the figures (module docstring)."""
    with tempfile.TemporaryDirectory(prefix="ekg-start-reader-") as scratch:
        work = Path(scratch)
        with LAUNCH[server](work / "server") as running:
            command = [str(EKG), "publish", "--data", prepared["yaml"], *endpoints(running)]
            published = run_timed([*command, "--timeout", str(PUBLISH_TIMEOUT)])
            published["store_disk_mb"] = disk_mb(work / "server")
            starts = {}
            for name in ("reader cold", "reader warm"):
                serve = partial(reader_command, running, work / "cache")
                spent = cpu_s(running.pid)
                starts[name] = measure_start(prepared, serve, dict(os.environ), timeout)
                starts[name]["store_rss_mb"] = round(status_kb(running.pid, "VmRSS") / 1024, 1)
                starts[name]["store_cpu_s"] = round(cpu_s(running.pid) - spent, 2)
            starts["reader warm"]["cache_disk_mb"] = disk_mb(work / "cache")
            found = {"server": server, "publish": published, "serve": starts}
            if profile is not None:
                found["profile"] = profiled(
                    partial(reader_command, running, work / "cache-profiled"),
                    partial(measure_steps, prepared),
                    profile,
                )
    return found
