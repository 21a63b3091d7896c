#!/usr/bin/env python3
"""The derived structures of a data version -- causal graph, event index, importance --
built from the dataset (the baseline: what the service does on first use today) against
saved once and loaded (:mod:`graph.causal.frozen`, :mod:`graph.timeline.frozen`,
:func:`graph.causal.importance.load_importance`), on synthetic data (issue 19).

Each size runs three fresh processes, one after the other, on
:func:`support.synthetic.generate_dataset` (its time is never counted):

- ``save``: write the causal graph straight from the dataset's records (:func:`save_causal`,
  what ``ekg build --store`` does), then build each structure from the dataset (the causal
  graph with the garbage collector on, as the service builds it, and paused), then write it;
- ``built``: build the causal graph and answer a first chains query (the evidence lens, a pair
  three links apart), as a service does now;
- ``loaded``: load the causal graph and answer the same query, before the dataset even exists
  in the process; then make the dataset and load the index, the scores and the window; last,
  make every node and row dict of the loaded graph (what a whole-graph pass costs it).

Memory is the growth of the process's resident set (VmRSS) over the step, in MB, and of its
anonymous part (RssAnon): the pages of the loaded arrays a query touches are file-backed,
shared with every process that maps them. Not a test: nothing asserts. Usage::

    .venv/bin/python benchmarks/derived.py                   # 100 k
    .venv/bin/python benchmarks/derived.py --sizes 1000000   # heavy: one at a time
"""

from __future__ import annotations

import argparse
import gc
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from itertools import chain
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.harness import RESULTS, machine, ratio, write_result  # noqa: E402
from graph.causal.chains import find_causal_chains  # noqa: E402
from graph.causal.frozen import load_causal, save_causal, write_causal  # noqa: E402
from graph.causal.graph import build_causal_graph, filtered_view, reach  # noqa: E402
from graph.causal.importance import importance, load_importance, write_importance  # noqa: E402
from graph.timeline.frozen import load_index, load_window, write_index, write_window  # noqa: E402
from graph.timeline.paging import EventIndex  # noqa: E402
from graph.timeline.window import TimelineWindow  # noqa: E402
from support.synthetic import generate_dataset  # noqa: E402

SEED = 42
STRUCTURES = ("causal", "index", "importance", "window")


def rss_mb() -> tuple[float, float]:
    """The resident set and its anonymous part (not backed by a file), in MB."""
    found = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "RssAnon:")):
            found[line.split(":")[0]] = int(line.split()[1]) / 1024
    return found.get("VmRSS", 0.0), found.get("RssAnon", 0.0)


def timed(step: Callable[[], Any]) -> tuple[Any, float, list[float]]:
    """``step()``, its seconds and the MB the resident set and its anonymous part grew by."""
    before, started = rss_mb(), time.perf_counter()
    value = step()
    seconds = round(time.perf_counter() - started, 3)
    return value, seconds, [round(a - b, 1) for a, b in zip(rss_mb(), before, strict=True)]


def peak_mb(step: Callable[[], Any]) -> tuple[Any, float, list[float]]:
    """``step()``, its seconds and how far above the resident set before it the resident set
    peaked meanwhile (VmHWM, reset first through ``/proc/self/clear_refs``), twice: the
    anonymous figure is not tracked apart, so it repeats the first."""
    Path("/proc/self/clear_refs").write_text("5")
    before, started = rss_mb()[0], time.perf_counter()
    value = step()
    seconds = round(time.perf_counter() - started, 3)
    status = Path("/proc/self/status").read_text().splitlines()
    high = next(int(line.split()[1]) / 1024 for line in status if line.startswith("VmHWM:"))
    return value, seconds, [round(high - before, 1)] * 2


def size_mb(folder: Path) -> float:
    return round(sum(p.stat().st_size for p in folder.iterdir()) / 2**20, 1)


def chain_pair(graph: Any) -> list[str]:
    """The first event (graph order) with an event three followed links downstream."""
    view = filtered_view(graph)
    for source in graph:
        found, _ = reach(view.successors, [source], max_depth=3)
        far = [event for event, depth in found.items() if depth == 3]
        if far:
            return [source, far[0]]
    raise RuntimeError("no chain of three links")


def build_paused(dataset: Any) -> None:
    """The causal graph built with the cyclic GC paused, as :func:`save_causal` builds it."""
    gc.disable()
    try:
        build_causal_graph(dataset)
    finally:
        gc.enable()


