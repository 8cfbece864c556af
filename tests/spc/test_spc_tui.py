"""The XmR chart and the SPC portfolio screens: pilot tests and one snapshot per screen."""

from __future__ import annotations

import sqlite3

from textual.widgets import Static

from pmtui.screens.kpi import KpiScreen
from pmtui.screens.spc_chart import SpcChartScreen
from pmtui.screens.spc_portfolio import SpcPortfolioScreen
from pmtui.services import spc_reads
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


def _pairs(db) -> list[tuple[str, str]]:
    conn = sqlite3.connect(db)
    pairs = conn.execute("SELECT DISTINCT k.code, u.code FROM measurements m JOIN kpis k ON k.id = m.kpi_id"
                         " JOIN units u ON u.id = m.unit_id ORDER BY k.code, u.code").fetchall()
    conn.close()
    return pairs


async def test_every_chart_of_the_demo_draws(demo_db):
    """Each KPI x unit pair's chart is read as the screen's worker reads it and drawn on the chart screen.

    One app and one chart screen: every chart goes through the same ``Loaded`` message and
    is composited (``pause(0)`` renders without waiting for the CPU to go idle), so a style
    Rich cannot parse or a series plotext cannot draw fails here. About 15 ms a chart.
    """
    pairs = _pairs(demo_db)
    assert len(pairs) > 500
    collapsed, concerns = [], 0
    app = make_app(demo_db)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        screen = SpcChartScreen(*pairs[0])
        await app.push_screen(screen)
        await settle(pilot)
        with app.database() as conn:
            for kpi, unit in pairs:
                chart = spc_reads.chart(conn, kpi, unit)
                screen.kpi, screen.unit = kpi, unit
                screen.post_message(SpcChartScreen.Loaded(chart))
                await pilot.pause(0)
                assert app.return_code is None and app.screen is screen, (kpi, unit)
                side = str(screen.query_one("#spc-chart-side", Static).render())
                if chart["limits_collapsed"]:
                    collapsed.append((kpi, unit))
                    assert "limits collapsed onto the mean" in side and "No flagged point." in side, (kpi, unit)
                concerns += any(p["special_cause"] == "concern" for p in chart["points"])
    assert ("PICK_ACCURACY", "DC_NORTH") in collapsed
    assert concerns > 200  # the charts that crashed the app before (260 of 531 had a concern point)


class TestSpcConcernSnapshots:
    def test_chart_with_concern_and_improvement_points_at_120x40(self, snap_compare, demo_db):
        async def run_before(pilot):
            await settle(pilot)
            pilot.app.push_screen(KpiScreen("MTTR", "PLANT_A", "2026-10"))
            await settle(pilot)
            await press(pilot, "c")
            side = str(pilot.app.screen.query_one("#spc-chart-side", Static).render())
            assert ": concern:" not in side and " concern: " in side and " improvement: " in side

        assert snap_compare(make_app(demo_db), terminal_size=LARGE, run_before=run_before)
