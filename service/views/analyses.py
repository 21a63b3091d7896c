"""``/api`` causal analyses over the networkx link graph, and graph exports.

Every analysis is bounded (depth, limit); no path between two events is a 200 with an empty
list. Unknown events are 404 problems (:class:`graph.errors.UnknownEventError`). Every analysis
body ends with ``event_labels``, the label and dates of each event id it names
(:func:`graph.causal.event_labels`), once per body.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import networkx as nx
from flask import Response
from flask.typing import ResponseReturnValue

from graph.causal import (
    LensView,
    Selection,
    analyze_causes,
    analyze_effects,
    check_consistency,
    compare_events,
    describe_temporal_relation,
    event_labels,
    find_causal_chains,
    find_longest_chain,
    mentioned_events,
    rank_drivers,
    render_svg,
    select_graph,
    to_cytoscape,
    to_dot,
    what_if,
)
from service.openapi import ApiBlueprint, csv_doc
from service.runtime.state import built
from service.schemas import (
    CauseAnalysisSchema,
    ChainArgs,
    ChainListSchema,
    CompareArgs,
    ComparisonSchema,
    ConsistencyArgs,
    ConsistencySchema,
    CytoscapeSchema,
    DriverArgs,
    DriverListSchema,
    EffectAnalysisSchema,
    GraphArgs,
    LongestChainArgs,
    LongestChainSchema,
    PairArgs,
    ReachArgs,
    TemporalAnswerSchema,
    WhatIfArgs,
    WhatIfSchema,
)
from service.tables import analysis_rows, csv_response, truncation, wants_csv
from service.views.api import find_story

bp = ApiBlueprint("analyses", __name__, url_prefix="/api", description="Causal analyses")


def lensed(args: dict[str, Any]) -> tuple[nx.DiGraph, dict[str, Any]]:
    """The graph an analysis runs on and its link filters (graph/ keyword arguments), under
    the request's `lens` (:func:`graph.causal.apply_lens`): `evidence` by default (supported
    and qualified links, as SPARQL property paths and graph.causal follow), `all`, or a
    narrative's links whatever their status; `status` narrows the lens (given alone, it
    narrows `all`: `status=contested` follows only contested links)."""
    view = built().lens(args["lens"], args["status"] or None)
    graph = view.graph
    if args.get("story") is not None:
        graph = story_graph(view, args["story"])
    return graph, {"statuses": view.statuses, "kinds": args["kind"] or None}


def story_graph(view: LensView, story_id: str) -> nx.DiGraph:
    """The lens's graph restricted to the story's events (a view, once per data version)."""
    events = frozenset(find_story(story_id).events)
    return built().remember(
        ("story-view", view.lens, story_id),
        lambda: nx.subgraph_view(view.graph, filter_node=events.__contains__),
    )


def _key(args: dict[str, Any]) -> tuple[Any, ...]:
    """A cache key for a lens, a story and link filters (order-insensitive)."""
    lists = (tuple(sorted(args[name] or ())) for name in ("status", "kind"))
    return (args["lens"], args.get("story"), *lists)


def labelled(body: dict[str, Any], *results: Any) -> dict[str, Any]:
    """``body`` with ``event_labels`` added last: the events the ``results`` name."""
    body["event_labels"] = event_labels(built().causal, mentioned_events(*results))
    return body


def answer(table: str, args: dict[str, Any], body: dict[str, Any]) -> ResponseReturnValue:
    """An analysis's ``body`` as JSON, or (``format=csv``, ``Accept: text/csv``) as the CSV
    table ``table`` of :mod:`service.tables`, with ``X-Truncated`` when ``limit`` cut it."""
    if wants_csv(args):
        return csv_response(table, analysis_rows(table, body), truncation(body))
    return body, 200, {"Vary": "Accept"}


#: Drivers are ranked once per data version and filter; requests take a prefix of the ranking.
MAX_DRIVERS = 100


@bp.get("/chains")
@bp.arguments(ChainArgs, location="query", as_kwargs=False)
@bp.response(200, ChainListSchema)
@csv_doc("chains")
def chains(args: dict[str, Any]) -> ResponseReturnValue:
    """Causal chains from `source` to `target`, shortest first, each with its links, its
    strength (product of confidences) and its weakest link."""
    graph, options = lensed(args)
    found = find_causal_chains(
        graph,
        args["source"],
        args["target"],
        max_depth=args["max_depth"],
        limit=args["limit"],
        **options,
    )
    body = {"chains": [asdict(chain) for chain in found], "count": len(found)}
    return answer("chains", args, labelled(body, found))


@bp.get("/causes/<event_id>")
@bp.arguments(ReachArgs, location="query", as_kwargs=False)
@bp.response(200, CauseAnalysisSchema)
@csv_doc("causes")
def causes(args: dict[str, Any], event_id: str) -> ResponseReturnValue:
    """Root-cause analysis: every ancestor with its depth, the root causes, and the strongest
    path from each root. The CSV is a row per ancestor (`root`: whether it is a root cause)."""
    graph, options = lensed(args)
    found = analyze_causes(
        graph, event_id, max_depth=args["max_depth"], limit=args["limit"], **options
    )
    return answer("causes", args, labelled(asdict(found), found))


@bp.get("/effects/<event_id>")
@bp.arguments(ReachArgs, location="query", as_kwargs=False)
@bp.response(200, EffectAnalysisSchema)
@csv_doc("effects")
def effects(args: dict[str, Any], event_id: str) -> ResponseReturnValue:
    """Downstream effects: every descendant with its depth."""
    graph, options = lensed(args)
    found = analyze_effects(
        graph, event_id, max_depth=args["max_depth"], limit=args["limit"], **options
    )
    return answer("effects", args, labelled(asdict(found), found))


@bp.get("/drivers")
@bp.arguments(DriverArgs, location="query", as_kwargs=False)
@bp.response(200, DriverListSchema)
@csv_doc("drivers")
def drivers(args: dict[str, Any]) -> ResponseReturnValue:
    """The events that reach the most downstream effects, weighted by confidence: the sum, over
    each distinct event downstream, of the strength of the strongest chain to it (each effect
    counts once, however many parallel routes lead to it)."""
    graph, options = lensed(args)
    key = ("drivers", *_key(args))
    ranked = built().remember(key, lambda: rank_drivers(graph, limit=MAX_DRIVERS, **options))
    ranked = ranked[: args["limit"]]
    body = {"drivers": [asdict(d) for d in ranked], "count": len(ranked)}
    return answer("drivers", args, labelled(body, ranked))


@bp.get("/what-if")
@bp.arguments(WhatIfArgs, location="query", as_kwargs=False)
@bp.response(200, WhatIfSchema)
@csv_doc("what-if")
def counterfactual(args: dict[str, Any]) -> ResponseReturnValue:
    """Effects that lose every causal path from any root cause when `remove` is removed. The
    CSV is a row per effect, `outcome` `orphaned` or `still_supported`."""
    graph, options = lensed(args)
    found = what_if(
        graph, args["remove"], max_depth=args["max_depth"], limit=args["limit"], **options
    )
    return answer("what-if", args, labelled(asdict(found), found))


@bp.get("/longest-chain")
@bp.arguments(LongestChainArgs, location="query", as_kwargs=False)
@bp.response(200, LongestChainSchema)
@csv_doc("longest-chain")
def longest_chain(args: dict[str, Any]) -> ResponseReturnValue:
    """The longest causal chain (most links; ties go to the strongest). The CSV is a row per
    event, with the `link` that leads to it."""
    graph, options = lensed(args)
    key = ("longest-chain", *_key(args))
    found = built().remember(key, lambda: find_longest_chain(graph, **options))
    return answer("longest-chain", args, labelled(asdict(found), found))


@bp.get("/consistency")
@bp.arguments(ConsistencyArgs, location="query", as_kwargs=False)
@bp.response(200, ConsistencySchema)
@csv_doc("consistency")
def consistency(args: dict[str, Any]) -> ResponseReturnValue:
    """Links whose cause starts after its effect (respecting precision), cycles, and claims
    whose asserted links the dates contradict; links at every status are checked. The CSV is
    one table of the three lists, `problem` saying which."""
    data = built()
    found = data.remember("consistency", lambda: check_consistency(data.dataset, data.causal))
    return answer("consistency", args, labelled(asdict(found), found))


@bp.get("/temporal")
@bp.arguments(PairArgs, location="query", as_kwargs=False)
@bp.response(200, TemporalAnswerSchema)
def temporal(args: dict[str, Any]) -> ResponseReturnValue:
    """The Allen relation of event `a` to event `b`, honest about imprecise dates."""
    found = describe_temporal_relation(built().causal, args["a"], args["b"])
    return labelled(asdict(found), found)


@bp.get("/compare")
@bp.arguments(CompareArgs, location="query", as_kwargs=False)
@bp.response(200, ComparisonSchema)
def compare(args: dict[str, Any]) -> ResponseReturnValue:
    """Two events side by side: dates, figures, direct causes and effects (links stated as
    facts unless `status` says otherwise), `similar_to` links."""
    graph, options = lensed({**args, "kind": None})
    found = compare_events(
        built().dataset, graph, args["a"], args["b"], statuses=options["statuses"]
    )
    return labelled(asdict(found), found)


@bp.get("/graph")
@bp.arguments(GraphArgs, location="query", as_kwargs=False)
@bp.response(200, CytoscapeSchema)
@bp.alt_response(
    200,
    description="GraphViz DOT (format=dot) or SVG (format=svg)",
    content_type="image/svg+xml",
    success=True,
)
def graph_export(args: dict[str, Any]) -> ResponseReturnValue:
    """A selection of the link graph (`focus` and `depth`, a `chain` of event ids, or neither:
    the whole graph under the filters) as Cytoscape elements JSON, GraphViz DOT or SVG. At most
    `limit` events: when it cuts the selection, the JSON says so (`truncated`, `count` of
    `total`), and DOT and SVG in a note under the title. Around a `focus` the walk stops just
    past `limit`: `total` is then a lower bound (`total_exact` false)."""
    graph, options = lensed(args)
    chain = args["chain"] or None

    def select() -> Selection:
        return select_graph(
            graph,
            focus=args["focus"],
            depth=args["depth"],
            chain=chain,
            limit=args["limit"],
            **options,
        )

    if args["focus"] is None and chain is None:  # the whole graph: once per version and filters
        selection = built().remember(("graph-whole", *_key(args), args["limit"]), select)
    else:
        selection = select()
    shown, total = len(selection.graph), selection.total
    if args["format"] == "cytoscape":
        counts = {"count": shown, "total": total, "total_exact": selection.exact}
        return {**to_cytoscape(selection.graph), **counts, "truncated": selection.truncated}
    bound = "" if selection.exact else "at least "
    note = f"truncated: {shown} of {bound}{total} events (limit={args['limit']})"
    dot = to_dot(
        selection.graph,
        title=built().dataset.info.title,
        note=note if selection.truncated else None,
    )
    if args["format"] == "dot":
        return Response(dot, content_type="text/vnd.graphviz; charset=utf-8")
    return Response(render_svg(dot), content_type="image/svg+xml")
