"""Tests for pmtui.core.spc (XmR charts) and pmtui.core.spc_vector (xmr_many).

Reference vectors come from NHSRplotthedots (github.com/nhs-r-community/NHSRplotthedots),
the R implementation of NHS England's "Making Data Count" rules; each test cites the
testthat file its numbers were taken from.
"""

from __future__ import annotations

import json
import math
import time

import numpy as np
import pandas as pd
import pytest

from pmtui.core.spc import (
    _assurance,
    _shift_points,
    _spread_back,
    _trend_points,
    _two_in_three_points,
    segment_limits,
    xmr,
)
from pmtui.core.spc_vector import xmr_many

# --- reference data --------------------------------------------------------------------

# R: set.seed(123); rnorm(20) -- the data of tests/testthat/test-ptd_spc_standard.R and
# test-ptd_spc.R (values as printed by pillar::glimpse in _snaps/ptd_spc_standard.md).
RNORM_123 = [
    -0.560475646552213, -0.23017748948328, 1.55870831414912, 0.070508391424576,
    0.129287735160946, 1.71506498688328, 0.460916205989202, -1.26506123460653,
    -0.686852851893526, -0.445661970099958, 1.22408179743946, 0.359813827057364,
    0.400771450594052, 0.11068271594512, -0.555841134754075, 1.78691313680308,
    0.497850478229239, -1.96661715662964, 0.701355901563686, -0.472791407727934,
]

# tests/testthat/_snaps/integration_tests.md, "ae_all attendances spc returns expected
# values": monthly A&E attendances (NHSRdatasets::ae_attendances summed by period,
# 2016-04 .. 2019-03), decoded from the serialised snapshot with the expected columns.
AE_ATTENDANCES = [
    1867781, 2070340, 1958802, 2079034, 1932901, 1952464, 2001816, 1907871, 1944567,
    1895272, 1735619, 2015834, 1949762, 2066789, 1994056, 2073944, 1924663, 1925961,
    2044137, 1976971, 2003954, 2000086, 1820012, 2049785, 1984369, 2164458, 2093942,
    2179896, 1997854, 2005695, 2079492, 2037847, 2047518, 2113413, 1954947, 2167550,
]

# Same file, "ae_all performance spc returns expected values":
# ptd_spc(ae_all(), performance, period, fix_after_n_points = 12).
AE_PERFORMANCE = [
    0.9003512724457525, 0.9027555860390081, 0.9055994429248081, 0.9028524786030435,
    0.909763097023593, 0.9064786853944554, 0.8905308979446662, 0.8837903610883545,
    0.8617594559611471, 0.851413411900772, 0.8753090395991286, 0.9000949482943537,
    0.9051525263083392, 0.8970035160821932, 0.9072518525056468, 0.9034785895858326,
    0.9029928875860346, 0.8966609396555797, 0.8994186788850258, 0.8876655246839736,
    0.8498503458662225, 0.8529918213516818, 0.8504476893558943, 0.8462121637147311,
    0.8857248828216929, 0.9039011151983545, 0.9076297242234981, 0.8931949047110505,
    0.8972702710007838, 0.8894368286304747, 0.8900933497219513, 0.8760446687116353,
    0.8644632183941728, 0.843525141560121, 0.8422525009629417, 0.8660427671795345,
]
# point_type column of that snapshot: c = common_cause, i = improvement, x = concern
AE_PERFORMANCE_TYPES = "ccccccccc" "xc" "iiiiiiii" "c" "xxxx" "ccccc" "xxxxxxx"
AE_PERFORMANCE_OUTSIDE = [9, 20, 21, 22, 23, 33, 34]  # its outside_limits column
TYPE_OF = {None: "c", "improvement": "i", "concern": "x", "neutral": "n"}
RULE_OF = {None: ".", "outside_limits": "O", "trend": "T", "two_in_three": "2", "shift": "S"}


def causes(result, start=0):
    return "".join(TYPE_OF[p.special_cause] for p in result.points[start:])


