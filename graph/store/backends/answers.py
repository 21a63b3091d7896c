"""The answers of a SPARQL server as :class:`~graph.store.base.QueryResult`: SPARQL JSON
results and Turtle graphs (for :mod:`graph.store.backends.remote`)."""

from __future__ import annotations

import json
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from graph.errors import QueryError
from graph.store.base import QueryResult


def _json_term(cell: dict[str, str]) -> Node:
    kind, value = cell["type"], cell["value"]
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    if "xml:lang" in cell:
        return Literal(value, lang=cell["xml:lang"])
    datatype = cell.get("datatype")
    if datatype and datatype != "http://www.w3.org/2001/XMLSchema#string":
        return Literal(value, datatype=URIRef(datatype))
    return Literal(value)


def json_result(body: bytes, max_rows: int | None) -> QueryResult:
    """A SPARQL JSON answer (SELECT or ASK), cut at ``max_rows``."""
    try:
        data: dict[str, Any] = json.loads(body)
    except ValueError as exc:
        raise QueryError("the SPARQL server sent an answer that is not SPARQL JSON") from exc
    if "boolean" in data:
        return QueryResult("ask", boolean=bool(data["boolean"]))
    names = tuple(data["head"].get("vars", ()))
    bindings = data["results"]["bindings"]
    truncated = max_rows is not None and len(bindings) > max_rows
    rows = [
        tuple(_json_term(b[name]) if name in b else None for name in names)
        for b in (bindings[:max_rows] if truncated else bindings)
    ]
    return QueryResult("select", variables=names, rows=rows, truncated=truncated)


def graph_result(body: bytes, max_rows: int | None) -> QueryResult:
    """A Turtle answer (CONSTRUCT or DESCRIBE), cut at ``max_rows`` triples."""
    graph = Graph()
    try:
        graph.parse(data=body, format="turtle")
    except Exception as exc:  # rdflib raises many unrelated types on bad input
        raise QueryError("the SPARQL server sent an answer that is not Turtle") from exc
    triples = list(graph)
    truncated = max_rows is not None and len(triples) > max_rows
    if truncated:
        triples = triples[:max_rows]
    return QueryResult("graph", triples=triples, truncated=truncated)
