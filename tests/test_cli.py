"""The ``ekg`` command: exit codes and exact output."""

from __future__ import annotations

import json
import shutil

import pytest

from service.cli import main

from .conftest import DATA


def test_validate_ok(runner, tiny_path):
    result = runner.invoke(main, ["validate", str(tiny_path)])
    assert result.exit_code == 0
    assert result.output == "tiny.yaml: OK (4 events, 3 links, 2 claims)\n"


def test_validate_prints_every_problem(runner, tmp_path, tiny_path):
    bad = tmp_path / "events.yaml"
    lines = tiny_path.read_text(encoding="utf-8").splitlines()
    lane = lines.index("    lane: markets")
    confidence = lines.index("    confidence: 0.75")
    lines[lane], lines[confidence] = "    lane: market", "    confidence: 7.5"
    bad.write_text("\n".join(lines), encoding="utf-8")
    result = runner.invoke(main, ["validate", str(bad)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"events.yaml:{lane + 1}: 'lane': unknown lane 'market'",
        f"events.yaml:{confidence + 1}: confidence 7.5 is outside 0..1",
        "Error: 2 problems in the events data; nothing was built",
    ]


def test_missing_file_is_an_error(runner, tmp_path):
    result = runner.invoke(main, ["validate", str(tmp_path / "none.yaml")])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: cannot read ")


@pytest.mark.parametrize("backend", ["oxigraph", "rdflib"])
def test_build_reports_counts(runner, tiny_path, backend):
    result = runner.invoke(main, ["build", "--data", str(tiny_path), "--backend", backend])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        f"built 4 events, 3 links, 2 claims, 166 triples with {backend} in memory in "
    )


def test_build_on_disk_then_query_it(runner, tiny_path, tmp_path):
    store = tmp_path / "store"
    assert (
        runner.invoke(main, ["build", "--data", str(tiny_path), "--store", str(store)]).exit_code
        == 0
    )
    result = runner.invoke(
        main,
        [
            "query",
            "--store",
            str(store),
            "--format",
            "csv",
            "SELECT (COUNT(*) AS ?n) WHERE { ?e a sem:Event }",
        ],
    )
    assert result.exit_code == 0
    assert result.stdout_bytes == b"n\r\n4\r\n"  # SPARQL CSV ends lines with CRLF


def test_query_table(runner, tiny_path):
    result = runner.invoke(
        main,
        ["query", "--data", str(tiny_path), "SELECT ?e WHERE { ?e sem:hasActor ?a } ORDER BY ?e"],
    )
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "e",
        "-" * 45,
        "<http://example.org/ekg/id/event/opec-no-cut>",
        "<http://example.org/ekg/id/event/rate-hike>",
    ]


def test_query_json_is_sparql_results(runner, tiny_path):
    result = runner.invoke(
        main, ["query", "--data", str(tiny_path), "--format", "json", "ASK { ?a faro:causes ?b }"]
    )
    assert json.loads(result.output) == {"head": {}, "boolean": True}


def test_query_construct_prints_turtle(runner, tiny_path):
    result = runner.invoke(
        main, ["query", "--data", str(tiny_path), "CONSTRUCT WHERE { ?a faro:causes ?b }"]
    )
    assert result.exit_code == 0
    assert "faro:causes" in result.output


def test_query_syntax_error(runner, tiny_path):
    result = runner.invoke(main, ["query", "--data", str(tiny_path), "SELECT WHERE {"])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: SPARQL syntax error")


@pytest.mark.parametrize(
    ("fmt", "marker"),
    [("ttl", b"@prefix"), ("nt", b"<http"), ("jsonld", b"@id"), ("trig", b"@prefix")],
)
def test_export_formats(runner, tiny_path, fmt, marker):
    result = runner.invoke(main, ["export", "--data", str(tiny_path), "--format", fmt])
    assert result.exit_code == 0
    assert marker in result.stdout_bytes


def test_export_rejects_unknown_format(runner, tiny_path):
    result = runner.invoke(main, ["export", "--data", str(tiny_path), "--format", "xml"])
    assert result.exit_code == 2


