"""Loading and validation: one test per kind of problem, each asserting ``file:line``."""

from __future__ import annotations

import gc
import tempfile
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

from graph.data.loader import load_dataset, parse_dataset, read_dataset
from graph.data.yamlfile import parse_yaml, parse_yaml_fast
from graph.errors import DataError, ValidationError

VALID = textwrap.dedent(
    """\
    dataset: {id: mini, title: Mini, base: "http://example.org/ekg/id/"}
    lanes: [{id: oil, label: Oil}, {id: markets, label: Markets}]
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
          - {kind: price, value: 61.85, unit: usd-per-barrel}
        sources: ["https://a.example/1"]
    links:
      - id: first-second
        cause: first
        effect: second
        kind: causes
        confidence: 0.9
        status: supported
        sources: ["https://a.example/1"]
    claims:
      - id: c1
        text: Oil is at $60
        verdict: opinion
        stated_in: seed-article
    """
)


def problems(text: str) -> list[str]:
    """The problems of ``text``, checked to be the same through the fast parser."""
    with pytest.raises(ValidationError) as info:
        parse_dataset(text, "events.yaml")
    found = [str(p) for p in info.value.problems]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "events.yaml"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(ValidationError) as fast:
            load_dataset(path, fast=True)
    assert [str(p) for p in fast.value.problems] == found
    return found


def edit(old: str, new: str) -> str:
    assert old in VALID, old
    return VALID.replace(old, new, 1)


def test_valid_minimal_file_loads():
    dataset = parse_dataset(VALID)
    assert [e.id for e in dataset.events] == ["first", "second"]
    assert dataset.events[1].quantities[0].value == Decimal("61.85")
    assert dataset.links[0].sources == dataset.events[0].sources  # bare URL resolved
    assert dataset.events[0].line == 9


def test_real_and_tiny_files_load(tiny, real):
    assert len(tiny.events) == 4
    assert len(real.events) >= 45


def test_yaml_syntax_error_has_line():
    assert problems(edit("lane: markets", "lane: [markets")) == [
        "events.yaml:22: YAML syntax error: '[' opened here is never closed (the parser gave "
        "up at line 23: did not find expected ',' or ']')"
    ]


def test_duplicate_yaml_key():
    assert problems(edit("    lane: oil\n", "    lane: oil\n    lane: markets\n")) == [
        "events.yaml:14: duplicate key 'lane' (first at line 13)"
    ]


def test_unknown_reference():
    assert problems(edit("lane: markets", "lane: oi1")) == [
        "events.yaml:22: 'lane': unknown lane 'oi1'"
    ]


def test_unknown_event_in_link():
    assert problems(edit("effect: second", "effect: secnd")) == [
        "events.yaml:29: 'effect': unknown event 'secnd'"
    ]


def test_duplicate_id():
    assert problems(edit("- id: second", "- id: first")) == [
        "events.yaml:18: duplicate id 'first' (first at line 9)",
        "events.yaml:29: 'effect': unknown event 'second'",
    ]


def test_bad_edtf():
    assert problems(edit("date: 2014-12\n", "date: 2014-13\n")) == [
        "events.yaml:21: 'date': '2014-13' is not a valid EDTF date"
    ]


def test_confidence_out_of_range():
    assert problems(edit("confidence: 0.9", "confidence: 1.5")) == [
        "events.yaml:31: confidence 1.5 is outside 0..1"
    ]


def test_missing_source():
    assert problems(edit('    sources: ["https://a.example/1"]\nlinks', "links")) == [
        "events.yaml:18: event: at least one source is required"
    ]


def test_empty_source_list():
    text = edit('    sources: ["https://a.example/1"]\nlinks', "    sources: []\nlinks")
    assert problems(text) == ["events.yaml:18: event: at least one source is required"]


def test_bare_source_url_must_be_defined():
    assert problems(
        edit('sources: ["https://a.example/1"]\nclaims', 'sources: ["https://b.example/"]\nclaims')
    ) == ["events.yaml:33: source 'https://b.example/' is not given in full anywhere in the file"]


@pytest.mark.parametrize("item", ["42", ".inf", "true", "null", "[https://a.example/1]"])
def test_a_source_that_is_neither_a_url_nor_a_mapping_is_a_problem(item):
    text = edit('    sources: ["https://a.example/1"]\nlinks', f"    sources: [{item}]\nlinks")
    assert problems(text) == [
        "events.yaml:25: event: a source is a URL, or a mapping with url, title and publisher"
    ]


