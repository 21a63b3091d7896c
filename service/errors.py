"""RFC 9457 problem details: the one error shape of every HTTP response.

The table :data:`DOMAIN_ERRORS` maps each domain error of :mod:`graph.errors` to a status and a
type slug; views never catch domain errors themselves, and 500s never echo exception text.
Protocol errors found by the web layer itself (wrong media type, update sent to a read-only
endpoint, ...) are raised as :class:`ProblemError`. A client that prefers ``text/plain`` gets
the same problem as plain text.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from flask import Flask, Response, g, json, request
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


def invalid_parameter(name: str, message: str, location: str = "query") -> ProblemError:
    """400: the request parameter ``name`` (in ``location``) is invalid, said as every
    parameter problem says it (``errors`` lists ``parameter``, ``location`` and ``messages``)."""
    errors = [{"parameter": name, "location": location, "messages": [message]}]
    return ProblemError(
        400, "invalid-parameters", "Invalid parameters", f"{name}: {message}", errors=errors
    )


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


_ONE_OF = re.compile(r"^Must be one of: (?P<choices>.*?)\.?$", re.DOTALL)


def _value_at(data: Any, path: tuple[str | int, ...]) -> Any:
    """The sent value at ``path`` in the request's input, or None: a string key names a field,
    an integer the item of a list (or of a comma-delimited query value)."""
    for key in path:
        if isinstance(key, int):
            items = data.split(",") if isinstance(data, str) else data
            if not isinstance(items, list | tuple) or not -len(items) <= key < len(items):
                return None
            data = items[key]
        elif hasattr(data, "get"):
            try:
                data = data.get(key)
            except Exception:  # a proxy that cannot answer: no value to quote
                return None
        else:
            return None
    return data


def _readable(text: str, value: Any) -> str:
    """A marshmallow message as people read it: ``'nope' is not one of a, b`` for ``OneOf``."""
    match = _ONE_OF.match(text)
    if match is None:
        return text
    if isinstance(value, str | int | float):
        return f"{str(value)!r} is not one of {match['choices']}"
    return f"must be one of {match['choices']}"


def _flatten(messages: Any, data: Any, path: tuple[str | int, ...] = ()) -> list[tuple[str, str]]:
    """Nested marshmallow messages ({0: [...]} is a list item, {"name": [...]} a field) as
    (where, message) pairs; ``where`` is the path below the parameter (empty for itself)."""
    if isinstance(messages, dict):
        return [pair for key, sub in messages.items() for pair in _flatten(sub, data, (*path, key))]
    texts = messages if isinstance(messages, list | tuple) else [messages]
    value = _value_at(data, path)
    where = "".join(f"[{key}]" if isinstance(key, int) else f".{key}" for key in path[1:])
    if value is not None:  # the quoted value says which item it was
        where = "".join(f".{key}" for key in path[1:] if not isinstance(key, int))
    pairs: list[tuple[str, str]] = []
    for text in texts:
        if isinstance(text, dict | list):
            pairs += _flatten(text, data, path)
        else:
            pairs.append((where.lstrip("."), _readable(str(text), value)))
    return pairs


def _parameter_errors(exc: HTTPException) -> list[dict[str, Any]] | None:
    """webargs' validation messages ({location: {name: messages}}) as a problem's errors, each
    message readable: nested ones flattened, a ``OneOf`` quoting the value sent."""
    messages = getattr(exc, "data", {}).get("messages") if hasattr(exc, "data") else None
    if not isinstance(messages, dict):
        return None
    data = getattr(getattr(exc, "exc", None), "data", None)
    errors = []
    for location, fields in messages.items():
        for name, texts in fields.items() if isinstance(fields, dict) else [("", fields)]:
            pairs = _flatten(texts, data, (name,)) if name else _flatten(texts, None)
            errors.append(
                {
                    "parameter": name,
                    "location": location,
                    "messages": [f"{where}: {text}" if where else text for where, text in pairs],
                }
            )
    return errors


def _http_error(exc: HTTPException) -> Response:
    errors = _parameter_errors(exc)
    if errors is not None:  # request validation (webargs): 400 naming every parameter
        detail = "; ".join(
            f"{e['parameter']}: {text}" if e["parameter"] else text
            for e in errors
            for text in e["messages"]
        )
        return problem(400, "Invalid parameters", detail, "invalid-parameters", errors=errors)
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


def render_error(
    app: Flask, environ: dict[str, Any], error: Exception, **pinned: object
) -> Response:
    """The app's answer to ``error``, raised while answering the request of WSGI
    ``environ``, made outside that request's own context: its error handlers, then its
    after-request hooks, in a context of its own whose :data:`flask.g` holds ``pinned``
    (what the request had pinned there; the context's teardown gives it back)."""
    with app.request_context(environ):
        for name, value in pinned.items():
            setattr(g, name, value)
        try:
            response = app.make_response(app.handle_user_exception(error))
        except Exception as unexpected:  # no handler for it: what Flask does then
            return app.handle_exception(unexpected)  # (its after-request hooks have run)
        return app.process_response(response)


def register_error_handlers(app: Flask) -> None:
    """Route every error through :func:`problem`."""
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(EkgError, _domain_error)
    app.register_error_handler(Exception, _unexpected)