def rules(result, start=0):
    return "".join(RULE_OF[p.rule] for p in result.points[start:])


class TestReferenceVectors:
    def test_rnorm_limits(self):
        # _snaps/ptd_spc_standard.md (r1) and _snaps/ptd_spc.md: mean 0.1416238,
        # lpl -3.01138, upl 3.294627, 20 common-cause points
        r = xmr(RNORM_123)
        assert (r.mean, r.lpl, r.upl) == pytest.approx((0.1416238, -3.01138, 3.294627), rel=1e-6)
        assert causes(r) == "c" * 20
        assert r.variation == "common_cause"
        # relative_to_mean as printed in the glimpse
        rtm = [-1, -1, 1, -1, -1, 1, 1, -1, -1, -1, 1, 1, 1, -1, -1]
        assert [1 if p.value > r.mean else -1 for p in r.points[:15]] == rtm

    @pytest.mark.parametrize(
        ("screen", "expected"),
        [(True, (0.6694159, -2.383666, 3.722497)), (False, (0.6694159, -4.596625, 5.935457))],
    )
    def test_rnorm_outlier_screening(self, screen, expected):
        # test-ptd_spc_standard.R: data$y[15] <- 10, screen_outliers TRUE (r2) / FALSE (r3)
        y = list(RNORM_123)
        y[14] = 10.0
        r = xmr(y, screen_outliers=screen)
        assert (r.mean, r.lpl, r.upl) == pytest.approx(expected, rel=1e-6)

    @pytest.mark.parametrize(
        ("part", "expected"),
        [(slice(0, 10), (0.0746, -2.60, 2.75)), (slice(10, 20), (0.209, -3.28, 3.70))],
    )
    def test_rnorm_facets(self, part, expected):
        # _snaps/ptd_spc.md, facet_field = "facet" with facet <- rep(c(0, 1), each = 10)
        r = xmr(RNORM_123[part])
        assert (r.mean, r.lpl, r.upl) == pytest.approx(expected, abs=6e-3)
        assert causes(r) == "c" * 10

    def test_two_close_points_on_opposite_sides_are_common_cause(self):
        # test-ptd_spc_standard.R: rep(c(1, -1), 8) with points 15, 16 set to 5.5, -5.5
        y = [1.0, -1.0] * 8
        y[14], y[15] = 5.5, -5.5
        r = xmr(y)
        assert [p.special_cause for p in r.points[-2:]] == [None, None]

    def test_ae_attendances(self):
        r = xmr(AE_ATTENDANCES)
        assert r.mean == pytest.approx(2000538.9444444445, rel=1e-12)
        assert r.lpl == pytest.approx(1731844.3644444444, rel=1e-12)
        assert r.upl == pytest.approx(2269233.5244444446, rel=1e-12)
        assert causes(r) == "c" * 36
        lo2, hi2 = r.segments[0].two_sigma  # close_to_limits column: points 11, 23, 28
        assert [i for i, v in enumerate(AE_ATTENDANCES) if not lo2 <= v <= hi2] == [10, 22, 27]

    def test_ae_attendances_rebased(self):
        # "ae_all attendances spc with rebase": rebase = as.Date("2017-04-01") (13th month)
        r = xmr(AE_ATTENDANCES, rebase=[12])
        first, second = r.segments
        assert (first.start, first.stop, second.start, second.stop) == (0, 12, 12, 36)
        assert (first.mean, first.lpl, first.upl) == pytest.approx(
            (1946858.4166666667, 1639947.374848485, 2253769.4584848485), rel=1e-12
        )
        assert (second.mean, second.lpl, second.upl) == pytest.approx(
            (2027379.2083333333, 1772921.0639855072, 2281837.3526811595), rel=1e-12
        )
        assert (r.mean, r.upl) == (second.mean, second.upl)
        assert r.points[11].mean == first.mean and r.points[12].mean == second.mean

    def test_ae_performance_fixed_after_12_points(self):
        r = xmr(AE_PERFORMANCE, fix_after_n_points=12)
        assert r.mean == pytest.approx(0.8908915564349236, rel=1e-12)
        assert r.lpl == pytest.approx(0.8614049789074258, rel=1e-12)
        assert r.upl == pytest.approx(0.9203781339624213, rel=1e-12)
        assert causes(r) == AE_PERFORMANCE_TYPES
        assert [i for i, p in enumerate(r.points) if p.rule == "outside_limits"] == AE_PERFORMANCE_OUTSIDE
        assert rules(r) == "........." "O." "SSSSSSSS" "." "OOOO" "....." "SSSSOOS"
        assert r.variation == "special_cause_concern"

    def test_ae_performance_vectorised(self):
        frame = pd.DataFrame({"series": "ae", "value": AE_PERFORMANCE})
        res = xmr_many(frame, fix_after_n_points=12)
        got = "".join(TYPE_OF[None if pd.isna(c) else c] for c in res.points["special_cause"])
        assert got == AE_PERFORMANCE_TYPES
        assert res.series.loc["ae", "upl"] == pytest.approx(0.9203781339624213, rel=1e-12)


