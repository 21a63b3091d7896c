"""The home page in Chromium at the curated data, 100 k and 1 M synthetic events (issue 18).

For each size the service runs in a process of its own (the curated ``events.yaml``, or a
synthetic dataset built in memory by ``support.synthetic_app.serve_synthetic``: no YAML parse
of a million events), and Chromium (Debian's, driven by Playwright) measures

* first paint: navigation start -> the first timeline items in the DOM (the page's
  ``performance.mark('ekg:first-paint')``), and ready (``body[data-ready]``);
* pan step and zoom step: a programmatic ``setWindow`` of one screen to the right, or a zoom
  by 2 in or out around a moving centre, until the new window's items are drawn (in windowed
  mode: until the page has fetched and drawn that window) -- median and p95 of 20 steps;
* bytes transferred (the page, its scripts and every API answer) and the items the timeline
  holds; server start-up (until ``/health`` answers) and its resident memory; and the
  latency of ``/api/timeline/window`` itself (whole span, one day) measured over HTTP.

Every figure is printed beside the curated page's from the same run, with the 1-minute load
average, and written to ``benchmarks/results/page.json``. Not a test: nothing asserts.

Usage: python benchmarks/page.py [--sizes 100000,1000000] [--steps 20]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.harness import machine, percentile, spawn, write_result  # noqa: E402
from support.servers import free_port  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
VIEWPORT = {"width": 1280, "height": 800}

#: Runs in the page: one step (pan or zoom) and the milliseconds until it is drawn.
STEP = """async ([kind, i, windowed]) => {
  const frames = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  const t0 = performance.now();
  const seq = Number(document.body.dataset.windowSeq || 0);
  const w = app.timeline.getWindow();
  const span = w.end - w.start;
  let start, end;
  if (kind === 'pan') {
    start = w.start.getTime() + span;
    end = w.end.getTime() + span;
  } else {
    const factor = i % 10 < 5 ? 0.5 : 2;
    const centre = w.start.getTime() + span * (0.3 + 0.1 * (i % 5));
    start = centre - (span * factor) / 2;
    end = centre + (span * factor) / 2;
  }
  app.timeline.setWindow(new Date(start), new Date(end));
  if (windowed) {
    const deadline = t0 + 20000;
    const now = app.timeline.getWindow().start.getTime();
    const drawn = () => (EKG.home.windowed.drawnFor || [])[0] === now;
    const fresh = () => Number(document.body.dataset.windowSeq || 0) !== seq && drawn();
    while (!fresh() && performance.now() < deadline) {
      await new Promise((r) => setTimeout(r, 2));
    }
  }
  await frames();
  return performance.now() - t0;
}"""

#: Runs in the page: the window the steps start from, 1/32 of the data's span at its start.
START_WINDOW = """() => {
  const home = EKG.home;
  let first, last;
  if (home.windowed.on) [first, last] = home.windowed.span.map((d) => d.getTime());
  else {
    const starts = [...app.data.all.values()].map((e) => e.start.getTime());
    first = Math.min(...starts);
    last = Math.max(...starts);
  }
  const span = Math.max((last - first) / 32, 86400000);
  app.timeline.setWindow(new Date(first), new Date(first + span));
  return [first, last];
}"""

COUNTS = """() => {
  const seen = performance.getEntriesByType('resource')
    .concat(performance.getEntriesByType('navigation'));
  const paint = performance.getEntriesByName('ekg:first-paint');
  return {
    bytes: seen.reduce((sum, e) => sum + (e.transferSize || 0), 0),
    first_paint_ms: paint.length ? paint[0].startTime : null,
    items: app.timeline.items.length,
    events: app.data.all.size,
    windowed: EKG.home.windowed.on,
  };
}"""


def serve(events: int, port: int) -> None:
    """The server process: the curated data (``events`` 0) or ``events`` synthetic ones."""
    from service import create_app
    from service.runtime.wsgi import run_server
    from support.synthetic_app import serve_synthetic

    if events:
        app = create_app({"DATA": str(ROOT / "tests" / "data" / "tiny.yaml")})
        serve_synthetic(app, events)
    else:
        app = create_app({"DATA": str(ROOT / "events.yaml")})
    run_server(app, server="waitress", host="127.0.0.1", port=port, threads=8, workers=1)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def wait_for(url: str, process: Any, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(url)


def api_ms(base: str, query: str, repeat: int = 20) -> tuple[float, float]:
    """Median and p95 ms of /api/timeline/window?<query> (a new width each call: no cache)."""
    times = []
    for i in range(repeat):
        started = time.perf_counter()
        with urllib.request.urlopen(f"{base}/api/timeline/window?{query}&width={1000 + i}") as r:
            r.read()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), percentile(times, 95)


def measure_page(browser: Any, base: str, steps: int) -> dict[str, Any]:
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.goto(f"{base}/")
    page.wait_for_selector("body[data-ready='1']", timeout=300_000)
    ready_ms = page.evaluate("performance.now()")
    result: dict[str, Any] = page.evaluate(COUNTS)
    result["ready_ms"] = round(ready_ms, 1)
    windowed = result["windowed"]
    for kind in ("pan", "zoom"):
        page.evaluate(START_WINDOW)
        page.wait_for_timeout(500)
        times = [page.evaluate(STEP, [kind, i, windowed]) for i in range(steps)]
        result[f"{kind}_median_ms"] = round(statistics.median(times), 1)
        result[f"{kind}_p95_ms"] = round(percentile(times, 95), 1)
    after = page.evaluate(COUNTS)
    result["bytes_after_steps"] = after["bytes"]
    result["items_after_steps"] = after["items"]
    context.close()
    return result


def measure(events: int, browser: Any, steps: int) -> dict[str, Any]:
    port = free_port()
    command = [sys.executable, str(Path(__file__).resolve()), "--serve", str(events)]
    started = time.monotonic()
    with spawn([*command, "--port", str(port)]) as process:
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/health", process, timeout=1800)
        figures: dict[str, Any] = {"startup_s": round(time.monotonic() - started, 1)}
        figures["server_rss_mb"] = rss_mb(process.pid)
        figures.update(measure_page(browser, base, steps))
        whole = api_ms(base, "lens=all")
        figures["api_whole_median_ms"], figures["api_whole_p95_ms"] = map(round, whole, (1, 1))
        with urllib.request.urlopen(f"{base}/api/timeline/window?width=100") as response:
            first = json.load(response)["span"]["start"][:10]
        day = api_ms(base, f"start={first}&end={first}")
        figures["api_day_median_ms"], figures["api_day_p95_ms"] = map(round, day, (1, 1))
        figures["load_1min"] = machine()["load_1min"]
    return figures


ROWS = [
    ("server start-up (s)", "startup_s"),
    ("server memory (MB)", "server_rss_mb"),
    ("first paint (ms)", "first_paint_ms"),
    ("page ready (ms)", "ready_ms"),
    ("pan step median (ms)", "pan_median_ms"),
    ("pan step p95 (ms)", "pan_p95_ms"),
    ("zoom step median (ms)", "zoom_median_ms"),
    ("zoom step p95 (ms)", "zoom_p95_ms"),
    ("bytes at first paint", "bytes"),
    ("bytes after the steps", "bytes_after_steps"),
    ("items held by the timeline", "items"),
    ("events held by the page", "events"),
    ("window API, whole span, median (ms)", "api_whole_median_ms"),
    ("window API, one day, median (ms)", "api_day_median_ms"),
    ("1-min load average", "load_1min"),
]


def table(results: dict[str, dict[str, Any]]) -> str:
    names = list(results)
    lines = ["| figure | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    for label, key in ROWS:
        base = results["curated"].get(key)
        cells = []
        for name in names:
            value = results[name].get(key)
            cell = (
                "-"
                if value is None
                else f"{value:,}"
                if isinstance(value, int)
                else f"{value:,.1f}"
            )
            if name != "curated" and isinstance(value, int | float) and base and key != "load_1min":
                cell += f" ({value / base:.1f}x)"
            cells.append(cell)
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--serve", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve is not None:
        return serve(args.serve, args.port)
    from playwright.sync_api import sync_playwright

    random.seed(0)
    results: dict[str, dict[str, Any]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        for events in [0] + [int(s) for s in args.sizes.split(",") if s]:
            name = "curated" if events == 0 else f"{events:,} events"
            print(f"measuring {name} ...", file=sys.stderr, flush=True)
            results[name] = measure(events, browser, args.steps)
        browser.close()
    print(table(results))
    out = write_result("page", {"machine": machine(), "steps": args.steps, "results": results})
    print(f"\nwritten to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