def make_every_dict(graph: Any) -> int:
    """Every node and row dict of a loaded graph made: what a pass over the whole graph costs
    it (consistency, a narrative's lens), and about what turning arrays back into an
    ``nx.DiGraph`` costs (a converter from SciPy or rustworkx would pay it at every start)."""
    nodes = sum(len(data) for _, data in graph.nodes(data=True))
    return nodes + sum(len(row) for _, row in chain(graph.succ.items(), graph.pred.items()))


def step_save(n: int, work: Path) -> dict[str, Any]:
    dataset = generate_dataset(n, SEED)
    # First in the process, so that its RSS growth is its own: what the build saves now.
    _, direct, direct_mb = peak_mb(lambda: save_causal(dataset, work / "direct"))
    shutil.rmtree(work / "direct")
    graph, build, built_mb = peak_mb(lambda: build_causal_graph(dataset))
    _, write, _ = timed(lambda: write_causal(graph, work / "causal"))
    pair = chain_pair(graph)
    graph = None
    gc.collect()
    _, paused, _ = timed(lambda: build_paused(dataset))
    index, index_build, _ = timed(lambda: EventIndex.from_dataset(dataset))
    _, index_write, _ = timed(lambda: write_index(index, dataset, work / "index"))
    scores, scores_build, _ = timed(lambda: importance(dataset))
    _, scores_write, _ = timed(lambda: write_importance(scores, work / "importance"))
    window, window_build, _ = timed(lambda: TimelineWindow.build(index, scores))
    _, window_write, _ = timed(lambda: write_window(window, work / "window"))
    return {
        "pair": pair,
        "causal": {
            "build_s": build,
            "build_gc_paused_s": paused,
            "build_mb": built_mb,
            "direct_s": direct,
            "direct_mb": direct_mb,
        },
        "index": {"build_s": index_build},
        "importance": {"build_s": scores_build},
        "window": {"build_s": window_build},
        "save_s": {
            "causal": write,
            "index": index_write,
            "importance": scores_write,
            "window": window_write,
        },
        "disk_mb": {name: size_mb(work / name) for name in STRUCTURES},
    }


def step_built(n: int, work: Path, pair: list[str]) -> dict[str, Any]:
    dataset = generate_dataset(n, SEED)
    graph, build, grew = timed(lambda: build_causal_graph(dataset))
    chains, query, grew_query = timed(lambda: find_causal_chains(graph, *pair))
    return {"graph_s": build, "graph_mb": grew, "chains_s": query, "chains_mb": grew_query,
            "chains": [c.events for c in chains]}  # fmt: skip


def step_loaded(n: int, work: Path, pair: list[str]) -> dict[str, Any]:
    graph, load, grew = timed(lambda: load_causal(work / "causal"))
    chains, query, grew_query = timed(lambda: find_causal_chains(graph, *pair))
    dataset = generate_dataset(n, SEED)
    index, index_load, index_mb = timed(lambda: load_index(work / "index", dataset))
    scores, scores_load, _ = timed(lambda: load_importance(work / "importance"))
    _, first_lookup, _ = timed(lambda: scores.get(pair[0]))
    _, window_load, _ = timed(lambda: load_window(work / "window", index))
    _, eager, grew_eager = timed(lambda: make_every_dict(graph))
    return {"graph_s": load, "graph_mb": grew, "chains_s": query, "chains_mb": grew_query,
            "chains": [c.events for c in chains], "index_s": index_load, "index_mb": index_mb,
            "importance_s": scores_load, "importance_first_lookup_s": first_lookup,
            "window_s": window_load, "eager_s": eager, "eager_mb": grew_eager}  # fmt: skip


def child(step: str, n: int, work: Path, pair: list[str] | None) -> dict[str, Any]:
    command = [sys.executable, __file__, "--step", step, "--sizes", str(n), "--work", str(work)]
    command += ["--pair", ",".join(pair)] if pair else []
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])  # type: ignore[no-any-return]


def run_size(n: int, keep: Path | None) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix=f"ekg-derived-{n}-")) if keep is None else keep
    work.mkdir(parents=True, exist_ok=True)
    try:
        saved = child("save", n, work, None)
        built = child("built", n, work, saved["pair"])
        loaded = child("loaded", n, work, saved["pair"])
    finally:
        if keep is None:
            shutil.rmtree(work, ignore_errors=True)
    if built.pop("chains") != loaded.pop("chains"):
        raise RuntimeError("the loaded graph answered another chain than the built one")
    return {"events": n, "save": saved, "built": built, "loaded": loaded, "machine": machine()}


