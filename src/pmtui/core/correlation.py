"""Predictability of a leading KPI measured from history: lagged Pearson correlation.

For a lag ``k`` (months), the lagging KPI's value at period ``t`` is paired with the
leading KPI's value at ``t - k``; only periods where both exist are used. A lag needs
:data:`MIN_PAIRS` pairs, otherwise it has "not enough data" (``r`` is None). The best
lag is the one with the largest ``|r|``. Units are pooled per lag with Fisher's z,
weighted by ``n - 3`` (the inverse variance of z), so a unit with a long history counts
more than one with a short history.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pmtui.core import periods

#: Fewest aligned pairs a lag needs before its r is reported.
MIN_PAIRS = 12
#: ``|r|`` thresholds of the strength labels, strongest first.
STRENGTHS = ((0.7, "strong"), (0.4, "moderate"), (0.0, "weak"))
#: Label used when no lag has enough pairs.
NO_DATA = "not enough data"


@dataclass(frozen=True)
class LagPoint:
    """Correlation at one lag: ``n`` aligned pairs and ``r`` (None below the minimum or when flat)."""

    lag: int
    n: int
    r: float | None


@dataclass(frozen=True)
class Profile:
    """r by lag for one unit (or pooled), with the best lag and how it reads."""

    unit: str | None
    points: tuple[LagPoint, ...]
    best: LagPoint | None
    strength: str
    sign_ok: bool | None

    def to_dict(self) -> dict:
        """JSON-ready form."""
        best = self.best
        return {"unit": self.unit, "best_lag": best.lag if best else None,
                "r": None if best is None or best.r is None else round(best.r, 4),
                "n": best.n if best else 0, "strength": self.strength, "sign_ok": self.sign_ok,
                "by_lag": [{"lag": p.lag, "n": p.n, "r": None if p.r is None else round(p.r, 4)}
                           for p in self.points]}


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Pearson's r of two equally long sequences; None with fewer than 2 pairs or a flat series."""
    n = len(xs)
    if n != len(ys):
        raise ValueError("pearson needs sequences of equal length")
    if n < 2:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx <= 0 or syy <= 0:
        return None
    # Clamp: rounding can push a perfect correlation a hair past 1.
    return max(-1.0, min(1.0, sxy / math.sqrt(sxx * syy)))


def aligned(leading: Mapping[str, float], lagging: Mapping[str, float], lag: int) -> tuple[list[float], list[float]]:
    """Pairs (leading at ``t - lag``, lagging at ``t``) over the periods where both exist."""
    xs, ys = [], []
    for period in sorted(lagging):
        earlier = periods.shift(period, -lag)
        if earlier in leading:
            xs.append(leading[earlier])
            ys.append(lagging[period])
    return xs, ys


def strength(r: float | None) -> str:
    """``strong`` (|r| >= 0.7), ``moderate`` (>= 0.4), ``weak``, or :data:`NO_DATA`."""
    if r is None:
        return NO_DATA
    return next(label for bound, label in STRENGTHS if abs(r) >= bound)


def expected_sign(leading_direction: str, lagging_direction: str) -> int | None:
    """+1 when both KPIs improve the same way (higher/higher, lower/lower), -1 when opposite, None for bands.

    A leading KPI where higher is better that drives a lagging KPI where higher is
    better should correlate positively; if the lagging KPI is "lower is better"
    (defects, cost), improvement shows as a negative correlation.
    """
    if "band" in (leading_direction, lagging_direction):
        return None
    return 1 if leading_direction == lagging_direction else -1


def _best(points: Sequence[LagPoint]) -> LagPoint | None:
    usable = [p for p in points if p.r is not None]
    # Largest |r|; the shorter lag wins a tie (the simpler explanation).
    return max(usable, key=lambda p: (abs(p.r), -p.lag)) if usable else None


def _profile(unit: str | None, points: Sequence[LagPoint], sign: int | None) -> Profile:
    best = _best(points)
    sign_ok = None if best is None or sign is None else (best.r * sign > 0)
    return Profile(unit, tuple(points), best, strength(best.r if best else None), sign_ok)


def lag_profile(leading: Mapping[str, float], lagging: Mapping[str, float], max_lag: int, *,
                unit: str | None = None, sign: int | None = None, min_pairs: int = MIN_PAIRS) -> Profile:
    """r for each lag 0..``max_lag`` at one unit, and the best lag.

    Args:
        leading: Period (``YYYY-MM``) -> value of the leading KPI.
        lagging: Period -> value of the lagging KPI.
        max_lag: Largest lag tried, in months.
        unit: The unit's code, carried into the result.
        sign: The expected sign (:func:`expected_sign`), to judge the best r.
        min_pairs: Fewest pairs for a lag to count.
    """
    points = []
    for lag in range(max_lag + 1):
        xs, ys = aligned(leading, lagging, lag)
        r = pearson(xs, ys) if len(xs) >= min_pairs else None
        points.append(LagPoint(lag, len(xs), r))
    return _profile(unit, points, sign)


def fisher_pool(points: Sequence[LagPoint]) -> tuple[float | None, int]:
    """Pooled r of several units' r at one lag (Fisher z weighted by n - 3) and the total n."""
    usable = [p for p in points if p.r is not None and p.n > 3]
    total = sum(p.n for p in usable)
    if not usable:
        return None, total
    weight = sum(p.n - 3 for p in usable)
    # atanh is infinite at |r| = 1: nudge inside so a perfect unit does not swamp the rest into inf.
    z = sum((p.n - 3) * math.atanh(max(-0.999999, min(0.999999, p.r))) for p in usable) / weight
    return math.tanh(z), total


def pooled(profiles: Sequence[Profile], max_lag: int, *, sign: int | None = None) -> Profile:
    """One profile across units: per lag, the Fisher-pooled r of the units that have one."""
    points = []
    for lag in range(max_lag + 1):
        at_lag = [p.points[lag] for p in profiles if len(p.points) > lag]
        r, n = fisher_pool(at_lag)
        points.append(LagPoint(lag, n, r))
    return _profile(None, points, sign)
