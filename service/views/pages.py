"""HTML pages and Linked Data entry points: API docs, and event IRIs that resolve."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Flask, current_app, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from graph import vocab
from service.runtime import state

bp = Blueprint("pages", __name__)


@bp.get("/")
def index() -> ResponseReturnValue:
    """The timeline with causal arrows beside the causal graph, the chain explorer, filters."""
    built = state.built()
    dataset = built.dataset
    config = {
        "api": "/api",
        "sparql": url_for("sparql.sparql"),
        "docs": url_for("pages.docs"),
        "lanes": [{"id": lane.id, "label": lane.label} for lane in dataset.lanes],
        "statuses": list(vocab.LINK_STATUSES),
        "kinds": list(vocab.LINK_PREDICATES),
    }
    return render_template(
        "index.html",
        config=config,
        dataset_title=dataset.info.title,
        version=built.version,
        version_poll=current_app.config["VERSION_POLL"],
    )


@bp.get("/docs")
def docs() -> ResponseReturnValue:
    """Swagger UI over /openapi.json, from vendored files, titled with the dataset's title."""
    return render_template(
        "docs.html",
        spec_url=url_for("api-docs.openapi_json"),
        dataset_title=state.built().dataset.info.title,
    )


def resolve_event_iris(app: Flask, base: str) -> None:
    """Make ``<base>event/<id>`` answer on this host: 303 See Other to the event resource,
    which then serves JSON, RDF or HTML by content negotiation."""
    path = urlsplit(base).path.rstrip("/") + "/event/<event_id>"

    def resolve(event_id: str) -> ResponseReturnValue:
        return redirect(url_for("api.get_event", event_id=event_id), code=303)

    app.add_url_rule(path, "resolve_event_iri", resolve)
