"""Monthly reporting periods written as ``YYYY-MM``.

Periods are plain strings in storage so that SQL sorts them correctly; this module
parses, validates and steps them. Pure: no clock, the caller passes ``today``.
"""

from __future__ import annotations

import re
from datetime import date

_PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")

#: Earliest and latest years accepted anywhere in pmtui (guards against typos like 2O24 or 20245).
MIN_YEAR = 1990
MAX_YEAR = 2100


def parse(text: str) -> tuple[int, int]:
    """Parse ``YYYY-MM`` into ``(year, month)``.

    Raises:
        ValueError: with a message fit for an end user.
    """
    match = _PERIOD.match(text.strip()) if isinstance(text, str) else None
    if not match:
        raise ValueError(f"period {text!r} is not in the form YYYY-MM")
    year, month = int(match.group(1)), int(match.group(2))
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"period {text!r} is outside {MIN_YEAR}-{MAX_YEAR}")
    return year, month


def is_valid(text: str) -> bool:
    """True when ``text`` is a well-formed period."""
    try:
        parse(text)
    except ValueError:
        return False
    return True


def fmt(year: int, month: int) -> str:
    """Format a year and month as ``YYYY-MM``."""
    return f"{year:04d}-{month:02d}"


def shift(period: str, months: int) -> str:
    """The period ``months`` after (or before, if negative) ``period``."""
    year, month = parse(period)
    index = year * 12 + (month - 1) + months
    return fmt(index // 12, index % 12 + 1)


def span(first: str, last: str) -> list[str]:
    """All periods from ``first`` to ``last`` inclusive (empty when first > last)."""
    out: list[str] = []
    current = first
    while current <= last:
        out.append(current)
        current = shift(current, 1)
    return out


def last_n(last: str, n: int) -> list[str]:
    """The ``n`` periods ending with ``last``, oldest first."""
    return [shift(last, -i) for i in range(n - 1, -1, -1)]


def of_date(day: date) -> str:
    """The period a date falls in."""
    return fmt(day.year, day.month)


def latest_closed(today: date) -> str:
    """The most recent period that has ended by ``today`` (the previous month)."""
    return shift(of_date(today), -1)
