"""The query guard's scan (:mod:`graph.store.guard`): a keyword is refused exactly where it is
a bare word, and the error points at it; what hides it (strings, comments, IRIs, prefixed names,
variables) hides it whatever surrounds it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graph.errors import QueryRefusedError
from graph.store.guard import QueryFacts, check_query

#: Text that contains SERVICE but never as a bare word.
HIDING = [
    '"SERVICE"',
    "'SERVICE'",
    '"""a\nSERVICE"""',
    "'''SERVICE\n'''",
    '"a\\"SERVICE"',
    "# SERVICE\n",
    "<http://example.org/SERVICE>",
    "ex:SERVICE",
    "SERVICE:x",
    "?SERVICE",
    "$SERVICE",
    "ex:a\\#SERVICE",
]
#: Text that neither contains nor hides a keyword.
NEUTRAL = ["?s", "<http://a/>", "{", "}", "(", ")", ".", "<", ">", '"x"', "1", "\n", "SELECT", "a"]


@given(st.lists(st.sampled_from([*HIDING, *NEUTRAL, "SERVICE"]), max_size=30))
def test_service_is_refused_exactly_where_it_is_a_bare_word(pieces):
    text = " ".join(pieces)
    bare = [i for i, piece in enumerate(pieces) if piece == "SERVICE"]
    if not bare:
        assert isinstance(check_query(text), QueryFacts)
        return
    offset = sum(len(piece) + 1 for piece in pieces[: bare[0]])
    line = text.count("\n", 0, offset) + 1
    column = offset - text.rfind("\n", 0, offset)
    with pytest.raises(QueryRefusedError) as refused:
        check_query(text)
    assert (refused.value.line, refused.value.column) == (line, column)


@pytest.mark.parametrize(
    ("text", "facts"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", QueryFacts("select", False)),
        ("PREFIX s: <http://x/select>\nASK FROM <g> {}", QueryFacts("ask", True)),
        ("# DESCRIBE\nCONSTRUCT WHERE { ?s ?p 'FROM' }", QueryFacts("construct", False)),
        ("DESCRIBE <x> FROM NAMED <g>", QueryFacts("describe", True)),
        ("WHERE { }", QueryFacts(None, False)),
    ],
)
def test_one_scan_finds_the_form_and_dataset_clause(text, facts):
    assert check_query(text) == facts


def test_nesting_error_points_at_the_bracket_that_is_too_deep():
    text = "SELECT *\nWHERE " + "{" * 5 + "}" * 5
    with pytest.raises(QueryRefusedError) as refused:
        check_query(text, max_nesting=4)
    assert (refused.value.line, refused.value.column) == (2, 11)
