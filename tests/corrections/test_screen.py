"""The approvals inbox (w), the reject dialog and the "who am I" switch (j), driven by the pilot on the demo.

The demo file lets anyone switch (setting ``user_switch = anyone``); :func:`_real_file`
sets it back to the default, where only administrators switch.
"""

from __future__ import annotations

from textual.widgets import DataTable, Input, Static

from pmtui import actions
from pmtui.app import PmApp
from pmtui.screens.approvals import ApprovalsScreen, shown_value
from pmtui.screens.approvals_dialogs import RejectDialog, UserSwitchDialog
from pmtui.screens.confirm import ConfirmDialog
from pmtui.services import approvals, corrections, settings
from pmtui.store import audit
from pmtui.store.db import connect
from tests.builders import NOW
from tests.tui._pilot import make_app, press, settle, type_text

SMALL = (80, 24)


def test_every_action_of_the_area_has_a_handler_and_a_binding():
    owners = {"approvals": ApprovalsScreen, "approvals-reject": RejectDialog, "user-switch": UserSwitchDialog}
    for action in actions.ACTIONS:
        for scope in set(action.scopes) & set(owners):
            assert hasattr(owners[scope], f"action_{action.action}"), action.id
            assert action.id in {b.id for b in owners[scope].BINDINGS}, action.id


def test_shown_value():
    assert shown_value({"old_value": None, "value": 94.9}) == "94.9"
    assert shown_value({"old_value": 93.5, "value": 92.8}) == "93.5 → 92.8"


def _last_entry(db):
    conn = connect(db)
    try:
        return conn.execute("SELECT actor, action, entity, entity_key, reason FROM audit_log"
                            " ORDER BY seq DESC LIMIT 1").fetchone()
    finally:
        conn.close()


def _real_file(db) -> None:
    """Only administrators may switch (the default of a file that is not the demo)."""
    conn = connect(db)
    settings.set_value(conn, approvals.SWITCH_SETTING, "administrators", actor="mvega", now=NOW)
    conn.close()


def _head(db) -> int:
    conn = connect(db)
    try:
        return audit.head(conn)[0]
    finally:
        conn.close()


def _status(db, measurement_id: int) -> tuple:
    conn = connect(db)
    try:
        return tuple(conn.execute("SELECT status, decided_by FROM measurements WHERE id = ?", [measurement_id]
                                  ).fetchone())
    finally:
        conn.close()


async def _pick_user(pilot, name: str) -> None:
    await press(pilot, "j")
    table = pilot.app.screen.query_one(DataTable)
    names = [r["name"] for r in pilot.app.screen.rows]
    table.move_cursor(row=names.index(name))
    await press(pilot, "enter")


async def test_demo_switches_to_jvandijk_and_approves_a_plant_a_submission(db):
    app = make_app(db)  # "demo": enters data, approves nothing
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await _pick_user(pilot, "jvandijk")
        assert app.user == "jvandijk" and app.sub_title == "jvandijk (switched from demo)"
        assert tuple(_last_entry(db))[:4] == ("demo", "session.switch_user", "session", "jvandijk")
        await press(pilot, "w")
        screen = app.screen
        assert isinstance(screen, ApprovalsScreen)
        first = screen.selected()
        assert (first["waits_on"], first["kind"], first["unit"], first["kpi"], first["period"]) == (
            "you", "value", "PLANT_A", "OTD_PCT", "2026-09")
        assert "UNIT_HEAD@PLANT_A" in str(screen.query_one("#approvals-title", Static).render())
        await press(pilot, "A", "y")
        assert all(i["id"] != first["id"] for i in screen.data["items"])  # decided: out of the inbox
    assert _status(db, first["id"]) == ("approved", "jvandijk")
    flag = _last_entry(db)  # made after a switch: flagged
    assert (flag["actor"], flag["action"], flag["entity_key"]) == (
        "jvandijk", approvals.AFTER_SWITCH, f"value:{first['id']}")
    assert flag["reason"] == "approved by jvandijk in a session started by demo"


async def test_approve_asks_first_and_keeps_the_cursor_on_its_row(db):
    app = make_app(db, user="knakamura")  # finance controller: approves group-wide, 13 values wait for her
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await press(pilot, "w")
        screen, table = app.screen, app.screen.query_one(DataTable)
        row = 2
        table.move_cursor(row=row)
        await settle(pilot)
        first, second = screen.data["items"][row], screen.data["items"][row + 1]
        head = _head(db)
        for cancel in ("n", "escape"):
            await press(pilot, "A")
            assert isinstance(app.screen, ConfirmDialog)
            assert first["kpi"] in str(app.screen.query_one("#confirm-text", Static).render())
            await press(pilot, cancel)
            assert app.screen is screen and table.cursor_row == row
            assert _head(db) == head and _status(db, first["id"]) == ("submitted", None)  # nothing written
        await press(pilot, "A", "y")
        assert app.screen is screen
        assert _status(db, first["id"]) == ("approved", "knakamura") and _head(db) > head
        assert table.cursor_row == row and screen.selected()["id"] == second["id"]  # the next item moved up
        await press(pilot, "A", "enter")
        assert _status(db, second["id"]) == ("approved", "knakamura")
        assert table.cursor_row == row
        assert _last_entry(db)["action"] != approvals.AFTER_SWITCH  # no switch, no flag


