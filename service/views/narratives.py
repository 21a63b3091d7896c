"""``/api/narratives``: whose account of the causes -- each narrative with its links, and how
two lenses differ (links only in one, in both, and the chains between two events).

A narrative is the set of links its asserters assert (:class:`graph.data.Narrative`); its id is
also a ``lens`` value of the analyses, beside ``evidence`` (the default) and ``all``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict
from typing import Any

from flask.typing import ResponseReturnValue

from graph import vocab
from graph.causal import Chain, check_lens, compare_lenses, find_causal_chains
from graph.data import Dataset, Link, Narrative
from graph.errors import UnknownLensError
from graph.timeline import asserter_record, link_resource, source_record
from service.openapi import ApiBlueprint
from service.runtime.state import built
from service.schemas.narratives import (
    LensCompareArgs,
    LensComparisonSchema,
    NarrativeDetailSchema,
    NarrativeListSchema,
    StoryArgs,
)
from service.views.analyses import labelled
from service.views.api import find_story, labels

bp = ApiBlueprint("narratives", __name__, url_prefix="/api", description="Narratives")

#: How the two lenses that are not narratives read on a page.
LENS_LABELS = {"evidence": "As the evidence shows it", "all": "Every link, whatever its status"}


def _in_story(links: tuple[Link, ...], story: str | None) -> tuple[Link, ...]:
    """``links``, only those of ``story`` when one is given (404 if unknown)."""
    if story is None:
        return links
    within = set(find_story(story).links)
    return tuple(link for link in links if link.id in within)


def _story_links(dataset: Dataset, narrative: Narrative, story: str | None) -> tuple[Link, ...]:
    """The narrative's links, only those of ``story`` when one is given."""
    return _in_story(dataset.narrative_links(narrative.id), story)


def _summary(dataset: Dataset, narrative: Narrative, story: str | None) -> dict[str, Any]:
    counts = Counter(link.status for link in _story_links(dataset, narrative, story))
    return {
        "id": narrative.id,
        "label": narrative.label,
        "description": narrative.description,
        "asserted_by": [asserter_record(agent, labels()) for agent in narrative.asserted_by],
        "sources": [source_record(source) for source in narrative.sources],
        "links_by_status": {status: counts[status] for status in vocab.LINK_STATUSES},
        "link_count": sum(counts.values()),
    }


def _links(dataset: Dataset, links: Any) -> list[dict[str, Any]]:
    names = labels()
    return [link_resource(link, names, dataset.narratives_of(link.id)) for link in links]


@bp.get("/narratives")
@bp.arguments(StoryArgs, location="query", as_kwargs=False)
@bp.response(200, NarrativeListSchema)
def list_narratives(args: dict[str, Any]) -> ResponseReturnValue:
    """Every narrative (account) with who asserts it and its links counted by status (only the
    links of `story` when given), and the lenses an analysis can take: `evidence` (the
    default), `all`, then each narrative."""
    dataset = built().dataset
    narratives = [_summary(dataset, n, args["story"]) for n in dataset.narratives]
    lenses = [{"id": lens, "label": LENS_LABELS[lens]} for lens in vocab.LENSES]
    lenses += [{"id": n["id"], "label": n["label"]} for n in narratives]
    return {"narratives": narratives, "lenses": lenses, "count": len(narratives)}


@bp.get("/narratives/<narrative_id>")
@bp.arguments(StoryArgs, location="query", as_kwargs=False)
@bp.response(200, NarrativeDetailSchema)
def get_narrative(args: dict[str, Any], narrative_id: str) -> ResponseReturnValue:
    """One narrative and its links (whatever their status; only those of `story` when
    given), each with its asserters, sources and the sources against it."""
    dataset = built().dataset
    try:
        narrative = dataset.narrative(narrative_id)
    except KeyError:
        check_lens(dataset, narrative_id)  # raises for an unknown id, names the lenses
        raise UnknownLensError(
            f"{narrative_id!r} is a lens, not a narrative: see /api/links for its links"
        ) from None
    links = _links(dataset, _story_links(dataset, narrative, args["story"]))
    return {**_summary(dataset, narrative, args["story"]), "links": links}


@bp.get("/narratives/compare")
@bp.arguments(LensCompareArgs, location="query", as_kwargs=False)
@bp.response(200, LensComparisonSchema)
def compare_narratives(args: dict[str, Any]) -> ResponseReturnValue:
    """Two lenses side by side: the links only in `a`, only in `b`, in both; with `source` and
    `target`, also the chains between those events that each lens follows, compared."""
    data = built()
    found = compare_lenses(data.dataset, args["a"], args["b"])

    def kept(links: tuple[Link, ...]) -> list[dict[str, Any]]:
        return _links(data.dataset, _in_story(links, args["story"]))

    body: dict[str, Any] = {
        "a": found.a,
        "b": found.b,
        "only_a": kept(found.only_a),
        "only_b": kept(found.only_b),
        "both": kept(found.both),
        "chains": None,
    }
    chains: list[Chain] = []
    if args["source"] is not None:
        ways = []
        for lens in (found.a, found.b):
            view = data.lens(lens)
            ways.append(
                find_causal_chains(
                    view.graph,
                    args["source"],
                    args["target"],
                    max_depth=args["max_depth"],
                    limit=args["limit"],
                    statuses=view.statuses,
                )
            )
        in_a, in_b = ({chain.links: chain for chain in way} for way in ways)
        body["chains"] = {
            "source": args["source"],
            "target": args["target"],
            "only_a": [asdict(c) for key, c in in_a.items() if key not in in_b],
            "only_b": [asdict(c) for key, c in in_b.items() if key not in in_a],
            "both": [asdict(c) for key, c in in_a.items() if key in in_b],
        }
        chains = [*ways[0], *ways[1]]
    return labelled(body, chains)
