"""A reader's view of one published version on a shared SPARQL store.

:class:`PinnedStore` answers every query -- a client's ``/sparql`` and the service's own --
from exactly the graphs of one version (:mod:`graph.store.versions`): they are sent as the
query's ``default-graph-uri`` and ``named-graph-uri``, so neither other versions nor the
version's source graph can be seen. Graph names stay the dataset's own: a ``FROM``,
``FROM NAMED``, ``GRAPH <name>``, ``default-graph-uri`` or ``named-graph-uri`` naming one of
the dataset's graphs reads that version's copy (any other name, an empty graph), and a graph
the answer names (``GRAPH ?g``) is given back by its own name, in rows and triples alike.

What cannot be mapped that simply is refused (:class:`QueryRefusedError`, 400) before the
server sees it, never answered wrongly: an update or a Virtuoso ``DEFINE``; a graph named by a
prefixed or relative name; a ``GRAPH ?g`` whose ``?g`` is also joined, compared or bound
(``np:hasAssertion ?g . GRAPH ?g {...}``, ``FILTER (?g = <...>)``, ``VALUES ?g``) -- it would
meet the versioned names. The text is read with :func:`graph.store.guard.scan`, so comments,
strings, IRIs, case and missing spaces (``FROM<iri>``, ``FROM #c`` newline ``<iri>``) cannot
hide a clause; every ``FROM`` is taken out, which matters on Virtuoso: it adds the query's
``FROM`` to the protocol's ``default-graph-uri`` instead of letting the latter replace it.

After each query it checks that the version is still published; once the publisher has
begun to drop it (retention), every query raises :class:`StoreUnavailableError` (503) -- an
answer from a half-dropped version could be silently empty -- until the reader serves the
new version. It never writes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from rdflib import URIRef

from graph.errors import QueryRefusedError, StoreError, StoreUnavailableError
from graph.store.backends.remote import RemoteStore
from graph.store.base import (
    DEFAULT_DATA_GRAPH,
    Capabilities,
    Quad,
    QueryResult,
    Store,
    Triple,
)
from graph.store.guard import Token, check_words, scan
from graph.store.versions import (
    NO_GRAPH,
    VERSIONS_GRAPH,
    VersionRecord,
    is_serving_query,
)

#: Comments and strings (blanked in the text the clauses are read from) and IRIs (kept).
_OPAQUE = re.compile(
    r"""
      (?P<iri><[^<>"{}|^`\\\s]*>)
    | \#[^\n]*
    | \"\"\"(?:[^"\\]|\\[\s\S]?|"(?!""))*(?:\"\"\"|\Z)
    | '''(?:[^'\\]|\\[\s\S]?|'(?!''))*(?:'''|\Z)
    | "(?:[^"\\\n]|\\[\s\S]?)*"?
    | '(?:[^'\\\n]|\\[\s\S]?)*'?
    """,
    re.VERBOSE,
)
_IRI = r"(?P<iri><[^<>\s]*>)"
_FROM_REST = re.compile(rf"\s*(?P<named>NAMED\b)?\s*{_IRI}?", re.I)
_GRAPH_REST = re.compile(rf"\s*(?:{_IRI}|[?$](?P<var>\w+))")
_ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_VARIABLE = re.compile(r"[?$](\w+)")
#: A Virtuoso built-in or SQL function (``bif:exec``), as an IRI or a prefixed name.
_VIRTUOSO_IRI = re.compile(r"<(?:bif|sql):", re.I)
_VIRTUOSO_NAME = re.compile(r"(?<![\w.:%\\-])(?:bif|sql):", re.I)
#: Either, anywhere in the text: only a text that has one is read further for them.
_VIRTUOSO_ANY = re.compile(r"(?:bif|sql):", re.I)


class PinnedStore(Store):
    """The graphs of ``record``'s version on ``remote``, read-only (see the module docs)."""

    backend = "sparql"

    def __init__(self, remote: RemoteStore, record: VersionRecord) -> None:
        self.remote = remote
        self.record = record
        self.version = record.version
        self._names = dict(record.graphs)  # dataset graph name -> versioned graph
        self._back = {graph: URIRef(name) for name, graph in self._names.items()}
        self.gone = False

    @property
    def capabilities(self) -> Capabilities:
        return Capabilities(remote=True, pinned=True)

    def query(
        self,
        sparql: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        max_rows: int | None = None,
        base_iri: str | None = None,
    ) -> QueryResult:
        self._refuse_if_gone()
        text, from_default, from_named = self._pin(sparql)  # checked as /sparql checks, too
        if default_graphs is None and named_graphs is None and from_default is not None:
            default_graphs, named_graphs = from_default, from_named
        elif default_graphs is not None or named_graphs is not None:
            # The protocol's dataset: a set not given is empty, not "all" (SPARQL 1.1 §2.1.4).
            default_graphs, named_graphs = default_graphs or (), named_graphs or ()
        result = self.remote.query(
            text,
            default_graphs=self._map(default_graphs),
            named_graphs=self._map(named_graphs),
            max_rows=max_rows,
            base_iri=base_iri,
        )
        self._confirm_serving()
        back = self._back
        if result.rows:
            result.rows = [
                tuple(
                    back.get(str(cell), cell) if isinstance(cell, URIRef) else cell for cell in row
                )
                for row in result.rows
            ]
        if result.triples:  # (a versioned graph name only reaches one through GRAPH ?g)
            result.triples = [
                (back.get(str(s), s), back.get(str(p), p), back.get(str(o), o))
                for s, p, o in result.triples
            ]
        return result

    def refusal(self, sparql: str) -> str | None:
        """Why this store would refuse ``sparql`` without asking the server (see
        :meth:`_pin`), or ``None`` if it would send it."""
        try:
            self._pin(sparql)
        except QueryRefusedError as exc:
            return str(exc)
        return None

    def _confirm_serving(self) -> None:
        """After a query: the version was still published, so its graphs were whole while
        the query ran (the publisher marks a version ``dropping`` before dropping a graph)."""
        if not self.gone:
            answer = self.remote.query(
                is_serving_query(self.version, self.record.upload),
                default_graphs=[NO_GRAPH],
                named_graphs=[VERSIONS_GRAPH],
            )
            self.gone = not answer.boolean
        self._refuse_if_gone()

    def _refuse_if_gone(self) -> None:
        if self.gone:
            raise StoreUnavailableError(
                f"data version {self.version} has been removed from the SPARQL store; this "
                "instance is switching to the current version -- try again shortly"
            )

    def _map(self, graphs: Sequence[str] | None) -> list[str]:
        """Dataset graph names -> this version's graphs (all of them for ``None``)."""
        if graphs is None:
            return sorted(self._names.values()) or [NO_GRAPH]
        return [self._names.get(name, NO_GRAPH) for name in graphs] or [NO_GRAPH]

    def _pin(self, sparql: str) -> tuple[str, list[str] | None, list[str] | None]:
        """``sparql`` without its FROM / FROM NAMED clauses (returned as graph lists, or
        ``None`` if it has none) and with ``GRAPH <name>`` naming this version's graph.

        :class:`QueryRefusedError` (400) for what cannot be pinned safely: an update or a text
        with no query form, Virtuoso's ``bif:`` / ``sql:`` functions, a graph named otherwise
        than by its absolute IRI, and a ``GRAPH
        ?g`` whose ``?g`` is used anywhere but in the top-level SELECT list, GROUP BY or ORDER
        BY (joined or compared, it would meet the version's graph names, not the dataset's).

        Also refused, as :func:`~graph.store.guard.check_query` refuses them: ``SERVICE``,
        ``DEFINE`` and the words of an update. The text is scanned once (the scan
        ``/sparql`` made of it is reused: :func:`~graph.store.guard.scan`), and read for
        clauses only when it has a ``FROM``, a ``GRAPH`` or a ``bif:`` / ``sql:``."""
        words = scan(sparql, max_nesting=10**9)
        if check_words(sparql, words).form is None:  # (an update or DEFINE raised already)
            raise QueryRefusedError(
                "this endpoint answers SELECT, ASK, CONSTRUCT and DESCRIBE only"
            )
        clauses = [word for word in words if word.text.upper() in ("FROM", "GRAPH")]
        if not clauses and _VIRTUOSO_ANY.search(sparql) is None:
            return sparql, None, None  # nothing to take out, map or refuse
        code = _OPAQUE.sub(_blank_all_but_iris, sparql)
        bare = _OPAQUE.sub(lambda match: " " * len(match.group()), code)  # IRIs blanked too
        if extension := _VIRTUOSO_IRI.search(code) or _VIRTUOSO_NAME.search(bare):
            raise QueryRefusedError(
                "Virtuoso's bif: and sql: functions are refused on this endpoint: they can "
                "reach past the version of the data it serves",
                *_line_column(sparql, extension.start()),
            )
        pieces: list[str] = []
        defaults: list[str] = []
        named: list[str] = []
        graph_variables: dict[int, str] = {}  # where a GRAPH ?g's ?g is -> its name
        last = 0
        for word in clauses:
            upper = word.text.upper()
            after = word.offset + len(word.text)
            match = (_FROM_REST if upper == "FROM" else _GRAPH_REST).match(code, after)
            if match is None or (match.group("iri") is None and upper == "FROM"):
                raise _not_by_iri(sparql, word)
            if match.group("iri") is None:  # GRAPH ?g
                graph_variables[match.start("var") - 1] = match.group("var")
                continue
            iri = match.group("iri")[1:-1]
            if not _ABSOLUTE.match(iri):
                raise _not_by_iri(sparql, word)
            pieces.append(sparql[last : word.offset])
            if upper == "GRAPH":
                pieces.append(f"GRAPH <{self._names.get(iri, NO_GRAPH)}>")
            else:
                (named if match.group("named") else defaults).append(iri)
            last = match.end()
        pieces.append(sparql[last:])
        text = "".join(pieces)
        if graph_variables:
            _check_graph_variables(sparql, bare, words, graph_variables)
        if any(word.text.upper() in ("FROM", "DEFINE") for word in scan(text, max_nesting=10**9)):
            raise QueryRefusedError("the query's dataset clauses could not be pinned to a version")
        if not defaults and not named:
            return text, None, None
        return text, defaults or [NO_GRAPH], named or [NO_GRAPH]

    def count_triples(self, graphs: Sequence[str]) -> dict[str, int]:
        """The triples of each of ``graphs`` (dataset names), as the catalog recorded them
        at publish time: no query."""
        return {name: self.record.triples.get(name, 0) for name in graphs}

    def graphs(self) -> list[str]:
        return sorted(self._names)

    def __len__(self) -> int:
        return sum(self.record.triples.values())

    def serialize(self, fmt: str) -> bytes:
        raise StoreError("a reader exports nothing: export from the data files")

    def load(self, triples: Iterable[Triple | Quad], graph: str = DEFAULT_DATA_GRAPH) -> None:
        raise StoreError("a reader never writes to the store: use ekg publish")


