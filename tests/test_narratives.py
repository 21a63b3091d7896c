"""Whose account: /api/narratives, the `lens` of every analysis and of the timeline, the
narrative filter of /api/links, and the CLI's --lens -- one default (evidence) everywhere."""

from __future__ import annotations

import pytest

from graph.causal import analyze_effects, apply_lens, build_causal_graph, compare_lenses
from graph.errors import UnknownLensError
from service.cli import main

from .conftest import assert_problem

UFSA = "ufsa-passed-by-congress"
HIKE = "cbr-hike-to-17"
UFSA_SUPPORTED_EFFECTS = {"white-house-says-obama-will-sign-ufsa", "ufsa-signed-into-law"}


def descendants(client, event: str, query: str = "") -> set[str]:
    body = client.get(f"/api/effects/{event}?{query}").get_json()
    return {reach["event"] for reach in body["descendants"]}


def test_narratives_list_each_account_with_its_links_by_status(real_client, real):
    body = real_client.get("/api/narratives").get_json()
    assert body["count"] == len(real.narratives) == 3
    accounts = {n["id"]: n for n in body["narratives"]}
    article = accounts["seed-article"]
    assert article["asserted_by"] == [
        {"id": "seed-article", "label": "Russia is under full scale attack", "type": "publication"}
    ]
    assert article["links_by_status"] == {
        "supported": 16,
        "qualified": 5,
        "contested": 1,
        "unsupported": 6,
    }
    assert article["link_count"] == 28
    assert accounts["guriev"]["links_by_status"]["qualified"] == 2
    assert [lens["id"] for lens in body["lenses"]] == [
        "evidence",
        "all",
        "seed-article",
        "guriev",
        "bank-of-russia",
    ]


def test_one_narrative_lists_its_links_with_the_sources_against_them(real_client):
    body = real_client.get("/api/narratives/seed-article").get_json()
    links = {link["id"]: link for link in body["links"]}
    assert len(links) == body["link_count"] == 28
    c12 = links["ufsa-designed-to-collapse-ruble"]
    assert c12["status"] == "unsupported" and "seed-article" in c12["narratives"]
    assert {s["publisher"] for s in c12["disputed_by"]} >= {"Greenberg Traurig", "Reuters"}
    disputed = [link for link in links.values() if link["status"] in ("contested", "unsupported")]
    assert len(disputed) >= 6 and all(link["disputed_by"] for link in disputed)


@pytest.mark.parametrize("lens", ["evidence", "all", "nope"])
def test_a_lens_is_not_a_narrative(real_client, lens):
    response = real_client.get(f"/api/narratives/{lens}")
    assert assert_problem(response, 404)["type"].endswith("unknown-lens")


def test_unknown_lens_is_a_404_problem_naming_the_lenses(real_client):
    response = real_client.get(f"/api/effects/{UFSA}?lens=nobody")
    body = assert_problem(response, 404)
    assert body["type"].endswith("unknown-lens")
    assert "seed-article" in body["detail"] and "evidence" in body["detail"]


def test_every_lens_changes_what_the_analyses_follow(real_client):
    """The issue's UFSA case: 2 supported effects as the evidence shows it; the contested path
    (UFSA -> Black Monday -> the 17 % hike -> ...) as the article tells it."""
    evidence = descendants(real_client, UFSA)
    assert evidence == descendants(real_client, UFSA, "lens=evidence") == UFSA_SUPPORTED_EFFECTS
    article = descendants(real_client, UFSA, "lens=seed-article")
    assert {"ruble-black-monday", HIKE, "ruble-black-tuesday"} <= article
    assert not article & UFSA_SUPPORTED_EFFECTS  # the article does not assert those links
    assert descendants(real_client, UFSA, "lens=all") == evidence | article
    assert descendants(real_client, UFSA, "lens=guriev") == set()
    chains = real_client.get(f"/api/chains?source={UFSA}&target={HIKE}&lens=seed-article")
    (chain,) = chains.get_json()["chains"]
    assert chain["links"] == ["ufsa-designed-to-collapse-ruble", "black-monday-forces-hike-to-17"]
    assert real_client.get(f"/api/chains?source={UFSA}&target={HIKE}").get_json()["count"] == 0


def test_status_narrows_a_lens_and_alone_narrows_all(real_client):
    assert descendants(real_client, UFSA, "status=unsupported") == {"ruble-black-monday"}
    article = descendants(real_client, UFSA, "lens=seed-article&status=supported,unsupported")
    assert "ruble-black-monday" in article


def test_drivers_longest_chain_what_if_and_graph_take_the_lens(real_client):
    article = real_client.get("/api/drivers?lens=seed-article&limit=100").get_json()
    evidence = real_client.get("/api/drivers?limit=100").get_json()
    assert UFSA in {d["event"] for d in article["drivers"]}
    assert UFSA in {d["event"] for d in evidence["drivers"]}  # its two supported effects
    assert {d["event"]: d["descendants"] for d in article["drivers"]}[UFSA] > 2
    what_if = real_client.get(f"/api/what-if?remove={UFSA}&lens=seed-article").get_json()
    assert what_if != real_client.get(f"/api/what-if?remove={UFSA}").get_json()
    graph = real_client.get(f"/api/graph?focus={UFSA}&depth=1&lens=seed-article").get_json()
    ids = {edge["data"]["id"] for edge in graph["elements"]["edges"]}
    assert "ufsa-designed-to-collapse-ruble" in ids
    graph = real_client.get(f"/api/graph?focus={UFSA}&depth=1").get_json()
    assert "ufsa-designed-to-collapse-ruble" not in {
        e["data"]["id"] for e in graph["elements"]["edges"]
    }
    longest = real_client.get("/api/longest-chain?lens=guriev").get_json()
    assert longest["links"] == ["collateral-decision-triggers-black-monday"]  # one link long


