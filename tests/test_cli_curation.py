"""Curators' commands: ``ekg list``, and "did you mean" for unknown event ids (CLI and HTTP)."""

from __future__ import annotations

import json

import pytest

from service.cli import main

from .conftest import assert_problem
from .test_stories import write as write_stories


def test_list_prints_id_date_and_label(runner, tiny_path):
    result = runner.invoke(main, ["list", "--data", str(tiny_path)])
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "opec-no-cut   2014-11-27                 OPEC decides not to cut output",
        "oil-below-60  2014-12-12/2014-12-16      Brent falls below $60",
        "ruble-falls   2014-12-15                 Ruble's record one-day fall",
        "rate-hike     2014-12-16T01:00:00+03:00  Bank of Russia raises its key rate to 17 %",
    ]


def test_list_filters_on_id_and_label_case_insensitively(runner, tiny_path):
    by_label = runner.invoke(main, ["list", "--data", str(tiny_path), "BRENT"])
    assert [line.split()[0] for line in by_label.output.splitlines()] == ["oil-below-60"]
    by_id = runner.invoke(main, ["list", "--data", str(tiny_path), "Ruble-"])
    assert [line.split()[0] for line in by_id.output.splitlines()] == ["ruble-falls"]
    none = runner.invoke(main, ["list", "--data", str(tiny_path), "nothing like it"])
    assert none.exit_code == 0
    assert none.stdout == ""
    assert none.stderr == "no event matches 'nothing like it'\n"


def test_list_as_json(runner, tiny_path):
    result = runner.invoke(main, ["list", "--data", str(tiny_path), "--format", "json", "OPEC"])
    assert json.loads(result.stdout) == [
        {"id": "opec-no-cut", "date": "2014-11-27", "label": "OPEC decides not to cut output"},
    ]


def test_list_the_real_data_keeps_dates_as_written(runner, events_path):
    result = runner.invoke(main, ["list", "--data", str(events_path), "cbr-hike-to-17"])
    assert result.exit_code == 0
    assert result.output.split()[:2] == ["cbr-hike-to-17", "2014-12-16T01:00:00+03:00"]


SUGGESTION = "Error: unknown event 'cbr-hike-17'; did you mean cbr-hike-to-17?\n"


@pytest.mark.parametrize(
    "arguments",
    [
        ["chain", "cbr-hike-17", "ruble-black-tuesday"],
        ["chain", "ruble-black-tuesday", "cbr-hike-17"],
        ["causes", "cbr-hike-17"],
        ["effects", "cbr-hike-17", "--lens", "all"],
        ["what-if", "cbr-hike-17"],
    ],
)
def test_unknown_event_suggests_the_closest_id(runner, events_path, arguments):
    result = runner.invoke(main, [*arguments, "--data", str(events_path)])
    assert result.exit_code == 1
    assert result.stderr == SUGGESTION


def test_unknown_event_far_from_every_id_has_no_suggestion(runner, events_path):
    result = runner.invoke(main, ["causes", "zzzz", "--data", str(events_path)])
    assert result.stderr == "Error: unknown event 'zzzz'\n"


def test_http_404_for_an_unknown_event_carries_the_suggestion(real_client):
    for url in (
        "/api/events/cbr-hike-17",
        "/api/causes/cbr-hike-17",
        "/api/chains?source=cbr-hike-17&target=ruble-black-tuesday",
    ):
        body = assert_problem(real_client.get(url), 404)
        assert body["detail"] == SUGGESTION.removeprefix("Error: ").strip(), url


def test_stories_lists_each_story_with_counts_and_span(runner, tmp_path):
    path = write_stories(tmp_path)
    result = runner.invoke(main, ["stories", "--data", str(path)])
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "first  First story  (2 events, 1 links, 2014-11-27 to 2014-12-15)",
        "second  Second story  (1 events, 1 links, 1998-08-17 to 1998-08-17)",
    ]
    as_json = json.loads(
        runner.invoke(main, ["stories", "--data", str(path), "--format", "json"]).stdout
    )
    assert [(s["id"], s["counts"]["events"], s["time_zone"]) for s in as_json] == [
        ("first", 2, "Europe/Moscow"),
        ("second", 1, "Europe/Berlin"),
    ]


def test_stories_of_data_without_any(runner, tiny_path):
    result = runner.invoke(main, ["stories", "--data", str(tiny_path)])
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == "no stories: no data file has a story: header\n"


def test_list_one_story(runner, events_path):
    result = runner.invoke(main, ["list", "--data", str(events_path), "--story", "russia-1998"])
    assert result.exit_code == 0, result.output
    ids = {line.split()[0] for line in result.output.splitlines()}
    assert "cbr-refinancing-rate-to-150" in ids and "cbr-hike-to-17" not in ids
    wrong = runner.invoke(main, ["list", "--data", str(events_path), "--story", "nope"])
    assert wrong.exit_code == 1 and "the stories are ruble-crisis-2014" in wrong.output
