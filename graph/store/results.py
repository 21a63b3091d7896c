"""Render a :class:`~graph.store.base.QueryResult` as SPARQL JSON, CSV, TSV or a text table.

The JSON, CSV and TSV forms follow the W3C SPARQL 1.1 Query Results formats, so any SPARQL
client can read them.

>>> from rdflib import Literal, URIRef
>>> from graph.store.base import QueryResult
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
from xml.sax.saxutils import escape, quoteattr

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import NamespaceManager
from rdflib.term import Node

from graph.store.base import QueryResult

SPARQL_JSON = "application/sparql-results+json"
SPARQL_XML = "application/sparql-results+xml"
CSV = "text/csv"
TSV = "text/tab-separated-values"

#: The one column of an ASK result as CSV or TSV (Jena's name; the formats define no ASK form).
ASK_COLUMN = "_askResult"

#: Media types a SELECT or ASK result can be rendered in.
RESULT_MEDIA_TYPES = (SPARQL_JSON, SPARQL_XML, CSV, TSV)

#: Media types a CONSTRUCT/DESCRIBE result can be rendered in -> rdflib serializer.
GRAPH_MEDIA_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
    "application/trig": "turtle",  # a graph result lives in the default graph: Turtle is TriG
}


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
    """SELECT result as SPARQL 1.1 CSV: values only, empty cells for unbound variables.

    The format defines no ASK form; as Jena/Fuseki do, an ASK result is a one-column table,
    ``_askResult``, holding ``true`` or ``false``."""
    if result.kind == "ask":
        return f"{ASK_COLUMN}\r\n{str(bool(result.boolean)).lower()}\r\n"
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
    """SELECT result as SPARQL 1.1 TSV: RDF terms in Turtle syntax; ASK as :func:`to_csv`'s
    one-column table (``?_askResult``, then ``true`` or ``false``)."""
    if result.kind == "ask":
        return f"?{ASK_COLUMN}\n{str(bool(result.boolean)).lower()}\n"
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


def to_xml(result: QueryResult) -> str:
    """SELECT or ASK result as a SPARQL Query Results XML document."""
    out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n']
    if result.kind == "ask":
        out.append(f"  <head/>\n  <boolean>{str(bool(result.boolean)).lower()}</boolean>\n")
        return "".join([*out, "</sparql>\n"])
    out.append("  <head>\n")
    out += [f"    <variable name={quoteattr(name)}/>\n" for name in result.variables]
    out.append("  </head>\n  <results>\n")
    for row in result.rows:
        out.append("    <result>\n")
        for name, term in zip(result.variables, row, strict=True):
            if term is not None:
                out.append(f"      <binding name={quoteattr(name)}>{_xml_term(term)}</binding>\n")
        out.append("    </result>\n")
    return "".join([*out, "  </results>\n</sparql>\n"])


def _xml_term(term: Node) -> str:
    if isinstance(term, URIRef):
        return f"<uri>{escape(str(term))}</uri>"
    if isinstance(term, BNode):
        return f"<bnode>{escape(str(term))}</bnode>"
    literal: Literal = term  # type: ignore[assignment]
    if literal.language:
        return f"<literal xml:lang={quoteattr(literal.language)}>{escape(str(literal))}</literal>"
    if literal.datatype:
        attr = quoteattr(str(literal.datatype))
        return f"<literal datatype={attr}>{escape(str(literal))}</literal>"
    return f"<literal>{escape(str(literal))}</literal>"


def render(result: QueryResult, media_type: str) -> bytes:
    """``result`` in ``media_type``: one of :data:`RESULT_MEDIA_TYPES` for SELECT/ASK, one of
    :data:`GRAPH_MEDIA_TYPES` for CONSTRUCT/DESCRIBE. ``ValueError`` for any other pairing.

    >>> from graph.store.base import QueryResult
    >>> render(QueryResult("ask", boolean=True), SPARQL_JSON)
    b'{"head": {}, "boolean": true}'
    """
    if result.kind == "graph":
        if media_type not in GRAPH_MEDIA_TYPES:
            raise ValueError(f"a graph result cannot be rendered as {media_type}")
        graph = result.graph()
        return graph.serialize(format=GRAPH_MEDIA_TYPES[media_type], encoding="utf-8")
    renderers = {SPARQL_JSON: to_json_text, SPARQL_XML: to_xml, CSV: to_csv, TSV: to_tsv}
    if media_type not in renderers:
        raise ValueError(f"a {result.kind} result cannot be rendered as {media_type}")
    return renderers[media_type](result).encode("utf-8")


def cap_rendered(body: bytes, media_type: str, max_rows: int, max_bytes: int) -> tuple[bytes, bool]:
    """Cut a SELECT answer already rendered in ``media_type`` to ``max_rows`` rows and at most
    ``max_bytes`` bytes, keeping it a valid document; return it and whether it was cut.

    Used on an engine's native output, so the common case costs a length check only.

    >>> body = b'{"head":{"vars":["x"]},"results":{"bindings":[{},{},{}]}}'
    >>> cap_rendered(body, SPARQL_JSON, 2, 1000)
    (b'{"head": {"vars": ["x"]}, "results": {"bindings": [{}, {}]}}', True)
    """
    if len(body) <= max_bytes and len(body) < 3 * max_rows:  # no room for more rows than allowed
        return body, False
    header, rows, footer = _split_rows(body, media_type)
    truncated = len(rows) > max_rows
    rows = rows[:max_rows]
    size = len(header) + len(footer) + sum(len(r) for r in rows)
    while rows and size > max_bytes:
        rows = rows[: int(len(rows) * max_bytes / size * 0.9)]
        size, truncated = len(header) + len(footer) + sum(len(r) for r in rows), True
    if not truncated:
        return body, False
    return _join_rows(header, rows, footer, media_type), True


def _split_rows(body: bytes, media_type: str) -> tuple[bytes, list[bytes], bytes]:
    if media_type == SPARQL_JSON:
        document = json.loads(body)
        rows = [json.dumps(b, ensure_ascii=False).encode() for b in document["results"]["bindings"]]
        document["results"]["bindings"] = []
        return json.dumps(document, ensure_ascii=False).encode(), rows, b""
    if media_type == SPARQL_XML:
        start, end = body.find(b"<result>"), body.rfind(b"</results>")
        if start < 0:
            return body, [], b""
        parts = body[start:end].split(b"<result>")[1:]
        return body[:start], [b"<result>" + part for part in parts], body[end:]
    text = body.decode("utf-8")
    if media_type == CSV:
        records = list(csv.reader(io.StringIO(text, newline="")))
        lines = []
        for record in records:
            buffer = io.StringIO()
            csv.writer(buffer, lineterminator="\r\n").writerow(record)
            lines.append(buffer.getvalue().encode())
        return lines[0], lines[1:], b""
    lines = [line.encode() + b"\n" for line in text.split("\n")[:-1]]  # TSV escapes newlines
    return lines[0], lines[1:], b""


def _join_rows(header: bytes, rows: list[bytes], footer: bytes, media_type: str) -> bytes:
    if media_type == SPARQL_JSON:
        document = json.loads(header)
        document["results"]["bindings"] = [json.loads(row) for row in rows]
        return json.dumps(document, ensure_ascii=False).encode()
    return header + b"".join(rows) + footer
