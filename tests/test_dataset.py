"""The curated events.yaml: coverage, sourcing, and the questions it must answer by SPARQL alone.

Each question runs on every store backend (``real_store`` is parametrized).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from graph.errors import QueryError
from graph.queries import load_query, query_names

ID = "http://example.org/ekg/id/"
FACTS = Path(__file__).resolve().parents[2] / "shared" / "facts"


def _ids(result, column: int = 0) -> list[str]:
    return [str(row[column]).rsplit("/", 1)[1] for row in result.rows]


def test_coverage(real):
    assert len(real.events) >= 45
    assert len(real.links) >= 35
    refs = {claim.ref for claim in real.claims}
    assert {f"A{n}" for n in range(1, 25)} <= refs  # every article claim of the fact sheet
    tags = {tag for event in real.events for tag in event.tags}
    for number in [*range(1, 16), *range(20, 34)]:
        assert f"fs-e{number:02d}" in tags, f"fact-sheet event E{number:02d} is missing"
    for number in range(1, 11):
        assert f"fs-h{number:02d}" in tags, f"fact-sheet event H{number:02d} is missing"


def test_every_record_is_sourced(real):
    assert all(event.sources for event in real.events)
    assert all(link.sources for link in real.links)
    assert all(claim.sources for claim in real.claims if claim.verdict != "opinion")


def test_lanes_are_the_products_lanes(real):
    assert {lane.id for lane in real.lanes} == {
        "oil",
        "monetary-policy",
        "sanctions",
        "markets",
        "politics",
        "history",
    }


@pytest.mark.skipif(not FACTS.exists(), reason="the shared fact sheet sits beside the project")
def test_claims_quote_the_article_exactly(real):
    article = " ".join((FACTS / "article-2014-12-16.txt").read_text(encoding="utf-8").split())
    for claim in real.claims:
        assert " ".join(claim.text.split()) in article, claim.id


def test_political_framing_is_never_a_supported_link(real):
    links = {link.id: link for link in real.links}
    framed = [links[i] for c in real.claims if c.verdict == "opinion" for i in c.asserts_links]
    assert framed, "the article's framing keeps the links it asserts, qualified"
    assert all(link.status != "supported" for link in framed)
    intent = links["ufsa-designed-to-collapse-ruble"]  # C12: asserted intent, no evidence
    assert (intent.status, intent.asserted_by) == ("contested", ("seed-article",))


def test_what_caused_the_rate_hike(real_store):
    """What directly or indirectly caused the 16 Dec rate hike?"""
    result = real_store.query(load_query("causes-of-rate-hike"))
    causes = _ids(result)
    assert causes[0] == "ruble-black-monday"  # the one direct cause comes first
    assert {
        "oil-slides-to-60",
        "opec-decides-no-cut",
        "first-sanctions-wave",
        "cbr-accepts-rosneft-bonds-as-collateral",
    } <= set(causes)
    assert "cbr-hike-to-17" not in causes
    assert "ufsa-passed-by-congress" not in causes  # only via a contested link (C12)


def test_rate_hike_causes_count_the_steps_of_their_shortest_chain(real, real_store):
    """``steps`` is the number of links in the shortest chain of supported or qualified
    causes/enables/contributes_to links to the hike (5: five or more)."""
    import networkx as nx

    chains = nx.DiGraph()
    chains.add_edges_from(
        (link.effect, link.cause)  # reversed: lengths from the hike back to its causes
        for link in real.links
        if link.status in ("supported", "qualified")
        and link.kind in ("causes", "enables", "contributes_to")
    )
    lengths = nx.single_source_shortest_path_length(chains, "cbr-hike-to-17")
    expected = {cause: min(n, 5) for cause, n in lengths.items() if n > 0}
    result = real_store.query(load_query("causes-of-rate-hike"))
    steps = {cause: int(str(row[2])) for cause, row in zip(_ids(result), result.rows, strict=True)}
    assert steps == expected
    assert steps["ruble-black-monday"] == 1 and max(steps.values()) > 2


def test_key_rate_decisions_of_2014_in_order(real_store):
    """List the Bank of Russia's key-rate decisions of 2014 in order."""
    result = real_store.query(load_query("key-rate-decisions"))
    rates = [(str(row[3]), str(row[4])) for row in result.rows]
    assert rates == [
        ("5.5", "7"),
        ("7", "7.5"),
        ("7.5", "8"),
        ("8", "9.5"),
        ("9.5", "10.5"),
        ("10.5", "17"),
    ]
    assert [str(row[2]) for row in result.rows] == [
        "2014-03-03",
        "2014-04-25",
        "2014-07-25",
        "2014-10-31",
        "2014-12-11",
        "2014-12-16",
    ]


