"""The scorecard screen: units, periods, expanding objectives, opening a KPI."""

from __future__ import annotations

from pmtui.screens.kpi import KpiScreen
from pmtui.screens.scorecard import ScorecardScreen
from pmtui.screens.unit_picker import UnitPicker
from pmtui.widgets.scorecard_table import ScorecardTable
from tests.tui._pilot import make_app, press, settle, type_text


def _table(app) -> ScorecardTable:
    return app.screen.query_one(ScorecardTable)


async def _go_to(pilot, key: str) -> None:
    table = _table(pilot.app)
    keys = [r.key.value for r in table.ordered_rows]
    table.move_cursor(row=keys.index(key))
    await pilot.pause()


async def test_opens_on_the_top_unit_at_its_latest_period(db):
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ScorecardScreen)
        assert (screen.unit, screen.period) == ("GROUP", "2026-10")
        assert screen.card.perspectives and screen.card.score is not None
        keys = [r.key.value for r in _table(app).ordered_rows]
        assert keys[0].startswith("P|") and any(k.startswith("O|") for k in keys)


async def test_period_keys_step_through_periods_with_data(db):
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "p", "p")
        assert app.screen.period == "2026-08"
        await press(pilot, "n")
        assert app.screen.period == "2026-09"
        await press(pilot, "n", "n")  # the second one is past the latest: stays and says so
        assert app.screen.period == "2026-10"


async def test_unit_picker_lists_the_tree_and_filters(db):
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "u")
        picker = app.screen
        assert isinstance(picker, UnitPicker)
        assert [u.code for u in picker.units][:2] == ["GROUP", "RGN_CENTRAL"]
        await type_text(pilot, "plant_a")
        await press(pilot, "enter")
        assert isinstance(app.screen, ScorecardScreen)
        assert app.screen.unit == "PLANT_A" and app.screen.period == "2026-10"


async def test_enter_expands_an_objective_and_opens_a_kpi(db):
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.screen.unit = "PLANT_A"
        app.screen.reload()
        await settle(pilot)
        objective = next(k.value for k in _table(app).rows if k.value.startswith("O|"))
        rows = _table(app).row_count
        await _go_to(pilot, objective)
        await press(pilot, "enter")
        assert _table(app).row_count > rows
        kpi_row = next(k for k in (r.key.value for r in _table(app).ordered_rows) if k.startswith("K|"))
        await _go_to(pilot, kpi_row)
        await press(pilot, "enter")
        assert isinstance(app.screen, KpiScreen)
        assert (app.screen.kpi, app.screen.unit) == (kpi_row.split("|")[2], "PLANT_A")
        await press(pilot, "escape")
        assert isinstance(app.screen, ScorecardScreen)
        await _go_to(pilot, objective)
        await press(pilot, "enter")  # collapses again
        assert _table(app).row_count == rows


async def test_enter_value_needs_a_kpi_row(db):
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "e")
        assert isinstance(app.screen, ScorecardScreen)
        assert any("KPI row" in str(n.message) for n in app._notifications)


async def test_enter_on_a_cascaded_objective_opens_its_unit(db):
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        objective = next(r.key.value for r in _table(app).ordered_rows if r.key.value.startswith("O|"))
        await _go_to(pilot, objective)
        await press(pilot, "enter")
        child = next(r.key.value for r in _table(app).ordered_rows if r.key.value.startswith("C|"))
        _, _, code, unit = child.split("|")
        await _go_to(pilot, child)
        await press(pilot, "enter")
        assert app.screen.unit == unit and app.screen.expanded == {code}
        assert any(r.key.value.startswith(f"K|{code}|") for r in _table(app).ordered_rows)
