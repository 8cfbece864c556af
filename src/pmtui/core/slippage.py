"""Milestone slippage rules (M4.4): pure functions of dates, thresholds and ``today``.

A milestone has planned and actual start and finish dates. From them:

* **planned duration** = planned finish - planned start (both needed);
* **forecast start** = actual start, else (not started) the later of planned start and today;
* **forecast finish** = actual finish when finished; else forecast start + planned duration,
  but never before today (an unfinished milestone cannot finish in the past); with no
  planned start (a deadline-only milestone) the later of planned finish and today;
* **slip** (days) = forecast finish - planned finish (negative: ahead of plan).

Rules, each giving at most one alert per milestone:

* ``late_start``: not started and today is more than ``late_start_grace_days`` after the
  planned start; red once the start is ``slip_red_days`` or more late, else amber;
* ``slip``: slip of at least ``slip_amber_days`` (amber) or ``slip_red_days`` (red), and
  more than zero days;
* ``dependency``: started, not finished, while a milestone it depends on has not finished,
  or finished after this one started (amber).

Nothing here reads a clock: ``today`` is always an argument.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

#: Alert rules, in the order they are reported.
RULES = ("late_start", "slip", "dependency")
#: Alert severities, mildest first.
SEVERITIES = ("amber", "red")
#: Timeline colours: on track, by threshold, not started or no baseline.
COLOURS = ("green", "amber", "red", "grey")

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Thresholds:
    """An initiative's slippage thresholds, in calendar days."""

    late_start_grace_days: int = 0
    slip_amber_days: int = 5
    slip_red_days: int = 20


@dataclass(frozen=True)
class Dates:
    """A milestone's planned and actual dates (None where unknown)."""

    planned_start: date | None = None
    planned_finish: date | None = None
    actual_start: date | None = None
    actual_finish: date | None = None


@dataclass(frozen=True)
class Alert:
    """One rule that fired, with the numbers that made it fire (``evidence`` is JSON-ready)."""

    rule: str
    severity: str
    message: str
    evidence: dict = field(hash=False, compare=True)


@dataclass(frozen=True)
class Assessment:
    """A milestone as of ``today``: where it stands, its forecast and the rules that fired."""

    state: str  # not_started, in_progress or done
    planned_duration_days: int | None
    forecast_start: date | None
    forecast_finish: date | None
    slip_days: int | None
    colour: str
    alerts: tuple[Alert, ...]

    @property
    def severity(self) -> str | None:
        """The worst alert severity, or None without alerts."""
        return worst([a.severity for a in self.alerts])


def parse_date(text: str | None, field_name: str) -> date | None:
    """``YYYY-MM-DD`` text as a date; None or blank stays None.

    Raises:
        ValueError: not a real calendar date in that form (message names the field).
    """
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    if isinstance(text, date):
        return text
    raw = str(text).strip()
    if not _DATE.match(raw):
        raise ValueError(f"{field_name} {raw!r} is not a date: use YYYY-MM-DD")
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"{field_name} {raw!r} is not a calendar date") from None


def problems(d: Dates, today: date, percent: float | None = None) -> list[str]:
    """What is inconsistent in a milestone's dates and percent complete (empty when fine)."""
    out = []
    if d.planned_start and d.planned_finish and d.planned_finish < d.planned_start:
        out.append(f"planned finish {d.planned_finish} is before planned start {d.planned_start}")
    if d.actual_finish and not d.actual_start:
        out.append("an actual finish needs an actual start")
    if d.actual_start and d.actual_finish and d.actual_finish < d.actual_start:
        out.append(f"actual finish {d.actual_finish} is before actual start {d.actual_start}")
    for name, value in (("actual start", d.actual_start), ("actual finish", d.actual_finish)):
        if value and value > today:
            out.append(f"{name} {value} is in the future (today is {today}): record actual dates once they happen")
    if percent is not None:
        if not 0 <= percent <= 100:
            out.append(f"percent complete must be between 0 and 100, not {percent:g}")
        elif percent > 0 and not d.actual_start:
            out.append(f"percent complete {percent:g} needs an actual start")
        elif d.actual_finish and percent < 100:
            out.append(f"a finished milestone is 100% complete, not {percent:g}%")
    return out


def planned_duration(d: Dates) -> int | None:
    """Planned finish - planned start in days, or None without both."""
    if d.planned_start and d.planned_finish:
        return (d.planned_finish - d.planned_start).days
    return None


def forecast(d: Dates, today: date) -> tuple[date | None, date | None]:
    """(forecast start, forecast finish) as the module docstring defines them."""
    start = d.actual_start or (max(d.planned_start, today) if d.planned_start else None)
    if d.actual_finish:
        return start, d.actual_finish
    duration = planned_duration(d)
    if start and duration is not None:
        return start, max(date.fromordinal(start.toordinal() + duration), today)
    if d.planned_finish:
        return start, max(d.planned_finish, today)
    return start, None


def state_of(d: Dates) -> str:
    """``done`` (actual finish), ``in_progress`` (actual start) or ``not_started``."""
    return "done" if d.actual_finish else "in_progress" if d.actual_start else "not_started"


