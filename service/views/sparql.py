"""``/sparql``: a read-only SPARQL 1.1 Protocol endpoint, its service description and YASGUI.

Every query is checked (:func:`graph.store.guard.check_query`) and then evaluated in a worker
process under a time limit (:mod:`service.runtime.engine`); updates are refused: with 403
when sent as an update, with 400 (a malformed query) when sent as a query.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from flask import Blueprint, Flask, Response, current_app, render_template, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Request

from graph.pipeline import BuiltGraph
from graph.queries import load_query, query_names
from graph.rdf import describe_service
from graph.store import (
    DEFAULT_PREFIXES,
    GRAPH_MEDIA_TYPES,
    QueryAnswer,
    QueryJob,
    check_query,
    is_deterministic,
)
from graph.store.pinned import PinnedStore
from service.errors import not_acceptable
from service.negotiation import choose
from service.protocol import ProtocolRequest, choose_media_type, parse_request
from service.runtime import state
from service.runtime.caching import LruCache
from service.runtime.reload import Generation

bp = Blueprint("sparql", __name__)

#: Answers kept per data version (and ``SPARQL_CACHE_BYTES`` bytes at most).
ANSWER_CACHE_SIZE = 1024


@bp.route("/sparql", methods=["GET", "POST"])
def sparql() -> ResponseReturnValue:
    """Answer a SPARQL query; with no query, describe the service (or show YASGUI).

    (A plain GET of a query is answered before Flask sees it, by
    :mod:`service.views.sparql_direct`, with the same functions and the same answer.)"""
    protocol = parse_request(request)
    if protocol.query is None:
        return _describe()
    config = current_app.config
    job = make_job(protocol, request.headers.get("Accept"), config, base_url(request.environ))
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    answer, cached = answer_job(job, state.generation(), config, app, request.environ)
    return Response(answer.body, headers=answer_headers(job, answer, cached))


def answer_job(
    job: QueryJob,
    generation: Generation,
    config: Mapping[str, Any],
    app: Flask,
    environ: dict[str, Any],
) -> tuple[QueryAnswer, bool]:
    """The answer to ``job`` from ``generation`` and whether it came from the data version's
    answer cache (``app`` and ``environ``: the request, for an answer past the time limit).

    Answers do not change while the data does not, so deterministic queries (no RAND, NOW,
    UUID, BNODE) are answered once per data version and then from memory, up to
    ``SPARQL_CACHE_BYTES``; a reload starts from an empty cache."""
    budget = config["SPARQL_CACHE_BYTES"]
    built, engine = generation.built, generation.engine
    # (A remote store may be changed by other instances: its answers are not ours to keep.)
    if not budget or built.store.capabilities.remote or not is_deterministic(job.sparql):
        return engine.run(job, app=app, environ=environ), False
    cache: LruCache[tuple[QueryAnswer, int]] = built.remember(
        "sparql-answers",
        lambda: LruCache(ANSWER_CACHE_SIZE, max_bytes=budget, size=lambda kept: kept[1]),
    )
    kept = cache.get(job)
    if kept is not None:
        return kept[0], True
    answer = engine.run(job, app=app, environ=environ)
    cache.put(job, (answer, len(answer.body) + len(job.sparql)))  # the key's size counts too
    return answer, False


def make_job(
    protocol: ProtocolRequest, accept: str | None, config: Mapping[str, Any], base: str
) -> QueryJob:
    """The checked query of ``protocol`` (a :class:`QueryRefusedError` if the guard refuses
    it), its answer's media type for ``accept`` and the configured limits; ``base``: the
    query's base IRI, the request's URL without its query string."""
    query = protocol.query
    assert query is not None
    facts = check_query(
        query,
        max_length=config["SPARQL_MAX_QUERY_LENGTH"],
        max_nesting=config["SPARQL_MAX_NESTING"],
        max_operators=config["SPARQL_MAX_OPERATORS"],
    )
    media_type = choose_media_type(query, facts.form, accept, protocol.format)
    return QueryJob(
        query,
        media_type,
        protocol.default_graphs,
        protocol.named_graphs,
        config["SPARQL_MAX_ROWS"],
        config["SPARQL_MAX_BYTES"],
        base,
        facts.names_dataset,
    )


def answer_headers(job: QueryJob, answer: QueryAnswer, cached: bool) -> list[tuple[str, str]]:
    """The headers of ``answer`` that the view sets itself (the app's hooks add the rest)."""
    headers = [
        ("Content-Type", _content_type(job.media_type)),
        ("X-SPARQL-Cache", "hit" if cached else "miss"),
    ]
    if answer.truncated:
        headers += [("X-SPARQL-Truncated", "true"), ("X-SPARQL-Max-Rows", str(job.max_rows))]
    return headers


@lru_cache(maxsize=64)  # bounded: the Host header is the client's to choose
def _base_url(parts: tuple[object, ...]) -> str:
    return Request(dict(zip(_URL_PARTS, parts, strict=True))).base_url


def base_url(environ: Mapping[str, Any]) -> str:
    """The request's URL without its query string: the base IRI of its query. (werkzeug
    builds ``request.base_url`` anew for every request, at a cost that shows beside a small
    query: here it is made once per set of the values it is made of.)"""
    return _base_url(tuple(environ.get(name) for name in _URL_PARTS))


_URL_PARTS = (
    "wsgi.url_scheme",
    "HTTP_HOST",
    "SERVER_NAME",
    "SERVER_PORT",
    "SCRIPT_NAME",
    "PATH_INFO",
)


def _content_type(media_type: str) -> str:
    textual = media_type.startswith("text/") or media_type.endswith(("json", "xml", "triples"))
    return f"{media_type}; charset=utf-8" if textual else media_type


def _describe() -> ResponseReturnValue:
    offers = [*GRAPH_MEDIA_TYPES, "text/html"]
    chosen = choose(request.headers.get("Accept"), offers)
    if chosen is None:
        raise not_acceptable("the service description is available as " + ", ".join(offers))
    built = state.built()
    if chosen == "text/html":
        return render_template(
            "sparql.html", config=_page_config(), dataset_title=built.dataset.info.title
        )
    graph = describe_service(built, request.base_url)
    body = graph.serialize(format=GRAPH_MEDIA_TYPES[chosen], encoding="utf-8")
    return Response(body, content_type=_content_type(chosen))


def _page_config() -> dict[str, object]:
    built = state.built()
    base = built.dataset.info.base
    return {
        "endpoint": request.base_url,
        "prefixes": DEFAULT_PREFIXES,
        "examples": built.remember("sparql-examples", lambda: _examples(built)),
        "base": base,
        "pages": _record_pages(),
    }


#: Stands for a record's id while :func:`_record_pages` builds its URL patterns.
_ID_MARK = "RECORD-ID-MARK"


def _examples(built: BuiltGraph) -> list[dict[str, str]]:
    """The shipped queries as the page offers them, under this data's base IRI (once per
    data version): those a reader would refuse are left out."""
    examples = []
    for name in query_names():
        text = load_query(name, built.dataset.info.base)
        if isinstance(built.store, PinnedStore) and built.store.refusal(text):
            continue  # a reader would refuse it (narratives: GRAPH ?g joined; see README)
        title = text.splitlines()[0].lstrip("# ").strip() if text.startswith("#") else name
        examples.append({"name": name, "title": title, "query": text})
    return examples


def _record_pages() -> dict[str, str]:
    """This server's page for each kind of record that has one, by the IRI section of the
    record (``<base>event/<id>``: ``event``), with ``{id}`` where the record's id goes. The
    query page links result IRIs of these records here."""
    urls = {
        "event": url_for("api.get_event", event_id=_ID_MARK),
        "story": url_for("pages.index", story=_ID_MARK),
        "narrative": url_for("pages.index", lens=_ID_MARK),
    }
    return {section: url.replace(_ID_MARK, "{id}") for section, url in urls.items()}


@bp.after_request
def _vary(response: Response) -> Response:
    """Answers depend on ``Accept`` (CORS, when on, is :func:`service.security.register_cors`)."""
    # (as response.vary.add, without parsing the header nor a KeyError when it is missing)
    vary = next((value for name, value in response.headers if name.lower() == "vary"), None)
    if vary is None:
        response.headers.add("Vary", "Accept")
    elif "accept" not in (token.strip().lower() for token in vary.split(",")):
        response.headers["Vary"] = f"{vary}, Accept"
    return response
