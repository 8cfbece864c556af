"""Table-driven tests for pmtui.core.scoring."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

from pmtui.core.scoring import (
    AMBER_AT,
    GREEN_AT,
    Rollup,
    format_score,
    kpi_score,
    kpi_status,
    rollup,
    status_for_score,
)

A = float(Fraction(10, 3))  # amber cut-off
G = float(Fraction(20, 3))  # green cut-off

# (id, direction, value, target, amber, target_high, amber_high, score, status)
KPI_CASES = [
    # higher: target 80, amber 60 -> slope 1/6 point per unit
    ("higher-at-target", "higher", 80, 80, 60, None, None, G, "green"),
    ("higher-at-amber", "higher", 60, 80, 60, None, None, A, "amber"),
    ("higher-between", "higher", 70, 80, 60, None, None, 5.0, "amber"),
    ("higher-below-amber", "higher", 50, 80, 60, None, None, 5 / 3, "red"),
    ("higher-zero-point", "higher", 40, 80, 60, None, None, 0.0, "red"),
    ("higher-clamp-0", "higher", 10, 80, 60, None, None, 0.0, "red"),
    ("higher-over-target", "higher", 90, 80, 60, None, None, 25 / 3, "green"),
    ("higher-max-point", "higher", 100, 80, 60, None, None, 10.0, "green"),
    ("higher-clamp-10", "higher", 500, 80, 60, None, None, 10.0, "green"),
    ("higher-float-target", "higher", 0.3, 0.3, 0.1, None, None, G, "green"),
    ("higher-float-amber", "higher", 0.1, 0.3, 0.1, None, None, A, "amber"),
    ("higher-negative-range", "higher", -5, -5, -10, None, None, G, "green"),
    # lower: target 5, amber 10
    ("lower-at-target", "lower", 5, 5, 10, None, None, G, "green"),
    ("lower-at-amber", "lower", 10, 5, 10, None, None, A, "amber"),
    ("lower-between", "lower", 7.5, 5, 10, None, None, 5.0, "amber"),
    ("lower-above-amber", "lower", 12.5, 5, 10, None, None, 5 / 3, "red"),
    ("lower-clamp-0", "lower", 40, 5, 10, None, None, 0.0, "red"),
    ("lower-better-than-target", "lower", 2.5, 5, 10, None, None, 25 / 3, "green"),
    ("lower-clamp-10", "lower", -50, 5, 10, None, None, 10.0, "green"),
    ("lower-float-target", "lower", 0.7, 0.7, 0.9, None, None, G, "green"),
    # target == amber, amber None: pass/fail
    ("higher-eq-met", "higher", 80, 80, 80, None, None, 10.0, "green"),
    ("higher-eq-exceeded", "higher", 95, 80, 80, None, None, 10.0, "green"),
    ("higher-eq-missed", "higher", 79.9, 80, 80, None, None, 0.0, "red"),
    ("lower-eq-met", "lower", 5, 5, 5, None, None, 10.0, "green"),
    ("lower-eq-missed", "lower", 5.1, 5, 5, None, None, 0.0, "red"),
    ("higher-amber-none-met", "higher", 80, 80, None, None, None, 10.0, "green"),
    ("higher-amber-none-missed", "higher", 79, 80, None, None, None, 0.0, "red"),
    ("lower-amber-none-met", "lower", 4, 5, None, None, None, 10.0, "green"),
    ("lower-amber-none-missed", "lower", 6, 5, None, None, None, 0.0, "red"),
    # band: green 40..60, amber limits 30 (tolerance 10) and 80 (tolerance 20)
    ("band-centre", "band", 50, 40, 30, 60, 80, 10.0, "green"),
    ("band-low-edge", "band", 40, 40, 30, 60, 80, G, "green"),
    ("band-high-edge", "band", 60, 40, 30, 60, 80, G, "green"),
    ("band-inside", "band", 45, 40, 30, 60, 80, 25 / 3, "green"),
    ("band-below-half", "band", 35, 40, 30, 60, 80, 5.0, "amber"),
    ("band-low-amber-limit", "band", 30, 40, 30, 60, 80, A, "amber"),
    ("band-below-amber", "band", 25, 40, 30, 60, 80, 5 / 3, "red"),
    ("band-below-clamp-0", "band", 0, 40, 30, 60, 80, 0.0, "red"),
    ("band-above-half", "band", 70, 40, 30, 60, 80, 5.0, "amber"),
    ("band-high-amber-limit", "band", 80, 40, 30, 60, 80, A, "amber"),
    ("band-above-amber", "band", 90, 40, 30, 60, 80, 5 / 3, "red"),
    ("band-above-clamp-0", "band", 200, 40, 30, 60, 80, 0.0, "red"),
    ("band-float-low-edge", "band", 0.1, 0.1, 0.0, 0.7, 0.9, G, "green"),
    ("band-float-high-edge", "band", 0.7, 0.1, 0.0, 0.7, 0.9, G, "green"),
    ("band-zero-width", "band", 50, 50, 40, 50, 60, 10.0, "green"),
    ("band-zero-width-below", "band", 45, 50, 40, 50, 60, 5.0, "amber"),
    ("band-no-low-tolerance", "band", 39.9, 40, 40, 60, 80, 0.0, "red"),
    ("band-amber-none", "band", 39.9, 40, None, 60, 80, 0.0, "red"),
    ("band-no-high-tolerance", "band", 60.1, 40, 30, 60, 60, 0.0, "red"),
    ("band-amber-high-none", "band", 60.1, 40, 30, 60, None, 0.0, "red"),
    ("band-no-tolerance-inside", "band", 50, 40, None, 60, None, 10.0, "green"),
    # missing data
    ("higher-no-value", "higher", None, 80, 60, None, None, None, None),
    ("higher-no-target", "higher", 70, None, 60, None, None, None, None),
    ("lower-no-value", "lower", None, 5, 10, None, None, None, None),
    ("band-no-value", "band", None, 40, 30, 60, 80, None, None),
    ("band-no-target", "band", 50, None, 30, 60, 80, None, None),
    ("band-no-target-high", "band", 50, 40, 30, None, 80, None, None),
]
KPI_IDS = [case[0] for case in KPI_CASES]


@pytest.mark.parametrize(
    "direction, value, target, amber, target_high, amber_high, score, status",
    [case[1:] for case in KPI_CASES],
    ids=KPI_IDS,
)
def test_kpi_score_and_status(
    direction, value, target, amber, target_high, amber_high, score, status
):
    got = kpi_score(direction, value, target, amber, target_high, amber_high)
    if score is None:
        assert got is None
    else:
        assert got == pytest.approx(score, abs=1e-12)
        assert 0.0 <= got <= 10.0
    assert kpi_status(direction, value, target, amber, target_high, amber_high) == status


@pytest.mark.parametrize(
    "direction, value, target, amber, target_high, amber_high, score, status",
    [case[1:] for case in KPI_CASES],
    ids=KPI_IDS,
)
@pytest.mark.parametrize("weight", [0.1, 1, 7.3])
def test_single_item_rollup_keeps_status(
    direction, value, target, amber, target_high, amber_high, score, status, weight
):
    got = rollup([(kpi_score(direction, value, target, amber, target_high, amber_high), weight)])
    assert got.status == status


@pytest.mark.parametrize(
    "direction, value, target, amber, target_high, amber_high, message",
    [
        ("higher", 70, 80, 90, None, None, "amber must be <= target"),
        ("higher", None, 80, 90, None, None, "amber must be <= target"),
        ("lower", 7, 5, 2, None, None, "amber must be >= target"),
        ("band", 50, 40, 45, 60, 80, "amber <= target <= target_high"),
        ("band", 50, 60, 30, 40, 80, "amber <= target <= target_high"),
        ("band", 50, 40, 30, 60, 55, "amber <= target <= target_high"),
        ("band", None, 40, None, 60, 55, "amber <= target <= target_high"),
        ("sideways", 50, 40, 30, None, None, "unknown direction"),
        ("Higher", 50, 40, 30, None, None, "unknown direction"),
    ],
)
def test_invalid_thresholds_raise(
    direction, value, target, amber, target_high, amber_high, message
):
    with pytest.raises(ValueError, match=message):
        kpi_score(direction, value, target, amber, target_high, amber_high)
    with pytest.raises(ValueError, match=message):
        kpi_status(direction, value, target, amber, target_high, amber_high)


@pytest.mark.parametrize(
    "score, status",
    [
        (None, None),
        (0.0, "red"),
        (float(Fraction(10, 3)) - 1e-6, "red"),
        (float(Fraction(10, 3)), "amber"),
        (10 / 3, "amber"),
        (5.0, "amber"),
        (float(Fraction(20, 3)) - 1e-6, "amber"),
        (float(Fraction(20, 3)), "green"),
        (20 / 3, "green"),
        (6.666666666666666, "green"),  # one ulp below 20/3: float noise, still green
        (10.0, "green"),
    ],
)
def test_status_for_score_boundaries(score, status):
    assert status_for_score(score) == status


def test_constants_are_exact_thirds():
    assert Fraction(GREEN_AT).limit_denominator(100) == Fraction(20, 3)
    assert Fraction(AMBER_AT).limit_denominator(100) == Fraction(10, 3)


@pytest.mark.parametrize(
    "items, score, status, weight_scored, weight_total, coverage",
    [
        ([], None, None, 0.0, 0.0, None),
        ([(None, 1)], None, None, 0.0, 1.0, 0.0),
        ([(None, 1), (None, 2)], None, None, 0.0, 3.0, 0.0),
        ([(8.0, 1)], 8.0, "green", 1.0, 1.0, 1.0),
        ([(8.0, 1), (4.0, 1)], 6.0, "amber", 2.0, 2.0, 1.0),
        ([(10.0, 1), (0.0, 3)], 2.5, "red", 4.0, 4.0, 1.0),
        ([(8.0, 1), (None, 1)], 8.0, "green", 1.0, 2.0, 0.5),
        ([(10.0, 2), (None, 5), (4.0, 1)], 8.0, "green", 3.0, 8.0, 0.375),
        ([(10.0, 0), (4.0, 1)], 4.0, "amber", 1.0, 1.0, 1.0),
        ([(10.0, 0)], None, None, 0.0, 0.0, None),
        ([(10.0, 0), (None, 2)], None, None, 0.0, 2.0, 0.0),
        ([(G, 0.1), (G, 0.2), (G, 0.7)], G, "green", 1.0, 1.0, 1.0),
        ([(A, 0.1), (A, 0.2), (A, 0.7)], A, "amber", 1.0, 1.0, 1.0),
        ([(10.0, 1), (A, 1)], 10 / 3 + 10 / 3, "green", 2.0, 2.0, 1.0),
        (iter([(6.0, 1.5), (3.0, 0.5)]), 5.25, "amber", 2.0, 2.0, 1.0),
    ],
)
def test_rollup(items, score, status, weight_scored, weight_total, coverage):
    got = rollup(items)
    assert isinstance(got, Rollup)
    if score is None:
        assert got.score is None
    else:
        assert got.score == pytest.approx(score, abs=1e-12)
    assert got.status == status
    assert got.weight_scored == pytest.approx(weight_scored)
    assert got.weight_total == pytest.approx(weight_total)
    if coverage is None:
        assert got.coverage is None
    else:
        assert got.coverage == pytest.approx(coverage)


@pytest.mark.parametrize(
    "items",
    [
        [(5.0, -1)],
        [(5.0, 1), (None, -0.5)],
        [(5.0, math.nan)],
    ],
)
def test_rollup_rejects_bad_weight(items):
    with pytest.raises(ValueError, match="weight must be >= 0"):
        rollup(items)


@pytest.mark.parametrize(
    "score, text",
    [
        (None, "–"),
        (0.0, "0.0"),
        (10 / 3, "3.3"),
        (20 / 3, "6.7"),
        (5.0, "5.0"),
        (10.0, "10.0"),
    ],
)
def test_format_score(score, text):
    assert format_score(score) == text
