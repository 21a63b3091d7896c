"""Shared fixtures: data files, datasets, a store per backend, and the Flask app."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import XSD

from graph.build import decimal_literal, iter_triples
from graph.events import load_dataset
from graph.model import Dataset
from graph.store import BACKENDS, Store, open_store

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def tiny_path() -> Path:
    return DATA / "tiny.yaml"


@pytest.fixture(scope="session")
def events_path() -> Path:
    return ROOT / "events.yaml"


@pytest.fixture(scope="session")
def tiny(tiny_path: Path) -> Dataset:
    return load_dataset(tiny_path)


@pytest.fixture(scope="session")
def real(events_path: Path) -> Dataset:
    return load_dataset(events_path)


@pytest.fixture(params=BACKENDS)
def tiny_store(request: pytest.FixtureRequest, tiny: Dataset) -> Iterator[Store]:
    """The tiny dataset loaded into each backend in turn."""
    store = open_store(request.param)
    store.load(iter_triples(tiny))
    yield store
    store.close()


@pytest.fixture(scope="session", params=BACKENDS)
def real_store(request: pytest.FixtureRequest, real: Dataset) -> Iterator[Store]:
    """The curated events.yaml loaded into each backend in turn."""
    store = open_store(request.param)
    store.load(iter_triples(real))
    yield store
    store.close()


def canonical(graph: Graph) -> Graph:
    """``graph`` with every xsd:decimal in canonical form, so that value-equal graphs written
    by different serializers (``17`` vs ``17.0``) compare isomorphic."""
    result = Graph()
    for s, p, o in graph:
        if isinstance(o, Literal) and o.datatype == XSD.decimal:
            o = decimal_literal(Decimal(str(o)))
        result.add((s, p, o))
    return result
