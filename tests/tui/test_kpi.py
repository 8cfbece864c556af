"""The KPI screen: definition, targets, 24 periods of history, chart and unit switcher."""

from __future__ import annotations

from textual.widgets import DataTable, Static

from pmtui.screens.kpi import HISTORY, KpiScreen
from pmtui.screens.unit_picker import UnitPicker
from pmtui.widgets.trend import TrendChart
from tests.tui._pilot import make_app, press, settle, type_text


async def _kpi_screen(pilot, kpi="OPEX", unit="PLANT_A") -> KpiScreen:
    pilot.app.push_screen(KpiScreen(kpi, unit, "2026-09"))
    await settle(pilot)
    return pilot.app.screen


async def test_shows_definition_targets_and_bounded_history(db):
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = await _kpi_screen(pilot)
        definition = str(screen.query_one("#kpi-definition", Static).render())
        for word in ("Direction", "lower", "Aggregation", "Frequency", "Lead/lag", "Financial", "Owner",
                     "Perspective"):
            assert word in definition
        history = screen.query_one("#kpi-history", DataTable)
        assert 0 < history.row_count <= HISTORY
        periods = [r.key.value for r in history.ordered_rows]
        assert periods[0] == "2026-10" and periods == sorted(periods, reverse=True)
        assert len(screen.detail.history) == history.row_count
        assert screen.query_one(TrendChart).plt is not None


async def test_unit_switcher_offers_units_that_measure_the_kpi(db):
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = await _kpi_screen(pilot)
        await press(pilot, "u")
        picker = app.screen
        assert isinstance(picker, UnitPicker)
        assert {u.code for u in picker.units} == set(screen.detail.units)
        other = next(u.code for u in picker.units if u.code != "PLANT_A")
        await type_text(pilot, other.lower())
        await press(pilot, "enter")
        assert app.screen is screen and screen.unit == other == screen.detail.unit


async def test_unknown_kpi_says_so(db):
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = await _kpi_screen(pilot, kpi="NOPE")
        assert "unknown KPI 'NOPE'" in str(screen.query_one("#kpi-title", Static).render())
