"""RFC 9457 problem details: the one error shape of every HTTP response.

The table :data:`DOMAIN_ERRORS` maps each domain error of :mod:`graph.errors` to a status and a
type slug; views never catch domain errors themselves, and 500s never echo exception text.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, json, request
from werkzeug.exceptions import HTTPException

from graph.errors import DataError, EkgError, QueryError, QuerySyntaxError, StoreError

PROBLEM_JSON = "application/problem+json"

#: Domain error class -> (HTTP status, type slug). The first matching class wins.
DOMAIN_ERRORS: tuple[tuple[type[EkgError], int, str], ...] = (
    (QuerySyntaxError, 400, "query-syntax"),
    (QueryError, 400, "query-rejected"),
    (DataError, 422, "invalid-data"),
    (StoreError, 503, "store-unavailable"),
    (EkgError, 400, "bad-request"),
)


def problem(status: int, title: str, detail: str, slug: str, **extensions: Any) -> Response:
    """A ``application/problem+json`` response."""
    body = {
        "type": f"/problems/{slug}",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.path,
        **{key: value for key, value in extensions.items() if value is not None},
    }
    return Response(json.dumps(body), status=status, mimetype=PROBLEM_JSON)


def _http_error(exc: HTTPException) -> Response:
    status = exc.code or 500
    slug = (exc.name or "error").lower().replace(" ", "-")
    response = problem(status, exc.name, exc.description or exc.name, slug)
    if status == 405 and exc.response is None:
        allowed = getattr(exc, "valid_methods", None)
        if allowed:
            response.headers["Allow"] = ", ".join(allowed)
    return response


def _domain_error(exc: EkgError) -> Response:
    for cls, status, slug in DOMAIN_ERRORS:
        if isinstance(exc, cls):
            extra = {}
            if isinstance(exc, QuerySyntaxError):
                extra = {"line": exc.line, "column": exc.column}
            return problem(status, slug.replace("-", " ").capitalize(), exc.detail, slug, **extra)
    raise exc  # unreachable: EkgError is in the table


def _unexpected(exc: Exception) -> Response:
    if isinstance(exc, HTTPException):
        return _http_error(exc)
    return problem(
        500, "Internal server error", "The server failed; the error was logged.", "internal-error"
    )


def register_error_handlers(app: Flask) -> None:
    """Route every error through :func:`problem`."""
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(EkgError, _domain_error)
    app.register_error_handler(Exception, _unexpected)