class TestReferenceRuleHelpers:
    """Vectors from tests/testthat/test-ptd_calculate_point_type.R."""

    @pytest.mark.parametrize(
        ("rtm", "expected"),
        [
            ([], []),
            ([1] * 6, [0] * 6),
            ([1] * 6 + [-1], [0] * 7),
            ([1] * 8 + [-1], [1] * 8 + [0]),
            ([-1] * 8 + [1], [1] * 8 + [0]),
            ([1] * 3 + [0] + [1] * 3, [0] * 7),
        ],
    )
    def test_shift(self, rtm, expected):
        # ptd_seven_point_one_side_mean, spread by ptd_part_of_seven_trend
        assert _shift_points(rtm, 7) == [bool(e) for e in expected]

    @pytest.mark.parametrize(
        ("ends", "expected"),
        [([0] * 6, [0] * 6), ([0] * 6 + [1, 0], [1] * 7 + [0]), ([0] * 7 + [1, 0], [0] + [1] * 7 + [0])],
    )
    def test_part_of_run(self, ends, expected):
        # ptd_part_of_seven_trend
        assert _spread_back([bool(e) for e in ends], 7) == [bool(e) for e in expected]

    @pytest.mark.parametrize(
        ("y", "expected"),
        [
            ([], []),
            ([1, 2, 3, 4, 5, 6], [0] * 6),
            ([1, 2, 3, 3, 4, 5, 6], [0] * 7),
            ([1, 2, 3, 4, 5, 6, 7], [1] * 7),
            ([2, 1, 2, 3, 4, 5, 6, 7, 3], [0] + [1] * 7 + [0]),
            ([7, 6, 5, 4, 3, 2, 1], [1] * 7),
            ([2, 7, 6, 5, 4, 3, 2, 1, 3], [0] + [1] * 7 + [0]),
        ],
    )
    def test_trend(self, y, expected):
        # ptd_seven_point_trend, spread by ptd_part_of_seven_trend
        assert _trend_points([float(v) for v in y], 7) == [bool(e) for e in expected]

    @pytest.mark.parametrize(
        ("close", "rtm", "expected"),
        [
            ([1, 0, 1], [1, 1, 1], [1, 0, 1]),
            ([0, 1, 1], [1, 1, 1], [0, 1, 1]),
            ([1, 1, 0], [1, 1, 1], [1, 1, 0]),
            ([0, 0, 1, 0, 1, 0, 0], [1] * 7, [0, 0, 1, 0, 1, 0, 0]),
            ([0, 0, 1, 1, 0, 0, 0], [1] * 7, [0, 0, 1, 1, 0, 0, 0]),
            ([1, 0, 0, 1], [1] * 4, [0] * 4),
            ([1, 0, 0, 1, 1], [1] * 5, [0, 0, 0, 1, 1]),
            ([1, 0, 1], [1, -1, 1], [0] * 3),
            ([0, 1, 1], [1, -1, 1], [0] * 3),
            ([0, 0, 1, 0, 1, 0, 0], [1, -1, 1, -1, 1, -1, 1], [0] * 7),
            ([0, 0, 1, 1, 0, 0, 0], [-1, 1, -1, 1, -1, 1, -1], [0] * 7),
        ],
    )
    def test_two_in_three(self, close, rtm, expected):
        # ptd_part_of_two_in_three(ptd_two_in_three(close, rtm), close)
        assert _two_in_three_points([bool(c) for c in close], rtm) == [bool(e) for e in expected]

    @pytest.mark.parametrize(
        ("lpl", "upl", "improvement", "expected"),
        [
            (1, 3, "increase", "consistent_fail"),
            (5, 7, "increase", "consistent_pass"),
            (1, 5, "increase", "inconsistent"),
            (1, 3, "decrease", "consistent_pass"),
            (5, 7, "decrease", "consistent_fail"),
            (1, 5, "decrease", "inconsistent"),
            (1, 3, "neutral", None),
        ],
    )
    def test_assurance(self, lpl, upl, improvement, expected):
        # test-ptd_calculate_assurance_type.R, target = 4
        direction = {"increase": 1, "decrease": -1, "neutral": 0}[improvement]
        assert _assurance(4, lpl, upl, direction) == expected


