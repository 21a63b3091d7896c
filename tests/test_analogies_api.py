"""``GET /api/analogies``: the three stories aligned by stage, each figure tied to its event
and sources (figures checked against the fact sheets)."""

from __future__ import annotations

from itertools import pairwise

from tests.conftest import assert_problem

ORDER = "russia-1998,ruble-crisis-2014,russia-2022"


def _row(body, stage):
    return next(row for row in body["stages"] if row["id"] == stage)


def _figure(cell, name):
    return next(f for f in cell["figures"] if f["name"] == name)


def test_stories_in_the_order_asked_and_the_emergency_hikes(real_client):
    body = real_client.get(f"/api/analogies?stories={ORDER}").get_json()
    assert body["stories"] == ORDER.split(",")
    hike = _row(body, "emergency-rate-hike")["cells"]
    expected = {  # sheets: R12 / errata 6.3 #3; E06; S06
        "russia-1998": ("cbr-refinancing-rate-to-150", 150, 100),
        "ruble-crisis-2014": ("cbr-hike-to-17", 17, 6.5),
        "russia-2022": ("cbr-hike-to-20", 20, 10.5),
    }
    for story, (event, peak, size) in expected.items():
        cell = hike[story]
        assert [e["id"] for e in cell["events"]] == [event]
        assert _figure(cell, "policy-rate-peak")["value"] == peak
        assert _figure(cell, "hike-size")["value"] == size
        for figure in cell["figures"]:
            assert figure["event"] and figure["sources"], figure
            assert all(s["url"].startswith("http") for s in figure["sources"])


def test_days_default_and_recovery(real_client):
    figures = real_client.get("/api/analogies").get_json()["figures"]
    assert figures["russia-2022"]["days_first_shock_to_hike"]["value"] == 6  # 22 -> 28 Feb 2022
    assert figures["ruble-crisis-2014"]["days_first_shock_to_hike"]["value"] == 285
    late_1997 = figures["russia-1998"]["days_first_shock_to_hike"]  # month precision: a range
    assert late_1997["value"] is None and (late_1997["low"], late_1997["high"]) == (178, 207)
    assert figures["ruble-crisis-2014"]["defaulted"] is False
    assert figures["russia-2022"]["defaulted"] is True
    assert figures["ruble-crisis-2014"]["default"]["text"] == "no default recorded"
    assert figures["russia-2022"]["default"]["events"] == ["eurobond-default"]
    assert figures["russia-1998"]["default"]["events"] == ["gko-ofz-restructuring-aug-1998"]
    # 18-30 Dec 2014 was a partial rebound, not a recovery: the 2014 story records none.
    assert figures["ruble-crisis-2014"]["recovery"] is None
    assert "ruble-rebound-2022" in figures["russia-2022"]["recovery"]["events"]


def test_computed_range_says_so_and_links_carry_their_aspect(real_client):
    body = real_client.get("/api/analogies").get_json()
    fall = _row(body, "currency-fall")["cells"]["russia-2022"]
    computed = [f for f in fall["figures"] if f["computed"]]
    assert len(computed) == 1 and "computed here" in computed[0]["text"]
    assert (computed[0]["low"], computed[0]["high"]) == (80, 121.52)
    recorded = [f for f in fall["figures"] if not f["computed"]]
    assert all(f["according_to"] for f in recorded if f["name"] == "exchange-rate")
    aspects = {link["id"]: link["aspect"] for link in body["links"]}
    assert aspects["hike-to-20-like-hike-to-17"] == "emergency-rate-hike"
    assert aspects["eurobond-default-unlike-1998-ruble-default"] == "default"


def test_two_stories_and_an_unknown_one(real_client):
    body = real_client.get("/api/analogies?stories=russia-2022,ruble-crisis-2014").get_json()
    assert body["stories"] == ["russia-2022", "ruble-crisis-2014"]
    assert {link["id"] for link in body["links"]} == {
        "hike-to-20-like-hike-to-17",
        "feb-2022-sanctions-extend-march-2014-measures",
    }
    assert_problem(real_client.get("/api/analogies?stories=russia-1999"), 404)
    assert_problem(real_client.get("/api/analogies?story=russia-1998"), 400)


def test_chains_from_the_first_shock_to_the_hike(real_client):
    body = real_client.get(f"/api/analogies?stories={ORDER}").get_json()
    order = [row["id"] for row in body["stages"]]
    hikes = {
        s: _row(body, "emergency-rate-hike")["cells"][s]["events"][0]["id"] for s in body["stories"]
    }
    chains = {s: body["figures"][s]["chain"] for s in body["stories"]}
    # 2014: the chain starts at the first shock.
    assert (
        chains["ruble-crisis-2014"]["events"][0]["id"]
        == body["figures"]["ruble-crisis-2014"]["first_shock"]
    )
    # 2022: no chain of supported or qualified links leaves the first shock (the US financial
    # sanctions of 22 Feb have no link of their own), so it starts at the first shock-stage
    # event, in date order, that reaches the hike: the SWIFT statement of 26 Feb.
    first_2022 = body["figures"]["russia-2022"]["first_shock"]
    assert first_2022 == "us-financial-sanctions-feb-2022"
    assert [e["id"] for e in chains["russia-2022"]["events"]] == [
        "swift-joint-statement",
        "ruble-record-low-feb-28",
        "cbr-hike-to-20",
    ]
    # 1998: the rate of 150 % has only non-shock causes (May turmoil, the corridor), so the
    # chain goes from a shock to the currency fall instead (the 17 Aug devaluation).
    assert [e["id"] for e in chains["russia-1998"]["events"]] == [
        "oil-price-slump-1997-98",
        "corridor-widened-aug-17-1998",
    ]
    assert chains["russia-1998"]["to"] == "currency-fall"
    for story, chain in chains.items():
        events = [e["id"] for e in chain["events"]]
        if chain["to"] == "emergency-rate-hike":
            assert events[-1] == hikes[story]
        assert len(chain["links"]) == len(events) - 1 and 0 < chain["strength"] <= 1
        # Every consecutive pair is a link of the story under the evidence lens.
        for link, (cause, effect) in zip(chain["links"], pairwise(events), strict=True):
            chains_api = real_client.get(
                f"/api/chains?source={cause}&target={effect}&story={story}&max_depth=1"
            ).get_json()["chains"]
            assert [c["links"] for c in chains_api] == [[link]], (story, cause, effect)
        # On these data the stages, where set, never go back in the stage order.
        ranks = [order.index(e["stage"]) for e in chain["events"] if e["stage"]]
        assert ranks == sorted(ranks), (story, ranks)
        assert chain["events"][0]["stage"] in ("oil-shock", "sanctions", "capital-flight")
