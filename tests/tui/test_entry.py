"""The data-entry dialog: valid values are stored and audited, bad input is refused inline."""

from __future__ import annotations

import sqlite3

from textual.widgets import Checkbox, Input, Static

from pmtui.screens.entry import EntryDialog
from pmtui.screens.kpi import KpiScreen
from pmtui.screens.scorecard import ScorecardScreen
from tests.tui._pilot import make_app, press, settle, type_text

KPI, UNIT, PERIOD = "OTD_PCT", "DC_NORTH", "2026-10"  # latest closed period on 2026-11-26; the demo leaves it empty


def _counts(db) -> tuple[int, int]:
    with sqlite3.connect(db) as conn:
        return (conn.execute("SELECT count(*) FROM measurements").fetchone()[0],
                conn.execute("SELECT count(*) FROM audit_log").fetchone()[0])


def _stored(db) -> sqlite3.Row | None:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    row = conn.execute(
        """SELECT m.value, m.status, m.comment, m.entered_by FROM measurements m JOIN kpis k ON k.id = m.kpi_id
           JOIN units u ON u.id = m.unit_id WHERE k.code = ? AND u.code = ? AND m.period = ?""",
        [KPI, UNIT, PERIOD]).fetchone()
    audit = conn.execute("SELECT actor, action FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    conn.close()
    return row, audit


async def _open_dialog(pilot) -> EntryDialog:
    pilot.app.push_screen(KpiScreen(KPI, UNIT, "2026-09"))
    await settle(pilot)
    await press(pilot, "e")
    assert isinstance(pilot.app.screen, EntryDialog)
    return pilot.app.screen


async def test_dialog_defaults_to_the_latest_closed_period(db):
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        dialog = await _open_dialog(pilot)
        assert dialog.query_one("#period", Input).value == PERIOD
        assert app.focused is dialog.query_one("#value", Input)
        await press(pilot, "escape")
        assert isinstance(app.screen, KpiScreen)


async def test_valid_value_is_stored_as_draft_and_audited(db):
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await _open_dialog(pilot)
        await type_text(pilot, "1500.5")
        await press(pilot, "tab")
        await type_text(pilot, "on plan")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, KpiScreen)
        row, audit = _stored(db)
        assert (row["value"], row["status"], row["comment"], row["entered_by"]) == (1500.5, "draft", "on plan", "demo")
        assert (audit["actor"], audit["action"]) == ("demo", "measurement.draft")
        assert app.screen.query_one("#kpi-history").get_row(PERIOD)[2].plain == "draft"
        assert any("saved as draft" in str(n.message) for n in app._notifications)


async def test_submit_checkbox_stores_a_submitted_value(db):
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        dialog = await _open_dialog(pilot)
        dialog.query_one("#submit", Checkbox).value = True
        await type_text(pilot, "1490")
        await press(pilot, "enter")
        row, audit = _stored(db)
        assert (row["value"], row["status"]) == (1490, "submitted")
        assert audit["action"] == "measurement.submitted"


async def test_bad_value_shows_the_error_inline_and_stores_nothing(db):
    before = _counts(db)
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        dialog = await _open_dialog(pilot)
        await type_text(pilot, "abc")
        await press(pilot, "enter")
        assert app.screen is dialog
        assert str(dialog.query_one("#entry-error", Static).render()) == "'abc' is not a number"
        dialog.query_one("#value", Input).value = "12"  # a bad period is refused the same way
        dialog.query_one("#period", Input).value = "2026-13"
        await press(pilot, "enter")
        assert "not in the form YYYY-MM" in str(dialog.query_one("#entry-error", Static).render())
    assert _counts(db) == before


async def test_readonly_session_refuses_entry(db):
    app = make_app(db, readonly=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(KpiScreen(KPI, UNIT, "2026-09"))
        await settle(pilot)
        await press(pilot, "e")
        assert isinstance(app.screen, KpiScreen)
        assert any("Read-only session" in str(n.message) for n in app._notifications)


async def test_session_without_user_refuses_entry(db):
    before = _counts(db)
    app = make_app(db, user=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.sub_title == "(read-only: no user)"
        app.push_screen(KpiScreen(KPI, UNIT, "2026-09"))
        await settle(pilot)
        await press(pilot, "e")
        assert not isinstance(app.screen, EntryDialog)
        assert any("No acting user" in str(n.message) for n in app._notifications)
    assert _counts(db) == before


async def test_saving_refreshes_the_scorecard_below(db):
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        scorecard = app.screen
        assert isinstance(scorecard, ScorecardScreen)
        await _open_dialog(pilot)
        await type_text(pilot, "1500")
        await press(pilot, "enter")
        # The new value is the only pending one, and now the latest period with data.
        assert scorecard.card.periods[0] == PERIOD