# --- synthetic rule tables -------------------------------------------------------------
# A 12-point baseline alternating +-1 has mean 0 and amr 2: limits +-5.32, 2-sigma lines
# +-3.547, 1-sigma +-1.773. Limits are fixed on it and the tail is judged against them.
DOWN = [1.0, -1.0] * 6  # ends below the mean
UP = [-1.0, 1.0] * 6  # ends above the mean
RISE = [-0.9, -0.6, -0.3, 0.05, 0.3, 0.6, 0.9]
FALL = [0.9, 0.6, 0.3, -0.05, -0.3, -0.6, -0.9]


def judge(base, tail, **kwargs):
    result = xmr(base + tail, fix_after_n_points=12, **kwargs)
    assert rules(result, 0)[:12] == "." * 12
    return result


RULE_CASES = {
    # shift: shift_length points on one side of the mean, a point on the mean breaks it
    "shift above": (DOWN, [0.5] * 7, {}, "SSSSSSS", "iiiiiii"),
    "shift below": (UP, [-0.5] * 7, {}, "SSSSSSS", "xxxxxxx"),
    "shift of 6 is not enough": (DOWN, [0.5] * 6, {}, "......", "cccccc"),
    "point on the mean breaks shift": (DOWN, [0.5] * 3 + [0.0] + [0.5] * 3, {}, "." * 7, "c" * 7),
    "long shift all flagged": (DOWN, [0.5] * 9, {}, "S" * 9, "i" * 9),
    "shift_length 6": (DOWN, [0.5] * 6, {"shift_length": 6}, "S" * 6, "i" * 6),
    "shift_length 8 needs 8": (DOWN, [0.5] * 7, {"shift_length": 8}, "." * 7, "c" * 7),
    "shift_length 8": (DOWN, [0.5] * 8, {"shift_length": 8}, "S" * 8, "i" * 8),
    # trend: strictly rising/falling, a tie breaks it, classified by direction of travel
    "rising trend across the mean": (UP, RISE, {}, "T" * 7, "i" * 7),
    "tie breaks trend": (UP, [-0.9, -0.6, -0.3, -0.3, 0.3, 0.6, 0.9], {}, "." * 7, "c" * 7),
    "trend of 6 is not enough": (UP, RISE[1:], {}, "." * 6, "c" * 6),
    "trend_length 6": (UP, RISE[1:], {"trend_length": 6}, "T" * 6, "i" * 6),
    "trend_length 8 needs 8": (UP, RISE, {"trend_length": 8}, "." * 7, "c" * 7),
    "falling trend": (DOWN, FALL, {}, "T" * 7, "x" * 7),
    "falling trend above the mean": (DOWN, [1.5, 1.2, 0.9, 0.6, 0.4, 0.2, 0.1], {}, "T" * 7, "x" * 7),
    "peak takes the next step": (
        UP, [-1.5, -1.0, -0.5, 0.1, 0.5, 1.0, 1.5, 1.0, 0.5, -0.1, -0.5, -1.0, -1.5], {},
        "T" * 13, "i" * 6 + "x" * 7,
    ),
    # two in three beyond 2 sigma (inside the limits), all three on one side
    "two of three high": (DOWN, [4.0, 0.5, 4.0], {}, "2.2", "ici"),
    "two of three low": (UP, [-4.0, -0.5, -4.0], {}, "2.2", "xcx"),
    "middle point on the other side": (DOWN, [4.0, -0.5, 4.0], {}, "...", "ccc"),
    "two in a row after a same-side point": (UP, [4.0, 4.0], {}, "22", "ii"),
    "two in a row after an other-side point": (DOWN, [4.0, 4.0], {}, "..", "cc"),
    "outside point is not close": (DOWN, [6.0, 4.0, 0.5], {}, "O..", "icc"),
    "too far apart": (DOWN, [4.0, 0.5, 0.5, 4.0], {}, "....", "cccc"),
    # precedence: outside_limits > trend > two_in_three > shift
    "outside beats trend": (UP, RISE[:-1] + [6.0], {}, "TTTTTTO", "i" * 7),
    "trend beats two in three": (UP, [-1.5, -1.0, -0.5, 0.1, 0.5, 3.7, 4.0], {}, "T" * 7, "i" * 7),
    "two in three beats shift": (DOWN, [0.5] * 5 + [4.0, 4.0], {}, "SSSSS22", "i" * 7),
    "outside beats shift": (DOWN, [0.5] * 6 + [6.0], {}, "SSSSSSO", "i" * 7),
    "trend beats shift": (DOWN, [1.5, 1.2, 0.9, 0.6, 0.4, 0.2, 0.1], {}, "T" * 7, "x" * 7),
}


