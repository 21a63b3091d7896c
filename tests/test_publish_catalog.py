"""A reader and a publisher against a catalog that is big, corrupt or shared: paged reads on
a Virtuoso capped at a few rows, counts recorded at the switch and checked, a corrupt
catalog refused without a traceback, a version dropped and published again, a cache folder
shared by processes, and what ``/-/status`` may say."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from graph.errors import StoreError
from graph.publication import cache_folder, fetch_source, open_published, publish
from graph.store.sources import read_source_files, source_file_triples
from graph.store.versions import NO_GRAPH, VERSIONS_GRAPH, VersionRecord, read_catalog
from service.cli.main import main
from support.servers import virtuoso_server

from .conftest import assert_problem
from .test_publish import (
    emptied_server,  # noqa: F401 -- the fixture ``server``
    every_graph,
    reader,
    relabel,
    sparql_label,
    store_of,
)

NS = "urn:x-ekg:versions#"
FEATURES = Path(__file__).parent / "data" / "features.yaml"


def insert(store, triples: str) -> None:
    store.update(f"INSERT DATA {{ GRAPH <{VERSIONS_GRAPH}> {{ {triples} }} }}")


def test_a_virtuoso_capped_at_20_rows_gives_the_whole_catalog(tmp_path):
    with virtuoso_server(tmp_path / "db", max_rows=20) as capped:
        store = store_of(capped)
        first = publish(FEATURES, store)
        copy = tmp_path / "data"
        shutil.copytree(FEATURES.parent, copy, ignore=shutil.ignore_patterns("*.ttl"))
        relabelled = copy / "features.yaml"
        relabelled.write_text(relabelled.read_text(encoding="utf-8") + "\n# again\n")
        second = publish(relabelled, store)
        catalog = read_catalog(store)
        record = catalog.current_record()
        assert catalog.current == second.version and set(catalog.versions) >= {first.version}
        assert len(record.graphs) == record.graph_count > 1 and record.source is not None
        count = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{VERSIONS_GRAPH}> {{ ?s ?p ?o }} }}"
        rows = store.query(count, default_graphs=[NO_GRAPH], named_graphs=[VERSIONS_GRAPH]).rows
        assert int(rows[0][0].toPython()) > 60  # more catalog rows than the server gives at once
        built = open_published(store, tmp_path / "cache")
        assert built.version == second.version


def test_a_record_short_of_its_graphs_is_refused(server, data):
    store = store_of(server)
    publish(data, store)
    record = read_catalog(store).current_record()
    graph = next(iter(record.graphs.values()))
    store.update(  # as a truncated read would give it
        f"DELETE WHERE {{ GRAPH <{VERSIONS_GRAPH}> {{ <{graph}> ?p ?o }} }}"
    )
    with pytest.raises(StoreError, match=r"lists 0 of its 1 graphs"):
        read_catalog(store)


def test_two_current_versions_are_a_corrupt_catalog(server, data, make_app, tmp_path):
    store = store_of(server)
    publish(data, store)
    app = reader(make_app, server, tmp_path)
    client = app.test_client()
    insert(store, f"<{NS}catalog> <{NS}current> <urn:x-ekg:version:0123456789abcdef> .")
    with pytest.raises(StoreError, match="names 2 current versions"):
        read_catalog(store)
    relabel(data, "Refused")
    with pytest.raises(StoreError, match="names 2 current versions"):
        publish(data, store)
    assert_problem(client.post("/-/reload"), 503)  # the reload failed: nothing swapped
    status = client.get("/-/status").get_json()
    assert status["follow"]["outcome"] == "failed"
    assert "malformed" in status["follow"]["detail"]
    assert sparql_label(client)[0].status_code == 200  # still serving its generation


def test_a_malformed_record_is_a_store_error_not_a_traceback(server, data, make_app, tmp_path):
    store = store_of(server)
    version = publish(data, store).version
    client = reader(make_app, server, tmp_path).test_client()
    insert(store, f"<urn:x-ekg:g> <{NS}graphOf> <urn:x-ekg:version:{version}> .")
    with pytest.raises(StoreError, match="malformed"):
        read_catalog(store)
    assert_problem(client.post("/-/reload"), 503)  # not a 500 with a traceback
    assert "malformed" in client.get("/-/status").get_json()["follow"]["detail"]


def test_a_publisher_never_drops_a_graph_outside_a_versions_names(server, data):
    store = store_of(server)
    publish(data, store)
    store.update('INSERT DATA { GRAPH <http://example.org/keep> { <urn:a> <urn:b> "c" } }')
    insert(
        store,
        f'<urn:x-ekg:version:00000000deadbeef> <{NS}state> "pending" . '
        f"<http://example.org/keep> <{NS}graphOf> <urn:x-ekg:version:00000000deadbeef> ; "
        f'<{NS}name> <http://example.org/keep> ; <{NS}role> "data" .',
    )
    relabel(data, "Refused")
    with pytest.raises(StoreError, match="outside its own"):
        publish(data, store)
    assert "http://example.org/keep" in every_graph(server)


def test_a_version_dropped_and_published_again_is_served_again(server, data, make_app, tmp_path):
    store = store_of(server)
    original = data.read_text(encoding="utf-8")
    first = publish(data, store).version
    client = reader(make_app, server, tmp_path).test_client()
    for label in ("two", "three"):
        relabel(data, label)
        publish(data, store, retention=0)
    assert first not in read_catalog(store).versions
    assert_problem(sparql_label(client)[0], 503)
    data.write_text(original, encoding="utf-8")
    assert publish(data, store).version == first  # uploaded again: another upload id
    assert client.post("/-/reload").get_json()["outcome"] == "loaded"
    answer, labels = sparql_label(client)
    assert answer.status_code == 200 and labels == ["OPEC decides not to cut output"]


def test_the_status_never_shows_the_stores_address(server, make_app, tmp_path):
    with pytest.raises(StoreError) as raised:
        reader(make_app, server, tmp_path)
    assert "127.0.0.1" not in str(raised.value) and "run `ekg publish` first" in str(raised.value)


def test_the_cache_is_kept_per_store(server, data, tmp_path):
    store = store_of(server)
    publish(data, store)
    record = read_catalog(store).current_record()
    top = fetch_source(store, record, tmp_path / "cache")
    assert top.is_relative_to(cache_folder(tmp_path / "cache", store))
    other = store_of(server)
    other.endpoint += "?another"
    assert cache_folder(tmp_path / "cache", other) != cache_folder(tmp_path / "cache", store)


SHARED = """
import sys
from graph.publication import open_published, prune_cache
from graph.store.backends.remote import RemoteStore
from graph.store.versions import read_catalog
store = RemoteStore(sys.argv[1], timeout=30)
for _ in range(15):
    catalog = read_catalog(store)
    open_published(store, sys.argv[2], catalog.current_record())
    prune_cache(store, sys.argv[2], [], grace=0)  # the worst: prunes everything it can
