"""XmR process-behaviour charts as NHS England's "Making Data Count" defines them.

Reference: the R package NHSRplotthedots 0.2.2 (``ptd_spc_standard``,
``ptd_calculate_point_type``, ``ptd_calculate_assurance_type``). Plain Python, so one
series can be audited line by line; ``spc_vector.xmr_many`` vectorises the same rules.

Per segment (the points between two rebase positions):

* mean and average moving range (amr) over the baseline (the first
  ``fix_after_n_points`` points, or all of them); moving ranges ``>= 3.267 * amr`` are
  screened out in one pass and the amr recomputed (unless ``screen_outliers=False``);
* process limits ``mean +/- 2.66 * amr``; the "close to limits" line is
  ``mean +/- 2 * (2.66 / 3) * amr`` (two sigma);
* special causes, in order of precedence: a point outside the limits; a trend of
  ``trend_length`` points strictly rising or falling; two of three consecutive points
  beyond two sigma (but inside the limits), all three on one side of the mean; a shift of
  ``shift_length`` points on one side of the mean (a point on the mean breaks it).
  Every point of a qualifying run is flagged.

Collapsed limits (our addition; the reference would draw NaN or zero-width limits):
when a segment's amr is 0 (every moving range left after screening is 0, as for a KPI
sitting at its ceiling of 100 % with one or two dips) the limits equal the mean and
every point off the mean would be "outside the limits". Such a segment gets no special
cause at all, the chart has no assurance icon when its last segment collapsed, and
:attr:`XmrResult.limits_collapsed` lets every front end say so (:data:`COLLAPSED_WARNING`).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

LIMIT = 2.66  # amr multiplier for the process limits (3 sigma)
ONE_SIGMA = LIMIT / 3
TWO_SIGMA = 2 * (LIMIT / 3)  # "close to limits", computed as the reference does
SCREEN = 3.267  # moving ranges >= SCREEN * amr are screened out
MIN_POINTS = 12  # fewer baseline points -> warning (trial limits)
RUN_LENGTHS = (6, 7, 8)  # accepted shift_length / trend_length
#: What the front ends say about a chart with :func:`limits_collapsed` limits.
COLLAPSED_WARNING = ("limits collapsed onto the mean (the values hardly move, e.g. a KPI at its ceiling):"
                     " no point can be judged a special cause")
DIRECTIONS = {"increase": 1, "decrease": -1, "neutral": 0}

Improvement = Literal["increase", "decrease", "neutral"]
SpecialCause = Literal["improvement", "concern", "neutral"]
Rule = Literal["outside_limits", "trend", "two_in_three", "shift"]


@dataclass(frozen=True)
class Segment:
    """One stretch of a series with its own mean and limits.

    Attributes:
        start: Index of the first point of the segment.
        stop: Index one past the last point of the segment.
        baseline_n: Number of leading points the mean and amr were computed from.
        mean: Mean of the baseline points.
        amr: Average moving range of the baseline (after screening); NaN with one point.
    """

    start: int
    stop: int
    baseline_n: int
    mean: float
    amr: float

    @property
    def collapsed(self) -> bool:
        """Whether the limits collapsed onto the mean (see :func:`limits_collapsed`)."""
        return limits_collapsed(self.amr)

    @property
    def upl(self) -> float:
        """Upper process limit, ``mean + 2.66 * amr``."""
        return self.mean + LIMIT * self.amr

    @property
    def lpl(self) -> float:
        """Lower process limit, ``mean - 2.66 * amr``."""
        return self.mean - LIMIT * self.amr

    @property
    def one_sigma(self) -> tuple[float, float]:
        """The (lower, upper) 1-sigma lines, a third of the way to each limit."""
        return self.mean - ONE_SIGMA * self.amr, self.mean + ONE_SIGMA * self.amr

    @property
    def two_sigma(self) -> tuple[float, float]:
        """The (lower, upper) 2-sigma lines, two thirds of the way to each limit."""
        return self.mean - TWO_SIGMA * self.amr, self.mean + TWO_SIGMA * self.amr


@dataclass(frozen=True)
class PointResult:
    """The verdict on one point.

    Attributes:
        value: The observed value.
        mean: Mean of the point's segment.
        upl: Upper process limit of the point's segment.
        lpl: Lower process limit of the point's segment.
        special_cause: "improvement", "concern", "neutral", or None for common cause.
        rule: The winning rule ("outside_limits", "trend", "two_in_three", "shift") or None.
        segment: Index of the segment (0 unless rebased).
    """

    value: float
    mean: float
    upl: float
    lpl: float
    special_cause: SpecialCause | None
    rule: Rule | None
    segment: int = 0


@dataclass
class XmrResult:
    """An evaluated XmR chart.

    Attributes:
        mean: Mean of the last segment (the one the icons describe).
        amr: Average moving range of the last segment.
        upl: Upper process limit of the last segment.
        lpl: Lower process limit of the last segment.
        points: One result per input value, in input order.
        variation: Variation icon from the last point: "common_cause",
            "special_cause_improvement", "special_cause_concern" or "special_cause_neutral".
        assurance: "consistent_pass", "consistent_fail", "inconsistent", or None when there
            is no target or the direction is neutral.
        warnings: Human-readable warnings (e.g. fewer than 12 baseline points).
        segments: Every segment with its own mean and limits.
    """

    mean: float
    amr: float
    upl: float
    lpl: float
    points: list[PointResult]
    variation: str
    assurance: str | None
    warnings: list[str] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)

    @property
    def limits_collapsed(self) -> bool:
        """Whether some segment's limits collapsed onto its mean (its points are never flagged)."""
        return any(s.collapsed for s in self.segments)

    def to_dict(self) -> dict:
        """Return the CLI JSON shape (non-finite numbers become None).

        Returns:
            ``{"mean", "upl", "lpl", "points": [{"value", "special_cause", "rule"}],
            "variation", "assurance"}`` plus the extra keys ``"amr"``, ``"warnings"`` and
            ``"limits_collapsed"``.
        """
        return {
            "mean": _json_num(self.mean),
            "upl": _json_num(self.upl),
            "lpl": _json_num(self.lpl),
            "points": [
                {"value": p.value, "special_cause": p.special_cause, "rule": p.rule}
                for p in self.points
            ],
            "variation": self.variation,
            "assurance": self.assurance,
            "amr": _json_num(self.amr),
            "warnings": list(self.warnings),
            "limits_collapsed": self.limits_collapsed,
        }


