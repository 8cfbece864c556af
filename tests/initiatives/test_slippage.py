"""The slippage rules of ``pmtui.core.slippage`` as tables of cases."""

from __future__ import annotations

from datetime import date

import pytest

from pmtui.core import slippage
from pmtui.core.slippage import Dates, Thresholds

TODAY = date(2026, 11, 26)
T = Thresholds(late_start_grace_days=0, slip_amber_days=5, slip_red_days=20)


def d(text):
    return date.fromisoformat(text) if text else None


def dates(ps=None, pf=None, as_=None, af=None) -> Dates:
    return Dates(d(ps), d(pf), d(as_), d(af))


# (case, dates (planned start, planned finish, actual start, actual finish), thresholds,
#  expected: state, forecast start, forecast finish, slip days, colour, rules with severity)
CASES = [
    ("late start: planned start passed, not started",
     ("2026-11-01", "2026-12-31", None, None), T,
     ("not_started", "2026-11-26", "2027-01-25", 25, "red", {"late_start": "red", "slip": "red"})),
    ("late start within the grace days",
     ("2026-11-23", "2026-12-23", None, None), Thresholds(5, 5, 20),
     ("not_started", "2026-11-26", "2026-12-26", 3, "grey", {})),
    ("late start one day past the grace days: amber, slip still under amber",
     ("2026-11-22", "2026-12-22", None, None), Thresholds(3, 5, 20),
     ("not_started", "2026-11-26", "2026-12-26", 4, "amber", {"late_start": "amber"})),
    ("late start on the day of the planned start is not late",
     ("2026-11-26", "2026-12-26", None, None), T,
     ("not_started", "2026-11-26", "2026-12-26", 0, "grey", {})),
    ("early start: started before plan, forecast ahead",
     ("2026-11-10", "2026-12-10", "2026-11-01", None), T,
     ("in_progress", "2026-11-01", "2026-12-01", -9, "green", {})),
    ("late actual start moves the forecast by the same days (amber)",
     ("2026-10-01", "2026-12-31", "2026-10-08", None), T,
     ("in_progress", "2026-10-08", "2027-01-07", 7, "amber", {"slip": "amber"})),
    ("started on time but past its planned finish: the forecast is today",
     ("2026-09-01", "2026-10-31", "2026-09-01", None), T,
     ("in_progress", "2026-09-01", "2026-11-26", 26, "red", {"slip": "red"})),
    ("finished late: slip from the actual finish, red",
     ("2026-03-01", "2026-05-31", "2026-03-01", "2026-06-25"), T,
     ("done", "2026-03-01", "2026-06-25", 25, "red", {"slip": "red"})),
    ("finished early", ("2026-03-01", "2026-05-31", "2026-03-01", "2026-05-20"), T,
     ("done", "2026-03-01", "2026-05-20", -11, "green", {})),
    ("finished on time", ("2026-03-01", "2026-05-31", "2026-03-03", "2026-05-31"), T,
     ("done", "2026-03-03", "2026-05-31", 0, "green", {})),
    ("finished within the amber tolerance", ("2026-03-01", "2026-05-31", "2026-03-01", "2026-06-04"), T,
     ("done", "2026-03-01", "2026-06-04", 4, "green", {})),
    ("not started, planned in the future", ("2027-01-04", "2027-03-26", None, None), T,
     ("not_started", "2027-01-04", "2027-03-26", 0, "grey", {})),
    ("no planned dates at all", (None, None, None, None), T,
     ("not_started", None, None, None, "grey", {})),
    ("no planned dates but started", (None, None, "2026-11-01", None), T,
     ("in_progress", "2026-11-01", None, None, "grey", {})),
    ("partial: deadline only, not yet due", (None, "2026-12-15", None, None), T,
     ("not_started", None, "2026-12-15", 0, "grey", {})),
    ("partial: deadline only, overdue", (None, "2026-11-10", None, None), T,
     ("not_started", None, "2026-11-26", 16, "amber", {"slip": "amber"})),
    ("partial: planned start only, passed", ("2026-11-01", None, None, None), T,
     ("not_started", "2026-11-26", None, None, "red", {"late_start": "red"})),
    ("threshold: slip exactly at amber", ("2026-10-01", "2026-12-31", "2026-10-06", None), T,
     ("in_progress", "2026-10-06", "2027-01-05", 5, "amber", {"slip": "amber"})),
    ("threshold: slip one day under amber", ("2026-10-01", "2026-12-31", "2026-10-05", None), T,
     ("in_progress", "2026-10-05", "2027-01-04", 4, "green", {})),
    ("threshold: slip exactly at red", ("2026-10-01", "2026-12-31", "2026-10-21", None), T,
     ("in_progress", "2026-10-21", "2027-01-20", 20, "red", {"slip": "red"})),
    ("threshold: per-initiative thresholds (amber 10, red 30)",
     ("2026-10-01", "2026-12-31", "2026-10-21", None), Thresholds(0, 10, 30),
     ("in_progress", "2026-10-21", "2027-01-20", 20, "amber", {"slip": "amber"})),
    ("threshold: amber 0 never alerts on zero slip", ("2026-10-01", "2026-12-31", "2026-10-01", None),
     Thresholds(0, 0, 0), ("in_progress", "2026-10-01", "2026-12-31", 0, "green", {})),
]


