"""Pure rules with known answers: RACI checks, gaming detection and escalation paths."""

from __future__ import annotations

import pytest

from pmtui.core import escalation, gaming, raci
from pmtui.core.escalation import Rule
from pmtui.core.gaming import Point, Thresholds
from pmtui.core.raci import Entry

FULL = [("create", "DS", "R"), ("create", "UH", "A"), ("validate", "PL", "R"), ("validate", "FC", "A"),
        ("report", "AN", "R"), ("report", "PL", "A"), ("challenge", "AU", "R"), ("challenge", "SA", "A")]


def entries(cells, kpi="K"):
    return [Entry(kpi, a, r, letter) for a, r, letter in cells]


@pytest.mark.parametrize("change, expected", [
    ([], []),
    ([("validate", "UH", "A")], [("validate", "several_accountable", ("FC", "UH"))]),
    ([("-", "report", "AN")], [("report", "no_responsible", ())]),
    ([("-", "challenge", "SA")], [("challenge", "no_accountable", ())]),
    ([("-", "create", "DS"), ("-", "create", "UH")], [("create", "no_accountable", ()),
                                                      ("create", "no_responsible", ())]),
    ([("validate", "DS", "R")], [("validate", "creator_validates", ("DS",))]),
    ([("validate", "DS", "C")], []),                     # consulting on validation is fine
    ([("create", "SA", "C"), ("report", "EX", "I")], []),  # C and I never break a rule
])
def test_raci_rules_per_kpi_and_activity(change, expected):
    cells = list(FULL)
    for item in change:
        if item[0] == "-":
            cells = [c for c in cells if (c[0], c[1]) != (item[1], item[2])]
        else:
            cells.append(item)
    found = raci.check(["K"], entries(cells))
    assert [(v.activity, v.rule, v.roles) for v in found] == expected


def test_a_kpi_without_entries_is_reported_once_and_others_are_ignored():
    found = raci.check(["K", "EMPTY"], entries(FULL) + entries([("create", "X", "R")], kpi="OTHER"))
    assert [(v.kpi, v.activity, v.rule) for v in found] == [("EMPTY", None, "no_raci")]
    assert found[0].message == "EMPTY: no RACI entry for any activity"


@pytest.mark.parametrize("activity, letter, ok", [
    ("create", "R", True), ("challenge", "I", True), ("approve", "R", False), ("create", "X", False),
])
def test_check_entry(activity, letter, ok):
    if ok:
        raci.check_entry(activity, letter)
    else:
        with pytest.raises(ValueError):
            raci.check_entry(activity, letter)


def series(values, first="2025-01", targets=None, highs=None):
    """Points for consecutive months from ``first``."""
    from pmtui.core import periods
    out = []
    for i, v in enumerate(values):
        t = targets[i] if isinstance(targets, list) else targets
        h = highs[i] if isinstance(highs, list) else highs
        out.append(Point(periods.shift(first, i), v, t, h))
    return out


FLAT = [100, 102, 98, 101, 99, 100, 100, 99, 101, 98, 102, 100]          # a palindrome: mean 100, no trend
RISING = [90 + 2 * i for i in range(12)]                                  # 90 .. 112, +2/month


@pytest.mark.parametrize("direction, values, target, flagged, benchmark", [
    ("higher", FLAT, 95, False, None),      # 5 % below the mean: inside the 10 % margin
    ("higher", FLAT, 85, True, 100),        # 15 % below: sandbagged
    ("higher", FLAT, 110, False, None),     # more demanding than shown
    ("lower", FLAT, 105, False, None),
    ("lower", FLAT, 115, True, 100),        # lower is better: a higher target is the easy one
    ("higher", RISING, 108, False, None),   # below the trend (124) but above the mean (101): not both
    ("higher", RISING, 88, True, 101),      # below both: the benchmark is the less demanding (mean)
    ("higher", [112 - 2 * i for i in range(12)], 75, True, 88),   # falling: the trend is the benchmark
])
def test_sandbagging_against_mean_and_trend(direction, values, target, flagged, benchmark):
    found = gaming.sandbagging(direction, "2026-01", target, None, series(values), Thresholds())
    assert (found is not None) == flagged
    if flagged:
        ev = found.evidence
        assert ev["n"] == 12 and ev["first"] == "2025-01" and ev["last"] == "2025-12"
        assert ev["benchmark"] == pytest.approx(benchmark)
        assert ev["easier_by"] > 0.10 and found.period == "2026-01"


def test_sandbagging_projects_the_trend_to_the_target_period():
    found = gaming.sandbagging("higher", "2026-01", 50, None, series([112 - 2 * i for i in range(12)]), Thresholds())
    # mean 101 in the middle of 2025 (month 5.5); slope -2/month; 2026-01 is 6.5 months later.
    assert found.evidence["trend_per_month"] == pytest.approx(-2)
    assert found.evidence["projection"] == pytest.approx(101 - 2 * 6.5)
    assert found.evidence["benchmark"] == pytest.approx(88)


@pytest.mark.parametrize("values, target_period, min_points, expected", [
    (FLAT[:5], "2026-01", 6, None),          # too few values
    (FLAT, "2025-06", 6, None),               # only five values before the target's period
    (FLAT, "2025-08", 6, "sandbagging"),     # seven values before it are enough
])
def test_sandbagging_needs_enough_values_before_the_target(values, target_period, min_points, expected):
    found = gaming.sandbagging("higher", target_period, 80, None, series(values), Thresholds(min_points=min_points))
    assert (found.kind if found else None) == expected


