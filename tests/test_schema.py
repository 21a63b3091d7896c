"""The JSON Schema of the data files (schema/events.json): generated from the loader's fields
and graph.vocab, valid for every shipped data file, served at /schema/events.json, and in
agreement with `ekg validate` wherever a schema can express the rule.

Data files are parsed for the schema with the project's own loader,
:func:`graph.data.yamlfile.parse_yaml`: like `ekg`, it keeps dates as strings (PyYAML's
``safe_load`` would turn ``2014-12-16`` into a ``datetime.date``, which no JSON Schema type
matches) and reads only true/false as booleans.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from graph.data.schema import events_schema, schema_file, schema_text
from graph.data.yamlfile import parse_yaml
from service.cli import main

from .conftest import DATA

ROOT = Path(__file__).resolve().parents[1]
SCHEMA_LINE = "# yaml-language-server: $schema="


def _validator() -> Draft202012Validator:
    schema = json.loads((ROOT / "schema" / "events.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


VALIDATOR = _validator()


def schema_errors(text: str) -> list[str]:
    data, problems = parse_yaml(text, "events.yaml")
    assert data is not None, problems
    return [f"{e.json_path}: {e.message}" for e in VALIDATOR.iter_errors(data)]


def test_the_committed_schema_is_the_generated_one():
    committed = (ROOT / "schema" / "events.json").read_text(encoding="utf-8")
    assert committed == schema_text(), "regenerate: python -m graph.data.schema schema/events.json"
    assert schema_file() == ROOT / "schema" / "events.json"  # a checkout reads schema/


def test_every_record_describes_every_field_and_forbids_others():
    schema = events_schema()
    assert schema["additionalProperties"] is False
    for name, record in schema["$defs"].items():
        if record.get("type") == "object":
            assert record["additionalProperties"] is False, name
            assert record["description"], name
            for field, spec in record["properties"].items():
                assert spec.get("description"), f"{name}.{field} has no help text"


def _shipped_data_files() -> list[Path]:
    """events.yaml, the stories it includes, and the fixtures meant to be valid."""
    return [
        ROOT / "events.yaml",
        *sorted((ROOT / "stories").glob("*.yaml")),
        DATA / "tiny.yaml",
        DATA / "features.yaml",
        *sorted((DATA / "multi").rglob("*.yaml")),
    ]


@pytest.mark.parametrize(
    "path", _shipped_data_files(), ids=lambda p: p.relative_to(ROOT).as_posix()
)
def test_every_shipped_data_file_is_valid(path):
    assert schema_errors(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    "path",
    [ROOT / "events.yaml", *sorted((ROOT / "stories").glob("*.yaml"))],
    ids=lambda p: p.relative_to(ROOT).as_posix(),
)
def test_shipped_data_files_name_the_schema_for_editors(path):
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith(SCHEMA_LINE), first
    assert (path.parent / first.removeprefix(SCHEMA_LINE)).resolve() == schema_file()


def test_the_service_serves_the_schema(client):
    response = client.get("/schema/events.json")
    assert response.status_code == 200
    assert response.mimetype == "application/schema+json"
    assert response.get_json(force=True) == events_schema()


# -- the schema and `ekg validate` agree --------------------------------------------------------

BASE = textwrap.dedent(
    """\
    dataset: {id: mini, title: Mini, base: "http://example.org/ekg/id/"}
    story:
      id: mini-story
      title: Mini story
      time_zone: Europe/Moscow
      window: {from: "2014-11-01", to: "2014-12-31"}
      zoom: [{label: Late 2014, from: "2014-10-01", to: "2014-12-31"}]
      lanes: [oil, markets]
      steps: [{title: Start, text: It starts., events: [first]}]
      example_chain: {source: first, target: second}
    lanes:
      - {id: oil, label: Oil, colour: "#1f77b4"}
      - {id: markets, label: Markets}
    event_types: [{id: move, label: Move}]
    quantity_kinds: [{id: price, label: Price}]
    actors: [{id: opec, label: OPEC, kind: organization}]
    places: [{id: vienna, label: Vienna}]
    publications: [{id: seed-article, title: Article, date: 2014-12-16~}]
    events:
      - id: first
        label: First
        type: move
        date: 2014-11-27
        lane: oil
        actors: [opec]
        place: vienna
        sources:
          - {url: "https://a.example/1", title: A, publisher: P}
      - id: second
        label: Second
        type: move
        date: 2014-12
        lane: markets
        quantities:
          - {kind: price, value: 61.85, unit: usd-per-barrel, low: 60, high: 62}
        sources: ["https://a.example/1"]
    links:
      - id: first-second
        cause: first
        effect: second
        kind: causes
        confidence: 0.9
        status: supported
        asserted_by: [opec]
        sources: ["https://a.example/1"]
      - id: second-first-claimed
        cause: second
        effect: first
        kind: similar_to
        confidence: 0.1
        status: unsupported
        asserted_by: [seed-article]
        disputed_by: ["https://a.example/1"]
    claims:
      - id: c1
        text: Oil is at $60
        verdict: verified
        stated_in: seed-article
        about: [second]
        sources: ["https://a.example/1"]
    narratives:
      - id: opec-view
        label: OPEC's view
        asserted_by: [opec]
    """
)

#: (what is wrong, old text of BASE, new text, part of the problem `ekg validate` reports):
#: rules a schema can express, so the schema refuses the file too.
# fmt: off
BOTH_REFUSE = [
    ("unknown field", "    label: First\n", "    lable: First\n", "unknown field 'lable'"),
    ("unknown section", "claims:\n", "claim:\n", "unknown section 'claim'"),
    ("missing field", "    lane: oil\n", "", "missing required field 'lane'"),
    ("missing story field", "  time_zone: Europe/Moscow\n", "", "missing required field"),
    ("empty text", "    label: Second\n", "    label: ' '\n", "'label' must be non-empty"),
    ("link kind", "kind: causes", "kind: cuses", "unknown kind 'cuses'"),
    ("link status", "status: supported", "status: likely", "unknown status 'likely'"),
    ("verdict", "verdict: verified", "verdict: true-ish", "unknown verdict 'true-ish'"),
    ("unit", "unit: usd-per-barrel", "unit: dollars", "unknown unit 'dollars'"),
    ("actor kind", "kind: organization", "kind: club", "unknown kind 'club'"),
    ("bad id", "  - id: first\n", "  - id: First_Event\n", "must be a kebab-case id"),
    ("bad reference id", "actors: [opec]\n", "actors: [OPEC]\n", "is not a kebab-case id"),
    ("text not list", "actors: [opec]", "actors: opec", "'actors' must be a list"),
    ("number", "confidence: 0.9", "confidence: high", "'confidence' must be a number"),
    ("range", "confidence: 0.9", "confidence: 1.5", "confidence 1.5 is outside 0..1"),
    ("label not text", "    label: First\n", "    label: [First]\n", "must be non-empty text"),
    ("EDTF", "date: 2014-11-27", "date: 27 Nov 2014", "is not a valid EDTF date"),
    ("EDTF month", "date: 2014-11-27", "date: 2014-13-27", "is not a valid EDTF date"),
    ("colour", '"#1f77b4"', "blue", "'colour': 'blue' is not #rrggbb"),
    ("no sources", "    sources: [\"https://a.example/1\"]\nlinks:", "links:",
     "at least one source is required"),
    ("source field", "title: A, publisher: P", "title: A", "missing required field 'publisher'"),
    ("source URL", '"https://a.example/1", title', '"ftp://a.example/1", title', "http(s) URL"),
    ("disputed needs sources against", '    disputed_by: ["https://a.example/1"]\n', "",
     "needs 'disputed_by'"),
    ("supported not disputed", "    asserted_by: [opec]\n",
     '    asserted_by: [opec]\n    disputed_by: ["https://a.example/1"]\n',
     "'disputed_by' is for contested or unsupported links"),
    ("claim sources", '    about: [second]\n    sources: ["https://a.example/1"]\n',
     "    about: [second]\n", "claim: at least one source is required"),
    ("reserved narrative id", "  - id: opec-view", "  - id: all", "narrative id 'all' is reserved"),
    ("narrative asserters", "label: OPEC's view\n    asserted_by: [opec]\n",
     "label: OPEC's view\n    asserted_by: []\n", "needs at least one asserter"),
    ("base IRI", '"http://example.org/ekg/id/"', '"http://example.org/ekg/id"', "'base' must"),
    ("window date", 'window: {from: "2014-11-01"', 'window: {from: "Nov 2014"', "not an ISO date"),
    ("step field", "text: It starts.,", "txt: It starts.,", "unknown field 'txt'"),
    ("chain field", "{source: first, target: second}", "{source: first}", "'target'"),
    ("include", "dataset:", "include: stories/x.yaml\ndataset:", "'include' must be a list"),
]

#: Rules a JSON Schema cannot express: `ekg validate` refuses, the schema accepts.
ONLY_EKG_REFUSES = [
    ("unknown reference", "    lane: markets\n", "    lane: market\n", "unknown lane 'market'"),
    ("duplicate id", "  - id: second\n", "  - id: first\n", "duplicate id 'first'"),
    ("cause after effect (time order)", "date: 2014-11-27", "date: 2015-01-27",
     "starts after its effect"),
    ("cycle", "kind: similar_to", "kind: causes", "causal links form a cycle"),
    ("a link joins an event to itself", "effect: second\n    kind: causes",
     "effect: first\n    kind: causes", "cannot join an event to itself"),
    ("inverted range", "low: 60, high: 62", "low: 63, high: 62", "range is inverted"),
    ("impossible day", "date: 2014-11-27", "date: 2014-11-31", "is not a valid EDTF date"),
    ("unknown time zone", "Europe/Moscow", "Europe/Atlantis", "is not an IANA time zone"),
    ("window order", '{from: "2014-11-01", to: "2014-12-31"}',
     '{from: "2014-12-31", to: "2014-11-01"}', "is after 'to'"),
    ("a URL with two titles", '    sources: ["https://a.example/1"]\nlinks:',
     '    sources: [{url: "https://a.example/1", title: B, publisher: P}]\nlinks:',
     "has another title or publisher"),
    ("a bare URL never given in full", 'sources: ["https://a.example/1"]\nlinks:',
     'sources: ["https://b.example/2"]\nlinks:', "is not given in full"),
    ("a narrative asserter that is no actor", "  - id: opec-view\n    label: OPEC's view\n"
     "    asserted_by: [opec]\n", "  - id: opec-view\n    label: OPEC's view\n"
     "    asserted_by: [vienna-club]\n", "unknown agent 'vienna-club'"),
    ("dataset missing from the top-level file (a schema cannot know which file is on top)",
     'dataset: {id: mini, title: Mini, base: "http://example.org/ekg/id/"}\n', "",
     "dataset must be a mapping"),
]
# fmt: on


def _ekg_problems(runner: Any, tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "events.yaml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(main, ["validate", str(path)])
    return [] if result.exit_code == 0 else result.stderr.splitlines()


def test_the_base_file_is_valid_for_both(runner, tmp_path):
    assert _ekg_problems(runner, tmp_path, BASE) == []
    assert schema_errors(BASE) == []


@pytest.mark.parametrize(
    ("what", "old", "new", "message"), BOTH_REFUSE, ids=[case[0] for case in BOTH_REFUSE]
)
def test_ekg_and_the_schema_refuse_the_same_mistake(runner, tmp_path, what, old, new, message):
    assert old in BASE, what
    text = BASE.replace(old, new, 1)
    found = _ekg_problems(runner, tmp_path, text)
    assert any(message in problem for problem in found), (what, found)
    assert schema_errors(text), f"the schema accepts: {what}"


@pytest.mark.parametrize(
    ("what", "old", "new", "message"),
    ONLY_EKG_REFUSES,
    ids=[case[0].split(" (")[0] for case in ONLY_EKG_REFUSES],
)
def test_rules_only_ekg_checks(runner, tmp_path, what, old, new, message):
    assert old in BASE, what
    text = BASE.replace(old, new, 1)
    found = _ekg_problems(runner, tmp_path, text)
    assert any(message in problem for problem in found), (what, found)
    assert schema_errors(text) == [], what


def test_an_included_story_file_is_valid_without_dataset(runner, tmp_path):
    story = textwrap.dedent(
        """\
        story: {id: later, title: Later, time_zone: Europe/Berlin}
        events:
          - {id: third, label: Third, type: move, date: 2015, lane: oil,
             sources: ["https://a.example/1"]}
        """
    )
    (tmp_path / "stories").mkdir()
    (tmp_path / "stories" / "later.yaml").write_text(story, encoding="utf-8")
    top = BASE.replace("dataset:", "include: [stories/later.yaml]\ndataset:", 1)
    assert _ekg_problems(runner, tmp_path, top) == []
    assert schema_errors(top) == [] and schema_errors(story) == []
    # an unknown field in the story header: both refuse
    bad = story.replace("time_zone:", "timezone:")
    (tmp_path / "stories" / "later.yaml").write_text(bad, encoding="utf-8")
    found = _ekg_problems(runner, tmp_path, top)
    assert any("stories/later.yaml:1: story: unknown field 'timezone'" in p for p in found)
    assert schema_errors(bad)