@pytest.mark.parametrize(("base", "tail", "kwargs", "want_rules", "want_causes"), RULE_CASES.values(), ids=RULE_CASES)
def test_rules(base, tail, kwargs, want_rules, want_causes):
    result = judge(base, tail, **kwargs)
    assert rules(result, 12) == want_rules
    assert causes(result, 12) == want_causes


@pytest.mark.parametrize(
    ("improvement", "base", "tail", "want", "variation"),
    [
        ("increase", DOWN, [6.0], "i", "special_cause_improvement"),
        ("increase", DOWN, [-6.0], "x", "special_cause_concern"),
        ("decrease", DOWN, [6.0], "x", "special_cause_concern"),
        ("decrease", DOWN, [-6.0], "i", "special_cause_improvement"),
        ("neutral", DOWN, [6.0], "n", "special_cause_neutral"),
        ("neutral", DOWN, [-6.0], "n", "special_cause_neutral"),
        ("decrease", UP, RISE, "x" * 7, "special_cause_concern"),
        ("decrease", DOWN, FALL, "i" * 7, "special_cause_improvement"),
        ("neutral", UP, RISE, "n" * 7, "special_cause_neutral"),
        ("decrease", UP, [-0.5] * 7, "i" * 7, "special_cause_improvement"),
        ("neutral", DOWN, [4.0, 0.5, 4.0], "ncn", "special_cause_neutral"),
        ("increase", DOWN, [6.0, 0.5], "ic", "common_cause"),  # variation reads the last point
    ],
)
def test_improvement_direction(improvement, base, tail, want, variation):
    result = judge(base, tail, improvement=improvement)
    assert causes(result, 12) == want
    assert result.variation == variation


