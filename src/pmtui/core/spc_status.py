"""Intervention that follows SPC: a KPI's status from its XmR verdict, and the icons.

For a KPI in SPC mode the scorecard status of a period is not "value against fixed
thresholds" but what the process-behaviour chart says about that period's point:

============================================  ======  ====================================
condition (first that holds)                  status  why
============================================  ======  ====================================
the point is a special-cause **concern**      red     act now: the process moved the wrong way
assurance ``consistent_fail``                 red     the process cannot meet the target: redesign
the point is a special-cause **improvement**  green   the process moved the right way
assurance ``consistent_pass``                 green   the process meets the target reliably
anything else (common cause, hit and miss)    amber   watch: the target is met by chance
============================================  ======  ====================================

Icons follow NHS "Making Data Count" but as text glyphs that still read in
monochrome (the colour is an extra, never the only signal).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

#: Scores given to SPC statuses so that roll-ups follow them (the middle of each band).
STATUS_SCORE = {"red": 5 / 3, "amber": 5.0, "green": 25 / 3}

#: Variation icon -> (glyph, colour, label).
VARIATION_ICONS = {
    "common_cause": ("~", "grey50", "common cause"),
    "special_cause_improvement": ("+", "dodger_blue2", "special cause: improvement"),
    "special_cause_concern": ("!", "dark_orange", "special cause: concern"),
    "special_cause_neutral": ("*", "medium_purple", "special cause: neutral"),
    None: ("·", "grey50", "no data"),
}

#: Assurance icon -> (glyph, colour, label).
ASSURANCE_ICONS = {
    "consistent_pass": ("P", "dodger_blue2", "consistently passes the target"),
    "consistent_fail": ("F", "dark_orange", "consistently fails the target"),
    "inconsistent": ("?", "grey50", "hit and miss"),
    None: ("-", "grey50", "no target or neutral direction"),
}

#: kpis.direction -> the improvement direction of the XmR chart.
IMPROVEMENT = {"higher": "increase", "lower": "decrease", "band": "neutral"}


@dataclass(frozen=True)
class SpcVerdict:
    """The SPC status of one point.

    Attributes:
        status: "red", "amber" or "green".
        reason: Which condition decided it, with the rule that fired when there is one.
        assurance: The assurance of the point's limits against the target (or None).
    """

    status: str
    reason: str
    assurance: str | None


def assurance(target: float | None, lpl: float | None, upl: float | None, improvement: str) -> str | None:
    """Assurance of process limits against a target (None without target, limits or direction)."""
    if target is None or lpl is None or upl is None or improvement == "neutral" or math.isnan(target):
        return None
    up = improvement == "increase"
    if target > upl:
        return "consistent_fail" if up else "consistent_pass"
    if target < lpl:
        return "consistent_pass" if up else "consistent_fail"
    return "inconsistent"


def verdict(special_cause: str | None, rule: str | None, assurance_icon: str | None) -> SpcVerdict:
    """The intervention status of a point (see the module's table).

    Args:
        special_cause: "improvement", "concern", "neutral" or None (common cause).
        rule: The rule that flagged the point, if any.
        assurance_icon: "consistent_pass", "consistent_fail", "inconsistent" or None.
    """
    fired = f" ({rule.replace('_', ' ')})" if rule else ""
    if special_cause == "concern":
        return SpcVerdict("red", f"special cause concern{fired}", assurance_icon)
    if assurance_icon == "consistent_fail":
        return SpcVerdict("red", "consistently fails the target", assurance_icon)
    if special_cause == "improvement":
        return SpcVerdict("green", f"special cause improvement{fired}", assurance_icon)
    if assurance_icon == "consistent_pass":
        return SpcVerdict("green", "consistently passes the target", assurance_icon)
    kind = "special cause (neutral)" if special_cause == "neutral" else "common cause"
    return SpcVerdict("amber", f"{kind}, target hit and miss" if assurance_icon else kind, assurance_icon)
