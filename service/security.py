"""Security headers on every response; a strict Content-Security-Policy on HTML pages.

Pages load only the service's own scripts and styles: no inline script, no eval, no request to
another host. YASGUI's results table inserts two fixed <style> elements; they are allowed by
hash (for yasgui 4.6.2 -- recompute if it is upgraded), not by 'unsafe-inline'.
"""

from __future__ import annotations

from flask import Flask, Response

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


def _headers(response: Response) -> Response:
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    if response.mimetype == "text/html":
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Frame-Options", "DENY")
    return response


def register_security_headers(app: Flask) -> None:
    """Add the headers to every response of ``app``."""
    app.after_request(_headers)