@pytest.mark.parametrize("case, given, thresholds, expected", CASES, ids=[c[0] for c in CASES])
def test_assess(case, given, thresholds, expected):
    result = slippage.assess(dates(*given), thresholds, TODAY)
    state, start, finish, slip, colour, rules = expected
    assert (result.state, result.forecast_start, result.forecast_finish, result.slip_days, result.colour) == (
        state, d(start), d(finish), slip, colour)
    assert {a.rule: a.severity for a in result.alerts} == rules


def test_evidence_carries_the_numbers_that_fired():
    result = slippage.assess(dates("2026-10-01", "2026-12-31", "2026-10-21", None), T, TODAY)
    [alert] = result.alerts
    assert alert.evidence == {
        "rule": "slip", "planned_start": "2026-10-01", "planned_finish": "2026-12-31", "actual_start": "2026-10-21",
        "actual_finish": None, "planned_duration_days": 91, "forecast_start": "2026-10-21",
        "forecast_finish": "2027-01-20", "slip_days": 20, "threshold": 20, "grace_days": 0, "amber_days": 5,
        "red_days": 20, "today": "2026-11-26"}
    assert alert.message == "forecast finish 2027-01-20 is 20 days after the planned finish 2026-12-31 (red from 20 days)"


def test_late_start_evidence_has_days_late_and_threshold():
    result = slippage.assess(dates("2026-11-16", "2026-12-18", None, None), Thresholds(3, 5, 20), TODAY)
    late = next(a for a in result.alerts if a.rule == "late_start")
    assert (late.severity, late.evidence["days_late"], late.evidence["threshold"]) == ("amber", 10, 3)
    assert "planned start 2026-11-16 was 10 days ago" in late.message


# (case, milestone dates, predecessors [(code, dates)], expected dependency severity or None)
DEPENDENCY_CASES = [
    ("started while the predecessor is unfinished", ("2026-10-01", "2026-12-31", "2026-10-01", None),
     [("M1", dates("2026-09-01", "2026-09-30", "2026-09-01", None))], "amber"),
    ("started before the predecessor finished", ("2026-10-01", "2026-12-31", "2026-10-01", None),
     [("M1", dates("2026-09-01", "2026-09-30", "2026-09-01", "2026-10-05"))], "amber"),
    ("started after the predecessor finished", ("2026-10-01", "2026-12-31", "2026-10-06", None),
     [("M1", dates("2026-09-01", "2026-09-30", "2026-09-01", "2026-10-05"))], None),
    ("started the day the predecessor finished", ("2026-10-01", "2026-12-31", "2026-10-05", None),
     [("M1", dates("2026-09-01", "2026-09-30", "2026-09-01", "2026-10-05"))], None),
    ("not started: no dependency alert", ("2026-12-01", "2026-12-31", None, None),
     [("M1", dates("2026-09-01", "2026-09-30", None, None))], None),
    ("finished: the risk is over", ("2026-10-01", "2026-10-31", "2026-10-01", "2026-10-30"),
     [("M1", dates("2026-09-01", "2026-09-30", "2026-09-01", None))], None),
]


