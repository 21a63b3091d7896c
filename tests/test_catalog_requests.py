"""What the catalog of a shared store costs in requests, counted on real servers
(support.counting: the real RemoteStore, every request answered by the server): a reader
reads the whole catalog once per poll and once per version change, a publisher's lease
confirms each write with one small query about its own lease, not a read of the catalog,
and a reader's /sparql checks a query's text in one pass, which its store reuses."""

from __future__ import annotations

import uuid

import pytest

from graph.errors import StoreError
from graph.publication import publish
from graph.store import guard, pinned
from graph.store.lease import Lease
from graph.store.versions import LEASE_UNTIL, read_catalog
from support.counting import counting_store

from .test_publish import (
    BASE,
    JSON_RESULTS,
    TINY_LABEL,
    emptied_server,  # noqa: F401 -- the fixture ``server``
    reader,
    relabel,
    store_of,
)


def test_a_reader_reads_the_catalog_once_per_poll_and_once_per_version_change(
    server, data, make_app, tmp_path
):
    store = store_of(server)
    publish(data, store)
    app = reader(make_app, server, tmp_path)
    follower, generations = app.extensions["ekg_follower"], app.extensions["ekg_generations"]
    counting = counting_store(server)
    follower.store = lambda: counting
    assert follower.check() == "unchanged"
    assert counting.counts()["catalog read"] == 1
    relabel(data, "Polled")
    second = publish(data, store).version
    counting.clear()
    assert follower.check() == "loaded" and generations.current.built.version == second
    assert counting.counts()["catalog read"] == 1  # the poll's read, handed to the build
    relabel(data, "Asked for")
    third = publish(data, store).version
    client = app.test_client()
    counting.clear()
    reloaded = client.post("/-/reload").get_json()
    assert reloaded["outcome"] == "loaded" and reloaded["version"] == third
    assert counting.counts()["catalog read"] == 1  # is_current's read, handed to the build
    counting.clear()
    assert client.post("/-/reload").get_json()["outcome"] == "unchanged"
    assert follower.check() == "unchanged"
    assert counting.counts()["catalog read"] == 2  # one each: nothing is kept between them
    status = client.get("/-/status").get_json()["follow"]
    assert status["catalog_version"] == third and status["outcome"] == "unchanged"


def lease_writes(sent: list[tuple[str, str]]) -> int:
    """The updates that take or renew the lease (a release only deletes)."""
    return sum(
        method == "update" and f"<{LEASE_UNTIL}>" in text and "INSERT" in text
        for method, text in sent
    )


def test_a_publish_confirms_each_lease_write_with_one_small_query(server, data):
    counting = counting_store(server)
    publish(data, counting)
    relabel(data, "Changed")
    counting.clear()
    assert publish(data, counting).outcome == "published"
    counts, writes = counting.counts(), lease_writes(counting.sent)
    # one read before the lease, one under it, one after the switch; none per lease write
    assert counts["catalog read"] == 3
    assert writes >= 3 and counts["lease check"] == writes  # taken, renewed per graph, ...


def test_a_lease_held_by_another_is_refused_with_its_end_in_two_small_queries(server, data):
    store = store_of(server)
    publish(data, store)
    first = Lease(store)
    first.take()
    counting = counting_store(server)
    with pytest.raises(StoreError, match="another ekg publish holds the catalog's lease") as e:
        Lease(counting).take()
    held = read_catalog(store).lease
    assert held is not None and held[0] == first.owner
    assert f" until {held[1].isoformat(timespec='seconds')} (store time)" in str(e.value)
    assert counting.counts()["catalog read"] == 0 and counting.counts()["lease check"] == 2
    first.renew()  # still its own
    first.release()
    assert read_catalog(store).lease is None


class Passes:
    """A compiled pattern that counts the passes made over a text with it."""

    def __init__(self, pattern) -> None:
        self.pattern, self.count = pattern, 0

    def finditer(self, *args):
        self.count += 1
        return self.pattern.finditer(*args)

    def sub(self, *args):
        self.count += 1
        return self.pattern.sub(*args)


def test_a_readers_sparql_reads_a_querys_text_once(server, data, make_app, tmp_path, monkeypatch):
    publish(data, store_of(server))
    app = reader(make_app, server, tmp_path)
    follower, generations = app.extensions["ekg_follower"], app.extensions["ekg_generations"]
    counting = counting_store(server)
    follower.store = lambda: counting
    generations.serve(follower.build())  # the same version, over the counting store
    client = app.test_client()
    scans = Passes(guard._LEXEME)
    clauses = Passes(pinned._OPAQUE)
    monkeypatch.setattr(guard, "_LEXEME", scans)
    monkeypatch.setattr(pinned, "_OPAQUE", clauses)
    event, graph = f"{BASE}event/opec-no-cut", f"{BASE}graph/tiny"
    fresh = f"# {uuid.uuid4().hex}: a text this thread has not scanned\n"
    for query, passes in (
        (f"{fresh}SELECT ?l WHERE {{ <{event}> rdfs:label ?l }}", (1, 0)),
        (f"{fresh}SELECT ?l WHERE {{ GRAPH <{graph}> {{ <{event}> rdfs:label ?l }} }}", (2, 2)),
    ):
        counting.clear()
        scans.count = clauses.count = 0
        answer = client.post("/sparql", data={"query": query}, headers=JSON_RESULTS)
        rows = answer.get_json()["results"]["bindings"]
        assert answer.status_code == 200 and [row["l"]["value"] for row in rows] == [TINY_LABEL]
        # the view's check, reused by the store; the clauses read (and the rewritten text
        # checked again) only for a query that has a GRAPH or FROM
        assert (scans.count, clauses.count) == passes, query
        assert counting.counts()["requests"] == 2  # the query and the version's serving check
    refused = client.post("/sparql", data={"query": "ASK { ?s bif:contains 'x' }"})
    assert refused.status_code == 400 and "bif:" in refused.get_json()["detail"]
