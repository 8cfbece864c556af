"""Due dates, staleness and conflicting readings (pure rules behind ``pmtui freshness``).

A KPI x unit x period is due at the end of that period in the unit's fiscal calendar
plus the KPI's ``due_days`` (feeds: one day). Monthly KPIs are due every period,
quarterly ones at quarter ends (fiscal periods 3, 6, 9, 12), yearly ones at period 12.
Periods are stored as ``YYYY-MM``; in a week-based calendar ``YYYY-MM`` is the fiscal
period that nominally falls in that month (period 1 is the month after the year-end
month). No clock: ``today`` and ``now`` come in as arguments.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from pmtui.core import calendars, periods

#: A unit without a calendar of its own reports in calendar months.
CALENDAR_MONTHS = calendars.CalendarSpec("monthly", 1)

#: Hours after which a source's last reading is overdue, by the source's refresh frequency.
REFRESH_HOURS = {"realtime": 1, "hourly": 1, "daily": 24, "weekly": 7 * 24, "monthly": 31 * 24}

#: Feed KPIs are due this many days after the period ends, whatever their ``due_days``.
FEED_DUE_DAYS = 1

#: Relative difference above which two values of the same KPI/unit/period conflict.
DEFAULT_TOLERANCE = 0.02

#: Statuses that count as delivered: a draft or rejected value leaves the period stale.
DELIVERED = ("submitted", "approved")

#: Fiscal period numbers in which each frequency reports.
REPORTING_NUMBERS = {"monthly": range(1, 13), "quarterly": (3, 6, 9, 12), "yearly": (12,)}


def fiscal_period(spec: calendars.CalendarSpec | None, period: str) -> calendars.Period:
    """The fiscal period that a ``YYYY-MM`` period stands for in ``spec`` (None: calendar months).

    Raises:
        ValueError: ``period`` is not ``YYYY-MM``.
    """
    spec = spec or CALENDAR_MONTHS
    year, month = periods.parse(period)
    start_month = spec.month % 12 + 1 if spec.is_weekly else spec.month
    start_year = year if month >= start_month else year - 1
    number = (month - start_month) % 12 + 1
    # The 15th of the nominal first month always lies in period 1 (retail years drift < 1 week).
    first = calendars.period_for_date(spec, date(start_year, start_month, 15))
    return calendars.fiscal_year(spec, first.fiscal_year).periods[number - 1]


def due_date(spec: calendars.CalendarSpec | None, period: str, *, frequency: str = "monthly",
             mode: str = "periodic", due_days: int = 10) -> date | None:
    """When a value for ``period`` is due, or None when the KPI does not report in that period.

    Args:
        spec: The unit's calendar (None: calendar months).
        period: ``YYYY-MM``.
        frequency: The KPI's frequency (monthly, quarterly, yearly).
        mode: ``periodic`` (submitted by people) or ``feed`` (delivered by a system).
        due_days: Days after the period's end for periodic submissions.
    """
    fiscal = fiscal_period(spec, period)
    if fiscal.number not in REPORTING_NUMBERS.get(frequency, REPORTING_NUMBERS["monthly"]):
        return None
    return fiscal.end + timedelta(days=FEED_DUE_DAYS if mode == "feed" else due_days)


def days_overdue(due: date | None, today: date, status: str | None) -> int | None:
    """Days past the due date when nothing was delivered, else None (not due or delivered)."""
    if due is None or today <= due or status in DELIVERED:
        return None
    return (today - due).days


def feed_hours_late(last_received: datetime | None, now: datetime, refresh: str,
                    latency_hours: float = 0.0) -> float | None:
    """Hours a feed is late: its last reading is older than the refresh interval plus latency.

    Returns None when the feed is fresh; ``float('inf')`` when it never delivered.
    """
    if last_received is None:
        return float("inf")
    allowed = REFRESH_HOURS.get(refresh, 24) + max(latency_hours, 0.0)
    age = (now - last_received).total_seconds() / 3600
    return round(age - allowed, 1) if age > allowed else None


def relative_gap(a: float, b: float) -> float:
    """``|a - b|`` relative to the larger magnitude (0 when both are 0)."""
    scale = max(abs(a), abs(b))
    return 0.0 if scale == 0 else abs(a - b) / scale


def disagree(a: float, b: float, tolerance: float = DEFAULT_TOLERANCE) -> bool:
    """True when two values differ by more than ``tolerance`` relative to the larger one."""
    return relative_gap(a, b) > tolerance


@dataclass(frozen=True)
class Conflict:
    """Two values of one KPI/unit/period that disagree (``second`` is ``stored`` for the stored value)."""

    first: str
    first_value: float
    second: str
    second_value: float
    gap: float


def conflicts(readings: Sequence[tuple[str, float]], stored: float | None = None,
              tolerance: float = DEFAULT_TOLERANCE) -> list[Conflict]:
    """Conflicts among one KPI/unit/period's source readings and its stored value.

    Args:
        readings: ``(source code, value)`` pairs, one per source.
        stored: The stored (submitted or approved) value, or None.
        tolerance: Relative difference allowed (e.g. 0.02 for 2 %).
    """
    ordered = sorted(readings)
    found = [Conflict(a, x, b, y, round(relative_gap(x, y), 4))
             for i, (a, x) in enumerate(ordered) for b, y in ordered[i + 1:] if disagree(x, y, tolerance)]
    if stored is not None:
        found += [Conflict(a, x, "stored", stored, round(relative_gap(x, stored), 4))
                  for a, x in ordered if disagree(x, stored, tolerance)]
    return found


def check_tolerance(text: str) -> float:
    """Parse a ``conflict_tolerance`` setting: a number from 0 to 1.

    Raises:
        ValueError: not a number in range.
    """
    try:
        value = float(text)
    except (TypeError, ValueError):
        raise ValueError(f"conflict_tolerance {text!r} is not a number") from None
    if not 0 <= value <= 1:
        raise ValueError(f"conflict_tolerance must be between 0 and 1 (0.02 = 2 %), not {text}")
    return value
