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
    assert all(link.sources or link.disputed_by for link in real.links)
    assert all(claim.sources for claim in real.claims if claim.verdict != "opinion")


def test_lanes_are_the_products_lanes(real):
    assert {lane.id for lane in real.lanes} == {
        "oil",
        "monetary-policy",
        "sanctions",
        "markets",
        "politics",
        "history",
        "capital-controls",  # the 2022 story's
        "sovereign-debt",  # the 1998 and 2022 stories'
        "inflation",
    }
    for story in real.stories:  # every story lists lanes that exist
        assert set(story.lanes) <= {lane.id for lane in real.lanes}


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
    assert (intent.status, intent.asserted_by) == ("unsupported", ("seed-article",))


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
    precedent = [
        row for row in result.rows if str(row[1]) == ID + "event/cbr-refinancing-rate-to-150"
    ]
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


# Audit findings (issue 16): each test pins one corrected record to the fact sheet.


def _by_id(records, record_id):
    return next(record for record in records if record.id == record_id)


def test_gorbachev_resignation_is_on_moscow_winter_time_of_1991(real):
    """Errata 10: Moscow was on UTC+2 in Dec 1991; the address was at about 17:00 UTC."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    event = _by_id(real.events, "gorbachev-resigns")
    begin = event.date.begin
    assert begin.utcoffset() == dt.timedelta(hours=2)
    assert begin.utcoffset() == begin.replace(tzinfo=ZoneInfo("Europe/Moscow")).utcoffset()
    assert begin.astimezone(dt.UTC).hour == 17
    assert "about 19:00" in event.description  # approximate: EDTF has no `~` on a date-time
    assert "UTC+3" not in event.description


def test_official_euro_rate_also_exceeded_80_on_18_dec(real):
    """Errata 4: the source supports "also exceeded 80 on 18 Dec", not "first" or "only"."""
    evidence = " ".join(_by_id(real.claims, "claim-ruble-89-per-euro").evidence.split())
    assert "also exceeded 80 on 18 Dec" in evidence
    assert not re.search(r"\b(only|first)\b", evidence)


def test_ruble_new_lows_claim_keeps_the_dating_caveat(real):
    """Errata 9: the exact 80.10 RUB/USD peak comes from a page dated 17 Dec."""
    evidence = " ".join(_by_id(real.claims, "claim-ruble-new-lows-tuesday").evidence.split())
    assert "80.10" in evidence and "dated 17 Dec" in evidence


def test_obama_unleash_claim_is_misstated(real):
    """Errata 12: only "poised to sign" is verified; "unleash" is misstated."""
    claim = _by_id(real.claims, "claim-obama-poised-new-sanctions")
    assert claim.verdict == "misstated"
    assert "poised to sign" in " ".join(claim.evidence.split())


def test_us_backed_shock_therapists_is_partly_supported(real):
    """Sheet H04: "shock therapists appeared, backed by the US" is partly supported."""
    assert _by_id(real.claims, "claim-us-backed-shock-therapists").verdict == "partly-supported"


def test_amnesty_claim_keeps_the_framing_apart_from_the_fact(real):
    """Sheet A22/C11: the capital amnesty is verified; "response to the US drive" is framing."""
    verdicts = {c.text: c.verdict for c in real.claims if c.ref == "A22"}
    assert verdicts["to decide on an amnesty"] == "verified"
    assert verdicts["His response to the current US imperialist drive"] == "opinion"
    assert not any("imperialist" in text for text, v in verdicts.items() if v != "opinion")


def test_partly_supported_is_a_declared_verdict():
    from rdflib import Graph

    from graph import vocab

    root = Path(__file__).resolve().parents[1] / "ontology"
    term = vocab.CLAIM_VERDICTS["partly-supported"]
    ontology = Graph().parse(root / "ekg.ttl")
    assert (term, None, None) in ontology
    assert "ekg:PartlySupported" in (root / "shapes.ttl").read_text(encoding="utf-8")


def test_september_sanctions_list_the_five_banks_as_before_sberbank(real):
    """Errata 11: the five banks were the US list before Sberbank was added; then six."""
    text = " ".join(_by_id(real.events, "sectoral-sanctions-expanded-sep-12").description.split())
    assert "now comprised" not in text
    assert "Before Sberbank was added" in text and "six" in text


def test_stem_ruble_run_motive_is_asserted_by_bloomberg(real):
    """C06 (11 Dec hike): "to stem ruble run" is Bloomberg's headline, not the Bank of Russia."""
    link = _by_id(real.links, "ruble-fall-dec-1-prompts-hike-to-10-5")
    assert link.asserted_by == ("bloomberg-cbr-hike-to-10-5",)
    publication = _by_id(real.publications, "bloomberg-cbr-hike-to-10-5")
    assert publication.title == "Russian Central Bank Raises Key Rate to 10.50% to Stem Ruble Run"


def test_failed_hike_is_directed_to_black_tuesday(real):
    """Sheet C07: hike fails -> ruble falls further, directed E06 -> E07, supported."""
    link = _by_id(real.links, "hike-to-17-fails-to-stop-ruble-fall")
    assert (link.cause, link.effect) == ("cbr-hike-to-17", "ruble-black-tuesday")
    assert link.kind == "contributes_to" and link.status == "supported"


def test_c09_covers_only_the_16_december_slump(real):
    """Sheet C09: ruble collapse + hike -> the 16 Dec stock slump (E08) and Sberbank fall (E09)."""
    dec_16 = {"moscow-stocks-slump-dec-16", "bank-and-energy-shares-fall-dec-16"}
    c09 = [link for link in real.links if link.ref == "C09"]
    assert c09 and all(link.effect in dec_16 for link in c09)
    monday = _by_id(real.links, "ruble-fall-drags-rts-dec-15")
    assert (monday.kind, monday.ref) == ("correlates_with", "E05")
