"""The package as users install it: built, installed in a fresh virtual environment, run elsewhere.

The rest of the suite imports the checkout (``pythonpath = ["."]``), which hides whatever a
wheel lacks -- a sub-package, a template, a vendored script. Here the sdist and the wheel are
built from it (``python -m build``: the wheel from the unpacked sdist, so no stale ``build/``
feeds it), the wheel is installed with its dependencies (from the index, through pip's cache)
into a new virtual environment in a temporary directory, and ``ekg`` runs from another
temporary directory: validate, build, serve, and the pages and assets a browser loads.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path, PurePosixPath

import pytest

from support.servers import free_port

pytestmark = pytest.mark.wheel

ROOT = Path(__file__).resolve().parent.parent
#: The only names the wheel may put in site-packages, besides its .dist-info.
TOP_LEVEL = {"graph", "service"}


def run(*command: str | Path, cwd: Path, timeout: float = 600) -> str:
    """Run ``command`` outside the checkout's environment; its stdout, or a failure with both."""
    result = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=_clean_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, (
        f"{command} -> {result.returncode}\n{result.stdout}\n{result.stderr}"
    )
    return result.stdout


def _clean_env() -> dict[str, str]:
    """This environment without what would let the checkout or the test venv leak in."""
    env = {
        k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")
    }
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


