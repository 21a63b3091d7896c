"""Meta routes: liveness, the state of the served data, reloading it, and the JSON Schema of
the data files."""

from __future__ import annotations

import functools
import hmac
import ipaddress

from flask import Blueprint, Response, current_app, jsonify, request
from flask.typing import ResponseReturnValue

from graph.data.schema import schema_file
from service.errors import ProblemError
from service.runtime import state
from service.runtime.reload import Generations

bp = Blueprint("meta", __name__)


@bp.get("/health")
def health() -> ResponseReturnValue:
    """Liveness: the process answers."""
    return jsonify(status="ok")


@bp.get("/-/status")
def status() -> ResponseReturnValue:
    """What is being served: data version, generation, backend, counts (and each story's:
    its graph's IRI, events, links, claims and the triples of its graph), the last reload."""
    generation = state.generation()
    built = generation.built
    last = _generations().last_reload
    return jsonify(
        dataset=built.dataset.info.id,
        version=built.version,
        generation=generation.number,
        backend=built.store.backend,
        counts=built.counts(),
        stories=built.story_counts(),
        build_seconds=round(built.seconds, 3),
        last_reload=last.to_json() if last else None,
    )


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
    if any(name in request.headers for name in _PROXY_HEADERS):
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


_PROXY_HEADERS = ("Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Real-IP")


def _forbidden(detail: str) -> ProblemError:
    return ProblemError(403, "reload-forbidden", "Reload forbidden", detail)