def xmr(
    values: Iterable[float],
    *,
    improvement: Improvement = "increase",
    target: float | None = None,
    screen_outliers: bool = True,
    shift_length: int = 7,
    trend_length: int = 7,
    fix_after_n_points: int | None = None,
    rebase: Iterable[int] = (),
) -> XmrResult:
    """Evaluate one series as an XmR chart with the Making Data Count rules.

    Args:
        values: The observations in time order (finite numbers, at least one).
        improvement: "increase", "decrease" or "neutral" (which way is better).
        target: Optional target used for the assurance icon (None or NaN: no target).
        screen_outliers: Screen moving ranges ``>= 3.267 * amr`` before computing limits.
        shift_length: Points on one side of the mean that make a shift (6, 7 or 8).
        trend_length: Points strictly rising or falling that make a trend (6, 7 or 8).
        fix_after_n_points: Compute each segment's mean and limits from its first N points
            only and apply them to the rest of the segment.
        rebase: 0-based positions where a new segment starts; each segment gets its own
            mean and limits, and runs never cross a segment boundary.

    Returns:
        The evaluated chart.

    Raises:
        ValueError: On empty or non-finite values, or an invalid option.
    """
    y = [float(v) for v in values]
    if not y or not all(math.isfinite(v) for v in y):
        raise ValueError("values must be a non-empty sequence of finite numbers")
    direction = check_options(improvement, shift_length, trend_length, fix_after_n_points)
    starts = sorted({0, *(_check_position(p, len(y)) for p in rebase)})
    bounds = list(zip(starts, [*starts[1:], len(y)]))
    segments: list[Segment] = []
    points: list[PointResult] = []
    warnings: list[str] = []
    for index, (start, stop) in enumerate(bounds):
        seg_y = y[start:stop]
        baseline_n = min(int(fix_after_n_points or len(seg_y)), len(seg_y))
        mean, amr = segment_limits(seg_y[:baseline_n], screen_outliers=screen_outliers)
        seg = Segment(start, stop, baseline_n, mean, amr)
        segments.append(seg)
        if baseline_n < MIN_POINTS:
            warnings.append(
                f"segment starting at point {start} has limits from only {baseline_n} "
                f"points (fewer than {MIN_POINTS}): these are trial limits"
            )
        verdicts = [(None, 0)] * len(seg_y) if seg.collapsed else _rules(seg_y, seg, shift_length, trend_length)
        for value, (rule, side) in zip(seg_y, verdicts):
            cause = None if rule is None else _cause(side, direction)
            points.append(PointResult(value, mean, seg.upl, seg.lpl, cause, rule, index))
    last_cause = points[-1].special_cause
    last = segments[-1]
    return XmrResult(
        mean=last.mean,
        amr=last.amr,
        upl=last.upl,
        lpl=last.lpl,
        points=points,
        variation="common_cause" if last_cause is None else f"special_cause_{last_cause}",
        assurance=None if last.collapsed else _assurance(target, last.lpl, last.upl, direction),
        warnings=warnings,
        segments=segments,
    )


