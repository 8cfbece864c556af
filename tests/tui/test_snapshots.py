"""Snapshot tests: one class per screen, one ``snap_compare`` per test.

Fixed terminal sizes, the demo company, the frozen clock (2026-11-26 09:00 UTC), user
``demo`` and no cursor blink keep the pictures stable. Update them with
``pytest tests/tui --snapshot-update`` and look at the SVGs before committing.
"""

from __future__ import annotations

from textual.widgets import Input

from pmtui.screens.kpi import KpiScreen
from tests.tui._pilot import make_app, press, settle, type_text

SMALL, LARGE = (80, 24), (120, 40)


async def _plant_a(pilot, expand: bool = True) -> None:
    await settle(pilot)
    pilot.app.screen.unit = "PLANT_A"
    pilot.app.screen.reload()
    await settle(pilot)
    if expand:
        await press(pilot, "x")


async def _kpi(pilot) -> None:
    await settle(pilot)
    pilot.app.push_screen(KpiScreen("OPEX", "PLANT_A", "2026-09"))
    await settle(pilot)


class TestScorecardSnapshots:
    def test_group_at_80x24(self, snap_compare, db):
        assert snap_compare(make_app(db), terminal_size=SMALL, run_before=settle)

    def test_unit_expanded_at_120x40(self, snap_compare, db):
        assert snap_compare(make_app(db), terminal_size=LARGE, run_before=_plant_a)

    def test_unit_expanded_at_80x24(self, snap_compare, db):
        assert snap_compare(make_app(db), terminal_size=SMALL, run_before=_plant_a)


class TestUnitPickerSnapshots:
    def test_picker_at_80x24(self, snap_compare, db):
        async def run_before(pilot):
            await settle(pilot)
            await press(pilot, "u")

        assert snap_compare(make_app(db), terminal_size=SMALL, run_before=run_before)


class TestKpiSnapshots:
    def test_kpi_at_120x40(self, snap_compare, db):
        assert snap_compare(make_app(db), terminal_size=LARGE, run_before=_kpi)

    def test_kpi_at_80x24(self, snap_compare, db):
        assert snap_compare(make_app(db), terminal_size=SMALL, run_before=_kpi)


class TestEntrySnapshots:
    def test_entry_with_error_at_80x24(self, snap_compare, db):
        async def run_before(pilot):
            await _kpi(pilot)
            await press(pilot, "e")
            await type_text(pilot, "12,5")
            await press(pilot, "enter")
            assert pilot.app.screen.query_one("#value", Input).value == "12,5"

        assert snap_compare(make_app(db), terminal_size=SMALL, run_before=run_before)


class TestHelpSnapshots:
    def test_help_at_120x40(self, snap_compare, db):
        async def run_before(pilot):
            await settle(pilot)
            await press(pilot, "question_mark")

        assert snap_compare(make_app(db), terminal_size=LARGE, run_before=run_before)
