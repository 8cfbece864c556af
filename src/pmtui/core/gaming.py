"""Gaming detection (M3.4): sandbagged targets and results that hug the target.

Pure: the service hands in one KPI x unit at a time, as approved values with the
target of their period, plus the target under review. Every finding carries the numbers
that led to it (its *evidence*), so a reader can check the conclusion by hand.

**Sandbagging** is a target set below what the unit has already shown it can do. The
*benchmark* is the less demanding of two estimates from the last ``window`` approved
values before the target's period: their mean, and their least-squares trend projected
to the target's period. Taking the less demanding one keeps a noisy trend from raising
false alarms: the target must be easier than both. It is flagged when it is easier than
the benchmark by more than ``sandbag_margin`` (a share of the benchmark's size). For a
``band`` KPI the band is flagged when it is wider than the window's natural limits
(mean +/- 3 standard deviations) with room to spare (``sandbag_margin`` of the mean) on
both sides: a stable process cannot miss it.

**Target hugging** is results clustering just on the right side of the target. A value
*hugs* when it meets its period's target by no more than ``hug_band`` (a share of the
target): ``target <= v <= target + band`` for ``higher``, ``target - band <= v <= target``
for ``lower``, and inside the band within ``hug_band`` of either edge for ``band``.
The observed share of hugging values among the last ``window`` values is compared with
the share that the KPI's spread would give by chance: a normal distribution with the
window's mean and the standard deviation of the ``window`` values *before* it (the
window's own deviation when fewer than three earlier values exist, since managed
results are tight by construction), or the share of those earlier values that hugged
their own targets, whichever is higher. Flagged when the observed share is at least
``hug_share`` and at least ``hug_ratio`` times the expected share. A KPI pinned at its
natural limit (accuracy at 100 %) is therefore not flagged: it hugged before as well.

At least ``min_points`` values are needed for either test.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import NamedTuple

from pmtui.core import periods

#: Kinds of finding, in display order.
KINDS = ("sandbagging", "hugging")
#: Standard deviations either side of the mean that bound a stable process (as in XmR charts).
NATURAL_SIGMAS = 3.0


@dataclass(frozen=True)
class Thresholds:
    """Settings of the two tests (stored as ``gaming_<name>`` settings).

    Attributes:
        window: How many approved values each test looks at.
        sandbag_margin: How much easier than the benchmark a target may be (share, 0.10 = 10 %).
        hug_band: Width of the "just met" zone, as a share of the target.
        hug_share: Share of values in that zone from which hugging is suspected.
        hug_ratio: How many times the chance share the observed share must reach.
        min_points: Fewest values either test needs.
    """

    window: int = 12
    sandbag_margin: float = 0.10
    hug_band: float = 0.02
    hug_share: float = 0.6
    hug_ratio: float = 2.0
    min_points: int = 6

    def __post_init__(self) -> None:
        if not 3 <= self.window <= 120:
            raise ValueError(f"window must be 3..120 values, not {self.window}")
        if not 3 <= self.min_points <= self.window:
            raise ValueError(f"min_points must be 3..window ({self.window}), not {self.min_points}")
        for name, low, high in (("sandbag_margin", 0, 1), ("hug_band", 0, 0.5), ("hug_share", 0, 1),
                                ("hug_ratio", 1, 100)):
            value = getattr(self, name)
            if not (math.isfinite(value) and low <= value <= high) or (name == "hug_band" and value == 0):
                raise ValueError(f"{name} must be a number from {low} to {high}{' (not 0)' if name == 'hug_band' else ''},"
                                 f" not {value!r}")


class Point(NamedTuple):
    """One approved value and the target of its period (None when there is none).

    A named tuple rather than a dataclass: a scan builds one per value read, and tuples
    are several times cheaper to make.
    """

    period: str
    value: float
    target: float | None = None
    target_high: float | None = None


@dataclass(frozen=True)
class Finding:
    """One suspected case, with the numbers behind it."""

    kind: str
    period: str
    summary: str
    evidence: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        """Plain data for JSON output."""
        return asdict(self)


def month_index(period: str) -> int:
    """Months since year 0 for ``YYYY-MM`` (a regression axis that spans year ends)."""
    if len(period) == 7 and period[4] == "-" and period[:4].isdigit() and period[5:].isdigit():
        return int(period[:4]) * 12 + int(period[5:]) - 1  # the fast path: scans read thousands of periods
    year, month = periods.parse(period)  # raises ValueError naming the bad period
    return year * 12 + month - 1


def fit(points: Sequence[Point]) -> tuple[float, float, float]:
    """(mean, slope per month, standard deviation) of the values over their month index."""
    n = len(points)
    xs = [month_index(p.period) for p in points]
    ys = [p.value for p in points]
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx if sxx else 0.0
    sd = math.sqrt(sum((y - my) ** 2 for y in ys) / (n - 1)) if n > 1 else 0.0
    return my, slope, sd


def _scale(reference: float, fallback: float) -> float:
    # Relative gaps need a size; a benchmark of 0 borrows the spread (or 1) instead.
    return abs(reference) or fallback or 1.0


def sandbagging(direction: str, target_period: str, target: float, target_high: float | None,
                before: Sequence[Point], thresholds: Thresholds) -> Finding | None:
    """The sandbagging finding for a target, or None.

    Args:
        direction: ``higher``, ``lower`` or ``band``.
        target_period: The period of the target under review.
        target: The target (lower band edge for ``band``).
        target_high: Upper band edge (``band`` only).
        before: Approved values of periods before ``target_period``, oldest first; the
            last ``thresholds.window`` are used.
    """
    window = [p for p in before if p.period < target_period][-thresholds.window:]
    if len(window) < thresholds.min_points:
        return None
    if direction != "band":
        # The benchmark is never more demanding than the mean: a target at least as
        # demanding as the mean cannot be sandbagged (most are; skip the fit).
        plain = sum(p.value for p in window) / len(window)
        if (target >= plain) if direction == "higher" else (target <= plain):
            return None
    mean, slope, sd = fit(window)
    months_ahead = month_index(target_period) - sum(month_index(p.period) for p in window) / len(window)
    projection = mean + slope * months_ahead
    evidence = {"n": len(window), "first": window[0].period, "last": window[-1].period, "target": target,
                "mean": round(mean, 6), "trend_per_month": round(slope, 6), "projection": round(projection, 6),
                "margin": thresholds.sandbag_margin}
    if direction == "band":
        if target_high is None:
            return None
        low, high = mean - NATURAL_SIGMAS * sd, mean + NATURAL_SIGMAS * sd
        room = thresholds.sandbag_margin * _scale(mean, sd)
        evidence |= {"target_high": target_high, "sd": round(sd, 6), "natural_low": round(low, 6),
                     "natural_high": round(high, 6), "room": round(room, 6)}
        if target <= low - room and target_high >= high + room:
            return Finding("sandbagging", target_period,
                           f"band {target:g}..{target_high:g} is wider than the natural limits {low:.4g}..{high:.4g}"
                           f" of the last {len(window)} values: it cannot be missed", evidence)
        return None
    higher = direction == "higher"
    benchmark = min(mean, projection) if higher else max(mean, projection)
    gap = (benchmark - target) if higher else (target - benchmark)
    relative = gap / _scale(benchmark, sd)
    evidence |= {"benchmark": round(benchmark, 6), "easier_by": round(relative, 6)}
    if relative <= thresholds.sandbag_margin:
        return None
    word = "below" if higher else "above"
    return Finding("sandbagging", target_period,
                   f"target {target:g} is {relative:.0%} {word} the demonstrated level {benchmark:.4g}"
                   f" (mean {mean:.4g}, trend {projection:.4g}; last {len(window)} values)", evidence)


def _zones(direction: str, p: Point, band: float) -> list[tuple[float, float]]:
    """The "just met" zones of one period's target."""
    if p.target is None:
        return []
    if direction == "higher":
        return [(p.target, p.target + band * abs(p.target))]
    if direction == "lower":
        return [(p.target - band * abs(p.target), p.target)]
    if p.target_high is None:
        return []
    width = band * max(abs(p.target), abs(p.target_high))
    return [(p.target, min(p.target + width, p.target_high)), (max(p.target_high - width, p.target), p.target_high)]


