"""RFC 9457 problem details: the one error shape of every HTTP response.

The table :data:`DOMAIN_ERRORS` maps each domain error of :mod:`graph.errors` to a status and a
type slug; views never catch domain errors themselves, and 500s never echo exception text.
Protocol errors found by the web layer itself (wrong media type, update sent to a read-only
endpoint, ...) are raised as :class:`ProblemError`. A client that prefers ``text/plain`` gets
the same problem as plain text.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, json, request
from werkzeug.exceptions import HTTPException

from graph.errors import (
    DataError,
    EkgError,
    EngineBusyError,
    EngineCrashError,
    GraphvizError,
    PageTokenError,
    QueryError,
    QueryRefusedError,
    QuerySyntaxError,
    QueryTimeoutError,
    StoreError,
    UnknownEventError,
    UnknownLensError,
    UnknownStoryError,
)
from service.negotiation import choose

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger(__name__)

#: Domain error class -> (HTTP status, type slug, title). The first matching class wins.
DOMAIN_ERRORS: tuple[tuple[type[EkgError], int, str, str], ...] = (
    (UnknownEventError, 404, "unknown-event", "Unknown event"),
    (UnknownLensError, 404, "unknown-lens", "Unknown lens or narrative"),
    (UnknownStoryError, 404, "unknown-story", "Unknown story"),
    (PageTokenError, 400, "invalid-page-token", "Invalid page token"),
    (GraphvizError, 503, "graphviz-unavailable", "Graph rendering unavailable"),
    (QuerySyntaxError, 400, "query-syntax", "SPARQL syntax error"),
    (QueryRefusedError, 400, "query-refused", "Query refused"),
    (QueryTimeoutError, 504, "query-timeout", "Query timed out"),
    (QueryError, 400, "query-failed", "Query failed"),
    (EngineBusyError, 503, "engine-busy", "Query engine busy"),
    (EngineCrashError, 503, "engine-restarted", "Query engine restarted"),
    (DataError, 422, "invalid-data", "Invalid data"),
    (StoreError, 503, "store-unavailable", "Store unavailable"),
    (EkgError, 400, "bad-request", "Bad request"),
)


class ProblemError(HTTPException):
    """An HTTP error found by the web layer, with its own problem type slug."""

    def __init__(self, status: int, slug: str, title: str, detail: str, **extensions: Any):
        super().__init__(description=detail)
        self.code = status
        self.slug = slug
        self.title = title
        self.extensions = extensions


def not_acceptable(detail: str) -> ProblemError:
    """406: none of the media types the client accepts is available; ``detail`` lists them."""
    return ProblemError(406, "not-acceptable", "Not acceptable", detail)


def problem(status: int, title: str, detail: str, slug: str, **extensions: Any) -> Response:
    """A problem response: ``application/problem+json`` unless the client prefers text."""
    body = {
        "type": f"/problems/{slug}",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.path,
        **{key: value for key, value in extensions.items() if value is not None},
    }
    accept = request.headers.get("Accept")
    if accept and choose(accept, [PROBLEM_JSON, "application/json", "text/plain"]) == "text/plain":
        text = f"{status} {title}\n{detail}\n"
        return Response(text, status=status, mimetype="text/plain")
    return Response(json.dumps(body), status=status, mimetype=PROBLEM_JSON)


def _parameter_errors(exc: HTTPException) -> list[dict[str, Any]] | None:
    """webargs' validation messages ({location: {name: [messages]}}) as a problem's errors."""
    messages = getattr(exc, "data", {}).get("messages") if hasattr(exc, "data") else None
    if not isinstance(messages, dict):
        return None
    errors = []
    for location, fields in messages.items():
        for name, texts in fields.items() if isinstance(fields, dict) else [("", fields)]:
            flat = texts if isinstance(texts, list) else [str(texts)]
            errors.append(
                {"parameter": name, "location": location, "messages": [str(text) for text in flat]}
            )
    return errors


def _http_error(exc: HTTPException) -> Response:
    errors = _parameter_errors(exc)
    if errors is not None:  # request validation (webargs): 400 naming every parameter
        names = ", ".join(sorted({e["parameter"] for e in errors}))
        detail = "; ".join(f"{e['parameter']}: {' '.join(e['messages'])}" for e in errors)
        return problem(
            400,
            "Invalid parameters",
            f"invalid {names}: {detail}",
            "invalid-parameters",
            errors=errors,
        )
    if isinstance(exc, ProblemError):
        return problem(
            exc.code or 400, exc.title, exc.description or exc.title, exc.slug, **exc.extensions
        )
    status = exc.code or 500
    slug = (exc.name or "error").lower().replace(" ", "-")
    response = problem(status, exc.name, exc.description or exc.name, slug)
    if status == 405:
        allowed = getattr(exc, "valid_methods", None)
        if allowed:
            response.headers["Allow"] = ", ".join(allowed)
    return response


def _domain_error(exc: EkgError) -> Response:
    for cls, status, slug, title in DOMAIN_ERRORS:
        if isinstance(exc, cls):
            extra: dict[str, Any] = {}
            if isinstance(exc, QuerySyntaxError | QueryRefusedError):
                extra = {"line": exc.line, "column": exc.column}
            response = problem(status, title, exc.detail, slug, **extra)
            if status == 503:
                response.headers["Retry-After"] = "5"
            return response
    raise exc  # unreachable: EkgError closes the table


def _unexpected(exc: Exception) -> Response:
    if isinstance(exc, UnicodeDecodeError):  # werkzeug decoding a raw non-UTF-8 query string
        return problem(
            400, "Invalid encoding", "the request is not valid UTF-8", "invalid-encoding"
        )
    log.exception("unhandled error on %s %s", request.method, request.path)
    return problem(
        500, "Internal server error", "The server failed; the error was logged.", "internal-error"
    )


def register_error_handlers(app: Flask) -> None:
    """Route every error through :func:`problem`."""
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(EkgError, _domain_error)
    app.register_error_handler(Exception, _unexpected)
