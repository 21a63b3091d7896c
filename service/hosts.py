"""The Host names the service answers for: a request naming any other gets 400 (as Django's
``ALLOWED_HOSTS``), on every route.

A page on another site can make a browser send requests to a loopback service by pointing its
own name at 127.0.0.1 (DNS rebinding); the browser still sends that name as ``Host``, so
answering only for loopback names, the address the service listens on and the names set in
``ALLOWED_HOSTS`` keeps such a page from reading the service or driving ``POST /-/reload``.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from flask import Flask, current_app, request

from service.errors import ProblemError

#: The names loopback clients reach the service by; always allowed.
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")
#: The addresses that mean "every interface": no name of their own.
WILDCARD_ADDRESSES = ("", "0.0.0.0", "::", "[::]")


def allowed_hosts(config: Mapping[str, Any]) -> tuple[str, ...]:
    """The names ``config`` answers for: the loopback names, its ``HOST`` unless a wildcard,
    and its ``ALLOWED_HOSTS`` (``*``: every name; ``.example.org``: it and its subdomains)."""
    host = str(config.get("HOST") or "")
    bound = () if host in WILDCARD_ADDRESSES else (f"[{host}]" if ":" in host else host,)
    names = (*LOOPBACK_NAMES, *bound, *config.get("ALLOWED_HOSTS", ()))
    return tuple(dict.fromkeys(name.lower().rstrip(".") for name in names))


def host_name(header: str) -> str:
    """The name in a ``Host`` header, without its port, in lower case.

    >>> host_name("LocalHost:8080"), host_name("[::1]:80"), host_name("example.org.")
    ('localhost', '[::1]', 'example.org')
    """
    header = header.strip().lower()
    if header.startswith("["):
        return header[: header.find("]") + 1] if "]" in header else header
    return header.rpartition(":")[0].rstrip(".") if ":" in header else header.rstrip(".")


def is_allowed(header: str, allowed: tuple[str, ...]) -> bool:
    """Whether a request with ``Host: header`` is one the service answers for.

    >>> is_allowed("api.example.org:443", ("localhost", ".example.org"))
    True
    >>> is_allowed("evil.example", ("localhost", "example.org"))
    False
    """
    name = host_name(header)
    return any(
        pattern == "*"
        or name == pattern
        or (pattern.startswith(".") and (name.endswith(pattern) or name == pattern[1:]))
        for pattern in allowed
    )


@lru_cache(maxsize=16)
def _allowed(host: object, extra: tuple[str, ...]) -> tuple[str, ...]:
    return allowed_hosts({"HOST": host, "ALLOWED_HOSTS": extra})


def host_allowed(environ: Mapping[str, Any], config: Mapping[str, Any]) -> bool:
    """Whether the request of WSGI ``environ`` names a host ``config`` answers for (the
    settings are read per request, so a test may change them; :func:`allowed_hosts` is
    made once per value). A request without ``Host`` (HTTP/1.0; no browser sends that)
    passes."""
    header = environ.get("HTTP_HOST")
    if header is None:
        return True
    allowed = _allowed(config.get("HOST"), tuple(config.get("ALLOWED_HOSTS", ())))
    return is_allowed(header, allowed)


def _check_host() -> None:
    if not host_allowed(request.environ, current_app.config):
        raise ProblemError(
            400,
            "disallowed-host",
            "Host not allowed",
            f"this service does not answer for the host "
            f"{host_name(request.environ['HTTP_HOST'])[:100]!r}; "
            "its operator can add it to EKG_ALLOWED_HOSTS (ekg serve --allowed-host)",
        )


def register_allowed_hosts(app: Flask) -> None:
    """Check the ``Host`` of every request of ``app`` before anything else runs."""
    app.before_request(_check_host)