def _normal_share(low: float, high: float, mean: float, sd: float) -> float:
    if sd <= 0:
        return 1.0 if low <= mean <= high else 0.0
    cdf = lambda x: 0.5 * (1 + math.erf((x - mean) / (sd * math.sqrt(2))))  # noqa: E731
    return max(0.0, cdf(high) - cdf(low))


def _hugs(direction: str, p: Point, band: float) -> bool:
    """True when ``p`` met its target by no more than the band."""
    return any(low <= p.value <= high for low, high in _zones(direction, p, band))


def _chance(zones: list[tuple[float, float]], mean: float, sd: float) -> float:
    """Probability of landing in the zones; the two zones of a narrow band may overlap (count once)."""
    if len(zones) == 2 and zones[0][1] >= zones[1][0]:
        zones = [(zones[0][0], zones[1][1])]
    return min(1.0, sum(_normal_share(low, high, mean, sd) for low, high in zones))


def hugging(direction: str, points: Sequence[Point], thresholds: Thresholds) -> Finding | None:
    """The target-hugging finding for a series, or None.

    Args:
        direction: ``higher``, ``lower`` or ``band``.
        points: Approved values with their period's target, oldest first; the last
            ``window`` with a target form the window, up to ``window`` values before it the baseline.
    """
    targeted = [p for p in points if _zones(direction, p, thresholds.hug_band)]
    window = targeted[-thresholds.window:]
    if len(window) < thresholds.min_points:
        return None
    hits = sum(_hugs(direction, p, thresholds.hug_band) for p in window)
    if hits < thresholds.hug_share * len(window):
        return None  # most series stop here, before any fitting
    earlier = [p for p in points if p.period < window[0].period][-thresholds.window:]
    mean, _, window_sd = fit(window)
    sd, spread_from = (fit(earlier)[2], "baseline") if len(earlier) >= 3 else (window_sd, "window")
    chance = sum(_chance(_zones(direction, p, thresholds.hug_band), mean, sd) for p in window) / len(window)
    # How often values hugged before the window: a KPI that always sat at its target (a
    # ceiling such as 100 % accuracy) is not gaming now.
    before = [p for p in earlier if _zones(direction, p, thresholds.hug_band)]
    before_share = sum(_hugs(direction, p, thresholds.hug_band) for p in before) / len(before) \
        if len(before) >= 3 else None
    share, expected = hits / len(window), max(chance, before_share or 0.0)
    evidence = {"n": len(window), "first": window[0].period, "last": window[-1].period, "hits": hits,
                "share": round(share, 6), "expected_share": round(expected, 6), "chance_share": round(chance, 6),
                "earlier_share": None if before_share is None else round(before_share, 6), "mean": round(mean, 6),
                "spread": round(sd, 6), "spread_from": spread_from, "band": thresholds.hug_band,
                "threshold": thresholds.hug_share, "ratio": thresholds.hug_ratio}
    if share < thresholds.hug_share or share < thresholds.hug_ratio * expected:
        return None
    return Finding("hugging", window[-1].period,
                   f"{hits} of the last {len(window)} values met the target by at most {thresholds.hug_band:.0%}"
                   f" ({share:.0%}; spread and earlier results suggest {expected:.0%})", evidence)