@pytest.mark.parametrize("case, given, predecessors, expected", DEPENDENCY_CASES, ids=[c[0] for c in DEPENDENCY_CASES])
def test_dependency_rule(case, given, predecessors, expected):
    result = slippage.assess(dates(*given), T, TODAY, predecessors)
    found = {a.rule: a for a in result.alerts}
    assert (found["dependency"].severity if "dependency" in found else None) == expected
    if expected:
        assert found["dependency"].evidence["depends_on"][0]["milestone"] == "M1"


# (case, dates, percent, expected problem fragments)
PROBLEM_CASES = [
    ("fine", ("2026-01-01", "2026-02-01", "2026-01-02", "2026-02-03"), 100, []),
    ("planned finish before start", ("2026-02-01", "2026-01-01", None, None), None, ["planned finish 2026-01-01 is before"]),
    ("actual finish without start", ("2026-01-01", "2026-02-01", None, "2026-02-01"), None,
     ["an actual finish needs an actual start"]),
    ("actual finish before start", ("2026-01-01", "2026-02-01", "2026-02-01", "2026-01-15"), None,
     ["actual finish 2026-01-15 is before actual start 2026-02-01"]),
    ("actual start in the future", ("2026-01-01", "2027-02-01", "2026-12-01", None), None,
     ["actual start 2026-12-01 is in the future"]),
    ("percent over 100", ("2026-01-01", "2026-02-01", "2026-01-01", None), 120, ["between 0 and 100"]),
    ("percent below 0", ("2026-01-01", "2026-02-01", "2026-01-01", None), -1, ["between 0 and 100"]),
    ("percent without a start", ("2026-01-01", "2026-02-01", None, None), 10, ["needs an actual start"]),
    ("finished but not 100%", ("2026-01-01", "2026-02-01", "2026-01-01", "2026-02-01"), 80, ["100% complete"]),
]


@pytest.mark.parametrize("case, given, percent, expected", PROBLEM_CASES, ids=[c[0] for c in PROBLEM_CASES])
def test_problems(case, given, percent, expected):
    found = slippage.problems(dates(*given), TODAY, percent)
    assert len(found) == len(expected)
    for text, fragment in zip(found, expected):
        assert fragment in text


@pytest.mark.parametrize("text, expected", [
    ("2026-02-28", date(2026, 2, 28)), (None, None), ("", None), ("  ", None),
    ("2026-02-30", ValueError), ("26-02-01", ValueError), ("2026/02/01", ValueError), ("2026-2-1", ValueError),
    ("tomorrow", ValueError),
])
def test_parse_date(text, expected):
    if expected is ValueError:
        with pytest.raises(ValueError, match="planned_start"):
            slippage.parse_date(text, "planned_start")
    else:
        assert slippage.parse_date(text, "planned_start") == expected


@pytest.mark.parametrize("edges, new, expected", [
    ([], ("M1", "M2"), None),
    ([("M2", "M1")], ("M1", "M2"), ["M2", "M1"]),
    ([("M3", "M2"), ("M2", "M1")], ("M1", "M3"), ["M3", "M2", "M1"]),
    ([("M3", "M2"), ("M2", "M1")], ("M3", "M1"), None),
    ([], ("M1", "M1"), ["M1"]),
])
def test_creates_cycle(edges, new, expected):
    assert slippage.creates_cycle(edges, *new) == expected


@pytest.mark.parametrize("severities, expected", [([], None), (["amber"], "amber"), (["amber", "red"], "red"),
                                                  ([None, "amber"], "amber")])
def test_worst(severities, expected):
    assert slippage.worst(severities) == expected