@pytest.mark.parametrize("low, high, flagged", [
    (80, 120, True),      # natural limits about 94..106: the band cannot be missed
    (97, 103, False),     # narrower than the process
    (80, 104, False),     # one side is within reach
])
def test_band_sandbagging_compares_with_natural_limits(low, high, flagged):
    found = gaming.sandbagging("band", "2026-01", low, high, series(FLAT), Thresholds())
    assert (found is not None) == flagged
    if found:
        assert found.evidence["natural_low"] > low and found.evidence["natural_high"] < high


NOISY = [80, 95, 110, 88, 104, 120, 76, 99, 115, 85, 108, 92]            # baseline spread about 14


@pytest.mark.parametrize("direction, window_values, targets, flagged", [
    ("higher", [100.5, 101, 100.2, 101.5, 100, 100.8, 101.9, 100.1, 100.4, 101.2, 100.6, 101], 100, True),
    ("higher", [100.5, 101, 100.2, 99, 98, 97, 105, 108, 110, 104, 96, 101], 100, False),   # 4 of 12 hug
    ("lower", [99.5, 99, 99.8, 98.5, 100, 99.2, 98.1, 99.9, 99.6, 98.8, 99.4, 99], 100, True),
    ("lower", [100.5, 101, 100.2, 101.5, 100, 100.8, 101.9, 100.1, 100.4, 101.2, 100.6, 101], 100, False),
])
def test_hugging_share_just_on_the_right_side(direction, window_values, targets, flagged):
    points = series(NOISY, "2024-01") + series(window_values, "2025-01", targets=targets)
    found = gaming.hugging(direction, points, Thresholds())
    assert (found is not None) == flagged
    if flagged:
        ev = found.evidence
        assert ev["spread_from"] == "baseline" and ev["spread"] > 10
        assert ev["share"] >= 0.6 and ev["share"] >= 2 * ev["expected_share"]
        assert found.period == "2025-12" and ev["earlier_share"] is None  # the baseline had no targets


def test_hugging_explained_by_a_ceiling_is_not_flagged():
    # Accuracy pinned at 100 against a target of 100, before and during the window.
    points = series([100.0] * 24, "2024-01", targets=100)
    found = gaming.hugging("higher", points, Thresholds())
    assert found is None


def test_hugging_with_a_tight_process_is_explained_by_its_spread():
    # No history before the window: the window's own spread (tiny) explains the clustering.
    points = series([100.5, 101, 100.2, 101.5, 100, 100.8, 101.9, 100.1, 100.4, 101.2, 100.6, 101], targets=100)
    assert gaming.hugging("higher", points, Thresholds()) is None


def test_hugging_inside_a_band_near_its_edges():
    window = [90.5, 109.5, 91, 109, 90.2, 109.8, 90.9, 109.1, 90.4, 109.6, 90.1, 109.9]
    points = series(NOISY, "2024-01") + series(window, "2025-01", targets=90, highs=110)
    found = gaming.hugging("band", points, Thresholds())
    assert found is not None and found.evidence["hits"] == 12


@pytest.mark.parametrize("field, value", [
    ("window", 2), ("sandbag_margin", -0.1), ("hug_band", 0), ("hug_share", 1.5), ("hug_ratio", 0.5),
    ("min_points", 20),
])
def test_thresholds_are_validated(field, value):
    with pytest.raises(ValueError, match=field):
        Thresholds(**{field: value})


def test_explain_spells_out_the_numbers():
    found = gaming.sandbagging("higher", "2026-01", 85, None, series(FLAT), Thresholds())
    lines = gaming.explain(found.kind, found.evidence)
    assert lines[0].startswith("last 12 values 2025-01..2025-12: mean 100")
    assert "target 85 vs demonstrated 100: easier by 15% (margin 10%)" in lines[1]


PROCESS = [Rule(1, 0, "team", "PO"), Rule(2, 10, "business_unit", "UH"), Rule(3, 30, "region", "UH")]


@pytest.mark.parametrize("rules, problems", [
    (PROCESS, []),
    ([Rule(1, 0, "team", "PO"), Rule(3, 10, "region", "UH")], ["without gaps"]),
    ([Rule(1, 10, "team", "PO"), Rule(2, 5, "region", "UH")], ["less than step 1"]),
    ([Rule(1, 0, "region", "UH"), Rule(2, 5, "team", "PO")], ["goes down from region to team"]),
    ([Rule(1, 0, "division", "UH")], ["level must be one of"]),
])
def test_escalation_chain_checks(rules, problems):
    found = escalation.check_chain(rules)
    assert len(found) == len(problems) and all(p in f for p, f in zip(problems, found))


CHAIN = [("PLANT_B_MOULD", "team"), ("PLANT_B", "business_unit"), ("RGN_CENTRAL", "region"), ("GROUP", "group")]


@pytest.mark.parametrize("days, states, units", [
    (0, ["now", "next", "later"], ["PLANT_B_MOULD", "PLANT_B", "RGN_CENTRAL"]),
    (12, ["passed", "now", "next"], None),
    (30, ["passed", "passed", "now"], None),
])
def test_escalation_plan_marks_the_step_that_applies(days, states, units):
    planned = escalation.plan(PROCESS, CHAIN, days)
    assert [s.state for s in planned] == states
    assert [s.days_left for s in planned] == [max(0, d - days) for d in (0, 10, 30)]
    if units:
        assert [s.unit for s in planned] == units


def test_escalation_unit_never_goes_below_the_problem():
    # A problem at a business unit escalated at team level stays at the business unit.
    assert escalation.resolve_unit(CHAIN[1:], "team") == "PLANT_B"
    assert escalation.resolve_unit(CHAIN[1:], "group") == "GROUP"
    assert escalation.current_step(PROCESS, -1) is None