def segment_limits(baseline: Sequence[float], *, screen_outliers: bool = True) -> tuple[float, float]:
    """Mean and average moving range of a baseline, with one pass of outlier screening.

    Mirrors ``ptd_spc_standard``: moving ranges ``>= 3.267 * amr`` are dropped once and
    the amr recomputed. When every moving range is zero the amr stays 0 (the reference
    would produce NaN limits there).

    Args:
        baseline: The baseline values.
        screen_outliers: Whether to screen large moving ranges.

    Returns:
        ``(mean, amr)``; amr is NaN when the baseline has fewer than two points.
    """
    mean = _mean(baseline)
    moving_ranges = [abs(b - a) for a, b in zip(baseline, baseline[1:])]
    amr = _mean(moving_ranges)
    if screen_outliers and amr > 0:
        amr = _mean([mr for mr in moving_ranges if mr < SCREEN * amr])
    return mean, amr


def limits_collapsed(amr: float) -> bool:
    """Whether limits ``mean +/- 2.66 * amr`` collapsed onto the mean: the amr is exactly 0.

    That happens when every moving range of the baseline is 0 after screening: the
    values never move, or (the case that matters) they sit at one level, such as a KPI
    at its ceiling of 100 %, and the few moving ranges of its rare dips are screened out
    as outliers. Limits of zero width would make every value off the mean "outside the
    limits"; the XmR rules cannot judge such a segment, so none of its points is flagged.
    A NaN amr (one point) is not a collapse: there are no limits at all.

    Args:
        amr: The segment's average moving range after screening.
    """
    return amr == 0


def check_options(
    improvement: str, shift_length: int, trend_length: int, fix_after_n_points: int | None
) -> int:
    """Validate the options shared by ``xmr`` and ``xmr_many``.

    Args:
        improvement: "increase", "decrease" or "neutral".
        shift_length: Shift run length (6, 7 or 8).
        trend_length: Trend run length (6, 7 or 8).
        fix_after_n_points: None or a positive integer.

    Returns:
        The improvement direction as +1, -1 or 0.

    Raises:
        ValueError: If an option is invalid.
    """
    if improvement not in DIRECTIONS:
        raise ValueError(f"improvement must be one of {sorted(DIRECTIONS)}, not {improvement!r}")
    for name, length in (("shift_length", shift_length), ("trend_length", trend_length)):
        if _as_int(length, minimum=1) not in RUN_LENGTHS:
            raise ValueError(f"{name} must be one of {RUN_LENGTHS}, not {length!r}")
    if fix_after_n_points is not None and _as_int(fix_after_n_points, minimum=1) is None:
        raise ValueError("fix_after_n_points must be a positive integer or None")
    return DIRECTIONS[improvement]


