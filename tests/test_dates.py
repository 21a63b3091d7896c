import datetime as dt

import pytest

from graph.data.dates import (
    parse_date,
    parse_with_edtf,
    possible_allen_relations,
    starts_certainly_after,
)
from graph.errors import DateError


@pytest.mark.parametrize(
    ("text", "begin", "end", "precision"),
    [
        ("2014-12-16", dt.date(2014, 12, 16), dt.date(2014, 12, 16), "day"),
        ("2014-12", dt.date(2014, 12, 1), dt.date(2014, 12, 31), "month"),
        ("2014-02", dt.date(2014, 2, 1), dt.date(2014, 2, 28), "month"),
        ("1998", dt.date(1998, 1, 1), dt.date(1998, 12, 31), "year"),
        ("1990-08/1990-09", dt.date(1990, 8, 1), dt.date(1990, 9, 30), "month"),
    ],
)
def test_bounds_follow_precision(text, begin, end, precision):
    date = parse_date(text)
    assert (date.begin, date.end, date.begin_precision, date.end_precision) == (
        begin,
        end,
        precision,
        precision,
    )
    assert date.edtf == text


def test_instant_keeps_time_and_offset():
    date = parse_date("2014-12-16T01:00:00+03:00")
    assert (
        date.begin
        == date.end
        == dt.datetime(2014, 12, 16, 1, tzinfo=dt.timezone(dt.timedelta(hours=3)))
    )
    assert date.begin_precision == "second"


@pytest.mark.parametrize(
    ("text", "approximate", "uncertain"),
    [("2014-12-16~", True, False), ("2014-12?", False, True), ("1917-11-07%", True, True)],
)
def test_qualifiers(text, approximate, uncertain):
    date = parse_date(text)
    assert (date.approximate, date.uncertain) == (approximate, uncertain)


def test_interval_with_mixed_precision():
    date = parse_date("2014-07-29/2014-08")
    assert (date.begin, date.end) == (dt.date(2014, 7, 29), dt.date(2014, 8, 31))
    assert (date.begin_precision, date.end_precision) == ("day", "month")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "2014-13-01",
        "2014-02-30",
        "yesterday",
        "2014-12-18/..",
        "2014-12/",
        "199X",
        "[2014,2015]",
        "2014-21",
        "2014-12-16/2014-12-01",
        "0000",
        None,
        "2014-12-16T25:00:00",
    ],
)
def test_rejected_dates_raise_date_error(text):
    with pytest.raises(DateError):
        parse_date(text)


def test_floating_days_compare_by_calendar():
    assert starts_certainly_after(parse_date("2014-12-16"), parse_date("2014-12-15"))
    assert not starts_certainly_after(parse_date("2014-12-15"), parse_date("2014-12-16"))
    assert not starts_certainly_after(parse_date("2014-12-16"), parse_date("2014-12-16"))


def test_coarse_precision_does_not_decide():
    month, day = parse_date("2014-12"), parse_date("2014-12-16")
    assert not starts_certainly_after(month, day)
    assert not starts_certainly_after(day, month)
    assert {"before", "after", "contains"} <= possible_allen_relations(month, day)


def test_instants_compare_in_utc():
    moscow = parse_date("2014-12-16T01:00:00+03:00")  # 2014-12-15T22:00Z
    london = parse_date("2014-12-15T23:00:00Z")
    assert possible_allen_relations(moscow, london) == {"before"}


def test_instant_against_floating_day_uses_local_clock():
    hike = parse_date("2014-12-16T01:00:00+03:00")
    assert possible_allen_relations(parse_date("2014-12-15"), hike) == {"before"}
    assert possible_allen_relations(hike, parse_date("2014-12-16")) >= {"starts", "during"}


def test_same_day_is_honestly_undecided():
    relations = possible_allen_relations(parse_date("2014-12-16"), parse_date("2014-12-16"))
    assert {"before", "equals", "after", "overlaps"} <= relations


@pytest.mark.parametrize(
    ("a", "b", "relation"),
    [
        ("1998", "2014", "before"),
        ("2014-12-12/2014-12-16", "2014-12-15", "contains"),
        ("2014-12-15", "2014-12-12/2014-12-16", "during"),
        ("2014-12-16T01:00:00+03:00", "2014-12-16T01:00:00+03:00", "equals"),
        ("2014-12-16T01:00:00+03:00", "2014-12-15T21:00:00Z", "after"),
    ],
)
def test_decided_allen_relations(a, b, relation):
    assert possible_allen_relations(parse_date(a), parse_date(b)) == {relation}


FAST_FORMS = [
    "1998",
    "1917-11-07",
    "2014-12",
    "2014-12-16~",
    "2014-12?",
    "1917-11-07%",
    "2014-02-28",
    "2016-02-29",
    "2014-07-29/2014-08-01",
    "1990-08/1990-09",
    "2014-02~/2014-03~",
    "2014-07-29/2014-08",
    "1998/2014",
    "0001",
    "9999-12-31",
]


@pytest.mark.parametrize("text", FAST_FORMS)
def test_fast_path_agrees_with_the_edtf_package(text):
    assert parse_date(text) == parse_with_edtf(text)


@pytest.mark.parametrize("text", ["2015-02-29", "2014-00", "2014-12-32", "2014-12-16~~"])
def test_fast_path_leaves_invalid_dates_to_the_edtf_package(text):
    with pytest.raises(DateError):
        parse_date(text)
    with pytest.raises(DateError):
        parse_with_edtf(text)


@pytest.mark.parametrize(
    ("text", "valid"),
    [("2014-12/2014-12-01", True), ("2014-12/2014-11-30", False), ("2015/2014-12", False)],
)
def test_an_interval_may_end_on_its_first_possible_day_not_before(text, valid):
    if valid:
        assert parse_date(text).end == dt.date(2014, 12, 1)
    else:
        with pytest.raises(DateError, match="ends before it begins"):
            parse_date(text)


def test_endpoints_are_computed_once_and_equal_fresh_ones():
    date = parse_date("2014-12-12/2014-12")
    assert date.start is date.start and date.finish is date.finish
    fresh = parse_with_edtf("2014-12-12/2014-12")  # a new object: nothing cached yet
    assert (fresh.start, fresh.finish) == (date.start, date.finish)
    assert date.finish.latest == dt.datetime(2014, 12, 31, 23, 59, 59, 999999)


def test_last_month_of_year_9999():
    assert parse_date("9999-12").end == dt.date(9999, 12, 31)


@pytest.mark.parametrize("text", ["0001-01-01T00:00:00+03:00", "9999-12-31T23:00:00-05:00"])
def test_an_instant_whose_offset_leaves_the_calendar_is_refused(text):
    """Found by the property tests: comparing such an instant on UTC overflowed."""
    with pytest.raises(DateError, match="outside the years 1 to 9999"):
        parse_date(text)