@pytest.mark.parametrize(
    ("values", "screen", "amr"),
    [
        ([1.0, 2.0] * 6 + [20.0], True, 1.0),  # the 18 moving range (>= 3.267 * 29/12) goes
        ([1.0, 2.0] * 6 + [20.0], False, 29 / 12),
        ([1.0, 2.0, 4.0, 3.0], True, 4 / 3),  # nothing to screen
        ([5.0] * 15, True, 0.0),  # all moving ranges zero: amr stays 0
        ([5.0], True, math.nan),
    ],
)
def test_screening(values, screen, amr):
    mean, got = segment_limits(values, screen_outliers=screen)
    assert mean == pytest.approx(sum(values) / len(values))
    assert got == pytest.approx(amr, nan_ok=True)
    assert xmr(values, screen_outliers=screen).amr == pytest.approx(amr, nan_ok=True)


def test_screening_is_a_single_pass():
    # dropping the 30 shrinks the amr so far that a second pass would drop the 6s too
    values = [0.0, 1.0] * 6 + [7.0, 1.0, 31.0]
    mrs = [1.0] * 11 + [6.0, 6.0, 30.0]
    amr0 = sum(mrs) / len(mrs)
    kept = [m for m in mrs if m < 3.267 * amr0]
    amr1 = sum(kept) / len(kept)
    assert kept == mrs[:-1] and 6.0 >= 3.267 * amr1
    assert segment_limits(values)[1] == pytest.approx(amr1)


@pytest.mark.parametrize(
    ("target", "improvement", "expected"),
    [
        (6.0, "increase", "consistent_fail"),
        (6.0, "decrease", "consistent_pass"),
        (-6.0, "increase", "consistent_pass"),
        (-6.0, "decrease", "consistent_fail"),
        (0.0, "increase", "inconsistent"),
        (5.0, "decrease", "inconsistent"),
        (6.0, "neutral", None),
        (None, "increase", None),
        (math.nan, "increase", None),
    ],
)
def test_assurance(target, improvement, expected):
    assert xmr(DOWN, target=target, improvement=improvement).assurance == expected


def test_assurance_uses_the_last_segment():
    values = DOWN + [v + 10 for v in DOWN]
    assert xmr(values, target=3.0).assurance == "inconsistent"  # limits -0.32 .. 10.32
    assert xmr(values, target=3.0, rebase=[12]).assurance == "consistent_pass"  # 4.68 .. 15.32


@pytest.mark.parametrize(
    ("n", "kwargs", "warned"),
    [
        (11, {}, ["0"]),
        (12, {}, []),
        (20, {"fix_after_n_points": 8}, ["0"]),
        (20, {"fix_after_n_points": 12}, []),
        (30, {"rebase": [20]}, ["20"]),
        (30, {"rebase": [10]}, ["0"]),
        (30, {"rebase": [12]}, []),
    ],
)
def test_short_baseline_warning(n, kwargs, warned):
    result = xmr((RNORM_123 * 2)[:n], **kwargs)
    assert len(result.warnings) == len(warned)
    for message, start in zip(result.warnings, warned):
        assert f"point {start} " in message and "12" in message


def test_fix_after_n_points():
    tail = [10.0, 10.0, 10.0]
    fixed = xmr(DOWN + tail, fix_after_n_points=12)
    assert (fixed.mean, fixed.amr, fixed.upl) == pytest.approx((0.0, 2.0, 5.32))
    assert rules(fixed, 12) == "OOO"
    floating = xmr(DOWN + tail)
    assert floating.mean == pytest.approx(2.0)
    assert xmr(DOWN + tail, fix_after_n_points=100).upl == floating.upl


def test_fix_after_n_points_applies_per_segment():
    values = DOWN + [3.0] + DOWN + [9.0, 9.0]
    r = xmr(values, rebase=[13], fix_after_n_points=12)
    assert [s.baseline_n for s in r.segments] == [12, 12]
    assert r.segments[1].mean == pytest.approx(0.0)
    assert rules(r)[-2:] == "OO"


