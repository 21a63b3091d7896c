"""What-if analysis (graph.causal.whatif): the effects orphaned when events are removed."""

from __future__ import annotations

from graph.causal.graph import build_causal_graph, build_graph_from_links
from graph.causal.influence import Reach
from graph.causal.whatif import WhatIf, what_if


def test_what_if_orphans_effects_without_another_root(crisis):
    assert what_if(crisis, ["opec"]) == WhatIf(
        removed=("opec",),
        orphaned=(Reach("oil", 1),),
        still_supported=(Reach("hike", 2), Reach("ruble", 2)),
        truncated=False,
    )
    assert what_if(crisis, ["opec", "sanctions", "ufsa"]).orphaned == (
        Reach("oil", 1), Reach("ruble", 1), Reach("hike", 2),
    )  # fmt: skip


def test_what_if_removing_a_root_or_leaf():
    g = build_graph_from_links([("a", "b", 1), ("b", "c", 1), ("c", "d", 1), ("x", "c", 1)])
    assert what_if(g, ["b"]).orphaned == ()
    assert what_if(g, ["b", "x"]).orphaned == (Reach("c", 1), Reach("d", 2))
    assert what_if(g, ["d"]) == WhatIf(("d",), (), (), False)
    assert what_if(g, []) == WhatIf((), (), (), False)


def test_what_if_bounds():
    g = build_graph_from_links([("a", "b", 1), ("b", "c", 1), ("c", "d", 1)])
    assert what_if(g, ["a"], max_depth=2).orphaned == (Reach("b", 1), Reach("c", 2))
    assert what_if(g, ["a"], limit=1) == WhatIf(("a",), (Reach("b", 1),), (), True)


def test_what_if_on_a_cycle_without_root_orphans_nothing():
    # c and d feed each other and have no root: never supported, so never orphaned
    g = build_graph_from_links([("c", "d", 1), ("d", "c", 1), ("a", "b", 1)])
    assert what_if(g, ["c"], kinds={"causes"}).orphaned == ()


def test_real_what_if_without_black_monday(real):
    assert what_if(build_causal_graph(real), ["ruble-black-monday"]) == WhatIf(
        removed=("ruble-black-monday",),
        orphaned=(Reach("cbr-hike-to-17", 1),),  # the 15 Dec stock fall only correlates (E05)
        still_supported=(
            Reach("bank-and-energy-shares-fall-dec-16", 2),
            Reach("moscow-stocks-slump-dec-16", 2),
            Reach("ruble-black-tuesday", 2),  # also caused by the failed hike (C07)
        ),
        truncated=False,
    )
