"""Text search (graph.timeline.search, search_events and sort="relevance" of query_events):
every word must match, case and accents aside; the label outranks the rest, whole words
outrank prefixes outrank substrings; relevance pages join up."""

import dataclasses

import pytest

from graph.data.dates import parse_date
from graph.data.model import Dataset
from graph.errors import PageTokenError
from graph.timeline.paging import EventIndex, query_events, search_events
from graph.timeline.search import (
    LABEL_POINTS,
    MAX_WORDS,
    PREFIX,
    SUBSTRING,
    TEXT_POINTS,
    WHOLE,
    fold,
    grade,
    query_words,
    rank_matches,
    score,
)


def ids(items) -> list[str]:
    return [getattr(item, "event", item).id for item in items]


@pytest.fixture(scope="module")
def toy(tiny: Dataset) -> EventIndex:
    """The tiny dataset with labels made to tell the grades apart."""
    base = tiny.events[0]
    labels = {
        "sub": ("Sberbank shares slide", "2014-12-01"),
        "prefix": ("Banking shares slide", "2014-12-02"),
        "whole-late": ("Bank shares slide", "2014-12-04"),
        "whole-early": ("Bank shares slide", "2014-12-03"),
        "desc-only": ("Energy shares slide", "2014-12-05"),
        "accent": ("Économie des bânks", "2014-12-06"),
    }
    events = tuple(
        dataclasses.replace(
            base,
            id=event_id,
            label=label,
            date=parse_date(day),
            description="a central bank is named here" if event_id == "desc-only" else None,
            actors=(),
            place=None,
        )
        for event_id, (label, day) in labels.items()
    )
    return EventIndex.from_dataset(dataclasses.replace(tiny, events=events, links=()))


def test_fold_drops_case_and_accents():
    assert fold("ÉCONOMIE Bânks Straße") == "economie banks strasse"
    assert query_words("Bank  SHARES, bank!") == ("shares", "bank")
    assert query_words("--") == ("--",)


def test_grade_tells_whole_words_from_prefixes_from_substrings():
    assert grade("bank of russia", "bank") == WHOLE
    assert grade("sberbank, banking", "bank") == PREFIX
    assert grade("sberbank", "bank") == SUBSTRING
    assert grade("sberbank bank", "bank") == WHOLE
    assert grade("oil", "bank") == 0


def test_every_word_must_match(toy):
    assert ids(search_events(toy, "bank shares")) == [
        "whole-early",
        "whole-late",
        "prefix",
        "sub",
        "desc-only",
    ]
    assert search_events(toy, "bank nosuchword") == []
    assert query_events(toy, text="bank nosuchword").events == ()
    assert query_events(toy, text="bank nosuchword", sort="relevance").events == ()


def test_label_whole_words_first_then_prefix_then_substring_then_elsewhere(toy):
    hits = search_events(toy, "bank")
    assert ids(hits) == ["whole-early", "whole-late", "prefix", "accent", "sub", "desc-only"]
    scores = [hit.score for hit in hits]
    assert scores == sorted(scores, reverse=True)
    desc = next(hit for hit in hits if hit.event.id == "desc-only")
    assert desc.label_words == () and desc.other_words == ("bank",)


def test_accents_and_case_do_not_matter(toy):
    assert ids(search_events(toy, "economie BANKS")) == ["accent"]
    assert ids(search_events(toy, "ÉCONOMIE")) == ["accent"]


def test_more_words_in_the_label_rank_higher(toy):
    # "central" is only in the description of desc-only, "slide" in every label
    hits = search_events(toy, "slide bank")
    assert ids(hits)[-1] == "desc-only"
    assert hits[0].label_words == ("slide", "bank")


def test_real_bank_shares_finds_the_16_december_fall_first(real_index):
    hits = search_events(real_index, "bank shares")
    assert hits[0].event.id == "bank-and-energy-shares-fall-dec-16"
    page = query_events(real_index, text="bank shares", sort="relevance", limit=1)
    assert ids(page.events) == ["bank-and-energy-shares-fall-dec-16"]


