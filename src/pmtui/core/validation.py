"""Validation of user-typed values shared by data entry and imports (pure).

Each function returns the clean value or raises ``ValueError`` with a message that
can be shown next to a row and column.
"""

from __future__ import annotations

import math

#: Characters that make a spreadsheet treat a cell as a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

#: Longest comment accepted (characters).
MAX_COMMENT = 2000

#: Largest magnitude accepted for a measurement value.
MAX_ABS_VALUE = 1e15


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
