"""The leading/lagging screen, driven by the pilot on the demo company."""

from __future__ import annotations

from textual.widgets import DataTable, Static

from pmtui import actions
from pmtui.core.correlation import LagPoint, Profile
from pmtui.screens.drivers import DriversScreen, lag_chart, r_bar
from pmtui.services.drivers import DriverResult
from tests.tui._pilot import make_app, press, settle

SMALL = (80, 24)


async def _open(pilot, *keys):
    await settle(pilot)
    await press(pilot, "l", *keys)


def test_every_action_of_the_area_has_a_handler_and_a_binding():
    for action in actions.ACTIONS:
        if "drivers" in action.scopes:
            assert hasattr(DriversScreen, f"action_{action.action}")
            assert action.id in {b.id for b in DriversScreen.BINDINGS}


def test_r_bar_and_chart():
    assert r_bar(0.5).plain == " " * 10 + "│" + "█" * 5 + " " * 5
    assert r_bar(-1.0).plain == "█" * 10 + "│" + " " * 10
    points = (LagPoint(0, 20, 0.1), LagPoint(1, 19, -0.8), LagPoint(2, 11, None))
    pooled = Profile(None, points, points[1], "strong", False)
    chart = lag_chart(DriverResult("A", "B", "leading", "lagging", 2, 1, pooled, ())).plain
    assert "-0.80 ◀" in chart and "n/a" in chart and "contrary to expectation" in chart


async def test_l_opens_drivers_and_the_chart_follows_the_cursor(db):
    app = make_app(db)
    async with app.run_test(size=SMALL) as pilot:
        await _open(pilot)
        screen = app.screen
        assert isinstance(screen, DriversScreen)
        links = screen.query_one("#drv-links", DataTable)
        assert links.row_count == 6
        assert screen.query_one("#drv-kpis", DataTable).row_count > 20
        first = str(screen.query_one("#drv-chart", Static).render())
        links.focus()
        await press(pilot, "down")
        second = str(screen.query_one("#drv-chart", Static).render())
        assert first != second and screen.results[1].leading in second
        await press(pilot, "escape")
        assert not isinstance(app.screen, DriversScreen)


class TestDriversSnapshots:
    def test_drivers_at_80x24(self, snap_compare, db):
        assert snap_compare(make_app(db), terminal_size=SMALL, run_before=_open)