def test_rebase_stops_runs_crossing_segments():
    values = DOWN + [0.5] * 4 + [0.5] * 3 + UP[:-1] + [0.0]
    assert "S" * 7 in rules(xmr(values))
    split = xmr(values, rebase=[16])
    assert "S" not in rules(split)
    assert [(s.start, s.stop) for s in split.segments] == [(0, 16), (16, len(values))]
    assert xmr(values, rebase=[0]).segments == xmr(values).segments


@pytest.mark.parametrize(
    "kwargs",
    [
        {"improvement": "up"},
        {"shift_length": 5},
        {"trend_length": 9},
        {"shift_length": 7.0},
        {"fix_after_n_points": 0},
        {"fix_after_n_points": 2.5},
        {"rebase": [40]},
        {"rebase": [-1]},
        {"rebase": [True]},
    ],
)
def test_invalid_options(kwargs):
    with pytest.raises(ValueError):
        xmr(RNORM_123, **kwargs)


@pytest.mark.parametrize("values", [[], [1.0, math.nan], [math.inf]])
def test_invalid_values(values):
    with pytest.raises(ValueError):
        xmr(values)


def test_to_dict_shape():
    r = xmr(DOWN + [6.0], improvement="increase", target=0.0, fix_after_n_points=12)
    d = r.to_dict()
    assert {"mean", "upl", "lpl", "points", "variation", "assurance"} <= set(d)
    assert d["points"][-1] == {"value": 6.0, "special_cause": "improvement", "rule": "outside_limits"}
    assert all(set(p) == {"value", "special_cause", "rule"} for p in d["points"])
    assert (d["variation"], d["assurance"]) == ("special_cause_improvement", "inconsistent")
    json.dumps(d, allow_nan=False)
    single = xmr([3.0]).to_dict()
    assert single["upl"] is None and single["mean"] == 3.0
    json.dumps(single, allow_nan=False)


def test_sigma_lines():
    seg = xmr(DOWN).segments[0]
    assert seg.one_sigma == pytest.approx((-2.66 * 2 / 3, 2.66 * 2 / 3))
    assert seg.two_sigma == pytest.approx((-2 * 2.66 * 2 / 3, 2 * 2.66 * 2 / 3))
    assert (seg.lpl, seg.upl) == pytest.approx((-5.32, 5.32))


# --- xmr_many --------------------------------------------------------------------------


