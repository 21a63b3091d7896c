"""YAML syntax errors are reported at the line of the mistake, not where the parser gave up."""

from __future__ import annotations

import pytest

from graph.data.loader import parse_dataset
from graph.errors import ValidationError
from service.cli import main


def _with_line(text: str, number: int, line: str) -> str:
    """``text`` with ``line`` inserted as line ``number`` (1-based)."""
    lines = text.splitlines()
    lines.insert(number - 1, line)
    return "\n".join(lines) + "\n"


def _problems(text: str) -> list[str]:
    with pytest.raises(ValidationError) as info:
        parse_dataset(text, "events.yaml")
    return [str(p) for p in info.value.problems]


def test_unclosed_bracket_in_the_real_data_is_reported_where_it_opened(
    runner, tmp_path, events_path
):
    text = _with_line(events_path.read_text(encoding="utf-8"), 12, "bad: [unclosed")
    gave_up = text.splitlines().index("dataset:") + 1  # the next line a flow cannot hold
    expected = (
        "events.yaml:12: YAML syntax error: '[' opened here is never closed (the parser gave "
        f"up at line {gave_up}: did not find expected ',' or ']')"
    )
    assert _problems(text) == [expected]
    bad = tmp_path / "events.yaml"
    bad.write_text(text, encoding="utf-8")
    result = runner.invoke(main, ["validate", str(bad)])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            '  - {id: oil, label: "Oil}',  # an unclosed quote runs to the end of the file
            "events.yaml:9: YAML syntax error: '\"' opened here is never closed (the parser "
            "gave up at line 16: found unexpected end of stream)",
        ),
        (
            "  - {id: oil, label: Oil",  # an unclosed brace
            "events.yaml:9: YAML syntax error: '{' opened here is never closed (the parser "
            "gave up at line 10: did not find expected ',' or '}')",
        ),
        (
            " - {id: oil, label: Oil}",  # bad indentation: reported where it is
            "events.yaml:9: YAML syntax error: while parsing a block mapping did not find "
            "expected key",
        ),
    ],
)
def test_syntax_errors_at_the_line_of_the_mistake(runner, tmp_path, line, expected):
    text = _with_line(_SMALL, 9, line)
    assert _problems(text) == [expected]
    bad = tmp_path / "events.yaml"
    bad.write_text(text, encoding="utf-8")
    result = runner.invoke(main, ["validate", str(bad)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        expected,
        "Error: 1 problem in the events data; nothing was built",
    ]


_SMALL = """\
dataset:
  id: small
  title: Small
  base: http://example.org/ekg/id/
event_types:
  - {id: move, label: Move}
lanes:
  - {id: markets, label: Markets}
events:
  - id: first
    label: First
    type: move
    date: 2014-12-16
    lane: markets
"""
