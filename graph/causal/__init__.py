"""The causal graph of a dataset and the analyses over it, networkx style.

:mod:`~graph.causal.graph` builds the ``nx.DiGraph`` (one node per event, one edge per linked
pair) and holds what every analysis shares: filtered views, bounded breadth-first reach, chain
costs. The analyses take that graph first, then event ids, then keyword-only bounds:
:mod:`~graph.causal.chains` (chains between two events, the longest chain),
:mod:`~graph.causal.influence` (causes, effects, key drivers), :mod:`~graph.causal.whatif`
(counterfactual removal), :mod:`~graph.causal.comparison` (time order, consistency, events
side by side) and :mod:`~graph.causal.export` (Cytoscape JSON, DOT, SVG).
:mod:`~graph.causal.readback` reads the same graph back from a store, and
:mod:`~graph.causal.labels` names the events an answer mentions (labels, dates), and
:mod:`~graph.causal.lens` picks whose account an analysis follows (evidence, all, a narrative).

This package imports :mod:`graph.data`, :mod:`graph.store` and :mod:`graph.rdf`.
"""

from graph.causal.chains import find_causal_chains, find_longest_chain
from graph.causal.comparison import (
    Comparison,
    DateInfo,
    EventSide,
    LinkInfo,
    QuantityInfo,
    TemporalRelation,
    compare_events,
    describe_temporal_relation,
)
from graph.causal.consistency import (
    CausalCycle,
    Consistency,
    ContradictedClaim,
    TimeInversion,
    check_consistency,
)
from graph.causal.export import (
    MAX_SELECT_EVENTS,
    Selection,
    render_svg,
    select_graph,
    select_subgraph,
    to_cytoscape,
    to_dot,
)
from graph.causal.graph import (
    ALL_STATUSES,
    Chain,
    build_causal_graph,
    build_graph_from_links,
    filtered_view,
    has_parent,
    reach,
    require_events,
)
from graph.causal.influence import (
    CauseAnalysis,
    Driver,
    EffectAnalysis,
    Reach,
    analyze_causes,
    analyze_effects,
    rank_drivers,
)
from graph.causal.labels import event_labels, mentioned_events
from graph.causal.lens import (
    LensComparison,
    LensView,
    apply_lens,
    check_lens,
    compare_lenses,
    is_evidence,
    lens_links,
    narrative_graph,
    statuses_outside_lens,
)
from graph.causal.readback import read_causal_graph
from graph.causal.whatif import WhatIf, what_if

__all__ = [
    "ALL_STATUSES",
    "MAX_SELECT_EVENTS",
    "CausalCycle",
    "CauseAnalysis",
    "Chain",
    "Comparison",
    "Consistency",
    "ContradictedClaim",
    "DateInfo",
    "Driver",
    "EffectAnalysis",
    "EventSide",
    "LensComparison",
    "LensView",
    "LinkInfo",
    "QuantityInfo",
    "Reach",
    "Selection",
    "TemporalRelation",
    "TimeInversion",
    "WhatIf",
    "analyze_causes",
    "analyze_effects",
    "apply_lens",
    "build_causal_graph",
    "build_graph_from_links",
    "check_consistency",
    "check_lens",
    "compare_events",
    "compare_lenses",
    "describe_temporal_relation",
    "event_labels",
    "filtered_view",
    "find_causal_chains",
    "find_longest_chain",
    "has_parent",
    "is_evidence",
    "lens_links",
    "mentioned_events",
    "narrative_graph",
    "rank_drivers",
    "reach",
    "read_causal_graph",
    "render_svg",
    "require_events",
    "select_graph",
    "select_subgraph",
    "statuses_outside_lens",
    "to_cytoscape",
    "to_dot",
    "what_if",
]
