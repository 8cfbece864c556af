"""The approvals inbox (w), the reject dialog and the "who am I" switch (j), driven by the pilot on the demo."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Static

from pmtui import actions
from pmtui.screens.approvals import ApprovalsScreen, shown_value
from pmtui.screens.approvals_dialogs import RejectDialog, UserSwitchDialog
from pmtui.services import corrections
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
        assert app.user == "jvandijk" and app.sub_title == "jvandijk"
        assert tuple(_last_entry(db))[:4] == ("demo", "session.switch_user", "session", "jvandijk")
        await press(pilot, "w")
        screen = app.screen
        assert isinstance(screen, ApprovalsScreen)
        first = screen.selected()
        assert (first["waits_on"], first["kind"], first["unit"], first["kpi"], first["period"]) == (
            "you", "value", "PLANT_A", "OTD_PCT", "2026-09")
        assert "UNIT_HEAD@PLANT_A" in str(screen.query_one("#approvals-title", Static).render())
        await press(pilot, "a")
        assert all(i["id"] != first["id"] for i in screen.data["items"])  # decided: out of the inbox
    conn = connect(db)
    row = conn.execute("SELECT status, decided_by FROM measurements WHERE id = ?", [first["id"]]).fetchone()
    conn.close()
    assert tuple(row) == ("approved", "jvandijk")


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
        await press(pilot, "a")
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
        await press(pilot, "r")
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
        await press(pilot, "escape", "w", "a")
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
            await press(pilot, "w", "down", "r")

        assert snap_compare(make_app(db, user="jvandijk"), terminal_size=SMALL, run_before=run_before)

    def test_user_switch_at_80x24(self, snap_compare, db):
        async def run_before(pilot):
            await settle(pilot)
            await press(pilot, "j")

        assert snap_compare(make_app(db), terminal_size=SMALL, run_before=run_before)