print("ok")
"""


def test_processes_sharing_a_cache_folder_never_trip_over_each_other(server, data, tmp_path):
    publish(data, store_of(server))
    script = tmp_path / "shared.py"
    script.write_text(SHARED)
    command = [sys.executable, str(script), server.query_url, str(tmp_path / "cache")]
    root = str(Path(__file__).resolve().parent.parent)
    runs = [
        subprocess.Popen(command, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    for run in runs:
        out, err = run.communicate(timeout=300)
        assert run.returncode == 0 and out.strip() == b"ok", err.decode()[-2000:]


def test_a_source_file_named_badly_is_refused_and_dot_files_is_just_a_name(server, tmp_path):
    store = store_of(server)
    source = "urn:x-ekg:version:00000000000000aa#source"
    record = VersionRecord("00000000000000aa", "published", source=source, file_count=1)
    store.upload(source, source_file_triples(record.version, 0, "a\nb.yaml", 1))
    with pytest.raises(StoreError, match="names a file badly"):
        read_source_files(store, record)
    store.update(f"DROP SILENT GRAPH <{source}>")
    store.upload(source, source_file_triples(record.version, 0, ".files", 1))
    assert read_source_files(store, record) == [(".files", 1)]
    too_many = VersionRecord(record.version, "published", source=source, file_count=2)
    with pytest.raises(StoreError, match="incomplete"):  # the catalog says two
        read_source_files(store, too_many)
    store.update(f"DROP SILENT GRAPH <{source}>")
    store.upload(source, [(*source_file_triples(record.version, 0, "big.yaml", 1)[0],)])
    store.upload(source, [source_file_triples(record.version, 0, "big.yaml", 10**6)[1]])
    with pytest.raises(StoreError, match="larger than a reader takes"):
        read_source_files(store, record)


def test_ekg_publish_has_its_own_timeout(runner, data, monkeypatch):
    seen = []

    def fake(path, store, **options):
        seen.append(store.timeout)
        raise StoreError("stop here")

    monkeypatch.setattr("service.cli.publish.publish", fake)
    args = ["publish", "--data", str(data), "--sparql-endpoint", "http://127.0.0.1:9/q"]
    runner.invoke(main, args)
    runner.invoke(main, [*args, "--timeout", "42"])
    assert seen == [300.0, 42.0]
