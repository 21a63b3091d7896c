"""The query guard's scan (:mod:`graph.store.guard`): a keyword is refused exactly where it is
a bare word, and the error points at it; what hides it (strings, comments, IRIs, prefixed names,
variables) hides it whatever surrounds it."""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graph.errors import QueryRefusedError
from graph.store.guard import MAX_QUERY_LENGTH, QueryFacts, Token, check_query, scan

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
#: Text that neither contains nor hides a keyword. (No "(": in parentheses, an IRI after an
#: operand may be "less than" and code -- see the tests after this one.)
NEUTRAL = ["?s", "<http://a/>", "{", "}", ")", ".", "<", ">", '"x"', "1", "\n", "SELECT", "a"]


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


#: What hid a keyword, a bracket or an operator from the guard but not from the engine.
HIDDEN_FROM_THE_GUARD_ONLY = [
    # a comment ends at \r too
    "SELECT * { #\r SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
    # after an operand, "<" is "less than": what looked like an IRI is code
    "SELECT * { ?s ?p ?o FILTER(?a<?b)SERVICE#>\n<http://127.0.0.1:9/> { ?s ?p ?o } }",
    "ASK { FILTER(1<" + "(" * 100 + "2" + ")" * 100 + "&&3>2) }",
    "ASK { FILTER(1 <" + "!" * 1_100 + "true>2) }",
]


@pytest.mark.parametrize("text", HIDDEN_FROM_THE_GUARD_ONLY)
def test_what_the_engine_reads_as_code_the_guard_reads_as_code(text):
    with pytest.raises(QueryRefusedError):
        check_query(text)


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * { ?s <http://x/SERVICE> ?o FILTER(?o = <http://x/DELETE>) }",
        "SELECT * { ?s ?p ?o FILTER(?o IN (<http://x/LOAD>, <http://x/DROP>)) }",
        "SELECT (<http://x/fn/INSERT>(?s) AS ?x) { ?s ?p ?o }",
        "SELECT * { ?s ?p ?o FILTER(?o<?p) }",
    ],
)
def test_iris_where_no_operand_comes_before_them_hide_what_they_hold(text):
    assert check_query(text).form == "select"


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


#: Sequences the engine builds one tree node per element of, each made ``n`` long: pyoxigraph
#: recurses through them, and past a few thousand elements its thread's stack overflows.
SEQUENCES = {
    "MINUS": lambda n: "SELECT * { ?s ?p ?o " + " MINUS { ?s <x:q> ?o }" * n + " }",
    "BIND": lambda n: "SELECT * { ?s ?p ?o " + "".join(f"BIND(1 AS ?v{i})" for i in range(n)) + "}",
    "AS": lambda n: "SELECT " + " ".join(f"(1 AS ?v{i})" for i in range(n)) + " { ?s ?p ?o }",
    "UNION": lambda n: "SELECT * { " + " UNION ".join(["{?s ?p ?o}"] * n) + " }",
    "+": lambda n: "SELECT * { ?s ?p ?o FILTER(" + "+".join(["1"] * n) + " > 0) }",
    "!": lambda n: "SELECT * { ?s ?p ?o FILTER(" + "!" * n + "true) }",
    "/": lambda n: "SELECT * { ?s " + "/".join(["<x:p>"] * n) + " ?o }",
    "|": lambda n: "SELECT * { ?s " + "|".join(["<x:p>"] * n) + " ?o }",
    ".": lambda n: "SELECT * { " + " . ".join(f"?s <x:p{i}> ?o{i}" for i in range(n)) + " }",
    "{}": lambda n: "SELECT * { " + "{}" * n + " }",
    "?a-?a": lambda n: "SELECT (" + "-".join(["?a"] * n) + " AS ?x) {}",
    "true-1": lambda n: "SELECT * { FILTER(true" + "-1" * n + ") }",
    ". after a name": lambda n: "SELECT * {" + "".join(f"?s x:p x:o{i}." for i in range(n)) + "}",
    ",": lambda n: "SELECT * { ?s ?p " + ",".join(f"?o{i}" for i in range(n)) + " }",
    ";": lambda n: "SELECT * { ?s " + ";".join(f"<x:p{i}> ?o" for i in range(n)) + " }",
    "&&": lambda n: "SELECT * { ?s ?p ?o FILTER(" + "&&".join(["true"] * n) + ") }",
}


@pytest.mark.parametrize("kind", SEQUENCES)
def test_long_flat_sequences_are_refused_short_ones_pass(kind):
    make = SEQUENCES[kind]
    assert check_query(make(300)).form == "select"
    long = make(2_600)  # MINUS, BIND and AS crash pyoxigraph from about 2,600 (see below)
    assert len(long) <= MAX_QUERY_LENGTH  # not refused for its length
    with pytest.raises(QueryRefusedError, match="more than 1,000 keywords and operators"):
        check_query(long)


def test_flat_lists_the_engine_keeps_flat_do_not_count():
    rows = " ".join(f"(<x:a{i}> {i})" for i in range(5_000))
    keys = " ".join(f"?k{i}" for i in range(5_000))
    assert check_query(f"SELECT * {{ ?s ?p ?o }} VALUES (?s ?n) {{ {rows} }}").form == "select"
    assert check_query(f"SELECT {keys} {{ ?s ?p ?o }} ORDER BY {keys}").form == "select"


CRASH = """
import sys, threading, pyoxigraph
threading.stack_size(8 << 20)  # the default thread stack on Linux (ulimit -s 8192)
thread = threading.Thread(target=pyoxigraph.Store().query, args=(sys.stdin.read(),))
thread.start()
thread.join()
"""


@pytest.mark.parametrize("kind", ["MINUS", "BIND", "AS"])
def test_what_the_guard_refuses_does_end_a_process(kind):
    """Why the limit: run unguarded, the query kills the process (SIGSEGV) from a thread."""
    done = subprocess.run(
        [sys.executable, "-c", CRASH], input=SEQUENCES[kind](3_000), text=True, timeout=120
    )
    assert done.returncode == -signal.SIGSEGV


def test_a_text_scanned_without_a_limit_is_still_refused_under_one():
    """scan() remembers the last text per thread (a reader scans each query twice): what it
    remembers must not let the same text past a limit the first scan did not apply."""
    long = SEQUENCES["MINUS"](2_600)
    assert scan(long, max_nesting=10**9)  # as a reader's store scans it
    with pytest.raises(QueryRefusedError, match="keywords and operators"):
        check_query(long)
    deep = "ASK " + "{" * 70 + "}" * 70
    assert scan(deep, max_nesting=10**9) == [Token("ASK", 0)]
    with pytest.raises(QueryRefusedError, match="nested more than 64 deep"):
        check_query(deep)