def test_real_bank_ranks_label_whole_word_hits_first(real_index):
    hits = search_events(real_index, "bank")
    in_label = [hit for hit in hits if "bank" in hit.label_words]
    assert hits[: len(in_label)] == in_label
    words = [fold(hit.event.label).split() for hit in hits]
    whole = [i for i, w in enumerate(words) if "bank" in w]
    assert whole == list(range(len(whole))) and len(whole) > 10
    assert "bank-and-energy-shares-fall-dec-16" in ids(hits[: len(whole)])


def test_ranking_is_the_reference(real_index):
    """rank_matches over every position equals search_events (which scans for one word)."""
    for query in ("bank", "ruble fall", "oil 2014", "cbr hike", "moscow"):
        assert ids(rank_matches(real_index, range(len(real_index)), query)) == ids(
            search_events(real_index, query)
        )


def test_relevance_pages_join_up(real_index):
    every = ids(search_events(real_index, "bank"))
    for limit in (1, 3, 7):
        seen, after = [], None
        while True:
            page = query_events(real_index, text="bank", sort="relevance", limit=limit, after=after)
            seen += ids(page.events)
            if page.next is None:
                break
            after = page.next
        assert seen == every
    total = query_events(real_index, text="bank", sort="relevance", count_total=True).total
    assert total == len(every)


def test_relevance_tokens_belong_to_their_query_and_sort(real_index):
    page = query_events(real_index, text="bank", sort="relevance", limit=2)
    with pytest.raises(PageTokenError, match="another query"):
        query_events(real_index, text="ruble", sort="relevance", after=page.next)
    with pytest.raises(PageTokenError):
        query_events(real_index, text="bank", sort="date", after=page.next)
    dated = query_events(real_index, text="bank", limit=2)
    with pytest.raises(PageTokenError, match="another sort"):
        query_events(real_index, text="bank", sort="relevance", after=dated.next)
    with pytest.raises(ValueError, match="relevance"):
        query_events(real_index, sort="relevance")


def test_filters_apply_to_search(real_index):
    hits = search_events(real_index, "bank", stories=["russia-1998"])
    assert hits and all(hit.event.date.start.earliest.year < 2001 for hit in hits)


def test_more_words_in_the_label_win_whatever_their_grade() -> None:
    """Seven words all in the label, as parts of words, beat six whole words in the label and
    the seventh elsewhere (the grade steps never add up to one more word in the label)."""
    words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf"]
    whole_six = score(" ".join(words[:6]), " golf", words)
    all_seven = score(" ".join("x" + w + "x" for w in words), "", words)
    assert whole_six is not None and all_seven is not None
    assert all_seven[0] > whole_six[0]
    assert len(all_seven[1]) == 7 and len(whole_six[1]) == 6
    # at the limit of words, too: MAX_WORDS whole words never outweigh one more label word
    assert MAX_WORDS * (LABEL_POINTS[WHOLE] - LABEL_POINTS[SUBSTRING]) < LABEL_POINTS[SUBSTRING]
    assert MAX_WORDS * TEXT_POINTS[WHOLE] < LABEL_POINTS[PREFIX] - LABEL_POINTS[SUBSTRING]


@pytest.mark.parametrize(
    "query",
    [
        {"text": "bank"},
        {"text": "e"},
        {"text": "ruble rate", "lanes": ["markets"]},
        {"text": "oil", "start": parse_date("2014-12")},
        {"text": "no such word anywhere"},
    ],
)
def test_relevance_total_counts_without_ranking_every_match(real_index, query, monkeypatch):
    """The relevance page's total is the number of matches, counted with the match test: the
    ranking runs once, for the page (limit + 1), not again over every match."""
    from graph.timeline import paging, search_events

    expected = len(search_events(real_index, **query))
    limits = []
    ranking = paging.rank_matches

    def counted(*args, **kwargs):
        limits.append(kwargs.get("limit"))
        return ranking(*args, **kwargs)

    monkeypatch.setattr(paging, "rank_matches", counted)
    page = query_events(real_index, sort="relevance", limit=3, count_total=True, **query)
    assert page.total == expected
    assert limits == [4]
