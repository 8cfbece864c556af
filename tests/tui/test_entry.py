"""The data-entry dialog: valid values are stored and audited, bad input is refused inline."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone

from textual.widgets import Input, Switch

from pmtui.app import PmApp
from pmtui.screens.entry import EntryDialog
from pmtui.screens.kpi import KpiScreen
from pmtui.screens.scorecard import ScorecardScreen
from pmtui.services import measurements
from pmtui.widgets.scorecard_table import ScorecardTable
from tests.tui._pilot import make_app, press, settle, type_text

KPI, UNIT, PERIOD = "OTD_PCT", "DC_NORTH", "2026-10"  # latest closed period on 2026-11-26; the demo leaves it empty


def _counts(db) -> tuple[int, int]:
    with sqlite3.connect(db) as conn:
        return (conn.execute("SELECT count(*) FROM measurements").fetchone()[0],
                conn.execute("SELECT count(*) FROM audit_log").fetchone()[0])


def _stored(db, kpi=KPI, unit=UNIT, period=PERIOD) -> tuple[sqlite3.Row | None, sqlite3.Row]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    row = conn.execute(
        """SELECT m.value, m.status, m.comment, m.entered_by FROM measurements m JOIN kpis k ON k.id = m.kpi_id
           JOIN units u ON u.id = m.unit_id WHERE k.code = ? AND u.code = ? AND m.period = ?""",
        [kpi, unit, period]).fetchone()
    audit = conn.execute("SELECT actor, action FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    conn.close()
    return row, audit


async def _open_dialog(pilot, kpi=KPI, unit=UNIT, period: str | None = PERIOD) -> EntryDialog:
    pilot.app.push_screen(KpiScreen(kpi, unit, period))
    await settle(pilot)
    await press(pilot, "e")
    assert isinstance(pilot.app.screen, EntryDialog)
    return pilot.app.screen


def _text(screen, selector: str) -> str:
    return str(screen.query_one(selector).render())


async def test_dialog_proposes_the_period_of_the_kpi_screen(db):
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        dialog = await _open_dialog(pilot, period="2026-08")
        assert dialog.query_one("#period", Input).value == "2026-08"
        assert app.focused is dialog.query_one("#value", Input)
        await press(pilot, "escape")
        assert isinstance(app.screen, KpiScreen)
        app.pop_screen()
        await settle(pilot)
        dialog = await _open_dialog(pilot, period=None)  # opened without a period: the latest closed one
        assert dialog.query_one("#period", Input).value == PERIOD


async def test_dialog_proposes_the_period_the_scorecard_shows_not_the_latest_closed(db):
    # On 5 December the latest closed period is 2026-11, which holds no data yet: the
    # scorecard shows 2026-10, and so does the dialog (it used to propose 2026-11).
    app = PmApp(str(db), "demo", lambda: datetime(2026, 12, 5, 9, 0, tzinfo=timezone.utc), cursor_blink=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        scorecard = app.screen
        scorecard.unit = "PLANT_A"
        scorecard.reload()
        await settle(pilot)
        assert isinstance(scorecard, ScorecardScreen) and scorecard.period == "2026-10"
        await press(pilot, "x")  # expand every objective
        table = scorecard.query_one(ScorecardTable)
        keys = [r.key.value for r in table.ordered_rows]
        table.move_cursor(row=next(i for i, k in enumerate(keys) if k.startswith("K|")))
        await press(pilot, "e")
        assert isinstance(app.screen, EntryDialog)
        assert app.screen.query_one("#period", Input).value == "2026-10"


async def test_valid_value_is_stored_as_draft_and_audited(db):
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        dialog = await _open_dialog(pilot)
        assert _text(dialog, "#entry-current") == f"Nothing stored for {PERIOD} yet."
        assert _text(dialog, "#submit-label") == "Submit for approval: no (saved as a draft)"
        await type_text(pilot, "93.5")
        await press(pilot, "tab")
        await type_text(pilot, "on plan")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, KpiScreen)
        row, audit = _stored(db)
        assert (row["value"], row["status"], row["comment"], row["entered_by"]) == (93.5, "draft", "on plan", "demo")
        assert (audit["actor"], audit["action"]) == ("demo", "measurement.draft")
        assert app.screen.query_one("#kpi-history").get_row(PERIOD)[2].plain == "draft"
        assert any("saved as draft" in str(n.message) for n in app._notifications)


async def test_submit_switch_says_yes_and_stores_a_submitted_value(db):
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        dialog = await _open_dialog(pilot)
        await press(pilot, "tab", "tab", "space")  # value -> comment -> the switch; space turns it on
        assert dialog.query_one("#submit", Switch).value is True
        assert _text(dialog, "#submit-label") == "Submit for approval: yes (an approver decides next)"
        dialog.query_one("#value", Input).focus()
        await type_text(pilot, "94")
        await press(pilot, "enter")
        row, audit = _stored(db)
        assert (row["value"], row["status"]) == (94, "submitted")
        assert audit["action"] == "measurement.submitted"


async def test_editing_a_draft_starts_from_its_value(db):
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await _open_dialog(pilot)
        await type_text(pilot, "93.25")
        await press(pilot, "tab")
        await type_text(pilot, "carrier late")
        await press(pilot, "enter")
        assert isinstance(app.screen, KpiScreen)
        await press(pilot, "e")
        dialog = app.screen
        assert dialog.query_one("#value", Input).value == "93.25"
        assert dialog.query_one("#comment", Input).value == "carrier late"
        assert dialog.query_one("#submit", Switch).value is False
        assert _text(dialog, "#entry-current") == "Editing the draft value 93.25 entered by demo."
        dialog.query_one("#value", Input).value = "93.75"
        await press(pilot, "ctrl+s")
        row, _ = _stored(db)
        assert (row["value"], row["status"], row["comment"]) == (93.75, "draft", "carrier late")


async def test_changing_the_period_reads_what_it_holds(db):
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        dialog = await _open_dialog(pilot, kpi="OEE_PCT", unit="PLANT_B")
        period = dialog.query_one("#period", Input)
        period.value = "2026-09"  # submitted by glambert in the demo: the switch starts on
        await settle(pilot)
        assert dialog.query_one("#value", Input).value == "74.4"
        assert dialog.query_one("#submit", Switch).value is True
        assert "Editing the submitted value 74.4" in _text(dialog, "#entry-current")
        period.value = "2026-08"  # approved: said, and the other period's value is not carried over
        await settle(pilot)
        assert "2026-08 is approved" in _text(dialog, "#entry-current")
        assert dialog.query_one("#value", Input).value == "" and dialog.query_one("#submit", Switch).value is False
        dialog.query_one("#value", Input).value = "75"
        period.value = "2026-09"
        await settle(pilot)
        assert dialog.query_one("#value", Input).value == "75"  # never overwrites what the user typed


async def test_bad_value_shows_the_error_inline_and_stores_nothing(db):
    before = _counts(db)
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        dialog = await _open_dialog(pilot)
        await type_text(pilot, "abc")
        await press(pilot, "enter")
        assert app.screen is dialog
        assert _text(dialog, "#entry-error") == "'abc' is not a number"
        dialog.query_one("#value", Input).value = "12"  # a bad period is refused the same way
        dialog.query_one("#period", Input).value = "2026-13"
        await press(pilot, "enter")
        assert "not in the form YYYY-MM" in _text(dialog, "#entry-error")
    assert _counts(db) == before


async def test_out_of_range_and_future_values_are_refused_inline(db):
    before = _counts(db)
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        dialog = await _open_dialog(pilot)
        assert dialog.query_one("#value", Input).placeholder == "%, 0 to 100"
        await type_text(pilot, "101.5")
        await press(pilot, "enter")
        assert _text(dialog, "#entry-error") == "OTD_PCT is measured in % (0 to 100): 101.5 is outside that range"
        dialog.query_one("#value", Input).value = "95"
        dialog.query_one("#period", Input).value = "2026-12"
        await press(pilot, "enter")
        assert _text(dialog, "#entry-error") == "2026-12 is in the future (latest allowed 2026-11)"
        assert app.screen is dialog and not dialog.saving
    assert _counts(db) == before


async def test_an_unexpected_error_while_saving_is_shown_and_the_dialog_stays_usable(db, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("boom in the service")

    before = _counts(db)
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        dialog = await _open_dialog(pilot)
        monkeypatch.setattr(measurements, "enter_value", broken)
        await type_text(pilot, "93")
        await press(pilot, "enter")
        assert app.screen is dialog and not dialog.saving
        assert _text(dialog, "#entry-error") == "Not saved: unexpected error (ValueError: boom in the service)"
        notices = [n for n in app._notifications if n.severity == "error"]
        assert [(n.title, n.message) for n in notices] == [("Unexpected error", "ValueError: boom in the service")]
        await press(pilot, "escape")
        assert isinstance(app.screen, KpiScreen)
        monkeypatch.undo()  # and the user goes on: the next save works
        await press(pilot, "e")
        await type_text(pilot, "93")
        await press(pilot, "enter")
        assert isinstance(app.screen, KpiScreen)
    assert _counts(db)[0] == before[0] + 1


async def test_readonly_session_refuses_entry(db):
    app = make_app(db, readonly=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(KpiScreen(KPI, UNIT, PERIOD))
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
        app.push_screen(KpiScreen(KPI, UNIT, PERIOD))
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
        await type_text(pilot, "95")
        await press(pilot, "enter")
        # The new value is the only pending one, and now the latest period with data.
        assert scorecard.card.periods[0] == PERIOD

