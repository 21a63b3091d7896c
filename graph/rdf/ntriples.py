"""The triples of :mod:`graph.rdf.mapping` written straight as N-Triples text, record by record.

Building rdflib terms and converting them for the store costs about 40 s per 100 k events,
while pyoxigraph parses N-Triples in Rust at several hundred thousand triples a second.
:class:`NTriplesWriter` writes the mapping's triples as text, one record at a time, so a build
can stream them into a bulk load while validation is still reading (see
:mod:`graph.rdf.bulk`). Terms are formatted once where they repeat (vocabulary, dates,
decimals). A story's records go into its own named graph, as N-Quads (:mod:`graph.rdf.graphs`).
A test checks the graphs equal :func:`graph.rdf.build.build_dataset`'s.

>>> from pathlib import Path
>>> from graph.data.loader import load_dataset
>>> ds = load_dataset(Path(__file__).parents[2] / "tests" / "data" / "tiny.yaml")
>>> text = "".join(iter_ntriples(ds))
>>> text.splitlines()[0].split()[1:]
['<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>', '<http://rdfs.org/ns/void#Dataset>', '.']
>>> from graph.rdf.build import build_graph
>>> len(set(text.splitlines())) == len(build_graph(ds))
True
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import Any

from rdflib.namespace import XSD

from graph.data import AllenRelations, Dataset
from graph.rdf import graphs, mapping
from graph.rdf.nanopub import narrative_quads
from graph.rdf.scheme import Terms, Triple, canonical_decimal

_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
_XSD_DATE, _XSD_DATETIME = f"^^<{XSD.date}>", f"^^<{XSD.dateTime}>"
_XSD_DECIMAL = f"^^<{XSD.decimal}>"


def _escaped(text: str) -> str:
    """``text`` as the inside of a literal: most text has nothing to escape (looking is cheap)."""
    if "\\" in text or '"' in text or "\n" in text or "\r" in text:
        return text.translate(_ESCAPES)
    return text


@functools.lru_cache(maxsize=1 << 16)
def _decimal(value: Decimal) -> str:
    # Equal decimals (0.9, 0.90) have one canonical form, so the value is a safe cache key.
    return f'"{canonical_decimal(value)}"{_XSD_DECIMAL}'


class NTriplesTerms(Terms[str]):
    """Terms as N-Triples text."""

    def term(self, value: str) -> str:
        return f"<{value}>"

    def en(self, text: str) -> str:
        return f'"{_escaped(text)}"@en'

    def plain(self, text: str) -> str:
        return f'"{_escaped(text)}"'

    def day(self, value: dt.date | dt.datetime) -> str:
        day = value.date() if isinstance(value, dt.datetime) else value
        return f'"{day.isoformat()}"{_XSD_DATE}'

    def instant(self, value: dt.date | dt.datetime) -> str:
        if isinstance(value, dt.datetime):
            return f'"{value.isoformat()}"{_XSD_DATETIME}'
        return f'"{value.isoformat()}"{_XSD_DATE}'

    def decimal(self, value: Decimal) -> str:
        return _decimal(value)


class NTriplesWriter:
    """Writes records as N-Triples lines and hands them to ``write`` in chunks.

    Call :meth:`record` for every record as it is read (``dataset`` first, for the base
    IRI; ``story`` before the records of another story: see :mod:`graph.rdf.graphs`), then
    :meth:`finish` with the whole dataset for what needs all of it (lane order, links'
    temporal relations). A chunk is about ``chunk`` lines. The dataset's own graph goes to
    ``write`` as N-Triples; the named graphs of its stories, in chunks, and of its narratives
    (:mod:`graph.rdf.nanopub`), once at the end, go to ``write_quads`` as N-Quads (not
    written without it).
    """

    def __init__(
        self,
        write: Callable[[str], object],
        chunk: int = 4_000,
        write_quads: Callable[[str], object] | None = None,
    ) -> None:
        self.write = write
        self.write_quads = write_quads
        self.chunk = chunk
        self.lines: list[str] = []
        self.quad_lines: list[str] = []
        self.terms = NTriplesTerms("")
        self.reading = mapping.Reading()
        self.relations = AllenRelations()  # possible_allen_relations, fast

    def add(self, triples: Iterable[Triple[str]]) -> None:
        self.lines.extend([f"{s} {p} {o} .\n" for s, p, o in triples])

    def add_quads(self, triples: Iterable[Triple[str]], graph: str) -> None:
        self.quad_lines.extend([f"{s} {p} {o} {graph} .\n" for s, p, o in triples])

    def flush(self) -> None:
        if self.lines:
            self.write("".join(self.lines))
            self.lines.clear()
        if self.quad_lines:
            if self.write_quads is not None:
                self.write_quads("".join(self.quad_lines))
            self.quad_lines.clear()

    def _add_groups(self, groups: Iterable[graphs.Group[str]]) -> None:
        for graph, triples in groups:
            if graph is None:
                self.add(triples)
            else:
                self.add_quads(triples, graph)
            if len(self.lines) + len(self.quad_lines) >= self.chunk:
                self.flush()

    def record(self, section: str, record: Any) -> None:
        """Write the triples of one record of ``section`` (``dataset`` first, for the base
        IRI); links wait for :meth:`finish`."""
        if section == "dataset":
            self.terms = NTriplesTerms(record.base)
        self._add_groups(graphs.record_groups(self.terms, section, record, self.reading))

    def finish(self, dataset: Dataset) -> None:
        """The triples that need the whole dataset (lanes, links), in chunks; then flush."""
        closing = graphs.closing_groups(self.terms, dataset, self.relations, self.reading)
        for graph, triples in closing:
            if graph is None:
                lines, end = self.lines, " .\n"
            else:
                lines, end = self.quad_lines, f" {graph} .\n"
            for s, p, o in triples:
                lines.append(f"{s} {p} {o}{end}")
                if len(lines) >= self.chunk:
                    self.flush()
        self.flush()
        if self.write_quads is not None:
            self.write_quads(nquads(self.terms, dataset))


def write_dataset(writer: NTriplesWriter, dataset: Dataset) -> None:
    """Write every record of ``dataset`` with ``writer``, then finish it."""
    for section, record in graphs.dataset_records(dataset):
        writer.record(section, record)
    writer.finish(dataset)


def nquads(terms: NTriplesTerms, dataset: Dataset) -> str:
    """The named graphs of ``dataset``'s narratives as N-Quads text."""
    return "".join(f"{s} {p} {o} {g} .\n" for s, p, o, g in narrative_quads(terms, dataset))


def dataset_nquads(dataset: Dataset) -> str:
    """The named graphs of ``dataset``'s stories and narratives as N-Quads text (the records
    are written again: :func:`write_dataset` gives both at once)."""
    chunks: list[str] = []
    write_dataset(NTriplesWriter(lambda text: None, write_quads=chunks.append), dataset)
    return "".join(chunks)


def iter_ntriples(dataset: Dataset, chunk: int = 4_000) -> Iterator[str]:
    """The triples of ``dataset``'s own graph as N-Triples text, in chunks (see
    :class:`NTriplesWriter`); its other named graphs are :func:`dataset_nquads`."""
    chunks: list[str] = []
    writer = NTriplesWriter(chunks.append, chunk)
    for section, record in graphs.dataset_records(dataset):
        writer.record(section, record)
        yield from chunks
        chunks.clear()
    writer.finish(dataset)
    yield from chunks