def _rules(y: list[float], seg: Segment, shift_length: int, trend_length: int):
    """Yield ``(rule, side)`` per point of one segment; side is +1 (high) or -1 (low)."""
    lo2, hi2 = seg.two_sigma
    outside = [v > seg.upl or v < seg.lpl for v in y]
    rtm = [_sign(v - seg.mean) for v in y]
    close = [not out and (v < lo2 or v > hi2) for v, out in zip(y, outside)]
    trend = _trend_points(y, trend_length)
    two = _two_in_three_points(close, rtm)
    shift = _shift_points(rtm, shift_length)
    for i in range(len(y)):
        if outside[i]:
            yield "outside_limits", 1 if rtm[i] == 1 else -1
        elif trend[i]:
            yield "trend", _trend_side(y, trend, i)
        elif two[i]:
            yield "two_in_three", 1 if rtm[i] > 0 else -1
        elif shift[i]:
            yield "shift", 1 if rtm[i] > 0 else -1
        else:
            yield None, 0


def _spread_back(ends: list[bool], length: int) -> list[bool]:
    """Flag every point of each ``length``-point window that ends at a flagged point."""
    return [any(ends[i : i + length]) for i in range(len(ends))]


def _shift_points(rtm: list[int], length: int) -> list[bool]:
    """Points in a run of ``length`` or more points on one side of the mean."""
    ends = [
        i >= length - 1 and rtm[i] != 0 and all(r == rtm[i] for r in rtm[i - length + 1 : i + 1])
        for i in range(len(rtm))
    ]
    return _spread_back(ends, length)


def _trend_points(y: list[float], length: int) -> list[bool]:
    """Points in a run of ``length`` or more points strictly rising or strictly falling."""
    steps = [_sign(b - a) for a, b in zip(y, y[1:])]
    ends = [False] * len(y)
    for i in range(length - 1, len(y)):
        window = steps[i - length + 1 : i]  # the length-1 steps leading to point i
        ends[i] = all(s == 1 for s in window) or all(s == -1 for s in window)
    return _spread_back(ends, length)


def _two_in_three_points(close: list[bool], rtm: list[int]) -> list[bool]:
    """Close-to-limit points in a 3-point window holding 2+ such points, all one side."""
    fires = [
        sum(close[j : j + 3]) >= 2 and abs(sum(rtm[j : j + 3])) == 3
        for j in range(len(close) - 2)
    ]
    return [close[i] and any(fires[max(0, i - 2) : i + 1]) for i in range(len(close))]


def _trend_side(y: list[float], trend: list[bool], i: int) -> int:
    """Direction of the trend through point i: the step to the next point when that
    point is in a trend too, else the step from the previous one (as the reference)."""
    if i + 1 < len(y) and trend[i + 1]:
        step = _sign(y[i + 1] - y[i])
    else:
        step = _sign(y[i] - y[i - 1]) if i > 0 else 0
    return 1 if step == 1 else -1


def _cause(side: int, direction: int) -> SpecialCause:
    if direction == 0:
        return "neutral"
    return "improvement" if side * direction > 0 else "concern"


def _assurance(target: float | None, lpl: float, upl: float, direction: int) -> str | None:
    if target is None or math.isnan(target) or direction == 0:
        return None
    if target > upl:
        return "consistent_fail" if direction > 0 else "consistent_pass"
    if target < lpl:
        return "consistent_pass" if direction > 0 else "consistent_fail"
    return "inconsistent"


def _check_position(position: int, n: int) -> int:
    checked = _as_int(position, minimum=0)
    if checked is None or checked >= n:
        raise ValueError(f"rebase positions must be integers in [0, {n}), not {position!r}")
    return checked


def _as_int(x: object, *, minimum: int) -> int | None:
    """``x`` as an int if it is an integer (not bool) >= minimum, else None."""
    try:
        value = operator.index(x)
    except TypeError:
        return None
    return None if isinstance(x, bool) or value < minimum else value


def _mean(xs: Sequence[float]) -> float:
    return math.fsum(xs) / len(xs) if len(xs) else math.nan


def _sign(x: float) -> int:
    return (x > 0) - (x < 0)


def _json_num(x: float) -> float | None:
    return x if math.isfinite(x) else None
