"""Render a :class:`~graph.store.QueryResult` as SPARQL JSON, CSV, TSV or a text table.

The JSON, CSV and TSV forms follow the W3C SPARQL 1.1 Query Results formats, so any SPARQL
client can read them.

>>> from rdflib import Literal, URIRef
>>> from graph.store import QueryResult
>>> r = QueryResult("select", ("e", "n"), [(URIRef("http://x/e1"), Literal(3)), (None, None)])
>>> print(to_table(r))
e             | n
--------------+--
<http://x/e1> | 3
              |
>>> to_csv(r).splitlines()[1]
'http://x/e1,3'
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import NamespaceManager
from rdflib.term import Node

from graph.store import QueryResult


def term_to_json(term: Node) -> dict[str, str]:
    """One RDF term in the SPARQL 1.1 JSON results form."""
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    if isinstance(term, Literal):
        cell = {"type": "literal", "value": str(term)}
        if term.language:
            cell["xml:lang"] = term.language
        elif term.datatype:
            cell["datatype"] = str(term.datatype)
        return cell
    raise TypeError(f"not an RDF term: {term!r}")


def to_sparql_json(result: QueryResult) -> dict[str, Any]:
    """SELECT or ASK result as a SPARQL 1.1 JSON results document (a dict)."""
    if result.kind == "ask":
        return {"head": {}, "boolean": bool(result.boolean)}
    if result.kind != "select":
        raise ValueError("only SELECT and ASK results have a SPARQL JSON form")
    bindings = [
        {
            name: term_to_json(term)
            for name, term in zip(result.variables, row, strict=True)
            if term is not None
        }
        for row in result.rows
    ]
    return {"head": {"vars": list(result.variables)}, "results": {"bindings": bindings}}


def to_json_text(result: QueryResult) -> str:
    """:func:`to_sparql_json` as compact JSON text."""
    return json.dumps(to_sparql_json(result), ensure_ascii=False)


def to_csv(result: QueryResult) -> str:
    """SELECT result as SPARQL 1.1 CSV: values only, empty cells for unbound variables."""
    if result.kind == "ask":
        return f"boolean\r\n{str(bool(result.boolean)).lower()}\r\n"
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow(
            ["" if t is None else (f"_:{t}" if isinstance(t, BNode) else str(t)) for t in row]
        )
    return buffer.getvalue()


def _tsv_term(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, Literal) and not term.language and term.datatype is None:
        return (
            '"'
            + str(term)
            .replace("\\", "\\\\")
            .replace('"', '\\"')
            .replace("\n", "\\n")
            .replace("\t", "\\t")
            + '"'
        )
    return term.n3()


def to_tsv(result: QueryResult) -> str:
    """SELECT result as SPARQL 1.1 TSV: RDF terms in Turtle syntax."""
    lines = ["\t".join(f"?{name}" for name in result.variables)]
    lines += ["\t".join(_tsv_term(term) for term in row) for row in result.rows]
    return "\n".join(lines) + "\n"


def to_table(result: QueryResult, namespaces: NamespaceManager | None = None) -> str:
    """A fixed-width text table for people; IRIs shortened with ``namespaces`` if given."""
    if result.kind == "ask":
        return "yes" if result.boolean else "no"

    def cell(term: Node | None) -> str:
        if term is None:
            return ""
        if isinstance(term, URIRef):
            return term.n3(namespaces) if namespaces else term.n3()
        return str(term)

    rows = [[cell(term) for term in row] for row in result.rows]
    widths = [len(name) for name in result.variables]
    for row in rows:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    header = " | ".join(name.ljust(w) for name, w in zip(result.variables, widths, strict=True))
    rule = "-+-".join("-" * w for w in widths)
    body = [
        " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
    ]
    return "\n".join([header.rstrip(), rule, *body])
