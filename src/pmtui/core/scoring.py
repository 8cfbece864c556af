"""KPI scoring and weighted roll-up.

Scores are on a 0-10 scale (as in common balanced-scorecard tools). Status
cut-offs: **green** if score >= 20/3 (6.667), **amber** if score >= 10/3
(3.333), **red** below. The same cut-offs apply to KPIs and to every roll-up
level, so a roll-up of one KPI has that KPI's status.

Directions: ``higher`` (higher is better), ``lower`` (lower is better) and
``band`` (within a band is best). A target has ``target`` and ``amber`` (the
amber threshold); a band has ``target``/``target_high`` (lower/upper edge of
the green band) and ``amber``/``amber_high`` (lower/upper amber limit).

* higher/lower: a straight line through two anchors, value == amber -> 10/3
  and value == target -> 20/3, i.e.
  ``score = 10/3 + (value - amber) / (target - amber) * 10/3`` clamped to
  [0, 10]. For ``lower`` target < amber, so the denominator is negative and
  the same formula applies. Overachievement beyond
  ``target + (target - amber)`` scores 10. If target == amber (or amber is
  None: no amber zone) the score is 10 when the target is met, else 0.
  ``higher`` requires amber <= target; ``lower`` requires amber >= target.
* band: inside [target, target_high] the score is
  ``20/3 + 10/3 * (1 - |value - centre| / half_width)``: 10 at the centre,
  20/3 at the edges (10 everywhere if the band has zero width). Below the band,
  with tolerance ``t = target - amber`` and ``d = target - value``, the score
  is ``10/3 + (1 - d / t) * 10/3`` clamped to [0, 10]: 20/3 at the edge, 10/3
  at the amber limit. Above the band it is symmetric with
  ``t = amber_high - target_high``. A tolerance of 0 or None means anything
  outside the band scores 0. Requires amber <= target <= target_high <=
  amber_high. A band without ``target_high`` counts as a missing target.
* A missing value or missing target gives score None and status None.

Roll-up is the weighted arithmetic mean of the child scores. Children without
a score are left out and the remaining weights re-normalised; ``coverage`` is
the share of weight that was scored. Weights must be >= 0. If no weight is
scored (all scores None, or all scored weights 0) the roll-up score is None.

Status comparisons allow a 1e-9 tolerance so that floating-point noise in a
weighted mean cannot turn a score that is exactly on a cut-off into the
status below it. Constants: ``GREEN_AT`` (20/3), ``AMBER_AT`` (10/3),
``MAX_SCORE`` (10) and ``DIRECTIONS``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

GREEN_AT = 20 / 3
AMBER_AT = 10 / 3
MAX_SCORE = 10.0
DIRECTIONS = ("higher", "lower", "band")
_EPS = 1e-9


def _clamp(score: float) -> float:
    return min(MAX_SCORE, max(0.0, score))


def _outside(distance: float, tolerance: float | None) -> float:
    return _clamp(AMBER_AT + (1 - distance / tolerance) * AMBER_AT) if tolerance else 0.0


def kpi_score(
    direction: str,
    value: float | None,
    target: float | None,
    amber: float | None = None,
    target_high: float | None = None,
    amber_high: float | None = None,
) -> float | None:
    """Score a KPI value against its target on the 0-10 scale.

    Args:
        direction: ``"higher"``, ``"lower"`` or ``"band"``.
        value: The measured value, or None if not yet measured.
        target: The target (lower edge of the green band for ``"band"``).
        amber: The amber threshold (lower amber limit for ``"band"``).
        target_high: Upper edge of the green band (``"band"`` only).
        amber_high: Upper amber limit (``"band"`` only).

    Returns:
        The score in [0, 10], or None if the value or target is missing.

    Raises:
        ValueError: If the direction is unknown or the thresholds are
            inconsistent with it (checked even when the value is missing).
    """
    if direction not in DIRECTIONS:
        raise ValueError(f"unknown direction {direction!r}; expected one of {DIRECTIONS}")
    if target is None or (direction == "band" and target_high is None):
        return None
    if direction == "band":
        limits = [x for x in (amber, target, target_high, amber_high) if x is not None]
        if limits != sorted(limits):
            raise ValueError(
                "band thresholds must satisfy amber <= target <= target_high <= amber_high "
                f"(got {amber}, {target}, {target_high}, {amber_high})"
            )
        if value is None:
            return None
        if value < target:
            return _outside(target - value, None if amber is None else target - amber)
        if value > target_high:
            tolerance = None if amber_high is None else amber_high - target_high
            return _outside(value - target_high, tolerance)
        half_width = (target_high - target) / 2
        # min distance to an edge == half_width - |value - centre|, but exact at the edges.
        edge = min(value - target, target_high - value)
        return MAX_SCORE if half_width == 0 else _clamp(GREEN_AT + AMBER_AT * edge / half_width)
    amber = target if amber is None else amber
    higher = direction == "higher"
    if amber > target if higher else amber < target:
        raise ValueError(
            f"for direction {direction!r} amber must be {'<=' if higher else '>='} "
            f"target (got amber={amber}, target={target})"
        )
    if value is None:
        return None
    if target == amber:
        return MAX_SCORE if (value >= target if higher else value <= target) else 0.0
    return _clamp(AMBER_AT + (value - amber) / (target - amber) * AMBER_AT)


def status_for_score(score: float | None) -> str | None:
    """Map a score to ``"green"`` (>= 20/3), ``"amber"`` (>= 10/3) or ``"red"``.

    Args:
        score: A score on the 0-10 scale, or None.

    Returns:
        The status, or None if the score is None.
    """
    if score is None:
        return None
    if score >= GREEN_AT - _EPS:
        return "green"
    return "amber" if score >= AMBER_AT - _EPS else "red"


def kpi_status(
    direction: str,
    value: float | None,
    target: float | None,
    amber: float | None = None,
    target_high: float | None = None,
    amber_high: float | None = None,
) -> str | None:
    """Status of a KPI: ``status_for_score(kpi_score(...))``.

    Args:
        direction: As for `kpi_score`.
        value: As for `kpi_score`.
        target: As for `kpi_score`.
        amber: As for `kpi_score`.
        target_high: As for `kpi_score`.
        amber_high: As for `kpi_score`.

    Returns:
        ``"green"``, ``"amber"``, ``"red"``, or None if it cannot be scored.

    Raises:
        ValueError: As for `kpi_score`.
    """
    return status_for_score(kpi_score(direction, value, target, amber, target_high, amber_high))


@dataclass(frozen=True)
class Rollup:
    """Result of a weighted roll-up.

    Attributes:
        score: Weighted mean of the scored items, or None if none carry weight.
        status: Status of ``score`` (same cut-offs as a KPI), or None.
        weight_scored: Total weight of the items that have a score.
        weight_total: Total weight of all items.
    """

    score: float | None
    status: str | None
    weight_scored: float
    weight_total: float

    @property
    def coverage(self) -> float | None:
        """Share of the total weight that was scored, or None if the total is 0."""
        return self.weight_scored / self.weight_total if self.weight_total else None


def rollup(items: Iterable[tuple[float | None, float]]) -> Rollup:
    """Weighted mean of ``(score, weight)`` pairs, skipping unscored items.

    Args:
        items: Pairs of a score (None if unscored) and a weight >= 0.

    Returns:
        The roll-up; the weights of the scored items are re-normalised.

    Raises:
        ValueError: If any weight is negative or NaN.
    """
    total, scored, weighted = [], [], []
    for score, weight in items:
        if not weight >= 0:
            raise ValueError(f"weight must be >= 0, got {weight!r}")
        total.append(weight)
        if score is not None:
            scored.append(weight)
            weighted.append(score * weight)
    weight_scored, weight_total = math.fsum(scored), math.fsum(total)
    score = math.fsum(weighted) / weight_scored if weight_scored else None
    return Rollup(score, status_for_score(score), weight_scored, weight_total)


def format_score(score: float | None) -> str:
    """Format a score with one decimal (``"6.7"``), or ``"–"`` for None.

    Args:
        score: A score, or None.

    Returns:
        The formatted score.
    """
    return "–" if score is None else f"{score:.1f}"
