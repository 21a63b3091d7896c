"""Meta routes: liveness and the state of the loaded data."""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue

from service import state

bp = Blueprint("meta", __name__)


@bp.get("/health")
def health() -> ResponseReturnValue:
    """Liveness: the process answers."""
    return jsonify(status="ok")


@bp.get("/-/status")
def status() -> ResponseReturnValue:
    """What is being served: dataset, backend, counts and the build time."""
    built = state.built()
    return jsonify(
        dataset=built.dataset.info.id,
        backend=built.store.backend,
        counts=built.counts(),
        build_seconds=round(built.seconds, 3),
    )
