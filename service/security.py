"""Security headers on every response; a strict Content-Security-Policy on HTML pages; CORS
on the read-only machine-facing routes when the ``CORS`` setting is on.

Pages load only the service's own scripts and styles: no inline script, no eval, no request to
another host. YASGUI's results table inserts two fixed <style> elements; they are allowed by
hash (for yasgui 4.6.2 -- recompute if it is upgraded), not by 'unsafe-inline'.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, request
from flask.typing import ResponseReturnValue

_YASGUI_STYLE_HASHES = (
    "'sha256-zCK2EVMoPc04mRF/g5CotUvxbJPWS+8V0b+s9ptqQIk='",
    "'sha256-c0O6TmFAkgpNbHxKAa1BrveWHHopjEtC47i0PzMudxg='",
)

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' " + " ".join(_YASGUI_STYLE_HASHES),
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


EVERY_RESPONSE = (("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "no-referrer"))
_HTML_PAGES = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Frame-Options", "DENY"),
)


def _headers(response: Response) -> Response:
    # (as headers.setdefault, in one pass: werkzeug's raises and catches a KeyError per
    # missing header, a cost that shows beside a small SPARQL answer)
    headers = response.headers
    present = {name.lower() for name, _ in headers}
    wanted = EVERY_RESPONSE + _HTML_PAGES if response.mimetype == "text/html" else EVERY_RESPONSE
    for name, value in wanted:
        if name.lower() not in present:
            headers.add(name, value)
    return response


def register_security_headers(app: Flask) -> None:
    """Add the headers to every response of ``app``."""
    app.after_request(_headers)


#: The routes other origins may read with CORS on: the JSON API, the SPARQL endpoint (queries
#: by GET), the JSON Schemas, the OpenAPI document and the vendored TimelineJS. Nothing that
#: changes state.
#: TimelineJS too, for a page on another origin that draws /api/timeline/timelinejs with
#: it: its stylesheet's icon font is a cross-origin font, which browsers load only with CORS.
CORS_PREFIXES = ("/api/", "/schema/", "/static/vendor/timelinejs/")
CORS_EXACT = ("/sparql", "/openapi.json")
CORS_METHODS = "GET, HEAD, OPTIONS"
CORS_HEADERS = "Accept, Content-Type"
#: Answer headers a page may read besides the CORS-safelisted ones.
CORS_EXPOSE = (
    "X-SPARQL-Truncated, X-SPARQL-Max-Rows, X-SPARQL-Cache, Link, EKG-Version, X-Truncated"
)


def _cors_path(path: str) -> bool:
    return path in CORS_EXACT or path.startswith(CORS_PREFIXES)


def _preflight() -> ResponseReturnValue | None:
    """Answer a CORS preflight of a readable route: 204, GET/HEAD only."""
    if request.method != "OPTIONS" or not current_app.config["CORS"]:
        return None
    if not _cors_path(request.path):
        return None
    response = Response(status=204)
    response.headers["Access-Control-Allow-Methods"] = CORS_METHODS
    response.headers["Access-Control-Allow-Headers"] = CORS_HEADERS
    response.headers["Access-Control-Max-Age"] = "600"
    return response


def _cors(response: Response) -> Response:
    """``Access-Control-Allow-Origin: *`` (never with credentials) on reads of the routes."""
    if (
        current_app.config["CORS"]
        and request.method in ("GET", "HEAD", "OPTIONS")
        and _cors_path(request.path)
    ):
        response.headers["Access-Control-Allow-Origin"] = "*"
        if request.method != "OPTIONS":
            response.headers["Access-Control-Expose-Headers"] = CORS_EXPOSE
    return response


def register_cors(app: Flask) -> None:
    """CORS for the read-only routes of ``app`` when its ``CORS`` setting is on (the setting
    is read per request, so a test may flip it)."""
    app.before_request(_preflight)
    app.after_request(_cors)
