"""Meta routes: liveness, the state of the served data, and reloading it."""

from __future__ import annotations

import hmac
import ipaddress

from flask import Blueprint, current_app, jsonify, request
from flask.typing import ResponseReturnValue

from service import state
from service.errors import ProblemError
from service.reload import Generations

bp = Blueprint("meta", __name__)


@bp.get("/health")
def health() -> ResponseReturnValue:
    """Liveness: the process answers."""
    return jsonify(status="ok")


@bp.get("/-/status")
def status() -> ResponseReturnValue:
    """What is being served: data version, generation, backend, counts, the last reload."""
    generation = state.generation()
    built = generation.built
    last = _generations().last_reload
    return jsonify(
        dataset=built.dataset.info.id,
        version=built.version,
        generation=generation.number,
        backend=built.store.backend,
        counts=built.counts(),
        build_seconds=round(built.seconds, 3),
        last_reload=last.to_json() if last else None,
    )


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
    token = current_app.config["RELOAD_TOKEN"]
    given = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return
    try:
        loopback = ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise ProblemError(
            403,
            "reload-forbidden",
            "Reload forbidden",
            "reloads are accepted from loopback, or with the configured bearer token",
        )
