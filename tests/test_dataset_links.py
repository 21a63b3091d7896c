"""Links added from the fact sheet for issue 16's audit: each pins one link to its sheet entry."""

from __future__ import annotations

import pytest

from service.cli import main

#: link id -> (cause, effect, ref, kind, status, asserted_by)
ADDED = {
    "capital-flight-prompts-amnesty": (
        "capital-flight-2014", "putin-proposes-capital-amnesty", "C11", "causes", "supported",
        (),
    ),
    "first-sanctions-wave-weakens-ruble-dec-16": (
        "first-sanctions-wave", "ruble-black-tuesday",
        "C03", "contributes_to", "qualified",
        ("elvira-nabiullina", "seed-article"),
    ),
    "jul-16-sanctions-weaken-ruble-dec-16": (
        "us-sectoral-sanctions-jul-16", "ruble-black-tuesday",
        "C03", "contributes_to", "supported",
        ("elvira-nabiullina", "seed-article"),
    ),
    "jul-aug-sanctions-weaken-ruble-dec-16": (
        "eu-us-sectoral-sanctions-jul-aug", "ruble-black-tuesday",
        "C03", "contributes_to", "supported",
        ("elvira-nabiullina", "seed-article"),
    ),
    "sep-sanctions-weaken-ruble-dec-16": (
        "sectoral-sanctions-expanded-sep-12", "ruble-black-tuesday",
        "C03", "contributes_to", "supported",
        ("elvira-nabiullina", "seed-article"),
    ),
    # The seed article's own causal story (fact sheet section 3).
    "ufsa-designed-to-collapse-ruble": (
        "ufsa-passed-by-congress", "ruble-black-monday", "C12", "contributes_to", "unsupported",
        ("seed-article",),
    ),
    "gulf-states-hold-oil-down-against-russia": (
        "uae-minister-opec-holds-even-at-40", "brent-below-60", "C13", "contributes_to",
        "contested", ("seed-article",),
    ),
    "ukraine-regime-change-moves-to-russia": (
        "yanukovych-removed", "first-sanctions-wave", "C14", "contributes_to", "unsupported",
        ("seed-article",),
    ),
    "tank-assault-starts-shock-therapy": (
        "white-house-assault-1993", "price-liberalisation", "C15", "enables", "unsupported",
        ("seed-article",),
    ),
    "workers-resistance-brings-putin-forward": (
        "price-liberalisation", "putin-named-prime-minister", "C16", "contributes_to",
        "unsupported", ("seed-article",),
    ),
    "putin-exports-us-agent-oligarchs-gusinsky": (
        "putin-named-prime-minister", "gusinsky-leaves-russia", "C17", "contributes_to",
        "unsupported", ("seed-article",),
    ),
    "putin-exports-us-agent-oligarchs-berezovsky": (
        "putin-named-prime-minister", "berezovsky-leaves-russia", "C17", "contributes_to",
        "unsupported", ("seed-article",),
    ),
    "gusinsky-jail-precedes-exile": (
        "gusinsky-jailed", "gusinsky-leaves-russia", "C17", "contributes_to", "supported", (),
    ),
}  # fmt: skip

#: The fact sheet's section 3 "In article?" column: the links the article asserts or implies.
ARTICLE_REFS = {"C01", "C02", "C03", "C05", "C07", "C09", "C10", "C12", "C13", "C14", "C15",
                "C16", "C17", "C19"}  # fmt: skip


def _link(real, link_id):
    return next(link for link in real.links if link.id == link_id)


@pytest.mark.parametrize("link_id", sorted(ADDED))
def test_added_link_matches_the_fact_sheet(real, link_id):
    cause, effect, ref, kind, status, asserted_by = ADDED[link_id]
    link = _link(real, link_id)
    assert (link.cause, link.effect) == (cause, effect)
    assert (link.ref, link.kind, link.status) == (ref, kind, status)
    assert tuple(link.asserted_by) == asserted_by
    if status in ("contested", "unsupported"):
        assert link.disputed_by, "a disputed link names the sources against it"
        assert link.confidence <= 0.2  # the rubric: contested or unsupported framing
    else:
        assert link.sources and not link.disputed_by


def test_the_articles_account_is_the_links_the_sheet_says_it_asserts(real):
    account = real.narrative_links("seed-article")
    assert {link.ref for link in account} == ARTICLE_REFS
    disputed = [link for link in account if link.status in ("contested", "unsupported")]
    assert len(disputed) >= 6
    assert {link.ref for link in disputed} == {"C12", "C13", "C14", "C15", "C16", "C17"}
    # C18 joins no two events: it stays a claim (A24), asserting no link.
    (crisis,) = [claim for claim in real.claims if claim.ref == "A24"]
    assert crisis.verdict == "opinion" and not crisis.asserts_links


def test_every_claim_asserts_the_link_it_states(real):
    asserted = {c.id: set(c.asserts_links) for c in real.claims}
    assert asserted["claim-started-with-tank-assault"] == {"tank-assault-starts-shock-therapy"}
    assert asserted["claim-gulf-wont-act-until-40"] == {"gulf-states-hold-oil-down-against-russia"}
    assert asserted["claim-us-agent-oligarchs-exported"] == {
        "putin-exports-us-agent-oligarchs-gusinsky",
        "putin-exports-us-agent-oligarchs-berezovsky",
    }
    links = {link.id: link for link in real.links}
    for claim in real.claims:
        for link_id in claim.asserts_links:
            assert claim.stated_in in links[link_id].asserted_by, (claim.id, link_id)


def test_analysts_accounts(real):
    assert {link.ref for link in real.narrative_links("guriev")} == {"C08"}
    bank = real.narrative_links("bank-of-russia")
    assert {link.ref for link in bank} == {"C02", "C03", "C05", "C06"}
    assert all(link.status in ("supported", "qualified") for link in bank)


def test_capital_flight_event_carries_only_the_sheet_figures(real):
    """E33/C11: more than USD 100 bn (BBC, at the time) and USD 151.5 bn (CBR final), in 2014."""
    event = next(event for event in real.events if event.id == "capital-flight-2014")
    assert str(event.date.edtf) == "2014"
    figures = {(float(q.value), q.unit, q.according_to) for q in event.quantities}
    assert figures == {
        (100.0, "usd-billion", "BBC (Dec 2014)"),
        (151.5, "usd-billion", "CBR final figure (cited 2015)"),
    }
    note = " ".join(_link(real, "capital-flight-prompts-amnesty").note.split())
    assert "emigre oligarchs" in note and "interpretation" in note


def test_every_sanctions_wave_reaches_both_crisis_days_directly(real):
    """C03 + E10: the intro's sanctions -> ruble collapse of 15-16 Dec, one link per day."""
    waves = {link.cause for link in real.links if link.ref == "C03"}
    for day in ("ruble-black-monday", "ruble-black-tuesday"):
        assert waves == {x.cause for x in real.links if x.ref == "C03" and x.effect == day}


def test_events_yaml_validates_with_the_added_links(runner, events_path, real):
    result = runner.invoke(main, ["validate", str(events_path)])
    assert result.exit_code == 0, result.output
    assert f"{len(real.links)} links" in result.output
    assert set(ADDED) <= {link.id for link in real.links}
