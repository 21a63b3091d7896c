"""Dropping a version from a shared store (:mod:`graph.store.versions`): mark, drop, forget."""

from __future__ import annotations

from rdflib import Literal

from graph.errors import StoreError
from graph.store.backends.remote import check_iri
from graph.store.versions import (
    CURRENT,
    LEASE_OWNER,
    ROOT,
    STATE,
    VERSIONS_GRAPH,
    VersionRecord,
    source_graph,
    version_iri,
)


def drop_updates(record: VersionRecord, owner: str, current: str | None) -> list[str]:
    """The updates that drop a version, in order: mark it ``dropping`` -- only if ``owner``
    holds the lease and the version is not the current one, which the publisher read as
    ``current`` (a reader checks the state after
    each query, so none trusts an answer from a half-dropped version) --, drop its graphs,
    delete its catalog entries. Each is safe to repeat after a kill; run the drops only if
    the mark holds (:func:`is_dropping_query`). A graph outside the version's names is
    refused (:class:`StoreError`): the catalog never makes the publisher drop other data."""
    graphs = record.all_graphs()
    for graph in graphs:  # the names go into update requests
        check_iri(graph)
    node = version_iri(record.version)
    if strays := [
        g for g in graphs if not g.startswith(f"{node}/") and g != source_graph(record.version)
    ]:
        raise StoreError(
            f"the catalog of versions is malformed: version {record.version} names graphs "
            f"outside its own ({', '.join(strays[:3])}); nothing was dropped"
        )
    forget = " ;\n".join(
        f"DELETE {{ GRAPH <{VERSIONS_GRAPH}> {{ <{s}> ?p ?o }} }} "
        f"WHERE {{ GRAPH <{VERSIONS_GRAPH}> {{ <{s}> ?p ?o }} }}"
        for s in [node, *graphs]
    )
    if current == record.version:
        raise StoreError(f"version {current} is the current one: it is never dropped")
    # one GRAPH block, its conditions as FILTERs: Virtuoso applied this update with the
    # lease or current-version pattern unmatched when each was a GRAPH block of its own
    current_is = (
        ""
        if current is None  # none current: nothing to keep (the lease keeps it so meanwhile)
        else f" . <{ROOT}> <{CURRENT}> ?current"
    )
    same = "" if current is None else f" && ?current = <{version_iri(current)}>"
    mark = (
        f"DELETE {{ GRAPH <{VERSIONS_GRAPH}> {{ <{node}> <{STATE}> ?s }} }} "
        f'INSERT {{ GRAPH <{VERSIONS_GRAPH}> {{ <{node}> <{STATE}> "dropping" }} }} '
        f"WHERE {{ GRAPH <{VERSIONS_GRAPH}> {{ <{node}> <{STATE}> ?s . "
        f"<{ROOT}> <{LEASE_OWNER}> ?holder{current_is} }} "
        f"FILTER(?holder = {Literal(owner).n3()}{same}) }}"
    )
    drops = " ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in graphs)
    return [mark, *([drops] if drops else []), forget]


def is_dropping_query(version: str) -> str:
    """An ASK that holds once ``version`` is marked ``dropping``."""
    return f'ASK {{ GRAPH <{VERSIONS_GRAPH}> {{ <{version_iri(version)}> <{STATE}> "dropping" }} }}'