def test_conflicting_source_metadata():
    text = edit(
        '    sources: ["https://a.example/1"]\nlinks',
        '    sources: [{url: "https://a.example/1", title: B, publisher: P}]\nlinks',
    )
    assert problems(text) == [
        "events.yaml:25: source https://a.example/1 has another title or publisher at line 17"
    ]


def test_unknown_kind():
    assert problems(edit("kind: causes", "kind: caused")) == [
        "events.yaml:30: unknown kind 'caused' (expected one of: causes, enables, prevents, "
        "contributes_to, correlates_with, similar_to)"
    ]


def test_unknown_unit():
    assert problems(edit("unit: usd-per-barrel", "unit: dollars")).__len__() == 1
    assert problems(edit("unit: usd-per-barrel", "unit: dollars"))[0].startswith(
        "events.yaml:24: unknown unit 'dollars'"
    )


def test_unknown_field_is_a_typo():
    assert problems(
        edit("    type: move\n    date: 2014-11-27", "    type: move\n    dtae: 2014-11-27")
    ) == [
        "events.yaml:9: event: missing required field 'date'",
        "events.yaml:12: event: unknown field 'dtae' (known: actors, date, description, id, "
        "label, lane, part_of, place, quantities, sources, stage, tags, type)",
    ]


def test_cause_after_effect_respects_precision():
    text = edit("date: 2014-11-27", "date: 2015-01-02")
    assert problems(text) == [
        "events.yaml:27: link 'first-second': cause 'first' (2015-01-02) starts after its effect "
        "'second' (2014-12)"
    ]
    # Same month: the month-precision effect may start after the cause, so no error.
    parse_dataset(edit("date: 2014-11-27", "date: 2014-12-31"))


def test_contested_link_may_run_backwards():
    text = edit("date: 2014-11-27", "date: 2015-01-02").replace("status: supported", DISPUTED)
    parse_dataset(text)


DISPUTED = (
    'status: contested\n    asserted_by: [seed-article]\n    disputed_by: ["https://a.example/1"]'
)


def test_disputed_link_names_its_asserter_and_the_sources_against_it():
    assert problems(edit("status: supported", "status: unsupported")) == [
        "events.yaml:27: an unsupported link needs 'asserted_by': who asserts it",
        "events.yaml:27: an unsupported link needs 'disputed_by': the sources against it",
    ]
    # Its own sources are optional: the asserter is the record of who says it.
    parse_dataset(edit('status: supported\n    sources: ["https://a.example/1"]', DISPUTED))
    assert problems(edit("status: supported", 'status: supported\n    disputed_by: ["x"]')) == [
        "events.yaml:33: 'disputed_by' is for contested or unsupported links",
        "events.yaml:33: source 'x' is not given in full anywhere in the file",
    ]


def with_narrative(narrative: str) -> str:
    return edit("status: supported", DISPUTED) + "narratives:\n" + textwrap.indent(narrative, "  ")


def test_narratives():
    dataset = parse_dataset(
        with_narrative("- {id: article, label: Article, asserted_by: [seed-article]}")
    )
    (narrative,) = dataset.narratives
    assert (narrative.label, narrative.asserted_by) == ("Article", ("seed-article",))
    assert [link.id for link in dataset.narrative_links("article")] == ["first-second"]
    assert problems(with_narrative("- {id: all, label: All, asserted_by: [seed-article]}")) == [
        "events.yaml:42: narrative id 'all' is reserved"
    ]
    assert problems(with_narrative("- {id: compare, label: C, asserted_by: [seed-article]}")) == [
        "events.yaml:42: narrative id 'compare' is reserved"
    ]
    assert problems(
        edit("status: supported", DISPUTED.replace('["https://a.example/1"]', "[]"))
    ) == ["events.yaml:27: a contested link needs 'disputed_by': the sources against it"]
    assert problems(with_narrative("- {id: opec, label: OPEC, asserted_by: [opec]}")) == [
        "events.yaml:42: narrative 'opec': no link is asserted by opec"
    ]
    assert problems(with_narrative("- {id: x, label: X, asserted_by: [nobody]}")) == [
        "events.yaml:42: 'asserted_by': unknown agent 'nobody'",
        "events.yaml:42: narrative 'x': no link is asserted by nobody",
    ]
    assert problems(with_narrative("- {id: x, label: X}")) == [
        "events.yaml:42: narrative: missing required field 'asserted_by'"
    ]


