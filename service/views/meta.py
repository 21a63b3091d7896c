"""Meta routes: liveness, the state of the served data, reloading it, and the JSON Schema of
the data files."""

from __future__ import annotations

import functools
import hmac
import ipaddress
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, render_template, request
from flask.typing import ResponseReturnValue

from graph.data.schema import schema_file
from service.errors import ProblemError, invalid_parameter
from service.negotiation import choose
from service.runtime import state
from service.runtime.reload import Generations

bp = Blueprint("meta", __name__)


@bp.get("/health")
def health() -> ResponseReturnValue:
    """Liveness: the process answers."""
    return jsonify(status="ok")


#: What /-/status answers in, the first for clients that accept anything; ``?format=`` forces one.
STATUS_TYPES = {"json": "application/json", "html": "text/html"}


@bp.get("/-/status")
def status() -> ResponseReturnValue:
    """What is being served: data version, generation (and when it was loaded), backend,
    counts (and each story's: its graph's IRI, events, links, claims and the triples of its
    graph), the last reload. An HTML page for browsers (``Accept: text/html``), JSON for
    everyone else; ``?format=json|html`` decides instead of the header."""
    report = _status_report()
    if _status_format() == "html":
        response = current_app.make_response(render_template("status.html", **_page(report)))
    else:
        response = jsonify(report)
    response.vary.add("Accept")
    response.add_etag()  # cheap polling: If-None-Match answers 304 while nothing changed
    response.cache_control.no_cache = True
    return response.make_conditional(request)


def _status_format() -> str:
    given = request.args.get("format")
    if given is None:
        chosen = choose(request.headers.get("Accept"), list(STATUS_TYPES.values()))
        return "html" if chosen == STATUS_TYPES["html"] else "json"
    if given not in STATUS_TYPES:
        raise invalid_parameter(
            "format", f"must be one of {', '.join(STATUS_TYPES)}, got {given!r}"
        )
    return given


def _status_report() -> dict[str, Any]:
    generation = state.generation()
    built = generation.built
    last = _generations().last_reload
    return {
        "dataset": built.dataset.info.id,
        "version": built.version,
        "generation": generation.number,
        "loaded_at": generation.loaded_at,
        "backend": built.store.backend,
        "counts": built.counts(),
        "stories": built.story_counts(),
        "build_seconds": round(built.seconds, 3),
        "last_reload": last.to_json() if last else None,
        "follow": _follow_report(),
    }


def _follow_report() -> dict[str, Any] | None:
    """A reader of a SPARQL store: the catalog's current version, when it was last read and
    how the last check went (:class:`service.runtime.follow.Follower`); ``None`` otherwise."""
    follower = current_app.extensions.get("ekg_follower")
    return None if follower is None else follower.state()


def _page(report: dict[str, Any]) -> dict[str, Any]:
    """The status page's context: the report, the dataset's title and each story's title."""
    dataset = state.built().dataset
    titles = {story.id: story.title for story in dataset.stories}
    stories = [
        {**story, "title": titles.get(story["id"], story["id"])} for story in report["stories"]
    ]
    return {"report": report, "stories": stories, "dataset_title": dataset.info.title}


@bp.get("/schema/events.json")
def data_schema() -> ResponseReturnValue:
    """The JSON Schema (draft 2020-12) of the data files, for editors and other validators."""
    response = Response(_schema_bytes(), mimetype="application/schema+json")
    response.cache_control.public, response.cache_control.max_age = True, 3600
    return response


@functools.cache
def _schema_bytes() -> bytes:
    return schema_file().read_bytes()


@bp.post("/-/reload")
def reload() -> ResponseReturnValue:
    """Validate the data files and swap in a new generation; only from loopback or with the
    configured bearer token. Invalid data is a 422 problem listing every ``file:line``."""
    _check_reload_allowed()
    result = _generations().reload("http")
    if result.outcome == "rejected":
        raise ProblemError(
            422, "invalid-data", "Invalid data", result.detail, errors=list(result.problems)
        )
    if result.outcome == "failed":
        raise ProblemError(503, "reload-failed", "Reload failed", result.detail)
    return jsonify(result.to_json())


def _generations() -> Generations:
    return current_app.extensions["ekg_generations"]  # type: ignore[no-any-return]


def _check_reload_allowed() -> None:
    """With a token configured, the token alone opens the door. Without one, only a direct
    loopback client: not one relayed by a proxy on this host (which would make every client
    look local), and not a web page of another origin (browsers send ``Origin`` on
    cross-origin POSTs, which need no preflight)."""
    token = current_app.config["RELOAD_TOKEN"]
    if token:
        given = request.headers.get("Authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            raise _forbidden("send the configured token: Authorization: Bearer <token>")
        return
    if _proxied():
        raise _forbidden("a proxied request needs the configured token (EKG_RELOAD_TOKEN)")
    origin = request.headers.get("Origin")
    if origin is not None and origin.rstrip("/") != request.host_url.rstrip("/"):
        raise _forbidden("reloads are not accepted from web pages of other origins")
    try:
        loopback = ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise _forbidden("reloads are accepted from loopback, or with the configured token")


def _proxied() -> bool:
    """Whether a proxy relayed the request: it carries ``Forwarded``, ``Via``, ``X-Real-IP``
    or any ``X-Forwarded-*`` header (the WSGI servers pass them on as sent, see
    :mod:`service.runtime.wsgi`)."""
    return any(
        name.lower() in _PROXY_HEADERS or name.lower().startswith("x-forwarded-")
        for name, _ in request.headers.items()
    )


_PROXY_HEADERS = frozenset({"forwarded", "via", "x-real-ip"})


def _forbidden(detail: str) -> ProblemError:
    return ProblemError(403, "reload-forbidden", "Reload forbidden", detail)
