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
        ("elvira-nabiullina",),
    ),
    "jul-16-sanctions-weaken-ruble-dec-16": (
        "us-sectoral-sanctions-jul-16", "ruble-black-tuesday",
        "C03", "contributes_to", "supported",
        ("elvira-nabiullina",),
    ),
    "jul-aug-sanctions-weaken-ruble-dec-16": (
        "eu-us-sectoral-sanctions-jul-aug", "ruble-black-tuesday",
        "C03", "contributes_to", "supported",
        ("elvira-nabiullina",),
    ),
    "sep-sanctions-weaken-ruble-dec-16": (
        "sectoral-sanctions-expanded-sep-12", "ruble-black-tuesday",
        "C03", "contributes_to", "supported",
        ("elvira-nabiullina",),
    ),
}  # fmt: skip


def _link(real, link_id):
    return next(link for link in real.links if link.id == link_id)


@pytest.mark.parametrize("link_id", sorted(ADDED))
def test_added_link_matches_the_fact_sheet(real, link_id):
    cause, effect, ref, kind, status, asserted_by = ADDED[link_id]
    link = _link(real, link_id)
    assert (link.cause, link.effect) == (cause, effect)
    assert (link.ref, link.kind, link.status) == (ref, kind, status)
    assert tuple(link.asserted_by) == asserted_by
    assert link.sources


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
