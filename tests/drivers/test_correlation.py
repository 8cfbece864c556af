"""Correlation maths with known answers: Pearson, alignment by period, best lag, pooling."""

from __future__ import annotations

import math
import random

import pytest

from pmtui.core import correlation as cc
from pmtui.core.periods import shift


def months(n, first="2023-01"):
    return [shift(first, i) for i in range(n)]


@pytest.mark.parametrize("xs, ys, r", [
    ([1, 2, 3, 4], [2, 4, 6, 8], 1.0),
    ([1, 2, 3, 4], [8, 6, 4, 2], -1.0),
    ([1, 2, 3, 4, 5], [2, 1, 4, 3, 5], 0.8),
    ([1, 2, 3], [5, 5, 5], None),       # flat series: undefined
    ([1], [2], None),
])
def test_pearson(xs, ys, r):
    assert cc.pearson(xs, ys) == (None if r is None else pytest.approx(r))


@pytest.mark.parametrize("r, label", [
    (0.95, "strong"), (-0.7, "strong"), (0.69, "moderate"), (-0.4, "moderate"), (0.39, "weak"), (0.0, "weak"),
    (None, "not enough data"),
])
def test_strength(r, label):
    assert cc.strength(r) == label


@pytest.mark.parametrize("lead, lag, sign", [
    ("higher", "higher", 1), ("lower", "lower", 1), ("higher", "lower", -1), ("lower", "higher", -1),
    ("band", "higher", None),
])
def test_expected_sign(lead, lag, sign):
    assert cc.expected_sign(lead, lag) == sign


def test_aligned_pairs_lagging_t_with_leading_t_minus_k_and_skips_gaps():
    leading = {"2024-01": 1.0, "2024-02": 2.0, "2024-04": 4.0}
    lagging = {"2024-03": 30.0, "2024-04": 40.0, "2024-05": 50.0}
    assert cc.aligned(leading, lagging, 2) == ([1.0, 2.0], [30.0, 40.0])   # 2024-03 has no leading value
    assert cc.aligned(leading, lagging, 0) == ([4.0], [40.0])


@pytest.mark.parametrize("true_lag", [0, 1, 3, 5])
def test_known_lag_is_found(true_lag):
    rng = random.Random(7)
    periods = months(48)
    x = {p: rng.gauss(0, 1) for p in periods}
    y = {p: x[shift(p, -true_lag)] + rng.gauss(0, 0.3) for p in periods[true_lag:]}
    profile = cc.lag_profile(x, y, 6, sign=1)
    assert profile.best.lag == true_lag
    assert profile.best.r > 0.9 and profile.strength == "strong" and profile.sign_ok is True


def test_inverse_relation_checks_the_expected_sign():
    periods = months(30)
    rng = random.Random(3)
    x = {p: rng.gauss(0, 1) for p in periods}
    y = {p: -x[shift(p, -2)] for p in periods[2:]}
    assert cc.lag_profile(x, y, 4, sign=1).sign_ok is False
    assert cc.lag_profile(x, y, 4, sign=-1).sign_ok is True


def test_too_few_pairs_is_not_enough_data():
    periods = months(12)
    x = {p: float(i) for i, p in enumerate(periods)}
    profile = cc.lag_profile(x, dict(x), 2)
    assert [(p.lag, p.n, p.r is not None) for p in profile.points] == [(0, 12, True), (1, 11, False), (2, 10, False)]
    assert cc.lag_profile({}, {}, 1).strength == "not enough data"


def test_fisher_pool_weights_by_n_minus_3():
    points = [cc.LagPoint(0, 13, 0.5), cc.LagPoint(0, 23, 0.8), cc.LagPoint(0, 5, None)]
    z = (10 * math.atanh(0.5) + 20 * math.atanh(0.8)) / 30
    r, n = cc.fisher_pool(points)
    assert r == pytest.approx(math.tanh(z)) and n == 36
    assert cc.fisher_pool([cc.LagPoint(0, 2, None)]) == (None, 0)


def test_pooled_profile_finds_the_common_lag():
    rng = random.Random(11)
    profiles = []
    for unit in ("A", "B", "C"):
        periods = months(36)
        x = {p: rng.gauss(0, 1) for p in periods}
        y = {p: x[shift(p, -3)] + rng.gauss(0, 0.8) for p in periods[3:]}
        profiles.append(cc.lag_profile(x, y, 6, unit=unit, sign=1))
    pooled = cc.pooled(profiles, 6, sign=1)
    assert pooled.best.lag == 3 and pooled.best.n == sum(p.points[3].n for p in profiles)
    assert pooled.to_dict()["best_lag"] == 3 and len(pooled.to_dict()["by_lag"]) == 7
