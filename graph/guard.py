"""Checks on a SPARQL query's text before any engine parses it.

Engines have hazards a client can trigger (measured here, see ``shared/STORES.md``): a query
nested a few thousand brackets deep crashes a pyoxigraph process, ``SERVICE <url>`` makes the
engine call out over HTTP, and rdflib fetches ``FROM <http…>`` or reads ``FROM <file:…>``.
:func:`check_query` refuses these from the text alone, with a linear scan that understands
strings, IRIs and comments, so no parser recursion is involved. (``FROM`` is made safe in the
rdflib backend itself, which resolves it against the store instead of fetching.)

>>> check_query("SELECT * WHERE { ?s ?p ?o }")
>>> check_query("SELECT * WHERE {\\n SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
Traceback (most recent call last):
...
graph.guard.QueryRefusedError: SERVICE (federated query) is disabled ... (line 2, column 2)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pyparsing import ParseException
from rdflib.plugins.sparql.parser import parseQuery

from graph.errors import QueryError, QuerySyntaxError

#: Defaults; the service makes both configurable.
MAX_QUERY_LENGTH = 100_000
MAX_NESTING = 64

_OPEN, _CLOSE = "{([", "})]"
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_REFUSED_KEYWORDS = {
    "SERVICE": "SERVICE (federated query) is disabled on this endpoint",
    "LOAD": "LOAD is an update operation; this endpoint is read-only",
}


class QueryRefusedError(QueryError):
    """The query uses something this endpoint never evaluates; ``line``/``column`` locate it."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        where = f" (line {line}, column {column})" if line is not None else ""
        super().__init__(message + where)
        self.line = line
        self.column = column


@dataclass(frozen=True)
class Token:
    """A bare word outside strings, IRIs and comments, with its 1-based position."""

    text: str
    line: int
    column: int


def check_query(
    text: str, *, max_length: int = MAX_QUERY_LENGTH, max_nesting: int = MAX_NESTING
) -> None:
    """Raise :class:`QueryRefusedError` if ``text`` is too long, too deep or reaches outside.

    Refused: more than ``max_length`` characters, brackets nested deeper than
    ``max_nesting``, ``SERVICE`` and ``LOAD``.
    """
    if len(text) > max_length:
        raise QueryRefusedError(
            f"the query is {len(text)} characters long; the limit is {max_length}"
        )
    for word in scan(text, max_nesting=max_nesting):
        upper = word.text.upper()
        if upper in _REFUSED_KEYWORDS:
            raise QueryRefusedError(_REFUSED_KEYWORDS[upper], word.line, word.column)


_FORMS = {"SELECT": "select", "ASK": "ask", "CONSTRUCT": "construct", "DESCRIBE": "describe"}


def query_form(text: str) -> str | None:
    """``select``, ``ask``, ``construct`` or ``describe``: the form of a query, from its first
    keyword after the prologue; ``None`` if it has none (the parser will say why).

    >>> query_form("PREFIX s: <http://x/select> # ASK\\nCONSTRUCT WHERE { ?s ?p ?o }")
    'construct'
    """
    for word in scan(text, max_nesting=10**9):
        form = _FORMS.get(word.text.upper())
        if form is not None:
            return form
    return None


def check_syntax(text: str) -> None:
    """Parse ``text`` without evaluating it; :class:`QuerySyntaxError` if it does not parse.

    Only for rare paths (the query itself runs in a worker): it uses rdflib's pure-Python
    parser, whose recursion :func:`check_query`'s nesting limit keeps shallow.

    >>> check_syntax("ASK {")
    Traceback (most recent call last):
    ...
    graph.errors.QuerySyntaxError: SPARQL syntax error: ...
    """
    try:
        parseQuery(text)
    except ParseException as exc:
        raise QuerySyntaxError(f"SPARQL syntax error: {exc}", exc.lineno, exc.col) from exc
    except RecursionError as exc:
        raise QueryRefusedError("the query is nested too deeply to parse") from exc


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
    return _NONDETERMINISTIC.search(text) is None


def has_dataset_clause(text: str) -> bool:
    """True if the query names its own dataset with ``FROM`` / ``FROM NAMED``.

    >>> has_dataset_clause("SELECT * FROM <http://g/> WHERE { ?s ?p ?o }")
    True
    >>> has_dataset_clause('SELECT * WHERE { ?s ?p "FROM" }')
    False
    """
    return any(word.text.upper() == "FROM" for word in scan(text, max_nesting=10**9))


def scan(text: str, *, max_nesting: int) -> list[Token]:
    """Bare words of ``text`` outside strings, IRIs and comments; checks bracket depth.

    Prefixed names (``ex:LOAD``) and variables (``?service``) are not bare words.
    """
    words: list[Token] = []
    depth, i, line, line_start, n = 0, 0, 1, 0, len(text)
    while i < n:
        char = text[i]
        if char == "\n":
            line, line_start = line + 1, i + 1
            i += 1
        elif char == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif char in "\"'":
            i, line, line_start = _skip_string(text, i, line, line_start)
        elif char == "<" and _looks_like_iri(text, i):
            end = text.find(">", i)
            i = n if end < 0 else end + 1
        elif char in _OPEN:
            depth += 1
            if depth > max_nesting:
                raise QueryRefusedError(
                    f"brackets are nested more than {max_nesting} deep",
                    line,
                    i - line_start + 1,
                )
            i += 1
        elif char in _CLOSE:
            depth = max(0, depth - 1)
            i += 1
        elif char == "\\":  # an escape in a prefixed name (ex:a\#): the next char is literal
            i += 2
        elif char in "?$":
            match = _WORD.match(text, i + 1)
            i = match.end() if match else i + 1
        elif (match := _WORD.match(text, i)) is not None:
            end = match.end()
            if (end < n and text[end] == ":") or (i > 0 and text[i - 1] == ":"):
                i = end  # part of a prefixed name
                continue
            words.append(Token(match.group(), line, i - line_start + 1))
            i = end
        else:
            i += 1
    return words


_IRI = re.compile(r"<[^<>\"{}|^`\\\s]*>")


def _looks_like_iri(text: str, i: int) -> bool:
    """``<`` opens an IRI if a ``>`` follows before any whitespace (else it is "less than")."""
    return _IRI.match(text, i) is not None


def _skip_string(text: str, i: int, line: int, line_start: int) -> tuple[int, int, int]:
    """Index after the string literal starting at ``i``, with the line count kept."""
    quote = text[i]
    long_quote = text.startswith(quote * 3, i)
    delimiter = quote * 3 if long_quote else quote
    j = i + len(delimiter)
    n = len(text)
    while j < n:
        if text[j] == "\\":
            j += 2
            continue
        if text[j] == "\n":
            if not long_quote:
                return j, line, line_start  # unterminated: the parser will report it
            line, line_start = line + 1, j + 1
        if text.startswith(delimiter, j):
            return j + len(delimiter), line, line_start
        j += 1
    return n, line, line_start
