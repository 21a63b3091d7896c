"""Property tests (Hypothesis) on the two layers that read untrusted text: the events loader
and the EDTF date layer. Whatever the input, the answer is a valid model or precise errors --
never an exception escaping -- and the fast parser agrees with the located one."""

from __future__ import annotations

import datetime as dt
import string

import pytest
import yaml
from hypothesis import assume, given
from hypothesis import strategies as st

from graph.data.dates import parse_date, possible_allen_relations, starts_certainly_after
from graph.data.loader import load_dataset, parse_dataset
from graph.errors import DataError, DateError, ValidationError

# -- dates -------------------------------------------------------------------------------------

_YEAR = st.integers(0, 9999).map("{:04d}".format)
_PART = st.integers(0, 99).map("{:02d}".format)
_QUALIFIER = st.sampled_from(["", "", "~", "?", "%", "X"])
_TIME = st.builds(
    "T{}:{}:{}{}".format, _PART, _PART, _PART, st.sampled_from(["", "Z", "+03:00", "-05:30"])
)
_SIDE = st.one_of(
    st.builds("{}{}".format, _YEAR, _QUALIFIER),
    st.builds("{}-{}{}".format, _YEAR, _PART, _QUALIFIER),
    st.builds("{}-{}-{}{}".format, _YEAR, _PART, _PART, _QUALIFIER),
    st.builds("{}-{}-{}{}".format, _YEAR, _PART, _PART, _TIME),
    st.sampled_from(["..", "", "1998-XX", "2014-21", "-0044"]),
)
#: Strings shaped like EDTF, valid or nearly so, and arbitrary text.
DATE_TEXT = st.one_of(
    _SIDE,
    st.builds("{}/{}".format, _SIDE, _SIDE),
    st.text(alphabet=string.digits + "-/~?%.:TZX+ ", max_size=30),
    st.text(max_size=30),
)


@given(DATE_TEXT)
def test_a_date_is_parsed_whole_or_refused_with_a_date_error(text):
    try:
        date = parse_date(text)
    except DateError as exc:
        assert exc.detail  # a message a curator can act on
        return
    assert date.edtf == text.strip()
    assert _naive(date.begin) <= _naive(date.end)
    assert date.start.earliest <= date.start.latest
    assert date.finish.earliest <= date.finish.latest
    assert not starts_certainly_after(date, date)
    assert "equals" in possible_allen_relations(date, date)


_DAY = st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31))
_VALID_SIDE = st.one_of(
    _DAY.map(lambda d: d.isoformat()),
    _DAY.map(lambda d: d.isoformat()[:7]),
    _DAY.map(lambda d: d.isoformat()[:4] + "~"),
    _DAY.map(lambda d: d.isoformat() + "T12:00:00+03:00"),
)
#: Valid EDTF dates and intervals (the end never before the start).
VALID_DATE = st.one_of(
    _VALID_SIDE,
    st.tuples(_DAY, _DAY).map(lambda days: "/".join(sorted(d.isoformat() for d in days))),
)


@given(VALID_DATE, VALID_DATE)
def test_allen_relations_between_any_two_dates_are_consistent(a_text, b_text):
    a, b = parse_date(a_text), parse_date(b_text)
    relations = possible_allen_relations(a, b)
    assert relations  # some relation is always possible
    inverse = {
        "before": "after", "meets": "met_by", "overlaps": "overlapped_by",
        "starts": "started_by", "during": "contains", "finishes": "finished_by",
        "equals": "equals",
    }  # fmt: skip
    inverse |= {b: a for a, b in inverse.items()}
    assert {inverse[r] for r in possible_allen_relations(b, a)} == relations


def _naive(value: dt.date | dt.datetime) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    return dt.datetime.combine(value, dt.time())


# -- the events loader ---------------------------------------------------------------------------


@given(st.text(max_size=400))
def test_any_text_is_a_dataset_or_located_problems(text):
    _check_outcome(lambda: parse_dataset(text, "events.yaml"), text)


@pytest.fixture(scope="module")
def tiny_document(tiny_path):
    """tiny.yaml as plain data, dates kept as the strings the file has."""
    # libyaml, as the loader uses: it reads plain URLs with "?" in flow lists, PyYAML's pure
    # Python parser does not.
    return _strings_for_dates(yaml.load(tiny_path.read_text(), Loader=yaml.CSafeLoader))


SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True),
    st.text(max_size=20),
    st.sampled_from(["2014-12-16", "no", "yes", "~", "0.5", "1e400", "<script>", "x" * 300]),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


@given(data=st.data())
def test_a_mutated_dataset_loads_the_same_way_on_both_parsers(
    tiny_document, tmp_path_factory, data
):
    """Random edits of a valid file -- a value replaced, a key dropped or added -- give a
    dataset or problems at lines of the file, and the fast parser agrees with the located one."""
    document = _mutate(tiny_document, data)
    text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True)
    path = tmp_path_factory.mktemp("mutated") / "events.yaml"
    path.write_text(text, encoding="utf-8")
    outcomes = [
        _check_outcome(lambda fast=fast: load_dataset(path, fast=fast), text)
        for fast in (False, True)
    ]
    assert outcomes[0] == outcomes[1]


def _check_outcome(load, text):
    """Load; return the dataset or the sorted problems, checking every problem is located."""
    lines = text.count("\n") + 1
    try:
        return load()
    except ValidationError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.file == "events.yaml"
            assert 1 <= problem.line <= lines + 1, problem
            assert problem.message
        return sorted(exc.problems)
    except DataError as exc:
        assert exc.detail
        return exc.detail


def _mutate(document, data):
    """A deep copy of ``document`` with one to three random edits."""
    document = yaml.load(yaml.safe_dump(document), Loader=yaml.CSafeLoader)
    for _ in range(data.draw(st.integers(1, 3))):
        parent, key = _pick(document, data)
        action = data.draw(st.sampled_from(["replace", "drop", "add"]))
        if action == "drop" and isinstance(parent, dict):
            parent.pop(key, None)
        elif action == "add" and isinstance(parent, dict):
            parent[data.draw(st.text(min_size=1, max_size=8))] = data.draw(VALUES)
        else:
            parent[key] = data.draw(VALUES)
    return document


def _pick(node, data):
    """A random (container, key) pair somewhere in ``node``."""
    while True:
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        assume(keys)
        key = data.draw(st.sampled_from(keys))
        child = node[key]
        if not isinstance(child, dict | list) or not child or data.draw(st.booleans()):
            return node, key
        node = child


def _strings_for_dates(node):
    if isinstance(node, dict):
        return {key: _strings_for_dates(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_strings_for_dates(value) for value in node]
    if isinstance(node, dt.date):
        return node.isoformat()
    return node