def test_cycle_of_causes_links():
    text = edit(
        "claims:",
        textwrap.dedent("""\
          - id: second-first
            cause: second
            effect: first
            kind: enables
            confidence: 0.5
            status: contested
            asserted_by: [opec]
            disputed_by: ["https://a.example/1"]
        claims:"""),
    )
    assert problems(text) == ["events.yaml:27: causal links form a cycle: first -> second -> first"]


def test_self_link():
    assert problems(edit("effect: second", "effect: first")) == [
        "events.yaml:29: a link cannot join an event to itself"
    ]


def test_non_opinion_claim_needs_sources():
    assert problems(edit("verdict: opinion", "verdict: verified")) == [
        "events.yaml:35: claim: at least one source is required"
    ]


def test_every_problem_is_reported_at_once():
    text = edit("lane: markets", "lane: nowhere").replace("confidence: 0.9", "confidence: -1")
    text = text.replace("date: 2014-11-27", "date: someday")
    found = problems(text)
    assert len(found) == 3
    assert found == sorted(found, key=lambda p: int(p.split(":")[1]))


def test_yaml_quirks_are_neutralized():
    dataset = parse_dataset(edit("id: vienna, label: Vienna", "id: vienna, label: no"))
    assert dataset.places[0].label == "no"
    assert dataset.events[0].date.edtf == "2014-11-27"


def test_year_written_bare_is_a_date():
    dataset = parse_dataset(edit("date: 2014-12\n", "date: 2014\n"))
    assert dataset.events[1].date.begin_precision == "year"


def test_not_a_mapping():
    assert problems("- just\n- a list\n") == [
        "events.yaml:1: the file must be a mapping of sections"
    ]


def test_missing_file(tmp_path):
    with pytest.raises(DataError, match="cannot read"):
        load_dataset(tmp_path / "nope.yaml")


def test_invalid_utf8_has_line(tmp_path):
    path = tmp_path / "events.yaml"
    path.write_bytes(VALID.encode().replace(b"label: Second", b"label: Sec\xffond"))
    with pytest.raises(ValidationError) as info:
        load_dataset(path)
    assert [str(p) for p in info.value.problems] == ["events.yaml:19: not valid UTF-8 text"]


def test_models_are_frozen():
    dataset = parse_dataset(VALID)
    with pytest.raises(AttributeError):
        dataset.events[0].label = "changed"  # type: ignore[misc]


def test_a_required_field_left_empty_is_a_problem_at_its_line():
    """Found by the property tests: `base:` with no value used to build nothing and say
    nothing ("0 problems")."""
    text = edit('base: "http://example.org/ekg/id/"', "base: ").replace("label: Second", "label:")
    assert problems(text) == [
        "events.yaml:1: dataset: required field 'base' is empty",
        "events.yaml:19: event: required field 'label' is empty",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "n: 017\n",  # octal in YAML 1.1, seventeen in 1.2
        "n: 0o17\n",
        "t: 1:30\n",  # base 60 in YAML 1.1
        "v: _1\n",
        "v: =\n",
        "a: !!binary aGk=\n",
        "a: !custom x\n",
        "a: 1\na: 2\n",
        "b: {<<: {k: 1}, j: 2}\n",
        "a: 1\n---\nb: 2\n",
        "a: [1\n",
    ],
)
def test_fast_parser_declines_what_it_could_read_differently(text):
    assert parse_yaml_fast(text) is None


@pytest.mark.parametrize("name", ["events_path", "tiny_path"])
def test_fast_parser_reads_real_data_as_the_located_loader(request, name):
    text = request.getfixturevalue(name).read_text(encoding="utf-8")
    fast = parse_yaml_fast(text)
    assert fast is not None
    assert fast == parse_yaml(text, "events.yaml")[0]


@pytest.mark.parametrize("enabled", [True, False])
def test_reading_pauses_the_cycle_collector_and_leaves_it_as_it_was(tmp_path, tiny_path, enabled):
    invalid = tmp_path / "events.yaml"
    invalid.write_text(tiny_path.read_text().replace("lane: markets", "lane: nowhere"), "utf-8")
    seen = set()
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        read_dataset(tiny_path, sink=lambda section, record: seen.add(gc.isenabled()))
        assert seen == {False} and gc.isenabled() is enabled
        with pytest.raises(ValidationError):
            load_dataset(invalid)
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


def test_fast_reading_gives_the_same_dataset_without_lines(events_path, real):
    loaded = read_dataset(events_path, fast=True)
    assert loaded.dataset == real
    assert {e.line for e in loaded.dataset.events} == {0}  # lines only when asked for
    assert real.events[0].line > 0
