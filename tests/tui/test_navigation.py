"""Global keys switch screens: the stack never holds more than the scorecard and one feature screen."""

from __future__ import annotations

from textual import events

from pmtui.screens.approvals import ApprovalsScreen
from pmtui.screens.approvals_dialogs import UserSwitchDialog
from pmtui.screens.kpi import KpiScreen
from pmtui.screens.scorecard import ScorecardScreen
from tests.tui._pilot import make_app, press, settle

#: m strategy map, a alignment, t target revisions, k action register, w approvals inbox.
TYPED = ("m", "a", "t", "k", "w")


def _names(app) -> list[str]:
    return [type(s).__name__ for s in app.screen_stack[1:]]


async def test_typed_ahead_global_keys_switch_screens_and_escapes_come_back(db):
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*TYPED, "escape", "escape", "escape", "escape", "escape")  # one burst, no pauses
        await settle(pilot)
        assert _names(app) == ["ScorecardScreen"]
        assert isinstance(app.screen, ScorecardScreen)


async def test_each_global_key_replaces_the_feature_screen(db):
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*TYPED)
        await settle(pilot)
        assert _names(app) == ["ScorecardScreen", "ApprovalsScreen"]


async def test_keys_faster_than_screens_mount_are_kept(db):
    """Keys sent straight to the driver, as a terminal delivers a fast typist's keys."""
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for key in TYPED:
            app._driver.send_message(events.Key(key, key))
        await settle(pilot)
        assert _names(app) == ["ScorecardScreen", "ApprovalsScreen"]
        app._driver.send_message(events.Key("escape", None))
        await settle(pilot)
        assert _names(app) == ["ScorecardScreen"]


async def test_a_global_key_on_a_drill_down_goes_back_to_the_scorecard_first(db):
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(KpiScreen("OPEX", "PLANT_A", "2026-09"))
        await settle(pilot)
        await press(pilot, "k")  # the register opens filtered to the KPI screen's KPI and unit
        assert _names(app) == ["ScorecardScreen", "ActionsScreen"]
        assert (app.screen.kpi, app.screen.unit) == ("OPEX", "PLANT_A")
        await press(pilot, "escape")
        assert isinstance(app.screen, ScorecardScreen)


async def test_a_global_dialog_opens_over_the_screen(db):
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "w", "j")
        assert isinstance(app.screen, UserSwitchDialog)
        assert isinstance(app.screen_stack[-2], ApprovalsScreen)
        await press(pilot, "escape")
        assert isinstance(app.screen, ApprovalsScreen)