async def test_a_non_administrator_cannot_switch_in_a_real_file(db):
    _real_file(db)
    app = make_app(db)  # "demo": an analyst
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await _pick_user(pilot, "jvandijk")
        assert isinstance(app.screen, UserSwitchDialog)  # the refusal is shown in the dialog, which stays
        assert "lacks permission 'administer'" in str(app.screen.query_one(".approvals-error", Static).render())
        assert app.user == "demo" and app.switched_from is None
    entry = _last_entry(db)
    assert (entry["actor"], entry["action"], entry["entity"], entry["entity_key"]) == (
        "demo", "refused.administer", "session", "jvandijk")


async def test_an_administrator_switches_and_approvals_afterwards_are_flagged(db):
    _real_file(db)
    app = make_app(db, user="mvega")  # strategy administrator
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await _pick_user(pilot, "jvandijk")
        assert app.user == "jvandijk" and app.switched_from == "mvega"
        await press(pilot, "w")
        item = app.screen.selected()
        await press(pilot, "A", "y")
    entry = _last_entry(db)
    assert (entry["actor"], entry["action"], entry["entity_key"]) == (
        "jvandijk", approvals.AFTER_SWITCH, f"{item['kind']}:{item['id']}")
    conn = connect(db)
    flagged = conn.execute("SELECT json_extract(new, '$.switched_from') FROM audit_log WHERE action = ?",
                           [approvals.AFTER_SWITCH]).fetchall()
    switch = conn.execute("SELECT actor FROM audit_log WHERE action = 'session.switch_user' ORDER BY seq DESC"
                          " LIMIT 1").fetchone()
    conn.close()
    assert [tuple(r) for r in flagged] == [("mvega",)] and switch[0] == "mvega"


async def test_self_approval_is_refused_shown_and_audited(db):
    conn = connect(db)
    mine = corrections.propose(conn, "OEE_PCT", "PLANT_A", "2026-08", "75.1", "shift log recount", actor="mvega",
                               now=NOW)
    conn.close()
    app = make_app(db, user="mvega")  # strategy admin: may enter and approve, yet not her own work
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await press(pilot, "w")
        screen = app.screen
        row = next(n for n, i in enumerate(screen.data["items"]) if i["kind"] == "correction" and i["id"] == mine["id"])
        assert screen.data["items"][row]["waits_on"] == "others"
        screen.query_one(DataTable).move_cursor(row=row)
        await press(pilot, "A", "y")
        detail = str(screen.query_one("#approvals-detail", Static).render())
        assert "four-eyes rule" in detail
        assert any("four-eyes rule" in str(n.message) for n in app._notifications)
    entry = _last_entry(db)
    assert (entry["actor"], entry["action"], entry["entity"], entry["entity_key"]) == (
        "mvega", "refused.approve", "measurement_corrections", str(mine["id"]))
    conn = connect(db)
    assert corrections.get(conn, mine["id"])["status"] == "submitted"
    conn.close()


async def test_reject_asks_for_a_reason_and_records_it(db):
    app = make_app(db, user="jvandijk")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await press(pilot, "w")
        screen = app.screen
        row = next(n for n, i in enumerate(screen.data["items"]) if i["kind"] == "correction")
        cid = screen.data["items"][row]["id"]
        screen.query_one(DataTable).move_cursor(row=row)
        await press(pilot, "R")
        assert isinstance(app.screen, RejectDialog)
        await press(pilot, "enter")  # no reason yet: the dialog says so and stays
        assert isinstance(app.screen, RejectDialog)
        assert "needs a reason" in str(app.screen.query_one(".approvals-error", Static).render())
        await type_text(pilot, "Antwerp deliveries were on time")
        assert app.screen.query_one(Input).value == "Antwerp deliveries were on time"
        await press(pilot, "enter")
        assert isinstance(app.screen, ApprovalsScreen)
    conn = connect(db)
    done = corrections.get(conn, cid)
    conn.close()
    assert (done["status"], done["decided_by"], done["decision_reason"]) == (
        "rejected", "jvandijk", "Antwerp deliveries were on time")


async def test_read_only_sessions_cannot_switch_or_decide(db):
    app = make_app(db, readonly=True)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await press(pilot, "j")
        assert "Read-only" in str(app.screen.query_one(".approvals-error", Static).render())
        await press(pilot, "enter")
        assert app.user == "demo"
        await press(pilot, "escape", "w", "A")
        assert any("Read-only session" in str(n.message) for n in app._notifications)


class TestApprovalsSnapshots:
    def test_inbox_at_80x24(self, snap_compare, db):
        async def run_before(pilot):
            await settle(pilot)
            await press(pilot, "w")

        assert snap_compare(make_app(db, user="jvandijk"), terminal_size=SMALL, run_before=run_before)

    def test_reject_dialog_at_80x24(self, snap_compare, db):
        async def run_before(pilot):
            await settle(pilot)
            await press(pilot, "w", "down", "R")

        assert snap_compare(make_app(db, user="jvandijk"), terminal_size=SMALL, run_before=run_before)

    def test_user_switch_at_80x24(self, snap_compare, db):
        async def run_before(pilot):
            await settle(pilot)
            await press(pilot, "j")

        assert snap_compare(make_app(db), terminal_size=SMALL, run_before=run_before)


async def test_without_a_user_the_session_acts_as_the_login_of_an_existing_user(db):
    app = PmApp(str(db), None, lambda: NOW, cursor_blink=False, login="jvandijk")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        assert (app.user, app.started_as, app.switched_from, app.sub_title) == ("jvandijk", "jvandijk", None,
                                                                                 "jvandijk")
    app = PmApp(str(db), None, lambda: NOW, cursor_blink=False, login="root")  # no such user: browse only
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        assert app.user is None and app.sub_title == "(read-only: no user)"
