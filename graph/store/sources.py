"""The source of a published version: its data files, as text literals in its source graph.

A reader on another machine rebuilds exactly the version's dataset from them
(:func:`graph.publication.fetch_source`). The catalog records how many files a version has
(:mod:`graph.store.versions`); :func:`read_source_files` refuses a source graph that does not
hold exactly those, or names a file a reader should not write (a line break in its path,
more files or bytes than :data:`MAX_FILES` / :data:`MAX_BYTES`).
"""

from __future__ import annotations

from rdflib import Literal, URIRef
from rdflib.term import Node

from graph.errors import StoreError
from graph.store.base import Store, Triple
from graph.store.versions import CHUNKS, NO_GRAPH, PATH, TEXT, VersionRecord, source_graph

#: How big one text literal of a source file may grow (bytes of UTF-8).
CHUNK_BYTES = 1_000_000
#: The most data files, and bytes of them, a reader writes for one version.
MAX_FILES = 100_000
MAX_BYTES = 16 * 2**30


def source_file_triples(version: str, order: int, path: str, chunks: int) -> list[Triple]:
    """The source graph's record of data file number ``order`` (the events file is 0):
    its path relative to the events file and how many text chunks hold it."""
    node = URIRef(f"{source_graph(version)}/file/{order}")
    return [(node, URIRef(PATH), Literal(path)), (node, URIRef(CHUNKS), Literal(chunks))]


def source_chunk_triple(version: str, order: int, index: int, text: str) -> Triple:
    """Chunk ``index`` of data file ``order``, as a text literal (:func:`split_text`)."""
    return URIRef(f"{source_graph(version)}/file/{order}/{index}"), URIRef(TEXT), Literal(text)


def split_text(text: str, most: int = CHUNK_BYTES) -> list[str]:
    """``text`` in pieces of at most ``most`` UTF-8 bytes, cut after a line end (a longer
    line is cut where it must be).

    >>> split_text("a\\nbb\\nc", most=3)
    ['a\\n', 'bb\\n', 'c']
    """
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for line in text.splitlines(keepends=True):
        length = len(line.encode("utf-8"))
        if current and size + length > most:
            chunks.append("".join(current))
            current, size = [], 0
        while length > most:  # a line longer than a chunk
            head = line.encode("utf-8")[:most].decode("utf-8", "ignore")
            chunks.append(head)
            line = line[len(head) :]
            length = len(line.encode("utf-8"))
        current.append(line)
        size += length
    if current or not chunks:
        chunks.append("".join(current))
    return chunks


def read_source_files(store: Store, record: VersionRecord) -> list[tuple[str, int]]:
    """The data files of ``record``'s version, the events file first: ``(path relative to
    it, number of chunks)`` each (two one-pattern queries: Virtuoso refuses joins it
    estimates as slow)."""
    if record.source is None:
        raise StoreError(f"version {record.version} has no source graph in the catalog")
    found: dict[str, dict[str, Node]] = {}
    for predicate in (PATH, CHUNKS):
        rows = store.query(
            f"SELECT ?f ?o WHERE {{ GRAPH <{record.source}> {{ ?f <{predicate}> ?o }} }}",
            default_graphs=[NO_GRAPH],
            named_graphs=[record.source],
        ).rows
        for subject, value in rows:
            if value is not None:
                found.setdefault(str(subject), {})[predicate] = value
    try:
        files = sorted(
            (int(name.rsplit("/", 1)[1]), str(facts[PATH]), int(facts[CHUNKS].toPython()))  # type: ignore[attr-defined]
            for name, facts in found.items()
        )
    except (KeyError, ValueError, TypeError, AttributeError) as exc:
        raise StoreError(f"the source graph of version {record.version} is malformed") from exc
    _check_files(record, files)
    return [(path, chunks) for _, path, chunks in files]


def _check_files(record: VersionRecord, files: list[tuple[int, str, int]]) -> None:
    """The files are numbered 0.., as many as the catalog says, with writable names and
    within the caps."""
    expected = record.file_count if record.file_count is not None else len(files)
    if not files or [order for order, _, _ in files] != list(range(expected)):
        raise StoreError(f"the source graph of version {record.version} is incomplete")
    if len(files) > MAX_FILES or sum(chunks for _, _, chunks in files) * CHUNK_BYTES > MAX_BYTES:
        raise StoreError(f"the source of version {record.version} is larger than a reader takes")
    if any(not path or any(c in path for c in "\n\r\0") for _, path, _ in files):
        raise StoreError(f"the source of version {record.version} names a file badly")


def read_source_chunk(store: Store, record: VersionRecord, order: int, index: int) -> str:
    """The text of chunk ``index`` of data file ``order`` of ``record``'s version."""
    node = f"{record.source}/file/{order}/{index}"
    rows = store.query(
        f"SELECT ?text WHERE {{ GRAPH <{record.source}> {{ <{node}> <{TEXT}> ?text }} }}",
        default_graphs=[NO_GRAPH],
        named_graphs=[record.source or NO_GRAPH],
    ).rows
    if len(rows) != 1 or rows[0][0] is None:
        raise StoreError(f"the source graph of version {record.version} lacks {node}")
    return str(rows[0][0])