def test_chain_command_on_the_real_data(runner, events_path):
    result = runner.invoke(
        main,
        [
            "chain",
            "opec-decides-no-cut",
            "bank-and-energy-shares-fall-dec-16",
            "--data",
            str(events_path),
            "--limit",
            "1",
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "1. strength 0.422, weakest link opec-no-cut-drives-oil-slide (0.75)",
        "   opec-decides-no-cut: OPEC decides not to cut output",
        "   oil-slides-to-60: Oil price near and below $60 a barrel",
        '   ruble-black-tuesday: "Black Tuesday": the ruble falls to new lows despite the hike',
        "   bank-and-energy-shares-fall-dec-16: Bank and energy shares fall on 16 December",
    ]


def test_causes_effects_what_if_commands(runner, events_path):
    causes = runner.invoke(
        main, ["causes", "cbr-hike-to-17", "--data", str(events_path), "--format", "json"]
    )
    body = json.loads(causes.output)
    assert {"event": "ruble-black-monday", "depth": 1} in body["ancestors"]
    assert "ufsa-passed-by-congress" not in {a["event"] for a in body["ancestors"]}
    effects = runner.invoke(
        main, ["effects", "opec-decides-no-cut", "--max-depth", "1", "--data", str(events_path)]
    )
    assert effects.output.splitlines() == ["1  oil-slides-to-60", "1  ruble-fall-dec-1"]
    what_if = runner.invoke(main, ["what-if", "ruble-black-monday", "--data", str(events_path)])
    assert "loses all support  cbr-hike-to-17" in what_if.output.splitlines()
    unknown = runner.invoke(main, ["causes", "no-such-event", "--data", str(events_path)])
    assert unknown.exit_code == 1 and unknown.stderr.startswith("Error: ")


# -- big datasets: included files, the on-disk store and its reuse ------------------------------


def test_validate_split_dataset(runner):
    result = runner.invoke(main, ["validate", str(DATA / "multi" / "events.yaml")])
    assert result.exit_code == 0
    assert result.output == "events.yaml: OK (4 events, 3 links, 2 claims)\n"


def test_build_split_dataset_on_disk_always_anew(runner, tmp_path):
    store = tmp_path / "store"
    command = ["build", "--data", str(DATA / "multi" / "events.yaml"), "--store", str(store)]
    first = runner.invoke(main, command)
    assert first.exit_code == 0, first.output
    assert first.stdout.startswith(
        f"built 4 events, 3 links, 2 claims, 166 triples with oxigraph in {store} in "
    )
    assert first.stderr == ""  # no progress bar where stderr is not a terminal
    assert json.loads((store / "ekg-manifest.json").read_text())["files"] == [
        "events.yaml",
        "stories/oil.yaml",
        "stories/crisis-week.yaml",
    ]
    inode = store.stat().st_ino
    assert runner.invoke(main, command).exit_code == 0
    assert store.stat().st_ino != inode  # `build` never reuses


def test_serve_reuses_a_store_of_the_same_data(runner, make_app, tmp_path, tiny_path):
    store = tmp_path / "store"
    assert (
        runner.invoke(main, ["build", "--data", str(tiny_path), "--store", str(store)]).exit_code
        == 0
    )
    inode = store.stat().st_ino
    app = make_app(tiny_path, STORE=store, WATCH_INTERVAL=0)
    assert store.stat().st_ino == inode  # opened as it was: no triples built or loaded
    assert app.extensions["ekg"].counts()["triples"] == 166


def test_build_problem_in_included_file(runner, tmp_path):
    shutil.copytree(DATA / "multi", tmp_path / "multi")
    story = tmp_path / "multi" / "stories" / "oil.yaml"
    story.write_text(story.read_text().replace("lane: oil", "lane: oli", 1), encoding="utf-8")
    result = runner.invoke(main, ["build", "--data", str(tmp_path / "multi" / "events.yaml")])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "stories/oil.yaml:7: 'lane': unknown lane 'oli'",
        "Error: 1 problem in the events data; nothing was built",
    ]
