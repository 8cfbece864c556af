"""The measurement screens: pilot tests and one snapshot per screen (demo company, frozen clock)."""

from __future__ import annotations

from textual.widgets import DataTable, Static

from pmtui.screens.freshness import FreshnessScreen
from pmtui.screens.kpi import KpiScreen
from pmtui.screens.sources import SourcesScreen
from pmtui.widgets.kpi_notes import KpiNotes
from tests.tui._pilot import make_app, press, settle

SMALL, LARGE = (80, 24), (120, 40)


async def test_f_opens_freshness_with_stale_and_conflicting(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=LARGE) as pilot:
        await settle(pilot)
        await press(pilot, "f")
        assert isinstance(app.screen, FreshnessScreen)
        stale = app.screen.query_one("#freshness-stale", DataTable)
        rows = [stale.get_row_at(i) for i in range(stale.row_count)]
        assert ("DC_NORTH", "OTD_PCT", "2026-10", "2026-10-29") in {tuple(r[:4]) for r in rows}
        assert app.screen.query_one("#freshness-conflicts", DataTable).row_count >= 3
        await press(pilot, "escape")
        assert not isinstance(app.screen, FreshnessScreen)


async def test_s_opens_sources_and_follows_the_cursor(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=LARGE) as pilot:
        await settle(pilot)
        await press(pilot, "s")
        assert isinstance(app.screen, SourcesScreen)
        first = app.screen.query_one("#sources-kpis", DataTable).get_row_at(0)[0]
        await press(pilot, "down")
        assert app.screen.query_one("#sources-kpis", DataTable).get_row_at(0)[0] != first


async def test_kpi_screen_shows_assessments_and_variant(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=LARGE) as pilot:
        await settle(pilot)
        app.push_screen(KpiScreen("STAFF_TURNOVER", "DC_SOUTH", "2026-10"))
        await settle(pilot)
        text = str(app.screen.query_one(KpiNotes).render())
        assert "on track with risks" not in text and "concern" in text and "Variant at RGN_SOUTH" in text


async def test_scorecard_warns_above_the_cap_and_shows_ratings(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=LARGE) as pilot:
        await settle(pilot)
        app.screen.unit = "PLANT_B"
        app.screen.reload()
        await settle(pilot)
        assert "above the cap of 20" in str(app.screen.query_one("#summary", Static).render())
        await press(pilot, "x")
        table = app.screen.query_one("#scorecard-table", DataTable)
        names = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        assert any("③" in n and "OTD_PCT" in n for n in names)


class TestMeasurementSnapshots:
    def test_freshness_at_80x24(self, snap_compare, demo_db):
        async def run_before(pilot):
            await settle(pilot)
            await press(pilot, "f")

        assert snap_compare(make_app(demo_db), terminal_size=SMALL, run_before=run_before)

    def test_sources_at_120x40(self, snap_compare, demo_db):
        async def run_before(pilot):
            await settle(pilot)
            await press(pilot, "s")

        assert snap_compare(make_app(demo_db), terminal_size=LARGE, run_before=run_before)