def test_which_claims_are_opinion(real_store, real):
    """Which claims in the article are opinion?"""
    result = real_store.query(load_query("opinion-claims"))
    expected = sorted(c.id for c in real.claims if c.verdict == "opinion")
    assert sorted(set(_ids(result))) == expected
    refs = {str(row[1]) for row in result.rows}
    assert {"A16", "A23", "A24"} <= refs


#: Shipped queries that meet a documented server quirk (tests/conftest.py QUIRKS).
MEETS_QUIRK = {"crisis-days-with-times": "no-bind-over-unbound-optional"}


def run_shipped(store, name, quirks):
    """The answer to shipped query ``name``, or None where the server has a documented quirk
    that stops it -- after checking that the server refuses it with a clear QueryError."""
    if MEETS_QUIRK.get(name) in quirks:
        with pytest.raises(QueryError, match="SPARQL server"):
            store.query(load_query(name))
        return None
    return store.query(load_query(name))


def test_chain_from_opec_to_bank_shares(real_store, quirks):
    result = run_shipped(real_store, "chain-opec-to-sberbank", quirks)
    if result is None:
        return
    firsts = {str(row[0]) for row in result.rows}
    assert "Oil price near and below $60 a barrel" in firsts


def test_1998_precedent_is_linked(real_store):
    result = real_store.query(load_query("rates-1998-vs-2014"))
    years = {int(row[0]) for row in result.rows}
    assert years == {1998, 2014}
    precedent = [row for row in result.rows if int(row[0]) == 1998]
    assert str(precedent[0][6]) == ID + "event/cbr-hike-to-17"


def test_crisis_days_keep_time_zones(real_store, quirks):
    result = run_shipped(real_store, "crisis-days-with-times", quirks)
    if result is None:
        return
    timed = {str(row[0]).rsplit("/", 1)[1]: str(row[4]) for row in result.rows if row[3]}
    assert timed["cbr-hike-to-17"] == "+03:00"


def test_causes_are_found_by_property_path_alone(real_store):
    result = real_store.query(
        f"ASK {{ <{ID}event/opec-decides-no-cut> (faro:causes|faro:enables|ekg:contributesTo)+ "
        f"<{ID}event/bank-and-energy-shares-fall-dec-16> }}"
    )
    assert result.boolean is True


def test_disagreeing_sources_are_kept_with_attribution(real_store):
    result = real_store.query(
        f"""SELECT ?value ?who WHERE {{
              <{ID}event/ruble-black-monday> ekg:quantity ?q .
              ?q ekg:quantityKind <{ID}kind/exchange-rate> ; qudt:numericValue ?value ;
                 qudt:unit ekg:RubPerUsd .
              OPTIONAL {{ ?q ekg:accordingTo ?who }} }}"""
    )
    values = {str(row[0]) for row in result.rows}
    assert {"64.44", "63.4"} <= values
    assert all(row[1] is not None for row in result.rows)


@pytest.mark.parametrize("name", query_names())
def test_every_shipped_query_runs_and_answers(real_store, name, quirks):
    result = run_shipped(real_store, name, quirks)
    assert result is None or result.rows, f"{name} returned nothing"
    assert not re.search(r"\bSERVICE\b", load_query(name))
