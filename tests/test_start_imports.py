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


def test_the_openapi_document_is_built_on_first_reading_and_the_same(make_app, data, monkeypatch):
    """flask-smorest documents a blueprint's views when it is registered; the service leaves
    that to the first reading of the spec: the same ``/openapi.json``, byte for byte."""
    from flask_smorest import Api

    from service.openapi import ProblemApi

    lazy = make_app(data)
    rest = lazy.extensions["flask-smorest"]["apis"][""]["ext_obj"]
    assert isinstance(rest, ProblemApi) and len(rest._undocumented) == 7  # not yet
    got = lazy.test_client().get("/openapi.json")
    assert not rest._undocumented
    monkeypatch.setattr(ProblemApi, "register_blueprint", Api.register_blueprint)
    eager = make_app(data)
    assert not eager.extensions["flask-smorest"]["apis"][""]["ext_obj"]._undocumented
    want = eager.test_client().get("/openapi.json")
    assert (got.status_code, got.data) == (200, want.data)
    assert len(got.get_json()["paths"]) > 20
