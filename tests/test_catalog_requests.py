"""What the catalog of a shared store costs in requests, counted on real servers
(support.counting: the real RemoteStore, every request answered by the server): a reader
reads the whole catalog once per poll and once per version change, and a publisher's lease
confirms each write with one small query about its own lease, not a read of the catalog."""

from __future__ import annotations

import pytest

from graph.publication import publish
from support.counting import counting_store

from .conftest import LAUNCHERS
from .test_publish import reader, relabel, store_of, wipe


@pytest.fixture(params=list(LAUNCHERS))
def server(request, sparql_servers):
    """A server of each kind, emptied of every graph."""
    found = sparql_servers[request.param]
    wipe(found)
    return found


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