def explain(kind: str, evidence: dict) -> list[str]:
    """The evidence of a finding as short lines of numbers, for screens and reports."""
    ev = evidence
    if kind == "hugging":
        return [f"{ev['hits']} of {ev['n']} values ({ev['first']}..{ev['last']}) met the target by at most"
                f" {ev['band']:.0%}: {ev['share']:.0%}",
                f"chance {ev['chance_share']:.0%} (spread {ev['spread']:.4g}, from the {ev['spread_from']})"
                + ("" if ev["earlier_share"] is None else f", {ev['earlier_share']:.0%} before the window"),
                f"flagged at {ev['threshold']:.0%} or more and {ev['ratio']:g}x the expected {ev['expected_share']:.0%}"]
    lines = [f"last {ev['n']} values {ev['first']}..{ev['last']}: mean {ev['mean']:.4g},"
             f" trend {ev['trend_per_month']:+.3g}/month -> {ev['projection']:.4g}"]
    if "natural_low" in ev:
        lines.append(f"band {ev['target']:g}..{ev['target_high']:g} vs natural limits"
                     f" {ev['natural_low']:.4g}..{ev['natural_high']:.4g} (room {ev['room']:.3g})")
    else:
        lines.append(f"target {ev['target']:g} vs demonstrated {ev['benchmark']:.4g}: easier by {ev['easier_by']:.0%}"
                     f" (margin {ev['margin']:.0%})")
    return lines
