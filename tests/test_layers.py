"""Dependency direction: ontology (data) <- graph <- service. graph/ never imports the web."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {"flask", "click", "service", "werkzeug", "waitress"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", sorted((ROOT / "graph").rglob("*.py")), ids=lambda p: p.name)
def test_graph_never_imports_the_web_layer(path):
    assert not _imports(path) & FORBIDDEN


def test_the_check_sees_imports():
    assert "flask" in _imports(ROOT / "service" / "__init__.py")
