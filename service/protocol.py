"""The SPARQL 1.1 Protocol's request rules: where the query is, which dataset, which format.

Query operation (§2.1): GET with ``query=`` in the URL; POST with an URL-encoded form; POST
with the query as an ``application/sparql-query`` body. ``default-graph-uri`` and
``named-graph-uri`` may repeat and may sit in the URL of any of them. Text must be UTF-8:
anything else is rejected, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl

from flask import Request

from graph.store import GRAPH_MEDIA_TYPES, RESULT_MEDIA_TYPES, SPARQL_JSON, SPARQL_XML, check_syntax
from service.errors import ProblemError, not_acceptable
from service.negotiation import choose

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
_MAX_FIELDS = 200

#: ``format=`` short names, as Fuseki and Virtuoso users write them.
FORMAT_NAMES = {
    "json": SPARQL_JSON,
    "srj": SPARQL_JSON,
    "xml": SPARQL_XML,
    "srx": SPARQL_XML,
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "ttl": "text/turtle",
    "turtle": "text/turtle",
    "nt": "application/n-triples",
    "ntriples": "application/n-triples",
    "n-triples": "application/n-triples",
    "jsonld": "application/ld+json",
    "json-ld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
    "rdf": "application/rdf+xml",
    "trig": "application/trig",
}

#: Aliases clients send in Accept for the standard result types.
_ALIASES = {
    "application/json": SPARQL_JSON,
    "application/xml": SPARQL_XML,
    "text/xml": SPARQL_XML,
    "text/plain": "application/n-triples",
}

#: For CONSTRUCT/DESCRIBE, XML means RDF/XML (``format=xml`` as in Fuseki, or generic XML
#: media types in Accept).
_GRAPH_ALIASES = _ALIASES | {
    "application/xml": "application/rdf+xml",
    "text/xml": "application/rdf+xml",
}


@dataclass(frozen=True)
class ProtocolRequest:
    """What a request asks for: a query or an update, and the dataset to use."""

    query: str | None
    update: str | None
    default_graphs: tuple[str, ...] | None
    named_graphs: tuple[str, ...] | None
    format: str | None


def _fields(raw: bytes, where: str) -> list[tuple[str, str]]:
    try:
        return parse_qsl(
            raw.decode("ascii"),
            keep_blank_values=True,
            strict_parsing=False,
            encoding="utf-8",
            errors="strict",
            max_num_fields=_MAX_FIELDS,
        )
    except UnicodeDecodeError:
        raise ProblemError(
            400,
            "invalid-encoding",
            "Invalid encoding",
            f"the {where} is not valid UTF-8 after percent-decoding",
        ) from None
    except ValueError:
        raise ProblemError(
            400,
            "too-many-parameters",
            "Too many parameters",
            f"the {where} has more than {_MAX_FIELDS} parameters",
        ) from None


def _single(fields: list[tuple[str, str]], name: str) -> str | None:
    values = [value for key, value in fields if key == name]
    if len(values) > 1:
        raise ProblemError(
            400,
            "repeated-parameter",
            "Repeated parameter",
            f"give exactly one {name!r} parameter, not {len(values)}",
        )
    return values[0] if values else None


def _body_text(request: Request) -> str:
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise ProblemError(
            415,
            "unsupported-charset",
            "Unsupported charset",
            f"the request body must be UTF-8, not {charset}",
        )
    try:
        return request.get_data().decode("utf-8")
    except UnicodeDecodeError:
        raise ProblemError(
            400, "invalid-encoding", "Invalid encoding", "the request body is not valid UTF-8"
        ) from None


def parse_request(request: Request) -> ProtocolRequest:
    """Read a protocol request; :class:`ProblemError` when it breaks the rules (400, 415) or
    asks for an update (403: the endpoint is read-only). A GET without a query is valid: it
    asks for the service description."""
    fields = _fields(request.query_string, "query string")
    query = update = None
    if request.method == "POST":
        if request.mimetype == FORM:
            if request.mimetype_params.get("charset", "utf-8").lower() not in ("utf-8", "utf8"):
                raise ProblemError(
                    415, "unsupported-charset", "Unsupported charset", "form data must be UTF-8"
                )
            fields += _fields(request.get_data(), "form body")
        elif request.mimetype == SPARQL_QUERY:
            query = _body_text(request)
        elif request.mimetype == SPARQL_UPDATE:
            update = _body_text(request)
        else:
            given = request.mimetype or "none"
            raise ProblemError(
                415,
                "unsupported-media-type",
                "Unsupported media type",
                f"POST a query as {FORM} or {SPARQL_QUERY} (got {given})",
            )
    return _protocol(fields, query, update, post=request.method == "POST")


def parse_get(query_string: bytes) -> ProtocolRequest:
    """:func:`parse_request` for a GET with this query string (as the client sent it)."""
    return _protocol(_fields(query_string, "query string"), None, None, post=False)


def _protocol(
    fields: list[tuple[str, str]], query: str | None, update: str | None, *, post: bool
) -> ProtocolRequest:
    """The request made of its parameters ``fields`` and the query or update of its body."""
    query = query if query is not None else _single(fields, "query")
    update = update if update is not None else _single(fields, "update")
    if query is not None and update is not None:
        raise ProblemError(
            400,
            "query-and-update",
            "Query and update",
            "a request carries either a query or an update, not both",
        )
    if update is not None:
        raise ProblemError(
            403,
            "read-only",
            "Read-only endpoint",
            "this endpoint answers queries only; updates are not accepted",
        )
    if query is None and post:
        raise ProblemError(
            400,
            "missing-query",
            "Missing query",
            "POST a 'query' parameter or an application/sparql-query body",
        )
    defaults = tuple(value for key, value in fields if key == "default-graph-uri")
    named = tuple(value for key, value in fields if key == "named-graph-uri")
    if defaults or named:  # the protocol's dataset replaces the query's FROM / FROM NAMED whole
        return ProtocolRequest(query, update, defaults, named, _single(fields, "format"))
    return ProtocolRequest(
        query, update, defaults or None, named or None, _single(fields, "format")
    )


def offers_for(form: str | None) -> list[str]:
    """Media types a query of ``form`` can be answered in, the default first."""
    if form in ("construct", "describe"):
        return list(GRAPH_MEDIA_TYPES)
    return list(RESULT_MEDIA_TYPES)  # ASK as CSV/TSV: one `_askResult` column (Jena's form)


def choose_media_type(query: str, form: str | None, accept: str | None, fmt: str | None) -> str:
    """The media type to answer ``query`` (of ``form``: :class:`graph.store.guard.QueryFacts`)
    in: ``format=`` wins over ``Accept``; 406 if none fits (400 instead if the query does not
    even parse)."""
    offers = offers_for(form)
    graph = form in ("construct", "describe")
    if fmt is not None:
        wanted = FORMAT_NAMES.get(fmt.lower(), _ALIASES.get(fmt.lower(), fmt.lower()))
        if graph and wanted == SPARQL_XML:
            wanted = "application/rdf+xml"
        if wanted in offers:
            return wanted
        check_syntax(query)
        raise not_acceptable(
            f"format {fmt!r} is not available for this query; use one of: " + ", ".join(offers)
        )
    aliases = _GRAPH_ALIASES if graph else _ALIASES
    aliased = [*offers, *(alias for alias, target in aliases.items() if target in offers)]
    chosen = choose(accept, aliased)
    if chosen is None:
        check_syntax(query)  # a broken query is a 400 whatever the client accepts
        raise not_acceptable(
            "none of the accepted media types fits this query; available: " + ", ".join(offers)
        )
    return aliases.get(chosen, chosen)
