"""Tests for pmtui.core.calendars: table-driven, each row a calendar fact."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from pmtui.core.calendars import (
    CalendarSpec,
    Period,
    fiscal_year,
    map_periods,
    overlap_days,
    period_for_date,
)

D = date.fromisoformat
# NRF 4-5-4: year ends on the Saturday nearest January 31, labelled by start year.
NRF = CalendarSpec(pattern="4-5-4", month=1, year_end="nearest", weekday="saturday")


# NRF publishes FY'00, FY'06, FY'12, FY'17 and FY'23 as its 53-week years
# (nrf.com "4-5-4 Calendar: an explanation of the 53-week year").
@pytest.mark.parametrize(
    ("year", "start", "end", "weeks"),
    [
        (2000, "2000-01-30", "2001-02-03", 53),
        (2006, "2006-01-29", "2007-02-03", 53),
        (2011, "2011-01-30", "2012-01-28", 52),
        (2012, "2012-01-29", "2013-02-02", 53),
        (2017, "2017-01-29", "2018-02-03", 53),
        (2018, "2018-02-04", "2019-02-02", 52),
        (2023, "2023-01-29", "2024-02-03", 53),
        (2024, "2024-02-04", "2025-02-01", 52),
        (2025, "2025-02-02", "2026-01-31", 52),
    ],
)
def test_nrf_fiscal_years(year, start, end, weeks):
    fy = fiscal_year(NRF, year)
    assert (fy.fiscal_year, fy.start, fy.end, fy.weeks) == (year, D(start), D(end), weeks)


def test_nrf_53_week_years_between_2000_and_2030():
    long_years = [y for y in range(2000, 2031) if fiscal_year(NRF, y).weeks == 53]
    assert long_years == [2000, 2006, 2012, 2017, 2023, 2028]


@pytest.mark.parametrize(
    ("number", "start", "end", "weeks"),
    [
        (1, "2012-01-29", "2012-02-25", 4),
        (2, "2012-02-26", "2012-03-31", 5),
        (3, "2012-04-01", "2012-04-28", 4),
        (11, "2012-11-25", "2012-12-29", 5),
        # The 53rd week lands in P12, turning its usual 4 weeks into 5.
        (12, "2012-12-30", "2013-02-02", 5),
    ],
)
def test_nrf_2012_period_boundaries(number, start, end, weeks):
    period = fiscal_year(NRF, 2012).periods[number - 1]
    assert period == Period(2012, number, D(start), D(end), weeks)


def test_to_dict_matches_cli_json_contract():
    data = fiscal_year(NRF, 2012).to_dict()
    assert json.loads(json.dumps(data)) == data
    assert list(data) == ["fiscal_year", "start", "end", "weeks", "periods"]
    assert data["fiscal_year"] == 2012
    assert (data["start"], data["end"], data["weeks"]) == ("2012-01-29", "2013-02-02", 53)
    assert len(data["periods"]) == 12
    assert data["periods"][0] == {"number": 1, "start": "2012-01-29", "end": "2012-02-25", "weeks": 4}
    assert data["periods"][11] == {"number": 12, "start": "2012-12-30", "end": "2013-02-02", "weeks": 5}


def test_to_dict_monthly_weeks_are_null_at_both_levels():
    data = fiscal_year(CalendarSpec("monthly", 4), 2024).to_dict()
    assert data["weeks"] is None
    assert all(p["weeks"] is None for p in data["periods"])
    assert data["periods"][0] == {"number": 1, "start": "2024-04-01", "end": "2024-04-30", "weeks": None}


# Last Saturday of January: 2012-01-28, 2013-01-26, 2014-01-25, 2015-01-31, 2016-01-30.
@pytest.mark.parametrize(
    ("year", "start", "end", "weeks"),
    [
        (2012, "2012-01-29", "2013-01-26", 52),
        (2013, "2013-01-27", "2014-01-25", 52),
        (2014, "2014-01-26", "2015-01-31", 53),
        (2015, "2015-02-01", "2016-01-30", 52),
    ],
)
def test_last_saturday_of_january(year, start, end, weeks):
    fy = fiscal_year(CalendarSpec("4-5-4", 1, year_end="last"), year)
    assert (fy.start, fy.end, fy.weeks) == (D(start), D(end), weeks)
    assert fy.end.weekday() == 5 and fy.end.month == 1


# Year ending on the Saturday nearest December 31 can start or end outside its
# label's calendar year; month 12 means start and end labels coincide.
@pytest.mark.parametrize("label", ["start", "end"])
@pytest.mark.parametrize(
    ("year", "start", "end", "weeks"),
    [
        (2020, "2019-12-29", "2021-01-02", 53),
        (2021, "2021-01-03", "2022-01-01", 52),
        (2022, "2022-01-02", "2022-12-31", 52),
        (2023, "2023-01-01", "2023-12-30", 52),
    ],
)
def test_december_year_end_spills_across_new_year(label, year, start, end, weeks):
    fy = fiscal_year(CalendarSpec("4-4-5", 12, label=label), year)
    assert (fy.fiscal_year, fy.start, fy.end, fy.weeks) == (year, D(start), D(end), weeks)


@pytest.mark.parametrize(
    ("pattern", "year", "period_weeks", "quarter_weeks"),
    [
        ("4-4-5", 2018, (4, 4, 5) * 4, (13, 13, 13, 13)),
        ("4-4-5", 2012, (4, 4, 5) * 3 + (4, 4, 6), (13, 13, 13, 14)),
        ("4-5-4", 2018, (4, 5, 4) * 4, (13, 13, 13, 13)),
        ("4-5-4", 2012, (4, 5, 4) * 3 + (4, 5, 5), (13, 13, 13, 14)),
        ("5-4-4", 2018, (5, 4, 4) * 4, (13, 13, 13, 13)),
        ("5-4-4", 2012, (5, 4, 4) * 3 + (5, 4, 5), (13, 13, 13, 14)),
    ],
)
def test_pattern_week_counts(pattern, year, period_weeks, quarter_weeks):
    fy = fiscal_year(CalendarSpec(pattern, 1), year)
    weeks = tuple(p.weeks for p in fy.periods)
    assert weeks == period_weeks
    assert tuple(sum(weeks[q * 3:q * 3 + 3]) for q in range(4)) == quarter_weeks
    assert sum(weeks) == fy.weeks


@pytest.mark.parametrize(
    ("spec", "year", "start", "end", "checks"),
    [
        (CalendarSpec("monthly", 1), 2024, "2024-01-01", "2024-12-31",
         {2: ("2024-02-01", "2024-02-29"), 12: ("2024-12-01", "2024-12-31")}),
        (CalendarSpec("monthly", 1, label="end"), 2024, "2024-01-01", "2024-12-31",
         {1: ("2024-01-01", "2024-01-31")}),
        (CalendarSpec("monthly", 4), 2024, "2024-04-01", "2025-03-31",
         {1: ("2024-04-01", "2024-04-30"), 10: ("2025-01-01", "2025-01-31"),
          11: ("2025-02-01", "2025-02-28"), 12: ("2025-03-01", "2025-03-31")}),
        (CalendarSpec("monthly", 4, label="end"), 2025, "2024-04-01", "2025-03-31",
         {1: ("2024-04-01", "2024-04-30"), 12: ("2025-03-01", "2025-03-31")}),
        (CalendarSpec("monthly", 12, label="end"), 2025, "2024-12-01", "2025-11-30",
         {1: ("2024-12-01", "2024-12-31"), 2: ("2025-01-01", "2025-01-31")}),
    ],
)
def test_monthly_calendars(spec, year, start, end, checks):
    fy = fiscal_year(spec, year)
    assert (fy.fiscal_year, fy.start, fy.end, fy.weeks) == (year, D(start), D(end), None)
    for number, (p_start, p_end) in checks.items():
        period = fy.periods[number - 1]
        assert (period.number, period.start, period.end, period.weeks) == (number, D(p_start), D(p_end), None)


@pytest.mark.parametrize(
    ("spec", "label", "start", "end"),
    [
        (NRF, 2012, "2012-01-29", "2013-02-02"),
        (CalendarSpec("4-5-4", 1, label="end"), 2013, "2012-01-29", "2013-02-02"),
        (CalendarSpec("monthly", 4), 2024, "2024-04-01", "2025-03-31"),
        (CalendarSpec("monthly", 4, label="end"), 2025, "2024-04-01", "2025-03-31"),
    ],
)
def test_label_start_versus_end(spec, label, start, end):
    fy = fiscal_year(spec, label)
    assert (fy.fiscal_year, fy.start, fy.end) == (label, D(start), D(end))
    assert all(p.fiscal_year == label for p in fy.periods)


@pytest.mark.parametrize(
    ("spec", "day", "fy", "number"),
    [
        (NRF, "2012-01-28", 2011, 12),
        (NRF, "2012-01-29", 2012, 1),
        (NRF, "2012-02-25", 2012, 1),
        (NRF, "2012-02-26", 2012, 2),
        (NRF, "2012-12-31", 2012, 12),
        (NRF, "2013-02-02", 2012, 12),
        (NRF, "2013-02-03", 2013, 1),
        (CalendarSpec("4-5-4", 1, label="end"), "2013-02-02", 2013, 12),
        (CalendarSpec("4-4-5", 12), "2019-12-29", 2020, 1),
        (CalendarSpec("4-4-5", 12), "2022-01-01", 2021, 12),
        (CalendarSpec("monthly", 1), "2024-12-31", 2024, 12),
        (CalendarSpec("monthly", 1), "2025-01-01", 2025, 1),
        (CalendarSpec("monthly", 4), "2024-03-31", 2023, 12),
        (CalendarSpec("monthly", 4), "2024-04-01", 2024, 1),
        (CalendarSpec("monthly", 4, label="end"), "2024-04-01", 2025, 1),
        (CalendarSpec("monthly", 4, label="end"), "2025-03-31", 2025, 12),
    ],
)
def test_period_for_date_on_boundaries(spec, day, fy, number):
    period = period_for_date(spec, D(day))
    assert (period.fiscal_year, period.number) == (fy, number)
    assert period.start <= D(day) <= period.end


ROUND_TRIP_SPECS = [
    NRF,
    CalendarSpec("4-4-5", 12),
    CalendarSpec("5-4-4", 6, year_end="last", weekday="sunday", label="end"),
    CalendarSpec("monthly", 1),
    CalendarSpec("monthly", 7, label="end"),
]


@pytest.mark.parametrize("spec", ROUND_TRIP_SPECS)
def test_years_tile_without_gaps_and_every_day_maps_back(spec):
    for year in range(2010, 2031):
        fy = fiscal_year(spec, year)
        assert fy.start == fiscal_year(spec, year - 1).end + timedelta(days=1)
        assert sum(p.days for p in fy.periods) == (fy.end - fy.start).days + 1
        for prev, nxt in zip(fy.periods, fy.periods[1:]):
            assert nxt.start == prev.end + timedelta(days=1)
    day, last = D("2012-01-01"), D("2028-12-31")
    while day <= last:
        period = period_for_date(spec, day)
        assert period in fiscal_year(spec, period.fiscal_year).periods
        day += timedelta(days=1)


RETAIL_445 = CalendarSpec("4-4-5", 12)  # FY2024 = 2023-12-31..2024-12-28
MONTHLY_JAN = CalendarSpec("monthly", 1)


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (1, [(2023, 12, 1), (2024, 1, 27)]),    # 2023-12-31..2024-01-27
        (2, [(2024, 1, 4), (2024, 2, 24)]),     # 2024-01-28..2024-02-24
        (3, [(2024, 2, 5), (2024, 3, 30)]),     # 2024-02-25..2024-03-30, leap February
        (12, [(2024, 11, 7), (2024, 12, 28)]),  # 2024-11-24..2024-12-28, 5 weeks
    ],
)
def test_map_445_periods_onto_calendar_months(number, expected):
    source = fiscal_year(RETAIL_445, 2024).periods[number - 1]
    mapped = map_periods(RETAIL_445, source, MONTHLY_JAN)
    assert [(p.fiscal_year, p.number, days) for p, days in mapped] == expected
    assert sum(days for _, days in mapped) == source.days


@pytest.mark.parametrize(
    ("source_spec", "target_spec"),
    [(RETAIL_445, MONTHLY_JAN), (MONTHLY_JAN, RETAIL_445), (NRF, CalendarSpec("monthly", 4))],
)
def test_map_periods_overlaps_sum_to_source_length(source_spec, target_spec):
    for source in fiscal_year(source_spec, 2024).periods:
        mapped = map_periods(source_spec, source, target_spec)
        assert all(days > 0 for _, days in mapped)
        assert sum(days for _, days in mapped) == source.days


@pytest.mark.parametrize(
    ("a", "b", "days"),
    [
        (("2024-01-01", "2024-01-31"), ("2024-02-01", "2024-02-29"), 0),
        (("2024-01-01", "2024-01-31"), ("2024-01-31", "2024-02-29"), 1),
        (("2024-01-01", "2024-01-31"), ("2024-01-10", "2024-01-19"), 10),
        (("2024-01-01", "2024-01-31"), ("2024-01-01", "2024-01-31"), 31),
        (("2024-03-01", "2024-03-31"), ("2024-01-01", "2024-01-31"), 0),
    ],
)
def test_overlap_days(a, b, days):
    pa = Period(2024, 1, D(a[0]), D(a[1]), None)
    pb = Period(2024, 2, D(b[0]), D(b[1]), None)
    assert overlap_days(pa, pb) == overlap_days(pb, pa) == days


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"pattern": "4-4-4", "month": 1}, "unknown pattern"),
        ({"pattern": "monthly", "month": 0}, "month must be"),
        ({"pattern": "monthly", "month": 13}, "month must be"),
        ({"pattern": "monthly", "month": True}, "month must be"),
        ({"pattern": "4-5-4", "month": "1"}, "month must be"),
        ({"pattern": "4-5-4", "month": 1, "year_end": "first"}, "unknown year_end"),
        ({"pattern": "4-5-4", "month": 1, "weekday": "sat"}, "unknown weekday"),
        ({"pattern": "4-5-4", "month": 1, "label": "middle"}, "unknown label"),
    ],
)
def test_invalid_specs_raise_value_error(kwargs, message):
    with pytest.raises(ValueError, match=message):
        CalendarSpec(**kwargs)
