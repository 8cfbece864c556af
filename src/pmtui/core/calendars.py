"""Fiscal-calendar engine: monthly and week-based retail (4-4-5 family) calendars.

Pure domain logic (standard library only). Every fiscal year is built from its
*nominal start year*: the calendar year of the first day of the month in which
the fiscal year nominally starts. Labels ("start"/"end") are only a naming
layer on top, so the date arithmetic never depends on the labelling rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

PATTERNS: dict[str, tuple[int, int, int] | None] = {
    "monthly": None,
    "4-4-5": (4, 4, 5),
    "4-5-4": (4, 5, 4),
    "5-4-4": (5, 4, 4),
}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
YEAR_ENDS = ("nearest", "last")
LABELS = ("start", "end")


@dataclass(frozen=True)
class CalendarSpec:
    """How a unit divides time into fiscal years and periods.

    Attributes:
        pattern: "monthly", "4-4-5", "4-5-4" or "5-4-4".
        month: For "monthly", the first month of the fiscal year. For the
            week-based patterns, the month in which the fiscal year ends.
        year_end: Week-based only: the year ends on the ``weekday`` "nearest"
            the last day of ``month``, or on the "last" such weekday in it.
        weekday: Week-based only: the weekday every fiscal year ends on.
        label: "start" names a fiscal year after the calendar year in which it
            starts (NRF convention); "end" after the year in which it ends.
    """

    pattern: str
    month: int
    year_end: str = "nearest"
    weekday: str = "saturday"
    label: str = "start"

    def __post_init__(self) -> None:
        """Reject specs that could only fail later, with a readable message.

        Raises:
            ValueError: If any field is outside its allowed values.
        """
        if self.pattern not in PATTERNS:
            raise ValueError(f"unknown pattern {self.pattern!r}; expected one of {sorted(PATTERNS)}")
        # bool is an int subclass; month=True is a bug, not January.
        if isinstance(self.month, bool) or not isinstance(self.month, int) or not 1 <= self.month <= 12:
            raise ValueError(f"month must be an integer in 1..12, got {self.month!r}")
        if self.year_end not in YEAR_ENDS:
            raise ValueError(f"unknown year_end {self.year_end!r}; expected one of {list(YEAR_ENDS)}")
        if self.weekday not in WEEKDAYS:
            raise ValueError(f"unknown weekday {self.weekday!r}; expected one of {list(WEEKDAYS)}")
        if self.label not in LABELS:
            raise ValueError(f"unknown label {self.label!r}; expected one of {list(LABELS)}")

    @property
    def is_weekly(self) -> bool:
        """True for the week-based retail patterns, False for "monthly"."""
        return PATTERNS[self.pattern] is not None


@dataclass(frozen=True)
class Period:
    """One fiscal period (inclusive dates).

    Attributes:
        fiscal_year: Label of the fiscal year the period belongs to.
        number: 1..12 within the fiscal year.
        start: First day of the period.
        end: Last day of the period.
        weeks: Whole weeks in the period, or None for monthly calendars.
    """

    fiscal_year: int
    number: int
    start: date
    end: date
    weeks: int | None

    @property
    def days(self) -> int:
        """Number of days in the period, both ends included."""
        return (self.end - self.start).days + 1

    def to_dict(self) -> dict:
        """Return the JSON-ready form used inside ``FiscalYear.to_dict``.

        Returns:
            ``{"number", "start", "end", "weeks"}`` with ISO date strings.
        """
        return {"number": self.number, "start": self.start.isoformat(),
                "end": self.end.isoformat(), "weeks": self.weeks}


@dataclass(frozen=True)
class FiscalYear:
    """A fiscal year and its twelve periods (inclusive dates).

    Attributes:
        fiscal_year: The year's label under the spec's labelling rule.
        start: First day of the fiscal year.
        end: Last day of the fiscal year.
        weeks: 52 or 53 for week-based calendars, None for monthly ones.
        periods: The twelve periods, in order.
    """

    fiscal_year: int
    start: date
    end: date
    weeks: int | None
    periods: tuple[Period, ...]

    def to_dict(self) -> dict:
        """Return the JSON-ready form printed by ``pmtui calendar periods --json``.

        Returns:
            A dict with ISO date strings; ``weeks`` is None for monthly calendars.
        """
        return {"fiscal_year": self.fiscal_year, "start": self.start.isoformat(),
                "end": self.end.isoformat(), "weeks": self.weeks,
                "periods": [p.to_dict() for p in self.periods]}


def _nominal_start_month(spec: CalendarSpec) -> int:
    # Retail specs name the month the year ENDS in; the year starts the month after.
    return spec.month % 12 + 1 if spec.is_weekly else spec.month


def _label_from_start_year(spec: CalendarSpec, start_year: int) -> int:
    # A year nominally starting in January also ends in the same calendar year.
    if spec.label == "start" or _nominal_start_month(spec) == 1:
        return start_year
    return start_year + 1


def _start_year_from_label(spec: CalendarSpec, label: int) -> int:
    if spec.label == "start" or _nominal_start_month(spec) == 1:
        return label
    return label - 1


def _month_start(year: int, month: int) -> date:
    # Normalises month 13 to January of the next year.
    return date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


def _retail_year_end(spec: CalendarSpec, start_year: int) -> date:
    end_year = start_year if _nominal_start_month(spec) == 1 else start_year + 1
    last_day = _month_start(end_year, spec.month + 1) - timedelta(days=1)
    back = (last_day.weekday() - WEEKDAYS.index(spec.weekday)) % 7
    # 7 is odd, so "nearest" never ties: at most 3 days back or 3 days forward.
    if spec.year_end == "last" or back <= 3:
        return last_day - timedelta(days=back)
    return last_day + timedelta(days=7 - back)


def _build(spec: CalendarSpec, start_year: int) -> FiscalYear:
    label = _label_from_start_year(spec, start_year)
    if not spec.is_weekly:
        bounds = [_month_start(start_year, spec.month + i) for i in range(13)]
        periods = tuple(Period(label, i + 1, bounds[i], bounds[i + 1] - timedelta(days=1), None)
                        for i in range(12))
        return FiscalYear(label, bounds[0], bounds[12] - timedelta(days=1), None, periods)

    # Each year starts the day after the previous one ends, so years tile with no gaps.
    start = _retail_year_end(spec, start_year - 1) + timedelta(days=1)
    end = _retail_year_end(spec, start_year)
    total_weeks = ((end - start).days + 1) // 7
    weeks = list(PATTERNS[spec.pattern]) * 4
    weeks[-1] += total_weeks - 52  # the 53rd week, when present, goes to period 12
    periods = []
    cursor = start
    for number, n in enumerate(weeks, start=1):
        period_end = cursor + timedelta(weeks=n, days=-1)
        periods.append(Period(label, number, cursor, period_end, n))
        cursor = period_end + timedelta(days=1)
    return FiscalYear(label, start, end, total_weeks, tuple(periods))


def fiscal_year(spec: CalendarSpec, year: int) -> FiscalYear:
    """Build the fiscal year labelled ``year`` under ``spec``.

    Args:
        spec: The calendar definition.
        year: The fiscal-year label, interpreted per ``spec.label``.

    Returns:
        The fiscal year with its twelve periods.
    """
    return _build(spec, _start_year_from_label(spec, year))


def period_for_date(spec: CalendarSpec, d: date) -> Period:
    """Find the fiscal period of ``spec`` that contains ``d``.

    Args:
        spec: The calendar definition.
        d: Any date.

    Returns:
        The period whose start <= d <= end.

    Raises:
        ValueError: If no period contains ``d`` (only near date.min/date.max).
    """
    # A retail year's real start drifts at most a week from its nominal month
    # start, so the containing year's nominal start year is within one of d.year.
    for start_year in (d.year, d.year - 1, d.year + 1):
        try:
            fy = _build(spec, start_year)
        except (OverflowError, ValueError):
            continue
        if fy.start <= d <= fy.end:
            return next(p for p in fy.periods if p.start <= d <= p.end)
    raise ValueError(f"no fiscal period contains {d.isoformat()}")


def overlap_days(a: Period | FiscalYear, b: Period | FiscalYear) -> int:
    """Count the days two inclusive date ranges share.

    Args:
        a: Anything with ``start`` and ``end`` dates.
        b: Anything with ``start`` and ``end`` dates.

    Returns:
        The number of shared days, 0 if they are disjoint.
    """
    return max(0, (min(a.end, b.end) - max(a.start, b.start)).days + 1)


def map_periods(source_spec: CalendarSpec, source_period: Period,
                target_spec: CalendarSpec) -> list[tuple[Period, int]]:
    """List the target-calendar periods overlapping a source period.

    Consolidated views weight values by these day counts, so the counts of one
    source period always sum to its length in days.

    Args:
        source_spec: Calendar ``source_period`` came from; unused because the
            period's own dates fully determine the overlap.
        source_period: The period to map.
        target_spec: Calendar to map onto.

    Returns:
        ``(target_period, overlapping_days)`` pairs in date order.
    """
    result = []
    cursor = source_period.start
    while cursor <= source_period.end:
        target = period_for_date(target_spec, cursor)
        result.append((target, overlap_days(source_period, target)))
        cursor = target.end + timedelta(days=1)
    return result
