"""Pure rules of the measurement area: due dates, staleness, conflicts, ratings, word diffs."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from pmtui.core import freshness as f
from pmtui.core import ratings, textdiff
from pmtui.core.calendars import CalendarSpec

MONTHS = None
Q445 = CalendarSpec("4-4-5", 12, year_end="last")      # retail year ending on the last Saturday of December
R454 = CalendarSpec("4-5-4", 1)                         # NRF-style year ending near the end of January
APRIL = CalendarSpec("monthly", 4)                      # fiscal year from April


@pytest.mark.parametrize(("spec", "period", "frequency", "mode", "due_days", "expected"), [
    (MONTHS, "2026-10", "monthly", "periodic", 10, date(2026, 11, 10)),
    (MONTHS, "2026-02", "monthly", "periodic", 0, date(2026, 2, 28)),
    (MONTHS, "2024-02", "monthly", "periodic", 1, date(2024, 3, 1)),    # leap year
    (MONTHS, "2026-10", "monthly", "feed", 30, date(2026, 11, 1)),      # feeds: one day, whatever due_days
    (MONTHS, "2026-10", "quarterly", "periodic", 10, None),             # not a quarter end
    (MONTHS, "2026-09", "quarterly", "periodic", 10, date(2026, 10, 10)),
    (MONTHS, "2026-12", "yearly", "periodic", 15, date(2027, 1, 15)),
    (MONTHS, "2026-11", "yearly", "periodic", 15, None),
    (APRIL, "2026-06", "quarterly", "periodic", 5, date(2026, 7, 5)),   # Q1 of an April year
    (APRIL, "2026-03", "yearly", "periodic", 5, date(2026, 4, 5)),      # its year ends in March
    (APRIL, "2026-12", "yearly", "periodic", 5, None),
    (Q445, "2026-10", "monthly", "periodic", 5, date(2026, 10, 29)),    # period 10 ends Sat 24 Oct
    (Q445, "2026-11", "monthly", "periodic", 5, date(2026, 11, 26)),    # period 11 ends Sat 21 Nov
    (Q445, "2026-12", "monthly", "periodic", 0, date(2026, 12, 26)),    # 5-week period 12
    (Q445, "2026-09", "quarterly", "periodic", 10, date(2026, 10, 6)),  # quarter ends Sat 26 Sep
    (R454, "2026-10", "monthly", "periodic", 10, date(2026, 11, 10)),
    (R454, "2026-01", "monthly", "periodic", 0, date(2026, 1, 31)),     # last period of FY2025
    (R454, "2026-04", "quarterly", "periodic", 0, date(2026, 5, 2)),    # Q1: Feb-Apr (4-5-4 weeks)
])
def test_due_dates(spec, period, frequency, mode, due_days, expected):
    assert f.due_date(spec, period, frequency=frequency, mode=mode, due_days=due_days) == expected


@pytest.mark.parametrize(("spec", "period", "number", "start", "end"), [
    (MONTHS, "2026-10", 10, date(2026, 10, 1), date(2026, 10, 31)),
    (APRIL, "2026-04", 1, date(2026, 4, 1), date(2026, 4, 30)),
    (APRIL, "2027-03", 12, date(2027, 3, 1), date(2027, 3, 31)),
    (Q445, "2026-01", 1, date(2025, 12, 28), date(2026, 1, 24)),
    (Q445, "2026-03", 3, date(2026, 2, 22), date(2026, 3, 28)),
    (R454, "2026-02", 1, date(2026, 2, 1), date(2026, 2, 28)),
])
def test_fiscal_period_of_a_month(spec, period, number, start, end):
    p = f.fiscal_period(spec, period)
    assert (p.number, p.start, p.end) == (number, start, end)


@pytest.mark.parametrize(("due", "today", "status", "expected"), [
    (date(2026, 11, 10), date(2026, 11, 26), None, 16),
    (date(2026, 11, 10), date(2026, 11, 26), "draft", 16),
    (date(2026, 11, 10), date(2026, 11, 26), "rejected", 16),
    (date(2026, 11, 10), date(2026, 11, 26), "submitted", None),
    (date(2026, 11, 10), date(2026, 11, 26), "approved", None),
    (date(2026, 11, 26), date(2026, 11, 26), None, None),   # due today: not yet late
    (date(2026, 11, 25), date(2026, 11, 26), None, 1),
    (None, date(2026, 11, 26), None, None),                 # not a reporting period
])
def test_days_overdue(due, today, status, expected):
    assert f.days_overdue(due, today, status) == expected


NOW = datetime(2026, 11, 26, 9, tzinfo=timezone.utc)


@pytest.mark.parametrize(("hours_ago", "refresh", "latency", "expected"), [
    (0.5, "hourly", 0, None),
    (3, "hourly", 0, 2.0),
    (3, "hourly", 2, None),
    (72, "hourly", 1, 70.0),
    (23, "daily", 0, None),
    (30, "daily", 0, 6.0),
    (24 * 6, "weekly", 0, None),
    (24 * 30, "monthly", 0, None),
    (None, "daily", 0, float("inf")),
])
def test_feed_lateness(hours_ago, refresh, latency, expected):
    from datetime import timedelta
    last = None if hours_ago is None else NOW - timedelta(hours=hours_ago)
    assert f.feed_hours_late(last, NOW, refresh, latency) == expected


@pytest.mark.parametrize(("a", "b", "tolerance", "expected"), [
    (100, 102, 0.02, False),     # exactly 2 % of the larger value (102 -> 1.96 %)
    (100, 103, 0.02, True),
    (100, 98, 0.02, False),
    (100, 97.9, 0.02, True),
    (0, 0, 0.02, False),
    (0, 0.1, 0.02, True),
    (-100, -101, 0.02, False),
    (-100, 100, 0.5, True),
    (5316, 5113.99, 0.05, False),
])
def test_disagree(a, b, tolerance, expected):
    assert f.disagree(a, b, tolerance) is expected
    assert f.disagree(b, a, tolerance) is expected


@pytest.mark.parametrize(("readings", "stored", "expected"), [
    ([("ERP", 100.0), ("DWH", 100.5)], 100.0, []),
    ([("ERP", 100.0), ("DWH", 96.0)], None, [("DWH", "ERP")]),
    ([("ERP", 100.0), ("DWH", 96.0)], 100.0, [("DWH", "ERP"), ("DWH", "stored")]),
    ([("ERP", 90.0), ("DWH", 90.1)], 100.0, [("DWH", "stored"), ("ERP", "stored")]),
    ([("ERP", 100.0)], None, []),
    ([], 100.0, []),
])
def test_conflicts(readings, stored, expected):
    assert [(c.first, c.second) for c in f.conflicts(readings, stored, 0.02)] == expected


@pytest.mark.parametrize(("text", "ok"), [("0.02", True), ("0", True), ("1", True), ("1.5", False),
                                          ("-0.1", False), ("two", False)])
def test_tolerance_setting(text, ok):
    if ok:
        assert f.check_tolerance(text) == float(text)
    else:
        with pytest.raises(ValueError):
            f.check_tolerance(text)


@pytest.mark.parametrize(("value", "expected"), [(1, 1), ("5", 5), (" 3 ", 3)])
def test_rating_scale(value, expected):
    assert ratings.parse(value) == expected
    assert ratings.label(expected).startswith(str(expected))


@pytest.mark.parametrize("value", [0, 6, "x", "", "3.5"])
def test_rating_outside_the_scale(value):
    with pytest.raises(ValueError, match="critical"):
        ratings.parse(value)


@pytest.mark.parametrize(("standard", "variant", "diff", "summary"), [
    ("a b c", "a b c", "a b c", "+0 -0 words"),
    ("leavers / headcount", "voluntary leavers / headcount", "{+voluntary+} leavers / headcount", "+1 -0 words"),
    ("fuels burnt and energy", "fuels burnt, energy", "fuels [-burnt and-] {+burnt,+} energy", "+1 -2 words"),
    ("x y", "", "[-x y-]", "+0 -2 words"),
])
def test_word_diff(standard, variant, diff, summary):
    assert textdiff.word_diff(standard, variant) == diff
    assert textdiff.summary(standard, variant) == summary
