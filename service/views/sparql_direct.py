"""A plain SPARQL query by GET, answered before Flask: the endpoint's common case, cheaper.

For a small query, Flask's request machinery -- the request context, URL routing, the hooks
before and after the view, a Response object -- costs more than evaluating the query
(``benchmarks/throughput.py``, distinct queries). :class:`DirectQueries` sits in front of
the Flask app (``app.wsgi_app``) and answers the case that makes up most traffic itself: a
``GET /sparql`` whose query the guard accepts, in a media type the client accepts, for a
``Host`` the service answers for. It uses the view's own functions
(:mod:`service.views.sparql`: the protocol parser, the guard, the answer cache, the engine)
and adds the headers the app's hooks would add. Everything else -- the service description
and YASGUI, POST, HEAD, OPTIONS, a refused or malformed request -- goes to Flask (which reads
it again: such requests are rare and cheap, but for a 406, whose query is parsed to tell a
syntax error apart), and an error from the engine is rendered by Flask's own error handlers.

``tests/test_sparql_direct.py`` sends each kind of request through both ways and compares
status, headers and body; it also fails when the app gains a hook this module does not know,
so that the two cannot drift apart silently.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask

from graph.errors import EkgError
from service.errors import ProblemError, render_error
from service.hosts import host_allowed
from service.protocol import parse_get
from service.runtime.reload import Generation
from service.runtime.state import VERSION_HEADER
from service.security import CORS_EXPOSE, EVERY_RESPONSE
from service.views.sparql import answer_headers, answer_job, base_url, make_job

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

#: The app's hooks whose effect on a plain query's answer this module reproduces, by where
#: they are defined; see :func:`known_hooks` (a test checks the app has no other).
KNOWN_HOOKS = {
    "before_request": [
        "service.hosts._check_host",
        "service.runtime.polling.Pollers.ensure_running",
        "service.security._preflight",
    ],
    "after_request": [
        "service.runtime.state.stamp_version",
        "service.security._cors",
        "service.security._headers",
        "service.views.sparql._vary",
    ],
    "teardown_request": ["service.runtime.state.release"],
}


class DirectQueries:
    """WSGI middleware: a plain ``GET /sparql?query=...`` is answered here; every other
    request goes on to ``inner`` (the Flask app's own ``wsgi_app``)."""

    def __init__(self, app: Flask, inner: WsgiApp) -> None:
        self.app, self.inner = app, inner

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "GET" or environ.get("PATH_INFO") != "/sparql":
            return self.inner(environ, start_response)
        app, config = self.app, self.app.config
        if not host_allowed(environ, config):
            return self.inner(environ, start_response)  # Flask answers 400
        try:
            protocol = parse_get(environ.get("QUERY_STRING", "").encode("latin-1"))
            if protocol.query is None:  # the service description: Flask's page
                return self.inner(environ, start_response)
            job = make_job(protocol, environ.get("HTTP_ACCEPT"), config, base_url(environ))
        except (EkgError, ProblemError, UnicodeEncodeError):  # Flask says why, as it always has
            return self.inner(environ, start_response)
        app.extensions["ekg_pollers"].ensure_running()  # as the app's before-request hook
        generations = app.extensions["ekg_generations"]
        generation = generations.acquire()
        try:
            answer, cached = answer_job(job, generation, config, app, environ)
        except Exception as error:  # rendered by the app, the generation still pinned
            return self._error(environ, start_response, error, generation)
        except BaseException:
            generations.release(generation)
            raise
        try:
            headers = answer_headers(job, answer, cached)
            headers.append(("Content-Length", str(len(answer.body))))
            headers.append(("Vary", "Accept"))
            if config["CORS"]:
                headers.append(("Access-Control-Allow-Origin", "*"))
                headers.append(("Access-Control-Expose-Headers", CORS_EXPOSE))
            headers.extend(EVERY_RESPONSE)
            headers.append((VERSION_HEADER, generation.built.version))
        finally:
            generations.release(generation)
        start_response("200 OK", headers)
        return [answer.body]

    def _error(
        self,
        environ: dict[str, Any],
        start_response: Callable[..., Any],
        error: Exception,
        generation: Generation,
    ) -> Iterable[bytes]:
        """The app's answer to ``error`` raised by the view, with ``generation`` pinned as
        :func:`service.runtime.state.generation` pins it (and given back the same way)."""
        response = render_error(self.app, environ, error, ekg_generation=generation)
        return response(environ, start_response)


def known_hooks(app: Flask) -> dict[str, list[str]]:
    """Where each hook ``app`` has is defined, sorted (for the test that keeps
    :data:`KNOWN_HOOKS` true)."""
    return {
        kind: sorted(
            f"{func.__module__}.{func.__qualname__}"
            for funcs in getattr(app, f"{kind}_funcs").values()
            for func in funcs
        )
        for kind in KNOWN_HOOKS
    }


def install(app: Flask) -> None:
    """Answer plain queries of ``app`` with :class:`DirectQueries` from now on."""
    app.wsgi_app = DirectQueries(app, app.wsgi_app)  # type: ignore[method-assign]
