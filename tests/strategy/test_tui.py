"""TUI of the strategy area on the demo company: pilot tests, then one snapshot per screen."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Static

from pmtui.screens.alignment import AlignmentScreen
from pmtui.screens.excluded import ExcludedScreen
from pmtui.screens.revision_dialogs import RevisionDecisionDialog, RevisionRequestDialog
from pmtui.screens.revisions import RevisionsScreen
from pmtui.screens.scorecard import ScorecardScreen
from pmtui.screens.strategy_map import StrategyMapScreen
from pmtui.screens.unit_picker import UnitPicker
from pmtui.services import target_revisions
from pmtui.store.db import connect
from tests.tui._pilot import make_app, press, settle, type_text

SMALL = (80, 24)


def _text(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def test_strategy_map_opens_with_m_picks_a_unit_and_closes(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await press(pilot, "m")
        screen = app.screen
        assert isinstance(screen, StrategyMapScreen)
        assert screen.model.unit == "GROUP" and "C_CIRCULAR" in {n.code for n in screen.model.nodes}
        assert "C_CIRCULAR" in _text(screen, "#map-body") and "Cause and effect" in _text(screen, "#map-body")
        await press(pilot, "o")
        assert isinstance(app.screen, UnitPicker)
        await type_text(pilot, "PLANT_A")
        await press(pilot, "enter")
        assert screen.model.unit == "PLANT_A"
        await press(pilot, "escape")
        assert isinstance(app.screen, ScorecardScreen)


async def test_alignment_shows_findings_and_steps_through_cycles(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await press(pilot, "a")
        assert isinstance(app.screen, AlignmentScreen)
        assert app.screen.cycle == "FY2026"
        body = _text(app.screen, "#alignment-title")
        assert "5 finding(s)" in body
        await press(pilot, "c")
        assert app.screen.cycle == "FY2024"


async def test_decide_the_pending_revision_and_see_a_refusal_for_ones_own(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await press(pilot, "t")
        screen = app.screen
        assert isinstance(screen, RevisionsScreen)
        assert screen.selected()["status"] == "submitted"
        await press(pilot, "d")
        assert isinstance(app.screen, RevisionDecisionDialog)
        await pilot.click("#decision-approve")
        await settle(pilot)
        assert app.screen is screen
        conn = connect(demo_db)
        assert target_revisions.revisions(conn, status="submitted") == []
        conn.close()
        # demo requests a revision, then tries to approve it: the four-eyes refusal is shown.
        await press(pilot, "V")
        assert isinstance(app.screen, RevisionRequestDialog)
        for field, value in (("#rev-target", "88"), ("#rev-reason", "port strike")):
            app.screen.query_one(field, Input).focus()
            await type_text(pilot, value)
        await press(pilot, "enter")
        assert app.screen is screen and screen.selected()["requested_by"] == "demo"
        await press(pilot, "d")
        await pilot.click("#decision-approve")
        await settle(pilot)
        assert "four-eyes" in _text(app.screen, ".revision-error")


async def test_excluded_register_lists_the_demo_entries(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await press(pilot, "z")
        assert isinstance(app.screen, ExcludedScreen)
        assert app.screen.query_one(DataTable).row_count == 6
        assert "Why left out:" in _text(app.screen, "#excluded-detail")


class TestStrategySnapshots:
    def test_strategy_map_at_80x24(self, snap_compare, demo_db):
        async def run_before(pilot):
            await settle(pilot)
            await press(pilot, "m")

        assert snap_compare(make_app(demo_db), terminal_size=SMALL, run_before=run_before)

    def test_alignment_at_80x24(self, snap_compare, demo_db):
        async def run_before(pilot):
            await settle(pilot)
            await press(pilot, "a")

        assert snap_compare(make_app(demo_db), terminal_size=SMALL, run_before=run_before)

    def test_revisions_at_80x24(self, snap_compare, demo_db):
        async def run_before(pilot):
            await settle(pilot)
            await press(pilot, "t")

        assert snap_compare(make_app(demo_db), terminal_size=SMALL, run_before=run_before)

    def test_revision_refusal_at_80x24(self, snap_compare, demo_db):
        async def run_before(pilot):
            await settle(pilot)
            await press(pilot, "t")
            await press(pilot, "V")
            await type_text(pilot, "3")  # focus starts in the first empty field: Target
            await press(pilot, "enter")  # no reason: the service refuses

        assert snap_compare(make_app(demo_db), terminal_size=SMALL, run_before=run_before)

    def test_excluded_at_80x24(self, snap_compare, demo_db):
        async def run_before(pilot):
            await settle(pilot)
            await press(pilot, "z")

        assert snap_compare(make_app(demo_db), terminal_size=SMALL, run_before=run_before)
