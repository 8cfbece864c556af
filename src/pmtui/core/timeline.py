"""Laying dates out on a month axis, for the Gantt-like timelines (terminal and HTML).

A :class:`Window` spans whole calendar months, each month an equal share; dates map to a
fraction of it (HTML offsets) or to a cell of a fixed width (terminal bars). Pure: no clock, no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

MONTH_LETTERS = "JFMAMJJASOND"


def month_start(d: date) -> date:
    """The first day of ``d``'s month."""
    return d.replace(day=1)


def next_month(d: date) -> date:
    """The first day of the month after ``d``'s."""
    return date(d.year + d.month // 12, d.month % 12 + 1, 1)


@dataclass(frozen=True)
class Window:
    """Whole months from ``start`` (a first day) up to, not including, ``end`` (a first day)."""

    start: date
    end: date

    def months(self) -> list[date]:
        """First days of the months in the window."""
        out, d = [], self.start
        while d < self.end:
            out.append(d)
            d = next_month(d)
        return out

    def fraction(self, d: date) -> float:
        """Where ``d`` falls, from 0.0 (window start) to 1.0 (window end), clamped.

        Every month gets the same share, so month boundaries fall on the same cells
        whatever the month's length (the ruler lines up with the bars).
        """
        if d <= self.start:
            return 0.0
        if d >= self.end:
            return 1.0
        index = _months(self.start, month_start(d))
        length = (next_month(d) - month_start(d)).days
        return (index + (d.day - 1) / length) / _months(self.start, self.end)

    def cell(self, d: date, width: int) -> int:
        """The cell (0 .. width-1) of ``d`` on a bar ``width`` cells wide."""
        return min(width - 1, int(self.fraction(d) * width))

    def cells(self, first: date, last: date, width: int) -> range:
        """Cells covered by the span ``first`` .. ``last`` (inclusive; at least one cell)."""
        if last < first:
            first, last = last, first
        a, b = self.cell(first, width), self.cell(last, width)
        return range(a, max(a, b) + 1)

    def ruler(self, width: int) -> str:
        """A ``width``-character month ruler: each month's initial at its first cell.

        January shows the two-digit year instead (``N D 27 F``) when a month has two
        cells or more, so the year is readable on the axis itself.
        """
        chars = [" "] * width
        months = self.months()
        roomy = width / max(1, len(months)) >= 2
        for m in months:
            at = self.cell(m, width)
            label = f"{m.year % 100:02d}" if m.month == 1 and roomy else MONTH_LETTERS[m.month - 1]
            for i, ch in enumerate(label):
                if at + i < width:
                    chars[at + i] = ch
        return "".join(chars)


def window_for(dates: Iterable[date | None], today: date, *, min_months: int = 6, max_months: int = 36) -> Window:
    """The smallest window of whole months holding ``dates`` and ``today``.

    It is widened to ``min_months`` (centred on the dates) and cut to ``max_months``
    around today, so one very distant date does not squash every bar.
    """
    known = [d for d in dates if d is not None] + [today]
    first, last = month_start(min(known)), next_month(max(known))
    while _months(first, last) < min_months:
        last = next_month(last)
        if _months(first, last) < min_months:
            first = month_start(first - timedelta(days=1))
    if _months(first, last) > max_months:
        half = max_months // 2
        first = month_start(today)
        for _ in range(half):
            first = month_start(first - timedelta(days=1))
        last = first
        for _ in range(max_months):
            last = next_month(last)
    return Window(first, last)


def _months(first: date, last: date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month
