"""Concurrent publishers on real SPARQL servers: the catalog's lease (graph.store.lease), the
conditional switch and drop, the store's clock. Two publishes interleaved at the dangerous
points never break the current version or wedge the store, and leave no orphan graphs after
the next publish."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from graph.errors import StoreError
from graph.publication import publish
from graph.store.backends.remote import RemoteStore
from graph.store.dropping import drop_updates
from graph.store.lease import Lease, store_clock
from graph.store.versions import (
    LEASE_UNTIL,
    ROOT,
    VERSIONS_GRAPH,
    Switch,
    read_catalog,
    switch_update,
)

from .test_publish import (
    emptied_server,  # noqa: F401 -- the fixture ``server``
    ours,
    relabel,
    store_of,
)


def other_copy(data, label):
    """A second data folder, as another publisher's machine would have."""
    other = data.parent / f"other-{label}" / "events.yaml"
    other.parent.mkdir()
    other.write_text(data.read_text(encoding="utf-8"))
    relabel(other, label)
    return other


def assert_whole(server, store, version):
    """``version`` is current, its record whole, and the store holds only graphs the
    catalog names."""
    catalog = read_catalog(store)
    record = catalog.current_record()
    assert catalog.current == version and record.state == "published"
    assert len(record.graphs) == record.graph_count and record.source is not None
    named = {g for r in catalog.versions.values() for g in r.all_graphs()}
    assert ours(server) <= {*named, VERSIONS_GRAPH}


@pytest.mark.parametrize("point", ["upload", "switch"])
def test_a_publish_started_while_another_runs_fails_and_breaks_nothing(
    server, data, monkeypatch, point
):
    store = store_of(server, chunk_size=40)
    publish(data, store)
    relabel(data, "A's label")
    other = other_copy(data, "B's label")
    failures = []

    def second_publish():
        if not failures:
            failures.append(0)  # once
            with pytest.raises(StoreError, match="another ekg publish holds the catalog's lease"):
                publish(other, store_of(server))
            failures[0] = 1

    real_upload, real_update = RemoteStore.upload, RemoteStore.update

    def upload(self, graph, chunk):
        if point == "upload":
            second_publish()
        real_upload(self, graph, chunk)

    def update(self, text):
        if point == "switch" and "<urn:x-ekg:versions#current>" in text and "DELETE" in text:
            second_publish()  # between A's last upload and its switch
        real_update(self, text)

    monkeypatch.setattr(RemoteStore, "upload", upload)
    monkeypatch.setattr(RemoteStore, "update", update)
    a = publish(data, store)
    monkeypatch.undo()
    assert failures == [1]
    assert_whole(server, store, a.version)
    assert read_catalog(store).lease is None  # given up at the end
    b = publish(other, store)  # B again, now that A is done
    assert_whole(server, store, b.version)


def test_a_publisher_whose_lease_expired_cannot_switch_and_leaves_no_orphans(
    server, data, monkeypatch
):
    store = store_of(server, chunk_size=40)
    first = publish(data, store).version
    relabel(data, "A stalled")
    other = other_copy(data, "B took over")
    leases: list[Lease] = []
    real_take, real_upload = Lease.take, RemoteStore.upload
    done = []

    def take(self):
        leases.append(self)
        real_take(self)

    def upload(self, graph, chunk):
        if not done:  # A stalls past its lease: B takes it, drops A's pending, publishes
            done.append(1)
            expire(store)
            done.append(publish(other, store_of(server)).version)
            leases[0]._renewed = 0.0  # A's next renewal is due: it finds the lease lost
        real_upload(self, graph, chunk)  # A's request in flight lands after B's drop

    monkeypatch.setattr(Lease, "take", take)
    monkeypatch.setattr(RemoteStore, "upload", upload)
    with pytest.raises(StoreError, match="lost the catalog's lease"):
        publish(data, store)
    monkeypatch.undo()
    b = done[1]
    catalog = read_catalog(store)
    assert catalog.current == b and catalog.versions[first].state == "published"
    relabel(data, "C after both")
    c = publish(data, store).version
    assert_whole(server, store, c)
    named = {g for r in read_catalog(store).versions.values() for g in r.all_graphs()}
    assert ours(server) == {*named, VERSIONS_GRAPH}  # A's late graph dropped with its record


