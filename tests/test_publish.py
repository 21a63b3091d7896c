"""One publisher, many readers (graph.publication, graph.store.versions, service.runtime.follow)
on real SPARQL servers: ekg publish is the only writer, a reader serves the catalog's current
version from its graphs alone, follows the catalog, and never writes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from graph.errors import StoreError, ValidationError
from graph.publication import cache_folder, open_published, publish
from graph.store.backends.remote import RemoteStore
from graph.store.sources import read_source_files, split_text
from graph.store.versions import VERSIONS_GRAPH, read_catalog
from service.cli.main import main
from support.servers import free_port

from .conftest import LAUNCHERS, assert_problem

BASE = "http://example.org/ekg/id/"
TINY_LABEL = "OPEC decides not to cut output"
JSON_RESULTS = {"Accept": "application/sparql-results+json"}


@pytest.fixture(params=list(LAUNCHERS), name="server")
def emptied_server(request, sparql_servers):
    """``server``: a server of each kind, emptied of every graph (the publish and reader
    suites import it)."""
    found = sparql_servers[request.param]
    wipe(found)
    return found


def wipe(server):
    store = store_of(server)
    for graph in every_graph(server):
        if graph.startswith("urn:x-ekg:") or graph.startswith("http://example.org/"):
            store.update(f"DROP SILENT GRAPH <{graph}>")


def store_of(server, **options):
    return RemoteStore(
        server.query_url,
        update_endpoint=server.update_url,
        store_endpoint=server.store_url,
        timeout=30,
        **options,
    )


def every_graph(server) -> set[str]:
    """Every named graph on the server holding a triple (asked without any catalog)."""
    body = urllib.parse.urlencode({"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"})
    request = urllib.request.Request(server.query_url, body.encode(), JSON_RESULTS)
    with urllib.request.urlopen(request, timeout=30) as response:
        rows = json.load(response)["results"]["bindings"]
    return {row["g"]["value"] for row in rows}


def ours(server) -> set[str]:
    return {g for g in every_graph(server) if g.startswith("urn:x-ekg:")}


def quads(server) -> int:
    body = urllib.parse.urlencode(
        {"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"}
    )
    request = urllib.request.Request(server.query_url, body.encode(), JSON_RESULTS)
    with urllib.request.urlopen(request, timeout=30) as response:
        return int(json.load(response)["results"]["bindings"][0]["n"]["value"])


def relabel(path: Path, label: str) -> None:
    text = path.read_text(encoding="utf-8")
    start = text.index("  - id: opec-no-cut\n    label: ") + len("  - id: opec-no-cut\n    label: ")
    end = text.index("\n", start)
    path.write_text(text[:start] + label + text[end:], encoding="utf-8")


def reader(make_app, server, tmp_path, **overrides):
    """A reader's app, given only the query endpoint (readers never write)."""
    settings = {
        "BACKEND": "sparql",
        "SPARQL_ENDPOINT": server.query_url,
        "CACHE_DIR": tmp_path / "cache",
        "FOLLOW_INTERVAL": 0.0,
        **overrides,
    }
    return make_app(tmp_path / "absent.yaml", **settings)


def sparql_label(client, event="opec-no-cut"):
    answer = client.post(
        "/sparql",
        data={"query": f"SELECT ?l WHERE {{ <{BASE}event/{event}> rdfs:label ?l }}"},
        headers=JSON_RESULTS,
    )
    return answer, [
        row["l"]["value"] for row in answer.get_json()["results"]["bindings"]
    ] if answer.status_code == 200 else None


# -- ekg publish -------------------------------------------------------------------------------