def random_frame(seed, *, n_series=120, ragged=True, outliers=False, rebase=False, integers=False):
    rng = np.random.default_rng(seed)
    parts = []
    for s in range(n_series):
        n = int(rng.integers(1, 50)) if ragged else 30
        drift = rng.choice([0.0, 0.3, 1.0])
        y = rng.normal(size=n).cumsum() * drift + rng.normal(size=n) + rng.choice([0, 3]) * (np.arange(n) > n // 2)
        if n > 8 and rng.random() < 0.4:  # a strictly monotone stretch, to exercise trends
            k, at = int(rng.integers(5, 10)), int(rng.integers(0, n - 4))
            y[at : at + k] = y[at] + rng.choice([-1, 1]) * rng.uniform(0.6, 1.5) * np.arange(len(y[at : at + k]))
        if outliers:
            spikes = rng.random(n) < 0.05
            y[spikes] += rng.choice([-8, 8], spikes.sum())
        if integers:
            y = np.round(y * 2)
        part = pd.DataFrame(
            {
                "series": f"s{s}",
                "value": y,
                "improvement": rng.choice(["increase", "decrease", "neutral"]),
                "target": rng.choice([np.nan, rng.normal()]),
            }
        )
        if rebase:
            part["rebase"] = rng.random(n) < 0.06
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def assert_matches_scalar(frame, **kwargs):
    res = xmr_many(frame, **kwargs)
    for label, rows in frame.groupby("series", sort=False):
        rebase = np.flatnonzero(rows["rebase"].to_numpy()).tolist() if "rebase" in rows else ()
        target = rows["target"].iloc[0]
        x = xmr(
            rows["value"].tolist(),
            improvement=rows["improvement"].iloc[0],
            target=None if pd.isna(target) else float(target),
            rebase=rebase,
            **kwargs,
        )
        pts = res.points.loc[rows.index]
        assert [None if pd.isna(v) else v for v in pts["rule"]] == [p.rule for p in x.points], label
        assert [None if pd.isna(v) else v for v in pts["special_cause"]] == [p.special_cause for p in x.points]
        assert pts["upl"].to_numpy() == pytest.approx([p.upl for p in x.points], rel=1e-9, abs=1e-12, nan_ok=True)
        row = res.series.loc[label]
        assert row["variation"] == x.variation
        assert (None if pd.isna(row["assurance"]) else row["assurance"]) == x.assurance
        got = (row["mean"], row["amr"], row["upl"], row["lpl"])
        assert got == pytest.approx((x.mean, x.amr, x.upl, x.lpl), rel=1e-9, abs=1e-12, nan_ok=True)
        assert bool(row["short_warning"]) == bool(x.warnings)
        assert row["n"] == len(rows)
    return res


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize(
    ("frame_kwargs", "kwargs"),
    [
        ({}, {}),
        ({"outliers": True}, {}),
        ({"outliers": True}, {"screen_outliers": False}),
        ({"ragged": False}, {}),
        ({"ragged": False, "outliers": True}, {"fix_after_n_points": 12}),
        ({"integers": True}, {}),
        ({"integers": True, "rebase": True}, {"fix_after_n_points": 12}),
        ({"rebase": True, "outliers": True}, {"shift_length": 6, "trend_length": 8}),
        ({"integers": True}, {"shift_length": 8, "trend_length": 6}),
    ],
)
def test_xmr_many_agrees_with_xmr(seed, frame_kwargs, kwargs):
    res = assert_matches_scalar(random_frame(seed, **frame_kwargs), **kwargs)
    assert set(res.points["rule"].dropna()) == {"outside_limits", "trend", "two_in_three", "shift"}


@pytest.mark.parametrize("rebase", [False, True])
def test_xmr_many_interleaved_rows(rebase):
    frame = random_frame(7, n_series=40, rebase=rebase)
    # series interleaved row by row; each series keeps its own row order
    interleaved = frame.iloc[np.argsort(frame.groupby("series").cumcount().to_numpy(), kind="stable")]
    res = assert_matches_scalar(interleaved)
    assert res.points.index.equals(interleaved.index)


def test_xmr_many_scalar_defaults():
    frame = pd.DataFrame({"series": ["a"] * 13 + ["b"] * 13, "value": (DOWN + [6.0]) * 2})
    res = xmr_many(frame, improvement="decrease", target=-6.0, fix_after_n_points=12)
    assert list(res.series["variation"]) == ["special_cause_concern"] * 2
    assert list(res.series["assurance"]) == ["consistent_fail"] * 2  # target below lpl


@pytest.mark.parametrize(
    "frame",
    [
        pd.DataFrame({"series": ["a"], "val": [1.0]}),
        pd.DataFrame({"series": ["a", "a"], "value": [1.0, np.nan]}),
        pd.DataFrame({"series": ["a"], "value": [1.0], "improvement": ["up"]}),
        pd.DataFrame({"series": [], "value": []}),
    ],
)
def test_xmr_many_invalid(frame):
    with pytest.raises(ValueError):
        xmr_many(frame)


def test_xmr_many_timing():
    rng = np.random.default_rng(42)
    n_series, n_points = 20_000, 60
    frame = pd.DataFrame(
        {
            "series": np.repeat(np.arange(n_series), n_points),
            "value": rng.normal(size=n_series * n_points),
            "improvement": np.repeat(rng.choice(["increase", "decrease", "neutral"], n_series), n_points),
            "target": np.repeat(rng.normal(size=n_series), n_points),
        }
    )
    start = time.perf_counter()
    res = xmr_many(frame)
    elapsed = time.perf_counter() - start
    print(f"\nxmr_many: {n_series} series x {n_points} points in {elapsed:.3f}s")
    assert len(res.series) == n_series and len(res.points) == n_series * n_points
