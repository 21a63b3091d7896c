"""The BASE_IRI setting: the IRI prefix of every resource, given to the RDF build instead of
the events file's ``dataset.base``; the query page learns it and where records' pages are."""

from __future__ import annotations

import json
import re

import pytest

from graph.data import check_base, read_dataset
from graph.errors import DataError
from graph.pipeline import build_knowledge_graph
from service.cli import main

BASE = "https://data.example.net/ekg/id/"


def test_the_build_writes_every_iri_under_the_base_setting(tiny_path, tmp_path):
    for built in (
        build_knowledge_graph(tiny_path, base=BASE),
        build_knowledge_graph(tiny_path, store_dir=tmp_path / "store", base=BASE),
    ):
        assert built.dataset.info.base == BASE
        events = built.store.query("SELECT ?e WHERE { ?e a sem:Event }").rows
        assert events and all(str(row[0]).startswith(BASE + "event/") for row in events)
        subjects = built.store.query(
            "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o "
            "FILTER STRSTARTS(STR(?s), 'http://example.org/ekg/id/') }"
        ).rows
        assert int(str(subjects[0][0])) == 0
        built.store.close()


def test_without_the_setting_the_file_base_stays(tiny_path):
    assert read_dataset(tiny_path).dataset.info.base == "http://example.org/ekg/id/"


@pytest.mark.parametrize("bad", ["urn:ekg:", "https://x.test/id", "ftp://x.test/", "not an iri/"])
def test_a_base_that_is_not_an_http_iri_ending_in_a_slash_or_hash_is_refused(tiny_path, bad):
    assert check_base(bad) is not None
    with pytest.raises(DataError, match="base IRI"):
        read_dataset(tiny_path, base=bad)


def test_the_cli_build_takes_the_flag_and_the_variable(runner, tiny_path):
    result = runner.invoke(
        main, ["export", "--data", str(tiny_path), "--format", "nt"], env={"EKG_BASE_IRI": BASE}
    )
    assert result.exit_code == 0, result.output
    assert f"<{BASE}event/" in result.output and "<http://example.org/ekg/id/" not in result.output
    result = runner.invoke(main, ["build", "--data", str(tiny_path), "--base-iri", "urn:x:"])
    assert result.exit_code == 1 and "not an http(s) IRI" in result.output


def page_config(client) -> dict:
    html = client.get("/sparql", headers={"Accept": "text/html"}).get_data(as_text=True)
    found = re.search(
        r'<script type="application/json" id="sparql-config">(.*?)</script>', html, re.S
    )
    assert found
    return json.loads(found.group(1))


def test_the_query_page_knows_the_base_and_the_record_pages(make_app, tiny_path):
    client = make_app(tiny_path, BASE_IRI=BASE).test_client()
    config = page_config(client)
    assert config["base"] == BASE
    assert config["pages"]["event"] == "/api/events/{id}"
    assert set(config["pages"]) == {"event", "story", "narrative"}
    event = client.get("/api/events").get_json()["events"][0]["id"]
    # the event IRI under the new base resolves on this host, to the event's page
    answer = client.get(f"/ekg/id/event/{event}")
    assert answer.status_code == 303 and answer.location.endswith(f"/api/events/{event}")
    page = client.get(
        config["pages"]["event"].replace("{id}", event), headers={"Accept": "text/html"}
    )
    assert page.status_code == 200 and page.content_type.startswith("text/html")


def test_the_example_queries_follow_the_base_and_still_answer(make_app, events_path):
    client = make_app(events_path, BASE_IRI=BASE).test_client()
    examples = {example["name"]: example["query"] for example in page_config(client)["examples"]}
    query = examples["causes-of-rate-hike"]
    assert "http://example.org/ekg/id/" not in query and f"<{BASE}event/" in query
    answer = client.post("/sparql", data={"query": query}, headers={"Accept": "application/json"})
    assert answer.status_code == 200
    assert answer.get_json()["results"]["bindings"], "the example finds the hike's causes"
