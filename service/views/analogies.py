"""``/api/analogies``: the stories aligned by stage, side by side, with the figures a reader
compares (one call into :mod:`graph.timeline.analogies`)."""

from __future__ import annotations

from typing import Any

from flask.typing import ResponseReturnValue

from graph.causal import Chain, find_causal_chains
from graph.timeline.analogies import analogies
from service.openapi import ApiBlueprint
from service.runtime.state import built
from service.schemas.analogies import AnalogiesArgs, AnalogiesSchema
from service.views.analyses import story_graph

#: Most links in a story's chain from its first shock to its emergency hike.
CHAIN_DEPTH = 8

bp = ApiBlueprint("analogies", __name__, url_prefix="/api", description="Analogies")


@bp.get("/analogies")
@bp.arguments(AnalogiesArgs, location="query")
@bp.response(200, AnalogiesSchema)
def list_analogies(args: dict[str, Any]) -> ResponseReturnValue:
    """The stories (``stories``, default: all) aligned by stage (oil shock, sanctions, capital
    flight, currency fall, emergency rate hike, capital controls, default, recovery): each
    stage's events per story and the figures read from them -- policy-rate peak and size of
    the hike, the exchange rates recorded, days from the first shock to the hike, default or
    not, days to recovery -- each with its event and sources; and the cross-story
    ``similar_to`` links with the aspect they compare. Each story's figures hold its ``chain``
    under the evidence lens, from its first shock (or the first shock-stage event, in date
    order, that reaches the hike) to its emergency hike, or null."""
    wanted = args.get("stories")
    ids = list(dict.fromkeys(s.strip() for s in wanted.split(",") if s.strip())) if wanted else None
    data = built()
    key = "analogies:" + ",".join(ids or [])
    return data.remember(key, lambda: analogies(data.dataset, ids, _strongest_chain))


def _strongest_chain(story: str, source: str, target: str) -> Chain | None:
    """The first chain (fewest links, then strongest) from ``source`` to ``target`` among the
    story's events, following the evidence lens's links (supported and qualified)."""
    view = built().lens("evidence")
    graph = story_graph(view, story)
    found = find_causal_chains(
        graph, source, target, max_depth=CHAIN_DEPTH, limit=1, statuses=view.statuses
    )
    return found[0] if found else None