def expire(store):
    """Make whatever lease the catalog holds expired long ago."""
    store.update(
        f"DELETE {{ GRAPH <{VERSIONS_GRAPH}> {{ <{ROOT}> <{LEASE_UNTIL}> ?u }} }} "
        f'INSERT {{ GRAPH <{VERSIONS_GRAPH}> {{ <{ROOT}> <{LEASE_UNTIL}> "2000-01-01T00:00:00Z"'
        f"^^<http://www.w3.org/2001/XMLSchema#dateTime> }} }} "
        f"WHERE {{ GRAPH <{VERSIONS_GRAPH}> {{ <{ROOT}> <{LEASE_UNTIL}> ?u }} }}"
    )


def test_a_lease_left_by_a_killed_publish_blocks_until_it_expires(server, data, monkeypatch):
    store = store_of(server, chunk_size=40)
    first = publish(data, store).version
    relabel(data, "Killed")
    monkeypatch.setattr(Lease, "release", lambda self: None)  # killed: nothing gives it up

    def dies(self, graph, chunk):
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(RemoteStore, "upload", dies)
        with pytest.raises(KeyboardInterrupt):
            publish(data, store, lease=2.0)
    relabel(data, "Next")
    with pytest.raises(StoreError, match="another ekg publish holds the catalog's lease until"):
        publish(data, store)
    assert read_catalog(store).current == first
    deadline = time.monotonic() + 30
    while read_catalog(store).lease[1] >= store_clock(store):
        assert time.monotonic() < deadline
        time.sleep(0.5)
    result = publish(data, store)  # the lease expired: taken, the killed pending dropped
    assert_whole(server, store, result.version) and result.previous == first


def test_the_switch_and_the_drop_mark_are_conditional(server, data):
    store = store_of(server)
    first = publish(data, store).version
    relabel(data, "Second")
    second = publish(data, store).version
    record = read_catalog(store).current_record()
    lease = Lease(store)
    lease.take()
    stale = Switch(first, store_clock(store), [], {}, None, lease.owner, previous=first)
    store.update(switch_update(stale))  # the current one is no longer ``first``
    assert read_catalog(store).current == second
    thief = Switch(first, store_clock(store), [], {}, None, "not-the-owner", previous=second)
    store.update(switch_update(thief))  # without the lease
    assert read_catalog(store).current == second
    with pytest.raises(StoreError, match="is the current one"):
        drop_updates(record, lease.owner, second)
    store.update(drop_updates(catalog_record(store, first), "not-the-owner", second)[0])
    assert catalog_record(store, first).state == "published"  # without the lease
    assert read_catalog(store).current_record().state == "published"
    rollback = Switch(first, store_clock(store), [], {}, None, lease.owner, previous=second)
    store.update(switch_update(rollback))
    assert read_catalog(store).current == first
    lease.release()


def catalog_record(store, version):
    return read_catalog(store).versions[version]


def test_times_are_the_stores_clock(server, data, monkeypatch):
    store = store_of(server)
    ahead = store_clock(store) + dt.timedelta(hours=5)  # a store far from this machine
    monkeypatch.setattr(
        "graph.publication.publisher.store_clock", lambda _store: ahead.replace(microsecond=0)
    )
    publish(data, store)
    assert read_catalog(store).current_record().published_at == ahead.replace(microsecond=0)
    relabel(data, "Later")
    publish(data, store, retention=3600)
    relabel(data, "Latest")
    publish(data, store, retention=3600)  # retired 5 h "ahead" is within the hour, by it
    assert len(read_catalog(store).versions) == 3
