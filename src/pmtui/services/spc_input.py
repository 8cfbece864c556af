"""Reading a series for ``pmtui spc`` from CSV (a file or standard input)."""

from __future__ import annotations

import csv
import io

from pmtui.core import validation
from pmtui.services.errors import Problem, ValidationFailed

#: Largest series accepted from a file (points).
MAX_POINTS = 100_000


def read_series(text: str) -> tuple[list[float], list[str | None]]:
    """Values (and optional periods) from CSV text with a ``value`` column, one row per point.

    Raises:
        ValidationFailed: naming each bad row and column.
    """
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), strict=True)
    problems: list[Problem] = []
    values: list[float] = []
    labels: list[str | None] = []
    try:
        header = [h.strip().lower() for h in next(reader, [])]
        if "value" not in header:
            raise ValidationFailed([Problem(1, "value", "required column is missing")], "series refused")
        iv = header.index("value")
        ip = header.index("period") if "period" in header else None
        for number, record in enumerate(reader, start=2):
            if not record:
                continue
            if len(record) != len(header):
                problems.append(Problem(number, None, f"has {len(record)} fields, the header has {len(header)}"))
                continue
            try:
                values.append(validation.parse_value(record[iv]))
            except ValueError as exc:
                problems.append(Problem(number, "value", str(exc)))
            labels.append(record[ip] if ip is not None else None)
            if len(values) > MAX_POINTS:
                raise ValidationFailed([Problem(number, None, f"more than {MAX_POINTS:,} points")], "series refused")
    except csv.Error as exc:
        problems.append(Problem(reader.line_num, None, f"malformed CSV: {exc}"))
    if problems:
        raise ValidationFailed(problems[:50], "series refused")
    if not values:
        raise ValidationFailed([Problem(None, None, "no data rows")], "series refused")
    return values, labels