def table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| events | structure | build (baseline) | save | load | load vs build |",
        "|---:|---|---:|---:|---:|---:|",
    ]
    for row in rows:
        saved, loaded, n = row["save"], row["loaded"], f"{row['events']:,}".replace(",", " ")
        builds = {name: saved[name]["build_s"] for name in STRUCTURES}
        loads = {"causal": loaded["graph_s"], "index": loaded["index_s"],
                 "importance": loaded["importance_s"], "window": loaded["window_s"]}  # fmt: skip
        for name, build in builds.items():
            paused = saved["causal"]["build_gc_paused_s"] if name == "causal" else None
            shown = f"{build:.2f} s" + (f" ({paused:.2f} s gc paused)" if paused else "")
            lines.append(
                f"| {n} | {name} ({saved['disk_mb'][name]} MB) | {shown} | "
                f"{saved['save_s'][name]:.2f} s | {loads[name]:.3f} s | "
                f"{ratio(loads[name], build)} |"
            )
    lines += [
        "",
        "| events | causal graph saved | time | RSS peak over the step's start |",
        "|---:|---|---:|---:|",
    ]
    for row in (row for row in rows if "direct_s" in row["save"]["causal"]):  # (older rows)
        causal, n = row["save"]["causal"], f"{row['events']:,}".replace(",", " ")
        for name, seconds, grew in [
            ("straight from the records (`save_causal`, what the build does)",
             causal["direct_s"], causal["direct_mb"]),
            ("built, then written (baseline: the build before; peak of building alone)",
             causal["build_s"] + row["save"]["save_s"]["causal"], causal["build_mb"]),
        ]:  # fmt: skip
            memory = f"{grew[0]:.0f} MB"
            lines.append(f"| {n} | {name} | {seconds:.2f} s | {memory} |")
    lines += [
        "",
        "| events | first chains query on | graph ready | query | RSS growth (anonymous) |",
    ]
    lines.append("|---:|---|---:|---:|---:|")
    for row in rows:
        n = f"{row['events']:,}".replace(",", " ")
        for name in ("built", "loaded"):
            r = row[name]
            lines.append(
                f"| {n} | {name} graph | {r['graph_s']:.3f} s | {r['chains_s']:.3f} s | "
                f"{r['graph_mb'][0] + r['chains_mb'][0]:.0f} MB "
                f"({r['graph_mb'][1] + r['chains_mb'][1]:.0f} MB) |"
            )
        if "eager_s" in row["loaded"]:
            r = row["loaded"]
            lines.append(
                f"| {n} | loaded graph, then every dict made | | {r['eager_s']:.3f} s | "
                f"{r['eager_mb'][0]:.0f} MB ({r['eager_mb'][1]:.0f} MB) |"
            )
    loads = ", ".join(f"{r['events']}: {r['machine']['load_1min']}" for r in rows)
    return "\n".join([*lines, "", f"load average (1 min) at the end of each size: {loads}"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000")
    parser.add_argument("--step", choices=["save", "built", "loaded"])
    parser.add_argument("--work", type=Path)
    parser.add_argument("--pair")
    parser.add_argument("--keep", type=Path, help="save into KEEP/N and keep it (else a temp dir)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.step:
        steps = {"save": step_save, "built": step_built, "loaded": step_loaded}
        pair = args.pair.split(",") if args.pair else None
        extra = () if pair is None else (pair,)
        print(json.dumps(steps[args.step](sizes[0], args.work, *extra)))
        return
    rows = [run_size(n, args.keep and args.keep / str(n)) for n in sizes]
    ran = {row["events"] for row in rows}
    kept = [row for row in earlier_rows() if row["events"] not in ran]
    rows = sorted([*kept, *rows], key=lambda row: row["events"])
    write_result("derived", {"rows": rows})
    print(table(rows))


def earlier_rows() -> list[dict[str, Any]]:
    """The rows of ``benchmarks/results/derived.json``: sizes not run this time are kept."""
    try:
        return list(json.loads((RESULTS / "derived.json").read_text())["rows"])
    except (OSError, ValueError, KeyError):
        return []


if __name__ == "__main__":
    main()
