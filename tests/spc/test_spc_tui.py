"""The XmR chart and the SPC portfolio screens: pilot tests and one snapshot per screen."""

from __future__ import annotations

from textual.widgets import Static

from pmtui.screens.kpi import KpiScreen
from pmtui.screens.spc_chart import SpcChartScreen
from pmtui.screens.spc_portfolio import SpcPortfolioScreen
from tests.tui._pilot import make_app, press, settle

SMALL, LARGE = (80, 24), (120, 40)


async def _otd_chart(pilot) -> None:
    await settle(pilot)
    pilot.app.push_screen(KpiScreen("OTD_PCT", "PLANT_B", "2026-09"))
    await settle(pilot)
    await press(pilot, "c")


async def _portfolio(pilot) -> None:
    await settle(pilot)
    pilot.app.screen.unit = "PLANT_B"
    await press(pilot, "i")


async def test_c_on_the_kpi_screen_opens_its_chart(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=LARGE) as pilot:
        await _otd_chart(pilot)
        assert isinstance(app.screen, SpcChartScreen) and (app.screen.kpi, app.screen.unit) == ("OTD_PCT", "PLANT_B")
        side = str(app.screen.query_one("#spc-chart-side", Static).render())
        assert "Rebased: 2025-11" in side and "consistently fails" in side
        await press(pilot, "escape")
        assert isinstance(app.screen, KpiScreen)


async def test_c_elsewhere_only_explains(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        app.action_open_spc_chart()
        await settle(pilot)
        assert not isinstance(app.screen, SpcChartScreen)


async def test_i_shows_the_icons_of_the_current_unit(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=SMALL) as pilot:
        await _portfolio(pilot)
        assert isinstance(app.screen, SpcPortfolioScreen) and app.screen.unit == "PLANT_B"
        assert "(~)(F) OTD_PCT*" in app.screen.cells
        await press(pilot, "escape")
        assert not isinstance(app.screen, SpcPortfolioScreen)


class TestSpcChartSnapshots:
    def test_chart_at_120x40(self, snap_compare, demo_db):
        assert snap_compare(make_app(demo_db), terminal_size=LARGE, run_before=_otd_chart)


class TestSpcPortfolioSnapshots:
    def test_portfolio_at_80x24(self, snap_compare, demo_db):
        assert snap_compare(make_app(demo_db), terminal_size=SMALL, run_before=_portfolio)