def _blank_all_but_iris(match: re.Match[str]) -> str:
    """A comment or string as spaces (its line ends kept), an IRI as itself."""
    if match.group("iri"):
        return match.group()
    return re.sub(r"[^\n]", " ", match.group())


def _line_column(sparql: str, offset: int) -> tuple[int, int]:
    return sparql.count("\n", 0, offset) + 1, offset - sparql.rfind("\n", 0, offset)


def _not_by_iri(sparql: str, word: Token) -> QueryRefusedError:
    return QueryRefusedError(
        f"{word.text.upper()} must name a graph by its absolute IRI in <...> on this endpoint "
        "(it serves one version of the data under the dataset's graph names; prefixed and "
        "relative names are not mapped)",
        *_line_column(sparql, word.offset),
    )


def _check_graph_variables(
    sparql: str, bare: str, words: Sequence[Token], slots: dict[int, str]
) -> None:
    """Refuse if a ``GRAPH ?g`` variable is used other than after GRAPH, in the top-level
    SELECT list (not inside an expression) or in the GROUP BY / ORDER BY at the end."""
    upper = [word.text.upper() for word in words]
    select_list = (0, 0)
    if "SELECT" in upper:
        first = words[upper.index("SELECT")].offset
        ends = [w.offset for w in words if w.offset > first and w.text.upper() == "WHERE"]
        brace = bare.find("{", first)
        select_list = (first, min([*ends[:1], brace if brace >= 0 else len(bare)]))
    tail = bare.rfind("}") + 1
    having = any(w.offset >= tail and w.text.upper() == "HAVING" for w in words)
    for match in _VARIABLE.finditer(bare):
        if match.group(1) not in slots.values():
            continue
        start = match.start()
        if start in slots:
            continue
        if select_list[0] <= start < select_list[1]:
            inside = bare[select_list[0] : start]
            if inside.count("(") == inside.count(")"):
                continue
        if start >= tail and not having:
            inside = bare[tail:start]
            if inside.count("(") == inside.count(")"):
                continue
        raise QueryRefusedError(
            f"?{match.group(1)} names a graph (GRAPH ?{match.group(1)}) and is used elsewhere "
            "in the query; on this endpoint a graph variable may only be selected, grouped "
            "or ordered by, not joined, compared or bound: the graphs of the version served "
            "are not stored under the dataset's names",
            *_line_column(sparql, start),
        )
