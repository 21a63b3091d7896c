"""Where ``ekg serve``'s start-up time goes: one start under py-spy, samples sorted into phases.

:func:`profiled` starts the server under ``py-spy record`` (50 samples a second,
``--nonblocking``: the server is never paused; idle threads are not sampled), runs the same
first requests as :mod:`benchmarks.start`, stops py-spy once the first chains answer is in and
sorts every sample into one phase by its innermost telling frame: an import (an ``importlib``
frame), a library named in :data:`LIBRARIES` (the YAML parser, the OpenAPI spec builder), or
this project's code, by module (:data:`PHASES`); samples with neither are ``other``.
Seconds are samples / rate, so a phase reads as CPU-busy wall time of one thread. The raw
stacks (flamegraph.pl's input) are kept in ``benchmarks/results/start-profile-<N>.txt``
(not committed).

Needs py-spy (``pip install py-spy``); without it the profile is skipped with a note.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.harness import spawn  # noqa: E402
from support.servers import free_port  # noqa: E402

RATE = 50

#: ``path function`` prefix of the innermost project frame -> phase; the first match wins.
PHASES = (
    ("graph/data/sources.py", "data: files read and hashed (version)"),
    ("graph/data/snapshot.py", "snapshot: records written or opened"),
    ("graph/data/records.py", "snapshot: records written or opened"),
    ("graph/data/yamlfile.py", "data: YAML parse (project side)"),
    ("graph/data/readers.py", "data: records read and checked"),
    ("graph/data/fields.py", "data: records read and checked"),
    ("graph/data/model.py", "data: records read and checked"),
    ("graph/data/dates.py", "data: dates parsed"),
    ("graph/data/", "data: cross-checks (links, cycles, stories)"),
    ("graph/rdf/", "store: manifest check, store directory"),
    ("graph/store/sources.py", "reader: source files fetched (queries built, answers read)"),
    ("graph/store/backends/remote.py", "reader: SPARQL requests to the store"),
    ("graph/publication/", "reader: cache (source files written, checked, snapshot saved)"),
    ("graph/derived.py", "derived structures: saved or loaded"),
    ("graph/store/backends/oxigraph.py OxigraphStore.__len__", "store: len() (counts triples)"),
    ("graph/store/", "store: open"),
    ("graph/timeline/indexing.py", "timeline: event index"),
    ("graph/timeline/paging.py", "timeline: event index and paging"),
    ("graph/timeline/search.py", "timeline: search text"),
    ("graph/timeline/", "timeline: page and items"),
    ("graph/causal/frozen.py", "causal: graph arrays written or loaded"),
    ("graph/timeline/frozen.py", "timeline: index arrays written or loaded"),
    ("graph/causal/importance.py", "causal: importance (timeline ranking)"),
    ("graph/causal/graph.py", "causal: DiGraph build"),
    ("graph/causal/lens.py", "causal: lens view"),
    ("graph/causal/chains.py", "causal: chains search"),
    ("graph/causal/", "causal: other"),
    ("graph/pipeline.py", "pipeline (BuiltGraph)"),
    ("service/runtime/engine.py", "service: query engine"),
    ("service/runtime/", "service: generations, watcher"),
    ("service/views/", "service: views (JSON answer)"),
    ("service/", "service: app set-up (create_app, CLI)"),
)
#: ``function (path`` of the outermost frame of a start's step -> the step (a reader's cold
#: start: :func:`graph.publication.cache.read_cached`); the outermost match wins.
STEPS = (
    ("_write_source (", "reader: source files fetched from the store"),
    ("read_dataset (", "data files read and validated"),
    ("save_snapshot (", "snapshot saved"),
    ("save_structures (", "derived structures built and saved"),
    ("open_snapshot (", "snapshot opened"),
)
#: Library path fragment -> phase, for frames deeper than any project frame.
LIBRARIES = (
    ("/yaml/", "data: YAML parse (yaml_rs / PyYAML)"),
    ("/yaml_rs/", "data: YAML parse (yaml_rs / PyYAML)"),
    ("/flask_smorest/", "service: OpenAPI spec (flask-smorest, apispec)"),
    ("/apispec/", "service: OpenAPI spec (flask-smorest, apispec)"),
)


def py_spy() -> str | None:
    found = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    return found if Path(found).exists() else None


def profiled(
    command: Callable[[int], list[str]],
    steps: Callable[[str, Any, float], dict[str, float]],
    out: Path,
) -> dict[str, Any]:
    """Run ``command(port)`` under py-spy, call ``steps(base, process, started)`` (the first
    answers, in seconds since start), stop sampling; the steps and the phases."""
    spy = py_spy()
    if spy is None:
        return {"skipped": "py-spy is not installed (pip install py-spy)"}
    port = free_port()
    record = [spy, "record", "--rate", str(RATE), "--nonblocking", "--full-filenames"]
    record += ["--format", "raw", "--output", str(out), "--subprocesses", "--"]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.unlink(missing_ok=True)
    started = time.monotonic()
    with spawn(record + command(port)) as process:  # py-spy leads the group, the server is in it
        try:
            times = steps(f"http://127.0.0.1:{port}", process, started)
        finally:
            os.kill(process.pid, signal.SIGINT)  # py-spy writes its file and exits
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(120)
    phases, top, total, steps = summarize(out)
    return {
        "steps_s": {name: round(value, 2) for name, value in times.items()},
        "rate": RATE,
        "sampled_s": round(total / RATE, 2),
        "phases_s": {name: round(count / RATE, 2) for name, count in phases.most_common()},
        "top_functions_s": {name: round(count / RATE, 2) for name, count in top.most_common(15)},
        "steps_sampled_s": {name: round(count / RATE, 2) for name, count in steps.most_common()},
        "raw": str(out.relative_to(ROOT)) if out.is_relative_to(ROOT) else str(out),
    }


def summarize(raw: Path) -> tuple[Counter[str], Counter[str], int, Counter[str]]:
    """Samples per phase, samples per innermost project-or-library function, the total, and
    samples per step (:data:`STEPS`)."""
    phases: Counter[str] = Counter()
    top: Counter[str] = Counter()
    total = 0
    if not raw.exists():
        return phases, top, 0, Counter()
    steps: Counter[str] = Counter()
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        frames = stack.split(";")
        samples = int(count)
        total += samples
        phases[phase_of(frames)] += samples
        top[short(frames[-1])] += samples
        steps[next((n for f in frames for k, n in STEPS if f.startswith(k)), "other")] += samples
    return phases, top, total, steps


def phase_of(frames: list[str]) -> str:
    """The phase of one stack (outermost frame first); see the module docstring."""
    for frame in reversed(frames):
        if "_find_and_load" in frame or "<frozen importlib" in frame:
            return "imports (modules loaded on first use)"
        where = project_path(frame)
        if where is not None:
            key = f"{where.rsplit(':', 1)[0]} {frame.rpartition(' (')[0]}"
            return next((name for prefix, name in PHASES if key.startswith(prefix)), where)
        path = frame.rpartition(" (")[2]
        library = next((name for part, name in LIBRARIES if part in path), None)
        if library is not None:
            return library
    return "other (server, Flask, interpreter)"


def project_path(frame: str) -> str | None:
    """``graph/...`` or ``service/...`` if ``frame`` (``name (path:line)``) is project code."""
    _, _, where = frame.rpartition(" (")
    path = where.rsplit(":", 1)[0]
    for package in ("/graph/", "/service/"):
        at = path.rfind(package)
        if at >= 0 and "site-packages" not in path:
            return path[at + 1 :]
    return None


def short(frame: str) -> str:
    """``name (path:line)`` -> ``name (last two path parts)``."""
    name, _, where = frame.rpartition(" (")
    path = where.rsplit(":", 1)[0]
    return f"{name} ({'/'.join(Path(path).parts[-2:])})"


def gc_share(command: list[str]) -> dict[str, Any]:
    """Run :func:`gc_main` in a process of its own (``command`` is this module's command line
    with ``--gc``); its JSON: per step, wall seconds and seconds spent in the cyclic GC."""
    done = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def gc_main(data: str, store: str, source: str, target: str) -> None:
    """In-process, as ``ekg serve`` starts (``create_app`` with the same settings), then the
    first timeline and chains answers through Flask's test client: wall and GC seconds of each
    step, and the collections of each generation (``gc.callbacks``)."""
    from service import create_app

    spent = {"s": 0.0, "started": 0.0}
    collections: Counter[int] = Counter()

    def timer(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            spent["started"] = time.perf_counter()
        else:
            spent["s"] += time.perf_counter() - spent["started"]
            collections[info["generation"]] += 1

    gc.callbacks.append(timer)
    steps: dict[str, dict[str, float]] = {}

    def step(name: str, work: Callable[[], Any]) -> Any:
        gc_before, started = spent["s"], time.perf_counter()
        result = work()
        wall = time.perf_counter() - started
        steps[name] = {"s": round(wall, 2), "gc_s": round(spent["s"] - gc_before, 2)}
        return result

    app = step("create_app", lambda: create_app({"DATA": data, "STORE": store}))
    client = app.test_client()
    step("first /api/timeline?limit=50", lambda: client.get("/api/timeline?limit=50"))
    query = f"/api/chains?source={source}&target={target}"
    step("first /api/chains", lambda: client.get(query))
    print(json.dumps({"steps": steps, "collections": dict(collections)}))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--gc"]:
        gc_main(*sys.argv[2:6])
