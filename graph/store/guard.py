"""Checks on a SPARQL query's text before any engine parses it.

Engines have hazards a client can trigger (each measured on this project's machine): a query
nested a few thousand brackets deep crashes a pyoxigraph process, ``SERVICE <url>`` makes the
engine call out over HTTP, and rdflib fetches ``FROM <http…>`` or reads ``FROM <file:…>``.
:func:`check_query` refuses these from the text alone, with a linear scan that understands
strings, IRIs and comments, so no parser recursion is involved. (``FROM`` is made safe in the
rdflib backend itself, which resolves it against the store instead of fetching.) The endpoint
is read-only: an update sent as a query (``INSERT``, ``DELETE``, ``LOAD``, ...; a SPARQL
server such as Virtuoso would run it) is refused here too, and so is Virtuoso's ``DEFINE``.

>>> check_query("SELECT * WHERE { ?s ?p ?o }")
QueryFacts(form='select', names_dataset=False)
>>> check_query("SELECT * WHERE {\\n SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
Traceback (most recent call last):
...
graph.errors.QueryRefusedError: SERVICE (federated query) is disabled ... (line 2, column 2)
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from graph.errors import QueryRefusedError
from graph.store.stack import on_query_stack

#: Defaults; the service makes each configurable.
MAX_QUERY_LENGTH = 100_000
MAX_NESTING = 64
#: Keywords and operators in one query: the engine's recursion grows with each (see scan).
MAX_OPERATORS = 1_000

_FORMS = {"SELECT": "select", "ASK": "ask", "CONSTRUCT": "construct", "DESCRIBE": "describe"}
_REFUSED_KEYWORDS = {
    "SERVICE": "SERVICE (federated query) is disabled on this endpoint",
    # Virtuoso's pragmas (DEFINE input:default-graph-uri ...) would override the dataset.
    "DEFINE": "DEFINE (a Virtuoso pragma) is not SPARQL 1.1; this endpoint refuses it",
} | {
    # SPARQL 1.1 Update's operations, and Virtuoso's MODIFY: an update sent as a query is a
    # malformed query, refused before any engine (Virtuoso runs one sent as query=) sees it.
    word: f"{word} is an update operation; this endpoint is read-only and answers queries only"
    for word in [
        "INSERT",
        "DELETE",
        "DROP",
        "CLEAR",
        "CREATE",
        "ADD",
        "MOVE",
        "COPY",
        "WITH",
        "LOAD",
        "MODIFY",
    ]
}


class Token(NamedTuple):
    """A bare word outside strings, IRIs and comments, and where it starts in the text."""

    text: str
    offset: int


@dataclass(frozen=True)
class QueryFacts:
    """What one scan of a query's text tells: its form (``select``, ``ask``, ``construct``,
    ``describe``, or ``None`` if it has none -- the parser will say why) and whether it names
    its own dataset with ``FROM`` / ``FROM NAMED``."""

    form: str | None
    names_dataset: bool


def check_query(
    text: str,
    *,
    max_length: int = MAX_QUERY_LENGTH,
    max_nesting: int = MAX_NESTING,
    max_operators: int = MAX_OPERATORS,
) -> QueryFacts:
    """Raise :class:`QueryRefusedError` if ``text`` is too long, too deep or reaches outside;
    otherwise return the :class:`QueryFacts` the same scan found.

    Refused: more than ``max_length`` characters, brackets nested deeper than
    ``max_nesting``, more than ``max_operators`` keywords and operators (:func:`scan`),
    ``SERVICE``, ``DEFINE`` and the words of an update (``INSERT``, ``DELETE``, ``LOAD``,
    ...): none is a SPARQL 1.1 query's keyword.

    >>> check_query("PREFIX s: <http://x/select> # ASK\\nCONSTRUCT FROM <g> WHERE { ?s ?p ?o }")
    QueryFacts(form='construct', names_dataset=True)
    >>> check_query("PREFIX x: <http://x/>\\ninsert data { x:a x:b 'DELETE' }")
    Traceback (most recent call last):
    ...
    graph.errors.QueryRefusedError: INSERT is an update operation; ... (line 2, column 1)
    """
    if len(text) > max_length:
        raise QueryRefusedError(
            f"the query is {len(text)} characters long; the limit is {max_length}"
        )
    return check_words(text, scan(text, max_nesting=max_nesting, max_operators=max_operators))


def check_words(text: str, words: Sequence[Token]) -> QueryFacts:
    """:func:`check_query`'s refusals and facts from the bare words of ``text`` already
    scanned (:func:`scan`), without its length, nesting and operator limits.

    >>> check_words("ASK {}", scan("ASK {}", max_nesting=9))
    QueryFacts(form='ask', names_dataset=False)
    """
    form, names_dataset = None, False
    for word in words:
        upper = word.text.upper()
        if upper in _REFUSED_KEYWORDS:
            raise QueryRefusedError(_REFUSED_KEYWORDS[upper], *_position(text, word.offset))
        form = form or _FORMS.get(upper)
        names_dataset = names_dataset or upper == "FROM"
    return QueryFacts(form, names_dataset)


def check_syntax(text: str) -> None:
    """Parse ``text``; :class:`QuerySyntaxError` (with its line and column) if it does not.

    Only for rare paths (a 406 that may be a 400, a SPARQL server's refusal): pyoxigraph's
    parser, on an empty store -- where whatever it evaluates finds nothing at once -- after
    this guard's refusals (nothing reaches out), on a query's stack (:mod:`graph.store.stack`).
    (rdflib's parser recursed too deeply on 60 triple patterns once ``edtf`` had turned on
    pyparsing's packrat mode for the whole process.)

    >>> check_syntax("ASK {")
    Traceback (most recent call last):
    ...
    graph.errors.QuerySyntaxError: SPARQL syntax error: ...
    """
    import pyoxigraph as ox

    from graph.store.base import DEFAULT_PREFIXES, syntax_error  # (base imports this module)

    check_words(text, scan(text, max_nesting=10**9))
    failed: list[SyntaxError] = []

    def parse() -> None:
        try:
            ox.Store().query(
                text,
                base_iri=_ANY_BASE,
                prefixes=DEFAULT_PREFIXES,  # as the endpoint gives them
                default_graph=[],
                named_graphs=[],
            )
        except SyntaxError as exc:
            failed.append(exc)
        except (OSError, RuntimeError, ValueError):
            pass  # it parsed: what evaluation says is not this function's to tell

    on_query_stack(parse)
    if failed:
        raise syntax_error(str(failed[0])) from failed[0]


#: A base for the relative IRIs of a query checked alone (the endpoint gives its own URL).
_ANY_BASE = "http://localhost/"

_NONDETERMINISTIC = re.compile(r"\b(?:RAND|NOW|UUID|STRUUID|BNODE)\b", re.IGNORECASE)


def is_deterministic(text: str) -> bool:
    """False if the query may call a function whose value changes from one run to the next
    (RAND, NOW, UUID, STRUUID, BNODE). The words alone count, wherever they are -- a comment
    may sit between a function and its ``(`` -- so a ``?now`` variable also says False:
    erring that way only costs a cache miss.

    >>> is_deterministic("SELECT ?e WHERE { ?e a sem:Event }")
    True
    >>> is_deterministic("SELECT (NOW() AS ?t) {}")
    False
    """
    if text.isascii():  # a plain substring test first: the expression's IGNORECASE costs more
        upper = text.upper()
        if not any(word in upper for word in _NONDETERMINISTIC_WORDS):
            return True
    return _NONDETERMINISTIC.search(text) is None


_NONDETERMINISTIC_WORDS = ("RAND", "NOW", "UUID", "BNODE")  # (STRUUID holds UUID)


def has_dataset_clause(text: str) -> bool:
    """True if the query names its own dataset with ``FROM`` / ``FROM NAMED``.

    >>> has_dataset_clause("SELECT * FROM <http://g/> WHERE { ?s ?p ?o }")
    True
    >>> has_dataset_clause('SELECT * WHERE { ?s ?p "FROM" }')
    False
    """
    return any(word.text.upper() == "FROM" for word in scan(text, max_nesting=10**9))


def scan(text: str, *, max_nesting: int, max_operators: int | None = None) -> list[Token]:
    """Bare words of ``text`` outside strings, IRIs and comments; checks bracket depth and,
    given ``max_operators``, the number of keywords and operators.

    Prefixed names (``ex:LOAD``) and variables (``?service``) are not bare words. It is one
    pass of :data:`_LEXEME` over the text: each match is a bracket, a bare word, an operator
    or all that lies between them, so the regular expression engine, not Python, walks the
    text.

    Why operators count: the engine builds one tree node per keyword or operator of a
    sequence -- ``1+1+1...``, ``!!!...``, a path ``:p/:p/...``, triple patterns joined by
    ``.``, ``,`` or ``;``, groups ``{...} {...}``, ``UNION``, ``MINUS``, ``BIND`` ... -- and
    recurses through them, so a long enough sequence overflows its thread's stack and the
    process dies, however flat the brackets. Measured with pyoxigraph 0.5 in a thread of
    8 MB: 2,555 ``MINUS``, ``BIND`` or ``(expr AS ?v)`` answer, 2,632 crash the process (a
    query of 40-60 kB, inside the length limit); other sequences crash from 6,000 to 11,000.
    Variables, IRIs, literals and numbers do not count, so lists the engine keeps flat
    (``VALUES`` rows, ``ORDER BY`` and ``GROUP BY`` keys, the projection) cost nothing but
    their keywords and signs (``UNDEF``, ``-1``).

    >>> [w.text for w in scan("SELECT ?where { <a> ex:LOAD 'SERVICE' } # FROM", max_nesting=9)]
    ['SELECT']
    >>> scan("ASK { FILTER(!!!!true) }", max_nesting=9, max_operators=4)
    Traceback (most recent call last):
    ...
    graph.errors.QueryRefusedError: the query has more than 4 keywords and operators ...

    Each thread keeps the words of the last text it scanned: ``/sparql`` checks a query
    (:func:`check_query`) and a reader's store reads the same text again to pin it to its
    version (:class:`~graph.store.pinned.PinnedStore`) -- one pass serves both.
    """
    last = getattr(_LAST, "scanned", None)
    if (
        last is not None
        and last[2] <= max_nesting
        and (max_operators is None or last[3] <= max_operators)
        and (last[0] is text or last[0] == text)
    ):  # (a limit it passed the last time: it passes again; else scan again to say where)
        return list(last[1])
    state = _Scan(max_nesting, len(text) if max_operators is None else max_operators)
    _walk(text, 0, len(text), state)
    _LAST.scanned = (text, tuple(state.words), state.deepest, state.operators)
    return state.words


class _Scan:
    """What :func:`scan` has found so far, and its limits."""

    __slots__ = ("deepest", "limit", "max_nesting", "open", "operators", "words")

    def __init__(self, max_nesting: int, limit: int) -> None:
        self.max_nesting, self.limit = max_nesting, limit
        self.words: list[Token] = []
        self.open: list[str] = []  # the brackets open, innermost last
        self.deepest = self.operators = 0


def _walk(text: str, start: int, end: int, state: _Scan) -> None:
    """Scan ``text[start:end]`` into ``state`` (see :func:`scan`)."""
    for match in _LEXEME.finditer(text, start, end):
        kind = match.lastgroup
        if kind is None:
            continue
        if kind == "iri":
            if state.open and state.open[-1] == "(" and _after_operand(text, match.start()):
                # ``?a<?b)SERVICE#>``: after an operand, in an expression, the engine reads
                # "less than" and code where this lexer reads an IRI -- scan it as code too.
                _walk(text, match.start() + 1, match.end() - 1, state)
            continue
        if kind == "open":
            bracket = match.group()
            state.open.append(bracket)
            if len(state.open) > state.deepest:
                state.deepest = len(state.open)
                if state.deepest > state.max_nesting:
                    raise QueryRefusedError(
                        f"brackets are nested more than {state.max_nesting} deep",
                        *_position(text, match.start()),
                    )
            if bracket != "{":  # a group joins the one before it: it counts as an operator
                continue
        elif kind == "close":
            if state.open:
                state.open.pop()
            continue
        state.operators += 1
        if state.operators > state.limit:
            raise QueryRefusedError(
                f"the query has more than {state.limit:,} keywords and operators (each one "
                "deepens the engine's recursion)",
                *_position(text, match.start()),
            )
        if kind == "word":
            state.words.append(Token(match.group(), match.start()))


def _after_operand(text: str, offset: int) -> bool:
    """Whether what comes before ``offset`` (past whitespace) may end an operand, after which
    ``<`` is "less than": anything but an opening bracket, a comma or an operator."""
    at = offset - 1
    while at >= 0 and text[at] in " \t\r\n":  # (no copy of the text before: this runs
        at -= 1  # for every IRI in parentheses, and a query may hold thousands)
    return at >= 0 and text[at] not in "(,=!&|+-*/<>"


#: Per thread: the last text :func:`scan` read, its words, its deepest nesting and its
#: number of keywords and operators.
_LAST = threading.local()


#: The lexemes the guard tells apart: IRIs, brackets, bare words, operators (the characters
#: of SPARQL's operators, paths and triple separators that chain: ``! + - * / | & , ; .``),
#: and -- as one match, whatever their number -- everything in between. It reads the text
#: as the SPARQL grammar does where it matters: a comment ends at a line end (``\n`` or
#: ``\r``); a backslash escapes the next character in a string; a short string that meets a
#: line end is unterminated (the parser reports it) and ends there; a long one may span
#: lines. ``<`` opens an IRI only if a ``>`` follows with none of the characters an IRI
#: cannot hold in between (else it is "less than"; see :func:`_walk` for the other case). A
#: word before a colon is a prefix; after it comes a local name, which may hold dots (not
#: last), colons and escapes (``ex:a\#SERVICE`` is one name). Variables and keywords hold
#: no ``-`` (``?a-?a`` is a subtraction). A number's decimal point and exponent sign are no
#: operators. Any other backslash outside a string is a syntax error: it and the next
#: character are skipped.
_LEXEME = re.compile(
    r"""
      (?:
          \#[^\r\n]*
        | \"\"\"(?:[^"\\]|\\[\s\S]?|"(?!""))*(?:\"\"\"|\Z)
        | '''(?:[^'\\]|\\[\s\S]?|'(?!''))*(?:'''|\Z)
        | "(?:[^"\\\r\n]|\\[\s\S]?)*"?
        | '(?:[^'\\\r\n]|\\[\s\S]?)*'?
        | <(?![^<>"{}|^`\\\x00-\x20]*>)
        | [?$][A-Za-z0-9_]*
        | @[A-Za-z]+(?:-[A-Za-z0-9]+)*
        | [A-Za-z_][A-Za-z0-9_-]*(?=:)
        | (?<=:)(?:[A-Za-z0-9_:-]|\\[_~.!$&'()*+,;=/?\#@%-])+
          (?:\.+(?:[A-Za-z0-9_:-]|\\[_~.!$&'()*+,;=/?\#@%-])+)*
        | \\[\s\S]?
        | (?:[0-9]+\.?[0-9]*|\.[0-9]+)[eE][+-]?[0-9]+ | [0-9]*\.[0-9]+
        | [^{}()\[\]A-Za-z_\#"'<?$\\!+*/|&,;.-]+
      )+
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<open>[{(\[])
    | (?P<close>[})\]])
    | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<operator>[!+*/|&,;.-])
    """,
    re.VERBOSE,
)


def _position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of ``offset`` in ``text``."""
    return text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)