def test_publish_switches_the_catalog_once_and_an_unchanged_publish_writes_nothing(server, data):
    store = store_of(server)
    first = publish(data, store)
    assert first.outcome == "published" and first.previous is None
    catalog = read_catalog(store)
    record = catalog.current_record()
    assert catalog.current == first.version and record.state == "published"
    assert record.published_at is not None and record.published_at.tzinfo is not None
    assert all(
        graph.startswith(f"urn:x-ekg:version:{first.version}/") for graph in record.graphs.values()
    )
    before = quads(server)
    again = publish(data, store)
    assert again.outcome == "unchanged" and quads(server) == before
    relabel(data, "OPEC keeps output")
    second = publish(data, store)
    catalog = read_catalog(store)
    assert catalog.current == second.version and second.previous == first.version
    assert catalog.versions[first.version].retired_at is not None  # kept: the previous one


def test_publishing_a_retained_version_again_switches_back_without_uploading(server, data):
    store = store_of(server)
    first = publish(data, store).version
    original = data.read_text(encoding="utf-8")
    relabel(data, "Second")
    second = publish(data, store).version
    data.write_text(original, encoding="utf-8")
    before = quads(server)
    back = publish(data, store, retention=0)
    assert (back.version, back.previous, back.triples) == (first, second, 0)
    catalog = read_catalog(store)
    record = catalog.versions[first]
    assert catalog.current == first and record.state == "published"
    assert record.retired_at is None and catalog.versions[second].retired_at is not None
    assert record.triples and quads(server) == before  # retire times traded, nothing uploaded
    with pytest.raises(StoreError, match="base IRI"):
        relabel(data, "Second")
        publish(data, store, base="http://example.org/other/")


def test_the_cli_publishes_and_refuses_bad_data_with_file_and_line(server, data, runner):
    options = ["--sparql-endpoint", server.query_url, "--sparql-update-endpoint", server.update_url]
    done = runner.invoke(main, ["publish", "--data", str(data), *options])
    assert done.exit_code == 0, done.output
    assert done.output.startswith("published version ")
    before = quads(server)
    data.write_text(
        data.read_text(encoding="utf-8").replace("date: 2014-11-27", "date: 2014-13-45")
    )
    refused = runner.invoke(main, ["publish", "--data", str(data), *options])
    assert refused.exit_code == 1
    assert "events.yaml:" in refused.output and "Error:" in refused.output
    assert quads(server) == before
    same = runner.invoke(main, ["publish", "--data", str(data).replace("events", "none"), *options])
    assert same.exit_code == 1


def test_a_publish_killed_midway_leaves_the_current_version_and_no_orphans(
    server, data, monkeypatch
):
    store = store_of(server, chunk_size=40)
    first = publish(data, store)
    graphs = ours(server)
    relabel(data, "Killed midway")
    real_upload = RemoteStore.upload
    calls = []

    def dies(self, graph, chunk):
        calls.append(graph)
        if len(calls) == 3:
            raise KeyboardInterrupt  # as a kill would stop it
        real_upload(self, graph, chunk)

    monkeypatch.setattr(RemoteStore, "upload", dies)
    with pytest.raises(KeyboardInterrupt):
        publish(data, store)
    monkeypatch.setattr(RemoteStore, "upload", real_upload)
    catalog = read_catalog(store)
    assert catalog.current == first.version
    assert [r.state for r in catalog.versions.values() if r.version != first.version] == ["pending"]
    relabel(data, "Published after the kill")
    third = publish(data, store)
    catalog = read_catalog(store)
    published = {v for v, record in catalog.versions.items() if record.state == "published"}
    assert published == {first.version, third.version}  # the killed one: dropped, record kept
    expected = {*graphs, *catalog.versions[third.version].all_graphs(), VERSIONS_GRAPH}
    assert ours(server) == expected


def test_retention_drops_old_versions_but_keeps_the_previous_one(server, data):
    store = store_of(server)
    versions = []
    for label in ("one", "two", "three"):
        relabel(data, label)
        versions.append(publish(data, store, retention=0).version)
    catalog = read_catalog(store)
    assert set(catalog.versions) == set(versions[1:])
    assert not [g for g in ours(server) if versions[0] in g]
    relabel(data, "four")
    publish(data, store, retention=3600)
    assert set(read_catalog(store).versions) == {*versions[1:], read_catalog(store).current}


