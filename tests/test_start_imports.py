"""What ``import service`` loads (issue 19, start in seconds): grammars needed only by rarer
paths -- rdflib's SPARQL parser and engine (``/sparql`` syntax checks, the in-memory rdflib
backend) and the ``edtf`` package (the reference date parser) -- are imported on first use."""

from __future__ import annotations

import subprocess
import sys

LATER = ("edtf", "pyparsing", "rdflib.plugins.sparql", "graph.store.backends.rdflib")


def test_import_service_leaves_the_rare_paths_grammars_for_later():
    code = f"import sys, service; print([m for m in {LATER!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_they_are_there_when_used():
    from graph.data.dates import parse_with_edtf
    from graph.store import RdflibStore, check_syntax

    assert parse_with_edtf("2014-12-16").edtf == "2014-12-16"
    assert len(RdflibStore()) == 0
    check_syntax("ASK {}")
