"""The command palette jumps: to a unit, a KPI at the unit on screen, a meeting, an initiative, an action."""

from __future__ import annotations

from textual.command import CommandPalette

from pmtui.screens.actions import ActionsScreen
from pmtui.screens.initiatives import InitiativesScreen
from pmtui.screens.kpi import KpiScreen
from pmtui.screens.meeting import MeetingScreen
from pmtui.screens.scorecard import ScorecardScreen
from pmtui.services import palette_search
from pmtui.store.db import connect
from tests.tui._pilot import make_app, press, settle, type_text


async def _jump(pilot, query: str) -> None:
    await press(pilot, "ctrl+p")
    assert isinstance(pilot.app.screen, CommandPalette)
    await type_text(pilot, query)
    await pilot.pause(0.3)  # the palette searches in the background
    await settle(pilot)
    await press(pilot, "enter")


async def test_typing_part_of_a_kpi_code_opens_its_kpi_screen(db):
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        unit, period = app.screen.unit, app.screen.period
        await _jump(pilot, "otd_p")
        assert isinstance(app.screen, KpiScreen)
        assert (app.screen.kpi, app.screen.unit, app.screen.period) == ("OTD_PCT", unit, period)
        assert [type(s).__name__ for s in app.screen_stack[1:]] == ["ScorecardScreen", "KpiScreen"]


async def test_the_palette_jumps_to_a_unit_a_meeting_an_initiative_and_an_action(db):
    conn = connect(db)
    initiative = conn.execute("SELECT code FROM initiatives ORDER BY code LIMIT 1").fetchone()[0]
    action = conn.execute("SELECT id, title FROM actions ORDER BY id LIMIT 1").fetchone()
    conn.close()
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await _jump(pilot, "PLANT_B")
        assert isinstance(app.screen, ScorecardScreen) and app.screen.unit == "PLANT_B"
        await _jump(pilot, "PLANT_A-2026-09")
        assert isinstance(app.screen, MeetingScreen) and app.screen.code == "PLANT_A-2026-09"
        await _jump(pilot, initiative)
        assert isinstance(app.screen, InitiativesScreen)
        assert app.screen.rows[app.screen.query_one("#initiatives-table").cursor_row][0]["code"] == initiative
        await _jump(pilot, action["title"])
        assert isinstance(app.screen, ActionsScreen) and app.screen.selected()["id"] == action["id"]
        assert len(app.screen_stack) == 3  # default screen, scorecard, one feature screen


def test_search_ranks_codes_then_names_and_pages_with_limit(mini):
    found = palette_search.search(mini, "rev")
    assert [(f.kind, f.key, f.rank) for f in found][:1] == [("kpi", "REV", 0)]
    assert [f.key for f in palette_search.search(mini, "BU_")] == ["BU_A", "BU_B"]  # _ is a letter, not a wildcard
    assert [f.key for f in palette_search.search(mini, "unit a")] == ["BU_A"]  # the name's words, in order
    assert [f.key for f in palette_search.search(mini, "nrth")] == ["NORTH"]  # scattered letters of the code
    assert palette_search.search(mini, "   ") == []
    assert len(palette_search.search(mini, "u", kinds=("unit",), limit=2)) == 2