def test_source_files_rebuild_the_same_version_and_are_checked(server, data, tmp_path):
    comments = "".join(f"# line {n}: ünïcode and more text to fill it\r\n" for n in range(30_000))
    data.write_text(data.read_text(encoding="utf-8") + comments, encoding="utf-8")
    store = store_of(server)
    published = publish(data, store)
    record = read_catalog(store).current_record()
    assert read_source_files(store, record) == [("events.yaml", 2)]  # 1.4 MB: two chunks
    built = open_published(store, tmp_path / "cache")
    assert built.version == published.version
    cached = cache_folder(tmp_path / "cache", store) / published.version / "data" / "events.yaml"
    assert cached.read_bytes() == data.read_bytes()
    cached.write_text("tampered")
    shutil.rmtree(
        cached.parents[1] / "snapshot"
    )  # (else the snapshot serves: tests/test_reader_cache.py)
    assert open_published(store, tmp_path / "cache").version == published.version  # fetched again
    assert cached.read_bytes() == data.read_bytes()


def test_includes_travel_with_the_version(server, tmp_path):
    folder = tmp_path / "a"
    shutil.copytree(Path(__file__).parent / "data" / "multi", folder)
    store = store_of(server)
    published = publish(folder / "events.yaml", store)
    cached = cache_folder(tmp_path / "cache", store) / published.version / "data"
    assert open_published(store, tmp_path / "cache").version == published.version
    assert (cached / "stories" / "oil.yaml").read_bytes() == (
        folder / "stories" / "oil.yaml"
    ).read_bytes()
    (folder / "stories" / "oil.yaml").rename(tmp_path / "oil.yaml")
    top = folder / "events.yaml"
    top.write_text(top.read_text().replace("- stories/oil.yaml", "- ../oil.yaml"))
    with pytest.raises(ValidationError, match="problems"):  # includes stay in its folder
        publish(top, store)
    assert read_catalog(store).current == published.version


def test_split_text_keeps_every_byte_in_small_pieces():
    text = "".join(f"line {n} ü\n" for n in range(1000)) + "no end"
    pieces = split_text(text, most=100)
    assert "".join(pieces) == text
    assert all(len(p.encode()) <= 100 for p in pieces)
    assert all(p.endswith("\n") for p in pieces[:-1])


# -- the reader ---------------------------------------------------------------------------------


def test_a_reader_of_an_empty_catalog_says_to_publish_first(server, make_app, tmp_path):
    with pytest.raises(StoreError, match="run `ekg publish` first"):
        reader(make_app, server, tmp_path)
    command = [sys.executable, "-m", "service.cli", "serve", "--port", str(free_port())]
    command += ["--sparql-endpoint", server.query_url, "--cache-dir", str(tmp_path / "c")]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "run `ekg publish` first" in done.stderr and "Traceback" not in done.stderr


