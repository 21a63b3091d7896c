"""Selection and export of the causal graph (graph.causal.export): subgraphs around a
focus or along a chain, Cytoscape JSON, DOT and SVG, and JSON-friendly analysis results."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import xml.etree.ElementTree as ET

import pytest

from graph.causal.chains import find_causal_chains, find_longest_chain
from graph.causal.comparison import compare_events, describe_temporal_relation
from graph.causal.consistency import check_consistency
from graph.causal.export import render_svg, select_subgraph, to_cytoscape, to_dot
from graph.causal.graph import (
    ALL_STATUSES,
    build_causal_graph,
    build_graph_from_links,
    filtered_view,
)
from graph.causal.influence import analyze_causes, analyze_effects, rank_drivers
from graph.causal.whatif import what_if
from graph.data.dates import parse_date
from graph.errors import GraphvizError

# -- selection and export -----------------------------------------------------------------------


def test_select_subgraph_around_a_focus(crisis):
    assert sorted(select_subgraph(crisis, focus="opec").edges) == [("opec", "oil")]
    two = select_subgraph(crisis, focus="opec", depth=2)
    assert sorted(two.nodes) == ["hike", "oil", "opec", "ruble"]
    assert sorted(two.edges) == [
        ("oil", "hike"), ("oil", "ruble"), ("opec", "oil"), ("ruble", "hike")
    ]  # fmt: skip
    assert sorted(select_subgraph(crisis, focus="opec", depth=99).nodes) == sorted(
        set(crisis) - {"crisis-1998", "ufsa"}  # a similarity, a contested link
    )
    everything = select_subgraph(crisis, focus="opec", depth=99, statuses=ALL_STATUSES)
    assert sorted(everything.nodes) == sorted(set(crisis) - {"crisis-1998"})
    assert list(select_subgraph(crisis, focus="opec", depth=-1).nodes) == ["opec"]
    assert select_subgraph(crisis, focus="hike", limit=1).number_of_nodes() == 2


def test_select_subgraph_along_a_chain_and_both(crisis):
    along = select_subgraph(crisis, chain=["opec", "oil", "ruble", "hike"])
    assert sorted(along.edges) == [("oil", "ruble"), ("opec", "oil"), ("ruble", "hike")]
    both = select_subgraph(crisis, chain=["sanctions", "ruble"], focus="opec")
    assert sorted(both.edges) == [("opec", "oil"), ("sanctions", "ruble")]
    assert sorted(select_subgraph(crisis).edges) == sorted(filtered_view(crisis).edges)


def test_to_cytoscape():
    g = build_graph_from_links([("b", "c", 0.5), ("a", "b", 0.9, {"status": "qualified"})])
    g.nodes["a"].update(
        lane="oil", type="oil-market", start="2014-11-27", date=parse_date("2014-11-27")
    )
    g.nodes["b"].update(start="1998-01-01", date=parse_date("1998"))
    undated = {"start": None, "end": None, "precision": None, "date": None, "display_date": None}
    assert to_cytoscape(g) == {
        "elements": {
            "nodes": [
                {"data": {"id": "a", "label": "a", "lane": "oil", "type": "oil-market",
                          "start": "2014-11-27", "end": "2014-11-27", "precision": "day",
                          "date": "2014-11-27", "display_date": "27 November 2014"}},
                # a year is not 1 January: its precision and display date say so
                {"data": {"id": "b", "label": "b", "lane": None, "type": None,
                          "start": "1998-01-01", "end": "1998-12-31", "precision": "year",
                          "date": "1998", "display_date": "1998"}},
                {"data": {"id": "c", "label": "c", "lane": None, "type": None, **undated}},
            ],
            "edges": [
                {"data": {"id": "a>b", "source": "a", "target": "b", "kind": "causes",
                          "confidence": 0.9, "status": "qualified"}},
                {"data": {"id": "b>c", "source": "b", "target": "c", "kind": "causes",
                          "confidence": 0.5, "status": "supported"}},
            ],
        }
    }  # fmt: skip


def test_to_dot_escapes_every_string():
    g = build_graph_from_links(
        [("a", "b", 0.5, {"status": "contested", "kind": "enables"}),
         ("b", "c", 1.0, {"status": "unsupported"})]
    )  # fmt: skip
    g.nodes["a"].update(label='"Black Monday" \\N', date=parse_date("2014-12-15"))
    g.nodes["b"]["label"] = "Рубль\nпадает"  # noqa: RUF001 - Cyrillic, as in the data
    assert to_dot(g, title='Crisis "week"') == "\n".join(
        [
            "digraph causal {",
            '  graph [rankdir=LR, charset="UTF-8", label="Crisis \\"week\\"", labelloc=t];',
            '  node [shape=box, style=rounded, fontname="Helvetica", fontsize=10];',
            '  edge [fontname="Helvetica", fontsize=9];',
            '  "a" [id="event-a", label="\\"Black Monday\\" \\\\N\\n2014-12-15"];',
            '  "b" [id="event-b", label="Рубль\\nпадает"];',  # noqa: RUF001
            '  "c" [id="event-c", label="c"];',
            '  "a" -> "b" [id="link-a>b", color="#2e7d32", style=dashed, penwidth=2.50, '
            'tooltip="a>b: enables, confidence 0.5, contested"];',
            '  "b" -> "c" [id="link-b>c", color="#1f4e79", style=dotted, penwidth=4.00, '
            'tooltip="b>c: causes, confidence 1, unsupported"];',
            "}",
            "",
        ]
    )


def test_render_svg_draws_the_escaped_labels():
    g = build_graph_from_links([("a", "b", 0.5)])
    g.nodes["a"]["label"] = 'The "Black Monday" & <Рубль> \\'
    svg = ET.fromstring(render_svg(to_dot(g)))
    texts = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")]
    assert 'The "Black Monday" & <Рубль> \\' in texts
    assert {g.get("id") for g in svg.iter("{http://www.w3.org/2000/svg}g")} >= {
        "event-a", "event-b", "link-a>b"
    }  # fmt: skip


def test_render_svg_without_graphviz(monkeypatch):
    monkeypatch.setenv("PATH", "")
    with pytest.raises(GraphvizError, match="not installed"):
        render_svg("digraph { a }")


def test_render_svg_reports_a_failure():
    with pytest.raises(GraphvizError, match=r"could not draw the graph: .*syntax error"):
        render_svg("digraph { a -> }")


def test_render_svg_stops_at_the_timeout(monkeypatch):
    def slow(*args, **kwargs):
        raise subprocess.TimeoutExpired(args[0], kwargs["timeout"])

    monkeypatch.setattr(subprocess, "run", slow)
    with pytest.raises(GraphvizError, match=r"longer than 0\.5 s"):
        render_svg("digraph { a }", timeout=0.5)


# -- results are JSON-friendly ------------------------------------------------------------------


def test_results_serialise_with_asdict(real):
    g = build_causal_graph(real)
    results = [
        *find_causal_chains(g, "opec-decides-no-cut", "cbr-hike-to-17"),
        analyze_causes(g, "cbr-hike-to-17"),
        analyze_effects(g, "opec-decides-no-cut"),
        *rank_drivers(g),
        what_if(g, ["oil-slides-to-60"]),
        find_longest_chain(g),
        check_consistency(real, g),
        describe_temporal_relation(real, "oil-slides-to-60", "brent-below-60"),
        compare_events(real, g, "ruble-black-monday", "ruble-black-tuesday"),
    ]
    for result in results:
        json.dumps(dataclasses.asdict(result), allow_nan=False)
    json.dumps(to_cytoscape(select_subgraph(g, focus="cbr-hike-to-17", depth=2)))