@pytest.fixture(scope="module")
def outside(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scratch directory that is not inside the checkout."""
    path = tmp_path_factory.mktemp("wheel")
    assert not path.resolve().is_relative_to(ROOT)
    return path


@pytest.fixture(scope="module")
def wheel(outside: Path) -> Path:
    dist = outside / "dist"
    run(sys.executable, "-m", "build", "--outdir", dist, ROOT, cwd=outside)
    [built] = dist.glob("*.whl")
    return built


@pytest.fixture(scope="module")
def venv(outside: Path, wheel: Path) -> Path:
    """A new virtual environment (no system site-packages) with the wheel installed; its bin/."""
    env = outside / "venv"
    run(sys.executable, "-m", "venv", env, cwd=outside)
    bin_dir = env / "bin"
    run(bin_dir / "python", "-m", "pip", "install", "--quiet", wheel, cwd=outside)
    return bin_dir


@pytest.fixture(scope="module")
def workdir(outside: Path) -> Path:
    """Where ``ekg`` runs: a directory with a copy of the data (events.yaml and the story
    files it includes) and nothing else."""
    path = outside / "work"
    path.mkdir()
    shutil.copy(ROOT / "events.yaml", path / "events.yaml")
    shutil.copytree(ROOT / "stories", path / "stories")
    return path


def _shipped_sources() -> dict[str, str]:
    """Checkout file -> where the wheel must carry it: every file of graph/ and service/ as is,
    ontology/*.ttl under graph/ontology/ and schema/*.json under graph/schema/ (see setup.py)."""
    try:
        listed = run("git", "ls-files", "graph", "service", "ontology", "schema", cwd=ROOT).split()
    except (AssertionError, OSError):  # not a git checkout: everything but caches
        listed = [
            path.relative_to(ROOT).as_posix()
            for folder in ("graph", "service", "ontology", "schema")
            for path in (ROOT / folder).rglob("*")
            if path.is_file() and "__pycache__" not in path.parts
        ]
    expected = {}
    for name in listed:
        path = PurePosixPath(name)
        if path.parts[0] == "ontology":
            if path.suffix == ".ttl":
                expected[name] = f"graph/ontology/{path.name}"
        elif path.parts[0] == "schema":
            if path.suffix == ".json":
                expected[name] = f"graph/schema/{path.name}"
        else:
            expected[name] = name
    return expected


def test_the_wheel_carries_every_file_graph_and_service_need(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    expected = _shipped_sources()
    assert {
        "graph/ontology/ekg.ttl",
        "graph/ontology/shapes.ttl",
        "graph/schema/events.json",
    } <= set(expected.values())
    missing = sorted(source for source, target in expected.items() if target not in names)
    assert not missing, f"not in {wheel.name}: {missing}"


def test_the_wheel_installs_only_graph_and_service(wheel, venv):
    with zipfile.ZipFile(wheel) as archive:
        roots = {name.split("/")[0] for name in archive.namelist()}
        [dist_info] = [root for root in roots if root.endswith(".dist-info")]
        top_level = archive.read(f"{dist_info}/top_level.txt").decode().split()
    assert roots - {dist_info} == TOP_LEVEL
    assert set(top_level) == TOP_LEVEL
    # What pip wrote into site-packages for it (bin/ekg is recorded as ../../../bin/ekg).
    [record] = (venv.parent / "lib").glob(f"python*/site-packages/{dist_info}/RECORD")
    written = {line.split("/")[0] for line in record.read_text().splitlines() if line}
    assert written - {dist_info, ".."} == TOP_LEVEL


def test_the_installed_wheel_imports_everything_from_site_packages(venv, workdir):
    script = (
        "import importlib, json, pkgutil, graph, service\n"
        "names = [m.name for p in (graph, service)\n"
        "         for m in pkgutil.walk_packages(p.__path__, p.__name__ + '.')]\n"
        "for name in names:\n"
        "    importlib.import_module(name)\n"
        "from graph import ontology_file\n"
        "from graph.data.schema import schema_file\n"
        "print(json.dumps({'graph': graph.__file__, 'service': service.__file__,\n"
        "                  'ontology': str(ontology_file('ekg.ttl')),\n"
        "                  'schema': str(schema_file()), 'modules': names}))\n"
    )
    found = json.loads(run(venv / "python", "-c", script, cwd=workdir))
    site_packages = venv.parent / "lib"
    for key in ("graph", "service", "ontology", "schema"):
        assert Path(found[key]).is_relative_to(site_packages), found[key]
    assert Path(found["ontology"]).is_file()
    assert Path(found["schema"]).is_file()
    # every module of the checkout, however graph/ and service/ are arranged
    modules = {
        ".".join(PurePosixPath(target).with_suffix("").parts).removesuffix(".__init__")
        for target in _shipped_sources().values()
        if target.endswith(".py")
    }
    assert modules - {"graph", "service"} <= set(found["modules"])


def test_ekg_validates_builds_and_serves_from_the_wheel(venv, workdir):
    ekg = venv / "ekg"
    assert "0.1.0" in run(ekg, "--version", cwd=workdir)
    run(ekg, "validate", "events.yaml", cwd=workdir)
    assert run(ekg, "build", "--no-progress", cwd=workdir).strip()

    port = free_port()
    server = subprocess.Popen(
        [ekg, "serve", "--port", str(port), "--watch-interval", "0", "--threads", "2"],
        cwd=workdir,
        env=_clean_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(server, f"{base}/health")
        status, kind, body = _get(f"{base}/api/timeline")
        assert (status, kind) == (200, "application/json")
        timeline = json.loads(body)
        assert timeline["count"] > 0 and timeline["items"]

        assets = set()
        for page in ("/", "/sparql", "/docs"):  # templates, each with its scripts and styles
            status, kind, body = _get(base + page, accept="text/html")
            assert (status, kind) == (200, "text/html"), page
            assets |= set(re.findall(r"""(?:src|href)="(/static/[^"?#]+)""", body.decode()))
            if page == "/sparql":  # its examples are graph's shipped *.rq queries
                assert b"key-rate-decisions" in body
        assert any("/vendor/" in asset for asset in assets), assets
        for asset in sorted(assets):
            status, _, body = _get(base + asset)
            assert status == 200 and body, asset
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        stderr = server.communicate(timeout=30)[1].decode()
    assert f"on {base}/" in stderr


def _wait_until_up(server: subprocess.Popen[bytes], url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(server.communicate()[1].decode())
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"ekg serve did not answer {url} within {timeout:.0f} s")


def _get(url: str, accept: str = "*/*") -> tuple[int, str, bytes]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.headers.get_content_type(), response.read()