def severity_for(days: int, t: Thresholds, *, amber_from: int) -> str | None:
    """``red`` from ``slip_red_days``, ``amber`` from ``amber_from``, else None (never at 0 days or less)."""
    if days <= 0:
        return None
    if days >= t.slip_red_days:
        return "red"
    return "amber" if days >= amber_from else None


def worst(severities) -> str | None:
    """The most severe of ``severities`` (None when empty or all None)."""
    found = [s for s in severities if s]
    return max(found, key=SEVERITIES.index) if found else None


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _evidence(d: Dates, t: Thresholds, today: date, start, finish, slip) -> dict:
    return {"planned_start": _iso(d.planned_start), "planned_finish": _iso(d.planned_finish),
            "actual_start": _iso(d.actual_start), "actual_finish": _iso(d.actual_finish),
            "planned_duration_days": planned_duration(d), "forecast_start": _iso(start),
            "forecast_finish": _iso(finish), "slip_days": slip, "grace_days": t.late_start_grace_days,
            "amber_days": t.slip_amber_days, "red_days": t.slip_red_days, "today": today.isoformat()}


def late_start_alert(d: Dates, t: Thresholds, today: date, base: dict) -> Alert | None:
    """The ``late_start`` rule: planned start passed (beyond the grace days) and no actual start."""
    if d.actual_start or not d.planned_start:
        return None
    days_late = (today - d.planned_start).days
    if days_late <= t.late_start_grace_days:
        return None
    severity = "red" if days_late >= t.slip_red_days else "amber"
    threshold = t.slip_red_days if severity == "red" else t.late_start_grace_days
    message = (f"not started: planned start {d.planned_start} was {days_late} days ago"
               f" (grace {t.late_start_grace_days} days, red from {t.slip_red_days})")
    return Alert("late_start", severity, message, base | {"rule": "late_start", "days_late": days_late,
                                                          "threshold": threshold})


def slip_alert(d: Dates, t: Thresholds, base: dict, slip: int | None, finish: date | None) -> Alert | None:
    """The ``slip`` rule: forecast (or actual) finish at least ``slip_amber_days`` after the planned finish."""
    if slip is None:
        return None
    severity = severity_for(slip, t, amber_from=t.slip_amber_days)
    if severity is None:
        return None
    threshold = t.slip_red_days if severity == "red" else t.slip_amber_days
    what = f"finished {finish}" if d.actual_finish else f"forecast finish {finish}"
    message = (f"{what} is {slip} days after the planned finish {d.planned_finish}"
               f" ({severity} from {threshold} days)")
    return Alert("slip", severity, message, base | {"rule": "slip", "threshold": threshold})


def dependency_alert(d: Dates, predecessors: list[tuple[str, Dates]], base: dict) -> Alert | None:
    """The ``dependency`` rule: in progress while a predecessor is unfinished or finished after this start."""
    if not d.actual_start or d.actual_finish:
        return None
    early = [(code, p.actual_finish) for code, p in predecessors
             if p.actual_finish is None or p.actual_finish > d.actual_start]
    if not early:
        return None
    names = ", ".join(f"{code} ({'unfinished' if f is None else f'finished {f}'})" for code, f in early)
    message = f"started {d.actual_start} before {names} finished"
    return Alert("dependency", "amber", message, base | {
        "rule": "dependency", "threshold": None,
        "depends_on": [{"milestone": code, "actual_finish": _iso(f)} for code, f in early]})


def assess(d: Dates, t: Thresholds, today: date, predecessors: list[tuple[str, Dates]] = ()) -> Assessment:
    """Evaluate one milestone on ``today``: forecast, slip, colour and every alert that fires.

    Args:
        d: the milestone's dates.
        t: its initiative's thresholds.
        today: the evaluation date.
        predecessors: (code, dates) of the milestones it depends on.
    """
    start, finish = forecast(d, today)
    slip = (finish - d.planned_finish).days if finish and d.planned_finish else None
    base = _evidence(d, t, today, start, finish, slip)
    alerts = tuple(a for a in (late_start_alert(d, t, today, base), slip_alert(d, t, base, slip, finish),
                               dependency_alert(d, list(predecessors), base)) if a)
    state = state_of(d)
    severity = worst(a.severity for a in alerts)
    if severity:
        colour = severity
    elif slip is None or state == "not_started":
        colour = "grey"
    else:
        colour = "green"
    return Assessment(state, planned_duration(d), start, finish, slip, colour, alerts)


def creates_cycle(edges: list[tuple[str, str]], milestone: str, depends_on: str) -> list[str] | None:
    """The chain that adding ``milestone -> depends_on`` would close into a cycle, or None.

    ``edges`` are existing (milestone, depends_on) pairs. A cycle exists when
    ``depends_on`` already depends (directly or through others) on ``milestone``; the
    returned list runs from ``depends_on`` to ``milestone`` along existing edges.
    """
    if milestone == depends_on:
        return [milestone]
    after: dict[str, list[str]] = {}
    for a, b in edges:
        after.setdefault(a, []).append(b)
    stack, seen = [(depends_on, [depends_on])], {depends_on}
    while stack:
        node, path = stack.pop()
        for nxt in sorted(after.get(node, [])):
            if nxt == milestone:
                return path + [nxt]
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, path + [nxt]))
    return None
