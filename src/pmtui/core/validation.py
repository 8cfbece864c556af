"""Validation of user-typed values shared by data entry and imports (pure).

Each function returns the clean value or raises ``ValueError`` with a message that
can be shown next to a row and column (:func:`period_problem` returns the message).
"""

from __future__ import annotations

import math

from pmtui.core import periods

#: Characters that make a spreadsheet treat a cell as a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

#: Longest comment accepted (characters).
MAX_COMMENT = 2000

#: Largest magnitude accepted for a measurement value.
MAX_ABS_VALUE = 1e15

#: The range (inclusive) that a KPI's unit of measure declares for its values. A KPI in
#: ``%`` is a share of a whole (on-time deliveries, accuracy, uptime): 0 to 100. A rate
#: that can fall below 0 or pass 100 (growth, margins) declares its own ``min``/``max``.
DECLARED_RANGES: dict[str, tuple[float, float]] = {"%": (0.0, 100.0)}


def parse_value(text: str) -> float:
    """Parse a measurement value: a finite decimal number (``.`` as decimal separator)."""
    raw = text.strip() if isinstance(text, str) else text
    if raw == "" or raw is None:
        raise ValueError("value is empty")
    if isinstance(raw, str) and any(c in raw for c in "_,"):
        raise ValueError(f"{raw!r} is not a number (use '.' as decimal separator and no thousands separators)")
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise ValueError(f"{raw!r} is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"{raw!r} is not a finite number (NaN and infinity are refused)")
    if abs(value) > MAX_ABS_VALUE:
        raise ValueError(f"{raw!r} is too large (limit {MAX_ABS_VALUE:g})")
    return value


def check_text(text: str, *, field: str = "text", max_length: int = MAX_COMMENT) -> str:
    """Validate free text: no formula-looking start, no control characters, bounded length."""
    if len(text) > max_length:
        raise ValueError(f"{field} is {len(text)} characters long (limit {max_length})")
    if text.startswith(FORMULA_PREFIXES):
        raise ValueError(f"{field} starts with {text[:1]!r}, which spreadsheets run as a formula; reword it")
    bad = [c for c in text if ord(c) < 32 and c not in "\n"]
    if bad:
        raise ValueError(f"{field} contains control character {ord(bad[0]):#04x}")
    return text


def declared_range(uom: str | None, low: float | None = None, high: float | None = None
                   ) -> tuple[float, float] | None:
    """The (low, high) range a KPI declares: its own ``min``/``max`` when it has either,
    else the one its unit of measure implies (see :data:`DECLARED_RANGES`), else None."""
    if low is not None or high is not None:
        return (-math.inf if low is None else low, math.inf if high is None else high)
    return DECLARED_RANGES.get((uom or "").strip())


def check_range(value: float, *, kpi: str, uom: str | None, low: float | None = None,
                high: float | None = None) -> float:
    """Refuse a value outside the range the KPI declares (its ``min``/``max``, or its unit's).

    Used by data entry and by the CSV import, so that both refuse the same values.

    Raises:
        ValueError: naming the KPI and the range, e.g. ``"OTD_PCT is measured in % (0 to
            100): 101.8 is outside that range"``.
    """
    bounds = declared_range(uom, low, high)
    if bounds is not None and not bounds[0] <= value <= bounds[1]:
        if low is not None or high is not None:
            raise ValueError(f"{kpi} accepts {_edge(bounds[0])} to {_edge(bounds[1])}: {value:g} is outside that range")
        raise ValueError(f"{kpi} is measured in {uom.strip()} ({bounds[0]:g} to {bounds[1]:g}): {value:g} is outside"
                         " that range")
    return value


def _edge(bound: float) -> str:
    return "any" if math.isinf(bound) else f"{bound:g}"


def period_problem(period: str, current_period: str) -> str | None:
    """Why ``period`` cannot hold a value yet (malformed, or after ``current_period``), or None.

    Values may be entered or imported for the current (still open) period and any
    earlier one, never for a future one.

    Args:
        period: The period typed or read from a file.
        current_period: The period that holds today (``periods.of_date(today)``).
    """
    if not periods.is_valid(period):
        return f"{period[:20]!r} is not a period YYYY-MM"
    if period > current_period:
        return f"{period} is in the future (latest allowed {current_period})"
    return None
