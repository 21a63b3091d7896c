"""Dependency direction: graph <- service (the ontology is data). graph/ never imports the web;
inside graph/ the sub-packages import in one direction and never each other's private names.
The development trees stay apart: tests/ and benchmarks/ never import each other (what they
share is in support/), and nothing that ships imports any of the three."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {"flask", "click", "service", "werkzeug", "waitress"}

#: What each part of graph/ may import of graph/ (besides itself). The foundation
#: (errors, vocab, queries) imports nothing of graph/; the pipeline may import everything.
LAYERS: dict[str, set[str]] = {
    "errors": set(),
    "vocab": set(),
    "queries": set(),
    "data": {"errors", "vocab"},
    "store": {"errors", "vocab", "data"},  # (data.directory: one way to replace a directory)
    "rdf": {"errors", "vocab", "data", "store"},
    "causal": {"errors", "vocab", "data", "store", "rdf"},
    "timeline": {"errors", "vocab", "data", "store", "rdf"},
    "derived": {"errors", "vocab", "data", "store", "rdf", "causal", "timeline"},
    "pipeline": {"errors", "vocab", "data", "store", "rdf", "causal", "timeline", "derived"},
    "publication": {
        "errors",
        "vocab",
        "data",
        "store",
        "rdf",
        "causal",
        "timeline",
        "derived",
        "pipeline",
    },
}
GRAPH_FILES = sorted((ROOT / "graph").rglob("*.py"))


def _import_nodes(path: Path) -> list[ast.Import | ast.ImportFrom]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)]


def _imports(path: Path) -> set[str]:
    names = set()
    for node in _import_nodes(path):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def _part(path: Path) -> str:
    """The part of graph/ a file belongs to: its sub-package, or its top-level module."""
    parts = path.relative_to(ROOT / "graph").with_suffix("").parts
    return "graph" if parts == ("__init__",) else parts[0]


def _graph_imports(path: Path) -> list[tuple[str, list[str]]]:
    """(module, imported names) of every ``graph.*`` import in ``path``."""
    found = []
    for node in _import_nodes(path):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "graph":
                found += [(f"graph.{a.name}", []) for a in node.names]
            elif node.module.startswith("graph."):
                found.append((node.module, [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            found += [(a.name, []) for a in node.names if a.name.startswith("graph.")]
    return found


@pytest.mark.parametrize("path", GRAPH_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_graph_never_imports_the_web_layer(path):
    assert not _imports(path) & FORBIDDEN


@pytest.mark.parametrize(
    "path",
    [p for p in GRAPH_FILES if _part(p) != "graph"],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_graph_packages_import_in_one_direction(path):
    part = _part(path)
    for module, _ in _graph_imports(path):
        imported = module.split(".")[1]
        assert imported == part or imported in LAYERS[part], f"{part} imports {module}"


@pytest.mark.parametrize("path", GRAPH_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_private_name_crosses_a_package(path):
    part = _part(path)
    for module, names in _graph_imports(path):
        if module.split(".")[1] != part:
            assert not [n for n in names if n.startswith("_")], f"{module}: {names}"


def test_every_part_of_graph_has_a_layer():
    assert {_part(p) for p in GRAPH_FILES} - {"graph"} == set(LAYERS)


#: What each development tree, and the shipped packages, must not import.
APART: dict[str, set[str]] = {
    "tests": {"benchmarks"},
    "benchmarks": {"tests"},
    "support": {"tests", "benchmarks"},
    "graph": {"tests", "benchmarks", "support"},
    "service": {"tests", "benchmarks", "support"},
}


@pytest.mark.parametrize("tree", APART)
def test_development_trees_never_import_each_other(tree):
    found = {
        str(path.relative_to(ROOT)): sorted(_imports(path) & APART[tree])
        for path in sorted((ROOT / tree).rglob("*.py"))
    }
    assert {path: names for path, names in found.items() if names} == {}


def test_the_checks_see_imports():
    assert "flask" in _imports(ROOT / "service" / "__init__.py")
    assert ("graph.errors", ["Problem"]) in _graph_imports(ROOT / "graph" / "data" / "yamlfile.py")
    assert "support" in _imports(ROOT / "benchmarks" / "harness.py")
    assert "support" in _imports(ROOT / "tests" / "test_bulk.py")