def test_timeline_draws_the_links_of_its_lens(real_client, real):
    def links(query: str = "") -> set[str]:
        body = real_client.get(f"/api/timeline?limit=1000&{query}").get_json()
        return {link["id"] for link in body["links"]}

    evidence = {link.id for link in real.links if link.status in ("supported", "qualified")}
    assert links() == links("lens=evidence") == evidence
    assert links("lens=all") == {link.id for link in real.links}
    assert links("lens=seed-article") == {link.id for link in real.narrative_links("seed-article")}


def test_links_filter_by_narrative(real_client, real):
    body = real_client.get("/api/links?narrative=guriev").get_json()
    assert {link["id"] for link in body["links"]} == {
        link.id for link in real.narrative_links("guriev")
    }
    assert all(link["narratives"] == ["guriev"] for link in body["links"])
    disputed = real_client.get("/api/links?status=contested,unsupported").get_json()
    assert disputed["count"] >= 6
    assert all(link["asserted_by"] and link["disputed_by"] for link in disputed["links"])


def test_compare_two_lenses_and_their_chains(real_client, real):
    body = real_client.get(
        f"/api/narratives/compare?a=seed-article&b=evidence&source={UFSA}&target={HIKE}"
    ).get_json()
    only_article = {link["id"] for link in body["only_a"]}
    assert "ufsa-designed-to-collapse-ruble" in only_article
    assert all(link["status"] in ("contested", "unsupported") for link in body["only_a"])
    assert "black-monday-forces-hike-to-17" in {link["id"] for link in body["both"]}
    assert [c["links"] for c in body["chains"]["only_a"]] == [
        ["ufsa-designed-to-collapse-ruble", "black-monday-forces-hike-to-17"]
    ]
    assert body["chains"]["only_b"] == body["chains"]["both"] == []
    assert UFSA in body["event_labels"]
    found = compare_lenses(real, "seed-article", "evidence")
    assert len(found.only_a) + len(found.both) == 28


def test_compare_needs_both_lenses(real_client):
    assert_problem(real_client.get("/api/narratives/compare?a=all"), 400, "a")
    assert_problem(real_client.get(f"/api/narratives/compare?a=all&b=evidence&source={UFSA}"), 400)


def test_library_lens_defaults_match_the_api(real):
    graph = build_causal_graph(real)
    evidence = apply_lens(graph, real, None)
    assert evidence.lens == "evidence" and evidence.statuses == {"supported", "qualified"}
    assert apply_lens(graph, real, None, ["contested"]).lens == "all"
    found = analyze_effects(evidence.graph, UFSA, statuses=evidence.statuses)
    assert {r.event for r in found.descendants} == UFSA_SUPPORTED_EFFECTS
    with pytest.raises(UnknownLensError, match="the lenses are evidence, all, seed-article"):
        apply_lens(graph, real, "nobody")


def test_cli_lens_and_narratives(runner, events_path):
    def effects(*options: str) -> set[str]:
        result = runner.invoke(main, ["effects", UFSA, "--data", str(events_path), *options])
        assert result.exit_code == 0, result.output
        return {line.split()[1] for line in result.output.splitlines()}

    assert effects() == effects("--lens", "evidence") == UFSA_SUPPORTED_EFFECTS
    assert {"ruble-black-monday", HIKE} <= effects("--lens", "seed-article")
    assert effects("--status", "unsupported") == {"ruble-black-monday"}
    wrong = runner.invoke(main, ["causes", HIKE, "--data", str(events_path), "--lens", "x"])
    assert wrong.exit_code == 1 and "unknown lens 'x'" in wrong.output
    listed = runner.invoke(main, ["narratives", "--data", str(events_path)])
    assert listed.exit_code == 0
    assert listed.output.splitlines()[0] == (
        "seed-article  As the seed article tells it "
        " (16 supported, 5 qualified, 1 contested, 6 unsupported)"
    )


def test_asking_the_evidence_lens_for_disputed_links_is_a_400(real_client):
    response = real_client.get(f"/api/effects/{UFSA}?lens=evidence&status=contested")
    body = assert_problem(response, 400, "status")
    assert "lens=all" in body["detail"]
    assert_problem(
        real_client.get(f"/api/compare?a={UFSA}&b={HIKE}&lens=evidence&status=unsupported"),
        400,
        "status",
    )
    assert real_client.get(f"/api/effects/{UFSA}?lens=evidence&status=supported").status_code == 200


def test_the_cli_refuses_what_cannot_be_meant(runner, events_path):
    data = ["--data", str(events_path)]
    wrong = runner.invoke(
        main, ["effects", UFSA, *data, "--lens", "evidence", "--status", "unsupported"]
    )
    assert wrong.exit_code == 2 and "use --lens all" in wrong.output
    both = runner.invoke(
        main, ["chain", UFSA, HIKE, *data, "--supported-only", "--status", "qualified"]
    )
    assert both.exit_code == 2 and "--supported-only" in both.output


def test_drivers_are_cached_per_lens(real_client):
    """Whichever is asked first, each lens gets its own ranking."""
    first = real_client.get("/api/drivers?limit=100").get_json()
    article = real_client.get("/api/drivers?lens=seed-article&limit=100").get_json()
    again = real_client.get("/api/drivers?limit=100").get_json()
    assert first == again != article
    guriev = real_client.get("/api/drivers?lens=guriev&limit=100").get_json()
    assert {d["event"] for d in guriev["drivers"] if d["score"] > 0} == {
        "cbr-accepts-rosneft-bonds-as-collateral",
        "cbr-repo-auction",
    }
