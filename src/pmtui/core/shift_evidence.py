"""Evidence for a revise-or-hold decision on a target after a shift (M5.3), pure.

The question a review asks when a KPI has moved: *is the move a sustained special
cause, or noise?* Only a sustained shift can justify revising a target, and only when
its cause lies outside the unit's control. The evidence comes from the XmR chart of
:mod:`pmtui.core.spc`, evaluated over the approved values up to the period:

* the **run**: the consecutive latest points on one side of the centre line (a point
  on the line ends it). The shift is **sustained** when the run is at least as long as
  the chart's shift rule (``shift_length``, 6-8 points);
* when it **started** (the run's first period) and how long it has lasted;
* the **levels** before (mean of up to 12 points before the run) and after (mean of
  the run), the change, and whether each level meets the target;
* the special causes flagged inside the run and the rule on the latest point.

The chart is evaluated without the stored rebase periods: a rebase is what an analyst
does *after* accepting a shift, and it would hide the very shift in question. The
rebase periods are reported beside the evidence instead.

Whether the cause is external or internal is the user's judgement and is recorded with
the decision; :func:`recommend` says what the evidence and that judgement suggest.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from pmtui.core import spc

#: Points before the run averaged for the "before" level (one year of months).
BEFORE_POINTS = 12
DECISIONS = ("hold", "revise")
ORIGINS = ("external", "internal", "none")
EFFECT_WORDS = {"improvement": "an improvement", "concern": "a concern", "neutral": "in a neutral direction"}


@dataclass(frozen=True)
class ShiftEvidence:
    """What the chart says about a shift at the latest point up to a period.

    Attributes:
        points: Approved points evaluated.
        first_period: Period of the first point (None without points).
        last_period: Period of the latest point.
        shift_length: Points on one side that the shift rule needs.
        centre: The chart's centre line (mean) at the latest point.
        run_side: "above", "below" or None (latest point on the line, or no points).
        run_length: Points in the latest run on one side of the centre line.
        run_start: Period where that run began.
        sustained: True when the run is at least ``shift_length`` points long.
        effect: "improvement", "concern" or "neutral" for the run's side, None without a run.
        level_before: Mean of up to 12 points before the run.
        level_after: Mean of the run's points.
        change: level_after - level_before.
        change_pct: The change relative to level_before, in percent.
        special_causes: Points of the run the chart flags as special causes.
        latest_rule: The rule flagging the latest point (None: common cause).
        target: The target at the period (None when there is none).
        met_before: Whether level_before meets the target (None: no target or neutral KPI).
        met_after: Whether level_after meets the target.
        rebased_at: Rebase periods stored for this series (not applied here).
        trial_limits: The limits come from fewer than 12 points: weak evidence either way.
        summary: One sentence for people.
    """

    points: int
    first_period: str | None
    last_period: str | None
    shift_length: int
    centre: float | None
    run_side: str | None
    run_length: int
    run_start: str | None
    sustained: bool
    effect: str | None
    level_before: float | None
    level_after: float | None
    change: float | None
    change_pct: float | None
    special_causes: int
    latest_rule: str | None
    target: float | None
    met_before: bool | None
    met_after: bool | None
    rebased_at: tuple[str, ...]
    trial_limits: bool
    summary: str

    def to_dict(self) -> dict:
        """JSON-ready form (rebase periods as a list)."""
        return asdict(self) | {"rebased_at": list(self.rebased_at)}


def assess(periods: Sequence[str], values: Sequence[float], *, improvement: str = "increase",
           shift_length: int = 7, trend_length: int = 7, screen_outliers: bool = True,
           baseline_points: int | None = None, target: float | None = None,
           rebased_at: Sequence[str] = ()) -> ShiftEvidence:
    """Evaluate the latest run of a series (periods and values in time order).

    Raises:
        ValueError: periods and values of different lengths, or invalid chart options.
    """
    if len(periods) != len(values):
        raise ValueError("periods and values must have the same length")
    if not values:
        return ShiftEvidence(0, None, None, shift_length, None, None, 0, None, False, None, None, None, None, None,
                             0, None, target, None, None, tuple(rebased_at), True,
                             "no approved values up to this period: nothing to judge")
    chart = spc.xmr(values, improvement=improvement, shift_length=shift_length, trend_length=trend_length,
                    screen_outliers=screen_outliers, fix_after_n_points=baseline_points)
    points = chart.points
    centre = points[-1].mean
    side = _side(values[-1], centre)
    length = 0
    if side:
        while length < len(values) and _side(values[-1 - length], points[-1 - length].mean) == side:
            length += 1
    start = len(values) - length
    after = _mean(values[start:]) if length else None
    before = _mean(values[max(0, start - BEFORE_POINTS):start]) if length and start else None
    change = after - before if after is not None and before is not None else None
    pct = change / abs(before) * 100 if change is not None and before else None
    effect = None if not side else _effect(side, improvement)
    evidence = ShiftEvidence(
        points=len(values), first_period=periods[0], last_period=periods[-1], shift_length=shift_length,
        centre=centre, run_side={1: "above", -1: "below"}.get(side), run_length=length,
        run_start=periods[start] if length else None, sustained=length >= shift_length, effect=effect,
        level_before=before, level_after=after, change=change, change_pct=pct,
        special_causes=sum(1 for p in points[start:] if p.special_cause) if length else 0,
        latest_rule=points[-1].rule, target=target, met_before=_meets(before, target, improvement),
        met_after=_meets(after, target, improvement), rebased_at=tuple(rebased_at),
        trial_limits=bool(chart.warnings), summary="")
    return _with_summary(evidence)


def recommend(evidence: ShiftEvidence, origin: str) -> tuple[str, str]:
    """What the evidence and the judged origin suggest: ``(decision, why)``.

    Raises:
        ValueError: an unknown origin.
    """
    check_origin(origin)
    if not evidence.sustained:
        return "hold", (f"no sustained shift ({evidence.run_length} of the {evidence.shift_length} points the shift"
                        " rule needs): revising now would chase common-cause variation")
    if origin == "external":
        return "revise", ("a sustained shift with an external cause: the old target no longer describes what the"
                          " process can deliver")
    if origin == "internal":
        return "hold", "the shift has an internal cause: act on the process and keep the target"
    return "hold", "a sustained shift needs its cause judged (external or internal) before the target is revised"


def check_origin(origin: str) -> str:
    """A known origin, or ValueError listing them."""
    if origin not in ORIGINS:
        raise ValueError(f"origin must be one of {', '.join(ORIGINS)}, not {origin!r}")
    return origin


def check_decision(decision: str, origin: str, rationale: str, target: float | None) -> None:
    """Validate a decision before it is recorded.

    A decision needs a rationale; ``revise`` needs the new target and a judged origin
    (external or internal: a target is not revised for a shift nobody has explained);
    ``hold`` keeps the target, so it takes no new one.

    Raises:
        ValueError: naming what is wrong.
    """
    if decision not in DECISIONS:
        raise ValueError(f"decision must be hold or revise, not {decision!r}")
    check_origin(origin)
    if not (rationale or "").strip():
        raise ValueError("a revise-or-hold decision needs a rationale")
    if decision == "revise":
        if target is None or not math.isfinite(target):
            raise ValueError("revising needs the new target (--target)")
        if origin == "none":
            raise ValueError("judge the shift's origin (external or internal) before revising a target")
    elif target is not None:
        raise ValueError("holding keeps the current target: leave --target out")


def _with_summary(e: ShiftEvidence) -> ShiftEvidence:
    if not e.run_length:
        text = f"the latest point ({e.last_period}) sits on the centre line: no run, no shift"
    elif e.sustained:
        text = (f"sustained shift {e.run_side} the centre line since {e.run_start}: {e.run_length} points"
                f" (the rule needs {e.shift_length}), {EFFECT_WORDS[e.effect]}")
    else:
        text = (f"no sustained shift: the latest {e.run_length} point(s) since {e.run_start} are {e.run_side}"
                f" the centre line (the rule needs {e.shift_length})")
    if e.change is not None:
        text += f"; level {e.level_before:.4g} -> {e.level_after:.4g}"
        if e.change_pct is not None:
            text += f" ({e.change_pct:+.1f}%)"
    if e.trial_limits:
        text += f"; trial limits from fewer than {spc.MIN_POINTS} points"
    return ShiftEvidence(**{**asdict(e), "rebased_at": e.rebased_at, "summary": text})


def _side(value: float, centre: float) -> int:
    return (value > centre) - (value < centre)


def _effect(side: int, improvement: str) -> str:
    direction = spc.DIRECTIONS[improvement]
    if direction == 0:
        return "neutral"
    return "improvement" if side * direction > 0 else "concern"


def _meets(level: float | None, target: float | None, improvement: str) -> bool | None:
    if level is None or target is None or improvement == "neutral":
        return None
    return level >= target if improvement == "increase" else level <= target


def _mean(xs: Sequence[float]) -> float:
    return math.fsum(xs) / len(xs)