def test_a_reader_serves_its_version_follows_the_catalog_and_never_writes(
    server, data, make_app, tmp_path
):
    store = store_of(server)
    first = publish(data, store).version
    before = quads(server)
    app = reader(make_app, server, tmp_path)
    client = app.test_client()
    event = client.get("/api/events/opec-no-cut")
    assert event.headers["EKG-Version"] == first
    assert event.get_json()["label"] == TINY_LABEL
    answer, labels = sparql_label(client)
    assert answer.headers["EKG-Version"] == first and labels == [TINY_LABEL]
    everything = client.post(  # no other version's graph, no source graph, no catalog
        "/sparql",
        data={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"},
        headers=JSON_RESULTS,
    ).get_json()["results"]["bindings"]
    assert {row["g"]["value"] for row in everything} == {"http://example.org/ekg/id/graph/tiny"}
    assert client.post("/-/reload").get_json()["outcome"] == "unchanged"
    assert quads(server) == before
    relabel(data, "OPEC holds output")
    second = publish(data, store).version
    after_publish = quads(server)
    status = client.get("/-/status").get_json()
    assert status["version"] == first
    reloaded = client.post("/-/reload").get_json()
    assert reloaded["outcome"] == "loaded" and reloaded["version"] == second
    event = client.get("/api/events/opec-no-cut")
    assert (
        event.headers["EKG-Version"] == second and event.get_json()["label"] == "OPEC holds output"
    )
    assert sparql_label(client)[1] == ["OPEC holds output"]
    status = client.get("/-/status").get_json()
    assert status["follow"]["catalog_version"] == second and status["follow"]["catalog_read_at"]
    page = client.get("/-/status?format=html").get_data(as_text=True)
    assert "status-catalog-version" in page and second in page
    assert quads(server) == after_publish


def test_a_reader_follows_by_polling(server, data, make_app, tmp_path):
    import time

    store = store_of(server)
    publish(data, store)
    app = reader(make_app, server, tmp_path, FOLLOW_INTERVAL=0.2)
    client = app.test_client()
    client.get("/health")  # starts the follower
    relabel(data, "Polled")
    second = publish(data, store).version
    before = quads(server)
    deadline = time.monotonic() + 20
    while client.get("/api/events/opec-no-cut").headers.get("EKG-Version") != second:
        assert time.monotonic() < deadline, "the reader did not follow the catalog"
        time.sleep(0.1)
    time.sleep(1)  # a few more polls
    assert quads(server) == before  # polling, building and swapping wrote nothing
    assert client.get("/-/status").get_json()["follow"]["outcome"] in ("loaded", "unchanged")


def test_a_reader_whose_version_was_dropped_answers_503_not_empty(server, data, make_app, tmp_path):
    store = store_of(server)
    first = publish(data, store).version
    app = reader(make_app, server, tmp_path)
    client = app.test_client()
    for label in ("two", "three"):
        relabel(data, label)
        publish(data, store, retention=0)
    assert first not in read_catalog(store).versions
    assert_problem(sparql_label(client)[0], 503)
    assert client.get("/api/events/opec-no-cut").status_code == 200  # JSON from its dataset
    client.post("/-/reload")
    answer, labels = sparql_label(client)
    assert answer.status_code == 200 and labels == ["three"]


def test_a_readers_queries_see_only_its_version_under_the_datasets_graph_names(
    server, data, make_app, tmp_path
):
    store = store_of(server)
    publish(data, store)
    relabel(data, "Newer")
    publish(data, store)  # two versions in the store now; the reader is on the newer
    client = reader(make_app, server, tmp_path).test_client()
    graph, event = f"{BASE}graph/tiny", f"{BASE}event/opec-no-cut"
    for form in (
        {"query": f"SELECT ?l FROM <{graph}> WHERE {{ <{BASE}event/opec-no-cut> rdfs:label ?l }}"},
        {"query": f"SELECT ?l WHERE {{ GRAPH <{graph}> {{ <{event}> rdfs:label ?l }} }}"},
        {
            "query": f"SELECT ?l WHERE {{ <{BASE}event/opec-no-cut> rdfs:label ?l }}",
            "default-graph-uri": graph,
        },
    ):
        answer = client.post("/sparql", data=form, headers=JSON_RESULTS)
        rows = answer.get_json()["results"]["bindings"]
        assert [row["l"]["value"] for row in rows] == ["Newer"], form
    for hidden in ("urn:x-ekg:versions", *read_catalog(store).current_record().all_graphs()):
        for query in (
            f"SELECT * FROM <{hidden}> WHERE {{ ?s ?p ?o }} LIMIT 1",
            f"SELECT * FROM NAMED <{hidden}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} LIMIT 1",
            f"SELECT * WHERE {{ GRAPH <{hidden}> {{ ?s ?p ?o }} }} LIMIT 1",
        ):
            answer = client.post("/sparql", data={"query": query}, headers=JSON_RESULTS)
            assert answer.get_json()["results"]["bindings"] == [], query
