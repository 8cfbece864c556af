"""Month windows and cells of ``pmtui.core.timeline``."""

from __future__ import annotations

from datetime import date

import pytest

from pmtui.core.timeline import Window, window_for

TODAY = date(2026, 11, 26)


@pytest.mark.parametrize("dates, expected", [
    ([], (date(2026, 9, 1), date(2027, 3, 1))),                      # today alone, widened to six months
    ([date(2026, 2, 16), date(2027, 3, 26)], (date(2026, 2, 1), date(2027, 4, 1))),
    ([None, date(2026, 12, 1)], (date(2026, 9, 1), date(2027, 3, 1))),
    ([date(2020, 1, 1), date(2030, 1, 1)], (date(2025, 5, 1), date(2028, 5, 1))),  # cut to 36 months around today
])
def test_window_for(dates, expected):
    window = window_for(dates, TODAY)
    assert (window.start, window.end) == expected


def test_cells_and_fraction():
    window = Window(date(2026, 1, 1), date(2027, 1, 1))  # 365 days
    assert window.fraction(date(2026, 1, 1)) == 0.0
    assert window.fraction(date(2028, 1, 1)) == 1.0
    assert window.cell(date(2026, 7, 2), 24) == 12
    assert window.cell(date(2026, 12, 31), 24) == 23
    assert list(window.cells(date(2026, 1, 1), date(2026, 1, 20), 24)) == [0, 1]
    assert list(window.cells(date(2026, 3, 1), date(2026, 3, 2), 24)) == [4]
    assert len(window.months()) == 12


@pytest.mark.parametrize("start, end, width, expected", [
    (date(2026, 10, 1), date(2027, 3, 1), 10, "O N D 27F "),
    (date(2026, 1, 1), date(2027, 1, 1), 12, "JFMAMJJASOND"),
])
def test_ruler(start, end, width, expected):
    assert Window(start, end).ruler(width) == expected
